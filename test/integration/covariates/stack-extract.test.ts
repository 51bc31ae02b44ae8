// SPDX-License-Identifier: GPL-2.0-or-later
// covariates:stack against gdalwarp (run here from gdal-bin with the same options) and
// covariates:extract against cell values located by hand; then the chain on real data:
// North Carolina monthly pr/tas → annual totals/means → stack on a UTM grid → values at points;
// Landsat 7 of Olinda → NDVI → stacked on the 90 m Olinda DEM grid.

import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { run } from '../../../toolbox/run.js';
import stack from '../../../algorithms/covariates/stack.js';
import extract from '../../../algorithms/covariates/extract.js';
import temporalMean from '../../../algorithms/covariates/temporal-mean.js';
import ndvi from '../../../algorithms/covariates/ndvi.js';
import { FIXTURES, bandCount, gdalCli, leftovers, maxDiff, readBand, tmpDir, writeRaster } from './helpers.js';

const NC = path.join(FIXTURES, 'bcsd_obs_1999.nc');
const L7 = path.join(FIXTURES, 'olinda_L7_ETMs_crop.tif');
const LC = path.join(FIXTURES, 'pr_landcover.tif');
const OLINDA_DEM = path.join(FIXTURES, 'olinda_dem_utm25s.tif');

const UTM = 'EPSG:32617';
const EXT = [150000, 950000, 3650000, 4150000]; // xmin, xmax, ymin, ymax: North Carolina in UTM 17N
const RES = 10000;

function logs() {
  const all: { level: string; m: string }[] = [];
  return { all, onLog: (level: string, m: string) => all.push({ level, m }) };
}

describe('chain on real data: NC climate → annual layers → stack (= gdalwarp) → extract', () => {
  const dir = tmpDir('chain');
  const map = path.join(dir, 'map.tif');
  const mat = path.join(dir, 'mat.tif');
  const st = path.join(dir, 'stack.tif');

  it('monthly pr and tas → annual total and mean', async () => {
    await run(temporalMean, { INPUTS: [NC], VARIABLE: 'pr', STATISTIC: 'sum', MIN_VALID: 12, OUTPUT: map });
    await run(temporalMean, { INPUTS: [NC], VARIABLE: 'tas', OUTPUT: mat });
    expect(readBand(map).width).toBe(81);
  });

  it('stack on a 10 km UTM grid equals gdalwarp -r bilinear, layers reprojected and logged', async () => {
    const l = logs();
    const r = await run(stack, {
      INPUTS: [map, mat], NAMES: ['MAP', 'MAT'], CRS: UTM, RESOLUTION: [RES], EXTENT: EXT.join(','), SOURCE_CRS: 'EPSG:4326', OUTPUT: st,
    }, { onLog: l.onLog });
    expect(r.results.BANDS).toBe('MAP,MAT');
    expect(l.all.some((x) => /MAP: reprojected from EPSG:4326 to EPSG:32617 \(bilinear\)/.test(x.m))).toBe(true);
    expect(l.all.some((x) => x.level === 'warning' && x.m.startsWith('partial-coverage: MAP'))).toBe(true);
    expect(bandCount(st)).toBe(2);
    for (const [band, src, name] of [[1, map, 'MAP'], [2, mat, 'MAT']] as const) {
      const ref = path.join(dir, `gdalwarp_${name}.tif`);
      gdalCli('gdalwarp', ['-q', '-overwrite', '-s_srs', 'EPSG:4326', '-t_srs', UTM, '-te', `${EXT[0]}`, `${EXT[2]}`, `${EXT[1]}`, `${EXT[3]}`,
        '-tr', `${RES}`, `${RES}`, '-r', 'bilinear', '-ot', 'Float32', '-dstnodata', '-3.4028234663852886e+38', src, ref]);
      const a = readBand(st, band);
      const b = readBand(ref);
      expect(a.description).toBe(name);
      expect(a.gt).toEqual(b.gt);
      const d = maxDiff(a.data, b.data);
      expect(d.nanMismatch).toBe(0);
      expect(d.maxAbs).toBe(0);
      expect(b.data.some((v) => !Number.isNaN(v))).toBe(true);
    }
  });

  it('VRT output: same values and band names, light file + one warped VRT per layer', async () => {
    const vrt = path.join(dir, 'stack.vrt');
    await run(stack, { INPUTS: [map, mat], NAMES: ['MAP', 'MAT'], CRS: UTM, RESOLUTION: [RES], EXTENT: EXT.join(','), SOURCE_CRS: 'EPSG:4326', OUTPUT: vrt });
    for (const band of [1, 2]) {
      const a = readBand(vrt, band);
      const b = readBand(st, band);
      expect(a.description).toBe(b.description);
      expect(maxDiff(a.data, b.data)).toEqual({ maxAbs: 0, nanMismatch: 0 });
    }
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('stack.') && f.endsWith('.vrt')).sort()).toEqual(['stack.1_MAP.vrt', 'stack.2_MAT.vrt', 'stack.vrt']);
  });

  it('extract at points given in lon/lat (EPSG:4326, x = longitude): cells by hand; outside and nodata rows kept and listed', async () => {
    const pts = path.join(dir, 'sites.csv');
    // Raleigh, Charlotte, a point in the Atlantic (on the grid, no data), a point in Spain (outside)
    fs.writeFileSync(pts, 'site,lon,lat\nraleigh,-78.64,35.78\ncharlotte,-80.84,35.23\natlantic,-76.5,34.2\nspain,-3.7,40.4\n');
    const out = path.join(dir, 'sites_cov.csv');
    const l = logs();
    const r = await run(extract, { POINTS: pts, STACK: st, OUTPUT: out }, { onLog: l.onLog });
    expect(r.results.OUTSIDE).toBe(1);
    expect(r.results.ON_NODATA).toBe(1);
    const rows = fs.readFileSync(out, 'utf8').trim().split('\n').map((s) => s.split(','));
    expect(rows[0]).toEqual(['site', 'lon', 'lat', 'MAP', 'MAT']);
    expect(rows.length).toBe(5); // never dropped
    // expected cells: project with gdaltransform (independent of our code), locate the cell by hand
    const a = readBand(st, 1);
    const t = readBand(st, 2);
    for (const [k, lon, lat] of [[1, -78.64, 35.78], [2, -80.84, 35.23]] as const) {
      const xy = execFileSync('gdaltransform', ['-s_srs', 'EPSG:4326', '-t_srs', UTM, '-output_xy'], { input: `${lon} ${lat}\n`, encoding: 'utf8' }).trim().split(/\s+/).map(Number);
      const col = Math.floor((xy[0] - EXT[0]) / RES);
      const row = Math.floor((EXT[3] - xy[1]) / RES);
      expect(Number(rows[k][3])).toBeCloseTo(a.data[row * a.width + col], 2);
      expect(Number(rows[k][4])).toBeCloseTo(t.data[row * t.width + col], 4);
      expect(Number(rows[k][3])).toBeGreaterThan(800);
    }
    expect(rows[3].slice(3)).toEqual(['', '']);
    expect(rows[4].slice(3)).toEqual(['', '']);
    expect(l.all.some((x) => x.m === `points-outside: 1 point(s) lie outside the grid of stack.tif and keep missing values — rows 4`)).toBe(true);
    expect(l.all.some((x) => x.m.startsWith('points-on-nodata: 1 point(s)') && x.m.endsWith('rows 3'))).toBe(true);
  });

  it('extract: point table without coordinates or without CRS → clear errors, nothing written', async () => {
    const noxy = path.join(dir, 'noxy.csv');
    fs.writeFileSync(noxy, 'site,value\na,1\n');
    const nocrs = path.join(dir, 'nocrs.csv');
    fs.writeFileSync(nocrs, 'site,easting,northing\na,500000,3900000\n');
    const out = path.join(dir, 'bad_out.csv');
    await expect(run(extract, { POINTS: noxy, STACK: st, OUTPUT: out })).rejects.toThrow(/has no coordinate columns.*X_FIELD and Y_FIELD/);
    await expect(run(extract, { POINTS: nocrs, STACK: st, OUTPUT: out })).rejects.toThrow(/no CRS; give it with POINTS_CRS/);
    expect(fs.existsSync(out)).toBe(false);
    // with the CRS it works, in the grid's own CRS
    await run(extract, { POINTS: nocrs, POINTS_CRS: UTM, STACK: st, OUTPUT: out });
    expect(fs.readFileSync(out, 'utf8').split('\n')[0]).toBe('site,easting,northing,MAP,MAT');
  });
});

describe('chain on real data: Landsat 7 of Olinda → NDVI → stacked on the 90 m DEM grid', () => {
  const dir = tmpDir('chain-olinda');
  it('NDVI bilinear onto the DEM grid equals gdalwarp; partial coverage is warned about', async () => {
    const nd = path.join(dir, 'ndvi.tif');
    await run(ndvi, { RED: L7, RED_BAND: 3, NIR: L7, NIR_BAND: 4, OUTPUT: nd });
    const st = path.join(dir, 'olinda_stack.tif');
    const l = logs();
    await run(stack, { INPUTS: [OLINDA_DEM, nd], NAMES: ['elevation', 'NDVI'], REFERENCE: OLINDA_DEM, OUTPUT: st }, { onLog: l.onLog });
    expect(l.all.some((x) => x.level === 'warning' && x.m.startsWith('partial-coverage: NDVI'))).toBe(true);
    const dem = readBand(OLINDA_DEM);
    const ref = path.join(dir, 'gdalwarp_ndvi.tif');
    const te = [dem.gt[0], dem.gt[3] + dem.height * dem.gt[5], dem.gt[0] + dem.width * dem.gt[1], dem.gt[3]];
    gdalCli('gdalwarp', ['-q', '-t_srs', dem.srsWkt, '-te', ...te.map(String), '-ts', `${dem.width}`, `${dem.height}`, '-r', 'bilinear', '-ot', 'Float32', '-dstnodata', '-3.4028234663852886e+38', nd, ref]);
    const a = readBand(st, 2);
    const b = readBand(ref);
    expect(maxDiff(a.data, b.data)).toEqual({ maxAbs: 0, nanMismatch: 0 });
    const e = readBand(st, 1);
    expect(e.description).toBe('elevation');
    expect(maxDiff(e.data, dem.data).maxAbs).toBeLessThan(1e-3); // same grid: values unchanged (Float32)
  });
});

describe('covariates:stack — categorical layers and bad input', () => {
  const dir = tmpDir('stack-cat');
  const cont = writeRaster(path.join(dir, 'cont.tif'), 4, 4, [Array.from({ length: 16 }, (_, i) => i)], { gt: [3000000, 3000, 0, 500000, 0, -3000], epsg: 0 });

  it('a layer with a colour table is categorical: nearest by default (= gdalwarp -r near)', async () => {
    const l = logs();
    const lc = readBand(LC);
    const [x0, y1] = [lc.gt[0], lc.gt[3]];
    const own = path.join(dir, 'lc_own.tif');
    await run(stack, { INPUTS: [LC], REFERENCE: LC, OUTPUT: own }, { onLog: l.onLog });
    expect(l.all.some((x) => /pr_landcover: has a colour table/.test(x.m))).toBe(true);
    expect(l.all.some((x) => /pr_landcover: nearest/.test(x.m))).toBe(true);
    expect(maxDiff(readBand(own).data, Float64Array.from(lc.data)).maxAbs).toBe(0);
    // a coarser grid in the same CRS: nearest, equal to gdalwarp -r near
    const coarse = path.join(dir, 'lc_coarse.tif');
    await run(stack, { INPUTS: [LC], CRS: lc.srsWkt, RESOLUTION: [5000], EXTENT: `${x0},${x0 + 40 * 5000},${y1 - 20 * 5000},${y1}`, OUTPUT: coarse });
    const ref = path.join(dir, 'gdalwarp_lc.tif');
    gdalCli('gdalwarp', ['-q', '-te', `${x0}`, `${y1 - 20 * 5000}`, `${x0 + 40 * 5000}`, `${y1}`, '-tr', '5000', '5000', '-r', 'near', '-ot', 'Float32', '-dstnodata', '-3.4028234663852886e+38', LC, ref]);
    const a = readBand(coarse);
    const b = readBand(ref);
    expect(maxDiff(a.data, b.data)).toEqual({ maxAbs: 0, nanMismatch: 0 });
    const classes = new Set(Array.from(a.data).filter((v) => !Number.isNaN(v)));
    for (const c of classes) expect(Number.isInteger(c)).toBe(true);
  });

  it('bilinear asked for a categorical layer is refused unless ALLOW_CATEGORICAL_INTERPOLATION', async () => {
    const lcv = readBand(LC);
    const before = leftovers(dir, []);
    const p = { INPUTS: [LC, LC], NAMES: ['lc1', 'lc2'], REFERENCE: LC, RESAMPLING: ['nearest', 'bilinear'], OUTPUT: path.join(dir, 'bad.tif') };
    await expect(run(stack, p)).rejects.toThrow(/lc2 is categorical but RESAMPLING gives it "bilinear"/);
    await expect(run(stack, { ...p, RESAMPLING: ['bilinear', 'nearest'], CATEGORICAL: ['lc1'] })).rejects.toThrow(/lc1 is categorical/);
    expect(leftovers(dir, before)).toEqual([]);
    const l = logs();
    await run(stack, { ...p, ALLOW_CATEGORICAL_INTERPOLATION: true }, { onLog: l.onLog });
    expect(l.all.some((x) => x.m.startsWith('categorical-interpolated: lc2'))).toBe(true);
    expect(readBand(path.join(dir, 'bad.tif'), 2).data[0]).toBe(lcv.data[0]);
  });

  it('a layer without CRS and no SOURCE_CRS; unknown CATEGORICAL name; RESAMPLING count → errors', async () => {
    await expect(run(stack, { INPUTS: [cont], REFERENCE: LC, OUTPUT: path.join(dir, 'x.tif') })).rejects.toThrow(/cont.tif has no CRS; give SOURCE_CRS/);
    await expect(run(stack, { INPUTS: [LC], REFERENCE: LC, CATEGORICAL: ['landuse'], OUTPUT: path.join(dir, 'x.tif') })).rejects.toThrow(/CATEGORICAL names "landuse", which is not a layer/);
    await expect(run(stack, { INPUTS: [LC, cont], REFERENCE: LC, RESAMPLING: ['nearest', 'bilinear', 'mode'], OUTPUT: path.join(dir, 'x.tif') })).rejects.toThrow(/one per input \(2\)/);
    await expect(run(stack, { INPUTS: [LC], CRS: 'EPSG:4326', OUTPUT: path.join(dir, 'x.tif') })).rejects.toThrow(/give REFERENCE .* or CRS and RESOLUTION/);
    expect(fs.existsSync(path.join(dir, 'x.tif'))).toBe(false);
  });
});
