// SPDX-License-Identifier: GPL-2.0-or-later
// Strip processing (one-row halo) gives exactly the whole-grid kernel results; terrain:covariates
// writes six named bands equal to the single tools; geographic DEMs are scaled per row.

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { curvature, geographicCellSizes, slopeAspect, twiChain, type Grid } from '../../../algorithms/terrain/kernels/index.js';
import { demPath, identical, readOut, readRaster, runLogged, tmpDir, writeDem } from './helpers.js';

const dir = tmpDir('strips');

/** The whole-grid kernel input the algorithms should reproduce. */
function wholeGrid(dem: 'luxembourg' | 'olinda'): Grid {
  const d = readRaster(dem, 'dem.tif');
  const gt = d.geoTransform;
  if (dem === 'luxembourg') {
    const { dx, dy } = geographicCellSizes(gt, d.height);
    return { data: d.data, width: d.width, height: d.height, dx, dy };
  }
  return { data: d.data, width: d.width, height: d.height, dx: gt[1]!, dy: -gt[5]! };
}

describe('strips with a one-row halo = the whole grid at once, bit for bit', () => {
  for (const dem of ['luxembourg', 'olinda'] as const) {
    it(`${dem}: slope, aspect, curvature with 1, 2, 7 and all rows per strip`, async () => {
      const g = wholeGrid(dem);
      const sa = slopeAspect(g, {});
      const zt = slopeAspect(g, { method: 'zevenbergen-thorne', edges: 'none', units: 'percent' });
      const cv = curvature(g, { convention: 'florinsky' });
      for (const rows of [1, 2, 7, 0]) {
        const s = path.join(dir, `${dem}_s${rows}.tif`);
        const s2 = path.join(dir, `${dem}_zt${rows}.tif`);
        const a = path.join(dir, `${dem}_a${rows}.tif`);
        const pl = path.join(dir, `${dem}_pl${rows}.tif`);
        const pr = path.join(dir, `${dem}_pr${rows}.tif`);
        await runLogged('terrain:slope', { INPUT: demPath(dem), OUTPUT: s, STRIP_ROWS: rows });
        await runLogged('terrain:slope', { INPUT: demPath(dem), OUTPUT: s2, STRIP_ROWS: rows, METHOD: 'zevenbergen-thorne', COMPUTE_EDGES: false, UNITS: 'percent' });
        await runLogged('terrain:aspect', { INPUT: demPath(dem), OUTPUT: a, STRIP_ROWS: rows });
        await runLogged('terrain:curvature', { INPUT: demPath(dem), OUTPUT_PLAN: pl, OUTPUT_PROFILE: pr, STRIP_ROWS: rows, CONVENTION: 'florinsky' });
        expect(identical(readOut(s).data, sa.slope).differ, `slope, ${rows} rows`).toBe(0);
        expect(identical(readOut(s2).data, zt.slope).differ, `ZT slope, ${rows} rows`).toBe(0);
        expect(identical(readOut(a).data, sa.aspect!).differ, `aspect, ${rows} rows`).toBe(0);
        expect(identical(readOut(pl).data, cv.plan).differ, `plan, ${rows} rows`).toBe(0);
        expect(identical(readOut(pr).data, cv.profile).differ, `profile, ${rows} rows`).toBe(0);
      }
    });
  }
});

describe('terrain:covariates', () => {
  it('olinda: six named bands, each equal to the single tool; options in the metadata', async () => {
    const out = path.join(dir, 'cov.tif');
    const r = await runLogged('terrain:covariates', { INPUT: demPath('olinda'), OUTPUT: out, STRIP_ROWS: 5, CONVENTION: 'arcgis', UNITS: 'percent' });
    expect(r.results.BANDS).toBe('elevation,slope,aspect,plan_curvature,profile_curvature,twi');
    const names = [1, 2, 3, 4, 5, 6].map((b) => readOut(out, b).description);
    expect(names).toEqual(['elevation', 'slope', 'aspect', 'plan_curvature', 'profile_curvature', 'twi']);
    const single: [number, string, Record<string, unknown>, string][] = [
      [2, 'terrain:slope', { UNITS: 'percent' }, 'OUTPUT'],
      [3, 'terrain:aspect', {}, 'OUTPUT'],
      [4, 'terrain:curvature', { CONVENTION: 'arcgis' }, 'OUTPUT_PLAN'],
      [5, 'terrain:curvature', { CONVENTION: 'arcgis' }, 'OUTPUT_PROFILE'],
      [6, 'terrain:twi', {}, 'OUTPUT'],
    ];
    for (const [band, id, params, key] of single) {
      const f = path.join(dir, `single_${band}.tif`);
      await runLogged(id, { INPUT: demPath('olinda'), [key]: f, ...params });
      expect(identical(readOut(out, band).data, readOut(f).data).differ, `band ${band}`).toBe(0);
    }
    expect(identical(readOut(out, 1).data, readRaster('olinda', 'dem.tif').data).differ).toBe(0);
    const md = readOut(out).metadata;
    expect(md.CURVATURE_CONVENTION).toBe('arcgis');
    expect(md.CURVATURE_UNITS).toBe('1/100 m');
    expect(md.PROFILE_CURVATURE).toMatch(/negative = convex/);
    expect(md.SLOPE_UNITS).toBe('percent');
    expect(md.TWI_FLOW).toBe('mfd');
    expect(md.ASPECT_FLAT_VALUE).toBe('-1');
  });

  it('luxembourg (geographic, nodata): TWI band = twiChain on per-row metre cell sizes', async () => {
    const out = path.join(dir, 'cov_lux.tif');
    await runLogged('terrain:covariates', { INPUT: demPath('luxembourg'), OUTPUT: out });
    const g = wholeGrid('luxembourg');
    expect(identical(readOut(out, 6).data, twiChain(g).twi).differ).toBe(0);
    expect(identical(readOut(out, 2).data, slopeAspect(g).slope).differ).toBe(0);
  });
});

describe('geographic DEM (Luxembourg, EPSG:4326, 30″ cells)', () => {
  it('slopes are sensible (not the 85–90° of unscaled degrees), and the scaling is logged', async () => {
    const out = path.join(dir, 'lux_slope.tif');
    const r = await runLogged('terrain:slope', { INPUT: demPath('luxembourg'), OUTPUT: out });
    expect(r.warnings).toEqual([]);
    expect(r.logs.some((l) => /geographic DEM: .*595\.\d+ m \(north row\) … 604\.\d+ m \(south row\)/.test(l))).toBe(true);
    const s = readOut(out).data;
    let max = 0, sum = 0, n = 0;
    for (const v of s) if (!Number.isNaN(v)) { max = Math.max(max, v); sum += v; n++; }
    expect(max).toBeGreaterThan(3);
    expect(max).toBeLessThan(15);
    expect(sum / n).toBeLessThan(3);
    // gdaldem 3.6 on the same file, unscaled
    let raw = 0;
    for (const v of readRaster('luxembourg', 'gdal_slope_horn_edges.tif').data) if (v > raw) raw = v;
    expect(raw).toBeGreaterThan(85);
    expect(readOut(out).metadata.CELL_SIZE).toMatch(/geographic CRS/);
  });

  it('a plane on a geographic grid: the slope from metres per row, checked by hand', async () => {
    // z rises 1 m per north-south cell of 0.01° (≈ 1112 m at 45° N): slope atan(1 / dy)
    const f = writeDem(path.join(dir, 'geo_plane.tif'), 9, 9, (r) => 100 - r, { epsg: 4326, cell: 0.01 });
    // writeDem's origin (500000, 5500000) is not geographic; rewrite it at 45° N
    const gdal = (await import('gdal-async')).default;
    const ds = gdal.open(f, 'r+');
    ds.geoTransform = [10, 0.01, 0, 45.045, 0, -0.01];
    ds.close();
    const out = path.join(dir, 'geo_plane_slope.tif');
    await runLogged('terrain:slope', { INPUT: f, OUTPUT: out, UNITS: 'percent' });
    const dy = geographicCellSizes([10, 0.01, 0, 45.045, 0, -0.01], 9).dy;
    const s = readOut(out).data;
    expect(s[4 * 9 + 4]).toBeCloseTo(100 / dy[4]!, 5);
    expect(100 / dy[4]!).toBeCloseTo(100 / 1111.4, 3);
  });
});
