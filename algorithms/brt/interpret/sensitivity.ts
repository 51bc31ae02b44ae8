// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * One-at-a-time sensitivity of a model's predictions (local perturbation analysis in the sense of
 * Saltelli et al. 2008, "Global Sensitivity Analysis. The Primer", §1.2.2, applied row by row as in
 * individual conditional expectation, Goldstein et al. 2015): for predictor j and every row i, the
 * predictor is moved while all other predictors keep their observed values, and the change of the
 * prediction is recorded.
 *
 * Moves (x = the row's observed value of predictor j):
 *   sd:      up x → x + δ·SD_j, down x → x − δ·SD_j   (SD_j: sample SD, n − 1, over the rows)
 *   percent: up x → x·(1 + δ/100), down x → x·(1 − δ/100)   (a negative x moves away from 0 "up")
 *   range:   x_j set to Q05_j and to Q95_j (R quantile type 7 over the rows): change = ŷ(Q95) − ŷ(Q05)
 * The change of a row is Δŷ = ŷ(after) − ŷ(before). Its elasticity is
 *   e = (Δŷ / ŷ₀) / (Δx / x₀)
 * with (x₀, ŷ₀) the start of the move — the observed value and its prediction for sd and percent,
 * (Q05, ŷ(Q05)) for range — defined when x₀ ≠ 0, ŷ₀ ≠ 0 and Δx ≠ 0; the figure reported is the mean
 * (and median) of e over the rows where it is defined.
 *
 * Rows whose predictor j is missing are left out for sd and percent (and rows with x = 0 for
 * percent, which do not move); for range every row is used. A boosted tree model is flat outside
 * its training range, so moves that leave it give a smaller change; the share of such rows is
 * reported.
 *
 * Pure TypeScript; no GDAL, no toolbox.
 */
import { predictCompiled, type CompiledForest } from '../engine/predict.js';

export type SensitivityMethod = 'sd' | 'percent' | 'range';
export type Direction = 'up' | 'down' | 'range';

/** One move of predictor j: per row, its value before and after (NaN = row not used). */
export interface Move {
  direction: Direction;
  from: Float64Array;
  to: Float64Array;
}

export interface MovePlan {
  moves: Move[];
  /** Size of the move: δ·SD (sd), mean |Δx| (percent), Q95 − Q05 (range). */
  deltaX: number;
  /** Range method: the 5 % and 95 % quantiles. */
  q05?: number;
  q95?: number;
  /** Why the predictor cannot be assessed (constant values, no usable rows), or undefined. */
  problem?: string;
}

/** R's quantile(x, p, type = 7) of a sorted array without missing values. */
export function quantile7(sorted: ArrayLike<number>, prob: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * prob;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export function sortedFinite(x: ArrayLike<number>): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < x.length; i++) if (x[i] === x[i]) out.push(x[i]!);
  return Float64Array.from(out).sort();
}

export function meanSd(v: ArrayLike<number>): { mean: number; sd: number; n: number } {
  const n = v.length;
  if (n === 0) return { mean: NaN, sd: NaN, n };
  let s = 0;
  for (let i = 0; i < n; i++) s += v[i]!;
  const mean = s / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (v[i]! - mean) ** 2;
  return { mean, sd: n > 1 ? Math.sqrt(ss / (n - 1)) : NaN, n };
}

/** The moves of one predictor column `x` (all rows of the data) for a method and δ. */
export function planMoves(x: Float64Array, method: SensitivityMethod, delta: number): MovePlan {
  const n = x.length;
  const obs = sortedFinite(x);
  if (obs.length === 0) return { moves: [], deltaX: NaN, problem: 'it is missing in every row' };
  if (method === 'range') {
    const q05 = quantile7(obs, 0.05);
    const q95 = quantile7(obs, 0.95);
    const from = new Float64Array(n).fill(q05);
    const to = new Float64Array(n).fill(q95);
    const plan: MovePlan = { moves: [{ direction: 'range', from, to }], deltaX: q95 - q05, q05, q95 };
    if (!(q95 > q05)) plan.problem = `its 5 % and 95 % quantiles are equal (${q05}): it hardly varies in INPUT`;
    return plan;
  }
  if (method === 'sd') {
    const sd = meanSd(obs).sd;
    const d = delta * sd;
    if (!(d > 0)) {
      return { moves: [], deltaX: d, problem: obs.length < 2 ? 'it has fewer than two values' : `it is constant in INPUT (${obs[0]} in every row), so its SD is 0` };
    }
    const mk = (s: number): Move => ({
      direction: s > 0 ? 'up' : 'down',
      from: Float64Array.from(x),
      to: Float64Array.from(x, (v) => (v === v ? v + s * d : NaN)),
    });
    return { moves: [mk(1), mk(-1)], deltaX: d };
  }
  // percent
  const f = delta / 100;
  const usable = (v: number) => v === v && v !== 0;
  let sumAbs = 0;
  let cnt = 0;
  for (let i = 0; i < n; i++) if (usable(x[i]!)) { sumAbs += Math.abs(x[i]! * f); cnt++; }
  if (cnt === 0) return { moves: [], deltaX: NaN, problem: 'it is 0 or missing in every row, so a percentage change does not move it' };
  const mk = (s: number): Move => ({
    direction: s > 0 ? 'up' : 'down',
    from: Float64Array.from(x, (v) => (usable(v) ? v : NaN)),
    to: Float64Array.from(x, (v) => (usable(v) ? v * (1 + s * f) : NaN)),
  });
  return { moves: [mk(1), mk(-1)], deltaX: sumAbs / cnt };
}

/** Per-row results of one move under one model (NaN where the row is not used). */
export interface RowEffects {
  change: Float64Array;
  elasticity: Float64Array;
  /** 1 when the moved value lies outside the model's training range of the predictor. */
  beyond: Uint8Array;
}

/**
 * Applies a move of predictor `j` to the rows of `X` (column-major, model order) under a compiled
 * model. `base` is the model's prediction for the unmodified rows (used for sd and percent).
 */
export function rowEffects(
  forest: CompiledForest, X: readonly Float64Array[], j: number, move: Move, base: Float64Array,
  trainMin: number, trainMax: number,
): RowEffects {
  const n = base.length;
  const cols = X.slice();
  let y0: Float64Array;
  if (move.direction === 'range') {
    cols[j] = move.from;
    y0 = predictCompiled(forest, cols);
  } else {
    y0 = base;
  }
  // rows that do not move keep their value (the prediction is then discarded)
  const to = Float64Array.from(move.to, (v, i) => (v === v ? v : X[j]![i]!));
  cols[j] = to;
  const y1 = predictCompiled(forest, cols);
  const change = new Float64Array(n);
  const elasticity = new Float64Array(n);
  const beyond = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const x0 = move.from[i]!;
    const x1 = move.to[i]!;
    if (x0 !== x0 || x1 !== x1) {
      change[i] = NaN;
      elasticity[i] = NaN;
      continue;
    }
    const d = y1[i]! - y0[i]!;
    change[i] = d;
    const dx = x1 - x0;
    elasticity[i] = x0 !== 0 && y0[i] !== 0 && dx !== 0 ? (d / y0[i]!) / (dx / x0) : NaN;
    beyond[i] = x1 < trainMin || x1 > trainMax ? 1 : 0;
  }
  return { change, elasticity, beyond };
}

/** The figures of one move over a group of rows under one model. */
export interface EffectSummary {
  rows: number;
  changeMean: number;
  changeSd: number;
  changeQ1: number;
  changeMedian: number;
  changeQ3: number;
  absChangeMean: number;
  elasticityMean: number;
  elasticityMedian: number;
  elasticityRows: number;
  beyondShare: number;
}

export const SUMMARY_KEYS = [
  'rows', 'changeMean', 'changeSd', 'changeQ1', 'changeMedian', 'changeQ3', 'absChangeMean',
  'elasticityMean', 'elasticityMedian', 'elasticityRows', 'beyondShare',
] as const satisfies readonly (keyof EffectSummary)[];

/** Summarises row effects over the rows `group` (indices; all rows when omitted). */
export function summarise(e: RowEffects, group?: ArrayLike<number>): EffectSummary {
  const idx = group ?? Int32Array.from({ length: e.change.length }, (_, i) => i);
  const ch: number[] = [];
  const el: number[] = [];
  let abs = 0;
  let beyond = 0;
  for (let g = 0; g < idx.length; g++) {
    const i = idx[g]!;
    const c = e.change[i]!;
    if (c !== c) continue;
    ch.push(c);
    abs += Math.abs(c);
    beyond += e.beyond[i]!;
    const x = e.elasticity[i]!;
    if (Number.isFinite(x)) el.push(x);
  }
  const s = Float64Array.from(ch).sort();
  const ms = meanSd(ch);
  const es = Float64Array.from(el).sort();
  return {
    rows: ch.length,
    changeMean: ms.mean,
    changeSd: ms.sd,
    changeQ1: quantile7(s, 0.25),
    changeMedian: quantile7(s, 0.5),
    changeQ3: quantile7(s, 0.75),
    absChangeMean: ch.length ? abs / ch.length : NaN,
    elasticityMean: el.length ? meanSd(el).mean : NaN,
    elasticityMedian: quantile7(es, 0.5),
    elasticityRows: el.length,
    beyondShare: ch.length ? beyond / ch.length : NaN,
  };
}

/**
 * Mean and SD (n − 1) over models of each figure; a figure that is undefined (NaN) for a model is
 * left out of its mean and SD. With one model the SD is NaN.
 */
export function acrossModels(list: readonly EffectSummary[]): { mean: EffectSummary; sd: EffectSummary } {
  const mean = {} as EffectSummary;
  const sd = {} as EffectSummary;
  for (const key of SUMMARY_KEYS) {
    const v = list.map((s) => s[key]).filter((x) => x === x);
    const r = meanSd(v);
    mean[key] = r.mean;
    sd[key] = r.sd;
  }
  return { mean, sd };
}
