// SPDX-License-Identifier: GPL-2.0-or-later
// brt:cv — repeated k-fold cross-validation of a gbm model (the study's 10-fold × 100 protocol,
// Table 3), with out-of-fold predictions, per-repeat metrics and optionally one refit model per
// repeat for mean and SD maps.

import { defineAlgorithm } from '../../toolbox/algorithm.js';
import { param } from '../../toolbox/params.js';
import { DataError } from '../../toolbox/errors.js';
import { saveJson, saveRows, saveText } from '../../toolbox/io/outputs.js';
import { renderReport } from '../report/render.js';
import type { CvMetricRow, CvPredictionRow } from '../report/inputs.js';
import { brtParams, hyperParams, loadTraining } from './params.js';
import { crossValidate, type CvOptions } from './cv/runner.js';
import { formatSummary, summarise } from './cv/summary.js';
import { METRIC_NAMES } from './cv/metrics.js';
import { saveModelSet } from './model-set.js';

export default defineAlgorithm({
  id: 'brt:cv',
  title: 'Repeated k-fold cross-validation (Table 3)',
  group: 'brt',
  help: 'Cross-validates a gbm-equivalent boosted regression tree model: FOLDS-fold CV repeated REPEATS times (the study: 10 × 100). ' +
    'Each repeat draws its folds anew (FOLD_METHOD random, stratified by STRATUM_FIELD, spatial by k-means clusters or blocks of the ' +
    'coordinates, or the user\'s FOLD_FIELD) and gives, from its out-of-fold predictions: Pearson r, r², the coefficient of determination ' +
    'R² = 1 − SSE/SST, RMSE, MAE, Lin\'s concordance correlation coefficient and the bias (mean of predicted − observed). ' +
    'Note: the study\'s "R²" (its Eq. 9) is Pearson\'s r. OUTPUT_SUMMARY holds min / Q1 / median / mean / Q3 / max over the repeats, ' +
    'overall and per stratum. Repeat r uses R\'s RNG seeded with SEED + r − 1 (folds, then one seed per fold); OUTPUT_MODELS refits one ' +
    'model per repeat on all rows with that seed (set.seed(SEED + r − 1); gbm(...)). Results are identical for any THREADS.',
  inputs: [
    brtParams.input(), brtParams.target(), brtParams.predictors(), ...hyperParams(),
    param.integer('FOLDS', 'Number of folds', { default: 10, min: 2, max: 1000 }),
    param.integer('REPEATS', 'Number of repeats of the k-fold split', { default: 100, min: 1, max: 100000 }),
    param.enum('FOLD_METHOD', 'How rows are split into folds', ['random', 'stratified', 'spatial', 'field'] as const, { default: 'random' }),
    param.field('STRATUM_FIELD', 'Stratum of each row (e.g. land use): metrics per stratum, and the strata of FOLD_METHOD=stratified', { parent: 'INPUT', optional: true, fieldType: 'any' }),
    param.enum('SPATIAL_METHOD', 'Spatial folds: k-means clusters of the coordinates (one per fold) or square blocks dealt to folds', ['kmeans', 'blocks'] as const, { default: 'kmeans', advanced: true }),
    param.number('BLOCK_SIZE', 'Block size in map units for SPATIAL_METHOD=blocks', { optional: true, min: 0, exclusiveMin: true, advanced: true }),
    param.field('FOLD_FIELD', 'User fold ids for FOLD_METHOD=field', { parent: 'INPUT', optional: true, fieldType: 'any', advanced: true }),
    param.field('X_FIELD', 'X coordinate field for spatial folds (default: found by name or the layer geometry)', { parent: 'INPUT', optional: true, advanced: true }),
    param.field('Y_FIELD', 'Y coordinate field for spatial folds', { parent: 'INPUT', optional: true, advanced: true }),
    brtParams.seed(), brtParams.threads(),
    param.tableDestination('OUTPUT_SUMMARY', 'Table 3: summary of the metrics over the repeats (.csv or .json)', { extensions: ['.csv', '.json'] }),
    param.tableDestination('OUTPUT_METRICS', 'Metrics of every repeat (for the RMSE histogram)', { optional: true, extensions: ['.csv', '.json'] }),
    param.tableDestination('OUTPUT_PREDICTIONS', 'Out-of-fold predictions: row, repeat, fold, observed, predicted', { optional: true, extensions: ['.csv'] }),
    param.fileDestination('OUTPUT_REPORT', 'Optional HTML report: Table 3, RMSE histogram, observed vs predicted (.html)', { optional: true, extensions: ['.html', '.htm'] }),
    param.fileDestination('OUTPUT_MODELS', 'One model per repeat refit on all rows (model set file, .brtset)', { optional: true, extensions: ['.brtset'] }),
  ],
  outputs: [
    { name: 'OUTPUT_SUMMARY', kind: 'table', description: 'Table 3' },
    { name: 'OUTPUT_METRICS', kind: 'table', description: 'per-repeat metrics' },
    { name: 'OUTPUT_PREDICTIONS', kind: 'table', description: 'out-of-fold predictions' },
    { name: 'OUTPUT_MODELS', kind: 'file', description: 'repeat models' },
    { name: 'OUTPUT_REPORT', kind: 'html', description: 'HTML report' },
  ],
  check(p) {
    const out: string[] = [];
    if (p.FOLD_METHOD === 'stratified' && !p.STRATUM_FIELD) out.push('FOLD_METHOD=stratified needs STRATUM_FIELD');
    if (p.FOLD_METHOD === 'field' && !p.FOLD_FIELD) out.push('FOLD_METHOD=field needs FOLD_FIELD (the user fold ids)');
    if (p.FOLD_METHOD === 'spatial' && p.SPATIAL_METHOD === 'blocks' && !p.BLOCK_SIZE) out.push('SPATIAL_METHOD=blocks needs BLOCK_SIZE (map units)');
    return out;
  },
  async run(p, ctx) {
    const d = await loadTraining(p, ctx, { xField: p.X_FIELD, yField: p.Y_FIELD });
    const n = d.y.length;
    if (p.FOLD_METHOD !== 'field' && p.FOLDS > n) throw new DataError(`FOLDS=${p.FOLDS} is more than the ${n} rows; use at most ${n} folds`);
    const col = (f: string) => Array.from(d.rows, (i) => d.table.columns.get(f)![i]);
    let strata: string[] | undefined;
    if (p.STRATUM_FIELD) {
      const s = col(p.STRATUM_FIELD);
      const miss = s.filter((v) => v === null).length;
      if (miss > 0) throw new DataError(`STRATUM_FIELD ${p.STRATUM_FIELD} is empty in ${miss} rows; give every row a stratum`);
      strata = s.map(String);
    }
    const o: CvOptions = {
      params: { nTrees: p.N_TREES, interactionDepth: p.INTERACTION_DEPTH, shrinkage: p.SHRINKAGE, nMinObsInNode: p.N_MINOBSINNODE, bagFraction: p.BAG_FRACTION },
      seed: p.SEED, folds: p.FOLDS, repeats: p.REPEATS, method: p.FOLD_METHOD, strata,
      spatial: p.SPATIAL_METHOD, blockSize: p.BLOCK_SIZE,
      refit: !!p.OUTPUT_MODELS, threads: p.THREADS ?? ctx.threads, signal: ctx.signal,
      onProgress: (f) => ctx.progress(95 * f),
    };
    if (p.FOLD_METHOD === 'spatial') {
      if (!d.table.x || !d.table.y) throw new DataError(`${d.table.source} has no coordinates for spatial folds; give X_FIELD and Y_FIELD`);
      o.x = Float64Array.from(d.rows, (i) => d.table.x![i]);
      o.y = Float64Array.from(d.rows, (i) => d.table.y![i]);
    }
    if (p.FOLD_METHOD === 'field') {
      const f = col(p.FOLD_FIELD);
      if (f.some((v) => v === null)) throw new DataError(`FOLD_FIELD ${p.FOLD_FIELD} is empty in some rows; every row needs a fold id`);
      o.foldIds = f as (string | number)[];
    }
    const nFits = p.REPEATS * (p.FOLD_METHOD === 'field' ? new Set(o.foldIds!.map(String)).size : p.FOLDS) + (o.refit ? p.REPEATS : 0);
    ctx.log(`brt:cv: ${p.FOLDS}-fold × ${p.REPEATS} repeats, ${n} rows, ${d.names.length} predictors: ${nFits} gbm fits on ${Math.min(o.threads, nFits)} threads`);
    let res;
    try {
      res = await crossValidate({ X: d.X, y: d.y, names: d.names }, o);
    } catch (e) {
      if ((e as Error).name === 'AbortError') ctx.checkCancelled();
      throw new DataError((e as Error).message);
    }
    const summary = summarise(p.TARGET, res.metrics);
    ctx.log(`Cross-validation of ${p.TARGET} (${res.k} folds × ${p.REPEATS} repeats; R2 = 1 − SSE/SST, r = Pearson):\n${formatSummary(summary)}`);
    const cols = ['model', 'stratum', 'metric', 'min', 'q1', 'median', 'mean', 'q3', 'max'];
    const results: Record<string, unknown> = {};
    results.OUTPUT_SUMMARY = p.OUTPUT_SUMMARY.toLowerCase().endsWith('.json')
      ? saveJson(ctx, p.OUTPUT_SUMMARY, { algorithm: 'brt:cv', target: p.TARGET, folds: res.k, repeats: p.REPEATS, seed: p.SEED, summary })
      : saveRows(ctx, p.OUTPUT_SUMMARY, cols, summary as unknown as Record<string, unknown>[]);
    if (p.OUTPUT_METRICS) {
      const mcols = ['repeat', 'stratum', 'n', ...METRIC_NAMES];
      results.OUTPUT_METRICS = p.OUTPUT_METRICS.toLowerCase().endsWith('.json')
        ? saveJson(ctx, p.OUTPUT_METRICS, res.metrics)
        : saveRows(ctx, p.OUTPUT_METRICS, mcols, res.metrics as unknown as Record<string, unknown>[]);
    }
    // out-of-fold predictions, one row per sample and repeat (for the file and the report)
    const predictions: CvPredictionRow[] = [];
    if (p.OUTPUT_PREDICTIONS || p.OUTPUT_REPORT) {
      for (let r = 0; r < p.REPEATS; r++) {
        for (let i = 0; i < n; i++) {
          predictions.push({ row: d.rows[i] + 1, repeat: r + 1, fold: res.folds[r][i] + 1, stratum: strata?.[i] ?? '', observed: d.y[i], predicted: res.oof[r][i] });
        }
      }
    }
    if (p.OUTPUT_PREDICTIONS) {
      results.OUTPUT_PREDICTIONS = saveRows(ctx, p.OUTPUT_PREDICTIONS, ['row', 'repeat', 'fold', 'stratum', 'observed', 'predicted'], predictions as unknown as Record<string, unknown>[]);
    }
    if (p.OUTPUT_MODELS) {
      await saveModelSet(ctx.outputs.stage(p.OUTPUT_MODELS), res.models!, { source: 'brt:cv', target: p.TARGET, seed: p.SEED, repeats: p.REPEATS });
      results.OUTPUT_MODELS = p.OUTPUT_MODELS;
    }
    if (p.OUTPUT_REPORT) {
      const rep = await renderReport({
        cv: [{ name: p.TARGET, summary, metrics: res.metrics as unknown as CvMetricRow[], predictions, folds: res.k, repeats: p.REPEATS }],
      }, { title: `Cross-validation of ${p.TARGET}`, subtitle: `${res.k}-fold × ${p.REPEATS} repeats, seed ${p.SEED}`, signal: ctx.signal });
      for (const w of rep.warnings) ctx.warn(w);
      results.OUTPUT_REPORT = saveText(ctx, p.OUTPUT_REPORT, rep.html);
    }
    const all = summary.filter((s) => s.stratum === 'all');
    const key: Record<string, string> = { r: 'PEARSON_R', r2: 'PEARSON_R2', R2: 'R2', rmse: 'RMSE', mae: 'MAE', ccc: 'CCC', bias: 'BIAS' };
    for (const s of all) results[`${key[s.metric]}_MEAN`] = s.mean;
    return results;
  },
});
