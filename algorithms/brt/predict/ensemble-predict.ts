// SPDX-License-Identifier: GPL-2.0-or-later
// Mean and standard deviation (n − 1) of the predictions of several models for the same rows, in
// one pass (Welford's update in model order, so the result does not depend on threads).
// `meanSdTasks` is the task handler toolbox/pool.ts runs for raster blocks: each thread holds the
// compiled forests, sent once, and answers blocks of rows with their mean and SD.

import { defineTaskHandler } from '../../../toolbox/pool.js';
import { predictCompiled, type CompiledForest } from '../engine/predict.js';

export function predictMeanSd(forests: CompiledForest[], X: Float64Array[]): { mean: Float64Array; sd: Float64Array } {
  const n = X.length ? X[0].length : 0;
  const mean = new Float64Array(n);
  const m2 = new Float64Array(n);
  const buf = new Float64Array(n);
  forests.forEach((f, k) => {
    predictCompiled(f, X, buf);
    const c = k + 1;
    for (let i = 0; i < n; i++) {
      const d = buf[i] - mean[i];
      mean[i] += d / c;
      m2[i] += d * (buf[i] - mean[i]);
    }
  });
  const sd = new Float64Array(n);
  const k = forests.length;
  for (let i = 0; i < n; i++) sd[i] = k > 1 ? Math.sqrt(m2[i] / (k - 1)) : 0;
  return { mean, sd };
}

export const meanSdTasks = defineTaskHandler(import.meta.url, 'meanSdTasks', (d: { forests: CompiledForest[] }) => (X: Float64Array[]) => predictMeanSd(d.forests, X));
