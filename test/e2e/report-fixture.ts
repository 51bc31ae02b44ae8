// SPDX-License-Identifier: GPL-2.0-or-later
// The real outputs a report is built from, made by running the tools through run() in a temporary
// folder: stats:describe and stats:correlation on samples/oxford; soil:potential on the northeast
// demo samples, their covariates read from samples/northeast/covariates.tif, brt:cv of the Hassink
// and Elustondo SOCp (small settings), brt:importance, brt:partial-dependence, brt:predict over the
// covariate stack (mean and SD maps), brt:interactions (with surfaces), brt:sensitivity (per land
// use), maps:applicability (DI and mask), maps:ensemble, maps:uncertainty-zones,
// maps:zonal-summary and stats:pca. Needs `npm run build` (brt workers run from dist/).

import fs from 'node:fs';
import path from 'node:path';
import gdal from 'gdal-async';
import { run } from '../../toolbox/run.js';
import { parseCsv } from '../../toolbox/io/csv.js';
import { repoRoot } from '../helpers.js';

export const PREDICTORS = ['elevation', 'slope', 'aspect', 'plan_curvature', 'profile_curvature', 'twi', 'mat', 'map', 'ndvi', 'npp'];
const SMALL = { N_TREES: 120, INTERACTION_DEPTH: 3, SHRINKAGE: 0.05, N_MINOBSINNODE: 5, BAG_FRACTION: 0.6 };

export interface DemoOutputs {
  dir: string;
  params: Record<string, unknown>;
}

/** samples + the covariate values at each site → the BRT training table. */
async function trainingTable(dir: string): Promise<string> {
  const pot = path.join(dir, 'potential.csv');
  await run('soil:potential', {
    INPUT: path.join(repoRoot, 'samples/northeast/samples.csv'), SOC_FIELD: 'soc', BD_FIELD: 'bd', FINE_FIELD: 'fine',
    GRAVEL_FIELD: 'gravel', DEPTH_FIELD: 'depth', OUTPUT: pot,
  }, { provenance: false });
  const { header, rows } = parseCsv(fs.readFileSync(pot, 'utf8'), pot);
  const ds = gdal.open(path.join(repoRoot, 'samples/northeast/covariates.tif'));
  const gt = ds.geoTransform!;
  const ix = header.indexOf('x');
  const iy = header.indexOf('y');
  const lines = [[...header, ...PREDICTORS].join(',')];
  for (const r of rows) {
    const col = Math.floor((Number(r[ix]) - gt[0]) / gt[1]);
    const row = Math.floor((Number(r[iy]) - gt[3]) / gt[5]);
    const vals = PREDICTORS.map((_, b) => {
      const band = ds.bands.get(b + 1);
      const v = band.pixels.get(col, row);
      return v === band.noDataValue ? '' : String(v);
    });
    lines.push([...r, ...vals].join(','));
  }
  ds.close();
  const out = path.join(dir, 'training.csv');
  fs.writeFileSync(out, lines.join('\n') + '\n');
  return out;
}

export async function buildDemoOutputs(dir: string, opts: { threads?: number } = {}): Promise<DemoOutputs> {
  const o = { threads: opts.threads ?? 2 };
  const f = (n: string) => path.join(dir, n);
  const oxford = path.join(repoRoot, 'samples/oxford/oxford.csv');
  await run('stats:describe', { INPUT: oxford, FIELDS: 'ELEV,DEPTHCM,PCLAY1,MG1,OM1,CEC1,PH1,PHOS1,POT1', OUTPUT: f('describe.csv') }, o);
  await run('stats:correlation', { INPUT: oxford, FIELDS: 'ELEV,DEPTHCM,PCLAY1,MG1,OM1,CEC1,PH1,PHOS1,POT1', OUTPUT: f('correlation.json') }, o);

  const train = await trainingTable(dir);
  const models = [['hassink', 'socp_hassink'], ['elustondo', 'socp_elustondo']] as const;
  for (const [m, target] of models) {
    await run('brt:cv', {
      INPUT: train, TARGET: target, PREDICTORS: PREDICTORS.join(','), ...SMALL, FOLDS: 5, REPEATS: 6, STRATUM_FIELD: 'landuse', SEED: 1,
      OUTPUT_SUMMARY: f(`cv_${m}.csv`), OUTPUT_METRICS: f(`cv_${m}_metrics.csv`), OUTPUT_PREDICTIONS: f(`cv_${m}_predictions.csv`),
      OUTPUT_MODELS: f(`${m}.brtset`),
    }, o);
    await run('brt:importance', { MODEL: f(`${m}.brtset`), OUTPUT: f(`importance_${m}.csv`) }, o);
    await run('brt:partial-dependence', { MODEL: f(`${m}.brtset`), GRID_POINTS: 40, OUTPUT: f(`pd_${m}.json`) }, o);
    await run('brt:predict', { MODEL: f(`${m}.brtset`), INPUT: path.join(repoRoot, 'samples/northeast/covariates.tif'), OUTPUT: f(`${m}_mean.tif`), OUTPUT_SD: f(`${m}_sd.tif`) }, o);
    // interpretation of the repeat models (mean ± SD over them) and their area of applicability
    await run('brt:interactions', { MODEL: f(`${m}.brtset`), INPUT: train, RANK_BY: 'interaction_rms', TOP: 3, GRID_POINTS: 20, OUTPUT: f(`${m}_interactions.csv`), OUTPUT_SURFACES: f(`${m}_surfaces.json`) }, o);
    await run('brt:sensitivity', { MODEL: f(`${m}.brtset`), INPUT: train, STRATUM_FIELD: 'landuse', OUTPUT: f(`${m}_sensitivity.csv`) }, o);
    await run('maps:applicability', {
      MODEL: f(`${m}.brtset`), TRAINING: train, STACK: path.join(repoRoot, 'samples/northeast/covariates.tif'), FOLDS: 5, SEED: 1,
      OUTPUT: f(`di_${m}.tif`), OUTPUT_AOA: f(`aoa_${m}.tif`),
    }, o);
  }
  await run('maps:ensemble', { INPUTS: [f('hassink_mean.tif'), f('elustondo_mean.tif')], OUTPUT: f('ensemble_mean.tif') }, o);
  await run('maps:ensemble', { INPUTS: [f('hassink_sd.tif'), f('elustondo_sd.tif')], OUTPUT: f('ensemble_sd.tif') }, o);
  await run('maps:uncertainty-zones', { VALUE: f('ensemble_mean.tif'), UNCERTAINTY: f('ensemble_sd.tif'), K: 0.5, OUTPUT: f('zones.tif'), OUTPUT_TABLE: f('zones.csv') }, o);
  await run('maps:zonal-summary', {
    INPUT: [f('hassink_mean.tif'), f('elustondo_mean.tif'), f('ensemble_mean.tif')], NAMES: 'Hassink,Elustondo,Ensemble mean',
    ZONES: path.join(repoRoot, 'samples/northeast/landuse.tif'), LABELS: '1=farmland,2=forest,3=grassland,4=other', OUTPUT: f('table4.csv'),
  }, o);
  await run('stats:pca', {
    STACK: path.join(repoRoot, 'samples/northeast/covariates.tif'), INPUT: path.join(repoRoot, 'samples/northeast/samples.csv'),
    SAMPLE_SIZE: 4000, SCATTER_POINTS: 600, OUTPUT: f('pca.json'),
  }, o);

  const params: Record<string, unknown> = {
    TITLE: 'SOCp of the northeast demo landscape',
    SUBTITLE: 'Report test: small BRT settings (120 trees, 5-fold × 6 repeats)',
    DESCRIBE: f('describe.csv'),
    CORRELATION: f('correlation.json'),
    PCA: f('pca.json'),
    CV_SUMMARY: [f('cv_hassink.csv'), f('cv_elustondo.csv')],
    CV_METRICS: [f('cv_hassink_metrics.csv'), f('cv_elustondo_metrics.csv')],
    CV_PREDICTIONS: [f('cv_hassink_predictions.csv'), f('cv_elustondo_predictions.csv')],
    MODEL_NAMES: 'Hassink,Elustondo',
    IMPORTANCE: [f('importance_hassink.csv'), f('importance_elustondo.csv')],
    IMPORTANCE_NAMES: 'Hassink,Elustondo',
    PARTIAL_DEPENDENCE: [f('pd_hassink.json'), f('pd_elustondo.json')],
    PD_NAMES: 'Hassink,Elustondo',
    MAPS: [f('hassink_mean.tif'), f('hassink_sd.tif'), f('elustondo_mean.tif'), f('elustondo_sd.tif'), f('ensemble_mean.tif')],
    MAP_NAMES: 'Hassink mean,Hassink SD,Elustondo mean,Elustondo SD,Ensemble mean',
    INTERACTIONS: [f('hassink_interactions.csv'), f('elustondo_interactions.csv')],
    INTERACTION_SURFACES: [f('hassink_surfaces.json'), f('elustondo_surfaces.json')],
    INTERACTIONS_NAMES: 'Hassink,Elustondo',
    SENSITIVITY: [f('hassink_sensitivity.csv'), f('elustondo_sensitivity.csv')],
    SENSITIVITY_NAMES: 'Hassink,Elustondo',
    APPLICABILITY: [f('di_hassink.tif'), f('di_elustondo.tif')],
    APPLICABILITY_NAMES: 'Hassink,Elustondo',
    ZONES: f('zones.tif'),
    ZONES_TABLE: f('zones.csv'),
    TABLE4: f('table4.csv'),
  };
  return { dir, params };
}
