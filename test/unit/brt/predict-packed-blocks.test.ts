// Rows go through predictCompiled in blocks of 8 or 12: a block with no missing value takes the
// packed-mask path that ignores missing subtrees, any other block the four-row path. These
// tests mix both kinds of block (and tails shorter than a block) in one call and
// compare with values from outside the code: a tree walked by hand, R's predict.gbm, and the
// plain tree walk of fit.ts.
import { describe, it, expect } from 'vitest';
import { fitGbm, treeValueAt } from '../../../algorithms/brt/engine/fit.js';
import { compileForest, predict, predictCompiled } from '../../../algorithms/brt/engine/predict.js';
import type { GbmModel, GbmTree } from '../../../algorithms/brt/engine/types.js';
import { columns, loadFixture } from './fixtures.js';

function tree(nodes: [v: number, thrOrValue: number, l: number, r: number, m: number][]): GbmTree {
  const n = nodes.length;
  return {
    splitVar: Int32Array.from(nodes.map((d) => d[0])),
    splitCodePred: Float64Array.from(nodes.map((d) => d[1])),
    left: Int32Array.from(nodes.map((d) => d[2])),
    right: Int32Array.from(nodes.map((d) => d[3])),
    missing: Int32Array.from(nodes.map((d) => d[4])),
    errorReduction: new Float64Array(n),
    weight: new Float64Array(n).fill(1),
    prediction: new Float64Array(n),
  };
}

describe('blocks of rows with and without missing values', () => {
  it('match a hand walk of two small trees (one with a split in its missing subtree)', () => {
    // tree 1: x0 < 0.5 -> 1; x0 >= 0.5 -> (x1 < 2 -> 2, x1 >= 2 -> 4, x1 missing -> 8);
    //         x0 missing -> (x1 < 1 -> 16, x1 >= 1 -> 32, x1 missing -> 64)
    // tree 2: x1 < 0 -> 128, x1 >= 0 -> 256, x1 missing -> 512; initF 0.25 (all sums exact)
    const L = -1;
    const t1 = tree([
      [0, 0.5, 1, 2, 6],
      [L, 1, L, L, L],
      [1, 2, 3, 4, 5],
      [L, 2, L, L, L],
      [L, 4, L, L, L],
      [L, 8, L, L, L],
      [1, 1, 7, 8, 9],
      [L, 16, L, L, L],
      [L, 32, L, L, L],
      [L, 64, L, L, L],
    ]);
    const t2 = tree([
      [1, 0, 1, 2, 3],
      [L, 128, L, L, L],
      [L, 256, L, L, L],
      [L, 512, L, L, L],
    ]);
    const model: GbmModel = {
      distribution: 'gaussian',
      predictorNames: ['x0', 'x1'],
      params: { nTrees: 2, interactionDepth: 3, shrinkage: 1, nMinObsInNode: 1, bagFraction: 1, seed: 1 },
      initF: 0.25,
      nTrees: 2,
      trees: [t1, t2],
      training: {
        nRows: 0, nBag: 0, weighted: false, min: new Float64Array(2), max: new Float64Array(2),
        missing: new Int32Array(2), trainError: new Float64Array(2),
      },
    };
    // [x0, x1, expected with tree 1 only, expected with both trees], walked by hand
    const rows: [number, number, number, number][] = [
      [0, 0, 1.25, 257.25],
      [0.5, 2, 4.25, 260.25],
      [0.7, 1.9, 2.25, 258.25],
      [-3, -1, 1.25, 129.25],
      [1, -5, 2.25, 130.25],
      [Infinity, 3, 4.25, 260.25], // 5
      [-1, Infinity, 1.25, 257.25], // 6
      [0.49, 2, 1.25, 257.25],
      [0.6, 0.5, 2.25, 258.25],
      [2, 10, 4.25, 260.25],
      [0.1, -0.1, 1.25, 129.25],
      [NaN, 0.5, 16.25, 272.25], // 11
      [1, 1, 2.25, 258.25],
      [0.5, 0, 2.25, 258.25],
      [0, 5, 1.25, 257.25],
      [3, -2, 2.25, 130.25],
      [0.5, 1.99, 2.25, 258.25],
      [0.5, -0, 2.25, 258.25],
      [9, 9, 4.25, 260.25],
      [-9, 9, 1.25, 257.25],
      [-Infinity, -9, 1.25, 129.25], // 20
      [0.6, -9, 2.25, 130.25],
      [0.6, 2.5, 4.25, 260.25],
      [0.2, 0, 1.25, 257.25],
      [NaN, NaN, 64.25, 576.25], // 24
      [0.8, NaN, 8.25, 520.25],
      [NaN, 1, 32.25, 288.25],
    ];
    const finite = [0, 1, 2, 3, 4, 7, 8, 9, 10, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22, 23];
    // 12 rows without missing values (+Infinity), 12 with one, 12 without (-Infinity), 4 missing;
    // a sum of +Infinity and -Infinity in one block would send it down the four-row path
    const layout = [
      ...finite.slice(0, 10), 5, 6,
      ...finite.slice(10, 13), 11, ...finite.slice(13, 20), 20,
      ...finite.slice(0, 11), 20,
      24, 25, 26, 11,
    ];
    const X = [Float64Array.from(layout, (r) => rows[r]![0]), Float64Array.from(layout, (r) => rows[r]![1])];
    const one = compileForest(model, 1);
    const both = compileForest(model);
    // every shift puts other rows together in a block and in a mask word
    for (let shift = 0; shift < 12; shift++) {
      const Xs = X.map((c) => c.subarray(shift));
      const want = layout.slice(shift);
      expect(Array.from(predictCompiled(one, Xs)), `shift ${shift}`).toEqual(want.map((r) => rows[r]![2]));
      expect(Array.from(predictCompiled(both, Xs)), `shift ${shift}`).toEqual(want.map((r) => rows[r]![3]));
    }
  });

  it("match R's predict.gbm on rows with NA (model with splits in missing subtrees)", () => {
    const f = loadFixture('missing');
    const model = fitGbm(columns(f.x, f.varNames), Float64Array.from(f.y), {
      ...f.params, seed: f.seed, predictorNames: f.varNames,
    });
    const X = columns(f.newdata, f.varNames);
    const n = X[0]!.length;
    const complete = (i: number): boolean => X.every((c) => c[i] === c[i]);
    // rows without NA first (whole NaN-free blocks), then a mixed block, then the rest
    const order = [...Array.from({ length: n }, (_, i) => i).filter(complete), ...Array.from({ length: n }, (_, i) => i).filter((i) => !complete(i))];
    expect(order.filter(complete).length).toBeGreaterThan(16);
    const XP = X.map((c) => Float64Array.from(order, (i) => c[i]!));
    for (const p of f.predict) {
      expect(Array.from(predict(model, XP, p.nTrees)), `n.trees ${p.nTrees}`).toEqual(order.map((i) => p.values[i]!));
    }
  });

  // depth 9: at most 10 leaves without a missing step, three rows per mask word; depth 13: two
  it.each([[9, 3], [13, 2]])('match the plain tree walk on random rows, a few with a missing value (depth %i)', (depth, lanes) => {
    let s = 7;
    const rnd = (): number => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 4294967296;
    };
    const p = 4;
    const n = 400;
    const X = Array.from({ length: p }, () => Float64Array.from({ length: n }, () => (rnd() < 0.2 ? NaN : rnd() * 10)));
    const y = Float64Array.from({ length: n }, (_, i) => (X[0]![i]! === X[0]![i]! ? X[0]![i]! : 3) + (X[1]![i]! === X[1]![i]! ? 0 : 2) + rnd());
    const model = fitGbm(X, y, { nTrees: 80, interactionDepth: depth, shrinkage: 0.1, nMinObsInNode: 3, bagFraction: 0.8, seed: 5 });
    const m = 1003;
    const XN = Array.from({ length: p }, () => Float64Array.from({ length: m }, () => Math.floor(rnd() * 40) / 4));
    for (let i = 0; i < m; i++) if (rnd() < 0.03) XN[Math.floor(rnd() * p)]![i] = NaN;
    const forest = compileForest(model);
    expect(forest.packed?.lanes).toBe(lanes);
    const fast = predictCompiled(forest, XN);
    for (let i = 0; i < m; i++) {
      let acc = model.initF;
      for (let t = 0; t < model.nTrees; t++) acc += treeValueAt(model.trees[t]!, XN, i);
      expect(Object.is(fast[i], acc), `row ${i}: ${fast[i]} vs ${acc}`).toBe(true);
    }
  });
});
