// SPDX-License-Identifier: GPL-2.0-or-later
// brt:train — one gbm-equivalent boosted regression tree model (gaussian), saved as a model file.

import { defineAlgorithm } from '../../toolbox/algorithm.js';
import { param } from '../../toolbox/params.js';
import { DataError } from '../../toolbox/errors.js';
import { brtParams, gbmParams, hyperParams, loadTraining } from './params.js';
import { fitGbm } from './engine/fit.js';
import { modelToJson } from './engine/model-file.js';
import { relativeInfluence } from './engine/influence.js';
import { saveText } from '../../toolbox/io/outputs.js';

export default defineAlgorithm({
  id: 'brt:train',
  title: 'Train a boosted regression tree model (R gbm)',
  group: 'brt',
  help: 'Fits a gaussian boosted regression tree model with R gbm 2.1.8\'s exact algorithm (best-first trees with INTERACTION_DEPTH ' +
    'splits, three-way missing branch, bagging by selection sampling, shrinkage). With the same data, settings and SEED the model ' +
    'equals R\'s set.seed(SEED); gbm(TARGET ~ ., distribution = "gaussian", n.trees, interaction.depth, shrinkage, n.minobsinnode, ' +
    'bag.fraction, train.fraction = 1) tree for tree. Defaults are the study\'s Hassink settings (1600, 9, 0.0025, 10, 0.65; ' +
    'Elustondo: 1850, 8, 0.0025, 10, 0.60). Missing predictor values are allowed; rows whose predictors are all missing are dropped. ' +
    'The model file (JSON, docs/model-format.md) keeps the predictor names, settings, initF, trees and a training summary.',
  inputs: [
    brtParams.input(), brtParams.target(), brtParams.predictors(), ...hyperParams(), brtParams.seed(),
    param.fileDestination('OUTPUT_MODEL', 'Model file (.json)', { extensions: ['.json'] }),
  ],
  outputs: [{ name: 'OUTPUT_MODEL', kind: 'file', description: 'the model file' }],
  async run(p, ctx) {
    const d = await loadTraining(p, ctx);
    let model;
    try {
      model = fitGbm(d.X, d.y, { ...gbmParams(p), predictorNames: d.names }, {
        signal: ctx.signal,
        onTree: (i, n) => { if (i % 50 === 0) ctx.progress((90 * i) / n); },
      });
    } catch (e) {
      if ((e as Error).name === 'AbortError') ctx.checkCancelled();
      throw new DataError((e as Error).message);
    }
    saveText(ctx, p.OUTPUT_MODEL, modelToJson(model, { algorithm: 'brt:train', target: p.TARGET, source: d.table.source, rows: d.y.length }));
    const ri = relativeInfluence(model);
    const top = ri.names.map((n, i) => [n, ri.percent[i]] as const).sort((a, b) => b[1] - a[1]).slice(0, 5);
    ctx.log(`trained ${model.nTrees} trees on ${d.y.length} rows; training RMSE ${Math.sqrt(model.training.trainError[model.nTrees - 1]).toFixed(4)}; most influential: ${top.map(([n, v]) => `${n} ${v.toFixed(1)} %`).join(', ')}`);
    return { OUTPUT_MODEL: p.OUTPUT_MODEL, ROWS: d.y.length, INIT_F: model.initF, TRAIN_RMSE: Math.sqrt(model.training.trainError[model.nTrees - 1]) };
  },
});
