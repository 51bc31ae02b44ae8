// SPDX-License-Identifier: GPL-2.0-or-later
// Friedman's H-statistic (Friedman & Popescu 2008, §8.1) and the per-point weighted-traversal
// partial dependence behind it. Expected values come from: a hand calculation on a hand-built tree;
// the engine's own partial dependence (engine/partial-dependence.ts, R's plot.gbm traversal) called
// point by point; a brute-force partial dependence computed here from predictions on modified
// copies of the data; and the known structure of generated data (only x3·x4 interacts).
import { describe, it, expect, beforeAll } from 'vitest';
import { fitGbm } from '../../../algorithms/brt/engine/fit.js';
import { compileForest, predictCompiled } from '../../../algorithms/brt/engine/predict.js';
import { partialDependence } from '../../../algorithms/brt/engine/partial-dependence.js';
import type { GbmModel } from '../../../algorithms/brt/engine/types.js';
import { evalPdBoxes, evalPdBoxesGrid, pdBoxes } from '../../../algorithms/brt/interpret/pd-boxes.js';
import { allPairs, hStatistics } from '../../../algorithms/brt/interpret/h-statistic.js';
import { additiveData, handModel, tree } from './data.js';

/** f = 1[a ≥ 0.5]·1[b ≥ 0.5] as one gbm tree; the b split (under a ≥ 0.5) has equal in-bag weights. */
const productTree = () => handModel(['a', 'b'], 0, [tree([
  [0, 0.5, 1, 2, 6, 4], // a < 0.5 → 1, else 2, missing 6
  [-1, 0, -1, -1, -1, 2],
  [1, 0.5, 3, 4, 5, 2], // b < 0.5 → 3, else 4, missing 5
  [-1, 0, -1, -1, -1, 1],
  [-1, 1, -1, -1, -1, 1],
  [-1, 0.5, -1, -1, -1, 2],
  [-1, 0, -1, -1, -1, 4],
])], [0, 0], [1, 1]);

describe('partial dependence at points (pd-boxes)', () => {
  it('equals the engine\'s traversal on a hand-built tree, missing values included', () => {
    const m = productTree();
    // PD_a(a) = 1[a ≥ .5] · ½ (the b split averages its children 1:1); PD_b(b) = ½ · 1[b ≥ .5]
    expect(Array.from(evalPdBoxes(pdBoxes(m, [0]), [Float64Array.of(0, 0.49, 0.5, 1)]))).toEqual([0, 0, 0.5, 0.5]);
    expect(Array.from(evalPdBoxes(pdBoxes(m, [1]), [Float64Array.of(0, 1, NaN)]))).toEqual([0, 0.5, 0.25]);
    const a = Float64Array.of(0, 0, 1, 1, NaN, 1, NaN);
    const b = Float64Array.of(0, 1, 0, 1, 1, NaN, NaN);
    expect(Array.from(evalPdBoxes(pdBoxes(m, [0, 1]), [a, b]))).toEqual([0, 0, 0, 1, 0, 0.5, 0]);
  });

  let model: GbmModel;
  let X: Float64Array[];
  beforeAll(() => {
    const d = additiveData(300, 7);
    X = d.X;
    // some missing values, so the missing branches are grown and followed
    for (let i = 0; i < 300; i += 17) X[1][i] = NaN;
    model = fitGbm(X, d.y, { nTrees: 150, interactionDepth: 4, shrinkage: 0.1, nMinObsInNode: 5, bagFraction: 0.5, seed: 3, predictorNames: d.names });
  });

  it('equals engine partialDependence point by point (1-D and 2-D, with missing values)', () => {
    for (const vars of [[0], [1], [2, 3], [1, 0], [3, 1]]) {
      const pts = vars.map((v) => X[v].subarray(0, 60));
      const fast = evalPdBoxes(pdBoxes(model, vars), pts);
      for (let i = 0; i < 60; i++) {
        const ref = partialDependence(model, vars, { grids: pts.map((c) => Float64Array.of(c[i])) }).values[0];
        expect(Math.abs(fast[i] - ref)).toBeLessThan(1e-12 * Math.max(1, Math.abs(ref)));
      }
    }
  });

  it('equals engine partialDependence on grids (2-D and 3-D, with NaN grid values, N trees)', () => {
    const g = [Float64Array.of(-2, -0.3, 0, 0.7, 3), Float64Array.of(-1, NaN, 0.2, 1), Float64Array.of(-0.5, 0.5)];
    for (const [vars, grids] of [[[0, 1], [g[0], g[1]]], [[1, 2, 3], [g[1], g[2], g[0]]]] as [number[], Float64Array[]][]) {
      const ref = partialDependence(model, vars, { grids, nTrees: 90 }).values;
      const fast = evalPdBoxesGrid(pdBoxes(model, vars, 90), grids);
      expect(fast.length).toBe(ref.length);
      for (let i = 0; i < ref.length; i++) expect(Math.abs(fast[i] - ref[i])).toBeLessThan(1e-12);
    }
  });

  it('the sweep used for many points equals the box-by-box sum', () => {
    const b = pdBoxes(model, [0, 2]);
    const many = evalPdBoxes(b, [X[0], X[2]]); // 300 points: sweep
    for (let i = 0; i < 300; i += 7) {
      const one = evalPdBoxes(b, [X[0].subarray(i, i + 1), X[2].subarray(i, i + 1)])[0];
      expect(Math.abs(many[i] - one)).toBeLessThan(1e-12);
    }
  });
});

describe('H-statistic', () => {
  it('by hand: f = 1[a ≥ .5]·1[b ≥ .5] on the four corners gives H² = 1/3', () => {
    // centred: F_ab = (−¼, −¼, −¼, ¾), F_a = (−¼, −¼, ¼, ¼), F_b = (−¼, ¼, −¼, ¼)
    // residual (¼, −¼, −¼, ¼): Σ = ¼; Σ F_ab² = ¾ → H² = 1/3
    const r = hStatistics(productTree(), [Float64Array.of(0, 0, 1, 1), Float64Array.of(0, 1, 0, 1)], [[0, 1]]);
    expect(r[0].h2).toBeCloseTo(1 / 3, 14);
    expect(r[0].h).toBeCloseTo(Math.sqrt(1 / 3), 14);
  });

  it('a purely additive model (two stumps) has H = 0; a flat pair gives NaN', () => {
    const stump = (v: number, t: number) => tree([[v, t, 1, 2, 3, 4], [-1, -1, -1, -1, -1, 2], [-1, 1, -1, -1, -1, 2], [-1, 0, -1, -1, -1, 4]]);
    const m = handModel(['a', 'b', 'c'], 0, [stump(0, 0.5), stump(1, 0.3)], [0, 0, 0], [1, 1, 1]);
    const x = [Float64Array.of(0.1, 0.6, 0.9, 0.2), Float64Array.of(0.2, 0.1, 0.8, 0.5), Float64Array.of(1, 2, 3, 4)];
    const r = hStatistics(m, x, allPairs(3));
    expect(r[0].h2).toBe(0);
    expect(r[0].h).toBe(0);
    // the model does not use c: the pair b:c's PD varies only through b, no interaction
    expect(r[2].h2).toBeCloseTo(0, 14);
    const flat = hStatistics(m, [x[0], Float64Array.of(0, 0, 0, 0), x[2]], [[1, 2]]);
    expect(flat[0].h2).toBeNaN();
    expect(flat[0].h).toBeNaN();
  });

  describe('on data with a known structure (y = 2·x1 + sin(3·x2) + 3·x3·x4 + noise)', () => {
    let model: GbmModel;
    let X: Float64Array[];
    beforeAll(() => {
      const d = additiveData(400);
      X = d.X;
      model = fitGbm(X, d.y, { nTrees: 600, interactionDepth: 3, shrinkage: 0.05, nMinObsInNode: 10, bagFraction: 0.5, seed: 1, predictorNames: d.names });
    });

    it('non-interacting pairs have H < 0.1; x3:x4 is the top pair with H > 0.3', () => {
      const r = hStatistics(model, X, allPairs(4));
      const byName = Object.fromEntries(r.map((p) => [`x${p.j + 1}:x${p.k + 1}`, p.h]));
      for (const pair of ['x1:x2', 'x1:x3', 'x1:x4', 'x2:x3', 'x2:x4']) expect(byName[pair]).toBeLessThan(0.1);
      expect(byName['x3:x4']).toBeGreaterThan(0.3);
      expect([...r].sort((a, b) => b.h - a.h)[0]).toMatchObject({ j: 2, k: 3 });
    });

    it('equals interact.gbm\'s formula evaluated with the engine\'s partial dependence point by point', () => {
      const rows = 80;
      const Xs = X.map((c) => c.subarray(0, rows));
      const pd = (vars: number[]) => {
        const v = Float64Array.from({ length: rows }, (_, i) => partialDependence(model, vars, { grids: vars.map((j) => Float64Array.of(Xs[j][i])) }).values[0]);
        const mean = v.reduce((a, b) => a + b, 0) / rows;
        return v.map((x) => x - mean);
      };
      for (const [j, k] of [[0, 1], [2, 3], [1, 3]]) {
        const fjk = pd([j, k]);
        const fj = pd([j]);
        const fk = pd([k]);
        let num = 0;
        let den = 0;
        for (let i = 0; i < rows; i++) {
          num += (fjk[i] - fj[i] - fk[i]) ** 2;
          den += fjk[i] ** 2;
        }
        expect(hStatistics(model, Xs, [[j, k]])[0].h2).toBeCloseTo(num / den, 10);
      }
    });

    it('agrees with a brute-force H (partial dependence as the mean prediction over modified copies of the data)', () => {
      const forest = compileForest(model);
      const n = X[0].length;
      const rows = 120; // evaluation points (the first rows); the averages run over all rows
      const bf = (vars: number[]) => {
        const v = new Float64Array(rows);
        for (let i = 0; i < rows; i++) {
          const Xm = X.map((c, j) => (vars.includes(j) ? new Float64Array(n).fill(c[i]) : c));
          const p = predictCompiled(forest, Xm);
          v[i] = p.reduce((a, b) => a + b, 0) / n;
        }
        const mean = v.reduce((a, b) => a + b, 0) / rows;
        return v.map((x) => x - mean);
      };
      const single = [0, 1, 2, 3].map((j) => bf([j]));
      const Xs = X.map((c) => c.subarray(0, rows));
      for (const [j, k] of [[0, 1], [1, 3], [2, 3]]) {
        const fjk = bf([j, k]);
        let num = 0;
        let den = 0;
        for (let i = 0; i < rows; i++) {
          num += (fjk[i] - single[j][i] - single[k][i]) ** 2;
          den += fjk[i] ** 2;
        }
        const brute = Math.sqrt(num / den);
        const fast = hStatistics(model, Xs, [[j, k]])[0].h;
        expect(Math.abs(fast - brute)).toBeLessThan(0.03);
      }
    });
  });
});
