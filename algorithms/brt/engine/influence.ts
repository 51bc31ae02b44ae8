/**
 * Relative influence of the predictors (Friedman 2001; R gbm's relative.influence and
 * summary.gbm).
 */
import type { GbmModel } from './types.js';

export interface RelativeInfluence {
  /** Predictor names, model order. */
  names: string[];
  /**
   * R's `relative.influence(m, n.trees, scale. = FALSE)`: per predictor, the sum of the error
   * reductions of every split on it in trees 1..nTrees (missing-branch subtrees included).
   */
  raw: Float64Array;
  /** R's `summary(m)$rel.inf` (model order): negatives set to 0, rescaled to sum to 100. */
  percent: Float64Array;
}

/** Compensated accumulator state: a value and its running error. */
function addComp(s: Float64Array, c: Float64Array, j: number, x: number): void {
  const a = s[j]!;
  const t = a + x;
  if (Math.abs(a) >= Math.abs(x)) c[j] = c[j]! + (a - t + x);
  else c[j] = c[j]! + (x - t + a);
  s[j] = t;
}

/**
 * Relative influence over the first `nTrees` trees (default all). The sums follow R's order
 * (per tree, then over trees) with compensated summation standing in for R's long-double
 * `sum()`; results agree with R to the last bit or within one unit in the last place.
 */
export function relativeInfluence(model: GbmModel, nTrees?: number): RelativeInfluence {
  const k = nTrees ?? model.nTrees;
  if (!Number.isInteger(k) || k < 1 || k > model.nTrees) {
    throw new Error(`nTrees must be a whole number from 1 to ${model.nTrees}, got ${String(nTrees)}`);
  }
  const p = model.predictorNames.length;
  const ts = new Float64Array(p);
  const tc = new Float64Array(p);
  const used = new Uint8Array(p);
  const s = new Float64Array(p);
  const c = new Float64Array(p);
  for (let t = 0; t < k; t++) {
    const tr = model.trees[t]!;
    ts.fill(0);
    tc.fill(0);
    used.fill(0);
    for (let i = 0; i < tr.splitVar.length; i++) {
      const v = tr.splitVar[i]!;
      if (v < 0) continue;
      used[v] = 1;
      addComp(ts, tc, v, tr.errorReduction[i]!);
    }
    for (let v = 0; v < p; v++) if (used[v]) addComp(s, c, v, ts[v]! + tc[v]!);
  }
  const raw = new Float64Array(p);
  for (let v = 0; v < p; v++) raw[v] = s[v]! + c[v]!;
  // summary.gbm: rel.inf[rel.inf < 0] <- 0; 100 * rel.inf / sum(rel.inf)
  const pos = new Float64Array(p);
  let sum = 0;
  let comp = 0;
  for (let v = 0; v < p; v++) {
    const x = raw[v]! < 0 ? 0 : raw[v]!;
    pos[v] = x;
    const t = sum + x;
    if (Math.abs(sum) >= Math.abs(x)) comp += sum - t + x;
    else comp += x - t + sum;
    sum = t;
  }
  sum += comp;
  const percent = new Float64Array(p);
  for (let v = 0; v < p; v++) percent[v] = sum > 0 ? (100 * pos[v]!) / sum : 0;
  return { names: [...model.predictorNames], raw, percent };
}
