// SPDX-License-Identifier: GPL-2.0-or-later
// The OGC API – Processes 1.0 documents of the bridge, generated from the algorithm descriptions
// (toolbox/describe.ts): landing page, conformance, process list and descriptions, job status,
// results, and the OpenAPI 3.0 definition.

import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Algorithm, OutputDef, Results } from '../toolbox/algorithm.js';
import { jsonSchema, qgisDefinition } from '../toolbox/describe.js';
import { isDestination } from '../toolbox/params.js';
import { socpVersion } from '../toolbox/provenance.js';
import type { JobRecord, Problem } from './jobs.js';

export const OGC = 'http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf';
export const REL = 'http://www.opengis.net/def/rel/ogc/1.0';
export const EXC = 'http://www.opengis.net/def/exceptions/ogcapi-processes-1/1.0';
/** socp's own problem type of a cancelled (dismissed) job */
export const CANCELLED = 'urn:socp:error:cancelled';

/** The problem documents (RFC 7807 with the OGC exception types) of the bridge, in one place. */
export const problems = {
  noSuchProcess: (id: string): Problem => ({ type: `${EXC}/no-such-process`, title: 'No such process', status: 404, detail: `there is no process "${id}"; GET /processes lists them` }),
  noSuchJob: (id: string): Problem => ({ type: `${EXC}/no-such-job`, title: 'No such job', status: 404, detail: `there is no job "${id}" (it may have been dismissed); GET /jobs lists them` }),
  notReady: (j: JobRecord): Problem => ({ type: `${EXC}/result-not-ready`, title: 'Result not ready', status: 404, detail: `job ${j.jobID} is ${j.status} (${j.progress} %); its results are not ready yet — poll /jobs/${j.jobID} until it is successful` }),
  invalid: (detail: string, status = 400): Problem => ({ type: `${EXC}/invalid-parameter`, title: 'Invalid parameter', status, detail }),
  unusableData: (detail: string): Problem => ({ type: `${EXC}/invalid-parameter`, title: 'Unusable input data', status: 422, detail }),
  cancelled: (detail: string): Problem => ({ type: CANCELLED, title: 'Cancelled', status: 409, detail }),
  serverError: (detail: string, title = 'Internal error', status = 500): Problem => ({ type: `${EXC}/server-error`, title, status, detail }),
  http: (status: number, title: string, detail: string): Problem => ({ type: 'about:blank', title, status, detail }),
  /**
   * /jobs/{id}/results of a failed or dismissed job (/req/core/job-results-failed): the job's own
   * exception (its type says why it failed), with a 4xx status — a job that failed for a reason on
   * the server's side (a crash, a shutdown) has no results to give, which is a 404, not a fault of
   * this request (a 5xx would tell the client to retry it).
   */
  jobFailed: (j: JobRecord): Problem => {
    const e = j.error ?? (j.status === 'dismissed' ? problems.cancelled(j.message || 'the job was cancelled') : problems.serverError(j.message || 'the job failed'));
    const status = e.status >= 400 && e.status < 500 ? e.status : 404;
    return { ...e, status, detail: `job ${j.jobID} ${j.status === 'dismissed' ? 'was cancelled' : 'failed'}, so it has no results: ${e.detail ?? e.title}` };
  },
};

export const CONFORMANCE = [
  `${OGC}/core`,
  `${OGC}/ogc-process-description`,
  `${OGC}/json`,
  `${OGC}/html`,
  `${OGC}/oas30`,
  `${OGC}/job-list`,
  `${OGC}/dismiss`,
];

export interface Link {
  href: string;
  rel: string;
  type?: string;
  title?: string;
}

/** Jobs per page of /jobs: by default and at most. */
export const JOB_LIMIT_DEFAULT = 100;
export const JOB_LIMIT_MAX = 1000;

const JSON_T = 'application/json';
const HTML_T = 'text/html';
const OAS_T = 'application/vnd.oai.openapi+json;version=3.0';

/** Links to a resource in JSON (self) and HTML (alternate). */
function selfLinks(base: string, p: string, title: string, html = true): Link[] {
  const l: Link[] = [{ href: `${base}${p}?f=json`, rel: 'self', type: JSON_T, title }];
  if (html) l.push({ href: `${base}${p}?f=html`, rel: 'alternate', type: HTML_T, title: `${title} as HTML` });
  return l;
}

export function landingPage(base: string): Record<string, unknown> {
  return {
    title: 'socp — soil organic carbon sequestration potential',
    description: `Local OGC API – Processes bridge of the socp toolbox ${socpVersion}. Every request except this page needs the header "Authorization: Bearer <token>".`,
    links: [
      ...selfLinks(base, '/', 'this document'),
      { href: `${base}/api`, rel: 'service-desc', type: OAS_T, title: 'the API definition (OpenAPI 3.0)' },
      { href: `${base}/api?f=html`, rel: 'service-doc', type: HTML_T, title: 'the API documentation' },
      { href: `${base}/conformance`, rel: `${REL}/conformance`, type: JSON_T, title: 'conformance classes' },
      { href: `${base}/conformance`, rel: 'conformance', type: JSON_T, title: 'conformance classes' },
      { href: `${base}/processes`, rel: `${REL}/processes`, type: JSON_T, title: 'the processes (socp algorithms)' },
      { href: `${base}/jobs`, rel: `${REL}/job-list`, type: JSON_T, title: 'the jobs' },
    ],
  };
}

export function conformance(): Record<string, unknown> {
  return { conformsTo: CONFORMANCE };
}

/** QGIS Processing name of a socp id: ":" and "-" become "_" (soil:potential → soil_potential). */
export function qgisName(id: string): string {
  return id.replace(/[:-]/g, '_');
}

const JOB_CONTROL = ['sync-execute', 'async-execute', 'dismiss'];

export function processSummary(a: Algorithm, base: string): Record<string, unknown> {
  const p = `/processes/${encodeURIComponent(a.id)}`;
  return {
    id: a.id,
    title: a.title,
    description: a.help,
    version: socpVersion,
    keywords: ['socp', a.group],
    jobControlOptions: JOB_CONTROL,
    outputTransmission: ['value', 'reference'],
    qgisName: qgisName(a.id),
    group: a.group,
    links: [
      { href: `${base}${p}?f=json`, rel: 'self', type: JSON_T, title: 'process description' },
      { href: `${base}${p}?f=json`, rel: `${REL}/process-desc`, type: JSON_T, title: 'process description' },
      { href: `${base}${p}?f=html`, rel: 'alternate', type: HTML_T, title: 'process description as HTML' },
      { href: `${base}${p}/execution`, rel: `${REL}/execute`, type: JSON_T, title: 'execute' },
    ],
  };
}

export function outputSchema(o: OutputDef): Record<string, unknown> {
  switch (o.kind) {
    case 'number': return { type: 'number' };
    case 'string': return { type: 'string' };
    case 'json': return { type: 'object' };
    case 'raster': return { type: 'string', format: 'uri-reference', contentMediaType: 'image/tiff; application=geotiff' };
    case 'html': return { type: 'string', format: 'uri-reference', contentMediaType: 'text/html' };
    default: return { type: 'string', format: 'uri-reference' };
  }
}

export function processDescription(a: Algorithm, base: string): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const p of a.inputs) {
    inputs[p.name] = {
      title: p.name,
      description: p.description,
      schema: jsonSchema(p),
      minOccurs: p.optional ? 0 : 1,
      maxOccurs: 1,
      ...(isDestination(p) ? { keywords: ['output-path'] } : {}),
      'x-socp-kind': p.kind,
      ...(p.itemKind ? { 'x-socp-item-kind': p.itemKind } : {}),
      qgis: qgisDefinition(p),
    };
  }
  const outputs: Record<string, unknown> = {};
  for (const o of a.outputs) {
    outputs[o.name] = { title: o.name, description: o.description, schema: outputSchema(o), 'x-socp-kind': o.kind };
  }
  const s = processSummary(a, base);
  return { ...s, inputs, outputs };
}

export function processList(algs: Algorithm[], base: string): Record<string, unknown> {
  return {
    processes: algs.map((a) => processSummary(a, base)),
    links: selfLinks(base, '/processes', 'the processes'),
  };
}

export function statusInfo(j: JobRecord, base: string): Record<string, unknown> {
  const p = `/jobs/${j.jobID}`;
  const links: Link[] = [
    { href: `${base}${p}?f=json`, rel: 'self', type: JSON_T, title: 'job status' },
    { href: `${base}${p}?f=json`, rel: 'monitor', type: JSON_T, title: 'job status' },
    { href: `${base}${p}?f=html`, rel: 'alternate', type: HTML_T, title: 'job status as HTML' },
    { href: `${base}/processes/${encodeURIComponent(j.processID)}`, rel: 'up', type: JSON_T, title: 'the process' },
  ];
  if (j.status === 'successful' || j.status === 'failed') {
    links.push({ href: `${base}${p}/results?f=json`, rel: `${REL}/results`, type: JSON_T, title: 'job results' });
  }
  return {
    jobID: j.jobID,
    processID: j.processID,
    type: j.type,
    status: j.status,
    message: j.message,
    created: j.created,
    ...(j.started ? { started: j.started } : {}),
    ...(j.finished ? { finished: j.finished } : {}),
    updated: j.updated,
    progress: j.progress,
    log: j.log,
    ...(j.error ? { exception: j.error } : {}),
    links,
  };
}

const MEDIA: Record<string, string> = {
  '.csv': 'text/csv', '.gpkg': 'application/geopackage+sqlite3', '.geojson': 'application/geo+json',
  '.json': 'application/json', '.shp': 'application/x-esri-shape', '.tif': 'image/tiff; application=geotiff',
  '.tiff': 'image/tiff; application=geotiff', '.vrt': 'application/xml', '.html': 'text/html', '.htm': 'text/html',
  '.txt': 'text/plain', '.md': 'text/markdown',
};

/** The results document: files as {href: file URL, type}, numbers and text inline. */
export function resultsDocument(a: Algorithm | undefined, results: Results): Record<string, unknown> {
  const fileOutputs = new Set<string>();
  for (const o of a?.outputs ?? []) if (!['number', 'string', 'json'].includes(o.kind)) fileOutputs.add(o.name);
  for (const p of a?.inputs ?? []) if (isDestination(p)) fileOutputs.add(p.name);
  const doc: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(results)) {
    if (fileOutputs.has(k) && typeof v === 'string' && path.isAbsolute(v)) {
      const href = pathToFileURL(v).href;
      const kind = a?.outputs.find((o) => o.name === k)?.kind;
      doc[k] = { href, type: kind === 'folder' ? 'inode/directory' : MEDIA[path.extname(v).toLowerCase()] ?? 'application/octet-stream' };
    } else {
      doc[k] = v;
    }
  }
  return doc;
}

/** Longest message of a job-list entry: the full text is in /jobs/{id}. */
const LIST_MESSAGE = 200;

/**
 * A job-list entry: the status without the log and the exception, the message cut short, one link
 * (the full status document) — so that a page of the list stays small however long the jobs' logs.
 */
export function jobSummary(j: JobRecord, base: string): Record<string, unknown> {
  const p = `/jobs/${j.jobID}`;
  const message = j.message.length > LIST_MESSAGE ? `${j.message.slice(0, LIST_MESSAGE - 1)}…` : j.message;
  return {
    jobID: j.jobID,
    processID: j.processID,
    type: j.type,
    status: j.status,
    message,
    created: j.created,
    ...(j.started ? { started: j.started } : {}),
    ...(j.finished ? { finished: j.finished } : {}),
    updated: j.updated,
    progress: j.progress,
    links: [{ href: `${base}${p}?f=json`, rel: 'self', type: JSON_T, title: 'job status, log and exception' }],
  };
}

export interface JobPage {
  /** the jobs of this page */
  jobs: JobRecord[];
  /** jobs matching the filters, on all pages */
  matched: number;
  offset: number;
  limit: number;
  /** the filters, repeated in the links */
  filters: Record<string, string | undefined>;
}

/** The job list (/req/job-list): one page, with next / prev links (OGC API – Common paging). */
export function jobList(page: JobPage, base: string): Record<string, unknown> {
  const href = (offset: number, f: 'json' | 'html' = 'json'): string => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(page.filters)) if (v !== undefined) q.set(k, v);
    q.set('limit', String(page.limit));
    if (offset > 0) q.set('offset', String(offset));
    q.set('f', f);
    return `${base}/jobs?${q.toString()}`;
  };
  const links: Link[] = [
    { href: href(page.offset), rel: 'self', type: JSON_T, title: 'this page of the jobs' },
    { href: href(page.offset, 'html'), rel: 'alternate', type: HTML_T, title: 'this page of the jobs as HTML' },
  ];
  if (page.offset + page.jobs.length < page.matched) links.push({ href: href(page.offset + page.limit), rel: 'next', type: JSON_T, title: 'the next (older) jobs' });
  if (page.offset > 0) links.push({ href: href(Math.max(0, page.offset - page.limit)), rel: 'prev', type: JSON_T, title: 'the previous (newer) jobs' });
  return {
    jobs: page.jobs.map((j) => jobSummary(j, base)),
    numberMatched: page.matched,
    numberReturned: page.jobs.length,
    links,
  };
}

/** OpenAPI 3.0 definition of the bridge. */
export function openApi(base: string, algs: Algorithm[]): Record<string, unknown> {
  const problem = { description: 'RFC 7807 problem details', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/exception' } } } };
  const json = (ref: string, description: string) => ({ description, content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } }, 'text/html': { schema: { type: 'string' } } } });
  const f = { name: 'f', in: 'query', required: false, schema: { type: 'string', enum: ['json', 'html'] }, description: 'response format' };
  const processId = { name: 'processID', in: 'path', required: true, schema: { type: 'string', enum: algs.map((a) => a.id) } };
  const jobId = { name: 'jobId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
  const secured = [{ bearer: [] }];
  const errs = { 401: problem, 500: problem };
  return {
    openapi: '3.0.3',
    info: {
      title: 'socp bridge (OGC API – Processes)', version: socpVersion,
      description: 'Local HTTP bridge of the socp toolbox. Inputs and outputs are paths inside the workspace folders.',
      license: { name: 'GPL-2.0-or-later', url: 'https://spdx.org/licenses/GPL-2.0-or-later.html' },
    },
    servers: [{ url: base }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'the token printed by socp serve (or SOCP_TOKEN)' } },
      schemas: {
        exception: {
          type: 'object', required: ['type'],
          properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' }, instance: { type: 'string' } },
        },
        link: { type: 'object', required: ['href'], properties: { href: { type: 'string' }, rel: { type: 'string' }, type: { type: 'string' }, title: { type: 'string' } } },
        landingPage: { type: 'object', required: ['links'], properties: { title: { type: 'string' }, description: { type: 'string' }, links: { type: 'array', items: { $ref: '#/components/schemas/link' } } } },
        confClasses: { type: 'object', required: ['conformsTo'], properties: { conformsTo: { type: 'array', items: { type: 'string' } } } },
        processList: { type: 'object', required: ['processes', 'links'], properties: { processes: { type: 'array', items: { $ref: '#/components/schemas/processSummary' } }, links: { type: 'array', items: { $ref: '#/components/schemas/link' } } } },
        processSummary: {
          type: 'object', required: ['id', 'version'],
          properties: {
            id: { type: 'string' }, title: { type: 'string' }, description: { type: 'string' }, version: { type: 'string' },
            jobControlOptions: { type: 'array', items: { type: 'string', enum: ['sync-execute', 'async-execute', 'dismiss'] } },
            outputTransmission: { type: 'array', items: { type: 'string', enum: ['value', 'reference'] } },
            links: { type: 'array', items: { $ref: '#/components/schemas/link' } },
          },
        },
        process: { allOf: [{ $ref: '#/components/schemas/processSummary' }, { type: 'object', properties: { inputs: { type: 'object' }, outputs: { type: 'object' } } }] },
        execute: {
          type: 'object',
          properties: {
            inputs: { type: 'object', additionalProperties: true, description: 'NAME: value; paths relative to the first workspace folder; {"href": "file:///…"} accepted' },
            outputs: { type: 'object' }, response: { type: 'string', enum: ['document', 'raw'] },
          },
        },
        statusInfo: {
          type: 'object', required: ['jobID', 'status', 'type'],
          properties: {
            processID: { type: 'string' }, type: { type: 'string', enum: ['process'] }, jobID: { type: 'string' },
            status: { type: 'string', enum: ['accepted', 'running', 'successful', 'failed', 'dismissed'] },
            message: { type: 'string' }, created: { type: 'string', format: 'date-time' }, started: { type: 'string', format: 'date-time' },
            finished: { type: 'string', format: 'date-time' }, updated: { type: 'string', format: 'date-time' },
            progress: { type: 'integer', minimum: 0, maximum: 100 }, log: { type: 'array', items: { type: 'string' } },
            links: { type: 'array', items: { $ref: '#/components/schemas/link' } },
          },
        },
        jobList: {
          type: 'object', required: ['jobs', 'links'],
          properties: {
            jobs: { type: 'array', items: { $ref: '#/components/schemas/statusInfo' }, description: 'summaries: no log or exception, the message cut short (GET /jobs/{jobId} has them)' },
            numberMatched: { type: 'integer', minimum: 0 }, numberReturned: { type: 'integer', minimum: 0 },
            links: { type: 'array', items: { $ref: '#/components/schemas/link' } },
          },
        },
        results: { type: 'object', additionalProperties: true },
      },
    },
    paths: {
      '/': { get: { summary: 'landing page', operationId: 'getLandingPage', parameters: [f], responses: { 200: json('landingPage', 'the landing page') } } },
      '/conformance': { get: { summary: 'conformance classes', operationId: 'getConformanceClasses', security: secured, parameters: [f], responses: { 200: json('confClasses', 'conformance classes'), ...errs } } },
      '/api': { get: { summary: 'this API definition', operationId: 'getAPI', security: secured, parameters: [f], responses: { 200: { description: 'OpenAPI 3.0', content: { [OAS_T]: {}, 'text/html': {} } }, ...errs } } },
      '/processes': { get: { summary: 'the processes', operationId: 'getProcesses', security: secured, parameters: [f], responses: { 200: json('processList', 'process list'), ...errs } } },
      '/processes/{processID}': { get: { summary: 'a process description', operationId: 'getProcessDescription', security: secured, parameters: [processId, f], responses: { 200: json('process', 'process description'), 404: problem, ...errs } } },
      '/processes/{processID}/execution': {
        post: {
          summary: 'execute a process (synchronous by default; "Prefer: respond-async" for a job)', operationId: 'execute', security: secured,
          parameters: [processId, { name: 'Prefer', in: 'header', required: false, schema: { type: 'string' }, description: 'respond-async' }],
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/execute' } } } },
          responses: {
            200: { description: 'results (synchronous)', content: { 'application/json': { schema: { $ref: '#/components/schemas/results' } } } },
            201: { description: 'job created (asynchronous)', headers: { Location: { schema: { type: 'string' } } }, content: { 'application/json': { schema: { $ref: '#/components/schemas/statusInfo' } } } },
            400: problem, 404: problem, 413: problem, 415: problem, 422: problem, 429: problem, ...errs,
          },
        },
      },
      '/jobs': { get: { summary: 'the jobs', operationId: 'getJobs', security: secured, parameters: [f, { name: 'processID', in: 'query', schema: { type: 'array', items: { type: 'string' } } }, { name: 'status', in: 'query', schema: { type: 'array', items: { type: 'string' } } }, { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: JOB_LIMIT_MAX, default: JOB_LIMIT_DEFAULT }, description: `jobs per page (newest first); above ${JOB_LIMIT_MAX} the maximum is used; the "next" link gives the following page` }, { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 }, description: 'jobs to skip (the "next" and "prev" links set it)' }], responses: { 200: json('jobList', 'job list (one page)'), 400: problem, ...errs } } },
      '/jobs/{jobId}': {
        get: { summary: 'status of a job', operationId: 'getStatus', security: secured, parameters: [jobId, f], responses: { 200: json('statusInfo', 'status'), 404: problem, ...errs } },
        delete: { summary: 'cancel a running job or dismiss a finished one', operationId: 'dismiss', security: secured, parameters: [jobId], responses: { 200: json('statusInfo', 'dismissed'), 404: problem, ...errs } },
      },
      '/jobs/{jobId}/results': { get: { summary: 'results of a job', description: 'a job not finished yet answers 404 result-not-ready; a failed or cancelled job answers its own exception with a 4xx status (400 bad parameters, 422 unusable data, 409 cancelled, 404 when it was cut short on the server side)', operationId: 'getResult', security: secured, parameters: [jobId, f], responses: { 200: json('results', 'results'), 400: problem, 404: problem, 409: problem, 422: problem, ...errs } } },
    },
  };
}
