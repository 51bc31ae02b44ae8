// SPDX-License-Identifier: GPL-2.0-or-later
// Repeated k-fold cross-validation of gbm (no I/O). Reproducibility: repeat r (1-based) seeds R's
// Mersenne-Twister with SEED + r − 1, draws its fold assignment from it, then one fit seed per fold,
// floor(unif_rand() · 2147483647). The model refit on all rows for repeat r is
// set.seed(SEED + r − 1); gbm(...) — so repeat 1's model is brt:train's model for SEED. All tasks
// are planned before any runs, and results are collected in task order: identical output for
// any thread count (toolbox/pool.ts delivers them in task order).

import { RMersenneTwister } from '../engine/rng.js';
import type { GbmModel, GbmParams } from '../engine/types.js';
import { blockFolds, fieldFolds, kmeansFolds, randomFolds, stratifiedFolds, type FoldMethod } from './folds.js';
import { metrics, type Metrics } from './metrics.js';
import { mapOrdered } from '../../../toolbox/pool.js';
import { fitTasks, type CvData, type FitTask } from './fit-task.js';

export interface CvOptions {
  params: Omit<GbmParams, 'seed'>;
  seed: number;
  folds: number;
  repeats: number;
  method: FoldMethod;
  /** stratum label per row (stratified folds, per-stratum metrics) */
  strata?: string[];
  /** coordinates (spatial folds) */
  x?: Float64Array;
  y?: Float64Array;
  spatial?: 'blocks' | 'kmeans';
  blockSize?: number;
  /** user fold ids (method field) */
  foldIds?: (string | number)[];
  /** refit one model per repeat on all rows */
  refit?: boolean;
  /** record held-out predictions every `curveStep` trees (brt:tune's CV error curve) */
  curveStep?: number;
  threads: number;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

export interface RepeatMetrics extends Metrics {
  repeat: number;
  stratum: string;
}

export interface CvResult {
  k: number;
  folds: Int32Array[];
  /** out-of-fold predictions per repeat */
  oof: Float64Array[];
  metrics: RepeatMetrics[];
  models?: GbmModel[];
  /** tree counts and RMSE per repeat at each count */
  curve?: { trees: number[]; rmse: number[][] };
}

function assignFolds(o: CvOptions, n: number, rng: RMersenneTwister): { folds: Int32Array; k: number } {
  switch (o.method) {
    case 'random':
      return { folds: randomFolds(n, o.folds, rng), k: o.folds };
    case 'stratified':
      return { folds: stratifiedFolds(o.strata!, o.folds, rng), k: o.folds };
    case 'spatial':
      return o.spatial === 'blocks'
        ? { folds: blockFolds(o.x!, o.y!, o.blockSize!, o.folds, rng), k: o.folds }
        : { folds: kmeansFolds(o.x!, o.y!, o.folds, rng), k: o.folds };
    case 'field': {
      const f = fieldFolds(o.foldIds!);
      return { folds: f.folds, k: f.k };
    }
  }
}

/** gbm's rule: nTrain · bag.fraction must exceed 2 · n.minobsinnode + 1. */
export function minTrainRows(p: Omit<GbmParams, 'seed'>): number {
  return Math.floor((2 * p.nMinObsInNode + 1) / p.bagFraction) + 1;
}

export async function crossValidate(d: CvData, o: CvOptions): Promise<CvResult> {
  const n = d.y.length;
  const tasks: FitTask[] = [];
  const plan: { repeat: number; fold: number; test: Int32Array }[] = [];
  const allFolds: Int32Array[] = [];
  let k = o.folds;
  const curveTrees = o.curveStep
    ? Array.from({ length: Math.floor(o.params.nTrees / o.curveStep) }, (_, i) => (i + 1) * o.curveStep!).concat(o.params.nTrees % o.curveStep ? [o.params.nTrees] : [])
    : undefined;
  const need = minTrainRows(o.params);
  for (let r = 0; r < o.repeats; r++) {
    const rng = new RMersenneTwister(o.seed + r);
    const a = assignFolds(o, n, rng);
    k = a.k;
    allFolds.push(a.folds);
    for (let f = 0; f < k; f++) {
      const test: number[] = [];
      const train: number[] = [];
      for (let i = 0; i < n; i++) (a.folds[i] === f ? test : train).push(i);
      const fitSeed = Math.floor(rng.unifRand() * 2147483647);
      if (test.length === 0) continue;
      if (train.length < need) {
        throw new Error(`fold ${f + 1} of repeat ${r + 1} leaves ${train.length} training rows, but with N_MINOBSINNODE=${o.params.nMinObsInNode} and BAG_FRACTION=${o.params.bagFraction} gbm needs at least ${need} (rows × bag fraction > 2 × min. node size + 1); use fewer folds, a smaller N_MINOBSINNODE or more samples`);
      }
      tasks.push({ train: Int32Array.from(train), test: Int32Array.from(test), params: { ...o.params, seed: fitSeed }, curve: curveTrees });
      plan.push({ repeat: r, fold: f, test: Int32Array.from(test) });
    }
    if (o.refit) {
      tasks.push({ train: Int32Array.from({ length: n }, (_, i) => i), test: new Int32Array(0), params: { ...o.params, seed: o.seed + r }, keepModel: true });
      plan.push({ repeat: r, fold: -1, test: new Int32Array(0) });
    }
  }
  const results = await mapOrdered(
    {
      handler: fitTasks, data: d, threads: o.threads, signal: o.signal,
      label: (i) => (plan[i].fold < 0 ? `the refit of repeat ${plan[i].repeat + 1}` : `the fit of repeat ${plan[i].repeat + 1}, fold ${plan[i].fold + 1}`),
    },
    tasks,
    (_, i) => o.onProgress?.((i + 1) / tasks.length),
  );
  const oof = Array.from({ length: o.repeats }, () => new Float64Array(n).fill(NaN));
  const curvePred = curveTrees ? Array.from({ length: o.repeats }, () => curveTrees.map(() => new Float64Array(n).fill(NaN))) : undefined;
  const models: GbmModel[] = [];
  results.forEach((res, i) => {
    const p = plan[i];
    if (p.fold < 0) {
      models[p.repeat] = res.model!;
      return;
    }
    for (let j = 0; j < p.test.length; j++) oof[p.repeat][p.test[j]] = res.pred[j];
    if (curvePred && res.curve) {
      res.curve.forEach((c, ci) => {
        for (let j = 0; j < p.test.length; j++) curvePred[p.repeat][ci][p.test[j]] = c[j];
      });
    }
  });
  const strataNames = o.strata ? [...new Set(o.strata)].sort() : [];
  const rows: RepeatMetrics[] = [];
  for (let r = 0; r < o.repeats; r++) {
    rows.push({ repeat: r + 1, stratum: 'all', ...metrics(d.y, oof[r]) });
    for (const s of strataNames) {
      const idx = o.strata!.flatMap((v, i) => (v === s ? [i] : []));
      rows.push({ repeat: r + 1, stratum: s, ...metrics(d.y, oof[r], idx) });
    }
  }
  return {
    k,
    folds: allFolds,
    oof,
    metrics: rows,
    models: o.refit ? models : undefined,
    curve: curveTrees && curvePred
      ? { trees: curveTrees, rmse: curvePred.map((byCount) => byCount.map((pred) => metrics(d.y, pred).rmse)) }
      : undefined,
  };
}
