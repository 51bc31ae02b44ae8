// SPDX-License-Identifier: GPL-2.0-or-later
// covariates:temporal-mean and covariates:ndvi: weighted means and NDVI/EVI by hand, on synthetic
// rasters and on real data (North Carolina 1999 monthly climate; Landsat 7 bands of Olinda).

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../../toolbox/run.js';
import temporalMean from '../../../algorithms/covariates/temporal-mean.js';
import ndvi from '../../../algorithms/covariates/ndvi.js';
import { FIXTURES, leftovers, readBand, readRaw, tmpDir, writeRaster } from './helpers.js';

const NC = path.join(FIXTURES, 'bcsd_obs_1999.nc');
const L7 = path.join(FIXTURES, 'olinda_L7_ETMs_crop.tif');

describe('covariates:temporal-mean — by hand', () => {
  const dir = tmpDir('tmean');
  // 2 × 2 pixels, 3 layers
  const series = writeRaster(path.join(dir, 'series.tif'), 2, 2, [
    [1, 2, NaN, NaN],
    [3, NaN, NaN, 10],
    [5, 6, NaN, NaN],
  ]);
  const inputs = ['series.tif'];

  it('weighted mean Σwx/Σw over valid layers, MIN_VALID, count output', async () => {
    const out = path.join(dir, 'mean.tif');
    const cnt = path.join(dir, 'count.tif');
    const warns: string[] = [];
    await run(temporalMean, { INPUTS: [series], WEIGHTS: [31, 28, 31], MIN_VALID: 2, OUTPUT: out, OUTPUT_COUNT: cnt }, { onLog: (l, m) => l === 'warning' && warns.push(m) });
    const m = readBand(out);
    expect(m.data[0]).toBeCloseTo((31 * 1 + 28 * 3 + 31 * 5) / (31 + 28 + 31), 5);
    expect(m.data[1]).toBeCloseTo((31 * 2 + 31 * 6) / 62, 5); // layer 2 missing
    expect(m.data[2]).toBeNaN(); // all-nodata series at this pixel
    expect(m.data[3]).toBeNaN(); // one valid layer < MIN_VALID 2
    const c = readBand(cnt);
    expect(Array.from(c.data)).toEqual([3, 2, 0, 1]);
    expect(warns.some((w) => w.startsWith('below-min-valid: 1 pixels'))).toBe(true);
  });

  it('sum of a list of rasters', async () => {
    const a = writeRaster(path.join(dir, 'a.tif'), 2, 2, [[1, 2, 3, 4]]);
    const b = writeRaster(path.join(dir, 'b.tif'), 2, 2, [[10, 20, NaN, 40]]);
    const out = path.join(dir, 'sum.tif');
    await run(temporalMean, { INPUTS: [a, b], STATISTIC: 'sum', MIN_VALID: 2, OUTPUT: out });
    const s = readBand(out);
    expect(s.data[0]).toBe(11);
    expect(s.data[2]).toBeNaN();
    expect(s.data[3]).toBe(44);
  });

  it('bad input: weights not matching, bands of different sizes, all-nodata series — nothing written', async () => {
    const before = leftovers(dir, []);
    await expect(run(temporalMean, { INPUTS: [series], WEIGHTS: [1, 2], OUTPUT: path.join(dir, 'x.tif') })).rejects.toThrow(/WEIGHTS has 2 values but the series has 3 layers/);
    const big = writeRaster(path.join(dir, 'big.tif'), 3, 2, [[1, 2, 3, 4, 5, 6]]);
    await expect(run(temporalMean, { INPUTS: [series, big], OUTPUT: path.join(dir, 'x.tif') })).rejects.toThrow(/must share one grid: big.tif is 3 × 2 pixels, series.tif is 2 × 2/);
    const empty = writeRaster(path.join(dir, 'empty.tif'), 2, 2, [[NaN, NaN, NaN, NaN], [NaN, NaN, NaN, NaN]]);
    await expect(run(temporalMean, { INPUTS: [empty], OUTPUT: path.join(dir, 'x.tif'), OUTPUT_COUNT: path.join(dir, 'xc.tif') })).rejects.toThrow(/every layer of the series is nodata everywhere/);
    expect(leftovers(dir, [...before, 'big.tif', 'empty.tif'])).toEqual([]);
  });
});

describe('covariates:temporal-mean — North Carolina 1999 monthly climate (netCDF)', () => {
  const dir = tmpDir('tmean-nc');
  const pr = `NETCDF:"${NC}":pr`;
  const tas = `NETCDF:"${NC}":tas`;
  const months = Array.from({ length: 12 }, (_, k) => readRaw(pr, k + 1));
  const tmonths = Array.from({ length: 12 }, (_, k) => readRaw(tas, k + 1));
  const days = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

  it('annual precipitation = sum of the 12 months (VARIABLE pr), at every land pixel', async () => {
    const out = path.join(dir, 'map.tif');
    const r = await run(temporalMean, { INPUTS: [NC], VARIABLE: 'pr', STATISTIC: 'sum', MIN_VALID: 12, OUTPUT: out });
    expect(r.results.LAYERS).toBe(12);
    const b = readBand(out);
    expect([b.width, b.height]).toEqual([81, 33]);
    let checked = 0;
    for (let i = 0; i < b.data.length; i++) {
      const vals = months.map((m) => m.data[i]);
      if (vals.some((v) => v === months[0].nodata)) {
        expect(b.data[i]).toBeNaN();
        continue;
      }
      const total = vals.reduce((s, v) => s + v, 0);
      expect(Math.abs(b.data[i] - total)).toBeLessThan(1e-4 * total);
      checked++;
    }
    expect(checked).toBeGreaterThan(1000);
    // one pixel by hand, written out: row 10, column 40
    const i = 10 * 81 + 40;
    const hand = months[0].data[i] + months[1].data[i] + months[2].data[i] + months[3].data[i] + months[4].data[i] + months[5].data[i] +
      months[6].data[i] + months[7].data[i] + months[8].data[i] + months[9].data[i] + months[10].data[i] + months[11].data[i];
    expect(b.data[i]).toBeCloseTo(hand, 2);
    expect(hand).toBeGreaterThan(700); // North Carolina: roughly 1000–1500 mm a year
    expect(hand).toBeLessThan(2500);
  });

  it('mean annual temperature weighted by days per month', async () => {
    const out = path.join(dir, 'mat.tif');
    await run(temporalMean, { INPUTS: [NC], VARIABLE: 'tas', WEIGHTS: days, OUTPUT: out });
    const b = readBand(out);
    expect(b.description).toBe('tas_mean');
    const i = 20 * 81 + 30;
    let num = 0;
    for (let k = 0; k < 12; k++) num += days[k] * tmonths[k].data[i];
    expect(b.data[i]).toBeCloseTo(num / 365, 4);
  });

  it('a netCDF without VARIABLE: error listing its variables', async () => {
    await expect(run(temporalMean, { INPUTS: [NC], OUTPUT: path.join(dir, 'x.tif') })).rejects.toThrow(/holds several variables \(pr, tas\); choose one with VARIABLE/);
    expect(fs.existsSync(path.join(dir, 'x.tif'))).toBe(false);
  });
});

describe('covariates:ndvi — Landsat 7 ETM+ of Olinda, bands 3 (red) and 4 (NIR)', () => {
  const dir = tmpDir('ndvi');
  const red = readRaw(L7, 3);
  const nir = readRaw(L7, 4);
  const blue = readRaw(L7, 1);

  it('NDVI = (NIR − RED)/(NIR + RED) at a few pixels, by hand', async () => {
    const out = path.join(dir, 'ndvi.tif');
    await run(ndvi, { RED: L7, RED_BAND: 3, NIR: L7, NIR_BAND: 4, OUTPUT: out });
    const b = readBand(out);
    expect(b.description).toBe('ndvi');
    for (const [c, r] of [[0, 0], [10, 20], [60, 60], [119, 119], [33, 97]]) {
      const i = r * 120 + c;
      const hand = (nir.data[i] - red.data[i]) / (nir.data[i] + red.data[i]);
      expect(b.data[i]).toBeCloseTo(hand, 6);
    }
    // written out for one pixel: DN values at (col 60, row 60)
    const i = 60 * 120 + 60;
    expect(b.data[i]).toBeCloseTo((nir.data[i] - red.data[i]) / (nir.data[i] + red.data[i]), 6);
  });

  it('scale factors, valid-range mask and EVI', async () => {
    const out = path.join(dir, 'ndvi_s.tif');
    const evi = path.join(dir, 'evi.tif');
    // reflectance = DN / 255; saturated DN 255 (reflectance 1.0) is masked with VALID_MAX 0.999
    await run(ndvi, { RED: L7, RED_BAND: 3, NIR: L7, NIR_BAND: 4, BLUE: L7, BLUE_BAND: 1, SCALE: 1 / 255, VALID_MIN: 0, VALID_MAX: 0.999, OUTPUT: out, OUTPUT_EVI: evi });
    const n = readBand(out);
    const e = readBand(evi);
    let saturated = 0;
    for (let i = 0; i < n.data.length; i++) {
      const R = red.data[i] / 255;
      const N = nir.data[i] / 255;
      const B = blue.data[i] / 255;
      if (red.data[i] === 255 || nir.data[i] === 255) {
        saturated++;
        expect(n.data[i]).toBeNaN();
        continue;
      }
      expect(n.data[i]).toBeCloseTo((N - R) / (N + R), 6);
      if (blue.data[i] === 255) expect(e.data[i]).toBeNaN();
      else expect(e.data[i]).toBeCloseTo((2.5 * (N - R)) / (N + 6 * R - 7.5 * B + 1), 5);
    }
    expect(saturated).toBeGreaterThan(0);
  });

  it('bad input: EVI without BLUE, band out of range, different grids', async () => {
    await expect(run(ndvi, { RED: L7, RED_BAND: 3, NIR: L7, NIR_BAND: 4, OUTPUT: path.join(dir, 'x.tif'), OUTPUT_EVI: path.join(dir, 'e.tif') })).rejects.toThrow(/OUTPUT_EVI needs the BLUE band/);
    await expect(run(ndvi, { RED: L7, RED_BAND: 3, NIR: L7, NIR_BAND: 9, OUTPUT: path.join(dir, 'x.tif') })).rejects.toThrow(/NIR_BAND is 9 but olinda_L7_ETMs_crop.tif has 6 bands/);
    const small = writeRaster(path.join(dir, 'small.tif'), 2, 2, [[1, 2, 3, 4]]);
    await expect(run(ndvi, { RED: L7, RED_BAND: 3, NIR: small, OUTPUT: path.join(dir, 'x.tif') })).rejects.toThrow(/must share one grid/);
    expect(fs.existsSync(path.join(dir, 'x.tif'))).toBe(false);
  });
});
