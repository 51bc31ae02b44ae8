// SPDX-License-Identifier: GPL-2.0-or-later
// maps:uncertainty-zones against thresholds and classes worked out by hand.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import gdal from 'gdal-async';
import { run } from '../../../toolbox/run.js';
import { parseCsvRows, readGrid, tmpDir, writeGrid, type GridSpec } from './helpers.js';

// EPSG:6933, 2000 m × 1500 m = 3 km² cells
const grid: GridSpec = { width: 4, height: 3, geoTransform: [1_000_000, 2000, 0, 4_000_000, 0, -1500], crs: 6933 };
// VALUE 1..11 and one nodata: mean 6, population SD √(110/11) = √10
// UNCERTAINTY on the 11 joint cells: three 0, five 1, three 2 → mean 1, SD √(6/11); the 12th cell
// (5) has no VALUE, so it is neither zoned nor in the statistics.
const V = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, NaN];
const U = [0, 2, 1, 1, 0, 1, 2, 0, 1, 2, 1, 5];
// K = 0.5: SOCp low < 6 − 0.5√10 = 4.4189 (1–4), high > 7.5811 (8–11); uncertainty low < 0.6308 (0), high > 1.3692 (2)
// class = 3(s − 1) + u:
const CLASSES = [1, 3, 2, 2, 4, 5, 6, 7, 8, 9, 8, 0];
let dir: string;
beforeAll(async () => {
  dir = tmpDir();
  await writeGrid(path.join(dir, 'mean.tif'), grid, V);
  await writeGrid(path.join(dir, 'sd.tif'), grid, U);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('maps:uncertainty-zones', () => {
  it('splits at mean ± K·SD and couples the levels into nine classes', async () => {
    const logs: string[] = [];
    const r = await run('maps:uncertainty-zones', { VALUE: 'mean.tif', UNCERTAINTY: 'sd.tif', OUTPUT: 'zones.tif', OUTPUT_TABLE: 'zones.json' }, { cwd: dir, onLog: (_l, m) => logs.push(m) });
    const res = r.results as Record<string, number>;
    expect(res.K_USED).toBe(0.5);
    expect(res.VALUE_MEAN).toBeCloseTo(6, 12);
    expect(res.VALUE_SD).toBeCloseTo(Math.sqrt(10), 12);
    expect(res.VALUE_LOW).toBeCloseTo(6 - 0.5 * Math.sqrt(10), 12);
    expect(res.VALUE_HIGH).toBeCloseTo(6 + 0.5 * Math.sqrt(10), 12);
    expect(res.UNCERTAINTY_LOW).toBeCloseTo(1 - 0.5 * Math.sqrt(6 / 11), 12);
    expect(res.UNCERTAINTY_HIGH).toBeCloseTo(1 + 0.5 * Math.sqrt(6 / 11), 12);
    expect(res.HOTSPOT_AREA_KM2).toBeCloseTo(3, 9);
    expect(logs.some((m) => /1 cells have a value in only one/.test(m))).toBe(true);

    const { values, nodata, ds } = await readGrid(path.join(dir, 'zones.tif'));
    expect(values).toEqual(CLASSES);
    expect(nodata).toBe(0);
    const band = ds.bands.get(1);
    expect(band.dataType).toBe('Byte');
    expect(band.colorTable).not.toBeNull();
    expect(band.colorTable!.get(7).c4).toBe(255);
    expect(band.categoryNames[7]).toBe('High SOCp – Low uncertainty');
    const md = ds.getMetadata();
    expect(Number(md.ZONES_K)).toBe(0.5);
    expect(Number(md.VALUE_LOW_THRESHOLD)).toBeCloseTo(6 - 0.5 * Math.sqrt(10), 9);
    // the raster attribute table in the PAM sidecar, as GDAL reads it
    const info = JSON.parse(await gdal.infoAsync(ds, ['-json']));
    const rat = info.rat ?? info.bands[0].rat; // GDAL 3.6 puts a single band's RAT at the top level
    expect(rat).toBeDefined();
    expect(rat.fieldDefn.map((f: { name: string }) => f.name)).toContain('Label');
    expect(rat.row).toHaveLength(9);
    expect(rat.row[6].f[1]).toBe('High SOCp – Low uncertainty');
    expect(rat.fieldDefn.find((f: { name: string }) => f.name === 'Area_km2').type).toBe(1);
    ds.close();
    expect(fs.existsSync(path.join(dir, 'zones.qml'))).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'zones.qml'), 'utf8')).toContain('label="High SOCp – Low uncertainty"');

    const summary = JSON.parse(fs.readFileSync(path.join(dir, 'zones.json'), 'utf8'));
    expect(summary.K).toBe(0.5);
    expect(summary.value.low_threshold).toBeCloseTo(4.41886117, 7);
    const counts = summary.classes.map((c: { pixels: number }) => c.pixels);
    expect(counts).toEqual([1, 2, 1, 1, 1, 1, 1, 2, 1]);
    const areas = summary.classes.map((c: { area_km2: number }) => c.area_km2);
    areas.forEach((a: number, i: number) => expect(a).toBeCloseTo(3 * counts[i], 9));
    expect(summary.total_area_km2).toBeCloseTo(33, 9);
    expect(summary.classes[6].label).toBe('High SOCp – Low uncertainty');
  });

  it('K = 1 widens the medium level; CSV table', async () => {
    // K = 1: SOCp low < 6 − √10 = 2.8377 (1, 2), high > 9.1623 (10, 11); uncertainty low < 0.2615 (0), high > 1.7385 (2)
    await run('maps:uncertainty-zones', { VALUE: 'mean.tif', UNCERTAINTY: 'sd.tif', K: 1, OUTPUT: 'z1.tif', OUTPUT_TABLE: 'z1.csv' }, { cwd: dir });
    const { values, ds } = await readGrid(path.join(dir, 'z1.tif'));
    ds.close();
    // v: 1 2 3 4 5 6 7 8 9 10 11 ; u: 0 2 1 1 0 1 2 0 1 2 1
    // s: 1 1 2 2 2 2 2 2 2 3  3  ; u-level: 1 3 2 2 1 2 3 1 2 3 2
    expect(values).toEqual([1, 3, 5, 5, 4, 5, 6, 4, 5, 9, 8, 0]);
    const rows = parseCsvRows(fs.readFileSync(path.join(dir, 'z1.csv'), 'utf8'));
    expect(rows).toHaveLength(9);
    expect(rows[4].label).toBe('Medium SOCp – Medium uncertainty');
    expect(Number(rows[4].pixels)).toBe(4);
    expect(Number(rows[4].area_km2)).toBeCloseTo(12, 9);
  });

  it('refuses maps on different grids', async () => {
    await writeGrid(path.join(dir, 'other.tif'), { ...grid, crs: 3857 }, U);
    await expect(run('maps:uncertainty-zones', { VALUE: 'mean.tif', UNCERTAINTY: 'other.tif', OUTPUT: 'bad.tif' }, { cwd: dir })).rejects.toThrow(/different CRSs/);
    expect(fs.existsSync(path.join(dir, 'bad.tif'))).toBe(false);
  });
});
