// SPDX-License-Identifier: GPL-2.0-or-later
// brt:partial-dependence — partial dependence curves (1-D) and surfaces (2-D) by gbm's weighted
// tree traversal (as plot.gbm); for a model set, the mean and SD over the models at each grid point.

import { defineAlgorithm } from '../../toolbox/algorithm.js';
import { param } from '../../toolbox/params.js';
import { DataError } from '../../toolbox/errors.js';
import { saveJson, saveRows } from '../../toolbox/io/outputs.js';
import { rSeq } from './engine/partial-dependence.js';
import type { GbmModel } from './engine/types.js';
import { loadModels } from './model-set.js';
import { brtParams } from './params.js';
import { setPartialDependence, type PdJob, type SetPdSums } from './pd/set-pd.js';

/** Grid over the union of the models' training ranges, so set members share grid points. */
function grid(models: GbmModel[], v: number, points: number): Float64Array {
  const lo = Math.min(...models.map((m) => m.training.min[v]));
  const hi = Math.max(...models.map((m) => m.training.max[v]));
  return rSeq(lo, hi, points);
}

export default defineAlgorithm({
  id: 'brt:partial-dependence',
  title: 'Partial dependence of the predictions on each predictor',
  group: 'brt',
  help: 'Partial dependence (Friedman 2001) computed by R gbm\'s weighted traversal: a split on a plotted predictor follows the grid ' +
    'value, any other split averages its children by their in-bag weights. 1-D curves for every predictor in VARIABLES (default all) ' +
    'on GRID_POINTS points from the training minimum to maximum (plot.gbm\'s continuous.resolution = 100), and 2-D surfaces for the ' +
    'PAIRS given as a:b. For a model set the value is the mean over the models, with their SD; the models are spread over THREADS ' +
    'worker threads and summed in model order, so the result does not depend on THREADS.',
  inputs: [
    param.file('MODEL', 'Model file (.json) or model set (.brtset)', { extensions: ['.json', '.brtset'] }),
    param.list('VARIABLES', 'Predictors for 1-D curves (default: all)', 'string', { optional: true }),
    param.list('PAIRS', 'Predictor pairs for 2-D surfaces, as a:b (e.g. mat:map,ndvi:twi)', 'string', { optional: true }),
    param.integer('GRID_POINTS', 'Grid points per predictor', { default: 100, min: 2, max: 10000 }),
    brtParams.threads(),
    param.tableDestination('OUTPUT', 'Curves (.csv long format or .json)', { extensions: ['.csv', '.json'] }),
  ],
  outputs: [{ name: 'OUTPUT', kind: 'table', description: 'variable, x, partial dependence (mean, sd)' }],
  async run(p, ctx) {
    const { models } = await loadModels(p.MODEL);
    const names = models[0].predictorNames;
    const index = (n: string) => {
      const i = names.indexOf(n);
      if (i < 0) throw new DataError(`the model has no predictor "${n}"; its predictors are ${names.join(', ')}`);
      return i;
    };
    const vars: string[] = p.VARIABLES && p.VARIABLES.length ? p.VARIABLES : names;
    const pairs: [string, string][] = (p.PAIRS ?? []).map((s: string) => {
      const parts = s.split(':');
      if (parts.length !== 2) throw new DataError(`PAIRS item "${s}" must look like a:b`);
      return [parts[0].trim(), parts[1].trim()] as [string, string];
    });
    const jobs = [...vars.map((v) => [v]), ...pairs];
    const pdJobs: PdJob[] = jobs.map((job) => {
      const idx = job.map(index);
      return { vars: idx, grids: idx.map((v) => grid(models, v, p.GRID_POINTS)) };
    });
    const threads = Math.max(1, Math.min(p.THREADS ?? ctx.threads, models.length));
    if (models.length > 1) ctx.log(`brt:partial-dependence: ${models.length} models × ${jobs.length} curves on ${threads} thread${threads > 1 ? 's' : ''}`);
    let sums: SetPdSums;
    try {
      sums = await setPartialDependence(models, pdJobs, {
        threads, signal: ctx.signal, onModel: (done, total) => ctx.progress((100 * done) / total),
      });
    } catch (e) {
      if ((e as Error).name === 'AbortError') ctx.checkCancelled();
      throw e;
    }
    const k = models.length;
    const curves = jobs.map((job, b) => {
      const sum = sums.sum[b]!;
      const sq = sums.sq[b]!;
      const mean = Array.from(sum, (s) => s / k);
      const sd = Array.from(sq, (s, i) => (k > 1 ? Math.sqrt(Math.max(0, (s - k * mean[i] ** 2) / (k - 1))) : 0));
      return { variables: job, grids: pdJobs[b]!.grids.map((g) => Array.from(g)), mean, sd };
    });
    let out: string;
    if (p.OUTPUT.toLowerCase().endsWith('.json')) {
      out = saveJson(ctx, p.OUTPUT, { algorithm: 'brt:partial-dependence', models: models.length, curves });
    } else {
      const rows: Record<string, unknown>[] = [];
      for (const c of curves) {
        const [g0, g1] = c.grids;
        for (let i = 0; i < c.mean.length; i++) {
          rows.push({
            variable: c.variables.join(':'),
            x: g0[i % g0.length], x2: g1 ? g1[Math.floor(i / g0.length)] : null,
            partial_dependence: c.mean[i], sd: c.sd[i],
          });
        }
      }
      out = saveRows(ctx, p.OUTPUT, ['variable', 'x', 'x2', 'partial_dependence', 'sd'], rows);
    }
    return { OUTPUT: out, CURVES: curves.length };
  },
});
