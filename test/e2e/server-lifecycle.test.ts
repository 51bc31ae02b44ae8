// SPDX-License-Identifier: GPL-2.0-or-later
// Reliability of the HTTP bridge: job records survive a restart; jobs cut short by a crash
// (SIGKILL) are failed with a reason at the next start; SIGTERM and SIGINT stop accepting, cancel
// running jobs (their outputs rolled back) and exit 0.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { call, potentialInputs, SAMPLE_CSV, startServe, tempDir, waitJob, waitRunning, writeBigCsv, cleanupTempDirs } from './server-harness.js';

describe('socp serve: persistence, crash recovery, graceful shutdown', () => {
  it('keeps /jobs across a restart', async () => {
    const ws = tempDir();
    const stateDir = tempDir('socp-state-');
    fs.writeFileSync(path.join(ws, 'samples.csv'), SAMPLE_CSV);
    const a = await startServe({ ws, stateDir });
    const r = await call(a, 'POST', '/processes/soil:potential/execution', { body: { inputs: potentialInputs('samples.csv', 'o.csv') }, headers: { Prefer: 'respond-async' } });
    const done = await waitJob(a, r.json.jobID);
    expect(done.json.status).toBe('successful');
    const f = path.join(stateDir, 'jobs', `${r.json.jobID}.json`);
    expect(fs.statSync(f).mode & 0o777).toBe(0o600);
    expect((await a.stop()).code).toBe(0);
    const b = await startServe({ ws, stateDir });
    const again = await call(b, 'GET', `/jobs/${r.json.jobID}`);
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ status: 'successful', progress: 100, created: done.json.created, finished: done.json.finished });
    expect((await call(b, 'GET', `/jobs/${r.json.jobID}/results`)).json.ROWS).toBe(4);
    await b.stop();
  });

  it('marks the jobs running at a crash as failed, with the reason', async () => {
    const ws = tempDir();
    const stateDir = tempDir('socp-state-');
    writeBigCsv(path.join(ws, 'big.csv'));
    const a = await startServe({ ws, stateDir, args: ['--max-jobs', '1'] });
    const run = await call(a, 'POST', '/processes/soil:potential/execution', { body: { inputs: potentialInputs('big.csv', 'crash.csv') }, headers: { Prefer: 'respond-async' } });
    const queued = await call(a, 'POST', '/processes/soil:potential/execution', { body: { inputs: potentialInputs('big.csv', 'crash2.csv') }, headers: { Prefer: 'respond-async' } });
    await waitRunning(a, run.json.jobID);
    expect((await a.stop('SIGKILL')).signal).toBe('SIGKILL');
    // the orphaned worker notices, rolls back and exits; the stale lock is taken over
    const b = await startServe({ ws, stateDir });
    const st = await call(b, 'GET', `/jobs/${run.json.jobID}`);
    expect(st.json.status).toBe('failed');
    expect(st.json.message).toMatch(/bridge stopped \(crash, kill or power loss\) while this job was running/);
    const q = await call(b, 'GET', `/jobs/${queued.json.jobID}`);
    expect(q.json.status).toBe('failed');
    expect(q.json.message).toMatch(/before this queued job started/);
    // results of a failed job: its own exception with the reason, a 4xx (there are none to give)
    const res = await call(b, 'GET', `/jobs/${run.json.jobID}/results`);
    expect(res.status).toBe(404);
    expect(res.json.type).toMatch(/server-error/);
    expect(res.json.detail).toMatch(/failed, so it has no results: the bridge stopped \(crash, kill or power loss\)/);
    await b.stop();
    await new Promise((r) => setTimeout(r, 12_000)); // the orphan's grace period
    expect(fs.readdirSync(ws).filter((f) => f.startsWith('crash'))).toEqual([]);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('%s: stops accepting, cancels the running job, rolls back, exits 0', async (sig) => {
    const ws = tempDir();
    const stateDir = tempDir('socp-state-');
    writeBigCsv(path.join(ws, 'big.csv'));
    const a = await startServe({ ws, stateDir });
    const run = await call(a, 'POST', '/processes/soil:potential/execution', { body: { inputs: potentialInputs('big.csv', 'term.csv') }, headers: { Prefer: 'respond-async' } });
    await waitRunning(a, run.json.jobID);
    const t0 = Date.now();
    const exit = await a.stop(sig);
    expect(exit.code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(a.stderr()).toMatch(/bridge stopped/);
    await expect(fetch(`${a.url}/`)).rejects.toThrow();
    expect(fs.readdirSync(ws).filter((f) => f !== 'big.csv')).toEqual([]);
    const rec = JSON.parse(fs.readFileSync(path.join(stateDir, 'jobs', `${run.json.jobID}.json`), 'utf8'));
    expect(rec.status).toBe('failed');
    expect(rec.message).toMatch(/shut down/);
    expect(fs.existsSync(path.join(stateDir, 'serve.pid'))).toBe(false);
  });
});

afterAll(() => cleanupTempDirs());
