// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Partial dependence at arbitrary points by R gbm's weighted tree traversal (gbm_plot in
 * src/gbmentry.cpp, as used by plot.gbm and interact.gbm; Friedman 2001, §8.2), rewritten so that
 * it can be evaluated at many points cheaply.
 *
 * The traversal rule (same as engine/partial-dependence.ts): a split on a plotted variable sends
 * the point left (x < threshold), right (x >= threshold) or down the missing branch (x is NaN); a
 * split on any other variable sends the weight to both children in proportion to their in-bag
 * weights, (w·W_R)/(W_L + W_R) to the right and the rest to the left, and nothing to the missing
 * branch. The value is initF plus the weighted leaf values of every tree.
 *
 * Unrolled: every leaf a point can reach carries a fixed weight (the product of the fractions at
 * the non-plotted splits on its path) and a box on the plotted variables (the interval, or "must be
 * missing", implied by the plotted splits on its path). The partial dependence at a point is
 * initF + Σ over the boxes that contain the point of (weight × leaf value). Boxes with the same
 * bounds are merged (within and across trees) and boxes without any bound (trees that do not use
 * the plotted variables) are folded into a constant, so a 1600-tree model typically needs a few
 * thousand box tests per point instead of 1600 tree traversals. The values equal those of
 * engine/partial-dependence.ts up to the order of the floating-point additions (≈ 1e-15 relative).
 *
 * Pure TypeScript; no GDAL, no toolbox.
 */
import type { GbmModel } from '../engine/types.js';
import { gridColumns } from '../engine/partial-dependence.js';

/** The partial dependence on `vars` as a constant plus boxes. */
export interface PdBoxes {
  /** 0-based predictor indices (the plotted variables), q of them. */
  vars: number[];
  /** initF plus the contributions that do not depend on the plotted variables. */
  constant: number;
  nBoxes: number;
  /** Per box and variable (index box·q + j): lower bound (inclusive). */
  lo: Float64Array;
  /** Per box and variable: upper bound (exclusive); +Infinity when unbounded (then inclusive). */
  hi: Float64Array;
  /** Per box and variable: 1 when a missing value (NaN) is inside the box. */
  nanOk: Uint8Array;
  /** Per box: Σ weight × leaf value of the leaves with this box. */
  value: Float64Array;
}

/**
 * Builds the boxes of the partial dependence on `vars` (0-based, distinct) from the first
 * `nTrees` trees (default all).
 */
export function pdBoxes(model: GbmModel, vars: readonly number[], nTrees?: number): PdBoxes {
  const p = model.predictorNames.length;
  const q = vars.length;
  if (q === 0) throw new Error('partial dependence needs at least one predictor');
  for (const v of vars) {
    if (!Number.isInteger(v) || v < 0 || v >= p) throw new Error(`predictor index ${String(v)} is out of range: the model has predictors 0 to ${p - 1}`);
  }
  if (new Set(vars).size !== q) throw new Error('a predictor is listed twice for partial dependence');
  const k = nTrees ?? model.nTrees;
  if (!Number.isInteger(k) || k < 0 || k > model.nTrees) throw new Error(`nTrees must be a whole number from 0 to ${model.nTrees}, got ${String(nTrees)}`);
  const which = new Int32Array(p).fill(-1);
  vars.forEach((v, j) => { which[v] = j; });

  let constant = model.initF;
  // Every bound is a threshold of a plotted variable or ±Infinity; numbering them lets a box be
  // keyed by one number (when the count allows) for merging boxes with equal bounds.
  const ids = new Map<number, number>([[-Infinity, 0], [Infinity, 1]]);
  for (let t = 0; t < k; t++) {
    const tr = model.trees[t]!;
    for (let i = 0; i < tr.splitVar.length; i++) {
      const v = tr.splitVar[i]!;
      if (v >= 0 && which[v]! >= 0 && !ids.has(tr.splitCodePred[i]!)) ids.set(tr.splitCodePred[i]!, ids.size);
    }
  }
  const T = ids.size;
  const numericKey = Math.pow(T, 2 * q) < Number.MAX_SAFE_INTEGER;
  const index = new Map<number | string, number>();
  const lo: number[] = [];
  const hi: number[] = [];
  const nan: number[] = [];
  const value: number[] = [];

  // DFS stack: node, weight and per-variable bounds [lo, hi): (-Inf, Inf) = no plotted split yet
  // (NaN allowed), (Inf, -Inf) = must be missing, anything else = a non-missing interval
  let cap = 64;
  let sNode = new Int32Array(cap);
  let sW = new Float64Array(cap);
  let sLo = new Float64Array(cap * q);
  let sHi = new Float64Array(cap * q);
  // the numbers of the bounds (ids), kept beside them
  let sLoId = new Int32Array(cap * q);
  let sHiId = new Int32Array(cap * q);
  const grow = (need: number) => {
    if (need <= cap) return;
    while (cap < need) cap *= 2;
    const n1 = new Int32Array(cap); n1.set(sNode); sNode = n1;
    const w1 = new Float64Array(cap); w1.set(sW); sW = w1;
    const l1 = new Float64Array(cap * q); l1.set(sLo); sLo = l1;
    const h1 = new Float64Array(cap * q); h1.set(sHi); sHi = h1;
    const li = new Int32Array(cap * q); li.set(sLoId); sLoId = li;
    const hi1 = new Int32Array(cap * q); hi1.set(sHiId); sHiId = hi1;
  };
  const copyState = (from: number, to: number) => {
    for (let j = 0; j < q; j++) {
      sLo[to * q + j] = sLo[from * q + j]!;
      sHi[to * q + j] = sHi[from * q + j]!;
      sLoId[to * q + j] = sLoId[from * q + j]!;
      sHiId[to * q + j] = sHiId[from * q + j]!;
    }
  };

  for (let t = 0; t < k; t++) {
    const tr = model.trees[t]!;
    const sv = tr.splitVar;
    const code = tr.splitCodePred;
    const W = tr.weight;
    grow(2 * sv.length + 4);
    sNode[0] = 0;
    sW[0] = 1.0;
    for (let j = 0; j < q; j++) {
      sLo[j] = -Infinity;
      sHi[j] = Infinity;
      sLoId[j] = 0;
      sHiId[j] = 1;
    }
    let top = 1;
    let treeConst = 0;
    while (top > 0) {
      top--;
      const node = sNode[top]!;
      const v = sv[node]!;
      if (v === -1) {
        const contrib = sW[top]! * code[node]!;
        let any = true;
        for (let j = 0; j < q; j++) if (sLo[top * q + j] !== -Infinity || sHi[top * q + j] !== Infinity) { any = false; break; }
        if (any) {
          treeConst += contrib;
          continue;
        }
        let kk: number | string;
        if (numericKey) {
          kk = 0;
          for (let j = 0; j < q; j++) kk = (kk * T + sLoId[top * q + j]!) * T + sHiId[top * q + j]!;
        } else {
          kk = '';
          for (let j = 0; j < q; j++) kk += `${sLo[top * q + j]!},${sHi[top * q + j]!};`;
        }
        let b = index.get(kk);
        if (b === undefined) {
          b = value.length;
          index.set(kk, b);
          value.push(0);
          for (let j = 0; j < q; j++) {
            const l = sLo[top * q + j]!;
            const h = sHi[top * q + j]!;
            lo.push(l);
            hi.push(h);
            nan.push((l === -Infinity && h === Infinity) || (l === Infinity && h === -Infinity) ? 1 : 0);
          }
        }
        value[b] += contrib;
        continue;
      }
      const j = which[v]!;
      const cw = sW[top]!;
      if (j === -1) {
        // not plotted: both children, weighted by their in-bag weights (as gbm_plot)
        const L = tr.left[node]!;
        const R = tr.right[node]!;
        const wR = (cw * W[R]!) / (W[L]! + W[R]!);
        sNode[top] = R;
        sW[top] = wR;
        copyState(top, top + 1);
        top++;
        sNode[top] = L;
        sW[top] = cw - wR;
        top++;
        continue;
      }
      const thr = code[node]!;
      const thrId = ids.get(thr)!;
      const base = top;
      const l0 = sLo[base * q + j]!;
      const h0 = sHi[base * q + j]!;
      const anyState = l0 === -Infinity && h0 === Infinity;
      const missingState = l0 === Infinity && h0 === -Infinity;
      // the children a point can reach: missing (no interval yet, or already missing), right
      // [max(lo, thr), hi) and left [lo, min(hi, thr)) when not empty; all copy the parent state
      let slot = base + 1;
      if (anyState || missingState) {
        copyState(base, slot);
        sNode[slot] = tr.missing[node]!;
        sW[slot] = cw;
        sLo[slot * q + j] = Infinity;
        sHi[slot * q + j] = -Infinity;
        sLoId[slot * q + j] = 1;
        sHiId[slot * q + j] = 0;
        slot++;
      }
      if (!missingState) {
        const rl = thr > l0 ? thr : l0;
        if (rl < h0) {
          copyState(base, slot);
          sNode[slot] = tr.right[node]!;
          sW[slot] = cw;
          sLo[slot * q + j] = rl;
          if (rl === thr) sLoId[slot * q + j] = thrId;
          slot++;
        }
        const lh = thr < h0 ? thr : h0;
        if (l0 < lh) {
          copyState(base, slot);
          sNode[slot] = tr.left[node]!;
          sW[slot] = cw;
          sHi[slot * q + j] = lh;
          if (lh === thr) sHiId[slot * q + j] = thrId;
          slot++;
        }
      }
      // move the children down by one (over the parent's slot)
      for (let c = base + 1; c < slot; c++) {
        sNode[c - 1] = sNode[c]!;
        sW[c - 1] = sW[c]!;
        copyState(c, c - 1);
      }
      top = slot - 1;
    }
    constant += treeConst;
  }
  return {
    vars: [...vars], constant, nBoxes: value.length,
    lo: Float64Array.from(lo), hi: Float64Array.from(hi), nanOk: Uint8Array.from(nan), value: Float64Array.from(value),
  };
}

/**
 * Evaluates partial dependence boxes at `n` points given as one column per plotted variable
 * (`points[j][i]` is the value of vars[j] at point i; NaN = missing).
 */
export function evalPdBoxes(b: PdBoxes, points: readonly Float64Array[], out?: Float64Array): Float64Array {
  const q = b.vars.length;
  if (points.length !== q) throw new Error(`${points.length} point columns given for ${q} variables`);
  const n = points[0]!.length;
  for (const c of points) if (c.length !== n) throw new Error('point columns differ in length');
  const res = out ?? new Float64Array(n);
  res.fill(b.constant);
  const { lo, hi, nanOk, value, nBoxes } = b;
  if (q <= 2 && n > 16) {
    // with many points, sweep the boxes over the sorted distinct coordinates of the points
    let cells = 1;
    for (const c of points) cells *= distinctFinite(c).length + 1;
    if (cells + 64 * nBoxes < n * nBoxes) return sweep(b, points, res);
  }
  if (q === 1) {
    const x = points[0]!;
    for (let k = 0; k < nBoxes; k++) {
      const l = lo[k]!, h = hi[k]!, nk = nanOk[k] === 1, v = value[k]!;
      const hInf = h === Infinity;
      for (let i = 0; i < n; i++) {
        const xi = x[i]!;
        if ((xi >= l && (xi < h || hInf)) || (nk && xi !== xi)) res[i] += v;
      }
    }
    return res;
  }
  if (q === 2) {
    const x0 = points[0]!;
    const x1 = points[1]!;
    for (let k = 0; k < nBoxes; k++) {
      const l0 = lo[2 * k]!, h0 = hi[2 * k]!, n0 = nanOk[2 * k] === 1;
      const l1 = lo[2 * k + 1]!, h1 = hi[2 * k + 1]!, n1 = nanOk[2 * k + 1] === 1;
      const i0 = h0 === Infinity, i1 = h1 === Infinity;
      const v = value[k]!;
      for (let i = 0; i < n; i++) {
        const a = x0[i]!;
        if (!((a >= l0 && (a < h0 || i0)) || (n0 && a !== a))) continue;
        const c = x1[i]!;
        if ((c >= l1 && (c < h1 || i1)) || (n1 && c !== c)) res[i] += v;
      }
    }
    return res;
  }
  for (let k = 0; k < nBoxes; k++) {
    const v = value[k]!;
    for (let i = 0; i < n; i++) {
      let inside = true;
      for (let j = 0; j < q && inside; j++) {
        const x = points[j]![i]!;
        const l = lo[k * q + j]!, h = hi[k * q + j]!;
        inside = (x >= l && (x < h || h === Infinity)) || (nanOk[k * q + j] === 1 && x !== x);
      }
      if (inside) res[i] += v;
    }
  }
  return res;
}

/**
 * Partial dependence on a Cartesian grid (first variable varying fastest, R's expand.grid order,
 * as engine/partial-dependence.ts), evaluated with boxes.
 */
export function evalPdBoxesGrid(b: PdBoxes, grids: readonly Float64Array[]): Float64Array {
  const q = b.vars.length;
  if (grids.length !== q) throw new Error(`${grids.length} grids given for ${q} variables`);
  return evalPdBoxes(b, gridColumns(grids).cols);
}

/** Sorted distinct finite values of a column. */
function distinctFinite(x: Float64Array): Float64Array {
  const v = Float64Array.from(x.filter((a) => a === a)).sort();
  let m = 0;
  for (let i = 0; i < v.length; i++) if (i === 0 || v[i] !== v[m - 1]) v[m++] = v[i]!;
  return v.subarray(0, m);
}

/** First index of sorted `u` whose value is >= x (u.length when none). */
function lowerBound(u: Float64Array, x: number): number {
  let a = 0;
  let b = u.length;
  while (a < b) {
    const mid = (a + b) >>> 1;
    if (u[mid]! < x) a = mid + 1;
    else b = mid;
  }
  return a;
}

/** Index range [from, to) of the sorted distinct values u inside [l, h) (h = Inf: inclusive). */
function span(u: Float64Array, l: number, h: number): [number, number] {
  if (l > h) return [0, 0]; // must be missing: no finite value
  return [l === -Infinity ? 0 : lowerBound(u, l), h === Infinity ? u.length : lowerBound(u, h)];
}

/**
 * Box sums by a difference array over the distinct finite coordinates of the points (one or two
 * variables), then prefix sums; points with a missing coordinate are summed box by box.
 */
function sweep(b: PdBoxes, points: readonly Float64Array[], res: Float64Array): Float64Array {
  const q = b.vars.length;
  const n = res.length;
  const { lo, hi, nanOk, value, nBoxes } = b;
  const u0 = distinctFinite(points[0]!);
  const u1 = q === 2 ? distinctFinite(points[1]!) : Float64Array.of(0);
  const n0 = u0.length;
  const n1 = u1.length;
  const stride = n1 + 1;
  const D = new Float64Array((n0 + 1) * stride);
  for (let k = 0; k < nBoxes; k++) {
    const [a0, a1] = span(u0, lo[k * q]!, hi[k * q]!);
    if (a0 >= a1) continue;
    let c0 = 0;
    let c1 = n1;
    if (q === 2) {
      [c0, c1] = span(u1, lo[2 * k + 1]!, hi[2 * k + 1]!);
      if (c0 >= c1) continue;
    }
    const v = value[k]!;
    D[a0 * stride + c0] += v;
    D[a0 * stride + c1] -= v;
    D[a1 * stride + c0] -= v;
    D[a1 * stride + c1] += v;
  }
  // prefix sums: D[i][j] becomes the sum of the boxes covering cell (i, j)
  for (let i = 0; i < n0; i++) {
    let run = 0;
    for (let j = 0; j < n1; j++) {
      run += D[i * stride + j]!;
      D[i * stride + j] = run + (i > 0 ? D[(i - 1) * stride + j]! : 0);
    }
  }
  const x0 = points[0]!;
  const x1 = q === 2 ? points[1]! : null;
  for (let i = 0; i < n; i++) {
    const a = x0[i]!;
    const c = x1 ? x1[i]! : 0;
    if (a === a && c === c) {
      res[i] += D[lowerBound(u0, a) * stride + (x1 ? lowerBound(u1, c) : 0)]!;
      continue;
    }
    // a missing coordinate: test every box
    for (let k = 0; k < nBoxes; k++) {
      let inside = true;
      for (let j = 0; j < q && inside; j++) {
        const x = points[j]![i]!;
        const l = lo[k * q + j]!, h = hi[k * q + j]!;
        inside = (x >= l && (x < h || h === Infinity)) || (nanOk[k * q + j] === 1 && x !== x);
      }
      if (inside) res[i] += value[k]!;
    }
  }
  return res;
}
