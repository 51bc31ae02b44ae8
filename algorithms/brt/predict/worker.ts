// SPDX-License-Identifier: GPL-2.0-or-later
// Worker thread of raster prediction: holds the compiled forests, answers blocks with mean and SD.

import { parentPort, workerData } from 'node:worker_threads';
import type { CompiledForest } from '../engine/predict.js';
import { predictMeanSd } from './ensemble-predict.js';

const forests = workerData.forests as CompiledForest[];
parentPort!.on('message', (job: { id: number; X: Float64Array[] }) => {
  try {
    const { mean, sd } = predictMeanSd(forests, job.X);
    // copied, not transferred: a transfer detaches the buffers, and after one detached ArrayBuffer V8
    // checks every typed-array access of this thread (the next blocks would predict ≈ 24 % slower)
    parentPort!.postMessage({ id: job.id, mean, sd });
  } catch (e) {
    parentPort!.postMessage({ id: job.id, error: (e as Error).message });
  }
});
