// brt:partial-dependence on a model set: the models are spread over worker threads (the worker
// is loaded from dist/, so build first) and summed in model order, so the output is the same for
// any THREADS — and equals the mean and SD of the per-point traversal computed here model by model.
import { describe, it, expect, beforeAll } from 'vitest';
import path from 'node:path';
import fs from 'node:fs';
import { run } from '../../../toolbox/run.js';
import { fitGbm } from '../../../algorithms/brt/engine/fit.js';
import { partialDependenceReference } from '../../../algorithms/brt/engine/partial-dependence.js';
import type { GbmModel } from '../../../algorithms/brt/engine/types.js';
import { saveModelSet } from '../../../algorithms/brt/model-set.js';
import { setPartialDependence } from '../../../algorithms/brt/pd/set-pd.js';
import { tempDir } from '../../helpers.js';
import { additiveData } from '../../unit/brt-interpret/data.js';

let dir: string;
let set: string;
let models: GbmModel[];

beforeAll(async () => {
  dir = tempDir('socp-pd-');
  const d = additiveData(250, 5);
  for (let i = 0; i < 250; i += 11) d.X[2]![i] = NaN;
  models = [1, 2, 3, 4, 5, 6, 7].map((seed) =>
    fitGbm(d.X, d.y, { nTrees: 120, interactionDepth: 5, shrinkage: 0.05, nMinObsInNode: 5, bagFraction: 0.5, seed, predictorNames: d.names }));
  set = path.join(dir, 'm.brtset');
  await saveModelSet(set, models, { algorithm: 'test' });
});

describe('brt:partial-dependence on a model set', () => {
  it('gives the same output for THREADS 1, 2 and 3, equal to the model-by-model traversal', async () => {
    const texts: string[] = [];
    for (const t of [1, 2, 3]) {
      const out = path.join(dir, `pd${t}.json`);
      const r = await run('brt:partial-dependence', { MODEL: set, PAIRS: 'x1:x3,x4:x2', GRID_POINTS: 15, THREADS: t, OUTPUT: out });
      expect(r.results.CURVES).toBe(6);
      texts.push(fs.readFileSync(out, 'utf8'));
    }
    expect(texts[1]).toBe(texts[0]);
    expect(texts[2]).toBe(texts[0]);
    const doc = JSON.parse(texts[0]!);
    expect(doc.models).toBe(7);
    const k = models.length;
    const names = models[0]!.predictorNames;
    for (const c of doc.curves as { variables: string[]; grids: number[][]; mean: number[]; sd: number[] }[]) {
      const vars = c.variables.map((n) => names.indexOf(n));
      const grids = c.grids.map((g) => Float64Array.from(g));
      const sum = new Float64Array(c.mean.length);
      const sq = new Float64Array(c.mean.length);
      for (const m of models) {
        const v = partialDependenceReference(m, vars, { grids }).values;
        for (let i = 0; i < sum.length; i++) {
          sum[i] += v[i]!;
          sq[i] += v[i]! * v[i]!;
        }
      }
      c.mean.forEach((x, i) => expect(x).toBe(sum[i]! / k));
      c.sd.forEach((x, i) => expect(x).toBe(Math.sqrt(Math.max(0, (sq[i]! - k * (sum[i]! / k) ** 2) / (k - 1)))));
    }
  });

  it('CSV output is the same for 1 and 4 threads', async () => {
    const a = path.join(dir, 'a.csv');
    const b = path.join(dir, 'b.csv');
    await run('brt:partial-dependence', { MODEL: set, VARIABLES: 'x2,x3', GRID_POINTS: 9, THREADS: 1, OUTPUT: a });
    await run('brt:partial-dependence', { MODEL: set, VARIABLES: 'x2,x3', GRID_POINTS: 9, THREADS: 4, OUTPUT: b });
    expect(fs.readFileSync(b, 'utf8')).toBe(fs.readFileSync(a, 'utf8'));
  });
});

describe('setPartialDependence', () => {
  it('sums in model order for any thread count, with or without a progress callback', async () => {
    const jobs = [{ vars: [0], grids: [Float64Array.of(-1, 0, 1)] }, { vars: [2, 1], grids: [Float64Array.of(-0.5, NaN, 0.5), Float64Array.of(0, 0.4)] }];
    const a = await setPartialDependence(models, jobs, { threads: 1 });
    const b = await setPartialDependence(models, jobs, { threads: 3 });
    const seen: number[] = [];
    const c = await setPartialDependence(models, jobs, { threads: 2, onModel: (done) => seen.push(done) });
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7]);
    for (const r of [b, c]) {
      r.sum.forEach((s, i) => expect(Array.from(s)).toEqual(Array.from(a.sum[i]!)));
      r.sq.forEach((s, i) => expect(Array.from(s)).toEqual(Array.from(a.sq[i]!)));
    }
  });
});
