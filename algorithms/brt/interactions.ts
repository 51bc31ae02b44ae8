// SPDX-License-Identifier: GPL-2.0-or-later
// brt:interactions — Friedman's H-statistic of two-way interaction strength (Friedman & Popescu
// 2008, Ann. Appl. Stat. 2(3), §8.1) for pairs of predictors, computed as R gbm's interact.gbm does
// (gbm's weighted-traversal partial dependence evaluated at the observed values of the rows), with
// the 2-D partial dependence surfaces of the strongest pairs; for a model set, the mean and SD over
// the repeat models.

import { defineAlgorithm } from '../../toolbox/algorithm.js';
import { param } from '../../toolbox/params.js';
import { DataError } from '../../toolbox/errors.js';
import { saveJson, saveRows } from '../../toolbox/io/outputs.js';
import { rSeq } from './engine/partial-dependence.js';
import { allPairs, hStatistics } from './interpret/h-statistic.js';
import { evalPdBoxesGrid, pdBoxes } from './interpret/pd-boxes.js';
import { loadInterpretInput, meanSdDefined, parsePairs, variesAtAll, yieldToEventLoop } from './interpret-input.js';

const COLUMNS = [
  'rank', 'predictor_1', 'predictor_2', 'h', 'h_models_sd', 'h2', 'h2_models_sd',
  'interaction_rms', 'interaction_rms_models_sd', 'pd_rms', 'pd_rms_models_sd', 'models', 'rows', 'note',
];

export default defineAlgorithm({
  id: 'brt:interactions',
  title: 'Interaction strength of predictor pairs (Friedman\'s H)',
  group: 'brt',
  help: 'Friedman\'s H-statistic (Friedman & Popescu 2008, §8.1) for every pair of predictors, or for the PAIRS given: ' +
    'H²_jk = Σ_i [F_jk(x_ij, x_ik) − F_j(x_ij) − F_k(x_ik)]² / Σ_i F_jk(x_ij, x_ik)², where F are the partial dependence functions, ' +
    'centred to mean 0, evaluated at the observed values of the rows of INPUT (usually the training samples). It is the share of the ' +
    'variance of the pair\'s joint partial dependence that is not explained by the sum of the two single ones: 0 = no interaction, ' +
    '1 = the pair acts only through its interaction. H = √H² is reported too. The partial dependences are R gbm\'s weighted tree ' +
    'traversal (plot.gbm; any split on another predictor is averaged by the in-bag weights of its children), so for one model the ' +
    'result is R\'s interact.gbm(model, data = INPUT, i.var = c(j, k)); like interact.gbm, H is empty when H² > 1 (tiny or cancelling ' +
    'partial dependences) or when the pair\'s partial dependence is flat over the rows. Missing values follow gbm\'s missing branches. ' +
    'Also reported, in prediction units: interaction_rms = √(mean_i [F_jk − F_j − F_k]²), the unnormalised H (Friedman & Popescu ' +
    '2008, eq. 46), and pd_rms = √(mean_i F_jk²), the size of the pair\'s joint effect: a large H on a pair with a small pd_rms is ' +
    'a large share of a small effect, so RANK_BY interaction_rms ranks by absolute interaction strength instead. ' +
    'Pairs are ranked by RANK_BY (default H); for a model set (.brtset from brt:cv) H is the mean over the models and h_models_sd its SD. The TOP ' +
    'strongest pairs\' 2-D partial dependence surfaces (GRID_POINTS × GRID_POINTS, from the training minimum to maximum as ' +
    'brt:partial-dependence) go to OUTPUT_SURFACES. A predictor that is constant in INPUT cannot show an interaction there: its ' +
    'pairs are left empty with a note. H is a statistic of the fitted model; small values (< 0.1) are usually noise of the fit.',
  inputs: [
    param.file('MODEL', 'Model file (.json from brt:train) or model set (.brtset from brt:cv)', { extensions: ['.json', '.brtset'] }),
    param.vector('INPUT', 'Rows at which the partial dependences are evaluated, with every predictor of the model (usually the training table)'),
    param.list('PAIRS', 'Predictor pairs as a:b, comma-separated (e.g. mat:map,ndvi:twi); default: every pair', 'string', { optional: true }),
    param.enum('RANK_BY', 'Rank pairs by h (relative interaction strength, Friedman\'s H) or interaction_rms (absolute, in prediction units)', ['h', 'interaction_rms'], { default: 'h' }),
    param.integer('TOP', 'Number of strongest pairs whose 2-D partial dependence surfaces are written to OUTPUT_SURFACES', { default: 5, min: 0, max: 1000 }),
    param.integer('GRID_POINTS', 'Grid points per predictor of the surfaces', { default: 25, min: 2, max: 500 }),
    param.integer('N_TREES', 'Use the first N trees (default: all)', { optional: true, min: 1 }),
    param.tableDestination('OUTPUT', 'Ranked pairs with H (.csv or .json)', { extensions: ['.csv', '.json'] }),
    param.fileDestination('OUTPUT_SURFACES', '2-D partial dependence surfaces of the TOP pairs (.json)', { optional: true, extensions: ['.json'] }),
  ],
  outputs: [
    { name: 'OUTPUT', kind: 'table', description: 'pairs ranked by H (mean over models), with SD over models' },
    { name: 'OUTPUT_SURFACES', kind: 'file', description: '2-D partial dependence surfaces of the strongest pairs' },
    { name: 'TOP_PAIR', kind: 'string', description: 'the pair with the largest H, as a:b' },
    { name: 'TOP_H', kind: 'number', description: 'its H' },
  ],
  async run(p, ctx) {
    const t0 = Date.now();
    const d = await loadInterpretInput(p.MODEL, p.INPUT, p.N_TREES);
    const { models, names, X } = d;
    const n = d.table.nRows;
    const pairs = p.PAIRS && p.PAIRS.length ? parsePairs(p.PAIRS, names) : allPairs(names.length);
    if (pairs.length === 0) throw new DataError('the model has a single predictor, so there is no pair to assess');
    const flat = names.map((_, j) => !variesAtAll(X[j]!));
    for (const j of new Set(pairs.flat())) {
      if (flat[j]) ctx.warn(`${names[j]} is constant (or missing) in every row of ${d.table.source}; its pairs are left empty — evaluate on rows where it varies`);
    }
    const computable = pairs.filter(([j, k]) => !flat[j] && !flat[k]);
    ctx.progress(2, `H-statistic of ${computable.length} pair${computable.length === 1 ? '' : 's'} for ${models.length} model${models.length === 1 ? '' : 's'}`);
    // per pair: H² and H of every model
    const h2s = pairs.map(() => [] as number[]);
    const hs = pairs.map(() => [] as number[]);
    const rmss = pairs.map(() => [] as number[]);
    const pds = pairs.map(() => [] as number[]);
    const pos = new Map(pairs.map(([j, k], i) => [`${j}:${k}`, i]));
    for (let m = 0; m < models.length; m++) {
      ctx.checkCancelled();
      const res = hStatistics(models[m]!, X, computable, { nTrees: p.N_TREES });
      for (const r of res) {
        const i = pos.get(`${r.j}:${r.k}`)!;
        h2s[i]!.push(r.h2);
        hs[i]!.push(r.h);
        rmss[i]!.push(r.interactionRms);
        pds[i]!.push(r.pdRms);
      }
      ctx.progress(2 + (80 * (m + 1)) / models.length);
      await yieldToEventLoop();
    }
    const rows = pairs.map(([j, k], i) => {
      const h = meanSdDefined(hs[i]!);
      const h2 = meanSdDefined(h2s[i]!);
      const rms = meanSdDefined(rmss[i]!);
      const pd = meanSdDefined(pds[i]!);
      let note = '';
      if (flat[j] || flat[k]) note = `${flat[j] ? names[j] : names[k]} is constant in INPUT`;
      else if (h.n < models.length) {
        const flatPd = h2s[i]!.filter((v) => v !== v).length;
        const over = h2s[i]!.filter((v) => v > 1).length;
        note = [
          flatPd ? `partial dependence flat over INPUT (the model hardly uses the pair)${models.length > 1 ? ` in ${flatPd} model${flatPd > 1 ? 's' : ''}` : ''}` : '',
          over ? `H² > 1 (tiny or cancelling partial dependences)${models.length > 1 ? ` in ${over} model${over > 1 ? 's' : ''}` : ''}` : '',
        ].filter(Boolean).join('; ');
      }
      return {
        rank: 0, predictor_1: names[j]!, predictor_2: names[k]!, j, k,
        h: h.mean, h_models_sd: models.length > 1 ? h.sd : NaN, h2: h2.mean, h2_models_sd: models.length > 1 ? h2.sd : NaN,
        interaction_rms: rms.mean, interaction_rms_models_sd: models.length > 1 ? rms.sd : NaN,
        pd_rms: pd.mean, pd_rms_models_sd: models.length > 1 ? pd.sd : NaN,
        models: h.n, rows: n, note,
      };
    });
    const score = (r: (typeof rows)[number]) => (p.RANK_BY === 'interaction_rms' ? (r.h === r.h ? r.interaction_rms : -1) : r.h === r.h ? r.h : -1);
    rows.sort((a, b) => score(b) - score(a) || a.j - b.j || a.k - b.k);
    rows.forEach((r, i) => { r.rank = i + 1; });
    ctx.log(`strongest interactions (H, ${models.length} model${models.length === 1 ? '' : 's'}, ${n} rows):\n` +
      rows.slice(0, 10).map((r) => `  ${`${r.predictor_1}:${r.predictor_2}`.padEnd(30)} H ${r.h === r.h ? r.h.toFixed(3) : '  — '}${models.length > 1 && r.h_models_sd === r.h_models_sd ? ` ± ${r.h_models_sd.toFixed(3)}` : ''}  interaction rms ${r.interaction_rms.toPrecision(3)} of pd rms ${r.pd_rms.toPrecision(3)}`).join('\n'));

    let surfacesOut: string | undefined;
    if (p.OUTPUT_SURFACES) {
      const top = rows.filter((r) => r.h === r.h).slice(0, p.TOP);
      const surfaces = [];
      for (let s = 0; s < top.length; s++) {
        ctx.checkCancelled();
        const r = top[s]!;
        const vars = [r.j, r.k];
        // grids over the union of the models' training ranges (as brt:partial-dependence)
        const grids = vars.map((v) => rSeq(Math.min(...models.map((m) => m.training.min[v]!)), Math.max(...models.map((m) => m.training.max[v]!)), p.GRID_POINTS));
        const cells = grids[0]!.length * grids[1]!.length;
        const sum = new Float64Array(cells);
        const sq = new Float64Array(cells);
        for (const m of models) {
          const v = evalPdBoxesGrid(pdBoxes(m, vars, p.N_TREES), grids);
          for (let i = 0; i < cells; i++) {
            sum[i] += v[i]!;
            sq[i] += v[i]! * v[i]!;
          }
        }
        const k = models.length;
        const mean = Array.from(sum, (x) => x / k);
        const sd = Array.from(sq, (x, i) => (k > 1 ? Math.sqrt(Math.max(0, (x - k * mean[i]! ** 2) / (k - 1))) : null));
        surfaces.push({
          rank: r.rank, variables: [r.predictor_1, r.predictor_2], h: r.h, h_models_sd: k > 1 ? r.h_models_sd : null,
          grids: grids.map((g) => Array.from(g)), mean, sd,
        });
        ctx.progress(82 + (16 * (s + 1)) / top.length);
        await yieldToEventLoop();
      }
      surfacesOut = saveJson(ctx, p.OUTPUT_SURFACES, {
        algorithm: 'brt:interactions', models: models.length, grid_points: p.GRID_POINTS,
        layout: 'mean[i0 + len0 * i1]: the first variable varies fastest (R expand.grid order), as brt:partial-dependence',
        surfaces,
      });
    }
    const outRows = rows.map(({ j: _j, k: _k, ...r }) => r);
    const out = p.OUTPUT.toLowerCase().endsWith('.json')
      ? saveJson(ctx, p.OUTPUT, {
        algorithm: 'brt:interactions', method: 'Friedman & Popescu (2008) H-statistic, gbm weighted-traversal partial dependence at the INPUT rows',
        models: models.length, rows: n, rank_by: p.RANK_BY, interactions: outRows,
      })
      : saveRows(ctx, p.OUTPUT, COLUMNS, outRows);
    const best = rows[0]!;
    ctx.log(`${pairs.length} pair${pairs.length === 1 ? '' : 's'} in ${((Date.now() - t0) / 1000).toFixed(2)} s`);
    return {
      OUTPUT: out, ...(surfacesOut ? { OUTPUT_SURFACES: surfacesOut } : {}),
      TOP_PAIR: `${best.predictor_1}:${best.predictor_2}`, TOP_H: best.h === best.h ? best.h : null, PAIRS: pairs.length, MODELS: models.length,
    };
  },
});
