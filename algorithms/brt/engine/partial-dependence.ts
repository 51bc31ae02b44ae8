/**
 * Partial dependence (Friedman 2001, §8.2) by R gbm's weighted tree traversal (gbm_plot in
 * src/gbmentry.cpp, called by plot.gbm): a split on a plotted variable follows the grid value;
 * any other split sends the weight to both the left and the right child in proportion to their
 * in-bag weights (the missing branch gets nothing).
 */
import type { GbmModel, GbmTree } from './types.js';
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

/** The grid points as columns (expand.grid order: first variable fastest). */
export function gridColumns(grids: readonly Float64Array[]): { rows: number; cols: Float64Array[] } {
  const q = grids.length;
  let rows = 1;
  for (const g of grids) rows *= g.length;
  const cols = grids.map(() => new Float64Array(rows));
  for (let o = 0; o < rows; o++) {
    let rem = o;
    for (let j = 0; j < q; j++) {
      const len = grids[j]!.length;
      cols[j]![o] = grids[j]![rem % len]!;
      rem = Math.floor(rem / len);
    }
  }
  return { rows, cols };
}

/** Predictor -> its position in `vars` (first match), -1 when not plotted. */
function plottedIndex(model: GbmModel, vars: readonly number[]): Int32Array {
  const which = new Int32Array(model.predictorNames.length).fill(-1);
  for (let j = vars.length - 1; j >= 0; j--) which[vars[j]!] = j;
  return which;
}

function checkNTrees(model: GbmModel, opts: PartialDependenceOptions): number {
  const nTrees = opts.nTrees ?? model.nTrees;
  if (!Number.isInteger(nTrees) || nTrees < 0 || nTrees > model.nTrees) {
    throw new Error(`nTrees must be a whole number from 0 to ${model.nTrees}, got ${String(opts.nTrees)}`);
  }
  return nTrees;
}

/** Scratch stacks of the weighted traversal, grown on demand. */
interface Scratch {
  nodes: Int32Array;
  w: Float64Array;
  terms: Float64Array;
}

function ensureScratch(s: Scratch, nNodes: number): void {
  if (s.nodes.length < nNodes + 2) {
    s.nodes = new Int32Array(2 * nNodes + 2);
    s.w = new Float64Array(2 * nNodes + 2);
  }
  if (s.terms.length < nNodes) s.terms = new Float64Array(2 * nNodes);
}

/**
 * gbm's weighted traversal of one tree at one grid point (`xs[j]` = value of the j-th plotted
 * variable): writes the leaf terms (weight × leaf value) to `s.terms` in visiting order and returns
 * their number. Adding them one by one to the running value is exactly gbm_plot's `acc += w * leaf`.
 */
function leafTerms(tr: GbmTree, which: Int32Array, xs: Float64Array, s: Scratch): number {
  const sv = tr.splitVar;
  const code = tr.splitCodePred;
  const W = tr.weight;
  const left = tr.left;
  const right = tr.right;
  const missing = tr.missing;
  const nodeStack = s.nodes;
  const wStack = s.w;
  const out = s.terms;
  nodeStack[0] = 0;
  wStack[0] = 1.0;
  let top = 1;
  let n = 0;
  while (top > 0) {
    top--;
    const node = nodeStack[top]!;
    const v = sv[node]!;
    if (v === -1) {
      out[n++] = wStack[top]! * code[node]!;
      continue;
    }
    const j = which[v]!;
    if (j !== -1) {
      // the pushed child keeps the popped node's weight (same stack slot)
      const x = xs[j]!;
      if (x !== x) nodeStack[top] = missing[node]!;
      else if (x < code[node]!) nodeStack[top] = left[node]!;
      else nodeStack[top] = right[node]!;
      top++;
    } else {
      const L = left[node]!;
      const R = right[node]!;
      const cw = wStack[top]!;
      nodeStack[top] = R;
      wStack[top] = (cw * W[R]!) / (W[L]! + W[R]!);
      top++;
      nodeStack[top] = L;
      wStack[top] = cw - wStack[top - 1]!;
      top++;
    }
  }
  return n;
}

/**
 * Adds the leaf terms terms[0..n) one after the other to each of values[start..end): for every
 * point exactly `acc += terms[0]; acc += terms[1]; …` as in the traversal, four points at a time
 * (independent chains of additions).
 */
function addTerms(values: Float64Array, start: number, end: number, terms: Float64Array, n: number): void {
  let i = start;
  for (; i + 4 <= end; i += 4) {
    let a0 = values[i]!;
    let a1 = values[i + 1]!;
    let a2 = values[i + 2]!;
    let a3 = values[i + 3]!;
    for (let k = 0; k < n; k++) {
      const t = terms[k]!;
      a0 += t;
      a1 += t;
      a2 += t;
      a3 += t;
    }
    values[i] = a0;
    values[i + 1] = a1;
    values[i + 2] = a2;
    values[i + 3] = a3;
  }
  for (; i < end; i++) {
    let a = values[i]!;
    for (let k = 0; k < n; k++) a += terms[k]!;
    values[i] = a;
  }
}

/** First index i in a[0..n) (ascending) with a[i] >= x; n when there is none. */
function lowerBound(a: Float64Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Sorts a[0..n) ascending and drops repeats; returns the new length. */
function sortUniqueInt(a: Int32Array, n: number): number {
  for (let i = 1; i < n; i++) {
    const x = a[i]!;
    let k = i - 1;
    while (k >= 0 && a[k]! > x) {
      a[k + 1] = a[k]!;
      k--;
    }
    a[k + 1] = x;
  }
  let m = 0;
  for (let i = 0; i < n; i++) if (m === 0 || a[i]! !== a[m - 1]!) a[m++] = a[i]!;
  return m;
}

/**
 * One variable's grid, reduced: `reps` holds one value per group of grid values that no split of
 * the used trees on the variable tells apart (they lie between the same two thresholds), in
 * ascending order, followed by NaN when the grid has missing values (they all follow the missing
 * branch); `group` gives each grid value's index in `reps`; `nReal` is the number of non-NaN reps.
 */
interface GridGroups {
  group: Int32Array;
  reps: Float64Array;
  nReal: number;
}

function groupGrid(trees: readonly GbmTree[], nTrees: number, v: number, grid: Float64Array): GridGroups {
  const len = grid.length;
  const real: number[] = [];
  const nan: number[] = [];
  let ascending = true;
  for (let i = 0; i < len; i++) {
    const x = grid[i]!;
    if (x !== x) nan.push(i);
    else {
      if (real.length > 0 && x < grid[real[real.length - 1]!]!) ascending = false;
      real.push(i);
    }
  }
  if (!ascending) real.sort((a, b) => grid[a]! - grid[b]!);
  const m = real.length;
  const sorted = Float64Array.from(real, (i) => grid[i]!);
  // cut[i] = 1: a threshold t lies in (sorted[i - 1], sorted[i]], so the two go different ways
  const cut = new Uint8Array(m);
  for (let t = 0; t < nTrees; t++) {
    const tr = trees[t]!;
    const sv = tr.splitVar;
    for (let k = 0; k < sv.length; k++) {
      if (sv[k] === v) {
        const pos = lowerBound(sorted, m, tr.splitCodePred[k]!);
        if (pos > 0 && pos < m) cut[pos] = 1;
      }
    }
  }
  const group = new Int32Array(len);
  const reps: number[] = [];
  for (let i = 0; i < m; i++) {
    if (i === 0 || cut[i] === 1) reps.push(sorted[i]!);
    group[real[i]!] = reps.length - 1;
  }
  const nReal = reps.length;
  if (nan.length > 0) {
    reps.push(NaN);
    for (const i of nan) group[i] = nReal;
  }
  return { group, reps: Float64Array.from(reps), nReal };
}

/**
 * gbm_plot's values on the reduced grids (expand.grid order, first variable fastest), trees
 * 0..nTrees-1.
 *
 * Within one tree, the traversal depends on a grid point only through the splits on the plotted
 * variables. Each tree's thresholds cut every (ascending) reduced grid into runs, and the grid
 * into boxes (products of runs; a missing value is a run of its own): all points of a box visit
 * the same nodes with the same weights. The leaf terms are computed once per box and added to the
 * running value of every point of the box in the traversal's order, so every point sees exactly
 * the floating-point operations of a traversal of its own: the result is bit-identical.
 */
function pdReducedValues(model: GbmModel, vars: readonly number[], red: readonly GridGroups[], nTrees: number): Float64Array {
  const q = vars.length;
  const which = plottedIndex(model, vars);
  const size = Int32Array.from(red, (g) => g.reps.length);
  const stride = new Int32Array(q);
  let rows = 1;
  for (let j = 0; j < q; j++) {
    stride[j] = rows;
    rows *= size[j]!;
  }
  const values = new Float64Array(rows).fill(model.initF);
  if (rows === 0) return values;
  const s: Scratch = { nodes: new Int32Array(64), w: new Float64Array(64), terms: new Float64Array(64) };
  const xs = new Float64Array(q);
  // per variable: cut positions of the current tree, then the run bounds
  let cuts = red.map(() => new Int32Array(16));
  const nCuts = new Int32Array(q);
  const bounds = red.map((g) => new Int32Array(g.reps.length + 2));
  const nRuns = new Int32Array(q);
  const run = new Int32Array(q);
  const lo = new Int32Array(q);
  const hi = new Int32Array(q);
  const at = new Int32Array(q);
  for (let t = 0; t < nTrees; t++) {
    const tr = model.trees[t]!;
    const sv = tr.splitVar;
    ensureScratch(s, sv.length);
    nCuts.fill(0);
    for (let k = 0; k < sv.length; k++) {
      const v = sv[k]!;
      if (v === -1) continue;
      const j = which[v]!;
      if (j === -1) continue;
      const g = red[j]!;
      const pos = lowerBound(g.reps, g.nReal, tr.splitCodePred[k]!);
      if (pos === 0 || pos === g.nReal) continue;
      if (nCuts[j]! === cuts[j]!.length) {
        const c = new Int32Array(2 * cuts[j]!.length);
        c.set(cuts[j]!);
        cuts = cuts.map((x, i) => (i === j ? c : x));
      }
      cuts[j]![nCuts[j]!] = pos;
      nCuts[j]!++;
    }
    for (let j = 0; j < q; j++) {
      const g = red[j]!;
      const c = cuts[j]!;
      const nc = sortUniqueInt(c, nCuts[j]!);
      const b = bounds[j]!;
      let nb = 0;
      b[nb++] = 0;
      for (let i = 0; i < nc; i++) b[nb++] = c[i]!;
      if (g.nReal > 0) b[nb++] = g.nReal;
      if (g.reps.length > g.nReal) b[nb++] = g.reps.length;
      nRuns[j] = nb - 1;
      run[j] = 0;
    }
    // every box (one run per variable), first variable fastest
    for (;;) {
      for (let j = 0; j < q; j++) {
        const b = bounds[j]!;
        lo[j] = b[run[j]!]!;
        hi[j] = b[run[j]! + 1]!;
        xs[j] = red[j]!.reps[lo[j]!]!;
        at[j] = lo[j]!;
      }
      const n = leafTerms(tr, which, xs, s);
      // the points of the box: contiguous along the first variable
      for (;;) {
        let base = 0;
        for (let j = 1; j < q; j++) base += at[j]! * stride[j]!;
        addTerms(values, base + lo[0]!, base + hi[0]!, s.terms, n);
        let j = 1;
        while (j < q) {
          if (++at[j]! < hi[j]!) break;
          at[j] = lo[j]!;
          j++;
        }
        if (j >= q) break;
      }
      let j = 0;
      while (j < q) {
        if (++run[j]! < nRuns[j]!) break;
        run[j] = 0;
        j++;
      }
      if (j >= q) break;
    }
  }
  return values;
}

/**
 * Partial dependence of the model on the predictors `vars` (0-based), exactly as R's
 * `plot(m, i.var = vars + 1, return.grid = TRUE, continuous.resolution = gridPoints)`.
 *
 * Grid values that no split of the used trees tells apart get identical values, so each
 * variable's grid is first reduced to one value per interval between its thresholds; the
 * reduced grid is evaluated box by box (pdReducedValues) and expanded. Bit-identical to
 * partialDependenceReference (one plain traversal per grid point and tree).
 */
export function partialDependence(
  model: GbmModel,
  vars: readonly number[],
  opts: PartialDependenceOptions = {},
): PartialDependence {
  checkVars(model, vars);
  const nTrees = checkNTrees(model, opts);
  const grids = makeGrids(model, vars, opts);
  const q = vars.length;
  const groups = vars.map((v, j) => groupGrid(model.trees, nTrees, v, grids[j]!));
  const reduced = pdReducedValues(model, vars, groups, nTrees);
  let rows = 1;
  for (const g of grids) rows *= g.length;
  const values = new Float64Array(rows);
  for (let o = 0; o < rows; o++) {
    let rem = o;
    let r = 0;
    let rs = 1;
    for (let j = 0; j < q; j++) {
      const len = grids[j]!.length;
      r += groups[j]!.group[rem % len]! * rs;
      rs *= groups[j]!.reps.length;
      rem = Math.floor(rem / len);
    }
    values[o] = reduced[r]!;
  }
  return { vars: [...vars], names: vars.map((v) => model.predictorNames[v]!), grids, values };
}

/**
 * The straightforward evaluation of gbm_plot: for every grid point, one weighted traversal of
 * every tree, adding the leaf terms to the point's running value. Slow; kept as the reference
 * that partialDependence must equal bit for bit (tests, bench/brt/pd.mjs).
 */
export function partialDependenceReference(
  model: GbmModel,
  vars: readonly number[],
  opts: PartialDependenceOptions = {},
): PartialDependence {
  checkVars(model, vars);
  const nTrees = checkNTrees(model, opts);
  const grids = makeGrids(model, vars, opts);
  const { rows, cols } = gridColumns(grids);
  const which = plottedIndex(model, vars);
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
