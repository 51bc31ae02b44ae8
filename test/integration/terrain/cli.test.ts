// SPDX-License-Identifier: GPL-2.0-or-later
// The "three commands", as a user types them (compiled CLI, child processes): the six
// topographic covariates of a DEM (terrain:covariates), stacked with a climate layer onto the DEM's
// grid (covariates:stack, reprojecting a coarse EPSG:4326 layer), and extracted at sample points
// given in longitude/latitude (covariates:extract).

import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import gdal from 'gdal-async';
import { beforeAll, describe, expect, it } from 'vitest';
import { demPath, readOut, tmpDir } from './helpers.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../..');
const main = path.join(root, 'dist/toolbox/cli/main.js');
const socp = (args: string[], cwd: string) => spawnSync('node', [main, ...args], { cwd, encoding: 'utf8' });

/** Mean annual temperature on a 0.01° lon/lat grid over Olinda: 26 °C + 0.5 °C per 0.01° north. */
function writeClimate(file: string): void {
  const w = 20, h = 16;
  const ds = gdal.open(file, 'w', 'GTiff', w, h, 1, gdal.GDT_Float32);
  ds.geoTransform = [-34.96, 0.01, 0, -7.92, 0, -0.01];
  ds.srs = gdal.SpatialReference.fromEPSG(4326);
  const data = new Float32Array(w * h);
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) data[r * w + c] = 26 + 0.5 * (h - r) + 0.01 * c;
  ds.bands.get(1).pixels.write(0, 0, w, h, data);
  ds.close();
}

describe('three commands: terrain:covariates → covariates:stack → covariates:extract', () => {
  beforeAll(() => {
    spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: root, encoding: 'utf8' });
  }, 300_000);

  it('Olinda DEM + a 1 km climate layer → covariates at sample points', () => {
    const dir = tmpDir('cli');
    writeClimate(path.join(dir, 'mat.tif'));
    // sample points in lon/lat inside the DEM (one outside, kept with empty values)
    const pts = [[-34.90, -7.98], [-34.87, -8.01], [-34.84, -7.96], [-34.5, -7.5]];
    fs.writeFileSync(path.join(dir, 'samples.csv'), 'id,lon,lat\n' + pts.map((p, i) => `s${i + 1},${p[0]},${p[1]}`).join('\n') + '\n');

    // 1. the six topographic covariates
    let r = socp(['run', 'terrain:covariates', `--INPUT=${demPath('olinda')}`, '--OUTPUT=topo.tif', '--json'], dir);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('100 - done.');
    expect(JSON.parse(r.stdout).results.BANDS).toBe('elevation,slope,aspect,plan_curvature,profile_curvature,twi');
    // 2. stack with the climate layer on the DEM's grid (the layer is reprojected, bilinear)
    r = socp(['run', 'covariates:stack', '--INPUTS=topo.tif,mat.tif', '--REFERENCE=topo.tif', '--OUTPUT=stack.tif', '-q'], dir);
    expect(r.status, r.stderr).toBe(0);
    const names = [1, 2, 3, 4, 5, 6, 7].map((b) => readOut(path.join(dir, 'stack.tif'), b).description);
    expect(names).toEqual(['elevation', 'slope', 'aspect', 'plan_curvature', 'profile_curvature', 'twi', 'mat']);
    // 3. values at the samples
    r = socp(['run', 'covariates:extract', '--POINTS=samples.csv', '--STACK=stack.tif', '--OUTPUT=samples_cov.csv', '-q'], dir);
    expect(r.status, r.stderr).toBe(0);
    const lines = fs.readFileSync(path.join(dir, 'samples_cov.csv'), 'utf8').trim().split('\n');
    const head = lines[0]!.split(',');
    for (const n of names) expect(head).toContain(n);
    expect(lines.length).toBe(5); // every point kept
    const row = lines[1]!.split(',');
    const val = (n: string) => Number(row[head.indexOf(n)]);
    // the slope at s1 is the covariate raster's value at the pixel holding the point
    const ds = gdal.open(path.join(dir, 'topo.tif'));
    const t = new gdal.CoordinateTransformation(gdal.SpatialReference.fromEPSG(4326), ds.srs!);
    const p = t.transformPoint(pts[0]![0]!, pts[0]![1]!);
    const gt = ds.geoTransform!;
    const col = Math.floor((p.x - gt[0]!) / gt[1]!), rr = Math.floor((p.y - gt[3]!) / gt[5]!);
    expect(val('slope')).toBeCloseTo(ds.bands.get(2).pixels.get(col, rr), 4);
    expect(val('twi')).toBeCloseTo(ds.bands.get(6).pixels.get(col, rr), 4);
    ds.close();
    expect(val('mat')).toBeGreaterThan(26);
    expect(val('mat')).toBeLessThan(34.5);
    const outside = lines[4]!.split(',');
    expect(outside[head.indexOf('slope')]).toBe('');
  }, 300_000);
});
