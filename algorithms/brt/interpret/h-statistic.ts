// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Friedman's H-statistic of two-way interaction strength (Friedman & Popescu 2008, "Predictive
 * learning via rule ensembles", Ann. Appl. Stat. 2(3), §8.1, eq. 44), as R gbm's interact.gbm
 * computes it for a pair of predictors j, k:
 *
 *   H²_jk = Σ_i [F_jk(x_ij, x_ik) − F_j(x_ij) − F_k(x_ik)]² / Σ_i F_jk(x_ij, x_ik)²
 *
 * where F_j, F_k and F_jk are the partial dependence functions, each centred to mean zero over the
 * evaluation rows i, and evaluated at the observed values of the rows. The partial dependences are
 * gbm's weighted-traversal ones (pd-boxes.ts), as in interact.gbm (which calls gbm_plot on the
 * unique observed values weighted by their counts — the same sums as over every row). Missing
 * values follow gbm's missing branches. H = √H²; like interact.gbm, H is NaN when H² > 1 (tiny or
 * cancelling partial dependences make the ratio meaningless) and when the pair's partial
 * dependence is flat over the rows (0/0).
 *
 * Pure TypeScript; no GDAL, no toolbox.
 */
import type { GbmModel } from '../engine/types.js';
import { evalPdBoxes, pdBoxes } from './pd-boxes.js';

export interface PairStatistic {
  j: number;
  k: number;
  /** Σ (F_jk − F_j − F_k)² / Σ F_jk² (may exceed 1; NaN when the denominator is 0). */
  h2: number;
  /** √H² when 0 ≤ H² ≤ 1, otherwise NaN (interact.gbm). */
  h: number;
  /**
   * Root mean square of the interaction part F_jk − F_j − F_k over the rows (the unnormalised
   * H of Friedman & Popescu 2008, eq. 46, per row), in units of the prediction.
   */
  interactionRms: number;
  /** Root mean square of the centred joint partial dependence F_jk (the normaliser). */
  pdRms: number;
}

export interface HStatisticOptions {
  /** Trees to use (default all). */
  nTrees?: number;
  /** Called after every pair (done, total); may throw to cancel. */
  onPair?: (done: number, total: number) => void;
}

/** Centres a vector to mean zero (in place) and returns it. */
export function centre(v: Float64Array): Float64Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]!;
  const m = s / v.length;
  for (let i = 0; i < v.length; i++) v[i] -= m;
  return v;
}

/** Σ (F_jk − F_j − F_k)² and Σ F_jk² from centred partial dependences at the same rows. */
export function hSums(fjk: Float64Array, fj: Float64Array, fk: Float64Array): { num: number; den: number } {
  let num = 0;
  let den = 0;
  for (let i = 0; i < fjk.length; i++) {
    const d = fjk[i]! - fj[i]! - fk[i]!;
    num += d * d;
    den += fjk[i]! * fjk[i]!;
  }
  return { num, den };
}

/** H² from centred partial dependences at the same rows (NaN when F_jk is flat). */
export function hSquared(fjk: Float64Array, fj: Float64Array, fk: Float64Array): number {
  const { num, den } = hSums(fjk, fj, fk);
  return den > 0 ? num / den : NaN;
}

export function hFromH2(h2: number): number {
  return h2 >= 0 && h2 <= 1 ? Math.sqrt(h2) : NaN;
}

/**
 * H-statistics of the given pairs (0-based predictor indices) for one model, evaluated at the
 * rows of `X` (column-major, model predictor order).
 */
export function hStatistics(
  model: GbmModel,
  X: readonly Float64Array[],
  pairs: readonly (readonly [number, number])[],
  opts: HStatisticOptions = {},
): PairStatistic[] {
  const p = model.predictorNames.length;
  if (X.length !== p) throw new Error(`the model has ${p} predictors but ${X.length} columns were given`);
  const n = X[0]?.length ?? 0;
  if (n < 2) throw new Error('the H-statistic needs at least two rows');
  const one = new Map<number, Float64Array>();
  const main = (j: number): Float64Array => {
    let f = one.get(j);
    if (!f) {
      f = centre(evalPdBoxes(pdBoxes(model, [j], opts.nTrees), [X[j]!]));
      one.set(j, f);
    }
    return f;
  };
  const out: PairStatistic[] = [];
  pairs.forEach(([j, k], i) => {
    if (j === k) throw new Error(`a pair needs two different predictors, got ${model.predictorNames[j]} twice`);
    const fjk = centre(evalPdBoxes(pdBoxes(model, [j, k], opts.nTrees), [X[j]!, X[k]!]));
    const { num, den } = hSums(fjk, main(j), main(k));
    const h2 = den > 0 ? num / den : NaN;
    out.push({ j, k, h2, h: hFromH2(h2), interactionRms: Math.sqrt(num / n), pdRms: Math.sqrt(den / n) });
    opts.onPair?.(i + 1, pairs.length);
  });
  return out;
}

/** Every unordered pair of 0..p−1, in the order (0,1), (0,2), …, (p−2,p−1). */
export function allPairs(p: number): [number, number][] {
  const out: [number, number][] = [];
  for (let j = 0; j < p; j++) for (let k = j + 1; k < p; k++) out.push([j, k]);
  return out;
}
