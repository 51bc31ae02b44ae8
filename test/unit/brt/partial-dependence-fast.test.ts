// The fast partial dependence (engine/partial-dependence.ts: grid values grouped by interval,
// leaf terms cached per tree and box) must equal the straightforward evaluation of gbm_plot — one
// weighted traversal per grid point and tree, partialDependenceReference — bit for bit, on
// models with missing values, for 1-D curves, 2-D and 3-D grids, grid values exactly on the
// thresholds, missing, repeated and unsorted grid values, and any number of trees.
import { describe, it, expect } from 'vitest';
import { fitGbm } from '../../../algorithms/brt/engine/fit.js';
import { partialDependence, partialDependenceReference, type PartialDependenceOptions } from '../../../algorithms/brt/engine/partial-dependence.js';
import type { GbmModel } from '../../../algorithms/brt/engine/types.js';
import { columns, loadFixture } from './fixtures.js';
import { additiveData } from '../brt-interpret/data.js';

function same(model: GbmModel, vars: number[], opts: PartialDependenceOptions = {}): void {
  const fast = partialDependence(model, vars, opts);
  const ref = partialDependenceReference(model, vars, opts);
  expect(fast.names).toEqual(ref.names);
  fast.grids.forEach((g, j) => expect(Array.from(g)).toEqual(Array.from(ref.grids[j]!)));
  expect(fast.values.length).toBe(ref.values.length);
  for (let i = 0; i < ref.values.length; i++) expect(fast.values[i], `${vars.join(':')} point ${i}`).toBe(ref.values[i]);
}

/** Sorted distinct thresholds of the splits on predictor v. */
function thresholds(model: GbmModel, v: number): number[] {
  const s = new Set<number>();
  for (const t of model.trees) t.splitVar.forEach((sv, k) => { if (sv === v) s.add(t.splitCodePred[k]!); });
  return [...s].sort((a, b) => a - b);
}

/** A hard grid: thresholds themselves, values just beside them, repeats, NaN, out of range, unsorted. */
function hardGrid(model: GbmModel, v: number): Float64Array {
  const th = thresholds(model, v);
  const pick = th.filter((_, i) => i % Math.max(1, Math.floor(th.length / 12)) === 0);
  const lo = model.training.min[v]!;
  const hi = model.training.max[v]!;
  const vals = [hi + 1, NaN, ...pick, ...pick.map((t) => t - Math.abs(t) * 1e-15 - 1e-300), lo - 1, pick[0] ?? lo, NaN, (lo + hi) / 2, lo, hi];
  return Float64Array.from(vals);
}

describe('fast partial dependence equals the per-point traversal exactly', () => {
  // R's "missing" fixture: missing values in the training data, so the trees have missing branches
  const f = loadFixture('missing');
  const rModel = fitGbm(columns(f.x, f.varNames), Float64Array.from(f.y), { ...f.params, seed: f.seed, predictorNames: f.varNames });
  const d = additiveData(300, 11);
  for (let i = 0; i < 300; i += 13) d.X[1]![i] = NaN;
  for (let i = 5; i < 300; i += 29) d.X[3]![i] = NaN;
  const model = fitGbm(d.X, d.y, { nTrees: 300, interactionDepth: 6, shrinkage: 0.05, nMinObsInNode: 5, bagFraction: 0.5, seed: 9, predictorNames: d.names });

  it('1-D curves of every predictor (plot.gbm grids, 100 and 7 points)', () => {
    for (const m of [rModel, model]) {
      expect(m.training.missing.some((c) => c > 0)).toBe(true);
      for (let v = 0; v < m.predictorNames.length; v++) {
        same(m, [v]);
        same(m, [v], { gridPoints: 7 });
      }
    }
  });

  it('2-D pairs in both orders, on the default grids and on hard grids with NaN', () => {
    for (const m of [rModel, model]) {
      const p = m.predictorNames.length;
      for (let a = 0; a < p; a++) {
        for (let b = 0; b < p; b++) {
          if (a === b) continue;
          same(m, [a, b], { gridPoints: 25 });
          same(m, [a, b], { grids: [hardGrid(m, a), hardGrid(m, b)] });
        }
      }
    }
  });

  it('grid values on the thresholds, repeated, unsorted and missing (1-D and 3-D)', () => {
    for (let v = 0; v < 4; v++) same(model, [v], { grids: [hardGrid(model, v)] });
    same(model, [1, 3, 0], { grids: [hardGrid(model, 1), hardGrid(model, 3), Float64Array.of(0.5, NaN, -1, 0.5)] });
  });

  it('any number of trees, including none', () => {
    for (const nTrees of [0, 1, 2, 37, 299]) {
      same(model, [1], { nTrees });
      same(model, [2, 1], { nTrees, gridPoints: 11 });
    }
    expect(Array.from(partialDependence(model, [0], { nTrees: 0, gridPoints: 3 }).values)).toEqual([model.initF, model.initF, model.initF]);
  });

  it('a one-point grid and a grid with only missing values', () => {
    same(model, [2], { grids: [Float64Array.of(0.1)] });
    same(model, [1, 2], { grids: [Float64Array.of(NaN, NaN), Float64Array.of(0.3)] });
  });
});
