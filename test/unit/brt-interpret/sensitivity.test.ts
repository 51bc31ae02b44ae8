// SPDX-License-Identifier: GPL-2.0-or-later
// One-at-a-time sensitivity: moves, changes, elasticities and summaries checked by hand on a
// hand-built model, and on a model fitted to y = 2·x1 + sin(3·x2) + 3·x3·x4 + noise the mean
// change for +1 SD of x1 equals 2·SD(x1) (the coefficient × Δ) within sampling error.
import { describe, it, expect } from 'vitest';
import { fitGbm } from '../../../algorithms/brt/engine/fit.js';
import { compileForest, predictCompiled } from '../../../algorithms/brt/engine/predict.js';
import {
  acrossModels, planMoves, quantile7, rowEffects, summarise,
} from '../../../algorithms/brt/interpret/sensitivity.js';
import { additiveData, handModel, tree } from './data.js';

// f(a, b) = 10 + (a < 0.5 ? −1 : +1) + (b < 0 ? 0 : 2)   (b is irrelevant for a's moves)
const model = handModel(['a', 'b'], 10, [
  tree([[0, 0.5, 1, 2, 3, 4], [-1, -1, -1, -1, -1, 2], [-1, 1, -1, -1, -1, 2], [-1, 0, -1, -1, -1, 4]]),
  tree([[1, 0, 1, 2, 3, 4], [-1, 0, -1, -1, -1, 2], [-1, 2, -1, -1, -1, 2], [-1, 0, -1, -1, -1, 4]]),
], [0, -1], [1, 1]);
const f = (a: number, b: number) => 10 + (a < 0.5 ? -1 : 1) + (b < 0 ? 0 : 2);

describe('quantile7', () => {
  it('is R\'s type 7', () => {
    // quantile(c(1, 2, 4, 8), c(.05, .25, .5, .95)) in R: 1.15 1.75 3.00 7.40
    const s = Float64Array.of(1, 2, 4, 8);
    expect(quantile7(s, 0.05)).toBeCloseTo(1.15, 12);
    expect(quantile7(s, 0.25)).toBeCloseTo(1.75, 12);
    expect(quantile7(s, 0.5)).toBe(3);
    expect(quantile7(s, 0.95)).toBeCloseTo(7.4, 12);
  });
});

describe('moves and row effects by hand', () => {
  const a = Float64Array.of(0.1, 0.3, 0.45, 0.7, NaN);
  const b = Float64Array.of(-1, 1, -1, 1, 1);
  const forest = compileForest(model);
  const base = predictCompiled(forest, [a, b]);

  it('METHOD sd: ± DELTA·SD (n − 1) of the observed values; missing rows left out', () => {
    const plan = planMoves(a, 'sd', 0.5);
    // SD of 0.1, 0.3, 0.45, 0.7: mean 0.3875, SS = 0.08265625 + 0.00765625 + 0.00390625 + 0.09765625 = 0.191875
    const sd = Math.sqrt(0.191875 / 3);
    expect(plan.deltaX).toBeCloseTo(0.5 * sd, 14); // 0.12645...
    expect(plan.moves.map((m) => m.direction)).toEqual(['up', 'down']);
    const up = rowEffects(forest, [a, b], 0, plan.moves[0], base, 0, 1);
    // +0.1264: 0.1→0.226 (no change), 0.3→0.426 (0), 0.45→0.576 (−1 → +1: +2), 0.7→0.827 (0)
    expect(Array.from(up.change)).toEqual([0, 0, 2, 0, NaN]);
    // elasticity (Δŷ/ŷ₀)/(Δx/x₀) of row 3: (2/f(0.45, −1))/(0.1264/0.45) = (2/9)/(0.281)
    expect(up.elasticity[2]).toBeCloseTo((2 / f(0.45, -1)) / ((0.5 * sd) / 0.45), 12);
    expect(up.elasticity[0]).toBe(0);
    expect(up.elasticity[4]).toBeNaN();
    const down = rowEffects(forest, [a, b], 0, plan.moves[1], base, 0, 1);
    // −0.1264: 0.7 → 0.574 stays ≥ 0.5; 0.1 → −0.026 beyond the training minimum 0
    expect(Array.from(down.change)).toEqual([0, 0, 0, 0, NaN]);
    expect(Array.from(down.beyond)).toEqual([1, 0, 0, 0, 0]);
    const s = summarise(up);
    expect(s).toMatchObject({ rows: 4, changeMean: 0.5, changeMedian: 0, changeQ1: 0, changeQ3: 0.5, absChangeMean: 0.5, elasticityRows: 4, beyondShare: 0 });
    expect(s.changeSd).toBeCloseTo(1, 14); // SD of 0, 0, 2, 0 = 1
    // a stratum: rows 3 and 4 (indices 2, 3)
    expect(summarise(up, [2, 3])).toMatchObject({ rows: 2, changeMean: 1, changeMedian: 1 });
  });

  it('METHOD percent: x·(1 ± DELTA/100); rows with 0 do not move', () => {
    const plan = planMoves(Float64Array.of(0.4, 0, 0.25), 'percent', 50);
    expect(Array.from(plan.moves[0].to)).toEqual([0.6000000000000001, NaN, 0.375]);
    expect(Array.from(plan.moves[1].to)).toEqual([0.2, NaN, 0.125]);
    expect(plan.deltaX).toBeCloseTo((0.2 + 0.125) / 2, 14);
    const x = [Float64Array.of(0.4, 0, 0.25), Float64Array.of(1, 1, 1)];
    const fo = compileForest(model);
    const e = rowEffects(fo, x, 0, plan.moves[0], predictCompiled(fo, x), 0, 1);
    // row 1: 0.4 → 0.6 crosses 0.5: Δŷ = 2, ŷ₀ = 11, Δx/x = 0.5 → e = (2/11)/0.5
    expect(e.change[0]).toBe(2);
    expect(e.elasticity[0]).toBeCloseTo(4 / 11, 14);
    expect(e.change[1]).toBeNaN();
  });

  it('METHOD range: Q05 → Q95 for every row, elasticity at the Q05 start', () => {
    const x = Float64Array.of(0.1, 0.3, 0.45, 0.7, 0.2);
    const plan = planMoves(x, 'range', NaN);
    // sorted 0.1 0.2 0.3 0.45 0.7: Q05 = 0.1 + 0.2·0.1 = 0.12, Q95 = 0.45 + 0.8·0.25 = 0.65
    expect(plan.q05).toBeCloseTo(0.12, 14);
    expect(plan.q95).toBeCloseTo(0.65, 14);
    const bb = Float64Array.of(-1, 1, -1, 1, 1);
    const fo = compileForest(model);
    const e = rowEffects(fo, [x, bb], 0, plan.moves[0], predictCompiled(fo, [x, bb]), 0, 1);
    expect(Array.from(e.change)).toEqual([2, 2, 2, 2, 2]);
    // start ŷ(Q05) = 9 (b < 0) or 11: e = (2/ŷ₀)/((0.65 − 0.12)/0.12)
    expect(e.elasticity[0]).toBeCloseTo((2 / 9) / (0.53 / 0.12), 12);
    expect(e.elasticity[1]).toBeCloseTo((2 / 11) / (0.53 / 0.12), 12);
  });

  it('a constant predictor cannot be moved by SD or range', () => {
    expect(planMoves(Float64Array.of(3, 3, 3), 'sd', 1).problem).toMatch(/constant in INPUT \(3 in every row\)/);
    expect(planMoves(Float64Array.of(3, 3, 3), 'range', 1).problem).toMatch(/quantiles are equal/);
    expect(planMoves(Float64Array.of(NaN, NaN), 'sd', 1).problem).toMatch(/missing in every row/);
    expect(planMoves(Float64Array.of(3, 3, 3), 'percent', 10).problem).toBeUndefined();
  });

  it('across models: mean and SD (n − 1) of each figure, NaN left out', () => {
    const one = summarise({ change: Float64Array.of(1, 3), elasticity: Float64Array.of(NaN, NaN), beyond: Uint8Array.of(0, 1) });
    const two = summarise({ change: Float64Array.of(3, 5), elasticity: Float64Array.of(1, NaN), beyond: Uint8Array.of(0, 0) });
    const { mean, sd } = acrossModels([one, two]);
    expect(mean.changeMean).toBe(3);
    expect(sd.changeMean).toBeCloseTo(Math.SQRT2, 14);
    expect(mean.beyondShare).toBe(0.25);
    expect(mean.elasticityMean).toBe(1);
    expect(sd.elasticityMean).toBeNaN();
  });
});

describe('on a fitted model of y = 2·x1 + sin(3·x2) + 3·x3·x4 + noise', () => {
  it('the mean change for ±1 SD of x1 is ±2·SD(x1) within 15 %; x3 and x4 alone change little on average', () => {
    const d = additiveData(500);
    const m = fitGbm(d.X, d.y, { nTrees: 600, interactionDepth: 3, shrinkage: 0.05, nMinObsInNode: 10, bagFraction: 0.5, seed: 1, predictorNames: d.names });
    const fo = compileForest(m);
    const base = predictCompiled(fo, d.X);
    const x1 = d.X[0];
    const mean = x1.reduce((a, b) => a + b, 0) / x1.length;
    const sd = Math.sqrt(x1.reduce((a, b) => a + (b - mean) ** 2, 0) / (x1.length - 1));
    const plan = planMoves(x1, 'sd', 1);
    expect(plan.deltaX).toBeCloseTo(sd, 12);
    const up = summarise(rowEffects(fo, d.X, 0, plan.moves[0], base, m.training.min[0], m.training.max[0]));
    const down = summarise(rowEffects(fo, d.X, 0, plan.moves[1], base, m.training.min[0], m.training.max[0]));
    expect(Math.abs(up.changeMean / (2 * sd) - 1)).toBeLessThan(0.15);
    expect(Math.abs(down.changeMean / (-2 * sd) - 1)).toBeLessThan(0.15);
    // x3·x4 with x4 centred on 0: moving x3 alone changes ŷ by 3·Δ·x4, ≈ 0 on average but not row by row
    const p3 = planMoves(d.X[2], 'sd', 1);
    const s3 = summarise(rowEffects(fo, d.X, 2, p3.moves[0], base, m.training.min[2], m.training.max[2]));
    expect(Math.abs(s3.changeMean)).toBeLessThan(0.2 * up.changeMean);
    expect(s3.absChangeMean).toBeGreaterThan(0.3);
  });
});
