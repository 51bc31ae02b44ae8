// SPDX-License-Identifier: GPL-2.0-or-later
// The HTTP bridge as a real `socp serve` process on loopback: every endpoint, synchronous and
// asynchronous execution, cancel and dismiss, error documents (RFC 7807 with OGC types), auth
// failures, body limits and malformed requests, the job cap (429), HTML.

import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, potentialInputs, ROW1_DENSITY, SAMPLE_CSV, startServe, waitJob, waitRunning, writeBigCsv, type Served, cleanupTempDirs } from './server-harness.js';

const EXC = 'http://www.opengis.net/def/exceptions/ogcapi-processes-1/1.0';

function expectProblem(r: { status: number; headers: Headers; json: Record<string, unknown> }, status: number, type?: string): void {
  expect(r.status).toBe(status);
  expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(r.json).toMatchObject({ status, title: expect.any(String), type: expect.any(String) });
  if (type) expect(r.json.type).toBe(type);
}

describe('socp serve: endpoints, execution and errors', () => {
  let s: Served;
  beforeAll(async () => {
    s = await startServe({ args: ['--max-jobs', '2', '--max-queue', '2', '--body-limit', '64kb', '--access-log'] });
    fs.writeFileSync(path.join(s.ws, 'samples.csv'), SAMPLE_CSV);
    writeBigCsv(path.join(s.ws, 'big.csv'));
  });
  afterAll(async () => {
    const r = await s.stop('SIGTERM');
    expect(r.code).toBe(0);
  });

  it('serves the landing page without a token, everything else with one', async () => {
    const land = await call(s, 'GET', '/', { auth: null });
    expect(land.status).toBe(200);
    expect(land.json.links.length).toBeGreaterThan(3);
    for (const p of ['/conformance', '/api', '/processes', '/processes/soil:potential', '/jobs', '/jobs/x', '/nowhere']) {
      const r = await call(s, 'GET', p, { auth: null });
      expectProblem(r, 401);
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer realm="socp"/);
    }
    const wrong = await call(s, 'GET', '/processes', { auth: 'Bearer not-the-token' });
    expectProblem(wrong, 401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/invalid_token/);
    expectProblem(await call(s, 'GET', '/processes', { auth: `Basic ${Buffer.from('u:' + s.token).toString('base64')}` }), 401);
    expectProblem(await call(s, 'GET', '/processes', { auth: `Bearer ${s.token}x` }), 401);
    expectProblem(await call(s, 'POST', '/processes/soil:potential/execution', { auth: null, body: { inputs: {} } }), 401);
    expectProblem(await call(s, 'DELETE', '/jobs/whatever', { auth: null }), 401);
    expect((await call(s, 'GET', '/processes')).status).toBe(200);
  });

  it('lists processes and describes one with JSON Schema and QGIS definitions', async () => {
    const list = await call(s, 'GET', '/processes');
    const ids = list.json.processes.map((p: { id: string }) => p.id);
    expect(ids).toEqual(expect.arrayContaining(['soil:density', 'soil:saturation', 'soil:potential']));
    const d = await call(s, 'GET', '/processes/soil:potential');
    expect(d.status).toBe(200);
    expect(d.json.id).toBe('soil:potential');
    expect(d.json.qgisName).toBe('soil_potential');
    expect(d.json.inputs.DEPTH.schema).toEqual({ type: 'number', default: 30, exclusiveMinimum: 0, maximum: 1000 });
    expect(d.json.inputs.DEPTH.qgis).toMatchObject({ parameter_type: 'number', name: 'DEPTH', default: 30 });
    expect(d.json.inputs.INPUT.minOccurs).toBe(1);
    expect(d.json.inputs.GRAVEL_FIELD.minOccurs).toBe(0);
    expect(d.json.inputs.MODELS.qgis).toMatchObject({ parameter_type: 'enum', allow_multiple: true, uses_static_strings: true, options: ['hassink', 'elustondo'] });
    expect(d.json.outputs.OUTPUT.schema).toMatchObject({ type: 'string' });
    // QGIS-style names are accepted too; unknown ids are 404 no-such-process
    expect((await call(s, 'GET', '/processes/soil_potential')).json.id).toBe('soil:potential');
    expectProblem(await call(s, 'GET', '/processes/soil:nothing'), 404, `${EXC}/no-such-process`);
    expectProblem(await call(s, 'POST', '/processes/soil:nothing/execution', { body: { inputs: {} } }), 404, `${EXC}/no-such-process`);
  });

  it('executes synchronously by default and returns the results document', async () => {
    const r = await call(s, 'POST', '/processes/soil:potential/execution', { body: { inputs: potentialInputs('samples.csv', 'sync.csv') } });
    expect(r.status).toBe(200);
    const out = path.join(s.ws, 'sync.csv');
    expect(r.json.OUTPUT).toEqual({ href: pathToFileURL(out).href, type: 'text/csv' });
    expect(r.json.ROWS).toBe(4);
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('id,lon,lat,soc,bd,fine,gravel,soc_density,socsat_hassink,socp_hassink,socsat_elustondo,socp_elustondo');
    expect(Number(lines[1].split(',')[7])).toBeCloseTo(ROW1_DENSITY, 10);
    // qualified values and file: references are accepted
    const q = await call(s, 'POST', '/processes/soil:density/execution', {
      body: { inputs: { INPUT: { href: pathToFileURL(path.join(s.ws, 'samples.csv')).href }, SOC_FIELD: { value: 'soc' }, BD_FIELD: 'bd', DEPTH: 20, OUTPUT: 'd.csv' }, response: 'document' },
    });
    expect(q.status).toBe(200);
    expect(fs.existsSync(path.join(s.ws, 'd.csv'))).toBe(true);
  });

  it('executes asynchronously with Prefer: respond-async (201 + Location), with status, log and results', async () => {
    const r = await call(s, 'POST', '/processes/soil:potential/execution', { body: { inputs: potentialInputs('samples.csv', 'async.csv') }, headers: { Prefer: 'respond-async' } });
    expect(r.status).toBe(201);
    const loc = r.headers.get('location')!;
    expect(loc).toBe(`${s.url}/jobs/${r.json.jobID}`);
    expect(r.headers.get('preference-applied')).toBe('respond-async');
    expect(['accepted', 'running', 'successful']).toContain(r.json.status);
    const st = await waitJob(s, r.json.jobID);
    expect(st.json).toMatchObject({ jobID: r.json.jobID, processID: 'soil:potential', type: 'process', status: 'successful', progress: 100 });
    expect(st.json.log.join('\n')).toMatch(/negative potential kept/);
    const res = await call(s, 'GET', `/jobs/${r.json.jobID}/results`);
    expect(res.status).toBe(200);
    expect(res.json.OUTPUT.href).toBe(pathToFileURL(path.join(s.ws, 'async.csv')).href);
    const list = await call(s, 'GET', '/jobs?processID=soil:potential&status=successful');
    expect(list.json.jobs.map((j: { jobID: string }) => j.jobID)).toContain(r.json.jobID);
    expect((await call(s, 'GET', '/jobs?status=failed')).json.jobs.every((j: { status: string }) => j.status === 'failed')).toBe(true);
    expect((await call(s, 'GET', '/jobs?limit=1')).json.jobs).toHaveLength(1);
    expectProblem(await call(s, 'GET', '/jobs?limit=0'), 400);
    // dismiss a finished job: 200 dismissed, then it is gone; its output file stays
    const del = await call(s, 'DELETE', `/jobs/${r.json.jobID}`);
    expect(del.status).toBe(200);
    expect(del.json.status).toBe('dismissed');
    expectProblem(await call(s, 'GET', `/jobs/${r.json.jobID}`), 404, `${EXC}/no-such-job`);
    expectProblem(await call(s, 'GET', `/jobs/${r.json.jobID}/results`), 404, `${EXC}/no-such-job`);
    expectProblem(await call(s, 'DELETE', `/jobs/${r.json.jobID}`), 404, `${EXC}/no-such-job`);
    expect(fs.existsSync(path.join(s.ws, 'async.csv'))).toBe(true);
  });

  it('maps toolbox errors: usage → 400, data → 422, both sync and in async job results', async () => {
    const missing = await call(s, 'POST', '/processes/soil:potential/execution', { body: { inputs: { INPUT: 'samples.csv', OUTPUT: 'x.csv' } } });
    expectProblem(missing, 400, `${EXC}/invalid-parameter`);
    expect(missing.json.detail).toMatch(/SOC_FIELD is required/);
    const unknown = await call(s, 'POST', '/processes/soil:potential/execution', { body: { inputs: { ...potentialInputs('samples.csv', 'x.csv'), SOC_FILED: 'soc' } } });
    expectProblem(unknown, 400);
    expect(unknown.json.detail).toMatch(/unknown parameter SOC_FILED/);
    const noField = await call(s, 'POST', '/processes/soil:potential/execution', { body: { inputs: { ...potentialInputs('samples.csv', 'x.csv'), SOC_FIELD: 'carbon' } } });
    expectProblem(noField, 400);
    expect(noField.json.detail).toMatch(/no field "carbon"/);
    fs.writeFileSync(path.join(s.ws, 'kgm3.csv'), SAMPLE_CSV.replace('1.25,55', '1250,55'));
    const data = await call(s, 'POST', '/processes/soil:potential/execution', { body: { inputs: potentialInputs('kgm3.csv', 'x.csv') } });
    expectProblem(data, 422);
    expect(data.json.detail).toMatch(/kg m⁻³/);
    expect(fs.existsSync(path.join(s.ws, 'x.csv'))).toBe(false);
    const a = await call(s, 'POST', '/processes/soil:potential/execution', { body: { inputs: potentialInputs('kgm3.csv', 'x.csv') }, headers: { Prefer: 'respond-async' } });
    expect(a.status).toBe(201);
    const st = await waitJob(s, a.json.jobID);
    expect(st.json.status).toBe('failed');
    expect(st.json.message).toMatch(/BD_FIELD/);
    const res = await call(s, 'GET', `/jobs/${a.json.jobID}/results`);
    expectProblem(res, 422);
  });

  it('refuses malformed, oversized and mistyped requests', async () => {
    const bad = await call(s, 'POST', '/processes/soil:potential/execution', { body: '{"inputs": {"INPUT": ' });
    expectProblem(bad, 400);
    expect(bad.json.detail).toMatch(/not valid JSON/);
    const big = await call(s, 'POST', '/processes/soil:potential/execution', { body: { inputs: { INPUT: 'samples.csv', SOC_FIELD: 'x'.repeat(100_000) } } });
    expectProblem(big, 413);
    expectProblem(await call(s, 'POST', '/processes/soil:potential/execution', { body: 'INPUT=a.csv', headers: { 'Content-Type': 'text/plain' } }), 415);
    expectProblem(await call(s, 'POST', '/processes/soil:potential/execution', { body: [1, 2] }), 400);
    expectProblem(await call(s, 'POST', '/processes/soil:potential/execution', { body: 'null' }), 400);
    const flat = await call(s, 'POST', '/processes/soil:potential/execution', { body: { INPUT: 'samples.csv' } });
    expectProblem(flat, 400);
    expect(flat.json.detail).toMatch(/inside "inputs"/);
    expectProblem(await call(s, 'POST', '/processes/soil:potential/execution', { body: { inputs: [] } }), 400);
    expectProblem(await call(s, 'POST', '/processes/soil:potential/execution', { body: { inputs: { INPUT: { foo: 1 } } } }), 400);
    expectProblem(await call(s, 'GET', '/processes?f=xml'), 400);
    expectProblem(await call(s, 'GET', '/no/such/path'), 404);
    const put = await call(s, 'PUT', '/processes');
    expectProblem(put, 405);
    expect(put.headers.get('allow')).toBe('GET');
    expectProblem(await call(s, 'GET', '/processes/soil:potential/execution'), 405);
    expect((await call(s, 'POST', '/jobs/x')).headers.get('allow')).toBe('GET, DELETE');
    expectProblem(await call(s, 'GET', '/jobs/00000000-0000-0000-0000-000000000000'), 404, `${EXC}/no-such-job`);
    // the server is still fine
    expect((await call(s, 'GET', '/processes')).status).toBe(200);
  });

  it('cancels a running job and dismisses a queued one; a full queue answers 429', async () => {
    const submit = (out: string) => call(s, 'POST', '/processes/soil:potential/execution', { body: { inputs: potentialInputs('big.csv', out) }, headers: { Prefer: 'respond-async' } });
    const j1 = await submit('big1.csv');
    const j2 = await submit('big2.csv');
    const j3 = await submit('big3.csv');
    const j4 = await submit('big4.csv');
    expect([j1.status, j2.status, j3.status, j4.status]).toEqual([201, 201, 201, 201]);
    const full = await submit('big5.csv');
    expectProblem(full, 429);
    expect(full.headers.get('retry-after')).toBe('5');
    await waitRunning(s, j1.json.jobID);
    // j3 or j4 is still queued (2 run at once): dismiss it before it starts
    const queued = await call(s, 'DELETE', `/jobs/${j4.json.jobID}`);
    expect(queued.status).toBe(200);
    expect(queued.json.status).toBe('dismissed');
    // results of a running job are not ready
    expectProblem(await call(s, 'GET', `/jobs/${j1.json.jobID}/results`), 404, `${EXC}/result-not-ready`);
    // cancel the running one: it stops, its output is rolled back, the job is gone
    const del = await call(s, 'DELETE', `/jobs/${j1.json.jobID}`);
    expect(del.status).toBe(200);
    expect(del.json.status).toBe('dismissed');
    expectProblem(await call(s, 'GET', `/jobs/${j1.json.jobID}`), 404, `${EXC}/no-such-job`);
    expect(fs.existsSync(path.join(s.ws, 'big1.csv'))).toBe(false);
    for (const j of [j2, j3]) expect((await waitJob(s, j.json.jobID)).json.status).toBe('successful');
    expect(fs.existsSync(path.join(s.ws, 'big4.csv'))).toBe(false);
    expect(fs.readdirSync(s.ws).filter((f) => f.includes('.socp-'))).toEqual([]);
  });

  it('cancels a synchronous execution whose client hangs up', async () => {
    const ac = new AbortController();
    const p = fetch(`${s.url}/processes/soil:potential/execution`, {
      method: 'POST', signal: ac.signal,
      headers: { Authorization: `Bearer ${s.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ inputs: potentialInputs('big.csv', 'hangup.csv') }),
    }).catch((e: Error) => e);
    let id: string | undefined;
    for (let i = 0; i < 100 && !id; i++) {
      await new Promise((r) => setTimeout(r, 50));
      id = (await call(s, 'GET', '/jobs?status=running')).json.jobs.find((j: { inputs?: unknown; processID: string }) => j.processID === 'soil:potential')?.jobID;
    }
    expect(id).toBeDefined();
    ac.abort();
    await p;
    const st = await waitJob(s, id!);
    expect(st.json.status).toBe('dismissed');
    expect(fs.existsSync(path.join(s.ws, 'hangup.csv'))).toBe(false);
  });

  it('renders HTML for browsers and ?f=html', async () => {
    const land = await fetch(`${s.url}/`, { headers: { Accept: 'text/html,application/xhtml+xml' } });
    expect(land.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await land.text()).toMatch(/<a href="http:\/\/127\.0\.0\.1:\d+\/processes">/);
    const procs = await call(s, 'GET', '/processes?f=html');
    expect(procs.headers.get('content-type')).toMatch(/^text\/html/);
    expect(procs.text).toMatch(/soil:potential/);
    const one = await call(s, 'GET', '/processes/soil:potential', { headers: { Accept: 'text/html' } });
    expect(one.text).toMatch(/<h2>Inputs<\/h2>/);
    expect((await call(s, 'GET', '/jobs?f=html')).text).toMatch(/<h1>Jobs<\/h1>/);
    expect((await call(s, 'GET', '/conformance?f=html')).text).toMatch(/conf\/core/);
    expect((await call(s, 'GET', '/api?f=html')).text).toMatch(/openapi/);
  });
});

afterAll(() => cleanupTempDirs());
