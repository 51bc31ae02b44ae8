// SPDX-License-Identifier: GPL-2.0-or-later
// brt:sensitivity — one-at-a-time sensitivity of the predictions to each predictor (local
// perturbation analysis, Saltelli et al. 2008 §1.2.2, row by row as individual conditional
// expectation, Goldstein et al. 2015): mean and spread of the change of the prediction and
// elasticity, overall and per stratum; for a model set, mean and SD of every figure over the models.

import { defineAlgorithm } from '../../toolbox/algorithm.js';
import { param } from '../../toolbox/params.js';
import { DataError } from '../../toolbox/errors.js';
import { saveJson, saveRows } from '../../toolbox/io/outputs.js';
import { compileForest, predictCompiled } from './engine/predict.js';
import {
  acrossModels, planMoves, rowEffects, summarise, SUMMARY_KEYS,
  type EffectSummary, type MovePlan, type SensitivityMethod,
} from './interpret/sensitivity.js';
import { loadInterpretInput, predictorIndex, yieldToEventLoop } from './interpret-input.js';

/** Output column of each figure (and, with the suffix _models_sd, of its SD over the models). */
const FIGURES: Record<(typeof SUMMARY_KEYS)[number], string> = {
  rows: 'rows',
  changeMean: 'change_mean',
  changeSd: 'change_sd',
  changeQ1: 'change_q1',
  changeMedian: 'change_median',
  changeQ3: 'change_q3',
  absChangeMean: 'abs_change_mean',
  elasticityMean: 'elasticity_mean',
  elasticityMedian: 'elasticity_median',
  elasticityRows: 'elasticity_rows',
  beyondShare: 'beyond_training_share',
};
const SD_FIGURES = SUMMARY_KEYS.filter((k) => k !== 'rows' && k !== 'elasticityRows');
const DEFAULT_DELTA: Record<SensitivityMethod, number> = { sd: 1, percent: 10, range: NaN };

export default defineAlgorithm({
  id: 'brt:sensitivity',
  title: 'One-at-a-time sensitivity of the predictions to each predictor',
  group: 'brt',
  help: 'For each predictor, every row of INPUT (usually the training samples) is predicted again with that predictor moved and ' +
    'all other predictors at their observed values, and the change of the prediction Δŷ = ŷ(moved) − ŷ(observed) is recorded. ' +
    'METHOD sd: moved up and down by DELTA standard deviations of the predictor over INPUT (DELTA default 1). METHOD percent: ' +
    'multiplied by 1 ± DELTA/100 (DELTA default 10; a negative value moves away from 0 when going "up", and rows with 0 do not ' +
    'move — prefer sd for aspect, curvatures or temperatures). METHOD range: set to its 5 % and to its 95 % quantile over INPUT ' +
    '(R type 7), Δŷ = ŷ(Q95) − ŷ(Q05). Reported per predictor and direction: the mean, SD, quartiles and mean absolute value of ' +
    'Δŷ over the rows (prediction units, e.g. kg C m⁻²), and the elasticity e = (Δŷ/ŷ₀)/(Δx/x₀) with (x₀, ŷ₀) the start of the move ' +
    '(the observed value and its prediction; Q05 and ŷ(Q05) for range), averaged (mean and median) over the rows where x₀ ≠ 0 and ' +
    'ŷ₀ ≠ 0 — it is unstable where predictions are near 0. beyond_training_share is the share of rows moved outside the model\'s ' +
    'training range, where a tree model is flat. Rows missing the predictor are left out (sd, percent). With STRATUM_FIELD the ' +
    'figures are given for all rows and for each stratum (e.g. land use); the move size (SD, quantiles) always comes from all rows. ' +
    'For a model set (.brtset from brt:cv) each figure is computed per model and reported as the mean over the models, with its SD ' +
    'in <figure>_models_sd. Predictors are ranked within each stratum by abs_change_mean (mean over the directions).',
  inputs: [
    param.file('MODEL', 'Model file (.json from brt:train) or model set (.brtset from brt:cv)', { extensions: ['.json', '.brtset'] }),
    param.vector('INPUT', 'Rows at which the predictors are moved, with every predictor of the model (usually the training table)'),
    param.enum('METHOD', 'How a predictor is moved: sd (± DELTA standard deviations), percent (± DELTA %), range (5 % to 95 % quantile)', ['sd', 'percent', 'range'], { default: 'sd' }),
    param.number('DELTA', 'Size of the move: standard deviations (sd, default 1) or percent (percent, default 10); not used by range', { optional: true, min: 0, exclusiveMin: true }),
    param.list('VARIABLES', 'Predictors to assess (default: all)', 'string', { optional: true }),
    param.field('STRATUM_FIELD', 'Field of INPUT whose values define strata (e.g. land use) for separate figures', { parent: 'INPUT', fieldType: 'any', optional: true }),
    param.integer('N_TREES', 'Use the first N trees (default: all)', { optional: true, min: 1 }),
    param.tableDestination('OUTPUT', 'Sensitivity table (.csv or .json)', { extensions: ['.csv', '.json'] }),
  ],
  outputs: [
    { name: 'OUTPUT', kind: 'table', description: 'per stratum, predictor and direction: change of the prediction and elasticity' },
    { name: 'TOP', kind: 'string', description: 'the predictor with the largest mean absolute change over all rows' },
  ],
  async run(p, ctx) {
    const method = p.METHOD as SensitivityMethod;
    if (method === 'range' && p.DELTA !== undefined) ctx.warn('DELTA is not used by METHOD range (it moves each predictor from its 5 % to its 95 % quantile)');
    const delta: number = p.DELTA ?? DEFAULT_DELTA[method];
    const d = await loadInterpretInput(p.MODEL, p.INPUT, p.N_TREES);
    const { models, names, X, table } = d;
    const n = table.nRows;
    const vars: number[] = p.VARIABLES && p.VARIABLES.length
      ? [...new Set((p.VARIABLES as string[]).map((v) => predictorIndex(names, v, 'VARIABLES')))]
      : names.map((_, j) => j);

    // strata: all rows, then each value of STRATUM_FIELD (rows with a missing value only in "all")
    const groups: { name: string; rows: Int32Array | undefined }[] = [{ name: 'all', rows: undefined }];
    if (p.STRATUM_FIELD) {
      const col = table.columns.get(p.STRATUM_FIELD)!;
      const byValue = new Map<string, number[]>();
      col.forEach((v, i) => {
        if (v === null) return;
        const key = String(v);
        if (!byValue.has(key)) byValue.set(key, []);
        byValue.get(key)!.push(i);
      });
      if (byValue.size === 0) throw new DataError(`STRATUM_FIELD ${p.STRATUM_FIELD} is empty in every row of ${table.source}`);
      if (byValue.size > 100) throw new DataError(`STRATUM_FIELD ${p.STRATUM_FIELD} has ${byValue.size} different values in ${table.source}; strata should be classes such as land use (at most 100)`);
      const missing = n - [...byValue.values()].reduce((a, r) => a + r.length, 0);
      if (missing) ctx.warn(`${missing} row${missing > 1 ? 's have' : ' has'} no ${p.STRATUM_FIELD}; ${missing > 1 ? 'they count' : 'it counts'} only in "all"`);
      const keys = [...byValue.keys()].sort((a, b) => (Number.isNaN(Number(a)) || Number.isNaN(Number(b)) ? a.localeCompare(b) : Number(a) - Number(b)));
      for (const k of keys) groups.push({ name: k, rows: Int32Array.from(byValue.get(k)!) });
    }

    // the moves of each predictor (from all rows)
    const plans = new Map<number, MovePlan>();
    for (const j of vars) {
      const plan = planMoves(X[j]!, method, delta);
      if (plan.problem) ctx.warn(`${names[j]}: ${plan.problem}; its sensitivity is left empty`);
      else if (method === 'percent' && X[j]!.some((v) => v < 0)) ctx.warn(`${names[j]} has negative values: with METHOD percent "up" moves them away from 0; METHOD sd is easier to read`);
      plans.set(j, plan);
    }

    // per model: the figures of every (predictor, direction, stratum)
    type Key = string; // `${j}|${direction}|${group}`
    const perModel = new Map<Key, EffectSummary[]>();
    for (let m = 0; m < models.length; m++) {
      ctx.checkCancelled();
      const model = models[m]!;
      const forest = compileForest(model, p.N_TREES);
      const base = predictCompiled(forest, X);
      for (const j of vars) {
        const plan = plans.get(j)!;
        if (plan.problem) continue;
        for (const move of plan.moves) {
          const eff = rowEffects(forest, X, j, move, base, model.training.min[j]!, model.training.max[j]!);
          for (const g of groups) {
            const key = `${j}|${move.direction}|${g.name}`;
            if (!perModel.has(key)) perModel.set(key, []);
            perModel.get(key)!.push(summarise(eff, g.rows));
          }
        }
      }
      ctx.progress((95 * (m + 1)) / models.length);
      await yieldToEventLoop();
    }

    const directions = method === 'range' ? ['range'] : ['up', 'down'];
    const k = models.length;
    const rows: Record<string, unknown>[] = [];
    let top = '';
    for (const g of groups) {
      const block: { j: number; score: number; rows: Record<string, unknown>[] }[] = [];
      for (const j of vars) {
        const plan = plans.get(j)!;
        const out: Record<string, unknown>[] = [];
        let score = 0;
        for (const dir of directions) {
          const row: Record<string, unknown> = {
            stratum: g.name, predictor: names[j], direction: dir, rank: 0, method,
            delta: method === 'range' ? null : delta, delta_x: plan.deltaX,
            x_from: method === 'range' ? plan.q05 : null, x_to: method === 'range' ? plan.q95 : null,
          };
          const list = perModel.get(`${j}|${dir}|${g.name}`);
          if (!list) {
            for (const key of SUMMARY_KEYS) row[FIGURES[key]] = key === 'rows' ? 0 : NaN;
            for (const key of SD_FIGURES) row[`${FIGURES[key]}_models_sd`] = NaN;
            row.note = plan.problem ?? '';
            score = NaN;
          } else {
            const { mean, sd } = acrossModels(list);
            for (const key of SUMMARY_KEYS) row[FIGURES[key]] = mean[key];
            for (const key of SD_FIGURES) row[`${FIGURES[key]}_models_sd`] = k > 1 ? sd[key] : NaN;
            row.note = mean.rows === 0 ? 'no rows in this stratum with the predictor' : '';
            score += mean.absChangeMean / directions.length;
          }
          row.models = k;
          out.push(row);
        }
        block.push({ j, score, rows: out });
      }
      block.sort((a, b) => (b.score === b.score ? b.score : -1) - (a.score === a.score ? a.score : -1) || a.j - b.j);
      block.forEach((b, i) => {
        for (const r of b.rows) r.rank = i + 1;
        rows.push(...b.rows);
      });
      if (g.name === 'all') {
        top = block[0] && block[0].score === block[0].score ? names[block[0].j]! : '';
        ctx.log(`sensitivity (${method}${method === 'range' ? '' : `, DELTA ${delta}`}; mean |change| over the rows, ${k} model${k === 1 ? '' : 's'}):\n` +
          block.map((b) => `  ${names[b.j]!.padEnd(24)} ${b.score === b.score ? b.score.toPrecision(4) : '—'}`).join('\n'));
      }
    }

    const columns = [
      'stratum', 'predictor', 'direction', 'rank', 'method', 'delta', 'delta_x', 'x_from', 'x_to',
      ...SUMMARY_KEYS.map((key) => FIGURES[key]), ...SD_FIGURES.map((key) => `${FIGURES[key]}_models_sd`), 'models', 'note',
    ];
    const out = p.OUTPUT.toLowerCase().endsWith('.json')
      ? saveJson(ctx, p.OUTPUT, {
        algorithm: 'brt:sensitivity', method, delta: method === 'range' ? null : delta, models: k, rows: n,
        strata: groups.map((g) => g.name), sensitivity: rows,
      })
      : saveRows(ctx, p.OUTPUT, columns, rows);
    return { OUTPUT: out, TOP: top, MODELS: k, ROWS: n };
  },
});
