// SPDX-License-Identifier: GPL-2.0-or-later
// CV metrics against hand calculations; fold assignment properties.
import { describe, it, expect } from 'vitest';
import { metrics } from '../../../algorithms/brt/cv/metrics.js';
import { randomFolds, stratifiedFolds, fieldFolds, kmeansFolds, blockFolds } from '../../../algorithms/brt/cv/folds.js';
import { summarise } from '../../../algorithms/brt/cv/summary.js';
import { RMersenneTwister } from '../../../algorithms/brt/engine/rng.js';

describe('metrics', () => {
  it('obs 1,2,3,4 vs pred 2,2,4,4 (hand-computed)', () => {
    // errors 1,0,1,0: SSE 2, RMSE √0.5, MAE 0.5, bias 0.5; SST = 5 → R² = 1 − 2/5 = 0.6
    // means 2.5 / 3; Σdo·dp = (−1.5)(−1)+(−0.5)(−1)+(0.5)(1)+(1.5)(1) = 4; Σdo² = 5; Σdp² = 4
    // r = 4/√20 = 0.894427…; CCC = 2·(4/4) / (5/4 + 4/4 + 0.25) = 2 / 2.5 = 0.8
    const m = metrics([1, 2, 3, 4], [2, 2, 4, 4]);
    expect(m.rmse).toBeCloseTo(Math.sqrt(0.5), 14);
    expect(m.mae).toBeCloseTo(0.5, 14);
    expect(m.bias).toBeCloseTo(0.5, 14);
    expect(m.R2).toBeCloseTo(0.6, 14);
    expect(m.r).toBeCloseTo(4 / Math.sqrt(20), 14);
    expect(m.r2).toBeCloseTo(0.8, 14);
    expect(m.ccc).toBeCloseTo(0.8, 14);
  });
  it('a subset of rows', () => {
    const m = metrics([1, 2, 3, 4], [9, 2, 9, 4], [1, 3]);
    expect(m.n).toBe(2);
    expect(m.rmse).toBe(0);
  });
});

describe('folds', () => {
  it('random folds differ in size by at most one and cover every row', () => {
    const f = randomFolds(293, 10, new RMersenneTwister(1));
    const sizes = Array.from({ length: 10 }, (_, k) => f.filter((x) => x === k).length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(sizes.reduce((a, b) => a + b)).toBe(293);
  });
  it('the same seed gives the same folds; another seed others', () => {
    expect(randomFolds(50, 5, new RMersenneTwister(7))).toEqual(randomFolds(50, 5, new RMersenneTwister(7)));
    expect(randomFolds(50, 5, new RMersenneTwister(7))).not.toEqual(randomFolds(50, 5, new RMersenneTwister(8)));
  });
  it('stratified folds hold each stratum in proportion', () => {
    const strata = Array.from({ length: 100 }, (_, i) => (i < 60 ? 'farm' : i < 90 ? 'forest' : 'grass'));
    const f = stratifiedFolds(strata, 10, new RMersenneTwister(3));
    for (let k = 0; k < 10; k++) {
      expect(strata.filter((s, i) => s === 'farm' && f[i] === k).length).toBe(6);
      expect(strata.filter((s, i) => s === 'forest' && f[i] === k).length).toBe(3);
      expect(strata.filter((s, i) => s === 'grass' && f[i] === k).length).toBe(1);
    }
  });
  it('field folds map distinct ids to folds', () => {
    const r = fieldFolds(['b', 'a', 'b', 'c']);
    expect(r.k).toBe(3);
    expect(Array.from(r.folds)).toEqual([1, 0, 1, 2]);
  });
  it('k-means folds separate well-separated point clouds', () => {
    const x = new Float64Array(30);
    const y = new Float64Array(30);
    for (let i = 0; i < 30; i++) {
      x[i] = (i % 3) * 1000 + (i % 5);
      y[i] = (i % 3) * 1000 + (i % 7);
    }
    const f = kmeansFolds(x, y, 3, new RMersenneTwister(1));
    for (let i = 0; i < 30; i++) for (let j = 0; j < 30; j++) expect(f[i] === f[j]).toBe(i % 3 === j % 3);
  });
  it('block folds keep a block in one fold', () => {
    const x = Float64Array.from({ length: 40 }, (_, i) => (i % 8) * 10);
    const y = Float64Array.from({ length: 40 }, (_, i) => Math.floor(i / 8) * 10);
    const f = blockFolds(x, y, 20, 4, new RMersenneTwister(2));
    for (let i = 0; i < 40; i++) for (let j = 0; j < 40; j++) {
      if (Math.floor(x[i] / 20) === Math.floor(x[j] / 20) && Math.floor(y[i] / 20) === Math.floor(y[j] / 20)) expect(f[i]).toBe(f[j]);
    }
  });
});

describe('Table 3 summary', () => {
  it('min/Q1/median/mean/Q3/max over repeats (R type 7 quartiles)', () => {
    const rows = [1, 2, 3, 4, 10].map((v, i) => ({ repeat: i + 1, stratum: 'all', n: 5, r: v, r2: v, R2: v, rmse: v, mae: v, ccc: v, bias: v }));
    const s = summarise('m', rows).find((x) => x.metric === 'rmse')!;
    // sorted 1,2,3,4,10: Q1 at h = 1 → 2; median 3; Q3 at h = 3 → 4; mean 4
    expect(s).toMatchObject({ min: 1, q1: 2, median: 3, mean: 4, q3: 4, max: 10 });
  });
});
