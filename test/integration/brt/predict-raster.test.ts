// SPDX-License-Identifier: GPL-2.0-or-later
// brt:predict over a raster stack: bands matched by name (any order), the mean and SD of a model set
// equal those computed here from each model's own tree walk, nodata in → nodata out, errors.
import { describe, it, expect, beforeAll } from 'vitest';
import path from 'node:path';
import gdal from 'gdal-async';
import { run } from '../../../toolbox/run.js';
import { createRaster, openRaster, readWindow } from '../../../toolbox/io/raster.js';
import { loadModels } from '../../../algorithms/brt/model-set.js';
import { treeValueAt } from '../../../algorithms/brt/engine/fit.js';
import { tempDir, writeFile, listDir } from '../../helpers.js';

let dir: string;
let set: string;
let stack: string;
const W = 37;
const H = 23;

beforeAll(async () => {
  dir = tempDir();
  let s = 5;
  const u = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const lines = ['a,b,c,y'];
  for (let i = 0; i < 80; i++) {
    const a = u(), b = u(), c = u();
    lines.push(`${a},${b},${c},${3 * a - 2 * b * c + 0.05 * u()}`);
  }
  const data = writeFile(dir, 'd.csv', lines.join('\n'));
  set = path.join(dir, 'm.brtset');
  await run('brt:cv', { INPUT: data, TARGET: 'y', PREDICTORS: 'a,b,c', N_TREES: 50, INTERACTION_DEPTH: 2, SHRINKAGE: 0.1, N_MINOBSINNODE: 5, FOLDS: 4, REPEATS: 3, SEED: 11, OUTPUT_SUMMARY: path.join(dir, 's.csv'), OUTPUT_MODELS: set });
  // bands in another order than the model's predictors, one nodata pixel
  stack = path.join(dir, 'stack.tif');
  const w = await createRaster(stack, { width: W, height: H, bands: 3, geoTransform: [0, 100, 0, H * 100, 0, -100], srsWkt: gdal.SpatialReference.fromEPSG(3035).toWKT(), bandNames: ['c', 'a', 'b'] });
  for (let b = 1; b <= 3; b++) {
    const v = new Float64Array(W * H).map((_, i) => ((i * 37 + b * 101) % 97) / 97);
    if (b === 2) v[7] = NaN;
    await w.write(b, 0, 0, W, H, v);
  }
  await w.close();
});

describe('brt:predict on rasters', () => {
  it('mean and SD of the repeat models, pixel by pixel', async () => {
    const mean = path.join(dir, 'mean.tif');
    const sd = path.join(dir, 'sd.tif');
    const r = await run('brt:predict', { MODEL: set, INPUT: stack, OUTPUT: mean, OUTPUT_SD: sd, THREADS: 2 });
    expect(r.results.VALID_PIXELS).toBe(W * H - 1);
    const { models } = await loadModels(set);
    const st = await openRaster(stack);
    const c = await readWindow(st, 1, 0, 0, W, H);
    const a = await readWindow(st, 2, 0, 0, W, H);
    const b = await readWindow(st, 3, 0, 0, W, H);
    const m = await readWindow(await openRaster(mean), 1, 0, 0, W, H);
    const s = await readWindow(await openRaster(sd), 1, 0, 0, W, H);
    expect(m[7]).toBeNaN();
    expect(s[7]).toBeNaN();
    for (const i of [0, 1, 100, 500, W * H - 1]) {
      const X = [Float64Array.of(a[i]), Float64Array.of(b[i]), Float64Array.of(c[i])];
      const preds = models.map((mo) => mo.trees.reduce((acc, t) => acc + treeValueAt(t, X, 0), mo.initF));
      const mu = preds.reduce((x, y) => x + y) / preds.length;
      const sdv = Math.sqrt(preds.reduce((x, y) => x + (y - mu) ** 2, 0) / (preds.length - 1));
      expect(m[i]).toBeCloseTo(mu, 5); // Float32 output
      expect(s[i]).toBeCloseTo(sdv, 5);
    }
  });
  it('gives the same rasters with 1 thread and small windows', async () => {
    const m1 = path.join(dir, 'm1.tif');
    await run('brt:predict', { MODEL: set, INPUT: stack, OUTPUT: m1, THREADS: 1 });
    const x = await readWindow(await openRaster(m1), 1, 0, 0, W, H);
    const y = await readWindow(await openRaster(path.join(dir, 'mean.tif')), 1, 0, 0, W, H);
    expect(Array.from(x)).toEqual(Array.from(y));
  });
  it('a stack lacking a predictor band is an error listing it; nothing written', async () => {
    const d = tempDir();
    const bad = path.join(d, 'two.tif');
    const w = await createRaster(bad, { width: 4, height: 4, bands: 2, geoTransform: [0, 1, 0, 4, 0, -1], srsWkt: '', bandNames: ['a', 'x'] });
    await w.close();
    await expect(run('brt:predict', { MODEL: set, INPUT: bad, OUTPUT: path.join(d, 'o.tif') })).rejects.toThrow(/lacks bands named b, c that the model needs; its bands are a, x/);
    expect(listDir(d)).toEqual(['two.tif']);
  });
  it('a table lacking a model predictor is an error naming it', async () => {
    const d = tempDir();
    const t = writeFile(d, 't.csv', 'a,b\n1,2\n');
    await expect(run('brt:predict', { MODEL: set, INPUT: t, OUTPUT: path.join(d, 'o.csv') })).rejects.toThrow(/lacks the predictor field c that the model needs/);
  });
  it('a corrupt model file is refused clearly', async () => {
    const d = tempDir();
    const f = writeFile(d, 'm.json', '{"format": "something-else"}');
    await expect(run('brt:predict', { MODEL: f, INPUT: stack, OUTPUT: path.join(d, 'o.tif') })).rejects.toThrow(/m\.json: not a socp BRT model file/);
    const g = writeFile(d, 'n.json', '{"format": "socp-brt", "version": 99}');
    await expect(run('brt:predict', { MODEL: g, INPUT: stack, OUTPUT: path.join(d, 'o.tif') })).rejects.toThrow(/version 99 is newer than this socp reads/);
  });
});
