// SPDX-License-Identifier: GPL-2.0-or-later
// raster:calculator on small rasters with values checked by hand.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../../toolbox/run.js';
import calculator from '../../../algorithms/raster/calculator.js';
import { leftovers, readBand, tmpDir, writeRaster } from './helpers.js';

describe('raster:calculator', () => {
  const dir = tmpDir('calc');
  const soc = writeRaster(path.join(dir, 'soc.tif'), 3, 2, [[20, 10, NaN, 5, 0, 40]]);
  const bd = writeRaster(path.join(dir, 'bd-2.tif'), 3, 2, [[1.3, 1.2, 1.1, NaN, 1.0, 1.5]]);
  const two = writeRaster(path.join(dir, 'two.tif'), 3, 2, [[1, 2, 3, 4, 5, 6], [10, 20, 30, 40, 50, 60]]);
  const inputs = ['soc.tif', 'bd-2.tif', 'two.tif'];

  it('soc * bd with names from the files; nodata in any input → nodata', async () => {
    const out = path.join(dir, 'prod.tif');
    const r = await run(calculator, { INPUTS: [soc, bd], EXPRESSION: 'soc * bd_2', OUTPUT: out });
    const b = readBand(out);
    expect(b.data[0]).toBeCloseTo(20 * 1.3, 5);
    expect(b.data[1]).toBeCloseTo(10 * 1.2, 5);
    expect(b.data[2]).toBeNaN(); // soc nodata
    expect(b.data[3]).toBeNaN(); // bd nodata
    expect(b.data[4]).toBe(0);
    expect(b.data[5]).toBeCloseTo(60, 5);
    expect(r.results.NODATA_CELLS).toBe(2);
  });

  it('Eq. 1 per pixel with NAMES: D = 30 · SOC · BD · (1 − 5/100) · 10⁻²', async () => {
    const out = path.join(dir, 'density.tif');
    await run(calculator, { INPUTS: [soc, bd], NAMES: ['s', 'b'], EXPRESSION: '30 * s * b * (1 - 5 / 100) / 100', OUTPUT: out, DATA_TYPE: 'Float64' });
    const b = readBand(out);
    expect(b.data[0]).toBeCloseTo(7.410, 6); // the hand value (SOC 20, BD 1.3, gravel 5 %, 30 cm); inputs are Float32
  });

  it('multi-band input gives name_1, name_2; conditionals and functions', async () => {
    const out = path.join(dir, 'cond.tif');
    await run(calculator, { INPUTS: [two], EXPRESSION: 'two_1 > 3 ? sqrt(two_2) : -two_1', OUTPUT: out });
    const b = readBand(out);
    expect(Array.from(b.data.slice(0, 3))).toEqual([-1, -2, -3]);
    expect(b.data[4]).toBeCloseTo(Math.sqrt(50), 5);
  });

  it('division by zero → nodata with a named warning', async () => {
    const out = path.join(dir, 'div.tif');
    const warns: string[] = [];
    await run(calculator, { INPUTS: [soc, bd], EXPRESSION: '1 / soc', OUTPUT: out }, { onLog: (l, m) => l === 'warning' && warns.push(m) });
    expect(readBand(out).data[4]).toBeNaN();
    expect(warns.some((w) => w.startsWith('non-finite-results: 1 pixels'))).toBe(true);
  });

  it('unknown variable: error naming it, nothing written', async () => {
    const out = path.join(dir, 'bad.tif');
    const before = leftovers(dir, []);
    await expect(run(calculator, { INPUTS: [soc, bd], EXPRESSION: 'soc * bd', OUTPUT: out })).rejects.toThrow(/unknown variable "bd".*did you mean "bd_2"/);
    await expect(run(calculator, { INPUTS: [soc], EXPRESSION: 'soc.constructor', OUTPUT: out })).rejects.toThrow(/not allowed/);
    await expect(run(calculator, { INPUTS: [soc, soc], EXPRESSION: 'soc', OUTPUT: out })).rejects.toThrow(/two rasters are named "soc"/);
    expect(leftovers(dir, before)).toEqual([]);
  });

  it('rasters on different grids: error via gridMismatch, nothing written', async () => {
    const other = writeRaster(path.join(dir, 'other.tif'), 4, 2, [[1, 2, 3, 4, 5, 6, 7, 8]]);
    const shifted = writeRaster(path.join(dir, 'shifted.tif'), 3, 2, [[1, 2, 3, 4, 5, 6]], { gt: [500050, 100, 0, 4000000, 0, -100] });
    const out = path.join(dir, 'mis.tif');
    await expect(run(calculator, { INPUTS: [soc, other], EXPRESSION: 'soc + other', OUTPUT: out })).rejects.toThrow(/must share one grid: other.tif is 4 × 2 pixels/);
    await expect(run(calculator, { INPUTS: [soc, shifted], EXPRESSION: 'soc + shifted', OUTPUT: out })).rejects.toThrow(/covariates:stack/);
    expect(fs.existsSync(out)).toBe(false);
    expect(leftovers(dir, [...inputs, 'other.tif', 'shifted.tif']).filter((f) => !f.endsWith('.tif') && !f.endsWith('.json'))).toEqual([]);
  });
});
