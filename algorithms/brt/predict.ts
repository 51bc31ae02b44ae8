// SPDX-License-Identifier: GPL-2.0-or-later
// brt:predict — a model, or the repeat models of brt:cv, applied to a table or a raster stack;
// for several models, the mean and standard deviation of their predictions.

import path from 'node:path';
import { defineAlgorithm } from '../../toolbox/algorithm.js';
import { param, RASTER_EXTENSIONS } from '../../toolbox/params.js';
import { DataError, UsageError } from '../../toolbox/errors.js';
import { addColumn, numericColumn, readTable } from '../../toolbox/io/table.js';
import { saveTable } from '../../toolbox/io/outputs.js';
import { compileForest } from './engine/predict.js';
import { loadModelsCached } from './model-set.js';
import { predictMeanSd } from './predict/ensemble-predict.js';
import { predictRaster } from './predict/raster.js';

const isRaster = (f: string) => (RASTER_EXTENSIONS as readonly string[]).includes(path.extname(f.split('|')[0]).toLowerCase());

export default defineAlgorithm({
  id: 'brt:predict',
  title: 'Predict with a model or a model set (table or raster)',
  group: 'brt',
  help: 'Applies a model (.json from brt:train) or every model of a set (.brtset from brt:cv OUTPUT_MODELS) to a table or to a raster ' +
    'stack. Table columns and raster bands are matched to the model\'s predictors by name (bands by their description, as ' +
    'covariates:stack names them); a missing predictor is an error listing them. With several models the output is their mean and ' +
    'OUTPUT_SD their standard deviation (n − 1) — the study\'s mean and uncertainty maps. Tables: missing values follow gbm\'s ' +
    'missing branch and the fields prediction and prediction_sd are added. Rasters: nodata in any predictor band gives nodata; ' +
    'the work is done window by window on THREADS worker threads, so memory stays flat in raster size.',
  split: { kind: 'pixel', grid: 'INPUT', sum: ['VALID_PIXELS'] },
  inputs: [
    param.file('MODEL', 'Model file (.json) or model set (.brtset)', { extensions: ['.json', '.brtset'] }),
    param.file('INPUT', 'Table (CSV, GeoPackage, GeoJSON, Shapefile) or raster stack (GeoTIFF/VRT with named bands)'),
    param.fileDestination('OUTPUT', 'Predictions: a table (.csv, .gpkg, .geojson, .shp) for a table input, a GeoTIFF (.tif) for a raster input', { extensions: ['.csv', '.gpkg', '.geojson', '.shp', '.tif'] }),
    param.fileDestination('OUTPUT_SD', 'Raster inputs: standard deviation of the models\' predictions (.tif)', { optional: true, extensions: ['.tif'] }),
    param.integer('THREADS', 'Worker threads (default: all cores)', { optional: true, min: 1, max: 256, advanced: true }),
  ],
  outputs: [
    { name: 'OUTPUT', kind: 'file', description: 'predictions (mean of the models)' },
    { name: 'OUTPUT_SD', kind: 'raster', description: 'SD of the models\' predictions' },
  ],
  check(p) {
    const inR = isRaster(p.INPUT);
    const outR = p.OUTPUT.toLowerCase().endsWith('.tif');
    if (inR !== outR) return [inR ? 'a raster INPUT needs a .tif OUTPUT' : 'a table INPUT needs a table OUTPUT (.csv, .gpkg, .geojson, .shp)'];
    if (p.OUTPUT_SD && !inR) return ['OUTPUT_SD applies to raster inputs; for tables the field prediction_sd is added to OUTPUT'];
    return [];
  },
  async run(p, ctx) {
    const { models } = await loadModelsCached(p.MODEL);
    const names = models[0].predictorNames;
    for (const m of models) {
      if (m.predictorNames.join(',') !== names.join(',')) throw new DataError(`${p.MODEL}: the models of the set use different predictors`);
    }
    ctx.progress(2, 'compiling trees');
    const forests = models.map((m) => compileForest(m));
    if (isRaster(p.INPUT)) {
      const r = await predictRaster({
        stack: p.INPUT, predictorNames: names, forests, ctx: ctx.sub(3, 100),
        output: ctx.outputs.stage(p.OUTPUT), outputSd: p.OUTPUT_SD ? ctx.outputs.stage(p.OUTPUT_SD) : undefined,
        threads: p.THREADS ?? ctx.threads,
      });
      ctx.log(`predicted ${r.valid} of ${r.pixels} pixels with ${models.length} model${models.length > 1 ? 's' : ''}; ${r.pixels - r.valid} nodata`);
      return { OUTPUT: p.OUTPUT, ...(p.OUTPUT_SD ? { OUTPUT_SD: p.OUTPUT_SD } : {}), MODELS: models.length, VALID_PIXELS: r.valid };
    }
    const t = await readTable(p.INPUT);
    const lack = names.filter((n) => !t.columns.has(n));
    if (lack.length) throw new DataError(`${t.source} lacks the predictor field${lack.length > 1 ? 's' : ''} ${lack.join(', ')} that the model needs (it was trained with ${names.join(', ')})`);
    const X = names.map((n) => Float64Array.from(numericColumn(t, n)));
    const { mean, sd } = predictMeanSd(forests, X);
    if (t.columns.has('prediction')) throw new UsageError(`${t.source} already has a field "prediction"; rename it first`);
    addColumn(t, 'prediction', mean);
    if (models.length > 1) addColumn(t, 'prediction_sd', sd);
    return { OUTPUT: await saveTable(ctx, p.OUTPUT, t), MODELS: models.length, ROWS: t.nRows };
  },
});
