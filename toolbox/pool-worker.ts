// SPDX-License-Identifier: GPL-2.0-or-later
// A thread of toolbox/pool.ts: loads the task handler named in workerData, sets it up once with the
// pool's data, then runs the tasks it is sent one at a time and posts back each output or error.

import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { errorRecord, isTaskHandler, type FromWorker, type ToWorker, type WorkerInit } from './pool.js';

const init = workerData as WorkerInit;
// the listener is attached at once: tasks posted while the module loads wait in the port
const ready = import(pathToFileURL(init.file).href).then((m: Record<string, unknown>) => {
  const h = m[init.exportName];
  if (!isTaskHandler(h)) throw new Error(`${init.file} exports no task handler named ${init.exportName}`);
  return h.init(init.data);
});
// an error here ends the thread with an 'error' event, which the pool reports
ready.catch((e) => {
  throw e;
});

parentPort!.on('message', async ({ index, input }: ToWorker) => {
  const run = await ready;
  let reply: FromWorker;
  try {
    reply = { index, ok: true, output: await run(input) };
  } catch (e) {
    reply = { index, ok: false, error: errorRecord(e) };
  }
  try {
    // copied, not transferred: see toolbox/pool.ts
    parentPort!.postMessage(reply);
  } catch (e) {
    parentPort!.postMessage({ index, ok: false, error: errorRecord(e) } satisfies FromWorker);
  }
});
