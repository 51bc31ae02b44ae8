// SPDX-License-Identifier: GPL-2.0-or-later
// workflow:socp — the whole study in one run: soil samples + covariate stack + land use → SOCp at
// samples (Eq. 1–6) → covariates at samples → Tables 1 and 2 → repeated CV of both saturation
// models with the paper's settings (Table 3) → importance and partial dependence → mean and SD maps
// of the repeat models → ensembles → 3 × 3 uncertainty zones → Table 4 → HTML report.

import fs from 'node:fs';
import path from 'node:path';
import { defineAlgorithm } from '../../toolbox/algorithm.js';
import { param } from '../../toolbox/params.js';
import { DataError } from '../../toolbox/errors.js';
import { listAlgorithms } from '../../toolbox/registry.js';
import { openRaster } from '../../toolbox/io/raster.js';
import { readTable, writeTable } from '../../toolbox/io/table.js';
import { parseCsv } from '../../toolbox/io/csv.js';
import { writeFileAtomic } from '../../toolbox/io/atomic.js';
import { PAPER_SETTINGS } from '../brt/params.js';
import { checksumInputs, provenancePath, provenanceRecord } from '../../toolbox/provenance.js';
import { minTrainRows } from '../brt/cv/runner.js';
import { StepRunner } from './steps.js';

type ModelName = keyof typeof PAPER_SETTINGS;

const LAYOUT = `OUTPUT_DIR layout:
  samples/potential.csv        SOC density, saturation and SOCp at the samples (soil:potential)
  samples/training.csv         the same with the covariates (and land use) at each sample
  tables/table1_describe.csv   Table 1 (stats:describe, by land use)
  tables/table2_correlation.json  Table 2 (stats:correlation)
  cv/<model>/summary.csv       Table 3 (brt:cv); metrics.csv, predictions.csv, models.brtset
  importance/<model>.csv       relative influence over the repeat models; <model>_<land use>.csv per ecosystem
  partial-dependence/<model>.json
  models/<model>.json          the final model on all samples (brt:train; = repeat 1's refit)
  interpretation/<model>_interactions.csv, _surfaces.json, _sensitivity.csv   brt:interactions, brt:sensitivity
  tables/pca.json              environmental space of samples vs study area (stats:pca, Fig. 2)
  maps/di_<model>.tif, aoa_<model>.tif   dissimilarity index and area of applicability (maps:applicability)
  maps/socp_<model>_mean.tif, socp_<model>_sd.tif     mean and SD of the repeat models
  maps/socp_ensemble_mean.tif, socp_ensemble_weighted.tif, socp_ensemble_sd.tif
  maps/zones.tif (+ zones.csv)  3 × 3 SOCp level × uncertainty level of the ensemble
  tables/table4.csv            Table 4 (maps:zonal-summary)
  report.html                  the study's report (when report:html is available)
Every file has a provenance record <file>.socp.json; a re-run reuses steps whose inputs and parameters are unchanged.`;

/** Mean over the repeats of a metric in a brt:cv summary CSV. */
function summaryMean(file: string, metric: string, stratum = 'all'): number {
  const { header, rows } = parseCsv(fs.readFileSync(file, 'utf8'), file);
  const row = rows.find((r) => r[header.indexOf('stratum')] === stratum && r[header.indexOf('metric')] === metric);
  return row ? Number(row[header.indexOf('mean')]) : NaN;
}

export default defineAlgorithm({
  id: 'workflow:socp',
  title: 'The whole SOCp study in one run',
  group: 'workflow',
  help: 'Runs the study from soil samples, a covariate stack and a land-use raster to maps, tables and a report: soil:potential ' +
    '(Eq. 1–6 for MODELS) → covariates:extract → stats:describe (Table 1) and stats:correlation (Table 2) → brt:cv for each model with ' +
    'the paper\'s settings (Hassink 1600 trees, depth 9, shrinkage 0.0025, minobs 10, bag 0.65; Elustondo 1850, 8, 0.0025, 10, 0.60; ' +
    'FOLDS × REPEATS, strata = land use; Table 3) with one refit model per repeat → brt:importance (overall, and per ecosystem from a ' +
    'model per land use with enough samples) and brt:partial-dependence → brt:predict of the repeat models over the stack (mean and SD ' +
    'maps) → maps:ensemble (arithmetic and R²-weighted means of the models) → maps:uncertainty-zones → maps:zonal-summary (Table 4) → ' +
    'report:html. Each step writes its outputs atomically with a provenance record; a re-run with the same inputs and parameters reuses ' +
    'finished steps, changed inputs recompute what depends on them. ' + LAYOUT,
  inputs: [
    param.vector('SAMPLES', 'Soil samples with SOC, BD, fine fraction, gravel, depth, land use and coordinates'),
    param.field('SOC_FIELD', 'SOC, g C kg⁻¹', { parent: 'SAMPLES' }),
    param.field('BD_FIELD', 'Bulk density, g cm⁻³', { parent: 'SAMPLES' }),
    param.field('FINE_FIELD', 'Fine fraction, % < 50 µm', { parent: 'SAMPLES' }),
    param.field('GRAVEL_FIELD', 'Gravel, volume %', { parent: 'SAMPLES', optional: true }),
    param.number('DEPTH', 'Layer thickness in cm when DEPTH_FIELD is not given', { default: 30, min: 0, exclusiveMin: true }),
    param.field('DEPTH_FIELD', 'Layer thickness per sample, cm', { parent: 'SAMPLES', optional: true }),
    param.field('LANDUSE_FIELD', 'Land use of each sample (text); default: read from LANDUSE at the sample and named by LABELS', { parent: 'SAMPLES', optional: true, fieldType: 'any' }),
    param.field('SITE_FIELD', 'Sample identifier (kept in the outputs)', { parent: 'SAMPLES', optional: true, fieldType: 'any' }),
    param.field('X_FIELD', 'X coordinate field (default: found by name)', { parent: 'SAMPLES', optional: true }),
    param.field('Y_FIELD', 'Y coordinate field', { parent: 'SAMPLES', optional: true }),
    param.string('POINTS_CRS', 'CRS of the sample coordinates when the table has none (e.g. EPSG:32652)', { optional: true }),
    param.raster('COVARIATES', 'Covariate stack with named bands (covariates:stack)'),
    param.list('PREDICTORS', 'Bands used as predictors (default: every band of COVARIATES)', 'string', { optional: true }),
    param.raster('LANDUSE', 'Land-use raster with class codes'),
    param.string('LABELS', 'Land-use labels as code=label pairs', { default: '1=farmland,2=forest,3=grassland,4=other' }),
    param.list('MODELS', 'Saturation models', 'string', { default: ['hassink', 'elustondo'], options: ['hassink', 'elustondo'] }),
    param.integer('FOLDS', 'Cross-validation folds', { default: 10, min: 2 }),
    param.integer('REPEATS', 'Cross-validation repeats (and repeat models for the maps)', { default: 100, min: 2 }),
    param.number('K', 'Uncertainty zones: thresholds at mean ± K·SD', { default: 0.5, min: 0 }),
    param.integer('SEED', 'Random seed of every step', { default: 1, min: -2147483648, max: 2147483647 }),
    param.integer('THREADS', 'Worker threads (default: all cores; results do not depend on it)', { optional: true, min: 1, advanced: true }),
    param.boolean('REPORT', 'Write report.html', { default: true }),
    param.folder('TEMPLATE', 'Your own report template folder (see report:html)', { optional: true, advanced: true }),
    param.folderDestination('OUTPUT_DIR', 'Folder for every output (created if missing; finished steps in it are reused)'),
  ],
  outputs: [
    { name: 'OUTPUT_DIR', kind: 'folder', description: 'all outputs, in the documented layout' },
    { name: 'OUTPUT_REPORT', kind: 'html', description: 'report.html' },
  ],
  async run(p, ctx) {
    const out: string = p.OUTPUT_DIR;
    for (const d of ['', 'samples', 'tables', 'cv', 'importance', 'partial-dependence', 'models', 'interpretation', 'maps']) fs.mkdirSync(path.join(out, d), { recursive: true });
    const f = (...parts: string[]) => path.join(out, ...parts);
    const threads = p.THREADS ?? ctx.threads;
    const steps = new StepRunner(ctx, threads);
    const models = [...new Set(p.MODELS as ModelName[])];
    const labels = new Map<number, string>();
    for (const pair of String(p.LABELS).split(',')) {
      const [k, v] = pair.split('=');
      if (v === undefined || !Number.isInteger(Number(k))) throw new DataError(`LABELS item "${pair}" must look like 1=farmland`);
      labels.set(Number(k), v.trim());
    }
    const stack = await openRaster(p.COVARIATES, 'COVARIATES');
    const bands = stack.bandNames;
    stack.ds.close();
    const predictors: string[] = p.PREDICTORS && p.PREDICTORS.length ? p.PREDICTORS : bands;
    const lack = predictors.filter((n) => !bands.includes(n));
    if (lack.length) throw new DataError(`COVARIATES lacks band${lack.length > 1 ? 's' : ''} ${lack.join(', ')}; its bands are ${bands.join(', ')}`);

    // 1. Eq. 1–6 at the samples
    const potential = f('samples', 'potential.csv');
    await steps.step('potential', 'soil:potential', {
      INPUT: p.SAMPLES, SOC_FIELD: p.SOC_FIELD, BD_FIELD: p.BD_FIELD, FINE_FIELD: p.FINE_FIELD, GRAVEL_FIELD: p.GRAVEL_FIELD,
      DEPTH: p.DEPTH, DEPTH_FIELD: p.DEPTH_FIELD, MODELS: models, OUTPUT: potential,
      ENCODING: p.ENCODING, // the step reads SAMPLES itself; later steps read socp's own UTF-8 files
    }, 0, 2);
    // 2. covariates (and land use) at the samples
    let pointsCrs: string | undefined = p.POINTS_CRS;
    if (!pointsCrs) {
      const t = await readTable(p.SAMPLES, { xField: p.X_FIELD, yField: p.Y_FIELD });
      if (t.srsWkt) pointsCrs = t.srsWkt;
    }
    let landuseField: string = p.LANDUSE_FIELD;
    const training = f('samples', 'training.csv');
    const withCov = landuseField ? training : f('samples', 'covariates.csv');
    await steps.step('extract', 'covariates:extract', {
      POINTS: potential, X_FIELD: p.X_FIELD, Y_FIELD: p.Y_FIELD, POINTS_CRS: pointsCrs, STACK: p.COVARIATES, BANDS: predictors, OUTPUT: withCov,
    }, 2, 4);
    if (!landuseField) {
      // land use read from LANDUSE at each sample, named by LABELS
      const withLu = f('samples', 'landuse.csv');
      await steps.step('landuse', 'covariates:extract', { POINTS: withCov, X_FIELD: p.X_FIELD, Y_FIELD: p.Y_FIELD, POINTS_CRS: pointsCrs, STACK: p.LANDUSE, PREFIX: 'lu_', OUTPUT: withLu }, 4, 5);
      const t = await readTable(withLu, { xField: p.X_FIELD, yField: p.Y_FIELD, pointsCrs });
      const codeField = t.fields.find((x) => x.startsWith('lu_'))!;
      landuseField = 'landuse';
      t.fields = t.fields.filter((x) => x !== codeField);
      t.columns.set(landuseField, t.columns.get(codeField)!.map((v) => (v === null ? null : labels.get(Number(v)) ?? `class ${v}`)));
      if (!t.fields.includes(landuseField)) t.fields.push(landuseField);
      await writeFileAtomic(training, (tmp) => writeTable(tmp, t), (m) => ctx.log(m));
      const inputs = await checksumInputs([['INPUT', withLu]]);
      fs.writeFileSync(provenancePath(training), JSON.stringify(provenanceRecord({ algorithm: 'workflow:socp', parameters: { step: 'landuse labels', LABELS: p.LABELS }, inputs, started: new Date().toISOString(), finished: new Date().toISOString(), seconds: 0 }), null, 2) + '\n');
    }
    const train = await readTable(training, { xField: p.X_FIELD, yField: p.Y_FIELD, pointsCrs });
    const strata = train.columns.get(landuseField)!;
    const missingLu = strata.filter((v) => v === null).length;
    if (missingLu > 0) ctx.warn(`${missingLu} samples have no land use (outside LANDUSE or nodata); they count only in the overall figures`);

    // 3. Tables 1 and 2
    const t1Fields = [p.SOC_FIELD, p.BD_FIELD, p.FINE_FIELD, ...(p.GRAVEL_FIELD ? [p.GRAVEL_FIELD] : []), 'soc_density', ...models.flatMap((m) => [`socsat_${m}`, `socp_${m}`]), ...predictors];
    await steps.step('table1', 'stats:describe', { INPUT: training, FIELDS: t1Fields, GROUP_FIELD: landuseField, OUTPUT: f('tables', 'table1_describe.csv') }, 5, 6);
    await steps.step('table2', 'stats:correlation', { INPUT: training, FIELDS: [...models.map((m) => `socp_${m}`), ...predictors], OUTPUT: f('tables', 'table2_correlation.json') }, 6, 7);

    await steps.step('pca', 'stats:pca', { STACK: p.COVARIATES, BANDS: predictors, INPUT: training, X_FIELD: p.X_FIELD, Y_FIELD: p.Y_FIELD, POINTS_CRS: pointsCrs, SEED: p.SEED, OUTPUT: f('tables', 'pca.json') }, 7, 8);

    // 4. CV, importance, partial dependence, maps per model
    const share = 79 / models.length;
    const means: string[] = [];
    const sds: string[] = [];
    const r2: number[] = [];
    let at = 8;
    // a separate table without rows lacking land use for the stratified figures would change Table 3;
    // rows without land use are kept and reported under "all" only
    for (const m of models) {
      const s = PAPER_SETTINGS[m];
      const hyper = { N_TREES: s.nTrees, INTERACTION_DEPTH: s.interactionDepth, SHRINKAGE: s.shrinkage, N_MINOBSINNODE: s.nMinObsInNode, BAG_FRACTION: s.bagFraction };
      fs.mkdirSync(f('cv', m), { recursive: true });
      const set = f('cv', m, 'models.brtset');
      await steps.step(`cv ${m}`, 'brt:cv', {
        INPUT: training, TARGET: `socp_${m}`, PREDICTORS: predictors, ...hyper, FOLDS: p.FOLDS, REPEATS: p.REPEATS,
        FOLD_METHOD: 'random', STRATUM_FIELD: missingLu ? undefined : landuseField, SEED: p.SEED, THREADS: threads,
        OUTPUT_SUMMARY: f('cv', m, 'summary.csv'), OUTPUT_METRICS: f('cv', m, 'metrics.csv'), OUTPUT_PREDICTIONS: f('cv', m, 'predictions.csv'), OUTPUT_MODELS: set,
      }, at, at + share * 0.55);
      r2.push(summaryMean(f('cv', m, 'summary.csv'), 'R2'));
      await steps.step(`importance ${m}`, 'brt:importance', { MODEL: set, OUTPUT: f('importance', `${m}.csv`) }, at + share * 0.55, at + share * 0.57);
      // per ecosystem: one model per land use with enough samples for the settings
      const need = minTrainRows(s);
      for (const lu of [...new Set(strata.filter((v) => v !== null).map(String))].sort()) {
        const rows = strata.flatMap((v, i) => (String(v) === lu ? [i] : []));
        if (rows.length < need) {
          ctx.log(`importance per ecosystem: ${lu} has ${rows.length} samples, fewer than the ${need} a model with n.minobsinnode ${s.nMinObsInNode} and bag fraction ${s.bagFraction} needs; skipped`);
          continue;
        }
        const sub = f('samples', `training_${lu.replace(/[^A-Za-z0-9_-]/g, '_')}.csv`);
        if (!fs.existsSync(sub)) {
          const t = { ...train, columns: new Map([...train.columns].map(([k, v]) => [k, rows.map((i) => v[i])])), nRows: rows.length, x: train.x ? Float64Array.from(rows, (i) => train.x![i]) : undefined, y: train.y ? Float64Array.from(rows, (i) => train.y![i]) : undefined };
          await writeFileAtomic(sub, (tmp) => writeTable(tmp, t), (m) => ctx.log(m));
        }
        const model = f('importance', `${m}_${lu}.model.json`);
        await steps.step(`model ${m} ${lu}`, 'brt:train', { INPUT: sub, TARGET: `socp_${m}`, PREDICTORS: predictors, ...hyper, SEED: p.SEED, OUTPUT_MODEL: model }, at + share * 0.57, at + share * 0.6);
        await steps.step(`importance ${m} ${lu}`, 'brt:importance', { MODEL: model, OUTPUT: f('importance', `${m}_${lu}.csv`) }, at + share * 0.6, at + share * 0.6);
      }
      await steps.step(`partial dependence ${m}`, 'brt:partial-dependence', { MODEL: set, OUTPUT: f('partial-dependence', `${m}.json`) }, at + share * 0.6, at + share * 0.62);
      // the final model on all samples (= repeat 1's refit): interpretation and applicability
      const final = f('models', `${m}.json`);
      await steps.step(`final model ${m}`, 'brt:train', { INPUT: training, TARGET: `socp_${m}`, PREDICTORS: predictors, ...hyper, SEED: p.SEED, OUTPUT_MODEL: final }, at + share * 0.62, at + share * 0.63);
      await steps.step(`interactions ${m}`, 'brt:interactions', { MODEL: final, INPUT: training, RANK_BY: 'interaction_rms', OUTPUT: f('interpretation', `${m}_interactions.csv`), OUTPUT_SURFACES: f('interpretation', `${m}_surfaces.json`) }, at + share * 0.63, at + share * 0.64);
      await steps.step(`sensitivity ${m}`, 'brt:sensitivity', { MODEL: final, INPUT: training, STRATUM_FIELD: missingLu ? undefined : landuseField, OUTPUT: f('interpretation', `${m}_sensitivity.csv`) }, at + share * 0.64, at + share * 0.645);
      const aoa = await steps.step(`applicability ${m}`, 'maps:applicability', { MODEL: final, TRAINING: training, STACK: p.COVARIATES, FOLDS: p.FOLDS, SEED: p.SEED, OUTPUT: f('maps', `di_${m}.tif`), OUTPUT_AOA: f('maps', `aoa_${m}.tif`) }, at + share * 0.645, at + share * 0.65);
      if (typeof aoa.SHARE_INSIDE === 'number') ctx.log(`${m}: ${(100 * aoa.SHARE_INSIDE).toFixed(1)} % of the area lies inside the model's area of applicability`);
      const mean = f('maps', `socp_${m}_mean.tif`);
      const sd = f('maps', `socp_${m}_sd.tif`);
      await steps.step(`maps ${m}`, 'brt:predict', { MODEL: set, INPUT: p.COVARIATES, OUTPUT: mean, OUTPUT_SD: sd, THREADS: threads }, at + share * 0.65, at + share);
      means.push(mean);
      sds.push(sd);
      at += share;
    }

    // 5. ensembles, zones, Table 4
    let value = means[0];
    let uncertainty = sds[0];
    const table4Inputs = [...means];
    const table4Names: string[] = models.map((m) => m);
    if (models.length > 1) {
      value = f('maps', 'socp_ensemble_mean.tif');
      uncertainty = f('maps', 'socp_ensemble_sd.tif');
      await steps.step('ensemble', 'maps:ensemble', { INPUTS: means, METHOD: 'mean', OUTPUT: value }, 87, 89);
      const weights = r2.map((x) => Math.max(0, x));
      if (weights.every((w) => w > 0)) {
        const weighted = f('maps', 'socp_ensemble_weighted.tif');
        await steps.step('weighted ensemble', 'maps:ensemble', { INPUTS: means, METHOD: 'weighted', WEIGHTS: weights, OUTPUT: weighted }, 89, 90);
        table4Inputs.push(value, weighted);
        table4Names.push('mean', 'weighted_mean');
      } else {
        ctx.warn(`a model has CV R² ≤ 0 (${r2.map((x) => x.toFixed(3)).join(', ')}); no R²-weighted ensemble`);
        table4Inputs.push(value);
        table4Names.push('mean');
      }
      await steps.step('ensemble sd', 'maps:ensemble', { INPUTS: sds, METHOD: 'mean', OUTPUT: uncertainty }, 90, 91);
    }
    await steps.step('zones', 'maps:uncertainty-zones', { VALUE: value, UNCERTAINTY: uncertainty, K: p.K, OUTPUT: f('maps', 'zones.tif'), OUTPUT_TABLE: f('maps', 'zones.csv') }, 91, 93);
    const t4 = await steps.step('table4', 'maps:zonal-summary', { INPUT: table4Inputs, NAMES: table4Names, ZONES: p.LANDUSE, LABELS: p.LABELS, OUTPUT: f('tables', 'table4.csv') }, 93, 95);
    if (t4.TOTALS_TGC) ctx.log(`Table 4 totals (Tg C): ${JSON.stringify(t4.TOTALS_TGC)}`);

    // 6. report
    const results: Record<string, unknown> = { OUTPUT_DIR: out, R2: Object.fromEntries(models.map((m, i) => [m, r2[i]])) };
    const hasReport = (await listAlgorithms()).some((a) => a.id === 'report:html');
    if (p.REPORT && hasReport) {
      const report = f('report.html');
      await steps.step('report', 'report:html', reportParams(out, models, report, p), 95, 100);
      results.OUTPUT_REPORT = report;
      ctx.log(`report: ${report}`);
    } else if (p.REPORT) {
      ctx.warn('report:html is not available in this build; no report written');
    }
    const reused = steps.log.filter((s) => s.reused).length;
    ctx.log(`${steps.log.length} steps, ${reused} reused from an earlier run`);
    fs.writeFileSync(f('steps.json'), JSON.stringify(steps.log.map(({ step, algorithm, reused: r, seconds }) => ({ step, algorithm, reused: r, seconds })), null, 2) + '\n');
    return results;
  },
});

/** Parameters of report:html for the workflow's outputs (only files that exist). */
function reportParams(out: string, models: string[], report: string, p: Record<string, unknown>): Record<string, unknown> {
  const f = (...parts: string[]) => path.join(out, ...parts);
  const exists = (x: string) => fs.existsSync(x);
  const title = (m: string) => m.charAt(0).toUpperCase() + m.slice(1);
  const importance = fs.readdirSync(f('importance')).filter((x) => x.endsWith('.csv')).sort();
  const maps: [string, string][] = [
    ...models.flatMap((m): [string, string][] => [[f('maps', `socp_${m}_mean.tif`), `${title(m)} mean`], [f('maps', `socp_${m}_sd.tif`), `${title(m)} SD`]]),
    [f('maps', 'socp_ensemble_mean.tif'), 'Ensemble mean'],
    [f('maps', 'socp_ensemble_weighted.tif'), 'Ensemble, R²-weighted'],
    [f('maps', 'socp_ensemble_sd.tif'), 'Ensemble SD'],
  ].filter(([x]) => exists(x)) as [string, string][];
  // interpretation and applicability of the final models: only the files that exist
  const interactions = models.filter((m) => exists(f('interpretation', `${m}_interactions.csv`)));
  const surfaces = interactions.every((m) => exists(f('interpretation', `${m}_surfaces.json`))) ? interactions : [];
  const sensitivity = models.filter((m) => exists(f('interpretation', `${m}_sensitivity.csv`)));
  const applicability = models.filter((m) => exists(f('maps', `di_${m}.tif`)));
  const some = <T>(list: T[]) => (list.length ? list : undefined);
  return {
    TITLE: 'Soil organic carbon sequestration potential',
    SUBTITLE: `${models.map(title).join(' and ')} saturation models; ${p.FOLDS}-fold cross-validation × ${p.REPEATS} repeats; seed ${p.SEED}`,
    DESCRIBE: f('tables', 'table1_describe.csv'),
    CORRELATION: f('tables', 'table2_correlation.json'),
    PCA: exists(f('tables', 'pca.json')) ? f('tables', 'pca.json') : undefined,
    CV_SUMMARY: models.map((m) => f('cv', m, 'summary.csv')),
    CV_METRICS: models.map((m) => f('cv', m, 'metrics.csv')),
    CV_PREDICTIONS: models.map((m) => f('cv', m, 'predictions.csv')),
    MODEL_NAMES: models.map(title),
    IMPORTANCE: importance.map((x) => f('importance', x)),
    IMPORTANCE_NAMES: importance.map((x) => x.replace(/\.csv$/, '').split('_').map(title).join(' – ')),
    PARTIAL_DEPENDENCE: models.map((m) => f('partial-dependence', `${m}.json`)),
    PD_NAMES: models.map(title),
    INTERACTIONS: some(interactions.map((m) => f('interpretation', `${m}_interactions.csv`))),
    INTERACTION_SURFACES: some(surfaces.map((m) => f('interpretation', `${m}_surfaces.json`))),
    INTERACTIONS_NAMES: some(interactions.map(title)),
    SENSITIVITY: some(sensitivity.map((m) => f('interpretation', `${m}_sensitivity.csv`))),
    SENSITIVITY_NAMES: some(sensitivity.map(title)),
    MAPS: maps.map(([x]) => x),
    MAP_NAMES: maps.map(([, n]) => n),
    APPLICABILITY: some(applicability.map((m) => f('maps', `di_${m}.tif`))),
    APPLICABILITY_NAMES: some(applicability.map(title)),
    ZONES: f('maps', 'zones.tif'),
    ZONES_TABLE: f('maps', 'zones.csv'),
    TABLE4: f('tables', 'table4.csv'),
    TEMPLATE: p.TEMPLATE,
    OUTPUT: report,
  };
}
