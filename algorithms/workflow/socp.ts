// SPDX-License-Identifier: GPL-2.0-or-later
// workflow:socp — the whole study in one run: soil samples + covariate stack + land use → SOCp at
// samples (Eq. 1–6) → covariates at samples → Tables 1 and 2 → repeated CV of both saturation
// models with the paper's settings (Table 3) → importance and partial dependence → mean and SD maps
// of the repeat models → ensembles → 3 × 3 uncertainty zones → Table 4 → HTML report.

import fs from 'node:fs';
import path from 'node:path';
import { defineAlgorithm, type ParamValues } from '../../toolbox/algorithm.js';
import { param } from '../../toolbox/params.js';
import { DataError } from '../../toolbox/errors.js';
import { checkGraph, foldersOf, layoutOf, runGraph, type Step, type StepRecord } from '../../toolbox/graph.js';
import { parseLabels } from '../../toolbox/labels.js';
import { listAlgorithms } from '../../toolbox/registry.js';
import { openRaster } from '../../toolbox/io/raster.js';
import { readTable } from '../../toolbox/io/table.js';
import { parseCsv } from '../../toolbox/io/csv.js';
import { PAPER_SETTINGS } from '../brt/params.js';
import { soilParams } from '../soil/samples.js';
import { minTrainRows } from '../brt/cv/runner.js';
import { checkZoneRaster } from '../maps/zones-input.js';
import { labelLanduse, subsetRows } from './lib/table-steps.js';

type ModelName = keyof typeof PAPER_SETTINGS;

/** What the study's graph depends on besides the parameters. */
interface Facts {
  models: string[];
  predictors: string[];
  pointsCrs?: string;
  /** the samples' land-use field, given or labelled from LANDUSE */
  landuseField: string;
  /** LANDUSE's band read at the samples (when no LANDUSE_FIELD) */
  landuseBand: string;
  /** every sample has a land use (then CV and sensitivity are stratified by it) */
  allLanded: boolean;
  /** per model, the land uses with enough samples for a model of their own */
  ecosystems: Record<string, string[]>;
}

const title = (m: string) => m.charAt(0).toUpperCase() + m.slice(1);
const safe = (s: string) => s.replace(/[^A-Za-z0-9_<>-]/g, '_');
const settings = (m: string) => PAPER_SETTINGS[m as ModelName] ?? PAPER_SETTINGS.hassink; // placeholders in the layout use Hassink's
const hyper = (m: string) => {
  const s = settings(m);
  return { N_TREES: s.nTrees, INTERACTION_DEPTH: s.interactionDepth, SHRINKAGE: s.shrinkage, N_MINOBSINNODE: s.nMinObsInNode, BAG_FRACTION: s.bagFraction };
};
const coords = (p: ParamValues, f: Facts) => ({ X_FIELD: p.X_FIELD, Y_FIELD: p.Y_FIELD, POINTS_CRS: f.pointsCrs });

/** Phase 1: SOCp at the samples, covariates and land use at each sample → samples/training.csv. */
function sampleSteps(p: ParamValues, f: Facts): Step[] {
  const fromRaster = !p.LANDUSE_FIELD;
  const extractTo = fromRaster ? 'samples/covariates.csv' : 'samples/training.csv';
  const steps: Step[] = [
    {
      name: 'potential', algorithm: 'soil:potential', weight: 2,
      // the step reads SAMPLES itself (in the run's ENCODING); later steps read socp's own UTF-8 files
      params: { INPUT: p.SAMPLES, SOC_FIELD: p.SOC_FIELD, BD_FIELD: p.BD_FIELD, FINE_FIELD: p.FINE_FIELD, GRAVEL_FIELD: p.GRAVEL_FIELD, DEPTH: p.DEPTH, DEPTH_FIELD: p.DEPTH_FIELD, MODELS: f.models, ENCODING: p.ENCODING },
      outputs: [{ param: 'OUTPUT', file: 'samples/potential.csv', what: 'SOC density, saturation and SOCp at the samples (soil:potential)' }],
    },
  ];
  const potential = (root: string) => path.join(root, 'samples/potential.csv');
  steps.push({
    name: 'extract', algorithm: 'covariates:extract', weight: 2,
    params: { POINTS: potential(p.OUTPUT_DIR), ...coords(p, f), STACK: p.COVARIATES, BANDS: f.predictors },
    outputs: [{ param: 'OUTPUT', file: extractTo, what: fromRaster ? 'the samples with the covariates at each sample' : 'the same with the covariates (and land use) at each sample' }],
  });
  if (fromRaster) {
    steps.push({
      name: 'landuse', algorithm: 'covariates:extract', weight: 1,
      params: { POINTS: path.join(p.OUTPUT_DIR, extractTo), ...coords(p, f), STACK: p.LANDUSE, BANDS: [f.landuseBand], PREFIX: 'lu_' },
      outputs: [{ param: 'OUTPUT', file: 'samples/landuse.csv', what: 'the same with the land-use code at each sample (LANDUSE)' }],
    });
    steps.push({
      name: 'landuse labels', algorithm: labelLanduse, weight: 0.5,
      params: { INPUT: path.join(p.OUTPUT_DIR, 'samples/landuse.csv'), CODE_FIELD: `lu_${f.landuseBand}`, LABELS: p.LABELS, FIELD: 'landuse', ...coords(p, f) },
      outputs: [{ param: 'OUTPUT', file: 'samples/training.csv', what: 'the same with the covariates and the land use (LABELS) at each sample' }],
    });
  }
  return steps;
}

/** Phase 2: tables, models, maps, zones, Table 4 and the report, from samples/training.csv. */
function studySteps(p: ParamValues, f: Facts, threads: number | undefined): Step[] {
  const root: string = p.OUTPUT_DIR;
  const training = path.join(root, 'samples/training.csv');
  const at = (file: string) => path.join(root, file);
  const strata = f.allLanded ? f.landuseField : undefined;
  const steps: Step[] = [
    {
      name: 'table1', algorithm: 'stats:describe', weight: 1,
      params: { INPUT: training, GROUP_FIELD: f.landuseField, FIELDS: [p.SOC_FIELD, p.BD_FIELD, p.FINE_FIELD, ...(p.GRAVEL_FIELD ? [p.GRAVEL_FIELD] : []), 'soc_density', ...f.models.flatMap((m) => [`socsat_${m}`, `socp_${m}`]), ...f.predictors] },
      outputs: [{ param: 'OUTPUT', file: 'tables/table1_describe.csv', what: 'Table 1 (stats:describe, by land use)', collect: { as: 'DESCRIBE' } }],
    },
    {
      name: 'table2', algorithm: 'stats:correlation', weight: 1,
      params: { INPUT: training, FIELDS: [...f.models.map((m) => `socp_${m}`), ...f.predictors] },
      outputs: [{ param: 'OUTPUT', file: 'tables/table2_correlation.json', what: 'Table 2 (stats:correlation)', collect: { as: 'CORRELATION' } }],
    },
    {
      name: 'pca', algorithm: 'stats:pca', weight: 1,
      params: { STACK: p.COVARIATES, BANDS: f.predictors, INPUT: training, ...coords(p, f), SEED: p.SEED },
      outputs: [{ param: 'OUTPUT', file: 'tables/pca.json', what: 'environmental space of samples vs study area (stats:pca, Fig. 2)', collect: { as: 'PCA' } }],
    },
  ];
  // the samples of each land use that has a model of its own
  for (const lu of [...new Set(Object.values(f.ecosystems).flat())].sort()) {
    steps.push({
      name: `samples ${lu}`, algorithm: subsetRows, weight: 0,
      params: { INPUT: training, FIELD: f.landuseField, VALUE: lu, ...coords(p, f) },
      outputs: [{ param: 'OUTPUT', file: `samples/training_${safe(lu)}.csv`, what: 'the training samples of one land use' }],
    });
  }
  const share = 79 / Math.max(1, f.models.length);
  for (const m of f.models) {
    const set = at(`cv/${m}/models.brtset`);
    const final = at(`models/${m}.json`);
    const h = hyper(m);
    steps.push({
      name: `cv ${m}`, algorithm: 'brt:cv', weight: share * 0.55,
      params: { INPUT: training, TARGET: `socp_${m}`, PREDICTORS: f.predictors, ...h, FOLDS: p.FOLDS, REPEATS: p.REPEATS, FOLD_METHOD: 'random', STRATUM_FIELD: strata, SEED: p.SEED, THREADS: threads },
      outputs: [
        { param: 'OUTPUT_SUMMARY', file: `cv/${m}/summary.csv`, what: 'Table 3 (brt:cv)', collect: { as: 'CV_SUMMARY', name: title(m), nameAs: 'MODEL_NAMES' } },
        { param: 'OUTPUT_METRICS', file: `cv/${m}/metrics.csv`, what: 'metrics of every repeat', collect: { as: 'CV_METRICS' } },
        { param: 'OUTPUT_PREDICTIONS', file: `cv/${m}/predictions.csv`, what: 'out-of-fold predictions', collect: { as: 'CV_PREDICTIONS' } },
        { param: 'OUTPUT_MODELS', file: `cv/${m}/models.brtset`, what: 'one refit model per repeat (the maps\' model set)' },
      ],
    });
    steps.push({
      name: `importance ${m}`, algorithm: 'brt:importance', weight: share * 0.02, params: { MODEL: set },
      outputs: [{ param: 'OUTPUT', file: `importance/${m}.csv`, what: 'relative influence over the repeat models', collect: { as: 'IMPORTANCE', name: title(m), nameAs: 'IMPORTANCE_NAMES' } }],
    });
    // per ecosystem: one model per land use with enough samples for the settings
    const ecosystems = f.ecosystems[m] ?? [];
    for (const lu of ecosystems) {
      const sub = `samples/training_${safe(lu)}.csv`;
      const w = (share * 0.03) / ecosystems.length;
      steps.push({
        name: `model ${m} ${lu}`, algorithm: 'brt:train', weight: w,
        params: { INPUT: at(sub), TARGET: `socp_${m}`, PREDICTORS: f.predictors, ...h, SEED: p.SEED },
        outputs: [{ param: 'OUTPUT_MODEL', file: `importance/${m}_${safe(lu)}.model.json`, what: 'the model of one land use' }],
      });
      steps.push({
        name: `importance ${m} ${lu}`, algorithm: 'brt:importance', weight: 0,
        params: { MODEL: at(`importance/${m}_${safe(lu)}.model.json`) },
        outputs: [{ param: 'OUTPUT', file: `importance/${m}_${safe(lu)}.csv`, what: 'relative influence per ecosystem', collect: { as: 'IMPORTANCE', name: `${title(m)} – ${title(lu)}`, nameAs: 'IMPORTANCE_NAMES' } }],
      });
    }
    steps.push(
      {
        name: `partial dependence ${m}`, algorithm: 'brt:partial-dependence', weight: share * 0.02, params: { MODEL: set },
        outputs: [{ param: 'OUTPUT', file: `partial-dependence/${m}.json`, what: 'partial dependence over the repeat models', collect: { as: 'PARTIAL_DEPENDENCE', name: title(m), nameAs: 'PD_NAMES' } }],
      },
      {
        name: `final model ${m}`, algorithm: 'brt:train', weight: share * 0.01,
        params: { INPUT: training, TARGET: `socp_${m}`, PREDICTORS: f.predictors, ...h, SEED: p.SEED },
        outputs: [{ param: 'OUTPUT_MODEL', file: `models/${m}.json`, what: 'the final model on all samples (brt:train; = repeat 1\'s refit)' }],
      },
      {
        name: `interactions ${m}`, algorithm: 'brt:interactions', weight: share * 0.01, params: { MODEL: final, INPUT: training, RANK_BY: 'interaction_rms' },
        outputs: [
          { param: 'OUTPUT', file: `interpretation/${m}_interactions.csv`, what: 'Friedman\'s H of predictor pairs (brt:interactions)', collect: { as: 'INTERACTIONS', name: title(m), nameAs: 'INTERACTIONS_NAMES' } },
          { param: 'OUTPUT_SURFACES', file: `interpretation/${m}_surfaces.json`, what: 'two-way partial dependence of the strongest pairs', collect: { as: 'INTERACTION_SURFACES' } },
        ],
      },
      {
        name: `sensitivity ${m}`, algorithm: 'brt:sensitivity', weight: share * 0.005, params: { MODEL: final, INPUT: training, STRATUM_FIELD: strata },
        outputs: [{ param: 'OUTPUT', file: `interpretation/${m}_sensitivity.csv`, what: 'one-at-a-time sensitivity (brt:sensitivity)', collect: { as: 'SENSITIVITY', name: title(m), nameAs: 'SENSITIVITY_NAMES' } }],
      },
      {
        name: `applicability ${m}`, algorithm: 'maps:applicability', weight: share * 0.005, distribute: true, params: { MODEL: final, TRAINING: training, STACK: p.COVARIATES, FOLDS: p.FOLDS, SEED: p.SEED },
        outputs: [
          { param: 'OUTPUT', file: `maps/di_${m}.tif`, what: 'dissimilarity index (maps:applicability)', collect: { as: 'APPLICABILITY', name: title(m), nameAs: 'APPLICABILITY_NAMES' } },
          { param: 'OUTPUT_AOA', file: `maps/aoa_${m}.tif`, what: 'area of applicability' },
        ],
      },
      {
        name: `maps ${m}`, algorithm: 'brt:predict', weight: share * 0.35, distribute: true, params: { MODEL: set, INPUT: p.COVARIATES, THREADS: threads },
        outputs: [
          { param: 'OUTPUT', file: `maps/socp_${m}_mean.tif`, what: 'mean of the repeat models', collect: { as: 'MAPS', name: `${title(m)} mean`, nameAs: 'MAP_NAMES' } },
          { param: 'OUTPUT_SD', file: `maps/socp_${m}_sd.tif`, what: 'SD of the repeat models', collect: { as: 'MAPS', name: `${title(m)} SD`, nameAs: 'MAP_NAMES' } },
        ],
      },
    );
  }
  const means = f.models.map((m) => at(`maps/socp_${m}_mean.tif`));
  const sds = f.models.map((m) => at(`maps/socp_${m}_sd.tif`));
  const r2 = () => f.models.map((m) => summaryMean(at(`cv/${m}/summary.csv`), 'R2'));
  const weighted = () => r2().every((x) => x > 0);
  const several = f.models.length > 1;
  const value = several ? at('maps/socp_ensemble_mean.tif') : means[0];
  const uncertainty = several ? at('maps/socp_ensemble_sd.tif') : sds[0];
  if (several) {
    steps.push(
      {
        name: 'ensemble', algorithm: 'maps:ensemble', weight: 2, params: { INPUTS: means, METHOD: 'mean' },
        outputs: [{ param: 'OUTPUT', file: 'maps/socp_ensemble_mean.tif', what: 'arithmetic mean of the models', collect: { as: 'MAPS', name: 'Ensemble mean', nameAs: 'MAP_NAMES' } }],
      },
      {
        name: 'weighted ensemble', algorithm: 'maps:ensemble', weight: 1, when: weighted,
        params: () => ({ INPUTS: means, METHOD: 'weighted', WEIGHTS: r2() }),
        outputs: [{ param: 'OUTPUT', file: 'maps/socp_ensemble_weighted.tif', what: 'R²-weighted mean (when every CV R² > 0)', collect: { as: 'MAPS', name: 'Ensemble, R²-weighted', nameAs: 'MAP_NAMES' } }],
      },
      {
        name: 'ensemble sd', algorithm: 'maps:ensemble', weight: 1, params: { INPUTS: sds, METHOD: 'mean' },
        outputs: [{ param: 'OUTPUT', file: 'maps/socp_ensemble_sd.tif', what: 'mean of the models\' SD maps', collect: { as: 'MAPS', name: 'Ensemble SD', nameAs: 'MAP_NAMES' } }],
      },
    );
  }
  steps.push(
    {
      name: 'zones', algorithm: 'maps:uncertainty-zones', weight: 2, params: { VALUE: value, UNCERTAINTY: uncertainty, K: p.K },
      outputs: [
        { param: 'OUTPUT', file: 'maps/zones.tif', what: '3 × 3 SOCp level × uncertainty level of the ensemble', collect: { as: 'ZONES' } },
        { param: 'OUTPUT_TABLE', file: 'maps/zones.csv', what: 'area of each zone', collect: { as: 'ZONES_TABLE' } },
      ],
    },
    {
      name: 'table4', algorithm: 'maps:zonal-summary', weight: 2,
      params: () => {
        const extra = several ? (weighted() ? [[value, 'mean'], [at('maps/socp_ensemble_weighted.tif'), 'weighted_mean']] : [[value, 'mean']]) : [];
        return { INPUT: [...means, ...extra.map((x) => x[0])], NAMES: [...f.models, ...extra.map((x) => x[1])], ZONES: p.LANDUSE, LABELS: p.LABELS };
      },
      outputs: [{ param: 'OUTPUT', file: 'tables/table4.csv', what: 'Table 4 (maps:zonal-summary)', collect: { as: 'TABLE4' } }],
    },
    {
      name: 'report', algorithm: 'report:html', weight: 5, collects: true, when: () => p.REPORT !== false,
      params: {
        TITLE: 'Soil organic carbon sequestration potential',
        SUBTITLE: `${f.models.map(title).join(' and ')} saturation models; ${p.FOLDS}-fold cross-validation × ${p.REPEATS} repeats; seed ${p.SEED}`,
        TEMPLATE: p.TEMPLATE,
      },
      outputs: [{ param: 'OUTPUT', file: 'report.html', what: 'the study\'s report (report:html), from the files above' }],
    },
  );
  return steps;
}

/** Mean over the repeats of a metric in a brt:cv summary CSV. */
function summaryMean(file: string, metric: string, stratum = 'all'): number {
  const { header, rows } = parseCsv(fs.readFileSync(file, 'utf8'), file);
  const row = rows.find((r) => r[header.indexOf('stratum')] === stratum && r[header.indexOf('metric')] === metric);
  return row ? Number(row[header.indexOf('mean')]) : NaN;
}

// The layout help comes from the graph itself, built with placeholders.
const PLACEHOLDER: Facts = { models: ['<model>', '<model>'], predictors: [], landuseField: 'landuse', landuseBand: '', allLanded: true, ecosystems: { '<model>': ['<land use>'] } };
const LAYOUT = `OUTPUT_DIR layout:
${layoutOf([...sampleSteps({ OUTPUT_DIR: '' }, PLACEHOLDER), ...studySteps({ OUTPUT_DIR: '', REPORT: true }, PLACEHOLDER, undefined)], 36)}
  steps.json                           every step, reused or run, and its time
Every file has a provenance record <file>.socp.json; a re-run reuses steps whose inputs and parameters are unchanged.`;

export default defineAlgorithm({
  id: 'workflow:socp',
  title: 'The whole SOCp study in one run',
  group: 'workflow',
  composite: true,
  help: 'Runs the study from soil samples, a covariate stack and a land-use raster to maps, tables and a report: soil:potential ' +
    '(Eq. 1–6 for MODELS) → covariates:extract → stats:describe (Table 1) and stats:correlation (Table 2) → brt:cv for each model with ' +
    'the paper\'s settings (Hassink 1600 trees, depth 9, shrinkage 0.0025, minobs 10, bag 0.65; Elustondo 1850, 8, 0.0025, 10, 0.60; ' +
    'FOLDS × REPEATS, strata = land use; Table 3) with one refit model per repeat → brt:importance (overall, and per ecosystem from a ' +
    'model per land use with enough samples) and brt:partial-dependence → brt:predict of the repeat models over the stack (mean and SD ' +
    'maps) → maps:ensemble (arithmetic and R²-weighted means of the models) → maps:uncertainty-zones → maps:zonal-summary (Table 4) → ' +
    'report:html. Each step writes its outputs atomically with a provenance record; a re-run with the same inputs and parameters reuses ' +
    'finished steps, changed inputs recompute what depends on them.\n' + LAYOUT,
  inputs: [
    param.vector('SAMPLES', 'Soil samples with SOC, BD, fine fraction, gravel, depth, land use and coordinates'),
    param.field('SOC_FIELD', 'SOC, g C kg⁻¹', { parent: 'SAMPLES' }),
    param.field('BD_FIELD', 'Bulk density, g cm⁻³', { parent: 'SAMPLES' }),
    param.field('FINE_FIELD', 'Fine fraction, % < 50 µm', { parent: 'SAMPLES' }),
    param.field('GRAVEL_FIELD', 'Gravel, volume %', { parent: 'SAMPLES', optional: true }),
    soilParams.depth(),
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
    const threads = p.THREADS ?? ctx.threads;
    const models = [...new Set(p.MODELS as string[])];
    // everything that can be checked is checked before the first folder or step (issue 17, item 16)
    const labels = parseLabels(p.LABELS);
    if (!p.LANDUSE_FIELD && labels.size === 0) throw new DataError('LABELS is empty: give the land-use classes as code=label pairs, e.g. 1=farmland,2=forest');
    const stack = await openRaster(p.COVARIATES, 'COVARIATES');
    const bands = stack.bandNames;
    const predictors: string[] = p.PREDICTORS && p.PREDICTORS.length ? p.PREDICTORS : bands;
    try {
      const lack = predictors.filter((n) => !bands.includes(n));
      if (lack.length) throw new DataError(`COVARIATES lacks band${lack.length > 1 ? 's' : ''} ${lack.join(', ')}; its bands are ${bands.join(', ')}`);
      await checkZoneRaster(p.LANDUSE, stack, 'LANDUSE', ctx.signal);
    } finally {
      stack.ds.close();
    }
    const lu = await openRaster(p.LANDUSE, 'LANDUSE');
    const landuseBand = lu.bandNames[0];
    lu.ds.close();
    let pointsCrs: string | undefined = p.POINTS_CRS;
    if (!pointsCrs) {
      const t = await readTable(p.SAMPLES, { xField: p.X_FIELD, yField: p.Y_FIELD });
      if (t.srsWkt) pointsCrs = t.srsWkt;
    }
    const facts: Facts = { models, predictors, pointsCrs, landuseField: p.LANDUSE_FIELD ?? 'landuse', landuseBand, allLanded: true, ecosystems: {} };
    const phase1 = sampleSteps(p, facts);
    const draft = [...phase1, ...studySteps(p, facts, threads)];
    await checkGraph(out, draft, ctx);

    // every folder the workflow writes into is checked by the run's confinement (a folder inside
    // OUTPUT_DIR that is a symbolic link out of the bridge's workspace is refused)
    const folders = ['', ...foldersOf(draft)].map((d) => path.join(out, d));
    for (const dir of folders) if (fs.existsSync(dir)) ctx.steps.confine(dir, 'folder'); // every existing one first: nothing is made when one is refused
    for (const dir of folders) {
      fs.mkdirSync(dir, { recursive: true });
      ctx.steps.confine(dir, 'folder');
    }
    const records: StepRecord[] = [];
    const done = await runGraph(phase1, { root: out, ctx, threads, from: 0, to: 6, records });

    // what the rest depends on: land use at every sample, ecosystems with enough samples
    const train = await readTable(path.join(out, 'samples/training.csv'), { xField: p.X_FIELD, yField: p.Y_FIELD, pointsCrs: facts.pointsCrs });
    const strata = train.columns.get(facts.landuseField)!;
    const missingLu = strata.filter((v) => v === null).length;
    if (missingLu > 0) ctx.warn(`${missingLu} samples have no land use (outside LANDUSE or nodata); they count only in the overall figures`);
    facts.allLanded = missingLu === 0;
    const counts = new Map<string, number>();
    for (const v of strata) if (v !== null) counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
    for (const m of models) {
      const s = settings(m);
      const need = minTrainRows(s);
      facts.ecosystems[m] = [...counts.keys()].sort().filter((l) => {
        if (counts.get(l)! >= need) return true;
        ctx.log(`importance per ecosystem: ${l} has ${counts.get(l)} samples, fewer than the ${need} a model with n.minobsinnode ${s.nMinObsInNode} and bag fraction ${s.bagFraction} needs; skipped`);
        return false;
      });
    }
    const hasReport = (await listAlgorithms()).some((a) => a.id === 'report:html');
    if (p.REPORT && !hasReport) ctx.warn('report:html is not available in this build; no report written');
    const phase2 = studySteps({ ...p, REPORT: p.REPORT && hasReport }, facts, threads);
    await runGraph(phase2, { root: out, ctx, threads, from: 6, to: 100, records, done });

    const r2 = Object.fromEntries(models.map((m) => [m, summaryMean(path.join(out, 'cv', m, 'summary.csv'), 'R2')]));
    for (const m of models) {
      const aoa = done.get(`applicability ${m}`);
      if (typeof aoa?.SHARE_INSIDE === 'number') ctx.log(`${m}: ${(100 * aoa.SHARE_INSIDE).toFixed(1)} % of the area lies inside the model's area of applicability`);
    }
    if (models.length > 1 && !Object.values(r2).every((x) => x > 0)) ctx.warn(`a model has CV R² ≤ 0 (${Object.values(r2).map((x) => x.toFixed(3)).join(', ')}); no R²-weighted ensemble`);
    const t4 = done.get('table4');
    if (t4?.TOTALS_TGC) ctx.log(`Table 4 totals (Tg C): ${JSON.stringify(t4.TOTALS_TGC)}`);
    const results: Record<string, unknown> = { OUTPUT_DIR: out, R2: r2 };
    const report = path.join(out, 'report.html');
    if (records.some((r) => r.step === 'report')) {
      results.OUTPUT_REPORT = report;
      ctx.log(`report: ${report}`);
    }
    const reused = records.filter((r) => r.reused).length;
    ctx.log(`${records.length} steps, ${reused} reused from an earlier run`);
    // the parts of a tiled run run at the same time: only the single jobs (prepare, merge) keep the record
    if (ctx.steps.tile?.mode !== 'part') fs.writeFileSync(path.join(out, 'steps.json'), JSON.stringify(records, null, 2) + '\n');
    return results;
  },
});
