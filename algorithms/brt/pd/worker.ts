// SPDX-License-Identifier: GPL-2.0-or-later
// Worker thread of brt:partial-dependence: receives the jobs (variables and grids) once, then
// models one at a time (packed: see packModel); answers with each model's partial dependence for every job.

import { parentPort, workerData } from 'node:worker_threads';
import { modelPd, unpackModel, type PackedModel, type PdJob } from './set-pd.js';

const jobs = (workerData as { jobs: PdJob[] }).jobs;
parentPort!.on('message', (msg: { index: number; model: PackedModel }) => {
  try {
    const values = modelPd(unpackModel(msg.model), jobs);
    // copied, not transferred (a detached ArrayBuffer slows every later typed-array access here)
    parentPort!.postMessage({ index: msg.index, values });
  } catch (e) {
    parentPort!.postMessage({ index: msg.index, message: (e as Error).message });
  }
});
