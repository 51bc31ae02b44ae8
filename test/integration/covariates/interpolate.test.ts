// SPDX-License-Identifier: GPL-2.0-or-later
// covariates:interpolate against hand calculations and against gdal_grid (GDAL's own gridding,
// run here from gdal-bin on the same points and grid).

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../../toolbox/run.js';
import interpolate from '../../../algorithms/covariates/interpolate.js';
import { gdalCli, lcg, leftovers, maxDiff, readBand, tmpDir } from './helpers.js';

const CRS = 'EPSG:32617';

function writePoints(dir: string, name: string, rows: [number, number, number | string, (number | string)?][], header = 'x,y,v'): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, header + '\n' + rows.map((r) => r.filter((v) => v !== undefined).join(',')).join('\n') + '\n');
  return f;
}

/** An OGR VRT over a CSV so that gdal_grid reads the very same points. */
function ogrVrt(csv: string, xf = 'x', yf = 'y'): string {
  const f = csv.replace(/\.csv$/, '.vrt');
  const layer = path.basename(csv, '.csv');
  fs.writeFileSync(f, `<OGRVRTDataSource><OGRVRTLayer name="${layer}"><SrcDataSource>${csv}</SrcDataSource>` +
    `<GeometryType>wkbPoint</GeometryType><LayerSRS>${CRS}</LayerSRS>` +
    `<GeometryField encoding="PointFromColumns" x="${xf}" y="${yf}"/></OGRVRTLayer></OGRVRTDataSource>`);
  return f;
}

describe('covariates:interpolate — hand calculation', () => {
  const dir = tmpDir('idw-hand');
  const pts: [number, number, number][] = [[1, 1, 10], [3, 7, 20], [8, 2, 5], [6, 6, 30]];
  const csv = writePoints(dir, 'four.csv', pts);

  it('IDW power 2 at a cell centre equals Σ z/d² / Σ 1/d²', async () => {
    const out = path.join(dir, 'idw.tif');
    const r = await run(interpolate, {
      INPUT: csv, FIELD: 'v', POINTS_CRS: CRS, CRS, RESOLUTION: [2], EXTENT: '0,10,0,10', OUTPUT: out,
    });
    expect(r.results.POINTS).toBe(4);
    const b = readBand(out);
    expect([b.width, b.height]).toEqual([5, 5]);
    // cell (col 2, row 2) has its centre at (5, 5); squared distances to the points:
    const d2 = [(5 - 1) ** 2 + (5 - 1) ** 2, (5 - 3) ** 2 + (5 - 7) ** 2, (5 - 8) ** 2 + (5 - 2) ** 2, (5 - 6) ** 2 + (5 - 6) ** 2]; // 32, 8, 18, 2
    const num = 10 / d2[0] + 20 / d2[1] + 5 / d2[2] + 30 / d2[3];
    const den = 1 / d2[0] + 1 / d2[1] + 1 / d2[2] + 1 / d2[3];
    expect(num / den).toBeCloseTo(25.41463, 4);
    expect(b.data[2 * 5 + 2]).toBeCloseTo(num / den, 4); // Float32 output
    // cell (col 1, row 1) has its centre (3, 7) on a station: the station's value
    expect(b.data[1 * 5 + 1]).toBe(20);
    expect(b.description).toBe('v');
  });

  it('IDW with MAX_POINTS 2: only the two nearest stations', async () => {
    const out = path.join(dir, 'idw2.tif');
    await run(interpolate, {
      INPUT: csv, FIELD: 'v', POINTS_CRS: CRS, CRS, RESOLUTION: [2], EXTENT: '0,10,0,10', MAX_POINTS: 2, OUTPUT: out,
    });
    const b = readBand(out);
    // at (5, 5) the two nearest are (6,6) d²=2 and (3,7) d²=8
    expect(b.data[12]).toBeCloseTo((30 / 2 + 20 / 8) / (1 / 2 + 1 / 8), 4);
  });

  it('RADIUS + MIN_POINTS leave cells with too few stations as nodata, with a named warning', async () => {
    const out = path.join(dir, 'idw-r.tif');
    const warnings: string[] = [];
    const r = await run(interpolate, {
      INPUT: csv, FIELD: 'v', POINTS_CRS: CRS, CRS, RESOLUTION: [2], EXTENT: '0,10,0,10', RADIUS: 3, MIN_POINTS: 2, OUTPUT: out,
    }, { onLog: (l, m) => l === 'warning' && warnings.push(m) });
    const b = readBand(out);
    // centre (5,5): within 3 are (6,6) d=1.41 and (3,7) d=2.83 → two points → value
    expect(b.data[12]).toBeCloseTo((30 / 2 + 20 / 8) / (1 / 2 + 1 / 8), 4);
    // centre (9, 9) (col 4, row 0): only (6,6) at d=4.24 > 3 → nothing → nodata
    expect(b.data[4]).toBeNaN();
    expect(r.results.NODATA_CELLS).toBeGreaterThan(0);
    expect(warnings.some((w) => w.startsWith('too-few-points:'))).toBe(true);
  });

  it('nearest and moving average by hand', async () => {
    const outN = path.join(dir, 'nn.tif');
    await run(interpolate, { INPUT: csv, FIELD: 'v', POINTS_CRS: CRS, CRS, RESOLUTION: [2], EXTENT: '0,10,0,10', METHOD: 'nearest', OUTPUT: outN });
    const n = readBand(outN);
    expect(n.data[12]).toBe(30); // (5,5) nearest (6,6)
    expect(n.data[4 * 5 + 0]).toBe(10); // (1,1)
    const outA = path.join(dir, 'avg.tif');
    await run(interpolate, { INPUT: csv, FIELD: 'v', POINTS_CRS: CRS, CRS, RESOLUTION: [2], EXTENT: '0,10,0,10', METHOD: 'moving_average', RADIUS: 4.3, OUTPUT: outA });
    const a = readBand(outA);
    // (5,5): within 4.3 are (3,7) 2.83, (8,2) 4.24, (6,6) 1.41 → mean of 20, 5, 30
    expect(a.data[12]).toBeCloseTo((20 + 5 + 30) / 3, 5);
  });

  it('YEAR_FIELD: yearly rasters, then their mean', async () => {
    const yc = writePoints(dir, 'years.csv', [
      [1, 1, 10, 2001], [9, 9, 20, 2001],
      [1, 1, 14, 2002], [9, 9, 30, 2002], [5, 5, 100, 2002],
    ], 'x,y,v,year');
    const out = path.join(dir, 'ymean.tif');
    const outY = path.join(dir, 'years.tif');
    await run(interpolate, {
      INPUT: yc, FIELD: 'v', YEAR_FIELD: 'year', POINTS_CRS: CRS, CRS, RESOLUTION: [2], EXTENT: '0,10,0,10', METHOD: 'nearest', OUTPUT: out, OUTPUT_YEARS: outY,
    });
    const m = readBand(out);
    const y1 = readBand(outY, 1);
    const y2 = readBand(outY, 2);
    expect(y1.description).toBe('v_2001');
    expect(y2.description).toBe('v_2002');
    // centre (5,5): 2001 has a tie of (1,1) and (9,9) at equal distance — take (1,1) (first point)
    // 2002: the station at (5,5) itself, 100
    expect(y2.data[12]).toBe(100);
    expect(m.data[12]).toBeCloseTo((y1.data[12] + 100) / 2, 5);
    // centre (1,1): 2001 → 10, 2002 → 14 → mean 12
    expect(m.data[20]).toBeCloseTo(12, 6);
  });
});

describe('covariates:interpolate equals gdal_grid', () => {
  const dir = tmpDir('idw-gdal');
  const rnd = lcg(42);
  const rows: [number, number, number][] = [];
  for (let i = 0; i < 150; i++) {
    const x = 500000 + rnd() * 6000;
    const y = 3900000 + rnd() * 4000;
    rows.push([+x.toFixed(3), +y.toFixed(3), +(10 + 0.002 * (x - 500000) + 5 * Math.sin((y - 3900000) / 700) + rnd()).toFixed(4)]);
  }
  const csv = writePoints(dir, 'stations.csv', rows);
  const vrt = ogrVrt(csv);
  // a grid that goes beyond the points on every side (so radius searches leave empty cells)
  const [xmin, xmax, ymin, ymax, res] = [499000, 507000, 3899000, 3905000, 100];
  const w = (xmax - xmin) / res;
  const h = (ymax - ymin) / res;
  const ours = async (name: string, extra: Record<string, unknown>) => {
    const out = path.join(dir, name);
    await run(interpolate, {
      INPUT: csv, FIELD: 'v', POINTS_CRS: CRS, CRS, RESOLUTION: [res], EXTENT: `${xmin},${xmax},${ymin},${ymax}`, OUTPUT: out, ...extra,
    });
    return readBand(out);
  };
  const theirs = (name: string, algo: string) => {
    const out = path.join(dir, name);
    // GDAL_USE_AVX/SSE NO: gdal_grid's vectorised invdist:power=2 path computes in float32; the
    // reference is the double-precision path
    gdalCli('gdal_grid', ['--config', 'GDAL_USE_AVX', 'NO', '--config', 'GDAL_USE_SSE', 'NO', '-q', '-zfield', 'v', '-a', algo, '-txe', `${xmin}`, `${xmax}`, '-tye', `${ymax}`, `${ymin}`,
      '-outsize', `${w}`, `${h}`, '-ot', 'Float64', '-a_srs', CRS, vrt, out]);
    return readBand(out);
  };

  it('METHOD idw, all points = gdal_grid -a invdist:power=2', async () => {
    const a = await ours('idw_all.tif', {});
    const b = theirs('gg_invdist.tif', 'invdist:power=2:nodata=-9999');
    expect(a.gt).toEqual(b.gt);
    const d = maxDiff(a.data, b.data);
    expect(d.nanMismatch).toBe(0);
    expect(d.maxAbs).toBeLessThan(1e-5); // our output is Float32

  });

  it('POWER 3 = gdal_grid -a invdist:power=3', async () => {
    const a = await ours('idw_p3.tif', { POWER: 3 });
    const b = theirs('gg_invdist3.tif', 'invdist:power=3:nodata=-9999');
    const d = maxDiff(a.data, b.data);
    expect(d.nanMismatch).toBe(0);
    expect(d.maxAbs).toBeLessThan(1e-4);
  });

  it('RADIUS, MAX_POINTS, MIN_POINTS = gdal_grid -a invdistnn', async () => {
    const a = await ours('idw_nn.tif', { RADIUS: 700, MAX_POINTS: 8, MIN_POINTS: 3 });
    const b = theirs('gg_invdistnn.tif', 'invdistnn:power=2:radius=700:max_points=8:min_points=3:nodata=-9999');
    const d = maxDiff(a.data, b.data);
    let nodata = 0;
    for (const v of b.data) if (Number.isNaN(v)) nodata++;
    expect(nodata).toBeGreaterThan(0); // the test does exercise MIN_POINTS
    expect(d.nanMismatch).toBe(0);
    expect(d.maxAbs).toBeLessThan(1e-4);
  });

  it('nearest = gdal_grid -a nearest', async () => {
    const a = await ours('nn.tif', { METHOD: 'nearest' });
    const b = theirs('gg_nearest.tif', 'nearest:radius1=0:radius2=0:nodata=-9999');
    const d = maxDiff(a.data, b.data);
    expect(d.nanMismatch).toBe(0);
    expect(d.maxAbs).toBeLessThan(1e-4);
  });

  it('moving_average = gdal_grid -a average', async () => {
    const a = await ours('avg.tif', { METHOD: 'moving_average', RADIUS: 600, MIN_POINTS: 2 });
    const b = theirs('gg_average.tif', 'average:radius1=600:radius2=600:min_points=2:nodata=-9999');
    const d = maxDiff(a.data, b.data);
    expect(d.nanMismatch).toBe(0);
    expect(d.maxAbs).toBeLessThan(1e-4);
  });

  it('points in lon/lat are reprojected to the grid CRS', async () => {
    // the same stations given in EPSG:4326 (transformed by gdal-bin's ogr2ogr) give the same grid
    const geo = path.join(dir, 'stations_ll.csv');
    gdalCli('ogr2ogr', ['-f', 'CSV', '-t_srs', 'EPSG:4326', '-lco', 'GEOMETRY=AS_XY', '-lco', 'COORDINATE_PRECISION=12', geo, vrt]);
    const lines = fs.readFileSync(geo, 'utf8').trim().split('\n');
    // columns X,Y,x,y,v → lon,lat,v
    const ll = path.join(dir, 'stations_lonlat.csv');
    fs.writeFileSync(ll, 'lon,lat,v\n' + lines.slice(1).map((l) => { const c = l.split(','); return `${c[0]},${c[1]},${c[4]}`; }).join('\n') + '\n');
    const out = path.join(dir, 'idw_ll.tif');
    const logs: string[] = [];
    await run(interpolate, {
      INPUT: ll, FIELD: 'v', CRS, RESOLUTION: [res], EXTENT: `${xmin},${xmax},${ymin},${ymax}`, RADIUS: 700, MAX_POINTS: 8, MIN_POINTS: 3, OUTPUT: out,
    }, { onLog: (_l, m) => logs.push(m) });
    expect(logs.some((m) => m.includes('reprojected from EPSG:4326 to EPSG:32617'))).toBe(true);
    const b = theirs('gg_invdistnn2.tif', 'invdistnn:power=2:radius=700:max_points=8:min_points=3:nodata=-9999');
    const a = readBand(out);
    const d = maxDiff(a.data, b.data);
    expect(d.nanMismatch).toBeLessThanOrEqual(2); // cells exactly at the radius edge may flip by 1e-9 m
    expect(d.maxAbs).toBeLessThan(1e-3);
  });
});

describe('covariates:interpolate — bad input', () => {
  const dir = tmpDir('idw-bad');
  const run1 = (extra: Record<string, unknown>, csv: string) => run(interpolate, {
    INPUT: csv, FIELD: 'v', CRS, RESOLUTION: [2], EXTENT: '0,10,0,10', OUTPUT: path.join(dir, 'out.tif'), ...extra,
  });
  const inputs = ['nocrs.csv', 'text.csv', 'few.csv'];

  it('points without a CRS: error naming POINTS_CRS, nothing written', async () => {
    const csv = writePoints(dir, 'nocrs.csv', [[1, 1, 1], [2, 2, 2]], 'easting,northing,v');
    await expect(run1({}, csv)).rejects.toThrow(/no CRS; give it with POINTS_CRS/);
    expect(leftovers(dir, inputs)).toEqual([]);
  });

  it('a field with text: error naming field and row', async () => {
    const csv = writePoints(dir, 'text.csv', [[1, 1, 1], [2, 2, 'high']]);
    await expect(run1({ POINTS_CRS: CRS }, csv)).rejects.toThrow(/field "v" \(FIELD\), row 2: "high" is not a number/);
    expect(leftovers(dir, inputs)).toEqual([]);
  });

  it('fewer points than MIN_POINTS: error', async () => {
    const csv = writePoints(dir, 'few.csv', [[1, 1, 1], [2, 2, 2]]);
    await expect(run1({ POINTS_CRS: CRS, MIN_POINTS: 3 }, csv)).rejects.toThrow(/only 2 usable points but MIN_POINTS is 3/);
    expect(leftovers(dir, inputs)).toEqual([]);
  });

  it('a radius that reaches no cell: error, not an all-nodata raster', async () => {
    const csv = writePoints(dir, 'few.csv', [[100, 100, 1], [101, 101, 2]]);
    await expect(run1({ POINTS_CRS: CRS, RADIUS: 1 }, csv)).rejects.toThrow(/all nodata/);
    expect(leftovers(dir, inputs)).toEqual([]);
  });

  it('moving average without radius, no grid: usage errors', async () => {
    const csv = path.join(dir, 'few.csv');
    await expect(run1({ POINTS_CRS: CRS, METHOD: 'moving_average' }, csv)).rejects.toThrow(/needs a RADIUS/);
    await expect(run(interpolate, { INPUT: csv, FIELD: 'v', POINTS_CRS: CRS, OUTPUT: path.join(dir, 'o.tif') })).rejects.toThrow(/give REFERENCE/);
  });
});
