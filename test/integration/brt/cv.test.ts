// SPDX-License-Identifier: GPL-2.0-or-later
// brt:cv end to end through run(): identical results for any thread count, refit model of repeat 1
// equal to brt:train's model for the same seed, per-stratum rows, and the bad inputs.
import { describe, it, expect, beforeAll } from 'vitest';
import path from 'node:path';
import fs from 'node:fs';
import { run } from '../../../toolbox/run.js';
import { loadModels } from '../../../algorithms/brt/model-set.js';
import { tempDir, writeFile, listDir } from '../../helpers.js';

let dir: string;
let data: string;
const preds = 'x1,x2,x3,x4';
const small = { N_TREES: 60, INTERACTION_DEPTH: 3, SHRINKAGE: 0.05, N_MINOBSINNODE: 5, BAG_FRACTION: 0.5 };

beforeAll(() => {
  dir = tempDir();
  // y = 3·x1 + 2·x2² + noise (a fixed LCG so the file is the same every time)
  let s = 12345;
  const u = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const lines = ['id,lu,x1,x2,x3,x4,y'];
  for (let i = 0; i < 120; i++) {
    const x = [u(), u(), u(), u()];
    lines.push(`${i},${['farmland', 'forest', 'grassland'][i % 3]},${x.map((v) => v.toFixed(5)).join(',')},${(3 * x[0] + 2 * x[1] ** 2 + 0.2 * u()).toFixed(5)}`);
  }
  data = writeFile(dir, 'd.csv', lines.join('\n') + '\n');
});

describe('brt:cv', () => {
  it('gives identical outputs with 1 and 2 threads', async () => {
    const out = (t: number) => path.join(dir, `s${t}.csv`);
    for (const t of [1, 2]) {
      await run('brt:cv', { INPUT: data, TARGET: 'y', PREDICTORS: preds, ...small, FOLDS: 5, REPEATS: 3, STRATUM_FIELD: 'lu', THREADS: t, SEED: 42, OUTPUT_SUMMARY: out(t), OUTPUT_PREDICTIONS: path.join(dir, `p${t}.csv`) });
    }
    expect(fs.readFileSync(out(1), 'utf8')).toBe(fs.readFileSync(out(2), 'utf8'));
    expect(fs.readFileSync(path.join(dir, 'p1.csv'), 'utf8')).toBe(fs.readFileSync(path.join(dir, 'p2.csv'), 'utf8'));
    const summary = fs.readFileSync(out(1), 'utf8');
    for (const s of ['all', 'farmland', 'forest', 'grassland']) expect(summary).toMatch(new RegExp(`^y,${s},R2,`, 'm'));
  });

  it('repeat 1 refit equals brt:train with the same seed; out-of-fold metrics are sensible', async () => {
    const set = path.join(dir, 'm.brtset');
    const r = await run('brt:cv', { INPUT: data, TARGET: 'y', PREDICTORS: preds, ...small, FOLDS: 4, REPEATS: 2, SEED: 7, OUTPUT_SUMMARY: path.join(dir, 'x.json'), OUTPUT_MODELS: set });
    expect(r.results.R2_MEAN as number).toBeGreaterThan(0.7);
    const single = path.join(dir, 'one.json');
    await run('brt:train', { INPUT: data, TARGET: 'y', PREDICTORS: preds, ...small, SEED: 7, OUTPUT_MODEL: single });
    const a = (await loadModels(set)).models;
    const b = (await loadModels(single)).models[0];
    expect(a).toHaveLength(2);
    expect(a[0].initF).toBe(b.initF);
    expect(a[0].trees.map((t) => Array.from(t.splitCodePred))).toEqual(b.trees.map((t) => Array.from(t.splitCodePred)));
    expect(a[1].trees[0].splitCodePred).not.toEqual(b.trees[0].splitCodePred);
  });

  it('FOLDS larger than the rows is refused', async () => {
    const d = tempDir();
    const f = writeFile(d, 'a.csv', 'x,y\n1,2\n2,3\n3,5\n');
    await expect(run('brt:cv', { INPUT: f, TARGET: 'y', PREDICTORS: 'x', FOLDS: 5, OUTPUT_SUMMARY: path.join(d, 's.csv') })).rejects.toThrow(/FOLDS=5 is more than the 3 rows/);
    expect(listDir(d)).toEqual(['a.csv']);
  });
  it('too few rows for the settings is said in plain words', async () => {
    await expect(run('brt:cv', { INPUT: data, TARGET: 'y', PREDICTORS: preds, N_MINOBSINNODE: 40, FOLDS: 10, REPEATS: 1, OUTPUT_SUMMARY: path.join(tempDir(), 's.csv') }))
      .rejects.toThrow(/leaves 108 training rows, but with N_MINOBSINNODE=40 and BAG_FRACTION=0.65 gbm needs at least 125/);
  });
  it('a missing target is an error naming the rows', async () => {
    const d = tempDir();
    const f = writeFile(d, 'a.csv', 'x,y\n1,2\n2,\n3,5\n4,NA\n');
    await expect(run('brt:cv', { INPUT: f, TARGET: 'y', PREDICTORS: 'x', FOLDS: 2, OUTPUT_SUMMARY: path.join(d, 's.csv') })).rejects.toThrow(/the target y is missing in 2 rows \(row 2, 4\)/);
  });
  it('a non-numeric target is an error naming the row', async () => {
    const d = tempDir();
    const f = writeFile(d, 'a.csv', 'x,y\n1,2\n2,high\n');
    await expect(run('brt:cv', { INPUT: f, TARGET: 'y', PREDICTORS: 'x', FOLDS: 2, OUTPUT_SUMMARY: path.join(d, 's.csv') })).rejects.toThrow(/field "y" \(TARGET\), row 2: "high" is not a number/);
  });
  it('a constant target is refused', async () => {
    const d = tempDir();
    const f = writeFile(d, 'a.csv', 'x,y\n1,2\n2,2\n3,2\n');
    await expect(run('brt:cv', { INPUT: f, TARGET: 'y', PREDICTORS: 'x', FOLDS: 2, OUTPUT_SUMMARY: path.join(d, 's.csv') })).rejects.toThrow(/same value \(2\) in every row/);
  });
  it('a predictor absent from the data is named', async () => {
    await expect(run('brt:cv', { INPUT: data, TARGET: 'y', PREDICTORS: 'x1,x9', OUTPUT_SUMMARY: path.join(tempDir(), 's.csv') })).rejects.toThrow(/PREDICTORS: .*has no field "x9"/);
  });
  it('rows with every predictor missing are dropped and counted', async () => {
    const d = tempDir();
    const lines = ['a,b,y'];
    for (let i = 0; i < 40; i++) lines.push(i < 3 ? `,,${i}` : `${i},${i % 7},${2 * i + (i % 7)}`);
    const f = writeFile(d, 'a.csv', lines.join('\n'));
    const warnings: string[] = [];
    await run('brt:cv', { INPUT: f, TARGET: 'y', PREDICTORS: 'a,b', ...small, N_MINOBSINNODE: 2, FOLDS: 3, REPEATS: 1, OUTPUT_SUMMARY: path.join(d, 's.csv') }, { onLog: (l, m) => l === 'warning' && warnings.push(m) });
    expect(warnings.join()).toMatch(/3 rows have every predictor missing and were dropped \(row 1, 2, 3\)/);
  });
  it('out-of-range hyper-parameters are refused before any work', async () => {
    await expect(run('brt:cv', { INPUT: data, TARGET: 'y', PREDICTORS: preds, SHRINKAGE: 0, BAG_FRACTION: 1.5, OUTPUT_SUMMARY: path.join(tempDir(), 's.csv') }))
      .rejects.toThrow(/2 problems[\s\S]*SHRINKAGE: 0 is too small[\s\S]*BAG_FRACTION: 1.5 is too large/);
  });
});
