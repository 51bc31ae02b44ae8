// SPDX-License-Identifier: GPL-2.0-or-later
// maps:applicability — dissimilarity index and area of applicability of a model (Meyer & Pebesma
// 2021): where the covariates of a pixel are unlike anything the model was trained on, its
// prediction is an extrapolation and a map should say so.

import { defineAlgorithm } from '../../toolbox/algorithm.js';
import { param } from '../../toolbox/params.js';
import { DataError } from '../../toolbox/errors.js';
import { createRaster, openRaster, readWindow, strips, stripRows } from '../../toolbox/io/raster.js';
import { numericColumn, readTable } from '../../toolbox/io/table.js';
import { RMersenneTwister } from '../brt/engine/rng.js';
import { randomFolds } from '../brt/cv/folds.js';
import { relativeInfluence } from '../brt/engine/influence.js';
import { loadModels } from '../brt/model-set.js';
import { buildAoa, dissimilarity } from './applicability-core.js';
import { cellAreas } from './grid-area.js';

export default defineAlgorithm({
  id: 'maps:applicability',
  title: 'Area of applicability of a model (dissimilarity index)',
  group: 'maps',
  help: 'The dissimilarity index (DI) of every pixel to the training samples in the model\'s predictor space (Meyer & Pebesma 2021, ' +
    'as R CAST::aoa): predictors standardised by the training mean and SD and weighted by the model\'s relative influence; DI = distance ' +
    'to the nearest training sample / mean distance between training samples. The threshold comes from cross-validation: the DI of each ' +
    'training sample to the samples outside its fold (FOLDS random folds drawn with SEED, or FOLD_FIELD), and the upper whisker of their ' +
    'boxplot (largest value ≤ Q3 + 1.5 IQR). Pixels with DI above it lie outside the area of applicability: the model extrapolates there. ' +
    'Rows of TRAINING with a missing predictor are left out.',
  split: { kind: 'pixel', grid: 'STACK', sum: ['PIXELS_INSIDE', 'PIXELS', 'AREA_INSIDE_KM2'] },
  inputs: [
    param.file('MODEL', 'Model (.json) or model set (.brtset): predictor names and importance weights', { extensions: ['.json', '.brtset'] }),
    param.vector('TRAINING', 'The training table with the predictor fields'),
    param.raster('STACK', 'Covariate stack with bands named as the predictors'),
    param.integer('FOLDS', 'Random folds for the threshold', { default: 10, min: 2 }),
    param.field('FOLD_FIELD', 'User fold ids instead of random folds (e.g. spatial blocks)', { parent: 'TRAINING', optional: true, fieldType: 'any' }),
    param.integer('SEED', 'Seed of the random folds', { default: 1, min: -2147483648, max: 2147483647 }),
    param.boolean('WEIGHTED', 'Weight predictors by relative influence (false: all equal)', { default: true }),
    param.rasterDestination('OUTPUT', 'Dissimilarity index raster'),
    param.rasterDestination('OUTPUT_AOA', 'Area of applicability: 1 inside, 0 outside (Byte)', { optional: true }),
  ],
  outputs: [
    { name: 'OUTPUT', kind: 'raster', description: 'dissimilarity index' },
    { name: 'OUTPUT_AOA', kind: 'raster', description: 'area of applicability mask' },
  ],
  async run(p, ctx) {
    const { models } = await loadModels(p.MODEL);
    const names = models[0].predictorNames;
    const t = await readTable(p.TRAINING);
    const lack = names.filter((n) => !t.columns.has(n));
    if (lack.length) throw new DataError(`${t.source} lacks the predictor field${lack.length > 1 ? 's' : ''} ${lack.join(', ')} of the model`);
    const cols = names.map((n) => numericColumn(t, n, 'TRAINING'));
    const keep = [...Array(t.nRows).keys()].filter((i) => cols.every((c) => !Number.isNaN(c[i])));
    if (keep.length < 3) throw new DataError(`${t.source} has ${keep.length} rows with every predictor present; at least 3 are needed`);
    if (keep.length < t.nRows) ctx.warn(`${t.nRows - keep.length} training rows with a missing predictor are left out`);
    const X = cols.map((c) => Float64Array.from(keep, (i) => c[i]));
    let weights = new Float64Array(names.length).fill(1);
    if (p.WEIGHTED) {
      weights = new Float64Array(names.length);
      for (const m of models) relativeInfluence(m).percent.forEach((v, j) => (weights[j] += v / models.length));
      ctx.log(`weights (mean relative influence, %): ${names.map((n, j) => `${n} ${weights[j].toFixed(1)}`).join(', ')}`);
    }
    let folds: Int32Array;
    if (p.FOLD_FIELD) {
      const f = t.columns.get(p.FOLD_FIELD)!;
      const ids = [...new Set(keep.map((i) => String(f[i])))].sort();
      folds = Int32Array.from(keep, (i) => ids.indexOf(String(f[i])));
    } else {
      if (p.FOLDS > keep.length) throw new DataError(`FOLDS=${p.FOLDS} is more than the ${keep.length} training rows`);
      folds = randomFolds(keep.length, p.FOLDS, new RMersenneTwister(p.SEED));
    }
    const aoa = buildAoa(X, weights, folds);
    ctx.log(`mean training distance ${aoa.dBar.toFixed(4)}; DI threshold ${aoa.threshold.toFixed(4)} (upper whisker of ${keep.length} cross-validated training DIs)`);
    ctx.progress(5);

    const r = await openRaster(p.STACK, 'STACK');
    try {
      const lower = r.bandNames.map((b) => b.toLowerCase());
      const bandOf = names.map((n) => lower.indexOf(n.toLowerCase()) + 1);
      const missing = names.filter((_, j) => bandOf[j] === 0);
      if (missing.length) throw new DataError(`${p.STACK} lacks bands named ${missing.join(', ')}; its bands are ${r.bandNames.join(', ')}`);
      const meta = { SOCP_DI_THRESHOLD: String(aoa.threshold), SOCP_METHOD: 'Meyer & Pebesma 2021 dissimilarity index' };
      const di = await createRaster(ctx.outputs.stage(p.OUTPUT), { width: r.width, height: r.height, bands: 1, geoTransform: r.geoTransform, srsWkt: r.srsWkt, bandNames: ['dissimilarity_index'], metadata: meta });
      const mask = p.OUTPUT_AOA ? await createRaster(ctx.outputs.stage(p.OUTPUT_AOA), { width: r.width, height: r.height, bands: 1, dataType: 'Byte', nodata: 255, geoTransform: r.geoTransform, srsWkt: r.srsWkt, metadata: meta }) : undefined;
      const areas = cellAreas(r);
      let inside = 0;
      let valid = 0;
      let areaIn = 0;
      let areaAll = 0;
      const rows = stripRows(r.width, names.length + 2);
      for (const [y0, h] of strips(r.height, rows)) {
        ctx.checkCancelled();
        const bands = await Promise.all(bandOf.map((b) => readWindow(r, b, 0, y0, r.width, h)));
        const d = dissimilarity(aoa, bands);
        const a = areas.strip(y0, h);
        const m = new Float64Array(d.length);
        for (let i = 0; i < d.length; i++) {
          if (Number.isNaN(d[i])) {
            m[i] = NaN;
            continue;
          }
          valid++;
          areaAll += a[i];
          m[i] = d[i] <= aoa.threshold ? 1 : 0;
          if (m[i] === 1) {
            inside++;
            areaIn += a[i];
          }
        }
        await di.write(1, 0, y0, r.width, h, d);
        if (mask) await mask.write(1, 0, y0, r.width, h, m);
        ctx.progress(5 + (90 * (y0 + h)) / r.height);
      }
      await di.close();
      if (mask) await mask.close();
      const share = valid ? areaIn / areaAll : NaN;
      ctx.log(`${(100 * share).toFixed(1)} % of the mapped area (${areaIn.toFixed(0)} of ${areaAll.toFixed(0)} km²) lies inside the area of applicability`);
      return { OUTPUT: p.OUTPUT, ...(p.OUTPUT_AOA ? { OUTPUT_AOA: p.OUTPUT_AOA } : {}), THRESHOLD: aoa.threshold, SHARE_INSIDE: share, AREA_INSIDE_KM2: areaIn, PIXELS_INSIDE: inside, PIXELS: valid };
    } finally {
      r.ds.close();
    }
  },
});
