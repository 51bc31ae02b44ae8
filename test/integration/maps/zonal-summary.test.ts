// SPDX-License-Identifier: GPL-2.0-or-later
// Table 4 on a 4 × 3 raster computed by hand (areas, totals, means, shares).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import gdal from 'gdal-async';
import { run } from '../../../toolbox/run.js';
import { parseCsvRows, tmpDir, writeGrid, type GridSpec } from './helpers.js';

// EPSG:6933 (cylindrical equal area), cells 2000 m × 1500 m = 3 km² each.
const grid: GridSpec = { width: 4, height: 3, geoTransform: [1_000_000, 2000, 0, 4_000_000, 0, -1500], crs: 6933 };
const N = NaN;
const values = [
  5, 7, 9, 11,
  6, N, 8, 10,
  4, 5, 6, 12,
];
const zones = [
  1, 1, 2, 2,
  1, 1, 2, 3,
  3, 3, 2, 0, // 0 = nodata: the 12 lies outside every zone
];
// By hand (cell area 3 km²; Tg = kg m⁻² × km² × 10⁻³):
// zone 1: 5 + 7 + 6 = 18 over 3 valid cells (one nodata) → area 9 km², total 18·3·10⁻³ = 0.054 Tg, mean 6
// zone 2: 9 + 11 + 8 + 6 = 34 over 4 cells → 12 km², 0.102 Tg, mean 8.5
// zone 3: 10 + 4 + 5 = 19 over 3 cells → 9 km², 0.057 Tg, mean 19/3
// Total: 30 km², 0.213 Tg, mean 7.1; shares of area 30/40/30 %, of total 54/213, 102/213, 57/213.
const expected = [
  { code: 1, zone: 'farmland', cells: 3, area: 9, mean: 6, total: 0.054, aShare: 30, tShare: (100 * 54) / 213, missing: 1 },
  { code: 2, zone: 'forest', cells: 4, area: 12, mean: 8.5, total: 0.102, aShare: 40, tShare: (100 * 102) / 213, missing: 0 },
  { code: 3, zone: 'grassland', cells: 3, area: 9, mean: 19 / 3, total: 0.057, aShare: 30, tShare: (100 * 57) / 213, missing: 0 },
  { code: null, zone: 'Total', cells: 10, area: 30, mean: 7.1, total: 0.213, aShare: 100, tShare: 100, missing: 1 },
];

let dir: string;
beforeAll(async () => {
  dir = tmpDir();
  await writeGrid(path.join(dir, 'hassink.tif'), grid, values);
  await writeGrid(path.join(dir, 'double.tif'), grid, values.map((v) => 2 * v));
  await writeGrid(path.join(dir, 'landuse.tif'), grid, zones, { type: 'Byte', nodata: 0 });
  // the same land use on a larger grid (one extra column to the west): must be resampled
  const wider: GridSpec = { ...grid, width: 5, geoTransform: [998_000, 2000, 0, 4_000_000, 0, -1500] };
  const wz: number[] = [];
  for (let r = 0; r < 3; r++) wz.push(4, ...zones.slice(r * 4, r * 4 + 4));
  await writeGrid(path.join(dir, 'landuse_wide.tif'), wider, wz, { type: 'Byte', nodata: 0 });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function check(rows: Record<string, string | number | null>[], input: string, factor = 1) {
  const mine = rows.filter((r) => r.input === input);
  expect(mine).toHaveLength(4);
  mine.forEach((r, i) => {
    const e = expected[i];
    expect(r.zone).toBe(e.zone);
    expect(r.zone_code === '' || r.zone_code === null ? null : Number(r.zone_code)).toBe(e.code);
    expect(Number(r.cells)).toBe(e.cells);
    expect(Number(r.area_km2)).toBeCloseTo(e.area, 9);
    expect(Number(r.mean_kgC_m2)).toBeCloseTo(e.mean * factor, 9);
    expect(Number(r.total_TgC)).toBeCloseTo(e.total * factor, 12);
    expect(Number(r.area_share_pct)).toBeCloseTo(e.aShare, 9);
    expect(Number(r.total_share_pct)).toBeCloseTo(e.tShare, 9);
    expect(Number(r.cells_without_value)).toBe(e.missing);
  });
  // the Total row adds up exactly
  const zs = mine.slice(0, 3).reduce((s, r) => s + Number(r.total_TgC), 0);
  expect(Number(mine[3].total_TgC)).toBe(zs);
}

describe('maps:zonal-summary', () => {
  it('computes Table 4 for two maps (CSV) with LABELS', async () => {
    const out = path.join(dir, 'table4.csv');
    const logs: string[] = [];
    const r = await run('maps:zonal-summary', {
      INPUT: [path.join(dir, 'hassink.tif'), path.join(dir, 'double.tif')], NAMES: 'hassink,double',
      ZONES: path.join(dir, 'landuse.tif'), LABELS: '1=farmland,2=forest,3=grassland,4=other', OUTPUT: out,
    }, { onLog: (_l, m) => logs.push(m) });
    const rows = parseCsvRows(fs.readFileSync(out, 'utf8'));
    check(rows, 'hassink');
    check(rows, 'double', 2);
    expect((r.results.TOTALS_TGC as Record<string, number>).hassink).toBeCloseTo(0.213, 12);
    expect(logs.some((m) => /1 cells with a value lie outside every zone/.test(m))).toBe(true);
    expect(fs.existsSync(out + '.socp.json')).toBe(true);
  });

  it('writes JSON and resamples land use on another grid with nearest neighbour, saying so', async () => {
    const out = path.join(dir, 'table4.json');
    const logs: string[] = [];
    await run('maps:zonal-summary', {
      INPUT: path.join(dir, 'hassink.tif'), ZONES: path.join(dir, 'landuse_wide.tif'),
      LABELS: '1=farmland,2=forest,3=grassland', OUTPUT: out,
    }, { onLog: (_l, m) => logs.push(m) });
    const rows = JSON.parse(fs.readFileSync(out, 'utf8'));
    check(rows, 'hassink');
    expect(logs.some((m) => /resampled .* nearest neighbour/.test(m))).toBe(true);
  });

  it('rasterises polygons with a text field as zones', async () => {
    // west half (x < 1 004 000) "farmland", east half "forest": cells 0–1 vs 2–3 of each row
    const gj = {
      type: 'FeatureCollection',
      crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::6933' } },
      features: [
        { type: 'Feature', properties: { lu: 'farmland' }, geometry: { type: 'Polygon', coordinates: [[[1_000_000, 3_995_500], [1_004_000, 3_995_500], [1_004_000, 4_000_000], [1_000_000, 4_000_000], [1_000_000, 3_995_500]]] } },
        { type: 'Feature', properties: { lu: 'forest' }, geometry: { type: 'Polygon', coordinates: [[[1_004_000, 3_995_500], [1_008_000, 3_995_500], [1_008_000, 4_000_000], [1_004_000, 4_000_000], [1_004_000, 3_995_500]]] } },
      ],
    };
    const vec = path.join(dir, 'lu.geojson');
    fs.writeFileSync(vec, JSON.stringify(gj));
    const out = path.join(dir, 'poly.csv');
    await run('maps:zonal-summary', { INPUT: path.join(dir, 'hassink.tif'), ZONES_VECTOR: vec, ZONE_FIELD: 'lu', OUTPUT: out });
    const rows = parseCsvRows(fs.readFileSync(out, 'utf8'));
    // farmland: 5 7 6 4 5 = 27 over 5 cells (15 km²) → 0.081 Tg; forest: 9 11 8 10 6 12 = 56 over 6 cells (18 km²) → 0.168 Tg
    expect(rows.map((r) => r.zone)).toEqual(['farmland', 'forest', 'Total']);
    expect(Number(rows[0].area_km2)).toBeCloseTo(15, 9);
    expect(Number(rows[0].total_TgC)).toBeCloseTo(0.081, 12);
    expect(Number(rows[1].area_km2)).toBeCloseTo(18, 9);
    expect(Number(rows[1].total_TgC)).toBeCloseTo(0.168, 12);
    expect(Number(rows[2].total_TgC)).toBeCloseTo(0.249, 12);
  });

  it('uses ellipsoidal row areas on a geographic grid', async () => {
    // 2 × 2 cells of 1° at 40–42°N; every value 10 kg m⁻², one zone
    const g: GridSpec = { width: 2, height: 2, geoTransform: [120, 1, 0, 42, 0, -1], crs: 4326 };
    await writeGrid(path.join(dir, 'geo.tif'), g, [10, 10, 10, 10]);
    await writeGrid(path.join(dir, 'geo_zone.tif'), g, [1, 1, 1, 1], { type: 'Byte', nodata: 0 });
    const out = path.join(dir, 'geo.csv');
    await run('maps:zonal-summary', { INPUT: path.join(dir, 'geo.tif'), ZONES: path.join(dir, 'geo_zone.tif'), OUTPUT: out });
    const rows = parseCsvRows(fs.readFileSync(out, 'utf8'));
    // closed form on WGS84: A = a²·Δλ/2·(q(φ2) − q(φ1)), here for 40–42°N and Δλ = 2°
    const a = 6378137;
    const f = 1 / 298.257223563;
    const e = Math.sqrt(f * (2 - f));
    const q = (deg: number) => {
      const s = Math.sin((deg * Math.PI) / 180);
      return (1 - e * e) * (s / (1 - e * e * s * s) + Math.log((1 + e * s) / (1 - e * s)) / (2 * e));
    };
    const areaKm2 = ((a * a) / 2) * ((2 * Math.PI) / 180) * (q(42) - q(40)) * 1e-6;
    expect(Number(rows[0].area_km2)).toBeCloseTo(areaKm2, 6);
    expect(Number(rows[0].total_TgC)).toBeCloseTo(10 * areaKm2 * 1e-3, 9);
    expect(Number(rows[0].mean_kgC_m2)).toBeCloseTo(10, 9);
    expect(rows[0].zone).toBe('zone 1');
  });

  it('refuses misaligned inputs and bad parameters, leaving no output', async () => {
    const other: GridSpec = { ...grid, geoTransform: [1_000_100, 2000, 0, 4_000_000, 0, -1500] };
    await writeGrid(path.join(dir, 'shifted.tif'), other, values);
    const out = path.join(dir, 'bad.csv');
    await expect(run('maps:zonal-summary', { INPUT: [path.join(dir, 'hassink.tif'), path.join(dir, 'shifted.tif')], ZONES: path.join(dir, 'landuse.tif'), OUTPUT: out }))
      .rejects.toThrow(/not on the grid/);
    await expect(run('maps:zonal-summary', { INPUT: path.join(dir, 'hassink.tif'), OUTPUT: out })).rejects.toThrow(/ZONES/);
    await expect(run('maps:zonal-summary', { INPUT: path.join(dir, 'hassink.tif'), ZONES: path.join(dir, 'landuse.tif'), LABELS: 'farmland', OUTPUT: out }))
      .rejects.toThrow(/code=label/);
    await writeGrid(path.join(dir, 'frac.tif'), grid, values.map((v) => v + 0.5));
    await expect(run('maps:zonal-summary', { INPUT: path.join(dir, 'hassink.tif'), ZONES: path.join(dir, 'frac.tif'), OUTPUT: out }))
      .rejects.toThrow(/not a whole number/);
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.socp-'))).toEqual([]);
    void gdal;
  });
});
