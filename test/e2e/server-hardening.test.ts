// SPDX-License-Identifier: GPL-2.0-or-later
// The bridge items of issue 17, each reproduced on a real `socp serve` on loopback: no credential
// ever echoed or logged (3), per-token job ownership (4), non-finite numbers and null (8), the
// workspace root as output, deep JSON nesting, SIGTERM named as such (15), results of a job cut
// short by a crash (17), a paginated job list of small entries (18).

import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, cliPath, potentialInputs, SAMPLE_CSV, startServe, tempDir, waitJob, type Served, cleanupTempDirs } from './server-harness.js';

const EXC = 'http://www.opengis.net/def/exceptions/ogcapi-processes-1/1.0';

/** Every file under dir, read as text. */
function allText(dir: string): string {
  let out = '';
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out += fs.readFileSync(path.join(e.parentPath, e.name), 'utf8');
  }
  return out;
}

describe('item 3: a token is never echoed in an answer nor written to the access log or a job log', () => {
  let s: Served;
  beforeAll(async () => {
    s = await startServe({ token: 'query-secret-4f1c2a9e7b', args: ['--access-log'] });
    fs.writeFileSync(path.join(s.ws, 'samples.csv'), SAMPLE_CSV);
  });
  afterAll(async () => {
    await s.stop();
  });

  it('a token in the query string: 401 with a hint, and neither the answer nor the log shows it', async () => {
    const wrong = 'wrong-guess-8d0e5b3f61';
    for (const q of [`?token=${s.token}`, `?access_token=${s.token}&f=json`, `?api_key=${wrong}`, `?f=json&${s.token}`]) {
      const r = await call(s, 'GET', `/processes${q}`, { auth: null });
      expect(r.status, q).toBe(401);
      expect(r.text, q).not.toContain(s.token);
      expect(r.text, q).not.toContain(wrong);
    }
    const r = await call(s, 'GET', `/jobs?access_token=${s.token}`, { auth: null });
    expect(r.json.detail).toMatch(/never in the URL \(the query parameter "access_token" is ignored/);
    expect(r.json.instance).toBe('/jobs');
    // with the header: the answer (the job list's links) does not repeat the token either
    const ok = await call(s, 'GET', `/jobs?token=${s.token}&limit=5`);
    expect(ok.status).toBe(200);
    expect(ok.text).not.toContain(s.token);
    expect(ok.json.links[0].href).toMatch(/\/jobs\?limit=5&f=json$/);
  });

  it('a token anywhere else (path, format, body, an input value) is not echoed', async () => {
    const answers = [
      await call(s, 'GET', `/jobs/${s.token}`),
      await call(s, 'GET', `/processes/${s.token}`),
      await call(s, 'GET', `/processes?f=${s.token}`),
      await call(s, 'GET', `/jobs?limit=${s.token}`),
      await call(s, 'POST', '/processes/soil:potential/execution', { body: `{"inputs": {"INPUT": ${s.token}}}` }),
      await call(s, 'POST', '/processes/soil:potential/execution', { body: `${s.token}` }),
      await call(s, 'POST', '/processes/soil:potential/execution', { body: { inputs: { ...potentialInputs('samples.csv', 'x.csv'), SOC_FIELD: s.token } } }),
      await call(s, 'POST', '/processes/soil:potential/execution', { body: { inputs: { ...potentialInputs('samples.csv', 'x.csv'), [s.token]: 1 } } }),
    ];
    for (const r of answers) {
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.text).not.toContain(s.token);
    }
    expect(answers[6].json.detail).toMatch(/no field "\[token\]"/);
    // an asynchronous job whose error would name the token: its message, log and exception do not
    const a = await call(s, 'POST', '/processes/soil:potential/execution', { body: { inputs: { ...potentialInputs('samples.csv', 'y.csv'), SOC_FIELD: s.token } }, headers: { Prefer: 'respond-async' } });
    const st = await waitJob(s, a.json.jobID);
    expect(st.json.status).toBe('failed');
    expect(st.text).not.toContain(s.token);
    const res = await call(s, 'GET', `/jobs/${a.json.jobID}/results`);
    expect(res.text).not.toContain(s.token);
    const rec = JSON.parse(fs.readFileSync(path.join(s.stateDir, 'jobs', `${a.json.jobID}.json`), 'utf8'));
    expect(JSON.stringify([rec.log, rec.message, rec.error])).not.toContain(s.token);
  });

  it('the access log shows the API\'s query parameters and never a credential', async () => {
    await call(s, 'GET', '/jobs?status=failed&limit=2');
    await new Promise((r) => setTimeout(r, 200));
    const log = s.stderr();
    expect(log).toMatch(/GET \/jobs\?status=failed&limit=2 200/);
    expect(log).toMatch(/GET \/processes \(1 other query parameter not shown\) 401/);
    expect(log).not.toContain(s.token);
    expect(log).not.toContain('wrong-guess');
  });
});

describe('item 3: a short token with characters that URLs and JSON escape', () => {
  it('is blanked out however the client encoded it, and its weakness is reported', async () => {
    const tok = 'p"q%r+s/t&u';
    const s = await startServe({ token: tok, args: ['--access-log'] });
    try {
      for (const p of [`/processes/${encodeURIComponent(tok)}`, `/processes/p"q%25r+s%2Ft&u`, `/jobs?f=${encodeURIComponent(tok)}`]) {
        const r = await call(s, 'GET', p);
        expect(r.status, p).toBeGreaterThanOrEqual(400);
        const doc = JSON.stringify(Object.values(r.json));
        expect(doc, p).not.toContain(JSON.stringify(tok).slice(1, -1));
        expect(doc, p).toContain('[token]');
      }
      await new Promise((r) => setTimeout(r, 200));
      expect(s.stderr()).toMatch(/Warning: the token is shorter than 16 characters, easy to guess/);
      expect(s.stderr()).not.toContain(tok);
      expect(s.stderr()).not.toContain(encodeURIComponent(tok));
      expect(s.stderr()).toMatch(/GET \/processes\/\[token\] 404/);
    } finally {
      await s.stop();
    }
  });
});

describe('item 4: several tokens, each sees only its own jobs', () => {
  const A = 'alice-token-0b6f3e9a1c';
  const B = 'bob-token-7d2c8e4f05';
  let s: Served;
  let tokenFile: string;
  beforeAll(async () => {
    tokenFile = path.join(tempDir('socp-tokens-'), 'tokens');
    fs.writeFileSync(tokenFile, `# one token a line\n${B}\n\n`);
    s = await startServe({ token: null, args: ['--token', A, '--token-file', tokenFile] });
    fs.writeFileSync(path.join(s.ws, 'samples.csv'), SAMPLE_CSV);
  });
  afterAll(async () => {
    await s.stop();
  });

  it('says so at start, and in --help', async () => {
    for (let i = 0; i < 100 && !/^state:/m.test(s.stderr()); i++) await new Promise((r) => setTimeout(r, 50)); // written just after "listening"
    expect(s.stderr()).toMatch(/2 tokens from --token, .*tokens; each sees only the jobs it submitted/);
    const h = spawnSync(process.execPath, [cliPath, 'serve', '--help'], { encoding: 'utf8' });
    expect(h.stdout).toMatch(/whoever holds it sees every job/);
    expect(h.stdout).toMatch(/--token-file F/);
    expect(h.stdout).toMatch(/each\s+token sees, reads and dismisses only the jobs it submitted/);
  });

  it('lists, reads, gives results of and dismisses only the caller\'s jobs; another\'s answers 404', async () => {
    const alice = { url: s.url, token: A };
    const bob = { url: s.url, token: B };
    const ja = await call(alice, 'POST', '/processes/soil:potential/execution', { body: { inputs: potentialInputs('samples.csv', 'a.csv') }, headers: { Prefer: 'respond-async' } });
    const jb = await call(bob, 'POST', '/processes/soil:potential/execution', { body: { inputs: potentialInputs('samples.csv', 'b.csv') }, headers: { Prefer: 'respond-async' } });
    expect([ja.status, jb.status]).toEqual([201, 201]);
    expect((await waitJob(alice, ja.json.jobID)).json.status).toBe('successful');
    expect((await waitJob(bob, jb.json.jobID)).json.status).toBe('successful');
    const ids = async (who: { url: string; token: string }) => (await call(who, 'GET', '/jobs')).json.jobs.map((j: { jobID: string }) => j.jobID);
    expect(await ids(alice)).toEqual([ja.json.jobID]);
    expect(await ids(bob)).toEqual([jb.json.jobID]);
    for (const [m, p] of [['GET', ''], ['GET', '/results'], ['DELETE', '']]) {
      const r = await call(alice, m, `/jobs/${jb.json.jobID}${p}`);
      expect(r.status, `${m} ${p}`).toBe(404);
      expect(r.json.type).toBe(`${EXC}/no-such-job`);
    }
    // Bob's job survived Alice's DELETE
    expect((await call(bob, 'GET', `/jobs/${jb.json.jobID}/results`)).json.ROWS).toBe(4);
    // a synchronous job belongs to its caller too
    expect((await call(bob, 'POST', '/processes/soil:density/execution', { body: { inputs: { INPUT: 'samples.csv', SOC_FIELD: 'soc', BD_FIELD: 'bd', OUTPUT: 'd.csv' } } })).status).toBe(200);
    expect(await ids(alice)).toEqual([ja.json.jobID]);
    expect(await ids(bob)).toHaveLength(2);
    // the records keep a hash of the owner, never a token
    const rec = JSON.parse(fs.readFileSync(path.join(s.stateDir, 'jobs', `${ja.json.jobID}.json`), 'utf8'));
    expect(typeof rec.owner).toBe('string');
    expect(rec.owner.length).toBeGreaterThanOrEqual(32);
    expect(rec.owner).not.toBe(JSON.parse(fs.readFileSync(path.join(s.stateDir, 'jobs', `${jb.json.jobID}.json`), 'utf8')).owner);
    const state = allText(s.stateDir);
    expect(state).not.toContain(A);
    expect(state).not.toContain(B);
  });

  it('refuses unusable tokens with the source named', () => {
    const run = (args: string[], env: NodeJS.ProcessEnv = {}) => spawnSync(process.execPath, [cliPath, 'serve', '--port', '0', '--state-dir', tempDir('socp-state-'), ...args], { encoding: 'utf8', env: { ...process.env, SOCP_TOKEN: '', ...env }, timeout: 20_000 });
    const sp = run(['--token', 'has space']);
    expect(sp.status).toBe(2);
    expect(sp.stderr).toMatch(/the token of --token number 1 holds a space/);
    const empty = run([], { SOCP_TOKEN: 'good-token-1234,,other-token-5678' });
    expect(empty.status).toBe(2);
    expect(empty.stderr).toMatch(/the token number 2 in SOCP_TOKEN is empty/);
    const f = path.join(tempDir('socp-tokens-'), 'none');
    fs.writeFileSync(f, '# nothing\n\n');
    const none = run(['--token-file', f]);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/holds no token/);
    const missing = run(['--token-file', '/nonexistent/tokens']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/cannot read --token-file \/nonexistent\/tokens: no such file/);
  });
});

describe('SOCP_TOKEN with several tokens, comma-separated', () => {
  it('each token of the list is accepted and owns its jobs', async () => {
    const s = await startServe({ token: 'first-token-a1b2c3d4, second-token-e5f6a7b8' });
    try {
      fs.writeFileSync(path.join(s.ws, 'samples.csv'), SAMPLE_CSV);
      const one = { url: s.url, token: 'first-token-a1b2c3d4' };
      const two = { url: s.url, token: 'second-token-e5f6a7b8' };
      expect((await call(one, 'POST', '/processes/soil:density/execution', { body: { inputs: { INPUT: 'samples.csv', SOC_FIELD: 'soc', BD_FIELD: 'bd', OUTPUT: 'd.csv' } } })).status).toBe(200);
      expect((await call(one, 'GET', '/jobs')).json.jobs).toHaveLength(1);
      expect((await call(two, 'GET', '/jobs')).json.jobs).toHaveLength(0);
      expect((await call({ url: s.url, token: 'first-token-a1b2c3d4,second-token-e5f6a7b8' }, 'GET', '/jobs')).status).toBe(401);
    } finally {
      await s.stop();
    }
  });
});

describe('item 8: non-finite numbers and null in an execute request', () => {
  let s: Served;
  beforeAll(async () => {
    s = await startServe();
    fs.writeFileSync(path.join(s.ws, 'samples.csv'), SAMPLE_CSV);
  });
  afterAll(async () => {
    await s.stop();
  });
  // the body as text: JSON.stringify would already have turned Infinity into null
  const raw = (id: string, inputs: string) => call(s, 'POST', `/processes/${id}/execution`, { body: `{"inputs": {${inputs}}}` });
  const base = '"INPUT": "samples.csv", "SOC_FIELD": "soc", "BD_FIELD": "bd", "FINE_FIELD": "fine", "OUTPUT": "inf.csv"';

  it.each([
    ['DEPTH: 1e400', `${base}, "DEPTH": 1e400`, /DEPTH: Infinity is not a finite number/],
    ['DEPTH: -1e400', `${base}, "DEPTH": -1e400`, /DEPTH: -Infinity is not a finite number/],
    ['DEPTH: {"value": 1e400}', `${base}, "DEPTH": {"value": 1e400}`, /DEPTH: Infinity is not a finite number/],
  ])('%s is a 400 naming the parameter, never the default', async (_what, inputs, msg) => {
    const r = await raw('soil:potential', inputs);
    expect(r.status).toBe(400);
    expect(r.json.type).toBe(`${EXC}/invalid-parameter`);
    expect(r.json.detail).toMatch(msg);
    expect(fs.existsSync(path.join(s.ws, 'inf.csv'))).toBe(false);
  });

  it('N_TREES: 1e400 (the issue\'s case) and an infinite item in a list of numbers', async () => {
    const t = await raw('brt:train', '"INPUT": "samples.csv", "TARGET": "soc", "PREDICTORS": "fine", "N_TREES": 1e400, "OUTPUT_MODEL": "m.json"');
    expect(t.status).toBe(400);
    expect(t.json.detail).toMatch(/N_TREES: Infinity is not a finite number/);
    const w = await raw('covariates:temporal-mean', '"INPUTS": "a.tif,b.tif", "WEIGHTS": [1, 1e400], "OUTPUT": "m.tif"');
    expect(w.status).toBe(400);
    expect(w.json.detail).toMatch(/WEIGHTS: Infinity is not a finite number/);
  });

  it('null for a number is "not a number" naming the parameter and its default; for other kinds it means "not given"', async () => {
    const d = await raw('soil:potential', `${base}, "DEPTH": null`);
    expect(d.status).toBe(400);
    expect(d.json.detail).toMatch(/DEPTH: null is not a number \(JSON null is also what encoders write for NaN and ±Infinity\); give a finite number, or leave DEPTH out to use its default 30/);
    const n = await raw('brt:train', '"INPUT": "samples.csv", "TARGET": "soc", "PREDICTORS": "fine", "N_TREES": null, "OUTPUT_MODEL": "m.json"');
    expect(n.json.detail).toMatch(/N_TREES: null is not a number .* default 1600/);
    const w = await raw('covariates:temporal-mean', '"INPUTS": "a.tif,b.tif", "WEIGHTS": [1, null], "OUTPUT": "m.tif"');
    expect(w.json.detail).toMatch(/WEIGHTS: item 2 is null, not a number/);
    expect(fs.existsSync(path.join(s.ws, 'inf.csv'))).toBe(false);
    // an optional field given as null: not given (no gravel), as before
    const g = await raw('soil:potential', `${base}, "GRAVEL_FIELD": null`);
    expect(g.status).toBe(200);
    // hand-computed: row 1 without gravel, 30 · 20.5 · 1.25 · 10⁻² = 7.6875
    const row1 = fs.readFileSync(path.join(s.ws, 'inf.csv'), 'utf8').split('\n')[1].split(',');
    expect(Number(row1[7])).toBeCloseTo(7.6875, 10);
  });
});

describe('item 15: the workspace root as output, deep nesting, SIGTERM', () => {
  let s: Served;
  beforeAll(async () => {
    s = await startServe();
    fs.writeFileSync(path.join(s.ws, 'samples.csv'), SAMPLE_CSV);
  });
  afterAll(async () => {
    await s.stop();
  });

  it('the workspace folder itself as an output or as a file input says what is wrong', async () => {
    const file = await call(s, 'POST', '/processes/soil:potential/execution', { body: { inputs: potentialInputs('samples.csv', s.ws) } });
    expect(file.status).toBe(400);
    expect(file.json.detail).toContain(`OUTPUT: ${s.ws} is the workspace folder itself, which cannot be an output file; give a file name inside it, e.g. ${path.join(s.ws, 'output.csv')}`);
    expect(file.json.detail).not.toMatch(/outside the workspace/);
    const dir = await call(s, 'POST', '/processes/workflow:socp/execution', { body: { inputs: { SAMPLES: 'samples.csv', COVARIATES: 'samples.csv', OUTPUT_DIR: '.' } } });
    expect(dir.status).toBe(400);
    expect(dir.json.detail).toContain(`OUTPUT_DIR: ${s.ws} is the workspace folder itself, which cannot be replaced as an output folder; give a folder name inside it, e.g. ${path.join(s.ws, 'results')}`);
    expect(dir.json.detail).not.toMatch(/outside the workspace/);
    const input = await call(s, 'POST', '/processes/soil:potential/execution', { body: { inputs: potentialInputs(s.ws, 'o.csv') } });
    expect(input.status).toBe(400);
    expect(input.json.detail).toContain(`INPUT: ${s.ws} is the workspace folder itself, not a file`);
    expect(input.json.detail).not.toMatch(/symbolic link|outside the workspace/);
    expect(fs.readdirSync(s.ws)).toEqual(['samples.csv']);
  });

  it.each([
    ['lists, 100 000 levels', `{"inputs": {"INPUT": ${'['.repeat(100_000)}${']'.repeat(100_000)}}}`],
    ['objects, 5 000 levels', `{"inputs": {"INPUT": ${'{"value": '.repeat(5000)}1${'}'.repeat(5000)}}}`],
    ['just over the limit', `{"inputs": {"INPUT": ${'['.repeat(31)}${']'.repeat(31)}}}`],
  ])('deep nesting (%s) is a 400 "nested too deeply"', async (_what, body) => {
    const r = await call(s, 'POST', '/processes/soil:potential/execution', { body });
    expect(r.status).toBe(400);
    expect(r.json.detail).toMatch(/^the request body is nested too deeply \(more than 32 levels of objects and lists\)/);
    expect(r.text).not.toMatch(/call stack/);
  });

  it('a nesting within the limit is judged on its content', async () => {
    const r = await call(s, 'POST', '/processes/soil:potential/execution', { body: `{"inputs": {"INPUT": ${'['.repeat(30)}${']'.repeat(30)}}}` });
    expect(r.status).toBe(400);
    expect(r.json.detail).not.toMatch(/nested too deeply/);
    expect((await call(s, 'GET', '/processes')).status).toBe(200);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('%s is logged under its own name', async (sig) => {
    const b = await startServe();
    expect((await b.stop(sig)).code).toBe(0);
    expect(b.stderr()).toMatch(new RegExp(`^${sig}: stopping the bridge`, 'm'));
    expect(b.stderr()).not.toMatch(new RegExp(`${sig === 'SIGTERM' ? 'SIGINT' : 'SIGTERM'}:`));
    expect(b.stderr()).toMatch(/bridge stopped/);
  });
});

/** A job record as the bridge persists it (server/jobs.ts), for a state folder prepared before a start. */
function record(id: string, created: Date, o: Record<string, unknown> = {}): Record<string, unknown> {
  const t = created.toISOString();
  return {
    jobID: id, processID: 'soil:potential', type: 'process', status: 'successful', message: 'done',
    created: t, started: t, finished: t, updated: t, progress: 100, mode: 'async',
    inputs: potentialInputs('samples.csv', `out-${id}.csv`),
    log: Array.from({ length: 40 }, (_, i) => `line ${i + 1} of the log of a job that wrote many lines, each of them long enough to matter`),
    results: { OUTPUT: `/data/out-${id}.csv`, ROWS: 4 }, ...o,
  };
}

const uuid = (i: number): string => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

describe('item 17: results of a job failed by a bridge crash', () => {
  it('a job running or queued at the crash: its results answer its failure, 404 with the reason, not 500', async () => {
    const stateDir = tempDir('socp-state-');
    fs.mkdirSync(path.join(stateDir, 'jobs'), { mode: 0o700 });
    const t = new Date('2026-01-02T03:04:05.000Z');
    const recs = [
      record(uuid(1), t, { status: 'running', message: 'running', progress: 40, finished: undefined, results: undefined }),
      record(uuid(2), t, { status: 'accepted', message: 'queued', progress: 0, started: undefined, finished: undefined, results: undefined }),
      // a synchronous job whose client hung up before it started: dismissed, no error recorded
      record(uuid(3), t, { status: 'dismissed', message: 'cancelled before it started', progress: 0, results: undefined }),
    ];
    for (const r of recs) fs.writeFileSync(path.join(stateDir, 'jobs', `${r.jobID}.json`), JSON.stringify(r), { mode: 0o600 });
    const s = await startServe({ stateDir });
    try {
      const run = await call(s, 'GET', `/jobs/${uuid(1)}/results`);
      expect(run.status).toBe(404);
      expect(run.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(run.json).toMatchObject({ type: `${EXC}/server-error`, title: 'Job interrupted', status: 404 });
      expect(run.json.detail).toBe(`job ${uuid(1)} failed, so it has no results: the bridge stopped (crash, kill or power loss) while this job was running; no results were kept — run it again`);
      const queued = await call(s, 'GET', `/jobs/${uuid(2)}/results`);
      expect(queued.status).toBe(404);
      expect(queued.json.detail).toMatch(/failed, so it has no results: the bridge stopped \(crash, kill or power loss\) before this queued job started/);
      const cancelled = await call(s, 'GET', `/jobs/${uuid(3)}/results`);
      expect(cancelled.status).toBe(409);
      expect(cancelled.json).toMatchObject({ type: 'urn:socp:error:cancelled', detail: `job ${uuid(3)} was cancelled, so it has no results: cancelled before it started` });
      // the status document still tells the failure as it is
      expect((await call(s, 'GET', `/jobs/${uuid(1)}`)).json).toMatchObject({ status: 'failed', exception: { status: 500, title: 'Job interrupted' } });
    } finally {
      await s.stop();
    }
  });
});

describe('item 18: /jobs with 500 records is paginated and its entries are small', () => {
  let s: Served;
  const N = 500;
  beforeAll(async () => {
    const stateDir = tempDir('socp-state-');
    fs.mkdirSync(path.join(stateDir, 'jobs'), { mode: 0o700 });
    // job i created i seconds after the first: newest first means uuid(N - 1) … uuid(0)
    for (let i = 0; i < N; i++) {
      const r = record(uuid(i), new Date(Date.UTC(2026, 0, 1) + i * 1000), i % 10 === 0 ? { status: 'failed', message: 'x'.repeat(5000), results: undefined, error: { type: `${EXC}/invalid-parameter`, title: 'Invalid parameter', status: 400, detail: 'x'.repeat(5000) } } : {});
      fs.writeFileSync(path.join(stateDir, 'jobs', `${uuid(i)}.json`), JSON.stringify(r), { mode: 0o600 });
    }
    s = await startServe({ stateDir });
  });
  afterAll(async () => {
    await s.stop();
  });

  it('the first page: 100 small entries, numberMatched, a next link and no prev link', async () => {
    const r = await call(s, 'GET', '/jobs');
    expect(r.status).toBe(200);
    expect(r.json.jobs).toHaveLength(100);
    expect(r.json.numberMatched).toBe(N);
    expect(r.json.numberReturned).toBe(100);
    expect(r.json.jobs[0].jobID).toBe(uuid(N - 1));
    expect(r.json.jobs[99].jobID).toBe(uuid(N - 100));
    for (const j of r.json.jobs) {
      expect(j.log).toBeUndefined();
      expect(j.exception).toBeUndefined();
      expect(j.inputs).toBeUndefined();
      expect(j.message.length).toBeLessThanOrEqual(200);
    }
    // 100 entries of ~450 bytes (the old list: 500 full status documents, 552 kB with these logs)
    expect(r.text.length).toBeLessThan(60_000);
    const rel = (x: string) => r.json.links.find((l: { rel: string }) => l.rel === x)?.href;
    expect(rel('next')).toBe(`${s.url}/jobs?limit=100&offset=100&f=json`);
    expect(rel('prev')).toBeUndefined();
    // the full status document still has the log and the exception
    const full = await call(s, 'GET', `/jobs/${uuid(0)}`);
    expect(full.json.log).toHaveLength(40);
    expect(full.json.exception.detail).toHaveLength(5000);
  });

  it('following the next links visits every job once, newest first; prev goes back', async () => {
    const seen: string[] = [];
    let href: string | undefined = `${s.url}/jobs?limit=150`;
    let pages = 0;
    let second: { links: { rel: string; href: string }[] } | undefined;
    while (href) {
      const u: URL = new URL(href);
      const r = await call(s, 'GET', u.pathname + u.search);
      expect(r.status).toBe(200);
      if (++pages === 2) second = r.json;
      seen.push(...r.json.jobs.map((j: { jobID: string }) => j.jobID));
      href = r.json.links.find((l: { rel: string }) => l.rel === 'next')?.href;
    }
    expect(pages).toBe(4); // 150 + 150 + 150 + 50
    expect(seen).toEqual(Array.from({ length: N }, (_, i) => uuid(N - 1 - i)));
    expect(second!.links.find((l) => l.rel === 'prev')?.href).toBe(`${s.url}/jobs?limit=150&f=json`);
  });

  it('filters stay in the links; limit above 1000 is 1000; bad limit or offset is a 400', async () => {
    const f = await call(s, 'GET', '/jobs?status=failed&limit=20');
    expect(f.json.numberMatched).toBe(50);
    expect(f.json.jobs.every((j: { status: string }) => j.status === 'failed')).toBe(true);
    expect(f.json.links.find((l: { rel: string }) => l.rel === 'next').href).toBe(`${s.url}/jobs?status=failed&limit=20&offset=20&f=json`);
    const all = await call(s, 'GET', '/jobs?limit=5000');
    expect(all.json.jobs).toHaveLength(N);
    expect(all.json.links.find((l: { rel: string }) => l.rel === 'self').href).toBe(`${s.url}/jobs?limit=1000&f=json`);
    for (const q of ['limit=0', 'limit=abc', 'limit=1.5', 'offset=-1', 'limit=1&limit=2']) {
      const r = await call(s, 'GET', `/jobs?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.json.detail, q).toMatch(/(limit|offset) is the number of jobs .*: a whole number/);
    }
    expect((await call(s, 'GET', '/jobs?offset=600')).json.jobs).toEqual([]);
    const html = await call(s, 'GET', '/jobs?f=html');
    expect(html.text).toMatch(/the next \(older\) jobs/);
  });

  it('answers a page quickly', async () => {
    const t0 = performance.now();
    for (let i = 0; i < 50; i++) expect((await call(s, 'GET', '/jobs')).status).toBe(200);
    const perSecond = 50 / ((performance.now() - t0) / 1000);
    console.log(`GET /jobs (500 records, first page of 100): ${perSecond.toFixed(0)} requests/s, one at a time`);
    expect(perSecond).toBeGreaterThan(20);
  });
});

afterAll(() => cleanupTempDirs());
