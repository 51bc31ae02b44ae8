/**
 * Prediction: initF + Σ leaf values of trees 1..nTrees, added in tree order for every row (the
 * same additions as R's predict.gbm / gbm_pred, so the same doubles).
 *
 * Missing values: NaN in the data follows the missing branch of every split. R's predict.gbm
 * sends only NA that way (its ISNA test); an IEEE NaN that is not R's NA goes right there. socp
 * has one missing value, so NaN (and nodata read as NaN) is always missing.
 *
 * Speed: the trees are compiled once into flat typed arrays and evaluated tree-major over blocks
 * of rows copied into a row-major buffer (a tree's nodes and a block's rows stay in the CPU
 * cache), level by level without data-dependent branches (see CompiledForest).
 */
import type { GbmModel } from './types.js';

/**
 * A model's trees in flat arrays for fast evaluation. Every node of every tree (splits and
 * leaves) is one entry; a leaf's three children are the leaf itself, so after `depth[t]` steps
 * every row has reached its leaf in tree t, whatever its path length. This lets a block of rows
 * step through a tree level by level with no data-dependent branch (the comparison results are
 * turned into child offsets arithmetically), so the rows' memory loads overlap in the CPU.
 */
export interface CompiledForest {
  nTrees: number;
  nPredictors: number;
  initF: number;
  /** Per tree: index of its root in the node arrays. */
  roots: Int32Array;
  /** Per tree: number of steps to reach the deepest leaf. */
  depth: Int32Array;
  /** Per node: split variable (0 for a leaf). */
  feat: Int32Array;
  /** Per node: threshold (0 for a leaf). */
  thr: Float64Array;
  /** Per node, 3 entries: left, right, missing child (a leaf points to itself). */
  kids: Int32Array;
  /** Per node: leaf value, already shrunk (0 for a split). */
  value: Float64Array;
}

function checkNTrees(model: GbmModel, nTrees: number | undefined): number {
  const k = nTrees ?? model.nTrees;
  if (!Number.isInteger(k) || k < 0 || k > model.nTrees) {
    throw new Error(`nTrees must be a whole number from 0 to ${model.nTrees} (the trees in the model), got ${String(nTrees)}`);
  }
  return k;
}

/** Compiles the first `nTrees` trees (default all) of a model. */
export function compileForest(model: GbmModel, nTrees?: number): CompiledForest {
  const k = checkNTrees(model, nTrees);
  let total = 0;
  for (let t = 0; t < k; t++) total += model.trees[t]!.splitVar.length;
  const roots = new Int32Array(k);
  const depth = new Int32Array(k);
  const feat = new Int32Array(total);
  const thr = new Float64Array(total);
  const kids = new Int32Array(3 * total);
  const value = new Float64Array(total);
  let base = 0;
  for (let t = 0; t < k; t++) {
    const tr = model.trees[t]!;
    const m = tr.splitVar.length;
    const dep = new Int32Array(m);
    let maxDepth = 0;
    // pre-order: a parent precedes its children, so depths fill in one pass
    for (let i = 0; i < m; i++) {
      const g = base + i;
      const v = tr.splitVar[i]!;
      if (v >= 0) {
        feat[g] = v;
        thr[g] = tr.splitCodePred[i]!;
        kids[3 * g] = base + tr.left[i]!;
        kids[3 * g + 1] = base + tr.right[i]!;
        kids[3 * g + 2] = base + tr.missing[i]!;
        dep[tr.left[i]!] = dep[i]! + 1;
        dep[tr.right[i]!] = dep[i]! + 1;
        dep[tr.missing[i]!] = dep[i]! + 1;
      } else {
        kids[3 * g] = g;
        kids[3 * g + 1] = g;
        kids[3 * g + 2] = g;
        value[g] = tr.splitCodePred[i]!;
        if (dep[i]! > maxDepth) maxDepth = dep[i]!;
      }
    }
    roots[t] = base;
    depth[t] = maxDepth;
    base += m;
  }
  return { nTrees: k, nPredictors: model.predictorNames.length, initF: model.initF, roots, depth, feat, thr, kids, value };
}

const BLOCK = 2048;

/**
 * Predicts with a compiled forest. `X` is column-major (one Float64Array per predictor, in the
 * model's predictor order, NaN = missing). Returns one prediction per row.
 */
export function predictCompiled(forest: CompiledForest, X: readonly Float64Array[], out?: Float64Array): Float64Array {
  const p = forest.nPredictors;
  if (X.length !== p) throw new Error(`the model has ${p} predictors but ${X.length} columns were given`);
  const n = p > 0 ? X[0]!.length : 0;
  for (let j = 0; j < p; j++) {
    if (X[j]!.length !== n) throw new Error(`predictor column ${j + 1} has ${X[j]!.length} values, column 1 has ${n}`);
  }
  const res = out ?? new Float64Array(n);
  if (res.length !== n) throw new Error(`output array has ${res.length} slots for ${n} rows`);
  const { roots, depth, feat, thr, kids, value, nTrees, initF } = forest;
  const xb = new Float64Array(BLOCK * p);
  const acc = new Float64Array(BLOCK);
  const nodes = new Int32Array(BLOCK);
  for (let b0 = 0; b0 < n; b0 += BLOCK) {
    const bn = Math.min(BLOCK, n - b0);
    for (let j = 0; j < p; j++) {
      const col = X[j]!;
      for (let r = 0; r < bn; r++) xb[r * p + j] = col[b0 + r]!;
    }
    acc.fill(initF);
    for (let t = 0; t < nTrees; t++) {
      const root = roots[t]!;
      const D = depth[t]!;
      nodes.fill(root);
      for (let d = 0; d < D; d++) {
        for (let r = 0, rb = 0; r < bn; r++, rb += p) {
          const nd = nodes[r]!;
          const x = xb[rb + feat[nd]!]!;
          // child offset: 0 left (x < thr), 1 right (x >= thr), 2 missing (NaN); `| 0` keeps it
          // branch-free
          const right = (x >= thr[nd]!) as unknown as number;
          const miss = (x !== x) as unknown as number;
          nodes[r] = kids[3 * nd + (right | 0) + 2 * (miss | 0)]!;
        }
      }
      for (let r = 0; r < bn; r++) acc[r] = acc[r]! + value[nodes[r]!]!;
    }
    for (let r = 0; r < bn; r++) res[b0 + r] = acc[r]!;
  }
  return res;
}

/**
 * Predicts with the first `nTrees` trees (default all) of a model. `X` is column-major in the
 * model's predictor order (see columnsByName to pick columns by name); NaN = missing.
 */
export function predict(model: GbmModel, X: readonly Float64Array[], nTrees?: number): Float64Array {
  return predictCompiled(compileForest(model, nTrees), X);
}

/**
 * Running predictions for several tree counts (like predict.gbm with a vector n.trees): one
 * Float64Array per entry of `nTreesList` (which must be non-decreasing).
 */
export function predictMulti(model: GbmModel, X: readonly Float64Array[], nTreesList: readonly number[]): Float64Array[] {
  for (let i = 1; i < nTreesList.length; i++) {
    if (nTreesList[i]! < nTreesList[i - 1]!) throw new Error('nTrees values must be in increasing order');
  }
  // the sums are running sums in tree order, so predicting each count separately gives the same
  // doubles; compiling once and slicing would save time but this is not a hot path
  return nTreesList.map((k) => predict(model, X, k));
}

/**
 * Picks the model's predictor columns from a table of named columns, in model order. Throws an
 * error naming every predictor the table lacks.
 */
export function columnsByName(model: GbmModel, table: Readonly<Record<string, Float64Array>>): Float64Array[] {
  const missing = model.predictorNames.filter((nm) => !(nm in table));
  if (missing.length > 0) {
    throw new Error(
      `the data lack ${missing.length === 1 ? 'the predictor' : 'the predictors'} ${missing.map((m) => `'${m}'`).join(', ')} ` +
        `that the model was trained with (it needs: ${model.predictorNames.join(', ')})`,
    );
  }
  return model.predictorNames.map((nm) => table[nm]!);
}
