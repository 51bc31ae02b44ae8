// SPDX-License-Identifier: GPL-2.0-or-later
// The generated demo landscape: reproducible byte for byte, the documented layout, and the zonal
// summary's equal-area path on its Albers grid (16 135 land cells × 49 km²).
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import gdal from 'gdal-async';
import { run } from '../../../toolbox/run.js';
import { packageRoot } from '../../../toolbox/paths.js';
import { parseCsvRows, tmpDir } from './helpers.js';

const demo = path.join(packageRoot, 'samples', 'northeast');
let dir: string;
beforeAll(() => {
  dir = tmpDir('socp-ne-');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('samples/northeast', () => {
  it('the generator reproduces the committed files byte for byte', () => {
    execFileSync(process.execPath, [path.join(demo, 'generate.mjs'), dir], { cwd: packageRoot, stdio: 'pipe' });
    for (const f of ['covariates.tif', 'landuse.tif', 'samples.csv', 'samples.prj']) {
      expect(fs.readFileSync(path.join(dir, f)).equals(fs.readFileSync(path.join(demo, f))), f).toBe(true);
    }
  });

  it('has the documented bands, shares and sites, and stays small', async () => {
    const ds = await gdal.openAsync(path.join(demo, 'covariates.tif'));
    const names = Array.from({ length: ds.bands.count() }, (_, i) => ds.bands.get(i + 1).description);
    expect(names).toEqual(['elevation', 'slope', 'aspect', 'plan_curvature', 'profile_curvature', 'twi', 'mat', 'map', 'ndvi', 'npp']);
    expect(ds.rasterSize).toEqual({ x: 130, y: 180 });
    ds.close();
    const lu = await gdal.openAsync(path.join(demo, 'landuse.tif'));
    const buf = new Uint8Array(130 * 180);
    await lu.bands.get(1).pixels.readAsync(0, 0, 130, 180, buf);
    lu.close();
    const n = [0, 0, 0, 0, 0];
    for (const v of buf) n[v]++;
    const land = n[1] + n[2] + n[3] + n[4];
    expect(land).toBe(16135);
    [39.3, 42.8, 4.3, 13.7].forEach((share, i) => expect(Math.abs((100 * n[i + 1]) / land - share)).toBeLessThan(0.15));
    const rows = parseCsvRows(fs.readFileSync(path.join(demo, 'samples.csv'), 'utf8'));
    expect(rows).toHaveLength(293);
    const perUnit = new Map<string, number>();
    for (const r of rows) perUnit.set(r.unit, (perUnit.get(r.unit) ?? 0) + 1);
    expect(perUnit.size).toBe(27);
    for (const c of perUnit.values()) expect(c === 10 || c === 11).toBe(true);
    expect(new Set(rows.map((r) => r.landuse))).toEqual(new Set(['farmland', 'forest', 'grassland']));
    const bytes = fs.readdirSync(demo).reduce((s, f) => s + fs.statSync(path.join(demo, f)).size, 0);
    expect(bytes).toBeLessThan(3 * 2 ** 20);
  });

  it('Table 4 of the demo land use covers 790 615 km² (equal-area Albers, 49 km² cells)', async () => {
    const out = path.join(dir, 'lu.csv');
    await run('maps:zonal-summary', {
      INPUT: path.join(demo, 'covariates.tif'), NAMES: 'elevation', ZONES: path.join(demo, 'landuse.tif'),
      LABELS: '1=farmland,2=forest,3=grassland,4=other', OUTPUT: out,
    });
    const rows = parseCsvRows(fs.readFileSync(out, 'utf8'));
    expect(rows.map((r) => r.zone)).toEqual(['farmland', 'forest', 'grassland', 'other', 'Total']);
    expect(Number(rows[4].area_km2)).toBeCloseTo(16135 * 49, 6);
    expect(Number(rows[1].area_km2)).toBeCloseTo(Number(rows[1].cells) * 49, 6);
  });
});
