// SPDX-License-Identifier: GPL-2.0-or-later
// brt:tune — grid search of the five gbm hyper-parameters by repeated cross-validation, with the CV
// error against the number of trees (what dismo::gbm.step shows, without its silent NULL: when the
// error is still falling at the largest N_TREES the log says so and what to change).

import { defineAlgorithm } from '../../toolbox/algorithm.js';
import { param } from '../../toolbox/params.js';
import { DataError } from '../../toolbox/errors.js';
import { saveJson, saveRows } from '../../toolbox/io/outputs.js';
import { brtParams, loadTraining } from './params.js';
import { crossValidate } from './cv/runner.js';

interface Combo {
  interactionDepth: number;
  shrinkage: number;
  nMinObsInNode: number;
  bagFraction: number;
}

export default defineAlgorithm({
  id: 'brt:tune',
  title: 'Tune hyper-parameters by repeated cross-validation',
  group: 'brt',
  help: 'Cross-validates every combination of INTERACTION_DEPTHS × SHRINKAGES × N_MINOBSINNODES × BAG_FRACTIONS (FOLDS-fold, REPEATS ' +
    'times, the same folds for every combination) and records the out-of-fold RMSE every CURVE_STEP trees up to the largest of ' +
    'N_TREES, so one run also evaluates every tree count. OUTPUT ranks the combinations × N_TREES values by mean RMSE over the ' +
    'repeats and gives, per combination, the tree count with the lowest CV error. OUTPUT_CURVE holds the CV error against the ' +
    'number of trees. When the error still falls at the largest tree count, the log says so (more trees or a larger shrinkage ' +
    'are needed) instead of failing silently.',
  inputs: [
    brtParams.input(), brtParams.target(), brtParams.predictors(),
    param.list('N_TREES', 'Tree counts to rank (the CV curve runs to the largest)', 'integer', { default: [1000, 1600, 2500], min: 1 }),
    param.list('INTERACTION_DEPTHS', 'Values of interaction.depth to try', 'integer', { default: [5, 7, 9], min: 1 }),
    param.list('SHRINKAGES', 'Values of shrinkage to try', 'number', { default: [0.0025, 0.005], min: 0 }),
    param.list('N_MINOBSINNODES', 'Values of n.minobsinnode to try', 'integer', { default: [10], min: 1 }),
    param.list('BAG_FRACTIONS', 'Values of bag.fraction to try', 'number', { default: [0.5, 0.65], min: 0, max: 1 }),
    param.integer('FOLDS', 'Number of folds', { default: 10, min: 2 }),
    param.integer('REPEATS', 'Repeats of the k-fold split per combination', { default: 5, min: 1 }),
    param.integer('CURVE_STEP', 'Record the CV error every this many trees', { default: 50, min: 1 }),
    brtParams.seed(), brtParams.threads(),
    param.tableDestination('OUTPUT', 'Ranked table of combinations (.csv or .json)', { extensions: ['.csv', '.json'] }),
    param.tableDestination('OUTPUT_CURVE', 'CV error (RMSE) against the number of trees per combination', { optional: true, extensions: ['.csv', '.json'] }),
  ],
  outputs: [
    { name: 'OUTPUT', kind: 'table', description: 'ranked combinations' },
    { name: 'OUTPUT_CURVE', kind: 'table', description: 'CV error curves' },
  ],
  check(p) {
    const bad: string[] = [];
    if ((p.SHRINKAGES as number[]).some((v) => v <= 0 || v > 1)) bad.push('SHRINKAGES: every value must be > 0 and ≤ 1');
    if ((p.BAG_FRACTIONS as number[]).some((v) => v <= 0)) bad.push('BAG_FRACTIONS: every value must be > 0');
    for (const k of ['N_TREES', 'INTERACTION_DEPTHS', 'SHRINKAGES', 'N_MINOBSINNODES', 'BAG_FRACTIONS']) if ((p[k] as unknown[]).length === 0) bad.push(`${k} is empty`);
    return bad;
  },
  async run(p, ctx) {
    const d = await loadTraining(p, ctx);
    if (p.FOLDS > d.y.length) throw new DataError(`FOLDS=${p.FOLDS} is more than the ${d.y.length} rows`);
    const maxTrees = Math.max(...(p.N_TREES as number[]));
    const combos: Combo[] = [];
    for (const interactionDepth of p.INTERACTION_DEPTHS) for (const shrinkage of p.SHRINKAGES) for (const nMinObsInNode of p.N_MINOBSINNODES) for (const bagFraction of p.BAG_FRACTIONS) {
      combos.push({ interactionDepth, shrinkage, nMinObsInNode, bagFraction });
    }
    ctx.log(`brt:tune: ${combos.length} combinations × ${p.FOLDS} folds × ${p.REPEATS} repeats = ${combos.length * p.FOLDS * p.REPEATS} fits of up to ${maxTrees} trees`);
    const ranked: Record<string, unknown>[] = [];
    const curveRows: Record<string, unknown>[] = [];
    for (let c = 0; c < combos.length; c++) {
      const combo = combos[c];
      let res;
      try {
        res = await crossValidate({ X: d.X, y: d.y, names: d.names }, {
          params: { ...combo, nTrees: maxTrees }, seed: p.SEED, folds: p.FOLDS, repeats: p.REPEATS, method: 'random',
          curveStep: p.CURVE_STEP, threads: p.THREADS ?? ctx.threads, signal: ctx.signal,
          onProgress: (f) => ctx.progress((100 * (c + f)) / combos.length),
        });
      } catch (e) {
        if ((e as Error).name === 'AbortError') ctx.checkCancelled();
        throw new DataError(`${JSON.stringify(combo)}: ${(e as Error).message}`);
      }
      const curve = res.curve!;
      const meanAt = curve.trees.map((_, i) => curve.rmse.reduce((a, r) => a + r[i], 0) / curve.rmse.length);
      const sdAt = curve.trees.map((_, i) => {
        const m = meanAt[i];
        const n = curve.rmse.length;
        return n > 1 ? Math.sqrt(curve.rmse.reduce((a, r) => a + (r[i] - m) ** 2, 0) / (n - 1)) : 0;
      });
      let best = 0;
      meanAt.forEach((v, i) => { if (v < meanAt[best]) best = i; });
      curve.trees.forEach((t, i) => curveRows.push({ combination: c + 1, ...combo, n_trees: t, rmse_mean: meanAt[i], rmse_sd: sdAt[i] }));
      if (best === curve.trees.length - 1 && curve.trees.length > 1) {
        ctx.warn(`combination ${c + 1} (depth ${combo.interactionDepth}, shrinkage ${combo.shrinkage}, minobs ${combo.nMinObsInNode}, bag ${combo.bagFraction}): the CV error is still falling at ${maxTrees} trees; try more trees or a larger shrinkage`);
      }
      for (const nt of p.N_TREES as number[]) {
        // the recorded count closest at or below nt
        let i = curve.trees.findIndex((t) => t >= nt);
        if (i < 0) i = curve.trees.length - 1;
        if (curve.trees[i] !== nt) {
          ctx.warn(`N_TREES ${nt} is not a multiple of CURVE_STEP ${p.CURVE_STEP}; ranked at ${curve.trees[i]} trees`);
        }
        ranked.push({ combination: c + 1, n_trees: curve.trees[i], interaction_depth: combo.interactionDepth, shrinkage: combo.shrinkage, n_minobsinnode: combo.nMinObsInNode, bag_fraction: combo.bagFraction, rmse_mean: meanAt[i], rmse_sd: sdAt[i], best_n_trees: curve.trees[best], rmse_at_best: meanAt[best] });
      }
    }
    ranked.sort((a, b) => (a.rmse_mean as number) - (b.rmse_mean as number));
    ranked.forEach((r, i) => (r.rank = i + 1));
    const top = ranked[0];
    ctx.log(`best: ${top.n_trees} trees, depth ${top.interaction_depth}, shrinkage ${top.shrinkage}, minobs ${top.n_minobsinnode}, bag ${top.bag_fraction}: CV RMSE ${(top.rmse_mean as number).toFixed(4)} ± ${(top.rmse_sd as number).toFixed(4)}`);
    const cols = ['rank', 'combination', 'n_trees', 'interaction_depth', 'shrinkage', 'n_minobsinnode', 'bag_fraction', 'rmse_mean', 'rmse_sd', 'best_n_trees', 'rmse_at_best'];
    const results: Record<string, unknown> = {
      OUTPUT: p.OUTPUT.toLowerCase().endsWith('.json') ? saveJson(ctx, p.OUTPUT, { algorithm: 'brt:tune', ranked }) : saveRows(ctx, p.OUTPUT, cols, ranked),
      BEST_N_TREES: top.n_trees, BEST_INTERACTION_DEPTH: top.interaction_depth, BEST_SHRINKAGE: top.shrinkage,
      BEST_N_MINOBSINNODE: top.n_minobsinnode, BEST_BAG_FRACTION: top.bag_fraction, BEST_RMSE: top.rmse_mean,
    };
    if (p.OUTPUT_CURVE) {
      results.OUTPUT_CURVE = p.OUTPUT_CURVE.toLowerCase().endsWith('.json')
        ? saveJson(ctx, p.OUTPUT_CURVE, curveRows)
        : saveRows(ctx, p.OUTPUT_CURVE, ['combination', 'interactionDepth', 'shrinkage', 'nMinObsInNode', 'bagFraction', 'n_trees', 'rmse_mean', 'rmse_sd'], curveRows);
    }
    return results;
  },
});
