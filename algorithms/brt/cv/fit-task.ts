// SPDX-License-Identifier: GPL-2.0-or-later
// One unit of cross-validation work, the same in a worker thread and in the main thread: fit a gbm
// on the training rows (in their original order, as R's data[train, ]) and predict the held-out
// rows, optionally at several tree counts (the CV error curve of brt:tune). `fitTasks` is the
// task handler that toolbox/pool.ts runs: each thread gets the data once, then the tasks.

import { defineTaskHandler } from '../../../toolbox/pool.js';
import { fitGbm, fitHeldOut } from '../engine/fit.js';
import type { GbmModel, GbmParams } from '../engine/types.js';

export interface CvData {
  X: Float64Array[];
  y: Float64Array;
  names: string[];
}

export interface FitTask {
  train: Int32Array;
  test: Int32Array;
  params: GbmParams;
  /** tree counts at which test predictions are wanted (ascending); default: the last only */
  curve?: number[];
  keepModel?: boolean;
}

export interface FitResult {
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
  const nTrees = t.params.nTrees;
  // the held-out rows are predicted by the fit itself (see GbmFitHooks.heldOut): the same values
  // as predicting them with the finished model, without walking 1600 trees again
  const at = t.curve ? [...t.curve] : [];
  if (at[at.length - 1] !== nTrees) at.push(nTrees);
  const pred = at.map(() => new Float64Array(t.test.length));
  const heldOut = { X: d.X.map((c) => take(c, t.test)), at, pred };
  const opts = { ...t.params, predictorNames: d.names };
  // a fold's trees are not needed once its held-out rows are predicted
  const model = t.keepModel ? fitGbm(Xtr, ytr, opts, { heldOut }) : (fitHeldOut(Xtr, ytr, opts, heldOut), undefined);
  const curve = t.curve ? pred.slice(0, t.curve.length) : undefined;
  return { pred: pred[pred.length - 1]!, curve, model };
}

export const fitTasks = defineTaskHandler(import.meta.url, 'fitTasks', (data: CvData) => (task: FitTask) => runFitTask(data, task));
