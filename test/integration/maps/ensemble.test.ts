// SPDX-License-Identifier: GPL-2.0-or-later
// maps:ensemble against means computed by hand.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../toolbox/run.js';
import { readGrid, tmpDir, writeGrid, type GridSpec } from './helpers.js';

const grid: GridSpec = { width: 3, height: 2, geoTransform: [500_000, 1000, 0, 5_000_000, 0, -1000], crs: 32652 };
const N = NaN;
const A = [1, 2, 3, 4, N, 6];
const B = [3, 4, 5, 6, 7, N];
const C = [8, 8, 8, 8, 8, 8];
let dir: string;
beforeAll(async () => {
  dir = tmpDir();
  await writeGrid(path.join(dir, 'a.tif'), grid, A);
  await writeGrid(path.join(dir, 'b.tif'), grid, B);
  await writeGrid(path.join(dir, 'c.tif'), grid, C);
  await writeGrid(path.join(dir, 'small.tif'), { ...grid, width: 2 }, [1, 2, 3, 4]);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('maps:ensemble', () => {
  it('arithmetic mean; nodata in any input is nodata', async () => {
    const out = path.join(dir, 'mean.tif');
    await run('maps:ensemble', { INPUTS: ['a.tif', 'b.tif', 'c.tif'], OUTPUT: 'mean.tif' }, { cwd: dir });
    const { values, nodata, ds } = await readGrid(out);
    // by hand: (1+3+8)/3 = 4, (2+4+8)/3 = 14/3, (3+5+8)/3 = 16/3, (4+6+8)/3 = 6, nodata, nodata
    const exp = [4, 14 / 3, 16 / 3, 6];
    exp.forEach((e, i) => expect(values[i]).toBeCloseTo(e, 5));
    expect(values[4]).toBe(nodata);
    expect(values[5]).toBe(nodata);
    expect(ds.getMetadata().ENSEMBLE_METHOD).toBe('mean');
    expect(ds.bands.get(1).description).toBe('ensemble_mean');
    ds.close();
  });

  it('weighted mean with weights normalised (R² 0.5 and 0.3 → 0.625, 0.375)', async () => {
    const out = path.join(dir, 'w.tif');
    const r = await run('maps:ensemble', { INPUTS: 'a.tif,b.tif', METHOD: 'weighted', WEIGHTS: '0.5,0.3', OUTPUT: 'w.tif' }, { cwd: dir });
    const w = r.results.WEIGHTS_NORMALISED as number[];
    expect(w[0]).toBeCloseTo(0.625, 15);
    expect(w[1]).toBeCloseTo(0.375, 15);
    const { values, nodata, ds } = await readGrid(out);
    // 0.625·1 + 0.375·3 = 1.75; 0.625·2 + 0.375·4 = 2.75; 3.75; 4.75
    [1.75, 2.75, 3.75, 4.75].forEach((e, i) => expect(values[i]).toBeCloseTo(e, 6));
    expect(values[4]).toBe(nodata);
    expect(ds.getMetadata().ENSEMBLE_WEIGHTS.split(',').map(Number)[0]).toBeCloseTo(0.625, 12);
    ds.close();
  });

  it('refuses misaligned grids and inconsistent weights, writing nothing', async () => {
    await expect(run('maps:ensemble', { INPUTS: 'a.tif,small.tif', OUTPUT: 'x.tif' }, { cwd: dir }))
      .rejects.toThrow(/small\.tif is not on the grid of INPUTS item 1 a\.tif: small\.tif is 2 × 2 pixels, a\.tif is 3 × 2/);
    await expect(run('maps:ensemble', { INPUTS: 'a.tif,b.tif', METHOD: 'weighted', OUTPUT: 'x.tif' }, { cwd: dir })).rejects.toThrow(/one weight per input/);
    await expect(run('maps:ensemble', { INPUTS: 'a.tif,b.tif', METHOD: 'weighted', WEIGHTS: '1', OUTPUT: 'x.tif' }, { cwd: dir })).rejects.toThrow(/1 weight for 2 inputs/);
    await expect(run('maps:ensemble', { INPUTS: 'a.tif', OUTPUT: 'x.tif' }, { cwd: dir })).rejects.toThrow(/at least two/);
    expect(fs.existsSync(path.join(dir, 'x.tif'))).toBe(false);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.socp-'))).toEqual([]);
  });
});
