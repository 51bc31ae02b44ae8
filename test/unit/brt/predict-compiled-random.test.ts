// predictCompiled (compiled forest, leaf-bitmask tables, rows in groups of four) must equal the
// plain tree walk (treeValueAt in fit.ts) summed in tree order — initF + tree 1 + tree 2 + … —
// bit for bit, on random data with missing values, values exactly on the thresholds, ±Infinity,
// row counts that are not multiples of four, and any number of trees.
import { describe, it, expect } from 'vitest';
import { fitGbm, treeValueAt } from '../../../algorithms/brt/engine/fit.js';
import { compileForest, predictCompiled } from '../../../algorithms/brt/engine/predict.js';
import type { GbmModel } from '../../../algorithms/brt/engine/types.js';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function walk(model: GbmModel, X: readonly Float64Array[], k: number): Float64Array {
  const n = X[0]!.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let acc = model.initF;
    for (let t = 0; t < k; t++) acc += treeValueAt(model.trees[t]!, X, i);
    out[i] = acc;
  }
  return out;
}

function randomData(rnd: () => number, n: number, p: number, nanRate: number, thresholds: number[][], infRate = 0): Float64Array[] {
  return Array.from({ length: p }, (_, j) => {
    const c = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const u = rnd();
      if (u < nanRate) c[i] = NaN;
      else if (u < nanRate + 0.2 && thresholds[j]!.length > 0) c[i] = thresholds[j]![Math.floor(rnd() * thresholds[j]!.length)]!;
      else if (u >= nanRate + 0.2 && u < nanRate + 0.2 + infRate) c[i] = rnd() < 0.5 ? Infinity : -Infinity;
      else c[i] = j % 3 === 0 ? Math.floor(rnd() * 6) : rnd() * 10 - 5;
    }
    return c;
  });
}

describe('predictCompiled equals the tree walk exactly', () => {
  for (const [seed, depth, nanRate] of [
    [1, 3, 0.1],
    [2, 9, 0.15],
    [3, 5, 0],
    [4, 9, 0.4],
  ] as const) {
    it(`seed ${seed}, depth ${depth}, missing rate ${nanRate}`, () => {
      const rnd = lcg(seed);
      const p = 5;
      const none: number[][] = Array.from({ length: p }, () => []);
      const X = randomData(rnd, 300, p, nanRate, none);
      const y = new Float64Array(300);
      for (let i = 0; i < 300; i++) {
        const a = X[1]![i]!;
        y[i] = (a === a ? Math.sin(a) : 0.7) + (X[0]![i]! === X[0]![i]! ? X[0]![i]! * 0.3 : -1) + rnd();
      }
      const model = fitGbm(X, y, { nTrees: 120, interactionDepth: depth, shrinkage: 0.05, nMinObsInNode: 3, bagFraction: 0.7, seed });
      const thresholds: number[][] = Array.from({ length: p }, () => []);
      for (const tr of model.trees) {
        for (let i = 0; i < tr.splitVar.length; i++) if (tr.splitVar[i]! >= 0) thresholds[tr.splitVar[i]!]!.push(tr.splitCodePred[i]!);
      }
      for (const n of [0, 1, 2, 3, 5, 7, 1001]) {
        const XN = randomData(rnd, n, p, nanRate, thresholds, 0.02);
        for (const k of [0, 1, 37, 120]) {
          const fast = predictCompiled(compileForest(model, k), XN);
          const ref = walk(model, XN, k);
          expect(fast.length).toBe(n);
          for (let i = 0; i < n; i++) expect(Object.is(fast[i], ref[i]), `n ${n} trees ${k} row ${i}: ${fast[i]} vs ${ref[i]}`).toBe(true);
        }
      }
    });
  }
});
