// SPDX-License-Identifier: GPL-2.0-or-later
// Dissimilarity index and AOA threshold (Meyer & Pebesma 2021) against hand calculations, and
// maps:applicability end to end: a pixel far outside the training space lies outside the AOA.
import { describe, it, expect } from 'vitest';
import path from 'node:path';
import gdal from 'gdal-async';
import { buildAoa, dissimilarity, fivenum, upperWhisker } from '../../../algorithms/maps/applicability-core.js';
import { run } from '../../../toolbox/run.js';
import { createRaster, openRaster, readWindow } from '../../../toolbox/io/raster.js';
import { tempDir, writeFile } from '../../helpers.js';

describe('AOA core', () => {
  it('fivenum and the upper whisker as R boxplot.stats', () => {
    // R: fivenum(1:6) = 1 2 3.5 5 6
    expect(fivenum([1, 2, 3, 4, 5, 6])).toEqual([1, 2, 3.5, 5, 6]);
    // 1,2,3,4,100: hinges 2 and 4 → limit 4 + 1.5·2 = 7 → whisker 4
    expect(upperWhisker([1, 2, 3, 4, 100])).toBe(4);
  });
  it('one predictor by hand: training 0..4, folds 0,1,0,1,0', () => {
    // sd = √2.5; mean pair distance = 20/10 = 2 raw units; each point's nearest other-fold point is 1 away → DI 0.5
    const m = buildAoa([Float64Array.of(0, 1, 2, 3, 4)], [1], Int32Array.of(0, 1, 0, 1, 0));
    expect(m.dBar).toBeCloseTo(2 / Math.sqrt(2.5), 14);
    expect(Array.from(m.trainDi).every((v) => Math.abs(v - 0.5) < 1e-14)).toBe(true);
    expect(m.threshold).toBeCloseTo(0.5, 14);
    const di = dissimilarity(m, [Float64Array.of(2.5, 10, NaN)]);
    expect(di[0]).toBeCloseTo(0.25, 14); // 0.5 raw from 2 and 3, / 2
    expect(di[1]).toBeCloseTo(3, 14); // 6 raw from 4, / 2
    expect(di[2]).toBeNaN();
  });
  it('a zero weight ignores a predictor', () => {
    const m = buildAoa([Float64Array.of(0, 1, 2, 3), Float64Array.of(5, 1, 9, 2)], [1, 0], Int32Array.of(0, 1, 0, 1));
    expect(dissimilarity(m, [Float64Array.of(1), Float64Array.of(1000)])[0]).toBe(0);
  });
});

describe('maps:applicability', () => {
  it('a pixel far outside the training space falls outside the area of applicability', async () => {
    const dir = tempDir();
    let s = 3;
    const u = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
    const lines = ['a,b,y'];
    for (let i = 0; i < 60; i++) {
      const a = u(), b = u();
      lines.push(`${a},${b},${2 * a + b}`);
    }
    const data = writeFile(dir, 'd.csv', lines.join('\n'));
    const model = path.join(dir, 'm.json');
    await run('brt:train', { INPUT: data, TARGET: 'y', PREDICTORS: 'a,b', N_TREES: 50, INTERACTION_DEPTH: 2, SHRINKAGE: 0.1, N_MINOBSINNODE: 5, OUTPUT_MODEL: model });
    const stack = path.join(dir, 's.tif');
    const w = await createRaster(stack, { width: 3, height: 1, bands: 2, geoTransform: [0, 1000, 0, 1000, 0, -1000], srsWkt: gdal.SpatialReference.fromEPSG(3035).toWKT(), bandNames: ['a', 'b'] });
    await w.write(1, 0, 0, 3, 1, Float64Array.of(0.5, 25, NaN)); // pixel 2 far outside [0, 1]
    await w.write(2, 0, 0, 3, 1, Float64Array.of(0.5, 0.5, 0.5));
    await w.close();
    const r = await run('maps:applicability', { MODEL: model, TRAINING: data, STACK: stack, FOLDS: 5, OUTPUT: path.join(dir, 'di.tif'), OUTPUT_AOA: path.join(dir, 'aoa.tif') });
    const aoa = await readWindow(await openRaster(path.join(dir, 'aoa.tif')), 1, 0, 0, 3, 1);
    expect(aoa[0]).toBe(1);
    expect(aoa[1]).toBe(0);
    expect(aoa[2]).toBeNaN();
    expect(r.results.PIXELS).toBe(2);
    expect(r.results.SHARE_INSIDE).toBeCloseTo(0.5, 12);
    const di = await readWindow(await openRaster(path.join(dir, 'di.tif')), 1, 0, 0, 3, 1);
    expect(di[1]).toBeGreaterThan(r.results.THRESHOLD as number);
  });
});
