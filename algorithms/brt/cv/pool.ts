// SPDX-License-Identifier: GPL-2.0-or-later
// Runs fit tasks on worker threads (or in this thread when threads = 1). Results are returned in
// task order, so everything downstream is identical whatever the thread count.

import { Worker } from 'node:worker_threads';
import { compiledModule } from '../../../toolbox/paths.js';
import { runFitTask, type CvData, type FitResult, type FitTask } from './fit-task.js';

export interface PoolOptions {
  threads: number;
  signal?: AbortSignal;
  onDone?: (done: number, total: number) => void;
}

function aborted(): Error {
  const e = new Error('cancelled');
  e.name = 'AbortError';
  return e;
}

export async function runTasks(data: CvData, tasks: FitTask[], o: PoolOptions): Promise<FitResult[]> {
  const results: FitResult[] = new Array(tasks.length);
  const threads = Math.max(1, Math.min(o.threads, tasks.length));
  let done = 0;
  if (threads === 1) {
    for (let i = 0; i < tasks.length; i++) {
      if (o.signal?.aborted) throw aborted();
      results[i] = runFitTask(data, tasks[i]);
      o.onDone?.(++done, tasks.length);
      if (i % 4 === 3) await new Promise((r) => setImmediate(r)); // let progress and cancel through
    }
    return results;
  }
  const file = compiledModule('algorithms/brt/cv/worker');
  const workers: Worker[] = [];
  const byId = new Map(tasks.map((t, i) => [t.id, i]));
  try {
    await new Promise<void>((resolve, reject) => {
      let next = 0;
      let failed = false;
      const onAbort = () => {
        failed = true;
        reject(aborted());
      };
      o.signal?.addEventListener('abort', onAbort, { once: true });
      const feed = (w: Worker) => {
        if (failed) return;
        if (next < tasks.length) w.postMessage(tasks[next++]);
      };
      for (let t = 0; t < threads; t++) {
        const w = new Worker(file, { workerData: data });
        workers.push(w);
        w.on('message', (msg: { ok: boolean; result?: FitResult; id?: number; message?: string }) => {
          if (failed) return;
          if (!msg.ok) {
            failed = true;
            reject(new Error(msg.message));
            return;
          }
          results[byId.get(msg.result!.id)!] = msg.result!;
          o.onDone?.(++done, tasks.length);
          if (done === tasks.length) {
            o.signal?.removeEventListener('abort', onAbort);
            resolve();
          } else feed(w);
        });
        w.on('error', (e) => {
          failed = true;
          reject(e);
        });
        feed(w);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}
