// SPDX-License-Identifier: GPL-2.0-or-later
// The toolbox's one pool of worker threads: runs tasks of a task handler (a module's exported
// defineTaskHandler value) on `threads` threads and hands the results back in submission order,
// so whatever follows is the same for any thread count. It pulls tasks from an (async) iterable
// only while fewer than `maxInFlight` are taken and not yet delivered, so a caller streaming
// raster blocks keeps memory flat. An AbortSignal drops what is pending and terminates the
// threads (CancelledError); a task that throws, or a thread that dies, fails the run with an
// error naming the task. Every path ends with all threads exited.
//
// It knows nothing of what the tasks compute. Two properties of the threads matter for speed:
// - messages are copied, never transferred: one detached ArrayBuffer makes V8 check every later
//   typed-array access of that thread (prediction ≈ 24 % slower; test/unit/toolbox/
//   no-detached-buffers.test.ts keeps transfer lists out of the sources);
// - a thread lives for the whole run and its handler is set up once (handler.init), so state a
//   handler builds there — data, compiled forests, WebAssembly memories sized once — is reused by
//   every task on that thread.
//
// server/pool.ts is a different thing and stays separate: warm child processes, one whole job
// each, with IPC for progress, logs and cancel, kept between HTTP requests; a crash there loses
// one job, not the bridge. This pool lives for one run and splits one algorithm's work.

import { Worker } from 'node:worker_threads';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CancelledError, DataError, SocpError, UsageError, messageOf } from './errors.js';
import { compiledModule, packageRoot } from './paths.js';

/** What a thread does: set up once from the pool's data, then run one task after another. */
export interface TaskHandler<D, I, O> {
  readonly kind: 'socp-task-handler';
  /** Module that exports the handler: its import.meta.url (a .ts source maps to dist/). */
  readonly module: string;
  /** Name of the export, looked up by the thread. */
  readonly exportName: string;
  readonly init: (data: D) => (input: I) => O | Promise<O>;
}

/**
 * Declare a task handler. Call it at the top level of a module that does not load GDAL (threads
 * import it) and export the value under `exportName`:
 * `export const fits = defineTaskHandler(import.meta.url, 'fits', (data) => (task) => fit(data, task));`
 */
export function defineTaskHandler<D, I, O>(module: string, exportName: string, init: (data: D) => (input: I) => O | Promise<O>): TaskHandler<D, I, O> {
  return { kind: 'socp-task-handler', module, exportName, init };
}

export function isTaskHandler(v: unknown): v is TaskHandler<unknown, unknown, unknown> {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'socp-task-handler';
}

export interface PoolOptions<D, I, O> {
  handler: TaskHandler<D, I, O>;
  /** Given to every thread's handler.init once (copied into each thread). */
  data: D;
  /** Thread count (the RunContext's threads or the algorithm's THREADS). */
  threads: number;
  signal?: AbortSignal;
  /** Number of tasks when known: no more threads than tasks are started. */
  count?: number;
  /**
   * Tasks taken from the input and not yet delivered, at most (default 4 × threads: slack enough
   * that a task a few times longer than the others does not leave the other threads idle while
   * its result holds up the delivery of theirs). mapOrdered: all tasks (they are in memory anyway).
   */
  maxInFlight?: number;
  /** One thread runs the tasks in this thread instead, without a worker (default true). */
  inThread?: boolean;
  /** Name of a task in error messages (default "task N", 1-based). */
  label?: (index: number, input: I) => string;
}

/** Messages between the pool and pool-worker.ts. */
export interface WorkerInit {
  file: string;
  exportName: string;
  data: unknown;
}
export type ToWorker = { index: number; input: unknown };
export type FromWorker =
  | { index: number; ok: true; output: unknown }
  | { index: number; ok: false; error: { name: string; kind?: string; message: string; stack?: string } };

let live = 0;

/** Worker threads started by any pool and not yet exited (counted from their 'exit' events). */
export function liveWorkerThreads(): number {
  return live;
}

/** The JavaScript file a thread loads for a handler module (sources run under vitest map to dist/). */
export function handlerFile(moduleUrl: string): string {
  const file = moduleUrl.startsWith('file:') ? fileURLToPath(moduleUrl) : moduleUrl;
  if (!file.endsWith('.ts')) return file;
  const rel = path.relative(packageRoot, file).replace(/\.ts$/, '');
  return compiledModule(rel.startsWith('dist' + path.sep) ? rel.slice(5) : rel);
}

/** An error of task `label`, keeping the kind of a socp error (a DataError stays a DataError). */
function taskError(label: string, e: { name: string; kind?: string; message: string; stack?: string }): Error {
  if (e.name === 'AbortError' || e.kind === 'cancelled') return new CancelledError(e.message);
  const message = `${label}: ${e.message}`;
  const err = e.kind === 'data' ? new DataError(message) : e.kind === 'usage' ? new UsageError(message) : e.kind === 'internal' ? new SocpError('internal', message) : new Error(message);
  if (e.stack) err.stack = e.stack;
  return err;
}

/** What a failed task posts back. The kind is read off the error, not by instanceof: a handler may
 * throw the compiled toolbox's DataError while the caller runs the sources (vitest). */
export function errorRecord(e: unknown): { name: string; kind?: string; message: string; stack?: string } {
  const err = e instanceof Error ? e : undefined;
  const kind = (e as { kind?: unknown } | undefined)?.kind;
  return { name: err?.name ?? 'Error', kind: typeof kind === 'string' ? kind : undefined, message: messageOf(e), stack: err?.stack };
}

type Sizing = Pick<PoolOptions<unknown, unknown, unknown>, 'threads' | 'count' | 'maxInFlight' | 'inThread'>;

function poolSize(o: Sizing): number {
  return Math.max(1, Math.min(Math.floor(o.threads) || 1, o.count ?? Infinity, o.maxInFlight ?? Infinity));
}

/** Whether a pool of these options runs its tasks in this thread (so inputs need not be made postable). */
export function runsInThread(o: Sizing): boolean {
  return poolSize(o) === 1 && o.inThread !== false;
}

// run() prefixes the algorithm id: "brt:cv: cancelled", as RunContext.checkCancelled says it
const CANCELLED = 'cancelled';

const yieldToEvents = () => new Promise<void>((r) => setImmediate(r));

/**
 * Run every task of `inputs` and call `onResult` with each output in submission order (awaited:
 * an async onResult holds back the next delivery, and with it, through maxInFlight, the next
 * tasks). Resolves with the number of tasks once all are delivered and every thread has exited.
 */
export async function runOrdered<D, I, O>(o: PoolOptions<D, I, O>, inputs: Iterable<I> | AsyncIterable<I>, onResult: (output: O, index: number) => void | Promise<void>): Promise<number> {
  const label = o.label ?? ((i: number) => `task ${i + 1}`);
  const size = poolSize(o);
  const bound = Math.max(1, o.maxInFlight ?? 4 * size);
  if (o.signal?.aborted) throw new CancelledError(CANCELLED);
  if (runsInThread(o)) return runInThread(o, inputs, onResult, label);

  const it = Symbol.asyncIterator in inputs ? (inputs as AsyncIterable<I>)[Symbol.asyncIterator]() : (inputs as Iterable<I>)[Symbol.iterator]();
  const pending: { index: number; input: I }[] = [];
  const done = new Map<number, O>();
  const threads: { w: Worker; running: number; input?: I }[] = [];
  let taken = 0;
  let delivered = 0;
  let exhausted = false;
  let pulling: Promise<void> | undefined;
  let delivering: Promise<void> | undefined;
  let stopped = false;
  let settle!: (e?: Error) => void;
  const finished = new Promise<void>((resolve, reject) => {
    settle = (e) => {
      if (stopped) return;
      stopped = true;
      if (e) reject(e);
      else resolve();
    };
  });
  finished.catch(() => undefined); // settled early (a thread failing while others start) is still awaited below
  const onAbort = () => settle(new CancelledError(CANCELLED));
  o.signal?.addEventListener('abort', onAbort, { once: true });

  const pump = (): void => {
    if (stopped) return;
    for (const t of threads) {
      if (t.running >= 0 || pending.length === 0) continue;
      const { index, input } = pending.shift()!;
      t.running = index;
      t.input = input;
      // copied, not transferred (see the file header)
      t.w.postMessage({ index, input } satisfies ToWorker);
    }
    if (!pulling && !exhausted && taken - delivered < bound) {
      pulling = (async () => {
        try {
          const r = await it.next();
          if (r.done) exhausted = true;
          else pending.push({ index: taken++, input: r.value });
        } catch (e) {
          settle(e as Error);
        }
        pulling = undefined;
        pump();
      })();
    }
    if (!delivering && done.has(delivered)) {
      delivering = (async () => {
        try {
          while (!stopped && done.has(delivered)) {
            const out = done.get(delivered)!;
            done.delete(delivered);
            await onResult(out, delivered);
            delivered++;
            pump(); // a slot is free: take the next task while this thread writes the next result
          }
        } catch (e) {
          settle(e as Error);
        }
        delivering = undefined;
        pump();
      })();
    }
    if (exhausted && !pulling && !delivering && delivered === taken) settle();
  };

  try {
    const init: WorkerInit = { file: handlerFile(o.handler.module), exportName: o.handler.exportName, data: o.data };
    const script = compiledModule('toolbox/pool-worker');
    for (let k = 0; k < size; k++) {
      const t: (typeof threads)[number] = { w: new Worker(script, { workerData: init }), running: -1 };
      live++;
      threads.push(t);
      const running = () => (t.running >= 0 ? label(t.running, t.input as I) : undefined);
      t.w.on('message', (m: FromWorker) => {
        if (stopped || m.index !== t.running) return;
        if (!m.ok) return settle(taskError(running()!, m.error));
        t.running = -1;
        t.input = undefined;
        done.set(m.index, m.output as O);
        pump();
      });
      t.w.on('error', (e) => {
        const what = running();
        settle(what ? taskError(what, errorRecord(e)) : new Error(`a worker thread failed: ${messageOf(e)}`));
      });
      t.w.on('exit', (code) => {
        live--;
        const what = running();
        settle(new Error(what ? `${what}: its worker thread stopped (exit code ${code})` : `a worker thread stopped (exit code ${code})`));
      });
    }
    pump();
    await finished;
  } finally {
    stopped = true;
    o.signal?.removeEventListener('abort', onAbort);
    await Promise.all(threads.map((t) => t.w.terminate()));
    // the caller may close what the input or onResult use (a dataset) as soon as this returns
    await pulling;
    await delivering;
    if (!exhausted) await it.return?.();
  }
  return taken;
}

async function runInThread<D, I, O>(o: PoolOptions<D, I, O>, inputs: Iterable<I> | AsyncIterable<I>, onResult: (output: O, index: number) => void | Promise<void>, label: (i: number, input: I) => string): Promise<number> {
  // in this thread, with the caller's own data (no copy): what the threads = 1 runs did before
  const run = o.handler.init(o.data);
  let index = 0;
  for await (const input of inputs) {
    if (o.signal?.aborted) throw new CancelledError(CANCELLED);
    let out: O;
    try {
      out = await run(input);
    } catch (e) {
      throw taskError(label(index, input), errorRecord(e));
    }
    await onResult(out, index++);
    await yieldToEvents(); // let progress and cancel through
  }
  return index;
}

/** All outputs of `inputs`, in their order; `onResult` (optional) sees each as it is delivered. */
export async function mapOrdered<D, I, O>(o: PoolOptions<D, I, O>, inputs: readonly I[], onResult?: (output: O, index: number) => void): Promise<O[]> {
  const out: O[] = new Array(inputs.length);
  await runOrdered({ ...o, count: o.count ?? inputs.length, maxInFlight: o.maxInFlight ?? Math.max(1, inputs.length) }, inputs, (r, i) => {
    out[i] = r;
    onResult?.(r, i);
  });
  return out;
}
