// SPDX-License-Identifier: GPL-2.0-or-later
// Jobs of the HTTP bridge: a bounded queue in front of toolbox run(), each job's record kept in
// memory and persisted as one JSON file (written atomically, readable by the user only) so that
// /jobs survives a restart. Jobs found accepted or running when the bridge starts were cut short
// by a crash or a kill and are marked failed with that reason.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { LogLevel } from '../toolbox/context.js';
import { messageOf } from '../toolbox/errors.js';
import type { Results } from '../toolbox/algorithm.js';
import { problems } from './ogc.js';

export type JobStatus = 'accepted' | 'running' | 'successful' | 'failed' | 'dismissed';

/** RFC 7807 problem details (with OGC exception types). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  [k: string]: unknown;
}

export interface JobRecord {
  jobID: string;
  processID: string;
  type: 'process';
  status: JobStatus;
  message: string;
  created: string;
  started?: string;
  finished?: string;
  updated: string;
  progress: number;
  /** execution mode the job was submitted with */
  mode: 'sync' | 'async';
  /** the raw inputs as submitted */
  inputs: Record<string, unknown>;
  /** who submitted it: a one-way hash of the bearer token (server/tokens.ts), never the token */
  owner?: string;
  log: string[];
  results?: Results;
  error?: Problem;
}

export interface JobRunner {
  (job: JobRecord, hooks: {
    signal: AbortSignal;
    onProgress: (percent: number, message?: string) => void;
    onLog: (level: LogLevel, message: string) => void;
  }): Promise<Results>;
}

export interface JobManagerOptions {
  /** folder for the job records (created 0700) */
  dir: string;
  /** jobs run at once */
  maxRunning: number;
  /** jobs waiting for a slot; beyond running + queued, submissions are refused (HTTP 429) */
  maxQueued: number;
  /** finished job records kept (oldest dropped first) */
  keepFinished?: number;
  /** turns an error thrown by the runner into problem details */
  toProblem: (e: unknown, job: JobRecord) => Problem;
  run: JobRunner;
}

export class QueueFullError extends Error {}

const LOG_LINES = 1000;
const PERSIST_EVERY_MS = 1000;

interface Live {
  controller: AbortController;
  done: Promise<void>;
  resolveDone: () => void;
  lastPersist: number;
  persistTimer?: NodeJS.Timeout;
}

export class JobManager {
  private readonly jobs = new Map<string, JobRecord>();
  private readonly live = new Map<string, Live>();
  private readonly queue: string[] = [];
  private running = 0;
  private closing = false;
  private readonly o: Required<JobManagerOptions>;

  constructor(o: JobManagerOptions) {
    this.o = { keepFinished: 1000, ...o };
    fs.mkdirSync(o.dir, { recursive: true, mode: 0o700 });
    this.load();
  }

  /** Read persisted records; mark those cut short by a crash as failed. */
  private load(): void {
    for (const name of fs.readdirSync(this.o.dir)) {
      if (!/^[0-9a-f-]{36}\.json$/.test(name)) continue;
      const file = path.join(this.o.dir, name);
      let rec: JobRecord;
      try {
        rec = JSON.parse(fs.readFileSync(file, 'utf8')) as JobRecord;
        if (!rec || typeof rec.jobID !== 'string' || rec.jobID + '.json' !== name) throw new Error('not a job record');
      } catch (e) {
        // a torn or foreign file: keep it aside rather than failing the start
        try {
          fs.renameSync(file, file + '.corrupt');
        } catch {
          /* ignore */
        }
        process.emitWarning(`socp serve: ignored unreadable job record ${file}: ${messageOf(e)}`);
        continue;
      }
      if (rec.status === 'accepted' || rec.status === 'running') {
        const was = rec.status;
        const now = new Date().toISOString();
        rec.status = 'failed';
        rec.message = was === 'running'
          ? 'the bridge stopped (crash, kill or power loss) while this job was running; no results were kept — run it again'
          : 'the bridge stopped (crash, kill or power loss) before this queued job started — run it again';
        rec.error = problems.serverError(rec.message, 'Job interrupted');
        rec.finished = now;
        rec.updated = now;
        rec.log = [...(rec.log ?? []), `ERROR: ${rec.message}`];
        this.persist(rec);
      }
      this.jobs.set(rec.jobID, rec);
    }
  }

  private file(id: string): string {
    return path.join(this.o.dir, `${id}.json`);
  }

  private persist(rec: JobRecord): void {
    const tmp = `${this.file(rec.jobID)}.${process.pid}.tmp`;
    try {
      fs.writeFileSync(tmp, JSON.stringify(rec) + '\n', { mode: 0o600 });
      fs.renameSync(tmp, this.file(rec.jobID));
    } catch (e) {
      process.emitWarning(`socp serve: cannot save job ${rec.jobID}: ${messageOf(e)}`);
    }
  }

  /** Persist now, or soon when progress updates arrive quickly. */
  private persistSoon(rec: JobRecord): void {
    const l = this.live.get(rec.jobID);
    if (!l) return this.persist(rec);
    const now = Date.now();
    if (now - l.lastPersist >= PERSIST_EVERY_MS) {
      l.lastPersist = now;
      this.persist(rec);
    } else if (!l.persistTimer) {
      l.persistTimer = setTimeout(() => {
        l.persistTimer = undefined;
        l.lastPersist = Date.now();
        if (this.jobs.get(rec.jobID) === rec) this.persist(rec);
      }, PERSIST_EVERY_MS);
      l.persistTimer.unref();
    }
  }

  get counts(): { running: number; queued: number } {
    return { running: this.running, queued: this.queue.length };
  }

  get(id: string): JobRecord | undefined {
    return this.jobs.get(id);
  }

  /** Jobs, newest first. */
  list(): JobRecord[] {
    return [...this.jobs.values()].sort((a, b) => (a.created < b.created ? 1 : a.created > b.created ? -1 : 0));
  }

  /** Create a job and queue it; throws QueueFullError when running + queued jobs are at the cap. */
  submit(processID: string, inputs: Record<string, unknown>, mode: 'sync' | 'async', owner?: string): JobRecord {
    if (this.closing) throw new QueueFullError('the bridge is shutting down');
    if (this.running + this.queue.length >= this.o.maxRunning + this.o.maxQueued) {
      throw new QueueFullError(`${this.running} jobs are running and ${this.queue.length} are queued (the limit is ${this.o.maxRunning} + ${this.o.maxQueued}); try again later`);
    }
    const now = new Date().toISOString();
    const rec: JobRecord = {
      jobID: crypto.randomUUID(), processID, type: 'process', status: 'accepted', message: 'queued',
      created: now, updated: now, progress: 0, mode, inputs, log: [], ...(owner ? { owner } : {}),
    };
    let resolveDone!: () => void;
    const done = new Promise<void>((r) => (resolveDone = r));
    this.live.set(rec.jobID, { controller: new AbortController(), done, resolveDone, lastPersist: 0 });
    this.jobs.set(rec.jobID, rec);
    this.persist(rec);
    this.queue.push(rec.jobID);
    this.pump();
    return rec;
  }

  /** Resolves when the job is finished (successful, failed or dismissed). */
  async wait(id: string): Promise<JobRecord | undefined> {
    const rec = this.jobs.get(id);
    const l = this.live.get(id);
    if (l) await l.done;
    return rec;
  }

  private pump(): void {
    while (!this.closing && this.running < this.o.maxRunning && this.queue.length > 0) {
      const id = this.queue.shift()!;
      const rec = this.jobs.get(id);
      if (!rec || rec.status !== 'accepted') continue;
      this.running++;
      void this.execute(rec).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private async execute(rec: JobRecord): Promise<void> {
    const l = this.live.get(rec.jobID)!;
    const now = new Date().toISOString();
    rec.status = 'running';
    rec.message = 'running';
    rec.started = now;
    rec.updated = now;
    this.persist(rec);
    try {
      const results = await this.o.run(rec, {
        signal: l.controller.signal,
        onProgress: (p, m) => {
          rec.progress = Math.max(rec.progress, Math.min(100, Math.round(p)));
          if (m) rec.message = m;
          rec.updated = new Date().toISOString();
          this.persistSoon(rec);
        },
        onLog: (level, m) => this.addLog(rec, level === 'warning' ? `Warning: ${m}` : m),
      });
      rec.status = 'successful';
      rec.message = 'done';
      rec.progress = 100;
      rec.results = results;
    } catch (e) {
      rec.status = l.controller.signal.aborted ? 'dismissed' : 'failed';
      rec.error = this.o.toProblem(e, rec);
      rec.message = rec.error.detail ?? rec.error.title;
      this.addLog(rec, `ERROR: ${rec.message}`);
    } finally {
      rec.finished = new Date().toISOString();
      rec.updated = rec.finished;
      if (l.persistTimer) clearTimeout(l.persistTimer);
      this.live.delete(rec.jobID);
      if (this.jobs.get(rec.jobID) === rec) this.persist(rec);
      l.resolveDone();
      this.prune();
    }
  }

  private addLog(rec: JobRecord, line: string): void {
    rec.log.push(line);
    if (rec.log.length > LOG_LINES) rec.log.splice(0, rec.log.length - LOG_LINES);
    rec.updated = new Date().toISOString();
    this.persistSoon(rec);
  }

  /**
   * DELETE /jobs/{id}: cancel a queued or running job (waiting until it stopped and rolled back
   * its outputs), or dismiss a finished one; the record is removed either way. Returns the record
   * with status "dismissed", or undefined when there is no such job.
   */
  async dismiss(id: string): Promise<JobRecord | undefined> {
    const rec = this.jobs.get(id);
    if (!rec) return undefined;
    const l = this.live.get(id);
    if (l) {
      const q = this.queue.indexOf(id);
      if (q >= 0) {
        this.queue.splice(q, 1);
        rec.message = 'dismissed before it started';
        rec.finished = new Date().toISOString();
        this.live.delete(id);
        l.resolveDone();
      } else {
        l.controller.abort();
        await l.done;
      }
    }
    rec.status = 'dismissed';
    rec.updated = new Date().toISOString();
    if (!rec.message || rec.message === 'running' || rec.message === 'queued') rec.message = 'dismissed';
    this.jobs.delete(id);
    fs.rmSync(this.file(id), { force: true });
    return rec;
  }

  /** Cancel a sync job whose client went away (the record stays, as dismissed). */
  cancel(id: string): void {
    this.live.get(id)?.controller.abort();
    const q = this.queue.indexOf(id);
    if (q >= 0) {
      this.queue.splice(q, 1);
      const rec = this.jobs.get(id)!;
      const l = this.live.get(id)!;
      rec.status = 'dismissed';
      rec.message = 'cancelled before it started';
      rec.finished = rec.updated = new Date().toISOString();
      this.live.delete(id);
      this.persist(rec);
      l.resolveDone();
    }
  }

  private prune(): void {
    const finished = this.list().filter((r) => r.status !== 'accepted' && r.status !== 'running');
    for (const r of finished.slice(this.o.keepFinished)) {
      this.jobs.delete(r.jobID);
      fs.rmSync(this.file(r.jobID), { force: true });
    }
  }

  /**
   * Graceful shutdown: refuse new jobs, fail queued ones, cancel running ones and wait (up to
   * timeoutMs) for them to roll back; their records say the bridge shut down.
   */
  async close(timeoutMs = 15_000): Promise<void> {
    this.closing = true;
    const reason = 'the bridge was shut down (SIGTERM/SIGINT) before this job finished; run it again';
    for (const id of this.queue.splice(0)) {
      const rec = this.jobs.get(id);
      const l = this.live.get(id);
      if (!rec) continue;
      rec.status = 'failed';
      rec.message = reason;
      rec.error = problems.serverError(reason, 'Job cancelled by shutdown', 503);
      rec.finished = rec.updated = new Date().toISOString();
      this.persist(rec);
      this.live.delete(id);
      l?.resolveDone();
    }
    const waits: Promise<void>[] = [];
    for (const [id, l] of this.live) {
      l.controller.abort();
      waits.push(l.done.then(() => {
        const rec = this.jobs.get(id);
        if (rec && rec.status === 'dismissed') {
          rec.status = 'failed';
          rec.message = reason;
          rec.error = problems.serverError(reason, 'Job cancelled by shutdown', 503);
          this.persist(rec);
        }
      }));
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(waits), new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)))]);
    if (timer) clearTimeout(timer);
  }
}
