import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  fitGbm,
  predict,
  modelToJson,
  modelFromJson,
  writeModelFile,
  readModelFile,
  MODEL_FORMAT_VERSION,
} from '../../../algorithms/brt/engine/gbm.js';
import { columns, loadFixture } from './fixtures.js';

const f = loadFixture('missing');
const X = columns(f.x, f.varNames);
const model = fitGbm(X, Float64Array.from(f.y), { ...f.params, seed: f.seed, predictorNames: f.varNames });

describe('socp-brt model file', () => {
  it('round-trips bit-exactly (text and every number)', () => {
    const text = modelToJson(model, { note: 'test' });
    const back = modelFromJson(text);
    expect(back.meta).toEqual({ note: 'test' });
    expect(back.model).toEqual(model);
    expect(modelToJson(back.model, back.meta)).toBe(text);
    expect(Array.from(predict(back.model, X))).toEqual(f.fit);
  });

  it('keeps -0 and NaN', () => {
    const m = structuredClone(model);
    m.trees[0]!.prediction[0] = -0;
    m.training.trainError[0] = NaN;
    const back = modelFromJson(modelToJson(m)).model;
    expect(Object.is(back.trees[0]!.prediction[0], -0)).toBe(true);
    expect(back.training.trainError[0]).toBeNaN();
  });

  it('writes atomically and reads back from disk', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'socp-brt-'));
    const file = path.join(dir, 'model.json');
    await writeModelFile(file, model, { created: 'now' });
    expect(readdirSync(dir)).toEqual(['model.json']);
    const back = await readModelFile(file);
    expect(back.model).toEqual(model);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    expect(doc.format).toBe('socp-brt');
    expect(doc.version).toBe(MODEL_FORMAT_VERSION);
  });

  it('explains files it cannot read', async () => {
    const text = modelToJson(model);
    expect(() => modelFromJson('{ nope')).toThrow(/not valid JSON/);
    expect(() => modelFromJson('[1,2]')).toThrow(/expected a JSON object/);
    expect(() => modelFromJson(text.replace('"socp-brt"', '"lightgbm"'))).toThrow(/"format" is "lightgbm", expected "socp-brt"/);
    expect(() => modelFromJson(text.replace('"version": 1', '"version": 2'))).toThrow(/version 2 is newer.*update socp/);
    const doc = JSON.parse(text);
    doc.trees[3].left.pop();
    expect(() => modelFromJson(doc)).toThrow(/tree 4.*'left' has \d+ entries, expected \d+/);
    const doc2 = JSON.parse(text);
    doc2.trees[0].splitVar[0] = 99;
    expect(() => modelFromJson(doc2)).toThrow(/tree 1.*predictor 99/);
    const doc3 = JSON.parse(text);
    doc3.nTrees = 7;
    expect(() => modelFromJson(doc3)).toThrow(/"nTrees" says 7/);
    const doc4 = JSON.parse(text);
    delete doc4.initF;
    expect(() => modelFromJson(doc4)).toThrow(/'initF' must be a number/);
    const dir = mkdtempSync(path.join(tmpdir(), 'socp-brt-'));
    await expect(readModelFile(path.join(dir, 'none.json'))).rejects.toThrow(/does not exist/);
    writeFileSync(path.join(dir, 'bad.json'), 'garbage');
    await expect(readModelFile(path.join(dir, 'bad.json'))).rejects.toThrow(/bad\.json: not a socp BRT model file/);
  });
});
