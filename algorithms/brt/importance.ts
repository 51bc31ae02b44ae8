// SPDX-License-Identifier: GPL-2.0-or-later
// brt:importance — gbm relative influence (%) of each predictor; for a model set, its mean and SD
// over the repeat models.

import { defineAlgorithm } from '../../toolbox/algorithm.js';
import { param } from '../../toolbox/params.js';
import { saveJson, saveRows } from '../../toolbox/io/outputs.js';
import { relativeInfluence } from './engine/influence.js';
import { loadModels } from './model-set.js';

export default defineAlgorithm({
  id: 'brt:importance',
  title: 'Relative influence of the predictors (Fig. 8)',
  group: 'brt',
  help: 'Relative influence as R gbm\'s summary.gbm computes it (Friedman 2001): for each predictor the sum of the squared-error ' +
    'reductions of its splits over all trees, negatives set to 0, scaled to sum to 100 %. For a model set from brt:cv the mean, ' +
    'SD, min and max over the models are given. Sorted from most to least influential.',
  inputs: [
    param.file('MODEL', 'Model file (.json from brt:train) or model set (.brtset from brt:cv)', { extensions: ['.json', '.brtset'] }),
    param.integer('N_TREES', 'Use the first N trees (default: all)', { optional: true, min: 1 }),
    param.tableDestination('OUTPUT', 'Importance table (.csv or .json)', { extensions: ['.csv', '.json'] }),
  ],
  outputs: [{ name: 'OUTPUT', kind: 'table', description: 'predictor, influence %' }],
  async run(p, ctx) {
    const { models } = await loadModels(p.MODEL);
    const names = models[0].predictorNames;
    const per = models.map((m, i) => {
      ctx.progress((100 * i) / models.length);
      return relativeInfluence(m, p.N_TREES ? Math.min(p.N_TREES, m.nTrees) : undefined).percent;
    });
    const rows = names.map((name, j) => {
      const v = per.map((x) => x[j]);
      const mean = v.reduce((a, b) => a + b, 0) / v.length;
      const sd = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1)) : 0;
      return { predictor: name, influence_percent: mean, sd, min: Math.min(...v), max: Math.max(...v), models: v.length };
    }).sort((a, b) => b.influence_percent - a.influence_percent);
    rows.forEach((r, i) => Object.assign(r, { rank: i + 1 }));
    ctx.log(rows.map((r) => `${r.predictor.padEnd(20)} ${r.influence_percent.toFixed(2).padStart(6)} %`).join('\n'));
    const out = p.OUTPUT.toLowerCase().endsWith('.json')
      ? saveJson(ctx, p.OUTPUT, { algorithm: 'brt:importance', models: models.length, importance: rows })
      : saveRows(ctx, p.OUTPUT, ['rank', 'predictor', 'influence_percent', 'sd', 'min', 'max', 'models'], rows);
    return { OUTPUT: out, TOP: rows[0].predictor };
  },
});
