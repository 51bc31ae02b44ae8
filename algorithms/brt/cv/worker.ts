// SPDX-License-Identifier: GPL-2.0-or-later
// Worker thread of the CV pool: receives the data once, then fit tasks; answers with results.

import { parentPort, workerData } from 'node:worker_threads';
import { runFitTask, type CvData, type FitTask } from './fit-task.js';

const data = workerData as CvData;
parentPort!.on('message', (task: FitTask) => {
  try {
    const r = runFitTask(data, task);
    parentPort!.postMessage({ ok: true, result: r });
  } catch (e) {
    parentPort!.postMessage({ ok: false, id: task.id, message: (e as Error).message });
  }
});
