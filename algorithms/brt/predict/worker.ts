// SPDX-License-Identifier: GPL-2.0-or-later
// Worker thread of raster prediction: holds the compiled forests, answers blocks with mean and SD.

import { parentPort, workerData } from 'node:worker_threads';
import type { CompiledForest } from '../engine/predict.js';
import { predictMeanSd } from './ensemble-predict.js';

const forests = workerData.forests as CompiledForest[];
parentPort!.on('message', (job: { id: number; X: Float64Array[] }) => {
  try {
    const { mean, sd } = predictMeanSd(forests, job.X);
    parentPort!.postMessage({ id: job.id, mean, sd }, [mean.buffer as ArrayBuffer, sd.buffer as ArrayBuffer]);
  } catch (e) {
    parentPort!.postMessage({ id: job.id, error: (e as Error).message });
  }
});
