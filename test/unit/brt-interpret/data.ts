// SPDX-License-Identifier: GPL-2.0-or-later
// Generated data with a known structure for the interpretation tests:
//   y = 2·x1 + sin(3·x2) + 3·x3·x4 + 0.1·ε,  x1 ~ N(0, 1), x2, x3, x4 ~ U(−1, 1), ε ~ N(0, 1)
// additive in x1 and x2, one product term x3·x4 (the only interaction), a linear effect of x1 with
// coefficient 2. A fixed linear congruential generator makes the rows the same on every run.
import type { GbmModel, GbmTree } from '../../../algorithms/brt/engine/types.js';

export function additiveData(n: number, seed = 4242): { X: Float64Array[]; y: Float64Array; names: string[] } {
  let s = seed;
  const u = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const normal = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  const X = [0, 1, 2, 3].map(() => new Float64Array(n));
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    X[0][i] = normal();
    X[1][i] = 2 * u() - 1;
    X[2][i] = 2 * u() - 1;
    X[3][i] = 2 * u() - 1;
    y[i] = 2 * X[0][i] + Math.sin(3 * X[1][i]) + 3 * X[2][i] * X[3][i] + 0.1 * normal();
  }
  return { X, y, names: ['x1', 'x2', 'x3', 'x4'] };
}

export function toCsv(X: Float64Array[], y: Float64Array, names: string[], extra?: { name: string; values: (string | number)[] }): string {
  const head = [...(extra ? [extra.name] : []), ...names, 'y'].join(',');
  const lines = Array.from(y, (v, i) => [...(extra ? [extra.values[i]] : []), ...X.map((c) => c[i].toPrecision(12)), v.toPrecision(12)].join(','));
  return [head, ...lines].join('\n') + '\n';
}

/** A tree from nodes in gbm's layout: [splitVar (−1 leaf), threshold or leaf value, left, right, missing, weight]. */
export function tree(nodes: [number, number, number, number, number, number][]): GbmTree {
  const col = <T extends Int32Array | Float64Array>(Ctor: { from(a: number[]): T }, i: number) => Ctor.from(nodes.map((r) => r[i]));
  return {
    splitVar: col(Int32Array, 0), splitCodePred: col(Float64Array, 1), left: col(Int32Array, 2), right: col(Int32Array, 3),
    missing: col(Int32Array, 4), weight: col(Float64Array, 5),
    errorReduction: new Float64Array(nodes.length), prediction: new Float64Array(nodes.length),
  };
}

/** A model of hand-built trees (for hand calculations). */
export function handModel(names: string[], initF: number, trees: GbmTree[], min: number[], max: number[]): GbmModel {
  return {
    distribution: 'gaussian', predictorNames: names, initF, nTrees: trees.length, trees,
    params: { nTrees: trees.length, interactionDepth: 2, shrinkage: 1, nMinObsInNode: 1, bagFraction: 1, seed: 1 },
    training: {
      nRows: 4, nBag: 4, weighted: false, min: Float64Array.from(min), max: Float64Array.from(max),
      missing: new Int32Array(names.length), trainError: new Float64Array(trees.length),
    },
  };
}
