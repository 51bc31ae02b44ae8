/**
 * Partial dependence (Friedman 2001, §8.2) by R gbm's weighted tree traversal (gbm_plot in
 * src/gbmentry.cpp, called by plot.gbm): a split on a plotted variable follows the grid value;
 * any other split sends the weight to both the left and the right child in proportion to their
 * in-bag weights (the missing branch gets nothing).
 */
import type { GbmModel } from './types.js';
import { predict } from './predict.js';

export interface PartialDependence {
  /** 0-based predictor indices, as given. */
  vars: number[];
  names: string[];
  /** One grid per variable. */
  grids: Float64Array[];
  /**
   * The partial dependence at every grid combination, first variable varying fastest (R's
   * expand.grid order): value of (i0, i1, …) at i0 + len0 * (i1 + len1 * …).
   */
  values: Float64Array;
}

export interface PartialDependenceOptions {
  /** Grid points per variable (R's continuous.resolution), default 100. */
  gridPoints?: number;
  /** Explicit grids, one per variable (override gridPoints). */
  grids?: readonly Float64Array[];
  /** Trees to use, default all. */
  nTrees?: number;
}

/** R's `seq(from, to, length.out = len)` for doubles. */
export function rSeq(from: number, to: number, len: number): Float64Array {
  if (!Number.isInteger(len) || len < 1) throw new Error(`grid length must be a whole number of at least 1, got ${len}`);
  const out = new Float64Array(len);
  if (len === 1) {
    out[0] = from;
    return out;
  }
  if (len === 2) {
    out[0] = from;
    out[1] = to;
    return out;
  }
  if (from === to) return out.fill(from);
  const n1 = len - 1;
  const by = (to - from) / n1;
  out[0] = from;
  for (let i = 1; i < len - 1; i++) out[i] = from + i * by;
  out[len - 1] = to;
  return out;
}

function checkVars(model: GbmModel, vars: readonly number[]): void {
  const p = model.predictorNames.length;
  if (!Array.isArray(vars) || vars.length === 0) throw new Error('partial dependence needs at least one predictor');
  for (const v of vars) {
    if (!Number.isInteger(v) || v < 0 || v >= p) {
      throw new Error(`predictor index ${String(v)} is out of range: the model has predictors 0 to ${p - 1}`);
    }
  }
  if (new Set(vars).size !== vars.length) throw new Error('a predictor is listed twice for partial dependence');
}

function makeGrids(model: GbmModel, vars: readonly number[], opts: PartialDependenceOptions): Float64Array[] {
  if (opts.grids) {
    if (opts.grids.length !== vars.length) throw new Error(`${opts.grids.length} grids given for ${vars.length} predictors`);
    return opts.grids.map((g) => Float64Array.from(g));
  }
  const len = opts.gridPoints ?? 100;
  // plot.gbm: seq(min(var.levels), max(var.levels), length = continuous.resolution); the
  // 0 and 1 quantiles of the training values are their min and max
  return vars.map((v) => rSeq(model.training.min[v]!, model.training.max[v]!, len));
}

/**
 * Partial dependence of the model on the predictors `vars` (0-based), exactly as R's
 * `plot(m, i.var = vars + 1, return.grid = TRUE, continuous.resolution = gridPoints)`.
 */
export function partialDependence(
  model: GbmModel,
  vars: readonly number[],
  opts: PartialDependenceOptions = {},
): PartialDependence {
  checkVars(model, vars);
  const nTrees = opts.nTrees ?? model.nTrees;
  if (!Number.isInteger(nTrees) || nTrees < 0 || nTrees > model.nTrees) {
    throw new Error(`nTrees must be a whole number from 0 to ${model.nTrees}, got ${String(opts.nTrees)}`);
  }
  const grids = makeGrids(model, vars, opts);
  const q = vars.length;
  let rows = 1;
  for (const g of grids) rows *= g.length;
  // grid points as columns (expand.grid: first variable fastest)
  const cols = grids.map(() => new Float64Array(rows));
  for (let o = 0; o < rows; o++) {
    let rem = o;
    for (let j = 0; j < q; j++) {
      const len = grids[j]!.length;
      cols[j]![o] = grids[j]![rem % len]!;
      rem = Math.floor(rem / len);
    }
  }
  // variable -> position in vars (first match), -1 when not plotted
  const which = new Int32Array(model.predictorNames.length).fill(-1);
  for (let j = q - 1; j >= 0; j--) which[vars[j]!] = j;
  const values = new Float64Array(rows).fill(model.initF);
  let nodeStack = new Int32Array(64);
  let wStack = new Float64Array(64);
  for (let t = 0; t < nTrees; t++) {
    const tr = model.trees[t]!;
    const sv = tr.splitVar;
    const code = tr.splitCodePred;
    const W = tr.weight;
    if (nodeStack.length < sv.length + 2) {
      nodeStack = new Int32Array(2 * sv.length + 2);
      wStack = new Float64Array(2 * sv.length + 2);
    }
    for (let o = 0; o < rows; o++) {
      nodeStack[0] = 0;
      wStack[0] = 1.0;
      let top = 1;
      let acc = values[o]!;
      while (top > 0) {
        top--;
        const node = nodeStack[top]!;
        const v = sv[node]!;
        if (v === -1) {
          acc += wStack[top]! * code[node]!;
          continue;
        }
        const j = which[v]!;
        if (j !== -1) {
          // the pushed child keeps the popped node's weight (same stack slot)
          const x = cols[j]![o]!;
          if (x !== x) nodeStack[top] = tr.missing[node]!;
          else if (x < code[node]!) nodeStack[top] = tr.left[node]!;
          else nodeStack[top] = tr.right[node]!;
          top++;
        } else {
          const L = tr.left[node]!;
          const R = tr.right[node]!;
          const cw = wStack[top]!;
          nodeStack[top] = R;
          wStack[top] = (cw * W[R]!) / (W[L]! + W[R]!);
          top++;
          nodeStack[top] = L;
          wStack[top] = cw - wStack[top - 1]!;
          top++;
        }
      }
      values[o] = acc;
    }
  }
  return { vars: [...vars], names: vars.map((v) => model.predictorNames[v]!), grids, values };
}

/**
 * Brute-force partial dependence: for every grid combination, the mean prediction over the rows
 * of `X` (column-major, model order) with the plotted variables set to the grid values. Slower
 * than partialDependence (grid × rows × trees), but it averages over the data rather than over
 * the training weights in the trees; the two agree closely on the training data.
 */
export function partialDependenceBruteForce(
  model: GbmModel,
  vars: readonly number[],
  X: readonly Float64Array[],
  opts: PartialDependenceOptions = {},
): PartialDependence {
  checkVars(model, vars);
  const grids = makeGrids(model, vars, opts);
  const n = X[0]?.length ?? 0;
  if (n === 0) throw new Error('brute-force partial dependence needs at least one data row');
  let rows = 1;
  for (const g of grids) rows *= g.length;
  const values = new Float64Array(rows);
  const Xm = X.map((c) => c);
  const fixed = vars.map(() => new Float64Array(n));
  for (let o = 0; o < rows; o++) {
    let rem = o;
    for (let j = 0; j < vars.length; j++) {
      const len = grids[j]!.length;
      fixed[j]!.fill(grids[j]![rem % len]!);
      Xm[vars[j]!] = fixed[j]!;
      rem = Math.floor(rem / len);
    }
    const pr = predict(model, Xm, opts.nTrees);
    let s = 0;
    for (let i = 0; i < n; i++) s += pr[i]!;
    values[o] = s / n;
  }
  return { vars: [...vars], names: vars.map((v) => model.predictorNames[v]!), grids, values };
}
