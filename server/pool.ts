// SPDX-License-Identifier: GPL-2.0-or-later
// A pool of job worker processes (server/worker.ts, forked from dist/ with an IPC channel; no
// shell). Workers are kept warm between jobs; one that crashes, or does not stop within a grace
// period after a cancel, is killed and replaced. Not toolbox/pool.ts, which splits one run's work
// over threads: a job here is a whole run in a process of its own (a crash or a GDAL fault loses
// that job, not the bridge), kept warm between requests, and talks progress, logs and cancel.

import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CancelledError, SocpError, type ErrorKind } from '../toolbox/errors.js';
import type { LogLevel } from '../toolbox/context.js';
import { noNetworkEnv } from '../toolbox/io/no-network.js';
import type { FromWorker, ToWorker } from './worker.js';

/** The worker script: beside this module when compiled; from dist/ when running from sources. */
function workerPath(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const js = path.join(here, 'worker.js');
  if (fs.existsSync(js)) return js;
  const dist = path.resolve(here, '..', 'dist', 'server', 'worker.js');
  if (fs.existsSync(dist)) return dist;
  throw new Error(`socp serve: ${dist} is missing; run "npm run build" first`);
}

interface Worker {
  child: ChildProcess;
  busy: boolean;
  dead: boolean;
  stderr: string;
  onMessage?: (m: FromWorker) => void;
  onExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
}

export interface PoolJob {
  jobID: string;
  processID: string;
  inputs: Record<string, unknown>;
  workspaces: string[];
  threads?: number;
  signal: AbortSignal;
  onProgress: (percent: number, message?: string) => void;
  onLog: (level: LogLevel, message: string) => void;
}

export class WorkerPool {
  private idle: Worker[] = [];
  private all = new Set<Worker>();
  private closed = false;

  constructor(private readonly o: { cancelGraceMs?: number; env?: NodeJS.ProcessEnv } = {}) {}

  private spawn(): Worker {
    const child = fork(workerPath(), [], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: noNetworkEnv(this.o.env ?? process.env), // jobs never reach the network through GDAL
      execArgv: [],
      serialization: 'json',
    });
    const w: Worker = { child, busy: false, dead: false, stderr: '' };
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => {
      w.stderr = (w.stderr + d).slice(-4000);
    });
    child.on('message', (m: FromWorker) => w.onMessage?.(m));
    child.on('exit', (code, sig) => {
      w.dead = true;
      this.all.delete(w);
      this.idle = this.idle.filter((x) => x !== w);
      w.onExit?.(code, sig);
    });
    child.on('error', () => undefined);
    this.all.add(w);
    return w;
  }

  /** Start one worker ahead of the first job. */
  prewarm(): void {
    if (!this.closed && this.all.size === 0) this.idle.push(this.spawn());
  }

  /** Run one job in a worker; resolves with its results or rejects with a SocpError. */
  run(job: PoolJob): Promise<Record<string, unknown>> {
    if (this.closed) return Promise.reject(new SocpError('internal', 'the bridge is shutting down'));
    const w = this.idle.pop() ?? this.spawn();
    w.busy = true;
    return new Promise((resolve, reject) => {
      let settled = false;
      let killTimer: NodeJS.Timeout | undefined;
      const finish = (err: Error | null, results?: Record<string, unknown>): void => {
        if (settled) return;
        settled = true;
        if (killTimer) clearTimeout(killTimer);
        job.signal.removeEventListener('abort', onAbort);
        w.onMessage = undefined;
        w.onExit = undefined;
        w.busy = false;
        if (!w.dead && !this.closed) this.idle.push(w);
        else if (!w.dead) w.child.kill('SIGTERM');
        if (err) reject(err);
        else resolve(results!);
      };
      const onAbort = (): void => {
        if (w.dead) return;
        w.child.send({ type: 'cancel', jobID: job.jobID } satisfies ToWorker);
        // an algorithm that never checks for cancellation is stopped the hard way
        killTimer = setTimeout(() => {
          if (!settled) {
            w.child.kill('SIGKILL');
          }
        }, this.o.cancelGraceMs ?? 30_000);
      };
      w.onMessage = (m) => {
        if (!('jobID' in m) || m.jobID !== job.jobID) return;
        if (m.type === 'progress') job.onProgress(m.percent, m.message);
        else if (m.type === 'log') job.onLog(m.level, m.message);
        else if (m.type === 'done') finish(null, m.results);
        else if (m.type === 'error') {
          finish(m.kind === 'cancelled' ? new CancelledError(m.message) : new SocpError(m.kind as ErrorKind, m.message));
        }
      };
      w.onExit = (code, sig) => {
        if (job.signal.aborted) finish(new CancelledError(`${job.processID}: cancelled (the worker was stopped)`));
        else {
          const tail = w.stderr.trim().split('\n').slice(-5).join(' | ');
          finish(new SocpError('internal', `${job.processID}: the worker process died (${sig ? `signal ${sig}` : `exit code ${code}`})${tail ? `: ${tail}` : ''}`));
        }
      };
      job.signal.addEventListener('abort', onAbort, { once: true });
      if (job.signal.aborted) onAbort();
      w.child.send({ type: 'run', jobID: job.jobID, processID: job.processID, inputs: job.inputs, workspaces: job.workspaces, threads: job.threads } satisfies ToWorker);
    });
  }

  /** Stop idle workers now and busy ones once they finished (or after the timeout). */
  async close(timeoutMs = 15_000): Promise<void> {
    this.closed = true;
    const waits = [...this.all].map((w) => new Promise<void>((r) => {
      if (w.dead) return r();
      w.child.once('exit', () => r());
      if (!w.busy) w.child.send({ type: 'exit' } satisfies ToWorker, () => undefined);
    }));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(waits), new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)))]);
    if (timer) clearTimeout(timer);
    for (const w of this.all) if (!w.dead) w.child.kill('SIGKILL');
  }
}
