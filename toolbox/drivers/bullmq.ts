// SPDX-License-Identifier: GPL-2.0-or-later
// The BullMQ driver: a tiled run (toolbox/tiled.ts) as a BullMQ flow on Redis. The submitter
// (`socp run … --redis URL`, `socp serve --redis URL`) adds one flow per run: the parent job is the
// mosaic (mergeParts), its children are the tiles in small contiguous batches (runTileList).
// Workers (`socp worker --redis URL`, any number, on any machine that sees the same files at the
// same paths) take the jobs. The algorithms know nothing of this: a job is an algorithm id, its raw
// parameters, tile indexes and a tile size, computed by the same functions as an array job.
//
// Choices, documented in docs/scale-out.md:
// - Job ids are deterministic: `<run key>-t<first>[-<last>]` and `<run key>-merge`, the run key
//   being tiled.ts's (algorithm, socp version, parameters, input checksums, tile size). Adding the
//   same run twice is a no-op in BullMQ; a re-delivered tile (at-least-once) rewrites the same bytes.
// - Children: failParentOnFailure, attempts with exponential backoff for transient failures; errors
//   that a retry cannot cure (usage, data, a cancel, another version) are UnrecoverableError.
// - Stalled policy: a worker killed mid-tile stops renewing its lock; after lockDuration the next
//   stalled check (every stalledInterval, run by every worker) puts the tile back in waiting and
//   another worker computes it; maxStalledCount allows that twice before the tile fails.
// - Cancel: a key `<prefix>:<queue>:socp:cancel:<run>` (checked by a worker before any job) and a
//   message on the channel `<prefix>:<queue>:socp:cancel`, on which each worker aborts the run's
//   active jobs through BullMQ's own job cancellation (Worker.cancelJob → the processor's
//   AbortSignal → runTileList / mergeParts stop and roll back). The submitter removes the waiting
//   tiles (Job.removeUnprocessedChildren), waits for the active ones to stop and removes the rest.

import fs from 'node:fs';
import os from 'node:os';
import { FlowProducer, Job, Queue, QueueEvents, UnrecoverableError, Worker, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import type { Algorithm } from '../algorithm.js';
import type { LogLevel } from '../context.js';
import { CancelledError, DataError, isSocpError, messageOf, SocpError, UsageError } from '../errors.js';
import { socpVersion } from '../provenance.js';
import type { RunOptions, RunResult } from '../run.js';
import { mergeParts, runTileList, tileCount } from '../tiled.js';

export const DEFAULT_QUEUE = 'socp';
const PREFIX = 'bull';

/** Stalled policy defaults (seconds): see docs/scale-out.md, "Stalled jobs". */
export const LOCK_DURATION_S = 30;
export const STALLED_INTERVAL_S = 30;
export const MAX_STALLED_COUNT = 2;
/** retries of a tile or the mosaic after a transient failure (I/O, Redis), backing off 2 s, 4 s… */
const ATTEMPTS = 3;
const BACKOFF_MS = 2000;
const CANCEL_TTL_S = 24 * 3600;

interface JobBase {
  /** the submitter's socp version: a worker of another version refuses the job */
  socpVersion: string;
  /** tiled.ts's run key */
  run: string;
  algorithm: string;
  params: Record<string, unknown>;
  /** the submitter's folder, against which relative paths resolve (the same on every machine) */
  cwd: string;
  tileSize: number;
  threads?: number;
}
export interface TilesJob extends JobBase { kind: 'tiles'; tiles: number[] }
export interface MergeJob extends JobBase { kind: 'merge'; count: number }
export type SocpJob = TilesJob | MergeJob;

// ---------------------------------------------------------------------------------------------
// Redis

/** ioredis options from a redis:// or rediss:// URL (user, password, db as path). */
export function redisOptions(url: string): RedisOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`--redis ${url} is not a URL; write redis://host:6379 (or rediss:// for TLS)`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new UsageError(`--redis ${url}: the URL must start with redis:// or rediss://`);
  const db = u.pathname.replace(/^\//, '');
  if (db && !/^\d+$/.test(db)) throw new UsageError(`--redis ${url}: the path must be a database number (redis://host:6379/0)`);
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: db ? Number(db) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
  };
}

/** The URL as it may be printed: without its password. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

/** Fail within `timeoutMs` with a clear error when Redis cannot be reached (BullMQ would retry forever). */
export async function reachRedis(url: string, timeoutMs = 3000): Promise<void> {
  const c = new Redis({ ...redisOptions(url), lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  let cause: Error | undefined;
  c.on('error', (e: Error) => (cause ??= e));
  try {
    await Promise.race([
      c.connect().then(() => c.ping()),
      new Promise((_, rej) => setTimeout(() => rej(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs).unref()),
    ]);
  } catch (e) {
    const err = (cause ?? e) as NodeJS.ErrnoException;
    const why = err.code === 'ECONNREFUSED' ? 'connection refused' : err.code === 'ENOTFOUND' ? 'no such host' : err.code ?? messageOf(err);
    throw new SocpError('internal', `cannot reach Redis at ${safeUrl(url)} (${why}); start redis-server or check --redis`);
  } finally {
    c.disconnect();
  }
}

const connection = (url: string): ConnectionOptions => ({ ...redisOptions(url), maxRetriesPerRequest: null });
const cancelChannel = (queue: string) => `${PREFIX}:${queue}:socp:cancel`;
const cancelKey = (queue: string, run: string) => `${PREFIX}:${queue}:socp:cancel:${run}`;
const tilesJobId = (run: string, tiles: number[]) => `${run}-t${tiles[0]}${tiles.length > 1 ? `-${tiles[tiles.length - 1]}` : ''}`;
const mergeJobId = (run: string) => `${run}-merge`;

/** Errors that a retry cannot cure fail the job at once (BullMQ skips the remaining attempts). */
function final(e: unknown): Error {
  if (e instanceof UnrecoverableError) return e;
  if (isSocpError(e) && e.kind !== 'internal') return new UnrecoverableError(e.kind === 'cancelled' ? `cancelled: ${e.message}` : e.message);
  return e instanceof Error ? e : new Error(String(e));
}

// ---------------------------------------------------------------------------------------------
// Worker

export interface WorkerOptions {
  redis: string;
  queue?: string;
  concurrency?: number;
  threads?: number;
  lockDuration?: number;
  stalledInterval?: number;
  maxStalledCount?: number;
  /** aborted: take no new jobs, finish the running ones, close */
  signal?: AbortSignal;
  log: (line: string) => void;
}

/** Run a worker until the signal aborts; resolves once it closed. */
export async function runWorker(o: WorkerOptions): Promise<void> {
  await reachRedis(o.redis);
  const queue = o.queue ?? DEFAULT_QUEUE;
  const name = `${os.hostname()}:${process.pid}`;
  const cmd = new Redis(connection(o.redis) as RedisOptions);
  const sub = new Redis(connection(o.redis) as RedisOptions);
  cmd.on('error', () => undefined);
  sub.on('error', () => undefined);
  /** active job id → its run key, for cancel messages */
  const active = new Map<string, string>();
  const processor = async (job: Job<SocpJob>, _token?: string, signal?: AbortSignal): Promise<unknown> => {
    const d = job.data;
    if (d.socpVersion !== socpVersion) {
      throw new UnrecoverableError(`socp worker ${socpVersion} (${name}) refuses job ${job.id}: it was submitted by socp ${d.socpVersion}; run workers and submitter of the same socp version`);
    }
    if (await cmd.exists(cancelKey(queue, d.run))) throw new UnrecoverableError(`cancelled: run ${d.run.slice(0, 12)}… was cancelled`);
    if (!fs.existsSync(d.cwd)) {
      throw new UnrecoverableError(`socp worker ${name}: the run's folder ${d.cwd} does not exist on this machine; BullMQ runs need every machine to see the same files at the same paths (a shared file system)`);
    }
    active.set(job.id!, d.run);
    const started = Date.now();
    let last = 0;
    const onProgress = (p: number): void => {
      const now = Date.now();
      if (now - last < 250 && p < 100) return;
      last = now;
      void job.updateProgress(Math.round(p * 10) / 10).catch(() => undefined);
    };
    const what = d.kind === 'tiles' ? `${d.algorithm} tile${d.tiles.length > 1 ? `s ${d.tiles[0]}–${d.tiles[d.tiles.length - 1]}` : ` ${d.tiles[0]}`}` : `${d.algorithm} mosaic of ${d.count} tiles`;
    const common = { cwd: d.cwd, tileSize: d.tileSize, threads: o.threads ?? d.threads, signal, runKey: d.run, onProgress, onLog: (level: LogLevel, m: string) => {
      if (level === 'warning') o.log(`Warning: ${m}`); // info lines would repeat for every tile
    } };
    try {
      if (d.kind === 'tiles') {
        const r = await runTileList(d.algorithm, d.params, d.tiles, common);
        o.log(`${what}: done in ${((Date.now() - started) / 1000).toFixed(1)} s${r.reused ? ` (${r.reused} already there)` : ''}`);
        return { computed: r.computed, reused: r.reused };
      }
      const r = await mergeParts(d.algorithm, d.params, common);
      o.log(`${what}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return { algorithm: r.algorithm, results: JSON.parse(JSON.stringify(r.results)) as unknown, seconds: r.seconds };
    } catch (e) {
      o.log(`${what}: ${signal?.aborted ? 'cancelled' : `failed: ${messageOf(e)}`}`);
      throw final(signal?.aborted && !(e instanceof CancelledError) ? new CancelledError(messageOf(e)) : e);
    } finally {
      active.delete(job.id!);
    }
  };
  const worker = new Worker<SocpJob>(queue, processor, {
    connection: connection(o.redis),
    prefix: PREFIX,
    name,
    concurrency: o.concurrency ?? 1,
    lockDuration: (o.lockDuration ?? LOCK_DURATION_S) * 1000,
    stalledInterval: (o.stalledInterval ?? STALLED_INTERVAL_S) * 1000,
    maxStalledCount: o.maxStalledCount ?? MAX_STALLED_COUNT,
    autorun: false,
  });
  worker.on('error', (e) => o.log(`Warning: ${messageOf(e)}`));
  worker.on('stalled', (id) => o.log(`job ${id} stalled (its worker stopped renewing the lock); back in waiting`));
  await sub.subscribe(cancelChannel(queue));
  sub.on('message', (_ch, run: string) => {
    for (const [id, r] of active) if (r === run) worker.cancelJob(id, 'cancelled');
  });
  await worker.waitUntilReady();
  o.log(`socp worker ${socpVersion} (${name}) on queue "${queue}" at ${safeUrl(o.redis)}, concurrency ${o.concurrency ?? 1}; stop with Ctrl-C (finishes the running jobs)`);
  const running = worker.run();
  await new Promise<void>((resolve) => {
    if (o.signal?.aborted) resolve();
    o.signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  o.log('stopping: taking no new jobs, finishing the running ones…');
  await worker.close();
  await running.catch(() => undefined);
  sub.disconnect();
  cmd.disconnect();
}

// ---------------------------------------------------------------------------------------------
// Submitter

export interface SubmitOptions {
  redis: string;
  queue?: string;
  tileSize?: number;
  /** tiles per child job (default 1) */
  tilesPerJob?: number;
  threads?: number;
  cwd: string;
  /** the bridge's workspace confinement, checked here (the workers trust the queue) */
  checkPath?: RunOptions['checkPath'];
  signal?: AbortSignal;
  onProgress?: (percent: number) => void;
  onLog?: (level: LogLevel, message: string) => void;
}

/** Share of the progress bar given to the mosaic. */
const MERGE_SHARE = 0.1;

/** Submit a tiled run as a flow and wait for its mosaic; the result is the merge's, like run()'s. */
export async function submitRun(alg: Algorithm, raw: Record<string, unknown>, o: SubmitOptions): Promise<RunResult> {
  if (!alg.split) throw new UsageError(`${alg.id} runs whole on one node (it needs the whole grid at once); --redis applies to algorithms that split into tiles (socp describe shows "Splits") — run it without --redis`);
  await reachRedis(o.redis);
  const queue = o.queue ?? DEFAULT_QUEUE;
  const plan = await tileCount(alg, raw, { cwd: o.cwd, tileSize: o.tileSize, checkPath: o.checkPath });
  const run = plan.key;
  const per = Math.max(1, o.tilesPerJob ?? 1);
  const batches: number[][] = [];
  for (let i = 0; i < plan.count; i += per) batches.push(Array.from({ length: Math.min(per, plan.count - i) }, (_, k) => i + k));
  const base: JobBase = { socpVersion, run, algorithm: alg.id, params: raw, cwd: o.cwd, tileSize: plan.tileSize, threads: o.threads };
  const conn = connection(o.redis);
  const q = new Queue<SocpJob>(queue, { connection: conn, prefix: PREFIX });
  const events = new QueueEvents(queue, { connection: conn, prefix: PREFIX });
  const flow = new FlowProducer({ connection: conn, prefix: PREFIX });
  q.on('error', () => undefined);
  events.on('error', () => undefined);
  flow.on('error', () => undefined);
  const cmd = new Redis(conn as RedisOptions);
  cmd.on('error', () => undefined);
  const parentId = mergeJobId(run);
  const childIds = new Map(batches.map((b) => [tilesJobId(run, b), b.length]));
  const progress = new Map<string, number>();
  let mergePct = 0;
  let firstFailure: string | undefined;
  const report = (): void => {
    let done = 0;
    for (const [id, n] of childIds) done += ((progress.get(id) ?? 0) / 100) * n;
    o.onProgress?.(100 * ((1 - MERGE_SHARE) * (done / plan.count) + MERGE_SHARE * (mergePct / 100)));
  };
  events.on('progress', ({ jobId, data }) => {
    if (jobId === parentId) mergePct = Number(data) || 0;
    else if (childIds.has(jobId)) progress.set(jobId, Math.max(progress.get(jobId) ?? 0, Number(data) || 0));
    else return;
    report();
  });
  events.on('completed', ({ jobId }) => {
    if (!childIds.has(jobId)) return;
    progress.set(jobId, 100);
    report();
  });
  events.on('failed', ({ jobId, failedReason }) => {
    if (childIds.has(jobId) && firstFailure === undefined) firstFailure = `${tilesOf(jobId)}: ${failedReason}`;
  });
  try {
    await events.waitUntilReady();
    // a finished (or cancelled) earlier run of the same key is cleared, so this one computes anew;
    // one still in progress is joined
    const old = await q.getJob(parentId);
    const oldState = old ? await old.getState() : undefined;
    if (oldState === 'active' || oldState === 'waiting-children' || oldState === 'waiting') {
      o.onLog?.('info', `this run (${run.slice(0, 12)}…) is already queued; following it`);
    } else {
      if (old) await old.remove({ removeChildren: true }).catch(() => undefined);
      for (const id of childIds.keys()) await (await q.getJob(id))?.remove().catch(() => undefined);
      await cmd.del(cancelKey(queue, run));
      const child: JobsOptions = {
        failParentOnFailure: true, attempts: ATTEMPTS, backoff: { type: 'exponential', delay: BACKOFF_MS },
        removeOnComplete: true, removeOnFail: { age: 7 * 24 * 3600 },
      };
      await flow.add({
        name: 'merge', queueName: queue, data: { ...base, kind: 'merge', count: plan.count } satisfies MergeJob,
        opts: { jobId: parentId, attempts: ATTEMPTS, backoff: { type: 'exponential', delay: BACKOFF_MS }, removeOnComplete: { age: 24 * 3600 }, removeOnFail: { age: 7 * 24 * 3600 } },
        children: batches.map((tiles) => ({ name: 'tiles', queueName: queue, data: { ...base, kind: 'tiles', tiles } satisfies TilesJob, opts: { ...child, jobId: tilesJobId(run, tiles) } })),
      });
      o.onLog?.('info', `submitted ${alg.id}: ${plan.count} tile${plan.count > 1 ? 's' : ''} of ${plan.tileSize} × ${plan.tileSize} in ${batches.length} job${batches.length > 1 ? 's' : ''} on queue "${queue}" at ${safeUrl(o.redis)}`);
    }
    if ((await q.getWorkersCount()) === 0) o.onLog?.('warning', `no socp worker is connected to queue "${queue}" at ${safeUrl(o.redis)} yet; the run waits for one: socp worker --redis ${safeUrl(o.redis)}`);
    const parent = (await q.getJob(parentId))!;
    const finished = parent.waitUntilFinished(events) as Promise<{ algorithm: string; results: Record<string, unknown>; seconds: number }>;
    const aborted = new Promise<never>((_, rej) => {
      const onAbort = () => rej(new CancelledError(`${alg.id}: cancelled`));
      if (o.signal?.aborted) onAbort();
      o.signal?.addEventListener('abort', onAbort, { once: true });
    });
    finished.catch(() => undefined);
    try {
      const r = await Promise.race([finished, aborted]);
      return { algorithm: r.algorithm, results: r.results, seconds: r.seconds };
    } catch (e) {
      // cancelled here, or a tile failed (the parent fails with it): stop the rest of the run
      const reason = e instanceof CancelledError ? undefined : firstFailure ?? (await failedChild(q, [...childIds.keys()])) ?? `${alg.id}: ${messageOf(e)}`;
      await stopRun(q, cmd, queue, run, parentId, [...childIds.keys()], plan.folder);
      if (reason === undefined) throw e;
      throw new DataError(reason);
    }
  } finally {
    await Promise.allSettled([events.close(), flow.close(), q.close()]);
    cmd.disconnect();
  }
}

/** "tile 3" or "tiles 4–7" of a child job id */
function tilesOf(id: string): string {
  const [a, b] = id.slice(id.lastIndexOf('-t') + 2).split('-');
  return b === undefined ? `tile ${a}` : `tiles ${a}–${b}`;
}

/** Can this run be a flow of tiles? It splits, and every output it writes is a raster. */
export function tileable(alg: Algorithm, raw: Record<string, unknown>): boolean {
  if (!alg.split) return false;
  return alg.inputs.every((p) => !p.kind.endsWith('Destination') || raw[p.name] === undefined || raw[p.name] === null
    || p.kind === 'rasterDestination' || (p.kind === 'fileDestination' && /\.tiff?$/i.test(String(raw[p.name]))));
}

async function failedChild(q: Queue, ids: string[]): Promise<string | undefined> {
  for (const id of ids) {
    const j = await q.getJob(id);
    if (j?.failedReason) return `${tilesOf(id)}: ${j.failedReason}`;
  }
  return undefined;
}

/**
 * Stop a run: mark it cancelled (a worker checks the mark before any job), tell workers to abort
 * its active jobs, remove its waiting tiles, wait (up to a minute) for the active ones to stop,
 * then remove its jobs and its parts folder: nothing that looks complete is left.
 */
async function stopRun(q: Queue, cmd: Redis, queue: string, run: string, parentId: string, childIds: string[], folder: string): Promise<void> {
  await cmd.set(cancelKey(queue, run), '1', 'EX', CANCEL_TTL_S);
  await cmd.publish(cancelChannel(queue), run);
  const parent = await q.getJob(parentId);
  await parent?.removeUnprocessedChildren().catch(() => undefined);
  const ids = [parentId, ...childIds];
  const deadline = Date.now() + 60_000;
  for (;;) {
    let busy = 0;
    for (const id of ids) {
      const j = await q.getJob(id);
      const s = j ? await j.getState() : undefined;
      if (s === 'active') busy++;
      else if (j && (s === 'waiting' || s === 'delayed' || s === 'prioritized')) await j.remove().catch(() => undefined);
    }
    if (busy === 0 || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  for (const id of ids) await (await q.getJob(id))?.remove().catch(() => undefined);
  fs.rmSync(folder, { recursive: true, force: true });
}
