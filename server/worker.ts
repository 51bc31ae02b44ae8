// SPDX-License-Identifier: GPL-2.0-or-later
// A job worker of the HTTP bridge: a child process (forked with an IPC channel, never a shell) that
// runs jobs one at a time through toolbox run(), with the bridge's workspace confinement, and
// reports progress, log lines and the outcome as messages. Jobs run outside the bridge's process so
// a long computation never stalls the HTTP server and a crashing algorithm cannot take it down.

import type { Algorithm } from '../toolbox/algorithm.js';
import { isSocpError, messageOf, UsageError } from '../toolbox/errors.js';
import { disableNetwork } from '../toolbox/io/gdal.js';
import { getAlgorithm, listAlgorithms } from '../toolbox/registry.js';
import { run } from '../toolbox/run.js';
import { plainInputs, Workspaces } from './confine.js';

export type ToWorker =
  | { type: 'run'; jobID: string; processID: string; inputs: Record<string, unknown>; workspaces: string[]; threads?: number }
  | { type: 'cancel'; jobID: string }
  | { type: 'exit' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'progress'; jobID: string; percent: number; message?: string }
  | { type: 'log'; jobID: string; level: 'info' | 'warning'; message: string }
  | { type: 'done'; jobID: string; results: Record<string, unknown> }
  | { type: 'error'; jobID: string; kind: string; message: string };

const send = (m: FromWorker): void => {
  if (process.connected) process.send!(m);
};

let current: { jobID: string; ac: AbortController } | undefined;

async function runJob(m: Extract<ToWorker, { type: 'run' }>): Promise<void> {
  const ac = new AbortController();
  current = { jobID: m.jobID, ac };
  let lastPct = -1;
  let lastMsg: string | undefined;
  try {
    const ws = new Workspaces(m.workspaces);
    const alg = await getAlgorithm(m.processID);
    const { values, problems } = plainInputs(alg, m.inputs);
    if (problems.length > 0) {
      throw new UsageError(problems.length === 1 ? `${alg.id}: ${problems[0]}` : `${alg.id}: ${problems.length} problems with the parameters:\n  - ${problems.join('\n  - ')}`);
    }
    // Before run() commits the outputs, give a pending "cancel" message one turn of the event loop
    // to arrive: an algorithm that computes without yielding is still cancelled (and rolled back)
    // when the request came while it ran.
    const yielding: Algorithm = {
      ...alg,
      run: async (p, ctx) => {
        const r = await alg.run(p, ctx);
        await new Promise((res) => setImmediate(() => setImmediate(res))); // one poll phase: IPC read
        return r;
      },
    };
    const res = await run(yielding, values, {
      cwd: ws.first,
      checkPath: ws.checkPath,
      signal: ac.signal,
      threads: m.threads,
      onProgress: (p, msg) => {
        const pct = Math.floor(p);
        if (pct === lastPct && msg === lastMsg) return;
        lastPct = pct;
        lastMsg = msg;
        send({ type: 'progress', jobID: m.jobID, percent: p, message: msg });
      },
      onLog: (level, message) => send({ type: 'log', jobID: m.jobID, level, message }),
    });
    send({ type: 'done', jobID: m.jobID, results: JSON.parse(JSON.stringify(res.results)) as Record<string, unknown> });
  } catch (e) {
    send({ type: 'error', jobID: m.jobID, kind: isSocpError(e) ? e.kind : 'internal', message: messageOf(e) });
  } finally {
    current = undefined;
  }
}

// Ctrl-C in a terminal reaches the whole process group: the bridge decides what to cancel.
process.on('SIGINT', () => undefined);
// the bridge went away (even kill -9): stop, roll back, exit
process.on('disconnect', () => {
  current?.ac.abort();
  setTimeout(() => process.exit(0), current ? 10_000 : 0).unref();
});
process.on('message', (m: ToWorker) => {
  if (m.type === 'run') void runJob(m);
  else if (m.type === 'cancel' && current?.jobID === m.jobID) current.ac.abort();
  else if (m.type === 'exit') process.exit(0);
});

// no GDAL network access in a job (before any dataset is opened)
disableNetwork();

// load the algorithms before the first job arrives
listAlgorithms().then(() => send({ type: 'ready' }), (e) => {
  process.stderr.write(`socp worker: cannot load the algorithms: ${messageOf(e)}\n`);
  send({ type: 'ready' });
});
