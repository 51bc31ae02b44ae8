// Model sets (.brtset): binary version 2, version-1 JSON sets still read, damaged files refused.
import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync, gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fitGbm, predict, modelToJson, type GbmModel } from '../../../algorithms/brt/engine/gbm.js';
import { loadModels, saveModelSet } from '../../../algorithms/brt/model-set.js';
import { columns, loadFixture, CASES } from './fixtures.js';

const dir = mkdtempSync(path.join(tmpdir(), 'socp-brtset-'));
// one model per R fixture (missing values, weights, few rows …): R's predict.gbm values are the oracle
const fixtures = CASES.map((c) => loadFixture(c));
const models: GbmModel[] = fixtures.map((f) =>
  fitGbm(columns(f.x, f.varNames), Float64Array.from(f.y), { ...f.params, seed: f.seed, weights: f.weights ?? undefined, predictorNames: f.varNames }),
);
const setFile = path.join(dir, 'all.brtset');

beforeAll(async () => {
  await saveModelSet(setFile, models, { source: 'test', note: 'ünïcode' });
});

describe('model set version 2 (binary)', () => {
  it('loads back every model bit for bit, with its metadata', async () => {
    const r = await loadModels(setFile);
    expect(r.isSet).toBe(true);
    expect(r.meta).toEqual({ source: 'test', note: 'ünïcode' });
    expect(r.models).toHaveLength(models.length);
    r.models.forEach((m, i) => expect(modelToJson(m), CASES[i]).toBe(modelToJson(models[i]!)));
  });

  it('predicts as R predict.gbm after loading', async () => {
    const r = await loadModels(setFile);
    fixtures.forEach((f, i) => {
      const X = columns(f.newdata, f.varNames);
      for (const p of f.predict) expect(Array.from(predict(r.models[i]!, X, p.nTrees)), `${f.case} n.trees ${p.nTrees}`).toEqual(p.values);
    });
  });

  it('is gzip-compressed and starts with the SOCPBRTS magic and version 2', () => {
    const raw = gunzipSync(readFileSync(setFile));
    expect(raw.subarray(0, 8).toString('latin1')).toBe('SOCPBRTS');
    expect(raw.readUInt32LE(8)).toBe(2);
    const headLen = raw.readUInt32LE(12);
    expect((16 + headLen) % 8).toBe(0);
    const head = JSON.parse(raw.toString('utf8', 16, 16 + headLen));
    expect(head.format).toBe('socp-brt-set');
    expect(head.models[0].treeNodes).toHaveLength(models[0]!.nTrees);
    // 48 bytes per node after the header, nothing else
    const nodes = models.reduce((a, m) => a + m.trees.reduce((b, t) => b + t.splitVar.length, 0), 0);
    expect(raw.length - 16 - headLen).toBe(48 * nodes);
  });
});

describe('model set: older and damaged files', () => {
  it('still reads a version-1 set (one JSON document)', async () => {
    const text = `{"format": "socp-brt-set", "version": 1, "meta": {"a": 1}, "models": [\n${models.map((m) => modelToJson(m)).join(',\n')}\n]}\n`;
    const f = path.join(dir, 'v1.brtset');
    writeFileSync(f, gzipSync(Buffer.from(text)));
    const r = await loadModels(f);
    expect(r.meta).toEqual({ a: 1 });
    r.models.forEach((m, i) => expect(modelToJson(m)).toBe(modelToJson(models[i]!)));
  });

  const raw = () => gunzipSync(readFileSync(setFile));
  const write = (name: string, b: Buffer) => {
    const f = path.join(dir, name);
    writeFileSync(f, gzipSync(b));
    return f;
  };

  it('refuses a truncated set, naming the file', async () => {
    const b = raw();
    const f = write('cut.brtset', b.subarray(0, b.length - 100));
    await expect(loadModels(f)).rejects.toThrow(/cut\.brtset.*truncated.*write it again/);
  });

  it('refuses bytes after the last model', async () => {
    const f = write('long.brtset', Buffer.concat([raw(), Buffer.alloc(48)]));
    await expect(loadModels(f)).rejects.toThrow(/long\.brtset: 48 bytes follow the last model/);
  });

  it('refuses a newer version with "update socp"', async () => {
    const b = Buffer.from(raw());
    b.writeUInt32LE(3, 8);
    await expect(loadModels(write('v3.brtset', b))).rejects.toThrow(/version 3 is newer than this socp reads.*update socp/);
  });

  it('refuses a tree whose child index points backwards', async () => {
    const b = Buffer.from(raw());
    const headLen = b.readUInt32LE(12);
    const m = models[0]!.trees[0]!.splitVar.length;
    // first tree of the first model: its int32 'left' array starts at 36·m bytes into the tree
    expect(models[0]!.trees[0]!.splitVar[0]).toBeGreaterThanOrEqual(0);
    b.writeInt32LE(0, 16 + headLen + 36 * m);
    await expect(loadModels(write('bad-tree.brtset', b))).rejects.toThrow(/model 1, tree 1.*node 0 has a child index 0/);
  });

  it('refuses a damaged gzip stream', async () => {
    const b = Buffer.from(readFileSync(setFile));
    const f = path.join(dir, 'gz.brtset');
    writeFileSync(f, b.subarray(0, b.length >> 1));
    await expect(loadModels(f)).rejects.toThrow(/gz\.brtset is a damaged compressed model set/);
  });
});
