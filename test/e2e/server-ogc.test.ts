// SPDX-License-Identifier: GPL-2.0-or-later
// The bridge's documents checked against OGC API – Processes – Part 1: Core (OGC 18-062r2)
// requirements: landing page links (/req/core/root-success), conformance classes
// (/req/core/conformance-success), the API definition (/req/oas30), process list and summaries
// (/req/core/process-list-success, /req/ogc-process-description), job status info
// (/req/core/job-success), job list (/req/job-list), results, dismiss, exceptions.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, potentialInputs, SAMPLE_CSV, startServe, waitJob, type Served, cleanupTempDirs } from './server-harness.js';

const CONF = 'http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf';
const REL = 'http://www.opengis.net/def/rel/ogc/1.0';
const STATUSES = ['accepted', 'running', 'successful', 'failed', 'dismissed'];
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

interface Link { href: string; rel: string; type?: string }
const rels = (links: Link[]) => links.map((l) => l.rel);

function checkLinks(links: Link[]): void {
  expect(Array.isArray(links)).toBe(true);
  for (const l of links) {
    expect(typeof l.href).toBe('string');
    expect(() => new URL(l.href)).not.toThrow();
    expect(typeof l.rel).toBe('string');
  }
}

function checkStatusInfo(j: Record<string, unknown>): void {
  // /req/core/job-success: statusInfo.yaml — jobID, status and type required
  expect(typeof j.jobID).toBe('string');
  expect(j.type).toBe('process');
  expect(STATUSES).toContain(j.status);
  expect(typeof j.processID).toBe('string');
  for (const k of ['created', 'started', 'finished', 'updated']) if (j[k] !== undefined) expect(j[k]).toMatch(ISO);
  expect(Number.isInteger(j.progress)).toBe(true);
  expect(j.progress as number).toBeGreaterThanOrEqual(0);
  expect(j.progress as number).toBeLessThanOrEqual(100);
  checkLinks(j.links as Link[]);
  expect(rels(j.links as Link[])).toContain('self');
}

describe('OGC API – Processes 1.0 requirements', () => {
  let s: Served;
  beforeAll(async () => {
    s = await startServe();
    fs.writeFileSync(path.join(s.ws, 'samples.csv'), SAMPLE_CSV);
  });
  afterAll(async () => {
    await s.stop();
  });

  it('landing page: links to the API definition, conformance, processes and jobs (/req/core/root-success)', async () => {
    const r = await call(s, 'GET', '/');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    checkLinks(r.json.links);
    const rs = rels(r.json.links);
    expect(rs).toContain('self');
    expect(rs.some((x) => x === 'service-desc' || x === 'service-doc')).toBe(true);
    expect(rs.some((x) => x === `${REL}/conformance` || x === 'conformance')).toBe(true);
    expect(rs).toContain(`${REL}/processes`);
    expect(rs).toContain(`${REL}/job-list`);
    // every advertised link resolves
    for (const l of r.json.links as Link[]) expect((await call(s, 'GET', new URL(l.href).pathname + new URL(l.href).search)).status).toBe(200);
  });

  it('conformance: core, process description, JSON, HTML, OpenAPI 3.0, job list, dismiss', async () => {
    const r = await call(s, 'GET', '/conformance');
    expect(r.status).toBe(200);
    expect(r.json.conformsTo).toEqual(expect.arrayContaining(['core', 'ogc-process-description', 'json', 'html', 'oas30', 'job-list', 'dismiss'].map((c) => `${CONF}/${c}`)));
    expect(r.json.conformsTo).not.toContain(`${CONF}/callback`);
  });

  it('API definition: OpenAPI 3.0 with every path (/req/oas30)', async () => {
    const r = await call(s, 'GET', '/api');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/application\/vnd\.oai\.openapi\+json/);
    expect(r.json.openapi).toMatch(/^3\.0\./);
    expect(Object.keys(r.json.paths)).toEqual(expect.arrayContaining(['/', '/conformance', '/api', '/processes', '/processes/{processID}', '/processes/{processID}/execution', '/jobs', '/jobs/{jobId}', '/jobs/{jobId}/results']));
    expect(r.json.paths['/jobs/{jobId}'].delete).toBeDefined();
    expect(r.json.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('process list and summaries (/req/core/process-list-success, processSummary.yaml)', async () => {
    const r = await call(s, 'GET', '/processes');
    expect(r.status).toBe(200);
    checkLinks(r.json.links);
    expect(rels(r.json.links)).toContain('self');
    expect(r.json.processes.length).toBeGreaterThanOrEqual(3);
    for (const p of r.json.processes) {
      expect(typeof p.id).toBe('string');
      expect(typeof p.version).toBe('string');
      expect(typeof p.title).toBe('string');
      expect(p.jobControlOptions).toEqual(expect.arrayContaining(['sync-execute', 'async-execute', 'dismiss']));
      for (const t of p.outputTransmission) expect(['value', 'reference']).toContain(t);
      checkLinks(p.links);
      const self = p.links.find((l: Link) => l.rel === 'self');
      expect(self).toBeDefined();
      expect(decodeURIComponent(new URL(self.href).pathname)).toBe(`/processes/${p.id}`);
      expect(p.qgisName).toMatch(/^[a-z0-9_]+$/);
    }
  });

  it('process description: inputs and outputs with JSON Schema (/req/ogc-process-description)', async () => {
    const list = (await call(s, 'GET', '/processes')).json.processes as { id: string }[];
    for (const { id } of list) {
      const d = (await call(s, 'GET', `/processes/${encodeURIComponent(id)}`)).json;
      expect(d.id).toBe(id);
      for (const [name, inp] of Object.entries(d.inputs as Record<string, Record<string, unknown>>)) {
        expect(name).toMatch(/^[A-Z][A-Z0-9_]*$/);
        expect(typeof inp.schema).toBe('object');
        expect([0, 1]).toContain(inp.minOccurs);
        expect(inp.maxOccurs).toBe(1);
        expect((inp.qgis as Record<string, unknown>).name).toBe(name);
        expect(typeof (inp.qgis as Record<string, unknown>).parameter_type).toBe('string');
      }
      for (const out of Object.values(d.outputs as Record<string, Record<string, unknown>>)) expect(typeof out.schema).toBe('object');
    }
  });

  it('execution, job status, job list, results and dismiss documents', async () => {
    const r = await call(s, 'POST', '/processes/soil:potential/execution', { body: { inputs: potentialInputs('samples.csv', 'o.csv') }, headers: { Prefer: 'respond-async' } });
    // /req/core/job-creation-success-async: 201, Location header, statusInfo
    expect(r.status).toBe(201);
    expect(r.headers.get('location')).toMatch(/\/jobs\/[0-9a-f-]{36}$/);
    checkStatusInfo(r.json);
    const st = await waitJob(s, r.json.jobID);
    checkStatusInfo(st.json);
    expect(rels(st.json.links)).toContain(`${REL}/results`);
    const list = await call(s, 'GET', '/jobs');
    checkLinks(list.json.links);
    expect(rels(list.json.links)).toContain('self');
    for (const j of list.json.jobs) checkStatusInfo(j);
    const res = await call(s, 'GET', `/jobs/${r.json.jobID}/results`);
    expect(res.status).toBe(200);
    expect(res.json.OUTPUT).toMatchObject({ href: expect.stringMatching(/^file:\/\//), type: 'text/csv' });
    const del = await call(s, 'DELETE', `/jobs/${r.json.jobID}`);
    expect(del.status).toBe(200);
    checkStatusInfo(del.json);
    expect(del.json.status).toBe('dismissed');
  });

  it('exceptions are RFC 7807 documents with the OGC exception types', async () => {
    const np = await call(s, 'GET', '/processes/nope:nope');
    expect(np.status).toBe(404);
    expect(np.json).toMatchObject({ type: 'http://www.opengis.net/def/exceptions/ogcapi-processes-1/1.0/no-such-process', status: 404, title: expect.any(String), detail: expect.any(String) });
    const nj = await call(s, 'GET', '/jobs/nope');
    expect(nj.json.type).toBe('http://www.opengis.net/def/exceptions/ogcapi-processes-1/1.0/no-such-job');
  });
});

afterAll(() => cleanupTempDirs());
