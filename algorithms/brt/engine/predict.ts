/**
 * Prediction: initF + Σ leaf values of trees 1..nTrees, added in tree order for every row (the
 * same additions as R's predict.gbm / gbm_pred, so the same doubles).
 *
 * Missing values: NaN in the data follows the missing branch of every split. R's predict.gbm
 * sends only NA that way (its ISNA test); an IEEE NaN that is not R's NA goes right there. socp
 * has one missing value, so NaN (and nodata read as NaN) is always missing.
 *
 * Speed: the trees are compiled once into flat typed arrays. Trees with at most 32 leaves are
 * evaluated QuickScorer-style (Lucchese et al. 2015), extended to gbm's left/right/missing splits:
 * per feature, the sorted thresholds clear bits of each tree's leaf mask, and the lowest set bit
 * names the exit leaf. Blocks of rows without missing values use narrower masks, several rows per
 * 32-bit word (PackedQsTables); other blocks go four rows per pass. Trees with more leaves fall back
 * to a flat tree walk. Leaf values are always added in tree order (see predictQs and
 * CompiledForest).
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
  /** Leaf-bitmask tables (see QsTables); absent when a tree has more than 32 leaves. */
  qs?: QsTables;
  /** The same for rows without missing values (see PackedQsTables); absent when qs is (a tree
   * with at most 32 leaves has at most 16 reachable without a missing step). */
  packed?: PackedQsTables;
}

/**
 * The forest for bitmask evaluation (QuickScorer, Lucchese et al., SIGIR 2015, extended to
 * gbm's three-way splits). A tree's leaves are numbered in pre-order (left subtree, right
 * subtree, missing subtree), bit j of a 32-bit mask standing for leaf j. A row starts with all
 * leaves alive in every tree; a split it does not take to the left kills leaves: x >= thr kills
 * the left subtree's leaves, a missing x the left and right subtrees' leaves. The row's leaf is
 * then the lowest alive bit (every leaf before it in pre-order lies in a subtree the row's path
 * left at some split, so it was killed; the path's own leaf never is). The splits are grouped
 * by variable and sorted by threshold, so a row visits, per variable, exactly the splits with
 * thr <= x (a run from the start) — no data-dependent branch per split, no pointer chasing.
 * The leaf values are then added in tree order, so the sums are the same doubles as the walk.
 */
export interface QsTables {
  /** Per predictor v: its splits are [featStart[v], featStart[v + 1] − 1), then a sentinel. */
  featStart: Int32Array;
  /** Per split (sorted by predictor, then threshold): threshold. */
  thr: Float64Array;
  /** Per split: its tree. */
  tree: Int32Array;
  /** Per split: mask of the leaves that stay alive when x >= thr. */
  maskRight: Int32Array;
  /** Per split: mask of the leaves that stay alive when x is missing. */
  maskMiss: Int32Array;
  /** Per tree: index of its leaf 0 in leafValue. */
  leafStart: Int32Array;
  /** Leaf values (already shrunk), tree by tree, in pre-order. */
  leafValue: Float64Array;
}

/** Builds the QsTables of the first `k` trees, or undefined when they do not fit 32-bit masks. */
function buildQs(model: GbmModel, k: number, p: number): QsTables | undefined {
  let nSplits = 0;
  let nLeaves = 0;
  for (let t = 0; t < k; t++) {
    const tr = model.trees[t]!;
    let leaves = 0;
    for (let i = 0; i < tr.splitVar.length; i++) {
      if (tr.splitVar[i]! < 0) leaves++;
      else if (tr.splitCodePred[i]! !== tr.splitCodePred[i]!) return undefined; // NaN threshold
    }
    if (leaves > 32) return undefined;
    nLeaves += leaves;
    nSplits += tr.splitVar.length - leaves;
  }
  const leafStart = new Int32Array(k);
  const leafValue = new Float64Array(nLeaves);
  // splits in tree order first, then sorted by (variable, threshold)
  const sVar = new Int32Array(nSplits);
  const sThr = new Float64Array(nSplits);
  const sTree = new Int32Array(nSplits);
  const sRight = new Int32Array(nSplits);
  const sMiss = new Int32Array(nSplits);
  let ns = 0;
  let nl = 0;
  for (let t = 0; t < k; t++) {
    const tr = model.trees[t]!;
    const m = tr.splitVar.length;
    leafStart[t] = nl;
    // leaf numbers in pre-order, and per node the range [lo, hi) of leaf numbers below it
    const lo = new Int32Array(m);
    const hi = new Int32Array(m);
    let leaf = 0;
    for (let i = 0; i < m; i++) {
      if (tr.splitVar[i]! < 0) {
        lo[i] = leaf;
        hi[i] = leaf + 1;
        leafValue[nl + leaf] = tr.splitCodePred[i]!;
        leaf++;
      }
    }
    // pre-order: children have larger indices, so a reverse pass sees them first
    for (let i = m - 1; i >= 0; i--) {
      if (tr.splitVar[i]! >= 0) {
        lo[i] = lo[tr.left[i]!]!;
        hi[i] = hi[tr.missing[i]!]!;
      }
    }
    const bits = (a: number, b: number): number => (b - a >= 32 ? -1 : ((1 << (b - a)) - 1) << a);
    for (let i = 0; i < m; i++) {
      if (tr.splitVar[i]! < 0) continue;
      const L = tr.left[i]!;
      const R = tr.right[i]!;
      sVar[ns] = tr.splitVar[i]!;
      sThr[ns] = tr.splitCodePred[i]!;
      sTree[ns] = t;
      sRight[ns] = ~bits(lo[L]!, hi[L]!);
      sMiss[ns] = ~(bits(lo[L]!, hi[L]!) | bits(lo[R]!, hi[R]!));
      ns++;
    }
    nl += leaf;
  }
  const idx = Array.from({ length: nSplits }, (_, i) => i);
  idx.sort((a, b) => sVar[a]! - sVar[b]! || (sThr[a]! < sThr[b]! ? -1 : sThr[a]! > sThr[b]! ? 1 : a - b));
  // per predictor its sorted splits, then one sentinel entry (threshold NaN: `NaN <= x` is
  // false, so the scan stops there without a bounds test; tree 0, masks -1: no effect)
  const featStart = new Int32Array(p + 1);
  for (let j = 0; j < nSplits; j++) featStart[sVar[j]! + 1]++;
  for (let v = 0; v < p; v++) featStart[v + 1] += featStart[v]! + 1;
  const total = nSplits + p;
  const thr = new Float64Array(total).fill(NaN);
  const tree = new Int32Array(total);
  const maskRight = new Int32Array(total).fill(-1);
  const maskMiss = new Int32Array(total).fill(-1);
  let j = 0;
  for (let v = 0; v < p; v++) {
    j = featStart[v]!;
    const end = featStart[v + 1]! - 1;
    for (; j < end; j++) {
      const i = idx[j - v]!;
      thr[j] = sThr[i]!;
      tree[j] = sTree[i]!;
      maskRight[j] = sRight[i]!;
      maskMiss[j] = sMiss[i]!;
    }
  }
  return { featStart, thr, tree, maskRight, maskMiss, leafStart, leafValue };
}

/**
 * QsTables for rows with no missing value, several rows per 32-bit mask word. Such a row never
 * takes a missing branch, so only the leaves reachable through left/right steps count (at most
 * splits + 1: 10 at the paper's interaction depth 9, ≤ 16 up to depth 15) and the splits inside
 * missing subtrees drop out. A tree's mask then fits a `width`-bit field and `lanes` rows share a
 * word (10 bits × 3 rows up to 10 leaves, else 16 × 2): one AND updates them all, which cuts the
 * mask updates, the main cost. Leaves are numbered in pre-order of the left/right tree, so the
 * lowest alive bit of a row's field is again its exit leaf.
 */
export interface PackedQsTables {
  /** Bits per row in a mask word (10 or 16) and rows per word (3 or 2). */
  width: number;
  lanes: number;
  /** Per predictor v: its splits are [featStart[v], featStart[v + 1] − 1), then a sentinel. */
  featStart: Int32Array;
  /** Per split (sorted by predictor, then threshold): threshold (NaN for a sentinel). */
  thr: Float64Array;
  /** Per split, two entries: 4 × its tree (its first mask word), then the mask of the leaves
   * alive when x >= thr, repeated in each of the `lanes` fields of the word. */
  ent: Int32Array;
  /** Per tree: index of its leaf 0 in leafValue. */
  leafStart: Int32Array;
  /** Leaf values (already shrunk), tree by tree, in left/right pre-order. */
  leafValue: Float64Array;
}

/** Builds the PackedQsTables of the first `k` trees, or undefined when a tree has > 16 such leaves. */
function buildPackedQs(model: GbmModel, k: number, p: number): PackedQsTables | undefined {
  const leafStart = new Int32Array(k);
  const leafVals: number[] = [];
  const sVar: number[] = [];
  const sThr: number[] = [];
  const sTree: number[] = [];
  const sMask: number[] = [];
  let maxLeaves = 0;
  for (let t = 0; t < k; t++) {
    const tr = model.trees[t]!;
    const m = tr.splitVar.length;
    leafStart[t] = leafVals.length;
    // the nodes reachable from the root (node 0) by left/right steps, in pre-order
    const order: number[] = [];
    const stack = [0];
    while (stack.length > 0) {
      const i = stack.pop()!;
      order.push(i);
      if (tr.splitVar[i]! >= 0) stack.push(tr.right[i]!, tr.left[i]!);
    }
    const lo = new Int32Array(m);
    const hi = new Int32Array(m);
    let leaf = 0;
    for (const i of order) {
      if (tr.splitVar[i]! < 0) {
        lo[i] = leaf;
        hi[i] = ++leaf;
        leafVals.push(tr.splitCodePred[i]!);
      }
    }
    if (leaf > 16) return undefined;
    if (leaf > maxLeaves) maxLeaves = leaf;
    for (let o = order.length - 1; o >= 0; o--) {
      const i = order[o]!;
      if (tr.splitVar[i]! >= 0) {
        lo[i] = lo[tr.left[i]!]!;
        hi[i] = hi[tr.right[i]!]!;
      }
    }
    for (const i of order) {
      if (tr.splitVar[i]! < 0) continue;
      const L = tr.left[i]!;
      sVar.push(tr.splitVar[i]!);
      sThr.push(tr.splitCodePred[i]!);
      sTree.push(t);
      sMask.push(~(((1 << (hi[L]! - lo[L]!)) - 1) << lo[L]!));
    }
  }
  const width = maxLeaves <= 10 ? 10 : 16;
  const lanes = width === 10 ? 3 : 2;
  const field = (1 << width) - 1;
  const nSplits = sVar.length;
  const idx = Array.from({ length: nSplits }, (_, i) => i);
  idx.sort((a, b) => sVar[a]! - sVar[b]! || (sThr[a]! < sThr[b]! ? -1 : sThr[a]! > sThr[b]! ? 1 : a - b));
  const featStart = new Int32Array(p + 1);
  for (let j = 0; j < nSplits; j++) featStart[sVar[j]! + 1]++;
  for (let v = 0; v < p; v++) featStart[v + 1] += featStart[v]! + 1;
  const thr = new Float64Array(nSplits + p).fill(NaN);
  // sentinels: tree 0, mask -1 (never applied: `NaN <= x` is false)
  const ent = new Int32Array(2 * (nSplits + p));
  for (let v = 0; v < p; v++) {
    ent[2 * (featStart[v + 1]! - 1) + 1] = -1;
    for (let j = featStart[v]!; j < featStart[v + 1]! - 1; j++) {
      const i = idx[j - v]!;
      thr[j] = sThr[i]!;
      ent[2 * j] = 4 * sTree[i]!;
      let m = 0;
      for (let b = 0; b < lanes; b++) m |= (sMask[i]! & field) << (width * b);
      ent[2 * j + 1] = m;
    }
  }
  return { width, lanes, featStart, thr, ent, leafStart, leafValue: Float64Array.from(leafVals) };
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
  const p = model.predictorNames.length;
  const qs = buildQs(model, k, p);
  const packed = qs ? buildPackedQs(model, k, p) : undefined;
  return { nTrees: k, nPredictors: p, initF: model.initF, roots, depth, feat, thr, kids, value, qs, packed };
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
  if (forest.qs) return predictQs(forest.qs, forest.packed, forest.nTrees, forest.initF, X, p, n, res);
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
 * predictCompiled with the bitmask tables: rows in blocks of 4 × lanes with the packed tables
 * when a block has no missing value (predictPacked), otherwise four at a time (predictQuad).
 */
function predictQs(qs: QsTables, packed: PackedQsTables | undefined, nTrees: number, initF: number, X: readonly Float64Array[], p: number, n: number, res: Float64Array): Float64Array {
  const { thr, tree, maskRight } = qs;
  const total = thr.length;
  // per split: 4 * tree, mask for x >= thr
  const ent = new Int32Array(2 * total);
  for (let k = 0; k < total; k++) {
    ent[2 * k] = 4 * tree[k]!;
    ent[2 * k + 1] = maskRight[k]!;
  }
  const masks = new Int32Array(4 * nTrees);
  let i = 0;
  if (packed) {
    const { lanes, width } = packed;
    const G = 4 * lanes;
    // per pattern of finished rows in a word, their fields set to ones
    const keep = new Int32Array(1 << lanes);
    for (let d = 0; d < 1 << lanes; d++) {
      for (let b = 0; b < lanes; b++) if (d & (1 << b)) keep[d] = keep[d]! | (((1 << width) - 1) << (width * b));
    }
    const sc: PackedScratch = { masks: new Int32Array(4 * nTrees), sv: new Float64Array(G), sl: new Int32Array(G), keep, wo: new Int32Array(4), wk: new Int32Array(4) };
    for (; i + G <= n; i += G) {
      // any missing value (or infinities of both signs, conservatively) makes the sum NaN
      let sum = 0;
      for (let v = 0; v < p; v++) {
        const c = X[v]!;
        for (let r = i; r < i + G; r++) sum += c[r]!;
      }
      if (sum === sum) {
        predictPacked(packed, sc, nTrees, initF, X, p, i, res);
      } else {
        for (let r = i; r < i + G; r += 4) predictQuad(qs, ent, masks, nTrees, initF, X, p, n, r, res);
      }
    }
  }
  for (; i < n; i += 4) predictQuad(qs, ent, masks, nTrees, initF, X, p, n, i, res);
  return res;
}

/**
 * Rows i..i+3 with the bitmask tables (see QsTables), the masks of the four rows interleaved
 * (tree t, row q at 4t + q). Per predictor, when none of the four values is missing, they are
 * sorted: the splits with thr <= the smallest apply to all four rows (one pass over the tables
 * for the four), the next ones up to the second smallest to the other three, and so on. A quad
 * with a missing value in a predictor takes that predictor row by row. `ent` interleaves the
 * tree numbers (times 4) and the masks for x >= thr.
 */
function predictQuad(qs: QsTables, ent: Int32Array, masks: Int32Array, nTrees: number, initF: number, X: readonly Float64Array[], p: number, n: number, i: number, res: Float64Array): void {
  const { featStart, thr, maskMiss, leafStart, leafValue } = qs;
  // rows past the end repeat row i (their results are not stored)
  const ib = i + 1 < n ? i + 1 : i;
  const ic = i + 2 < n ? i + 2 : i;
  const id = i + 3 < n ? i + 3 : i;
  masks.fill(-1);
  for (let v = 0; v < p; v++) {
    const col = X[v]!;
    let s0 = col[i]!;
    let s1 = col[ib]!;
    let s2 = col[ic]!;
    let s3 = col[id]!;
    let k = featStart[v]!;
    const sum = s0 + s1 + s2 + s3;
    if (sum !== sum) {
      // a missing value (or infinities of both signs): each row on its own
      const e = featStart[v + 1]! - 1;
      for (let lane = 0; lane < 4; lane++) {
        const x = lane === 0 ? s0 : lane === 1 ? s1 : lane === 2 ? s2 : s3;
        k = featStart[v]!;
        if (x !== x) {
          for (; k < e; k++) {
            const t = ent[2 * k]! + lane;
            masks[t] = masks[t]! & maskMiss[k]!;
          }
        } else {
          for (; thr[k]! <= x; k++) {
            const t = ent[2 * k]! + lane;
            masks[t] = masks[t]! & ent[2 * k + 1]!;
          }
        }
      }
      continue;
    }
    // sort the four values, carrying their lanes (sorting network, 5 compare-exchanges)
    let l0 = 0;
    let l1 = 1;
    let l2 = 2;
    let l3 = 3;
    let tv = 0;
    let tl = 0;
    if (s1 < s0) { tv = s0; s0 = s1; s1 = tv; tl = l0; l0 = l1; l1 = tl; }
    if (s3 < s2) { tv = s2; s2 = s3; s3 = tv; tl = l2; l2 = l3; l3 = tl; }
    if (s2 < s0) { tv = s0; s0 = s2; s2 = tv; tl = l0; l0 = l2; l2 = tl; }
    if (s3 < s1) { tv = s1; s1 = s3; s3 = tv; tl = l1; l1 = l3; l3 = tl; }
    if (s2 < s1) { tv = s1; s1 = s2; s2 = tv; tl = l1; l1 = l2; l2 = tl; }
    // the sentinel (NaN threshold) ends each run
    for (; thr[k]! <= s0; k++) {
      const t = ent[2 * k]!;
      const m = ent[2 * k + 1]!;
      masks[t] = masks[t]! & m;
      masks[t + 1] = masks[t + 1]! & m;
      masks[t + 2] = masks[t + 2]! & m;
      masks[t + 3] = masks[t + 3]! & m;
    }
    for (; thr[k]! <= s1; k++) {
      const t = ent[2 * k]!;
      const m = ent[2 * k + 1]!;
      masks[t + l1] = masks[t + l1]! & m;
      masks[t + l2] = masks[t + l2]! & m;
      masks[t + l3] = masks[t + l3]! & m;
    }
    for (; thr[k]! <= s2; k++) {
      const t = ent[2 * k]!;
      const m = ent[2 * k + 1]!;
      masks[t + l2] = masks[t + l2]! & m;
      masks[t + l3] = masks[t + l3]! & m;
    }
    for (; thr[k]! <= s3; k++) {
      const t = ent[2 * k]! + l3;
      masks[t] = masks[t]! & ent[2 * k + 1]!;
    }
  }
  let acc0 = initF;
  let acc1 = initF;
  let acc2 = initF;
  let acc3 = initF;
  for (let t = 0, q = 0; t < nTrees; t++, q += 4) {
    const m0 = masks[q]!;
    const m1 = masks[q + 1]!;
    const m2 = masks[q + 2]!;
    const m3 = masks[q + 3]!;
    const base = leafStart[t]! + 31;
    acc0 += leafValue[base - Math.clz32(m0 & -m0)]!;
    acc1 += leafValue[base - Math.clz32(m1 & -m1)]!;
    acc2 += leafValue[base - Math.clz32(m2 & -m2)]!;
    acc3 += leafValue[base - Math.clz32(m3 & -m3)]!;
  }
  res[i] = acc0;
  if (i + 1 < n) res[i + 1] = acc1;
  if (i + 2 < n) res[i + 2] = acc2;
  if (i + 3 < n) res[i + 3] = acc3;
}

interface PackedScratch {
  /** Per tree 4 words; row l of the block in word ⌊l / lanes⌋, field l % lanes. */
  masks: Int32Array;
  /** The block's values of a predictor, sorted, and their rows (0..4 × lanes − 1). */
  sv: Float64Array;
  sl: Int32Array;
  /** Per pattern of finished rows in a word: their fields set to ones. */
  keep: Int32Array;
  /** The mask words still in play, and per word its keep mask. */
  wo: Int32Array;
  wk: Int32Array;
}

/**
 * Rows i..i + 4 × lanes − 1, none missing, with the packed tables (see PackedQsTables). As in
 * predictQuad, per predictor the block's values are sorted and the splits are scanned once in
 * threshold order: the run up to the j-th smallest value applies to the rows from the j-th
 * smallest up. A word whose rows are all finished is skipped; in the others the finished rows'
 * fields are protected by OR-ing ones into the mask.
 */
function predictPacked(qs: PackedQsTables, sc: PackedScratch, nTrees: number, initF: number, X: readonly Float64Array[], p: number, i: number, res: Float64Array): void {
  const { featStart, thr, ent, lanes } = qs;
  const { masks, sv, sl, keep, wo, wk } = sc;
  const G = 4 * lanes;
  const all = (1 << lanes) - 1;
  masks.fill(-1);
  for (let v = 0; v < p; v++) {
    const col = X[v]!;
    // insertion sort of the block's values, carrying their rows
    for (let l = 0; l < G; l++) {
      const x = col[i + l]!;
      let j = l;
      for (; j > 0 && sv[j - 1]! > x; j--) {
        sv[j] = sv[j - 1]!;
        sl[j] = sl[j - 1]!;
      }
      sv[j] = x;
      sl[j] = l;
    }
    let k = featStart[v]!;
    // the sentinel (NaN threshold) ends each run
    let s = sv[0]!;
    for (; thr[k]! <= s; k++) {
      const t = ent[2 * k]!;
      const m = ent[2 * k + 1]!;
      masks[t] = masks[t]! & m;
      masks[t + 1] = masks[t + 1]! & m;
      masks[t + 2] = masks[t + 2]! & m;
      masks[t + 3] = masks[t + 3]! & m;
    }
    let done = 0;
    for (let j = 1; j < G; j++) {
      done |= 1 << sl[j - 1]!;
      s = sv[j]!;
      if (!(thr[k]! <= s)) continue;
      let nw = 0;
      for (let w = 0; w < 4; w++) {
        const d = (done >> (lanes * w)) & all;
        if (d === all) continue;
        wo[nw] = w;
        wk[nw] = keep[d]!;
        nw++;
      }
      const o0 = wo[0]!;
      const k0 = wk[0]!;
      const o1 = wo[1]!;
      const k1 = wk[1]!;
      const o2 = wo[2]!;
      const k2 = wk[2]!;
      const o3 = wo[3]!;
      const k3 = wk[3]!;
      if (nw === 4) {
        for (; thr[k]! <= s; k++) {
          const t = ent[2 * k]!;
          const m = ent[2 * k + 1]!;
          masks[t + o0] = masks[t + o0]! & (m | k0);
          masks[t + o1] = masks[t + o1]! & (m | k1);
          masks[t + o2] = masks[t + o2]! & (m | k2);
          masks[t + o3] = masks[t + o3]! & (m | k3);
        }
      } else if (nw === 3) {
        for (; thr[k]! <= s; k++) {
          const t = ent[2 * k]!;
          const m = ent[2 * k + 1]!;
          masks[t + o0] = masks[t + o0]! & (m | k0);
          masks[t + o1] = masks[t + o1]! & (m | k1);
          masks[t + o2] = masks[t + o2]! & (m | k2);
        }
      } else if (nw === 2) {
        for (; thr[k]! <= s; k++) {
          const t = ent[2 * k]!;
          const m = ent[2 * k + 1]!;
          masks[t + o0] = masks[t + o0]! & (m | k0);
          masks[t + o1] = masks[t + o1]! & (m | k1);
        }
      } else {
        for (; thr[k]! <= s; k++) {
          const t = ent[2 * k]! + o0;
          masks[t] = masks[t]! & (ent[2 * k + 1]! | k0);
        }
      }
    }
  }
  if (lanes === 3) {
    sumLeaves3(qs, masks, nTrees, initF, i, 0, res);
    sumLeaves3(qs, masks, nTrees, initF, i, 2, res);
  } else {
    sumLeaves2(qs, masks, nTrees, initF, i, res);
  }
}

// A row's exit leaf is the lowest alive bit of its field (never empty: the exit leaf stays);
// the fields above it do not matter. Each row adds its leaves in tree order.

/** Leaf sums of the rows in mask words w and w + 1, three rows per word. */
function sumLeaves3(qs: PackedQsTables, masks: Int32Array, nTrees: number, initF: number, i: number, w: number, res: Float64Array): void {
  const { leafStart, leafValue } = qs;
  let a0 = initF;
  let a1 = initF;
  let a2 = initF;
  let a3 = initF;
  let a4 = initF;
  let a5 = initF;
  for (let t = 0, q = w; t < nTrees; t++, q += 4) {
    const base = leafStart[t]! + 31;
    const u0 = masks[q]!;
    const v0 = masks[q + 1]!;
    const u1 = u0 >>> 10;
    const u2 = u0 >>> 20;
    const v1 = v0 >>> 10;
    const v2 = v0 >>> 20;
    a0 += leafValue[base - Math.clz32(u0 & -u0)]!;
    a1 += leafValue[base - Math.clz32(u1 & -u1)]!;
    a2 += leafValue[base - Math.clz32(u2 & -u2)]!;
    a3 += leafValue[base - Math.clz32(v0 & -v0)]!;
    a4 += leafValue[base - Math.clz32(v1 & -v1)]!;
    a5 += leafValue[base - Math.clz32(v2 & -v2)]!;
  }
  const r = i + 3 * w;
  res[r] = a0;
  res[r + 1] = a1;
  res[r + 2] = a2;
  res[r + 3] = a3;
  res[r + 4] = a4;
  res[r + 5] = a5;
}

/** Leaf sums of the eight rows of a block, two rows per word. */
function sumLeaves2(qs: PackedQsTables, masks: Int32Array, nTrees: number, initF: number, i: number, res: Float64Array): void {
  const { leafStart, leafValue } = qs;
  let a0 = initF;
  let a1 = initF;
  let a2 = initF;
  let a3 = initF;
  let a4 = initF;
  let a5 = initF;
  let a6 = initF;
  let a7 = initF;
  for (let t = 0, q = 0; t < nTrees; t++, q += 4) {
    const base = leafStart[t]! + 31;
    const w0 = masks[q]!;
    const w1 = masks[q + 1]!;
    const w2 = masks[q + 2]!;
    const w3 = masks[q + 3]!;
    const h0 = w0 >>> 16;
    const h1 = w1 >>> 16;
    const h2 = w2 >>> 16;
    const h3 = w3 >>> 16;
    a0 += leafValue[base - Math.clz32(w0 & -w0)]!;
    a1 += leafValue[base - Math.clz32(h0 & -h0)]!;
    a2 += leafValue[base - Math.clz32(w1 & -w1)]!;
    a3 += leafValue[base - Math.clz32(h1 & -h1)]!;
    a4 += leafValue[base - Math.clz32(w2 & -w2)]!;
    a5 += leafValue[base - Math.clz32(h2 & -h2)]!;
    a6 += leafValue[base - Math.clz32(w3 & -w3)]!;
    a7 += leafValue[base - Math.clz32(h3 & -h3)]!;
  }
  res[i] = a0;
  res[i + 1] = a1;
  res[i + 2] = a2;
  res[i + 3] = a3;
  res[i + 4] = a4;
  res[i + 5] = a5;
  res[i + 6] = a6;
  res[i + 7] = a7;
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
