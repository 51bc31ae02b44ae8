// SPDX-License-Identifier: GPL-2.0-or-later
// One unit of cross-validation work, the same in a worker thread and in the main thread: fit a gbm
// on the training rows (in their original order, as R's data[train, ]) and predict the held-out
// rows, optionally at several tree counts (the CV error curve of brt:tune).

import { fitGbm, treeValueAt } from '../engine/fit.js';
import type { GbmModel, GbmParams } from '../engine/types.js';

export interface CvData {
  X: Float64Array[];
  y: Float64Array;
  names: string[];
}

export interface FitTask {
  id: number;
  train: Int32Array;
  test: Int32Array;
  params: GbmParams;
  /** tree counts at which test predictions are wanted (ascending); default: the last only */
  curve?: number[];
  keepModel?: boolean;
}

export interface FitResult {
  id: number;
  /** predictions of the test rows with all trees */
  pred: Float64Array;
  /** curve[c][i]: prediction of test row i with curve[c] trees */
  curve?: Float64Array[];
  model?: GbmModel;
}

function take(a: Float64Array, idx: Int32Array): Float64Array {
  const out = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = a[idx[i]];
  return out;
}

export function runFitTask(d: CvData, t: FitTask): FitResult {
  const Xtr = d.X.map((c) => take(c, t.train));
  const ytr = take(d.y, t.train);
  const model = fitGbm(Xtr, ytr, { ...t.params, predictorNames: d.names });
  const Xte = d.X.map((c) => take(c, t.test));
  const m = t.test.length;
  const f = new Float64Array(m).fill(model.initF);
  const curve = t.curve ? t.curve.map(() => new Float64Array(m)) : undefined;
  let next = 0;
  for (let k = 0; k < model.nTrees; k++) {
    const tree = model.trees[k];
    for (let i = 0; i < m; i++) f[i] += treeValueAt(tree, Xte, i);
    if (curve && t.curve) {
      while (next < t.curve.length && t.curve[next] === k + 1) curve[next++].set(f);
    }
  }
  return { id: t.id, pred: f, curve, model: t.keepModel ? model : undefined };
}
