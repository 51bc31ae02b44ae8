// SPDX-License-Identifier: GPL-2.0-or-later
// The HTTP bridge: an express app speaking OGC API – Processes 1.0 (Core, OGC process description,
// JSON, HTML, OpenAPI 3.0, job list, dismiss), built on the algorithm descriptions and toolbox run()
// (which jobs call in worker processes, server/worker.ts, so the HTTP side never stalls).
// Security: a bearer token on everything but the landing page (several tokens: each sees only its
// own jobs), workspace confinement of every path (run()'s checkPath hook), a JSON body limit and
// depth limit, a cap on running + queued jobs, no credential ever echoed or logged. Nothing is ever
// passed to a shell.

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
import { conformance, JOB_LIMIT_DEFAULT, JOB_LIMIT_MAX, jobList, landingPage, openApi, problems, processDescription, processList, resultsDocument, statusInfo } from './ogc.js';
import { Tokens } from './tokens.js';

export interface BridgeOptions {
  /** the bearer tokens; with more than one, each token sees only the jobs it submitted */
  tokens: string[];
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
  /** BullMQ on Redis: jobs of algorithms that split into tiles run as flows on socp workers */
  redis?: { url: string; queue?: string };
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

/** Toolbox error kinds → problem details: usage 400, data 422, cancelled 409, internal 500. */
export function toProblem(e: unknown): Problem {
  if (e instanceof HttpProblem) return e.problem;
  if (isSocpError(e)) {
    switch (e.kind) {
      case 'usage': return problems.invalid(e.message, 400);
      case 'data': return problems.unusableData(e.message);
      case 'cancelled': return problems.cancelled(e.message);
      default: return problems.serverError(e.message);
    }
  }
  return problems.serverError(messageOf(e));
}

/** Query parameters of the API; the values of any other are never logged (they may be credentials). */
const API_QUERY = new Set(['f', 'limit', 'offset', 'processID', 'status']);
/** Names under which clients put credentials in URLs, for the hint of a 401. */
const CREDENTIAL_QUERY = /^(access_?token|token|api_?key|apikey|key|auth|authorization|bearer|password|secret)$/i;

/** Deepest nesting of lists and objects accepted in a request body (an execute request needs 5). */
export const MAX_BODY_DEPTH = 32;

/** Is v nested deeper than max? Iterative: the point is to refuse what would overflow the stack of a recursive walk. */
function nestedDeeper(v: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[v, 1]];
  while (stack.length > 0) {
    const [x, d] = stack.pop()!;
    if (x === null || typeof x !== 'object') continue;
    if (d > max) return true;
    for (const c of Object.values(x as object)) if (c !== null && typeof c === 'object') stack.push([c, d + 1]);
  }
  return false;
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
  const tokens = new Tokens(o.tokens);
  const redactProblem = (p: Problem): Problem => tokens.redactValue(p);
  /** The request's URL as it may be logged or echoed: the API's own query parameters, tokens blanked out. */
  const safeUrl = (req: Request, note = true): string => {
    const raw = req.originalUrl;
    const q = raw.indexOf('?');
    if (q < 0) return tokens.redactPath(raw);
    const kept: string[] = [];
    let hidden = 0;
    for (const [k, v] of new URLSearchParams(raw.slice(q + 1))) {
      if (API_QUERY.has(k)) kept.push(`${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
      else hidden++;
    }
    const query = kept.length > 0 ? `?${kept.join('&')}` : '';
    return tokens.redactPath(raw.slice(0, q)) + tokens.redact(query) + (note && hidden > 0 ? ` (${hidden} other query parameter${hidden > 1 ? 's' : ''} not shown)` : '');
  };
  const sendProblem = (res: Response, p: Problem, instance: string): void => {
    res.status(p.status).type('application/problem+json').send(JSON.stringify(redactProblem({ ...p, instance })));
  };
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
    // what a job records for everyone to read (log, message, error) never holds a token
    toProblem: (e) => redactProblem(toProblem(e)),
    run: async (job, hooks) => {
      if (o.redis) {
        const alg = await getAlgorithm(job.processID);
        const { values, problems } = plainInputs(alg, job.inputs);
        const driver = await import('../toolbox/drivers/bullmq.js');
        if (problems.length === 0 && driver.tileable(alg, values)) {
          const r = await driver.submitRun(alg, values, {
            redis: o.redis.url, queue: o.redis.queue, threads: o.threads, cwd: workspaces.first, checkPath: workspaces.checkPath,
            signal: hooks.signal,
            onProgress: (p) => hooks.onProgress(p),
            onLog: (level, m) => hooks.onLog(level, tokens.redact(m)),
          });
          return JSON.parse(JSON.stringify(r.results)) as Record<string, unknown>;
        }
      }
      return runInPool(job, hooks);
    },
  });
  function runInPool(job: Parameters<ConstructorParameters<typeof JobManager>[0]['run']>[0], hooks: Parameters<ConstructorParameters<typeof JobManager>[0]['run']>[1]) {
    return pool.run({
      jobID: job.jobID, processID: job.processID, inputs: job.inputs, workspaces: workspaces.real, threads: o.threads,
      signal: hooks.signal,
      onProgress: (p, m) => hooks.onProgress(p, m === undefined ? m : tokens.redact(m)),
      onLog: (level, m) => hooks.onLog(level, tokens.redact(m)),
    });
  }

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
      res.on('finish', () => o.log!(`${req.method} ${safeUrl(req)} ${res.statusCode} ${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(1)} ms`));
    }
    next();
  });

  // the landing page is open; everything else needs the bearer token
  app.get('/', (req, res) => send(req, res, 'landing', landingPage(base)));
  app.use((req, res, next) => {
    const h = req.get('authorization') ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
    const owner = m ? tokens.ownerOf(m[1]) : undefined;
    if (owner === undefined) {
      // never say what was sent: neither the header nor the URL appear in the answer
      const inUrl = Object.keys(req.query as Record<string, unknown>).find((k) => CREDENTIAL_QUERY.test(k));
      const urlHint = inUrl ? ` The token goes in the Authorization header, never in the URL (the query parameter "${inUrl}" is ignored: URLs are kept in logs and browser histories).` : '';
      throw new HttpProblem(
        problems.http(401, 'Unauthorized', (h ? 'the bearer token is wrong; use the token printed by "socp serve" (or its SOCP_TOKEN)' : 'send the header "Authorization: Bearer <token>" with the token printed by "socp serve"') + urlHint),
        { 'WWW-Authenticate': `Bearer realm="socp"${h ? ', error="invalid_token"' : ''}` },
      );
    }
    res.locals.owner = owner;
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
    // before anything walks the body recursively (and overflows the stack)
    if (nestedDeeper(body, MAX_BODY_DEPTH)) {
      throw new HttpProblem(problems.http(400, 'Bad Request', `the request body is nested too deeply (more than ${MAX_BODY_DEPTH} levels of objects and lists); an execute request is {"inputs": {NAME: value, …}} where a value is a number, a text, a list, {"value": …} or {"href": "file:///…"}`));
    }
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
      job = jobs.submit(alg.id, inputs as Record<string, unknown>, asyncMode ? 'async' : 'sync', res.locals.owner as string);
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
        ? problems.cancelled(`job ${job.jobID} was dismissed before it finished`)
        : toProblem(new Error('the job vanished')));
      sendProblem(res, p, `${base}/jobs/${job.jobID}`);
      return;
    }
    res.status(200).type('application/json').send(JSON.stringify(resultsDocument(alg, done.results ?? {})));
  });

  const wholeQuery = (req: Request, name: string, dflt: number, min: number, max: number, what: string): number => {
    const raw = req.query[name];
    if (raw === undefined) return dflt;
    const n = Number(raw);
    if (typeof raw !== 'string' || raw.trim() === '' || !Number.isInteger(n) || n < min) {
      throw new HttpProblem(problems.invalid(`${name} is ${what}: a whole number ≥ ${min}${name === 'limit' ? ` (default ${dflt}, at most ${max})` : ''}, given once`));
    }
    return Math.min(n, max); // OGC API – Common: a limit above the maximum is not an error, the maximum is used
  };
  app.get('/jobs', (req, res) => {
    const list = (v: unknown): string[] | undefined => (v === undefined ? undefined : (Array.isArray(v) ? v : [v]).flatMap((x) => String(x).split(',')));
    const pids = list(req.query.processID);
    const statuses = list(req.query.status);
    const limit = wholeQuery(req, 'limit', JOB_LIMIT_DEFAULT, 1, JOB_LIMIT_MAX, 'the number of jobs per page');
    const offset = wholeQuery(req, 'offset', 0, 0, Number.MAX_SAFE_INTEGER, 'the number of jobs to skip');
    const owner = res.locals.owner as string;
    const matched = jobs.list().filter((j) => tokens.visible(j, owner) && (!pids || pids.includes(j.processID)) && (!statuses || statuses.includes(j.status)));
    send(req, res, 'jobs', jobList({ jobs: matched.slice(offset, offset + limit), matched: matched.length, offset, limit, filters: { processID: pids?.join(','), status: statuses?.join(',') } }, base));
  });

  /** The job, if it exists and the caller may see it; another token's job is answered as if it did not exist. */
  const jobOr404 = (id: string, res: Response): JobRecord => {
    const j = jobs.get(id);
    if (!j || !tokens.visible(j, res.locals.owner as string)) throw new HttpProblem(problems.noSuchJob(id));
    return j;
  };
  app.get('/jobs/:jobId', (req, res) => send(req, res, 'job', statusInfo(jobOr404(req.params.jobId, res), base)));
  app.get('/jobs/:jobId/results', async (req, res) => {
    const j = jobOr404(req.params.jobId, res);
    if (j.status === 'failed' || j.status === 'dismissed') throw new HttpProblem(problems.jobFailed(j));
    if (j.status !== 'successful') throw new HttpProblem(problems.notReady(j));
    const alg = await getAlgorithm(j.processID).catch(() => undefined);
    send(req, res, 'results', resultsDocument(alg, j.results ?? {}));
  });
  app.delete('/jobs/:jobId', async (req, res) => {
    jobOr404(req.params.jobId, res);
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
      // JSON.parse quotes a piece of the body in its message: leave it out (it may hold anything)
      const why = (e.message ?? '').replace(/,\s*(\.\.\.)?".*"(\.\.\.)? is not valid JSON\s*$/s, '');
      p = problems.http(400, 'Bad Request', `the request body is not valid JSON: ${why}`);
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
    sendProblem(res, p, safeUrl(req, false));
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
