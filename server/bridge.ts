// SPDX-License-Identifier: GPL-2.0-or-later
// The HTTP bridge: an express app speaking OGC API – Processes 1.0 (Core, OGC process description,
// JSON, HTML, OpenAPI 3.0, job list, dismiss), built on the algorithm descriptions and toolbox run()
// (which jobs call in worker processes, server/worker.ts, so the HTTP side never stalls).
// Security: a bearer token on everything but the landing page, workspace confinement of every
// path (run()'s checkPath hook), a JSON body limit, a cap on running + queued jobs. Nothing is ever
// passed to a shell.

import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Algorithm } from '../toolbox/algorithm.js';
import { isSocpError, messageOf, UsageError } from '../toolbox/errors.js';
import { getAlgorithm, listAlgorithms } from '../toolbox/registry.js';
import { plainInputs, Workspaces } from './confine.js';
import { renderHtml } from './html.js';
import { WorkerPool } from './pool.js';
import { JobManager, QueueFullError, type JobRecord, type Problem } from './jobs.js';
import { conformance, EXC, jobList, landingPage, openApi, processDescription, processList, resultsDocument, statusInfo } from './ogc.js';

export interface BridgeOptions {
  token: string;
  workspaces: string[];
  /** folder of persisted job records */
  jobsDir: string;
  maxRunning?: number;
  maxQueued?: number;
  /** JSON body limit, e.g. "256kb" */
  bodyLimit?: string;
  /** worker threads per job */
  threads?: number;
  /** after a cancel, how long a job may take to stop before its worker is killed (default 30 s) */
  cancelGraceMs?: number;
  /** access log of requests (default none) */
  log?: (line: string) => void;
}

export interface Bridge {
  app: express.Express;
  jobs: JobManager;
  workspaces: Workspaces;
  /** listen on host:port (port 0 = any free port); resolves with the base URL */
  listen(host: string, port: number): Promise<string>;
  /** graceful shutdown: stop accepting, cancel running jobs, close connections */
  close(): Promise<void>;
  url?: string;
}

class HttpProblem extends Error {
  constructor(readonly problem: Problem, readonly headers: Record<string, string> = {}) {
    super(problem.detail ?? problem.title);
  }
}

const problems = {
  noSuchProcess: (id: string): Problem => ({ type: `${EXC}/no-such-process`, title: 'No such process', status: 404, detail: `there is no process "${id}"; GET /processes lists them` }),
  noSuchJob: (id: string): Problem => ({ type: `${EXC}/no-such-job`, title: 'No such job', status: 404, detail: `there is no job "${id}" (it may have been dismissed); GET /jobs lists them` }),
  notReady: (j: JobRecord): Problem => ({ type: `${EXC}/result-not-ready`, title: 'Result not ready', status: 404, detail: `job ${j.jobID} is ${j.status} (${j.progress} %); its results are not ready yet` }),
  invalid: (detail: string, status = 400): Problem => ({ type: `${EXC}/invalid-parameter`, title: 'Invalid parameter', status, detail }),
  http: (status: number, title: string, detail: string): Problem => ({ type: 'about:blank', title, status, detail }),
};

/** Toolbox error kinds → problem details: usage 400, data 422, cancelled 409, internal 500. */
export function toProblem(e: unknown): Problem {
  if (e instanceof HttpProblem) return e.problem;
  if (isSocpError(e)) {
    switch (e.kind) {
      case 'usage': return problems.invalid(e.message, 400);
      case 'data': return { type: `${EXC}/invalid-parameter`, title: 'Unusable input data', status: 422, detail: e.message };
      case 'cancelled': return { type: 'urn:socp:error:cancelled', title: 'Cancelled', status: 409, detail: e.message };
      default: return { type: `${EXC}/server-error`, title: 'Internal error', status: 500, detail: e.message };
    }
  }
  return { type: `${EXC}/server-error`, title: 'Internal error', status: 500, detail: messageOf(e) };
}

function sameToken(given: string, expected: string): boolean {
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}

function wantsHtml(req: Request): boolean {
  const f = req.query.f;
  if (f === 'html') return true;
  if (f === 'json') return false;
  return req.accepts(['application/json', 'text/html']) === 'text/html';
}

function checkFormat(req: Request): void {
  const f = req.query.f;
  if (f !== undefined && f !== 'json' && f !== 'html') {
    throw new HttpProblem(problems.http(400, 'Bad Request', `f=${String(f)}: the formats are json and html`));
  }
}

export function createBridge(o: BridgeOptions): Bridge {
  const workspaces = new Workspaces(o.workspaces);
  let base = 'http://127.0.0.1';
  let algCache: Algorithm[] | undefined;
  const algs = async (): Promise<Algorithm[]> => (algCache ??= await listAlgorithms());
  const findAlg = async (id: string): Promise<Algorithm> => {
    try {
      return await getAlgorithm(id);
    } catch (e) {
      if (e instanceof UsageError) throw new HttpProblem(problems.noSuchProcess(id));
      throw e;
    }
  };

  const pool = new WorkerPool({ cancelGraceMs: o.cancelGraceMs });
  const jobs = new JobManager({
    dir: o.jobsDir,
    maxRunning: o.maxRunning ?? 4,
    maxQueued: o.maxQueued ?? 64,
    toProblem: (e) => toProblem(e),
    run: (job, hooks) => pool.run({
      jobID: job.jobID, processID: job.processID, inputs: job.inputs, workspaces: workspaces.real, threads: o.threads,
      signal: hooks.signal, onProgress: hooks.onProgress, onLog: hooks.onLog,
    }),
  });

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');

  const serialized = new WeakMap<object, string>(); // of the documents built once (process list, descriptions)
  const send = (req: Request, res: Response, kind: string, doc: Record<string, unknown>, status = 200): void => {
    checkFormat(req);
    res.status(status);
    if (wantsHtml(req)) {
      res.type('text/html; charset=utf-8').send(renderHtml(kind, doc));
      return;
    }
    let text = serialized.get(doc);
    if (text === undefined) {
      text = JSON.stringify(doc);
      if (kind === 'processes' || kind === 'process') serialized.set(doc, text);
    }
    res.type(kind === 'api' ? 'application/vnd.oai.openapi+json;version=3.0' : 'application/json').send(text);
  };

  app.use((req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    if (o.log) {
      const t0 = process.hrtime.bigint();
      res.on('finish', () => o.log!(`${req.method} ${req.originalUrl} ${res.statusCode} ${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(1)} ms`));
    }
    next();
  });

  // the landing page is open; everything else needs the bearer token
  app.get('/', (req, res) => send(req, res, 'landing', landingPage(base)));
  app.use((req, _res, next) => {
    const h = req.get('authorization') ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
    if (!m || !sameToken(m[1], o.token)) {
      throw new HttpProblem(
        problems.http(401, 'Unauthorized', h ? 'the bearer token is wrong; use the token printed by "socp serve" (or its SOCP_TOKEN)' : 'send the header "Authorization: Bearer <token>" with the token printed by "socp serve"'),
        { 'WWW-Authenticate': `Bearer realm="socp"${h ? ', error="invalid_token"' : ''}` },
      );
    }
    next();
  });

  app.get('/conformance', (req, res) => send(req, res, 'conformance', conformance()));
  app.get('/api', async (req, res) => send(req, res, 'api', openApi(base, await algs())));
  // the descriptions never change while the bridge runs: build each once
  let listDoc: Record<string, unknown> | undefined;
  const descDocs = new Map<string, Record<string, unknown>>();
  app.get('/processes', async (req, res) => send(req, res, 'processes', (listDoc ??= processList(await algs(), base))));
  app.get('/processes/:processId', async (req, res) => {
    const a = await findAlg(req.params.processId);
    let d = descDocs.get(a.id);
    if (!d) descDocs.set(a.id, (d = processDescription(a, base)));
    send(req, res, 'process', d);
  });

  const json = express.json({ limit: o.bodyLimit ?? '256kb', strict: true, type: () => true });
  app.post('/processes/:processId/execution', async (req, res, next) => {
    const alg = await findAlg(req.params.processId);
    if (!req.is('application/json')) {
      throw new HttpProblem(problems.http(415, 'Unsupported Media Type', 'the execute request must be a JSON document with "Content-Type: application/json"'));
    }
    res.locals.alg = alg;
    next();
  }, json, async (req, res) => {
    const alg = res.locals.alg as Algorithm;
    const body = req.body as unknown;
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new HttpProblem(problems.invalid('the execute request must be a JSON object {"inputs": {NAME: value, …}}'));
    const b = body as Record<string, unknown>;
    const unknownKeys = Object.keys(b).filter((k) => !['inputs', 'outputs', 'response', 'subscriber', 'mode'].includes(k));
    if (unknownKeys.length > 0) {
      throw new HttpProblem(problems.invalid(`unknown member${unknownKeys.length > 1 ? 's' : ''} ${unknownKeys.join(', ')} in the execute request; parameters go inside "inputs": {"inputs": {"${unknownKeys[0]}": …}}`));
    }
    const inputs = b.inputs ?? {};
    if (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs)) throw new HttpProblem(problems.invalid('"inputs" must be an object of NAME: value'));
    if (b.response !== undefined && b.response !== 'document' && b.response !== 'raw') throw new HttpProblem(problems.invalid('"response" must be "document" or "raw"'));
    if (b.subscriber !== undefined) throw new HttpProblem(problems.invalid('callbacks ("subscriber") are not supported; poll /jobs/{jobId}'));
    // the cheap checks before a job is queued: unknown names, "..", URLs
    const { problems: bad } = plainInputs(alg, inputs as Record<string, unknown>);
    if (bad.length > 0) throw new HttpProblem(problems.invalid(`${alg.id}: ${bad.join('; ')}`));
    const prefer = (req.get('prefer') ?? '').toLowerCase();
    const asyncMode = /(^|[\s,;])respond-async($|[\s,;])/.test(prefer) || b.mode === 'async';
    let job: JobRecord;
    try {
      job = jobs.submit(alg.id, inputs as Record<string, unknown>, asyncMode ? 'async' : 'sync');
    } catch (e) {
      if (e instanceof QueueFullError) throw new HttpProblem(problems.http(429, 'Too Many Requests', e.message), { 'Retry-After': '5' });
      throw e;
    }
    if (asyncMode) {
      res.status(201).location(`${base}/jobs/${job.jobID}`).setHeader('Preference-Applied', 'respond-async');
      res.type('application/json').send(JSON.stringify(statusInfo(job, base)));
      return;
    }
    // synchronous: wait; a client that hangs up cancels its job
    const onClose = (): void => {
      if (!res.writableEnded) jobs.cancel(job.jobID);
    };
    res.on('close', onClose);
    const done = await jobs.wait(job.jobID);
    res.off('close', onClose);
    if (res.destroyed) return;
    res.setHeader('Link', `<${base}/jobs/${job.jobID}>; rel="monitor"`);
    if (!done || done.status !== 'successful') {
      const p = done?.error ?? (done?.status === 'dismissed'
        ? { type: 'urn:socp:error:cancelled', title: 'Cancelled', status: 409, detail: `job ${job.jobID} was dismissed before it finished` }
        : toProblem(new Error('the job vanished')));
      res.status(p.status).type('application/problem+json').send(JSON.stringify({ ...p, instance: `${base}/jobs/${job.jobID}` }));
      return;
    }
    res.status(200).type('application/json').send(JSON.stringify(resultsDocument(alg, done.results ?? {})));
  });

  app.get('/jobs', (req, res) => {
    const list = (v: unknown): string[] | undefined => (v === undefined ? undefined : (Array.isArray(v) ? v : [v]).flatMap((x) => String(x).split(',')));
    const pids = list(req.query.processID);
    const statuses = list(req.query.status);
    let limit = 1000;
    if (req.query.limit !== undefined) {
      limit = Number(req.query.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 10000) throw new HttpProblem(problems.invalid('limit must be a whole number 1–10000'));
    }
    const all = jobs.list().filter((j) => (!pids || pids.includes(j.processID)) && (!statuses || statuses.includes(j.status))).slice(0, limit);
    const q = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
    send(req, res, 'jobs', jobList(all, base, q));
  });

  const jobOr404 = (id: string): JobRecord => {
    const j = jobs.get(id);
    if (!j) throw new HttpProblem(problems.noSuchJob(id));
    return j;
  };
  app.get('/jobs/:jobId', (req, res) => send(req, res, 'job', statusInfo(jobOr404(req.params.jobId), base)));
  app.get('/jobs/:jobId/results', async (req, res) => {
    const j = jobOr404(req.params.jobId);
    if (j.status === 'failed' || j.status === 'dismissed') {
      const p = j.error ?? toProblem(new Error(j.message));
      res.status(p.status).type('application/problem+json').send(JSON.stringify({ ...p, instance: `${base}/jobs/${j.jobID}` }));
      return;
    }
    if (j.status !== 'successful') throw new HttpProblem(problems.notReady(j));
    const alg = await getAlgorithm(j.processID).catch(() => undefined);
    send(req, res, 'results', resultsDocument(alg, j.results ?? {}));
  });
  app.delete('/jobs/:jobId', async (req, res) => {
    jobOr404(req.params.jobId);
    const j = await jobs.dismiss(req.params.jobId);
    if (!j) throw new HttpProblem(problems.noSuchJob(req.params.jobId));
    res.status(200).type('application/json').send(JSON.stringify(statusInfo(j, base)));
  });

  const allowed: [string, string][] = [
    ['/', 'GET'], ['/conformance', 'GET'], ['/api', 'GET'], ['/processes', 'GET'], ['/processes/:processId', 'GET'],
    ['/processes/:processId/execution', 'POST'], ['/jobs', 'GET'], ['/jobs/:jobId', 'GET, DELETE'], ['/jobs/:jobId/results', 'GET'],
  ];
  for (const [route, allow] of allowed) {
    app.all(route, (req, res) => {
      res.setHeader('Allow', allow);
      throw new HttpProblem(problems.http(405, 'Method Not Allowed', `${req.method} is not allowed on ${req.path}; use ${allow}`));
    });
  }
  app.use((req) => {
    throw new HttpProblem(problems.http(404, 'Not Found', `${req.method} ${req.path} is not part of this API; see ${base}/api`));
  });

  // errors → RFC 7807 problem details
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    void _next;
    let p: Problem;
    let headers: Record<string, string> = {};
    const e = err as { type?: string; status?: number; expose?: boolean; message?: string };
    if (err instanceof HttpProblem) {
      p = err.problem;
      headers = err.headers;
    } else if (e?.type === 'entity.parse.failed') {
      p = problems.http(400, 'Bad Request', `the request body is not valid JSON: ${e.message}`);
    } else if (e?.type === 'entity.too.large') {
      p = problems.http(413, 'Content Too Large', `the request body is larger than the limit (${o.bodyLimit ?? '256kb'}); large data go in files inside the workspace, referenced by path`);
    } else if (e?.expose && typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      p = problems.http(e.status, http.STATUS_CODES[e.status] ?? 'Bad Request', e.message ?? '');
    } else {
      p = toProblem(err);
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    res.status(p.status).type('application/problem+json').send(JSON.stringify({ ...p, instance: req.originalUrl }));
  });

  let server: http.Server | undefined;
  const bridge: Bridge = {
    app, jobs, workspaces,
    listen(host, port) {
      return new Promise((resolve, reject) => {
        const s = http.createServer(app);
        s.keepAliveTimeout = 5000;
        s.headersTimeout = 10_000;
        s.requestTimeout = 0; // synchronous executions may take long
        s.maxHeadersCount = 100;
        s.once('error', reject);
        s.listen(port, host, () => {
          server = s;
          pool.prewarm();
          void algs().catch(() => undefined); // load the algorithms before the first request
          const a = s.address() as AddressInfo;
          const h = a.family === 'IPv6' ? `[${a.address}]` : a.address;
          base = `http://${h}:${a.port}`;
          bridge.url = base;
          resolve(base);
        });
      });
    },
    async close() {
      const s = server;
      const closed = s ? new Promise<void>((r) => s.close(() => r())) : Promise.resolve();
      s?.closeIdleConnections();
      await jobs.close();
      await pool.close();
      s?.closeAllConnections();
      await closed;
    },
  };
  return bridge;
}
