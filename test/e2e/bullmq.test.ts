// SPDX-License-Identifier: GPL-2.0-or-later
// The BullMQ driver end to end: a real redis-server started by the test on a free loopback port,
// real `socp worker` processes, real submitters (`socp run … --redis`), a real SIGKILL. The pixels
// of every distributed run (values and nodata mask, decoded with GDAL) must equal those of the
// in-process run. A machine without redis-server fails here, loudly: skipping would hide a broken CI.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import gdal from 'gdal-async';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../toolbox/run.js';
import { cliPath, repoRoot, tempDir } from '../helpers.js';
import { call, startServe, waitJob, waitRunning } from './server-harness.js';

// SOCP_REDIS_SERVER: another redis-server binary (and a way to check that a missing one fails the run)
const REDIS = process.env.SOCP_REDIS_SERVER ?? '/usr/bin/redis-server';
const COVARIATES = path.join(repoRoot, 'samples/northeast/covariates.tif');
const SAMPLES = path.join(repoRoot, 'samples/northeast/samples.csv');
// short locks, so a killed worker's tile is back within seconds (production keeps the defaults)
const LOCK = ['--lock-duration', '4', '--stalled-interval', '2'];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

interface Proc { child: ChildProcess; out: string; err: string; done: Promise<number> }

function start(args: string[], cwd: string): Proc {
  const child = spawn(process.execPath, [cliPath, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const p: Proc = { child, out: '', err: '', done: undefined as unknown as Promise<number> };
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (p.out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (p.err += d));
  p.done = new Promise((resolve) => child.on('exit', (code, sig) => resolve(code ?? (sig ? 128 + (sig === 'SIGKILL' ? 9 : 15) : -1))));
  return p;
}

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every band's decoded values and nodata mask. */
function pixels(file: string): { w: number; h: number; bands: { nodata: number | null; mask: Uint8Array; values: Float64Array }[] } {
  const ds = gdal.open(file);
  try {
    const w = ds.rasterSize.x;
    const h = ds.rasterSize.y;
    const bands = [];
    for (let i = 1; i <= ds.bands.count(); i++) {
      const b = ds.bands.get(i);
      const values = new Float64Array(w * h);
      b.pixels.read(0, 0, w, h, values);
      const nd = b.noDataValue ?? null;
      const mask = Uint8Array.from(values, (v) => (Number.isNaN(v) || v === nd ? 1 : 0));
      for (let k = 0; k < values.length; k++) if (mask[k]) values[k] = 0;
      bands.push({ nodata: nd, mask, values });
    }
    return { w, h, bands };
  } finally {
    ds.close();
  }
}

function expectSamePixels(got: string, want: string): void {
  const a = pixels(got);
  const b = pixels(want);
  expect([a.w, a.h, a.bands.length], got).toEqual([b.w, b.h, b.bands.length]);
  a.bands.forEach((band, i) => {
    expect(band.nodata, `${got} band ${i + 1} nodata`).toEqual(b.bands[i].nodata);
    expect(Buffer.compare(Buffer.from(band.mask.buffer), Buffer.from(b.bands[i].mask.buffer)), `${got} band ${i + 1} nodata mask`).toBe(0);
    let diff = 0;
    for (let k = 0; k < band.values.length; k++) if (band.values[k] !== b.bands[i].values[k]) diff++;
    expect(diff, `${got} band ${i + 1}: pixels that differ`).toBe(0);
  });
}

/** A DEM with a nodata hole (slope's edge rules apply at it and at the grid's edges). */
function writeDem(file: string, w: number, h: number): void {
  const ds = gdal.open(file, 'w', 'GTiff', w, h, 1, gdal.GDT_Float32);
  ds.geoTransform = [400000, 30, 0, 5000000, 0, -30];
  ds.srs = gdal.SpatialReference.fromEPSG(32651);
  const b = ds.bands.get(1);
  b.noDataValue = -9999;
  const v = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const hole = (x - 150) ** 2 + (y - 90) ** 2 < 400;
      v[y * w + x] = hole ? -9999 : 300 + 80 * Math.sin(x / 17) * Math.cos(y / 23) + 0.35 * x + ((x * 7919 + y * 104729) % 13) * 0.1;
    }
  }
  b.pixels.write(0, 0, w, h, v);
  ds.close();
}

let redis: ChildProcess | undefined;
let url = '';
let dir = '';
let queue: Queue;
const workers: Proc[] = [];
const inputs = { dem: '', model: '', bigModel: '', bigStack: '' };
const refs = { calc: '', slope: '', predict: '', big: '' };

const runs = (tag: string) => [
  { name: 'calc', ref: () => refs.calc, args: (out: string) => ['raster:calculator', `--INPUTS=${COVARIATES}`, '--EXPRESSION=covariates_1 * 2 + covariates_7', `--OUTPUT=${out}`] },
  { name: 'slope', ref: () => refs.slope, args: (out: string) => ['terrain:slope', `--INPUT=${inputs.dem}`, `--OUTPUT=${out}`] },
  { name: 'predict', ref: () => refs.predict, args: (out: string) => ['brt:predict', `--MODEL=${inputs.model}`, `--INPUT=${COVARIATES}`, `--OUTPUT=${out}`] },
].flatMap((r) => [64, 112].map((size) => ({ ...r, size, out: path.join(dir, tag, `${r.name}-${size}.tif`) })));

function startWorker(extra: string[] = []): Proc {
  const w = start(['worker', '--redis', url, ...LOCK, ...extra], dir);
  workers.push(w);
  return w;
}

async function stopWorker(w: Proc): Promise<void> {
  if (w.child.exitCode === null) w.child.kill('SIGTERM');
  await w.done;
}

beforeAll(async () => {
  if (!fs.existsSync(REDIS)) throw new Error(`${REDIS} is missing: install it (apt-get install redis-server; scripts/setup.sh --test does) or point SOCP_REDIS_SERVER at one — these tests need a real Redis`);
  dir = tempDir('socp-bullmq-');
  const port = await freePort();
  url = `redis://127.0.0.1:${port}`;
  redis = spawn(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'], { stdio: 'ignore' });
  const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  probe.on('error', () => undefined);
  await until('redis-server', async () => probe.connect().then(() => true, () => false), 10_000);
  probe.disconnect();
  queue = new Queue('socp', { connection: { host: '127.0.0.1', port } });

  inputs.dem = path.join(dir, 'dem.tif');
  writeDem(inputs.dem, 300, 260);
  const pts = path.join(dir, 'pts.csv');
  await run('covariates:extract', { POINTS: SAMPLES, STACK: COVARIATES, OUTPUT: pts });
  inputs.model = path.join(dir, 'model.json');
  await run('brt:train', { INPUT: pts, TARGET: 'soc', PREDICTORS: 'elevation,slope,mat,map,ndvi', N_TREES: 200, INTERACTION_DEPTH: 4, SHRINKAGE: 0.05, N_MINOBSINNODE: 5, SEED: 7, OUTPUT_MODEL: inputs.model });
  // a slow run for the kill and cancel tests: many deep trees over a larger stack
  inputs.bigModel = path.join(dir, 'big.json');
  await run('brt:train', { INPUT: pts, TARGET: 'soc', PREDICTORS: 'elevation,slope,mat,map,ndvi', N_TREES: 1500, INTERACTION_DEPTH: 6, SHRINKAGE: 0.01, N_MINOBSINNODE: 5, SEED: 7, OUTPUT_MODEL: inputs.bigModel });
  inputs.bigStack = path.join(dir, 'big-stack.tif');
  await gdal.translateAsync(inputs.bigStack, await gdal.openAsync(COVARIATES), ['-outsize', '1000', '1000', '-r', 'bilinear']);

  for (const [k, v] of Object.entries({ calc: 'ref-calc.tif', slope: 'ref-slope.tif', predict: 'ref-predict.tif', big: 'ref-big.tif' })) refs[k as keyof typeof refs] = path.join(dir, v);
  await run('raster:calculator', { INPUTS: COVARIATES, EXPRESSION: 'covariates_1 * 2 + covariates_7', OUTPUT: refs.calc });
  await run('terrain:slope', { INPUT: inputs.dem, OUTPUT: refs.slope });
  await run('brt:predict', { MODEL: inputs.model, INPUT: COVARIATES, OUTPUT: refs.predict });
  await run('brt:predict', { MODEL: inputs.bigModel, INPUT: inputs.bigStack, OUTPUT: refs.big });
});

afterAll(async () => {
  await queue?.close();
  for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
  if (redis?.pid) process.kill(redis.pid, 'SIGTERM');
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function submitAll(tag: string): Promise<void> {
  fs.mkdirSync(path.join(dir, tag), { recursive: true });
  const rs = runs(tag);
  const procs = rs.map((r) => start(['run', ...r.args(r.out), '--redis', url, '--tile-size', String(r.size), '--json'], dir));
  const codes = await Promise.all(procs.map((p) => p.done));
  rs.forEach((r, i) => {
    expect(codes[i], `${r.name} ${r.size}: ${procs[i].err}`).toBe(0);
    const doc = JSON.parse(procs[i].out);
    expect(doc.algorithm).toBe(r.args('')[0]);
    expect(doc.results.OUTPUT).toBe(r.out);
    expect(procs[i].err).toMatch(/0\.\.\.10\.\.\.20\.\.\.30\.\.\.40\.\.\.50\.\.\.60\.\.\.70\.\.\.80\.\.\.90\.\.\.100 - done\./);
    expectSamePixels(r.out, r.ref());
    expect(fs.existsSync(`${r.out}.parts`), 'parts folder removed after the mosaic').toBe(false);
    expect(fs.existsSync(`${r.out}.socp.json`), 'provenance of the mosaic').toBe(true);
  });
}

describe('BullMQ driver (real redis-server, real workers)', () => {
  it('1 worker: raster:calculator, terrain:slope and brt:predict at tile sizes 64 and 112 give the in-process pixels', async () => {
    const w = startWorker();
    await until('the first worker', () => w.err.includes('socp worker '));
    await submitAll('w1');
    expect((await queue.getJobCounts()).failed).toBe(0);
  });

  it('3 workers: the same pixels, the work shared', async () => {
    const more = [startWorker(), startWorker()];
    await until('three workers', () => more.every((w) => w.err.includes('socp worker ')));
    await submitAll('w3');
    const busy = workers.filter((w) => /done in/.test(w.err.split('concurrency')[1] ?? '')).length;
    expect(busy).toBeGreaterThanOrEqual(2);
  });

  it('a worker killed with SIGKILL mid-tile: its tile is computed again and the pixels are identical', async () => {
    const events = new QueueEvents('socp', { connection: queue.opts.connection });
    await events.waitUntilReady();
    const stalled: string[] = [];
    events.on('stalled', ({ jobId }) => stalled.push(jobId));
    const out = path.join(dir, 'killed.tif');
    const sub = start(['run', 'brt:predict', `--MODEL=${inputs.bigModel}`, `--INPUT=${inputs.bigStack}`, `--OUTPUT=${out}`, '--THREADS=1', '--redis', url, '--tile-size', '500', '--json'], dir); // 4 tiles of ≈ 1 s: the kill lands mid-tile
    let victim: { job: string; pid: number } | undefined;
    await until('a tile in progress', async () => {
      for (const j of await queue.getActive()) {
        if (j.name === 'tiles' && j.processedBy) {
          const pid = Number(j.processedBy.split(':').pop());
          const w = workers.find((x) => x.child.pid === pid);
          if (w && w.child.exitCode === null) {
            w.child.kill('SIGKILL');
            victim = { job: j.id!, pid };
            return true;
          }
        }
      }
      return false;
    });
    expect(await sub.done, sub.err).toBe(0);
    expect(stalled).toContain(victim!.job);
    expectSamePixels(out, refs.big);
    await events.close();
  });

  it('Ctrl-C removes the waiting tiles, stops the running one, exits 130 and leaves no output', async () => {
    for (const w of workers) if (w.child.exitCode === null) await stopWorker(w);
    const w = startWorker(['--threads', '1']);
    await until('a worker', () => w.err.includes('socp worker '));
    const out = path.join(dir, 'cancelled.tif');
    const sub = start(['run', 'brt:predict', `--MODEL=${inputs.bigModel}`, `--INPUT=${inputs.bigStack}`, `--OUTPUT=${out}`, '--redis', url, '--tile-size', '64'], dir);
    await until('the first tiles done', () => /done in/.test(w.err.split('concurrency')[1] ?? ''));
    const before = await queue.getJobCounts('waiting', 'active', 'waiting-children', 'completed');
    expect(before.waiting).toBeGreaterThan(10); // 256 tiles, one worker
    sub.child.kill('SIGINT');
    expect(await sub.done, sub.err).toBe(130);
    expect(sub.err).toMatch(/ERROR: brt:predict: cancelled/);
    const after = await queue.getJobCounts('waiting', 'active', 'waiting-children', 'delayed', 'prioritized', 'failed', 'completed');
    // the completed ones are the mosaics of the earlier runs, kept a day
    expect(after).toMatchObject({ waiting: 0, active: 0, 'waiting-children': 0, delayed: 0, prioritized: 0, failed: 0, completed: before.completed });
    const left = await queue.getJobs(['waiting', 'active', 'waiting-children', 'delayed', 'failed', 'completed']);
    expect(left.filter((j) => j.data.params?.OUTPUT === out)).toEqual([]);
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.existsSync(`${out}.parts`)).toBe(false);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('cancelled'))).toEqual([]);
    expect(w.child.exitCode, 'the worker survives a cancel').toBe(null);
  });

  it('a job of another socp version is refused with a clear reason, never computed', async () => {
    const out = path.join(dir, 'other.tif');
    const events = new QueueEvents('socp', { connection: queue.opts.connection });
    await events.waitUntilReady();
    const job = await queue.add('tiles', {
      kind: 'tiles', socpVersion: '0.0.1-other', run: 'f'.repeat(64), algorithm: 'raster:calculator',
      params: { INPUTS: COVARIATES, EXPRESSION: 'covariates_1', OUTPUT: out }, cwd: dir, tileSize: 64, tiles: [0],
    }, { jobId: 'other-version', attempts: 3 });
    await expect(job.waitUntilFinished(events)).rejects.toThrow(/refuses job other-version: it was submitted by socp 0\.0\.1-other; run workers and submitter of the same socp version/);
    const failed = (await queue.getJob('other-version'))!;
    expect(failed.attemptsMade).toBe(1); // no retry: another version never gets better
    expect(fs.existsSync(`${out}.parts`)).toBe(false);
    await failed.remove();
    await events.close();
  });

  it('socp serve --redis: a bridge job of an algorithm that splits runs as a flow; DELETE cancels it', async () => {
    const s = await startServe({ ws: dir, args: ['--redis', url] });
    fs.mkdirSync(path.join(dir, 'served'));
    fs.copyFileSync(COVARIATES, path.join(dir, 'served', 'covariates.tif')); // inside the workspace; same name, same variables
    try {
      const r = await call(s, 'POST', '/processes/raster:calculator/execution', { body: { inputs: { INPUTS: ['served/covariates.tif'], EXPRESSION: 'covariates_1 * 2 + covariates_7', OUTPUT: 'served.tif' } }, headers: { Prefer: 'respond-async' } });
      expect(r.status).toBe(201);
      const st = await waitJob(s, r.json.jobID);
      expect(st.json.status, JSON.stringify(st.json)).toBe('successful');
      expect(st.json.log.join('\n')).toMatch(/submitted raster:calculator: 9 tiles of 512 × 512|submitted raster:calculator: 1 tile of 512 × 512/);
      expectSamePixels(path.join(dir, 'served.tif'), refs.calc);
      // a long one, dismissed while it runs
      const big = await call(s, 'POST', '/processes/brt:predict/execution', { body: { inputs: { MODEL: inputs.bigModel, INPUT: inputs.bigStack, OUTPUT: 'served-big.tif' } }, headers: { Prefer: 'respond-async' } });
      await waitRunning(s, big.json.jobID);
      await until('its tiles queued', async () => (await queue.getJobCounts('waiting')).waiting > 0);
      const del = await call(s, 'DELETE', `/jobs/${big.json.jobID}`);
      expect(del.status).toBe(200);
      expect(del.json.status).toBe('dismissed');
      const left = await queue.getJobs(['waiting', 'active', 'waiting-children', 'delayed', 'failed']);
      expect(left.filter((j) => String(j.data.params?.OUTPUT).endsWith('served-big.tif'))).toEqual([]);
      expect(fs.existsSync(path.join(dir, 'served-big.tif'))).toBe(false);
    } finally {
      await s.stop();
    }
  });

  it('workflow:socp --redis sends its map steps to the workers: Table 4 and the zones are byte-identical to the run in one process', async () => {
    const wf = path.join(dir, 'wf');
    fs.mkdirSync(wf);
    const demo = path.join(repoRoot, 'samples/northeast');
    const args = (out: string) => ['run', 'workflow:socp', `--params=${path.join(demo, 'workflow.json')}`, `--SAMPLES=${path.join(demo, 'samples.csv')}`, `--COVARIATES=${COVARIATES}`,
      `--LANDUSE=${path.join(demo, 'landuse.tif')}`, '--REPEATS=2', '--FOLDS=3', '--REPORT=false', `--OUTPUT_DIR=${out}`, '-q'];
    const whole = start(args(path.join(wf, 'whole')), wf);
    expect(await whole.done, whole.err).toBe(0);
    const w = startWorker();
    await until('a worker', () => w.err.includes('socp worker '));
    const spread = start([...args(path.join(wf, 'spread')), '--redis', url, '--tile-size', '64'], wf);
    expect(await spread.done, spread.err).toBe(0);
    for (const f of ['tables/table4.csv', 'maps/zones.csv', 'maps/zones.tif', 'maps/socp_hassink_mean.tif.socp.json']) {
      expect(fs.existsSync(path.join(wf, 'spread', f)), f).toBe(true);
    }
    for (const f of ['tables/table4.csv', 'maps/zones.csv', 'maps/zones.tif']) {
      expect(fs.readFileSync(path.join(wf, 'spread', f)).equals(fs.readFileSync(path.join(wf, 'whole', f))), f).toBe(true);
    }
    expectSamePixels(path.join(wf, 'spread', 'maps/socp_elustondo_sd.tif'), path.join(wf, 'whole', 'maps/socp_elustondo_sd.tif'));
    const steps = JSON.parse(fs.readFileSync(path.join(wf, 'spread', 'steps.json'), 'utf8')) as { step: string }[];
    expect(steps.map((x) => x.step)).toContain('maps hassink');
    await stopWorker(w);
  }, 300_000);

  it('a Redis that cannot be reached is a clear error within seconds, exit 1 (submitter and worker)', async () => {
    const port = await freePort();
    const t0 = Date.now();
    const r = spawnSync(process.execPath, [cliPath, 'run', 'raster:calculator', `--INPUTS=${COVARIATES}`, '--EXPRESSION=covariates_1', `--OUTPUT=${path.join(dir, 'none.tif')}`, '--redis', `redis://127.0.0.1:${port}`], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`ERROR: cannot reach Redis at redis://127.0.0.1:${port} (connection refused); start redis-server or check --redis`);
    expect(Date.now() - t0).toBeLessThan(20_000); // node start-up on a busy machine included
    const wr = spawnSync(process.execPath, [cliPath, 'worker', '--redis', `redis://127.0.0.1:${port}`], { encoding: 'utf8', timeout: 60_000 });
    expect(wr.status).toBe(1);
    expect(wr.stderr).toContain(`cannot reach Redis at redis://127.0.0.1:${port}`);
    expect(fs.existsSync(path.join(dir, 'none.tif'))).toBe(false);
  });

  it('usage: --redis with --tile, a global algorithm, a worker without --redis (exit 2)', () => {
    const both = spawnSync(process.execPath, [cliPath, 'run', 'raster:calculator', `--INPUTS=${COVARIATES}`, '--EXPRESSION=covariates_1', '--OUTPUT=x.tif', '--redis', url, '--tile', '0/2'], { cwd: dir, encoding: 'utf8' });
    expect([both.status, both.stderr]).toEqual([2, 'ERROR: --redis and --tile are two ways of spreading a run (a BullMQ flow, or array-job parts): give one of them\n']);
    const twi = spawnSync(process.execPath, [cliPath, 'run', 'terrain:twi', `--INPUT=${inputs.dem}`, '--OUTPUT=twi.tif', '--redis', url], { cwd: dir, encoding: 'utf8' });
    expect(twi.status).toBe(2);
    expect(twi.stderr).toMatch(/terrain:twi runs whole on one node .* run it without --redis/);
    const w = spawnSync(process.execPath, [cliPath, 'worker'], { encoding: 'utf8' });
    expect([w.status, w.stderr]).toEqual([2, 'ERROR: socp worker needs --redis URL (e.g. redis://127.0.0.1:6379); see socp worker --help\n']);
  });
});
