// SPDX-License-Identifier: GPL-2.0-or-later
// Issue 17, items 1 and 2: what a request makes socp read beyond its own paths stays in the
// workspace. workflow:socp's steps inherit the bridge's confinement (a folder of OUTPUT_DIR that
// is a link out is refused before anything is written); a VRT's sources obey the rules of the
// VRT's own path; the job workers' GDAL reaches no network at all, by configuration — proved by a
// local HTTP server that counts the requests it gets.

import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noNetworkEnv } from '../../toolbox/io/no-network.js';
import { call, cleanupTempDirs, potentialInputs, repoRoot, SAMPLE_CSV, startServe, tempDir, type Served } from './server-harness.js';

const northeast = path.join(repoRoot, 'samples', 'northeast');

/** Every file of a folder with its bytes, to prove nothing changed. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const p = path.join(dir, f);
    if (fs.lstatSync(p).isFile()) out[f] = fs.readFileSync(p).toString('base64');
  }
  return out;
}

describe('socp serve: references and steps are confined', () => {
  let s: Served;
  let outside: string;
  let hits = 0;
  let web: http.Server;
  let webUrl = '';
  beforeAll(async () => {
    web = http.createServer((_req, res) => {
      hits++;
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
    webUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
    outside = tempDir('socp-outside-');
    fs.writeFileSync(path.join(outside, 'secret.csv'), SAMPLE_CSV.replace('20.5', '99.9'));
    fs.writeFileSync(path.join(outside, 'potential.csv'), 'not yours\n');
    s = await startServe();
    for (const f of ['samples.csv', 'samples.prj', 'covariates.tif', 'landuse.tif']) fs.copyFileSync(path.join(northeast, f), path.join(s.ws, f));
    fs.writeFileSync(path.join(s.ws, 'inside.csv'), SAMPLE_CSV);
  });
  afterAll(async () => {
    await s.stop();
    await new Promise<void>((r) => web.close(() => r()));
    cleanupTempDirs();
  });

  const ogrVrt = (src: string, relative: boolean) =>
    `<OGRVRTDataSource><OGRVRTLayer name="t"><SrcDataSource relativeToVRT="${relative ? 1 : 0}">${src}</SrcDataSource><SrcLayer>${path.basename(src, ".csv")}</SrcLayer></OGRVRTLayer></OGRVRTDataSource>\n`;

  it('workflow:socp: a folder of OUTPUT_DIR linked out of the workspace is refused before any step, and nothing outside changes', async () => {
    const out = path.join(s.ws, 'study');
    fs.mkdirSync(out);
    fs.symlinkSync(outside, path.join(out, 'samples'));
    const before = snapshot(outside);
    const r = await call(s, 'POST', '/processes/workflow:socp/execution', {
      body: {
        inputs: {
          SAMPLES: 'samples.csv', SOC_FIELD: 'soc', BD_FIELD: 'bd', FINE_FIELD: 'fine', GRAVEL_FIELD: 'gravel', DEPTH_FIELD: 'depth',
          LANDUSE_FIELD: 'landuse', COVARIATES: 'covariates.tif', LANDUSE: 'landuse.tif', FOLDS: 2, REPEATS: 2, OUTPUT_DIR: 'study',
          POINTS_CRS: '+proj=aea +lat_0=46 +lon_0=125 +lat_1=41 +lat_2=51 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs',
        },
      },
    });
    expect(r.status).toBe(400);
    expect(r.json.detail).toMatch(/study\/samples leads \(through a symbolic link\) to .* outside the workspace/);
    expect(snapshot(outside)).toEqual(before);
    expect(fs.readFileSync(path.join(outside, 'potential.csv'), 'utf8')).toBe('not yours\n');
  });

  it('an OGR VRT whose source lies outside the workspace is refused, absolute or relative, and its rows are never read', async () => {
    fs.writeFileSync(path.join(s.ws, 'abs.vrt'), ogrVrt(path.join(outside, 'secret.csv'), false));
    fs.writeFileSync(path.join(s.ws, 'rel.vrt'), ogrVrt(path.relative(s.ws, path.join(outside, 'secret.csv')), true));
    // GDAL knows a VRT by its content: the name does not matter
    fs.writeFileSync(path.join(s.ws, 'disguised.csv'), ogrVrt(path.join(outside, 'secret.csv'), false));
    for (const f of ['abs.vrt', 'rel.vrt', 'disguised.csv']) {
      const r = await call(s, 'POST', '/processes/soil:potential/execution', { body: { inputs: potentialInputs(f, `out_${f}.csv`) } });
      expect(r.status, f).toBe(400);
      expect(r.json.detail, f).toMatch(/refers to .*secret\.csv, outside the workspace/);
      expect(fs.existsSync(path.join(s.ws, `out_${f}.csv`))).toBe(false);
    }
  });

  it('a VRT whose sources lie inside the workspace is read as usual', async () => {
    fs.writeFileSync(path.join(s.ws, 'ok.vrt'), ogrVrt('inside.csv', true));
    const r = await call(s, 'POST', '/processes/soil:potential/execution', { body: { inputs: potentialInputs('ok.vrt', 'ok_out.csv') } });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect(fs.readFileSync(path.join(s.ws, 'ok_out.csv'), 'utf8').split('\n').filter(Boolean)).toHaveLength(5);
  });

  it('a raster VRT with a nested VRT leading out, a /vsicurl/ source or a WMS descriptor is refused; no request reaches the network', async () => {
    fs.symlinkSync(path.join(outside, 'secret.csv'), path.join(s.ws, 'link.csv'));
    const src = (f: string, rel = 0) => `<VRTDataset rasterXSize="1" rasterYSize="1"><VRTRasterBand dataType="Float32" band="1"><SimpleSource><SourceFilename relativeToVRT="${rel}">${f}</SourceFilename><SourceBand>1</SourceBand></SimpleSource></VRTRasterBand></VRTDataset>\n`;
    fs.writeFileSync(path.join(s.ws, 'inner.vrt'), src(path.join(outside, 'x.tif')));
    fs.writeFileSync(path.join(s.ws, 'outer.vrt'), src('inner.vrt', 1));
    fs.writeFileSync(path.join(s.ws, 'curl.vrt'), src(`/vsicurl/${webUrl}/a.tif`));
    fs.writeFileSync(path.join(s.ws, 'linked.vrt'), src('link.csv', 1));
    fs.writeFileSync(path.join(s.ws, 'wms.tif'), `<GDAL_WMS><Service name="TMS"><ServerUrl>${webUrl}/\${z}/\${x}/\${y}.png</ServerUrl></Service></GDAL_WMS>\n`);
    const cases: [string, RegExp][] = [
      ['outer.vrt', /inner\.vrt refers to .*x\.tif, outside the workspace/],
      ['curl.vrt', /GDAL virtual file system/],
      ['linked.vrt', /leads \(through a symbolic link\)/],
      ['wms.tif', /GDAL_WMS/],
    ];
    for (const [f, msg] of cases) {
      const r = await call(s, 'POST', '/processes/terrain:slope/execution', { body: { inputs: { INPUT: f, OUTPUT: `slope_${f}.tif` } } });
      expect(r.status, f).toBe(400);
      expect(r.json.detail, f).toMatch(msg);
    }
    expect(hits).toBe(0);
  });

  it("the job workers' GDAL reaches no network by configuration, whatever the file name (control: without it, it does)", async () => {
    const script = `
      const mod = await import(${JSON.stringify(path.join(repoRoot, 'dist', 'toolbox', 'io', 'gdal.js'))});
      const gdal = mod.default;
      if (process.argv[1] === 'locked') mod.disableNetwork();
      const tries = ['/vsicurl/${webUrl}/a.tif', '/vsis3/bucket/a.tif', ${JSON.stringify(path.join(s.ws, 'curl.vrt'))}, ${JSON.stringify(path.join(s.ws, 'wms.tif'))}];
      for (const t of tries) { try { const ds = gdal.open(t); ds.bands.get(1).pixels.read(0, 0, 1, 1); } catch {} }
      try { gdal.drivers.get('WMS') ? console.log('WMS registered') : console.log('WMS skipped'); } catch { console.log('WMS skipped'); }
    `;
    const s3 = { AWS_S3_ENDPOINT: webUrl.replace('http://', ''), AWS_HTTPS: 'NO', AWS_VIRTUAL_HOSTING: 'FALSE', AWS_NO_SIGN_REQUEST: 'YES' };
    // asynchronous: the counting server runs in this process and must answer while the child waits
    const runIt = (env: NodeJS.ProcessEnv, arg: string) => new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--input-type=module', '-e', script, arg], { env: { ...env, ...s3, GDAL_HTTP_TIMEOUT: '5' }, encoding: 'utf8', timeout: 60_000 },
        (err, stdout, stderr) => resolve({ status: err ? Number(err.code ?? 1) : 0, stdout, stderr }));
    });
    const locked = await runIt(noNetworkEnv(process.env), 'locked');
    expect(locked.status, locked.stderr).toBe(0);
    expect(locked.stdout).toMatch(/WMS skipped/);
    expect(hits).toBe(0);
    const open = await runIt(process.env, 'open');
    expect(open.status, open.stderr).toBe(0);
    expect(open.stdout).toMatch(/WMS registered/);
    expect(hits).toBeGreaterThan(0); // the same opens do reach the server without the lockdown
  });

  it('a worker refuses to start without the no-network environment', () => {
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'server', 'worker.js')], { env: { ...process.env, SOCP_NO_NETWORK: '' }, encoding: 'utf8', timeout: 30_000 });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/noNetworkEnv/);
  });
});
