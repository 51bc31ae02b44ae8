/**
 * The tree grower and the per-tree boosting step of R gbm 2.1.8 (src/tree.cpp, src/node_search.cpp,
 * src/node_nonterminal.cpp, src/gaussian.cpp, the bagging of src/gbm_engine.cpp), in
 * AssemblyScript, compiled to WebAssembly by `npm run build` (scripts/build-wasm.mjs). WebAssembly
 * is compiled before the first tree, so a fit runs compiled code from its first tree on instead of
 * paying V8's JIT warm-up in every process (in JavaScript the first ≈ 100 trees of a fit ran
 * unoptimised). The host side, ../tree-grow.ts, owns one instance per fit: it copies the data in,
 * calls step() once per tree and copies the kept trees out, a block of trees at a time.
 *
 * What has to match gbm bit for bit (see notes/gbm.md):
 *  - best-first growth: every terminal "slot" caches its best split; each pass splits the slot
 *    with the largest improvement (strict `>`, lowest slot wins ties); the left child keeps the
 *    slot, the right child takes slot nTerm-2, the missing child nTerm-1;
 *  - candidates scanned per variable (column order, first maximum wins) over the node's in-bag
 *    rows in the global presorted order (`order(x, na.last = FALSE)`); missing rows come first;
 *  - running sums in gbm's order: left sum accumulates, right sum starts at the node total and
 *    subtracts row by row, missing sum accumulates; children inherit these totals;
 *  - improvement formula with and without missing weight, n.minobsinnode on left/right counts;
 *  - gbm's Adjust(): a missing leaf with fewer than n.minobsinnode rows takes the weighted mean
 *    of its left and right siblings; split nodes get the weighted mean of their children.
 * WebAssembly's f64 arithmetic is IEEE binary64 with round-to-nearest and no fused operations,
 * the same doubles as JavaScript's and as gbm's C++ built without FMA.
 *
 * Unlike gbm, which scans all training rows of every variable at every split, this grower keeps
 * each node's in-bag rows as a contiguous segment of per-variable sorted index lists and
 * stable-partitions the segment when the node is split, so a node search costs p × (its rows).
 * The sequence of floating-point operations per node is the same as gbm's.
 *
 * Memory: imported, made by the host as large as bytesNeeded() says, never grown; init() lays
 * out every array in it and the host makes typed-array views of them from the exported offsets.
 * Offsets are byte offsets.
 */

import { rngFill } from './mt';
// R's generator, for the host's RMersenneTwister (../rng.ts) and the fit's bagging
export { rngSeed, rngUnif, rngFill, rngScratch, RNG_SCRATCH } from './mt';

// ---- sizes and settings ----
/** training rows (searched, bagged) */
let n: i32 = 0;
/** all rows: training rows, then held-out rows that only follow the splits to their leaves */
let nAll: i32 = 0;
let p: i32 = 0;
let depth: i32 = 0;
let minObs: i32 = 0;
/** every weight exactly 1 (weight sums then equal row counts) */
let unitWeights: bool = false;

// ---- arrays (byte offsets) ----
/** X: column v at X + v·nAll·8 (f64) */
let X: usize = 0;
/** global presorted order (i32), variable v at [v·n, (v+1)·n) */
let order: usize = 0;
/**
 * per-variable sorted in-bag rows (i32) in two halves of p·stride, stride = nBag + 1 (ping-pong):
 * in a half, variable v is at [v·stride, v·stride + nBag) and nodes are segments (the spare slot
 * takes the stray store of the branch-free filter); a split writes its children's segments into
 * the other half at the same positions
 */
let seg: usize = 0;
/** which child each row went to at the last split of its node (u8: 1 left, 2 right, 4 missing) */
let side: usize = 0;
/** u8 per variable: 1 where no training row misses it */
let noMissing: usize = 0;
let y: usize = 0;
let w: usize = 0;
let z: usize = 0;
let wz: usize = 0;
/** current fit F of all rows (training and held out) */
let F: usize = 0;
/** u8 per row: in the bag of the current tree */
let inBag: usize = 0;
/** unif_rand() values for the current tree's bagging, one per training row */
let u: usize = 0;
/** the kept trees, one after another (layout of ../tree-layout.ts), bytes used, node counts */
let trees: usize = 0;
let treesUsed: usize = 0;
let treeNodes: usize = 0;
let treesKept: i32 = 0;
/** the pre-order walk's stack */
let emitStack: usize = 0;
let emitParent: usize = 0;
let emitWhich: usize = 0;
/** all rows (in bag or not) grouped by terminal slot: slot s holds [aStart[s], aStart[s] + aCnt[s]) */
let all: usize = 0;
let allTmp: usize = 0;
let allTmpM: usize = 0;

// nodes of the tree being grown (capacity 3·depth + 1)
let nVar: usize = 0;
let nSplit: usize = 0;
let nLeft: usize = 0;
let nRight: usize = 0;
let nMiss: usize = 0;
let nImp: usize = 0;
let nW: usize = 0;
let nPred: usize = 0;
let nN: usize = 0;
let nNodes: i32 = 0;

// terminal slots (capacity 2·depth + 1)
let sNode: usize = 0;
let sStart: usize = 0;
/** rows actually in the slot's segment */
let sCnt: usize = 0;
/** gbm's cInitN / dInitSumZ / dInitTotalW (inherited running totals) */
let sN: usize = 0;
let sSum: usize = 0;
let sW: usize = 0;
let sSearch: usize = 0;
/** offset (0 or p·stride, in elements) of the half of seg holding the slot's segments */
let sOff: usize = 0;
let aStart: usize = 0;
let aCnt: usize = 0;
let bImp: usize = 0;
let bVar: usize = 0;
let bSplit: usize = 0;
let bLS: usize = 0;
let bLW: usize = 0;
let bLN: usize = 0;
let bRS: usize = 0;
let bRW: usize = 0;
let bRN: usize = 0;
let bMS: usize = 0;
let bMW: usize = 0;
let bMN: usize = 0;

let nTerm: i32 = 0;
/** Σ|w·z| over the in-bag rows of the current tree; -1 disables the scan's pre-test (huge values) */
let absSum: f64 = 0;

// results of one variable's scan (scanVariable*)
let rImp: f64 = 0;
let rSplit: f64 = 0;
let rLS: f64 = 0;
let rLW: f64 = 0;
let rLN: i32 = 0;
let rRS: f64 = 0;
let rRW: f64 = 0;
let rRN: i32 = 0;
let rMS: f64 = 0;
let rMW: f64 = 0;
let rMN: i32 = 0;

// ---- element access ----
@inline function ldf(a: usize, i: i32): f64 {
  return load<f64>(a + (<usize>i << 3));
}
@inline function stf(a: usize, i: i32, v: f64): void {
  store<f64>(a + (<usize>i << 3), v);
}
@inline function ldi(a: usize, i: i32): i32 {
  return load<i32>(a + (<usize>i << 2));
}
@inline function sti(a: usize, i: i32, v: i32): void {
  store<i32>(a + (<usize>i << 2), v);
}
@inline function ldb(a: usize, i: i32): i32 {
  return <i32>load<u8>(a + <usize>i);
}
@inline function stb(a: usize, i: i32, v: i32): void {
  store<u8>(a + <usize>i, <u8>v);
}

/** end of the layout, counted in 64 bits (the host refuses a layout beyond 32-bit memory) */
let brk: u64 = 0;
/** The offset of an array of `count` elements of `size` bytes (valid when the layout fits the memory). */
function take(size: i32, count: u64): usize {
  const at = brk;
  brk = (brk + <u64>size * count + 7) & ~(<u64>7);
  return <usize>at;
}


/**
 * The bytes of memory init() needs for these sizes (the host creates the instance's memory that
 * large: the memory never grows, because growing it detaches its old ArrayBuffer, and one detached
 * ArrayBuffer makes V8 check every typed-array access of the whole process from then on).
 */
export function bytesNeeded(nTrain: i32, nRows: i32, nVars: i32, treeDepth: i32, minObsInNode: i32, keepTrees: i32): f64 {
  init(nTrain, nRows, nVars, treeDepth, minObsInNode, keepTrees);
  return <f64>brk;
}

/**
 * Lays out the arrays for `nTrain` training rows of `nRows` in all, `nVars` variables, trees of
 * `treeDepth` splits, room for `keepTrees` kept trees (the host copies them out and calls
 * clearTrees() when the room is full), in a memory of at least bytesNeeded() bytes. The host then
 * fills X, order, y, w (views from the exported offsets) and calls start().
 */
export function init(nTrain: i32, nRows: i32, nVars: i32, treeDepth: i32, minObsInNode: i32, keepTrees: i32): void {
  n = nTrain;
  nAll = nRows;
  p = nVars;
  depth = treeDepth;
  minObs = minObsInNode;
  brk = (<u64>__heap_base + 7) & ~(<u64>7);
  X = take(8, <u64>p * <u64>nAll);
  order = take(4, <u64>p * <u64>n);
  seg = take(4, <u64>2 * <u64>p * <u64>(n + 1));
  side = take(1, <u64>nAll);
  noMissing = take(1, <u64>p);
  y = take(8, <u64>n);
  w = take(8, <u64>n);
  z = take(8, <u64>n);
  wz = take(8, <u64>n);
  F = take(8, <u64>nAll);
  inBag = take(1, <u64>nAll);
  u = take(8, <u64>n);
  all = take(4, <u64>nAll);
  allTmp = take(4, <u64>nAll);
  allTmpM = take(4, <u64>nAll);
  const nc = 3 * depth + 1;
  nVar = take(4, <u64>nc);
  nSplit = take(8, <u64>nc);
  nLeft = take(4, <u64>nc);
  nRight = take(4, <u64>nc);
  nMiss = take(4, <u64>nc);
  nImp = take(8, <u64>nc);
  nW = take(8, <u64>nc);
  nPred = take(8, <u64>nc);
  nN = take(4, <u64>nc);
  trees = take(TREE_NODE_BYTES, <u64>nc * <u64>keepTrees);
  treesUsed = 0;
  treeNodes = take(4, <u64>keepTrees);
  treesKept = 0;
  emitStack = take(4, <u64>(nc + 2));
  emitParent = take(4, <u64>(nc + 2));
  emitWhich = take(4, <u64>(nc + 2));
  const sc = 2 * depth + 1;
  sNode = take(4, <u64>sc);
  sStart = take(4, <u64>sc);
  sCnt = take(4, <u64>sc);
  sN = take(4, <u64>sc);
  sSum = take(8, <u64>sc);
  sW = take(8, <u64>sc);
  sSearch = take(1, <u64>sc);
  sOff = take(4, <u64>sc);
  aStart = take(4, <u64>sc);
  aCnt = take(4, <u64>sc);
  bImp = take(8, <u64>sc);
  bVar = take(4, <u64>sc);
  bSplit = take(8, <u64>sc);
  bLS = take(8, <u64>sc);
  bLW = take(8, <u64>sc);
  bLN = take(4, <u64>sc);
  bRS = take(8, <u64>sc);
  bRW = take(8, <u64>sc);
  bRN = take(4, <u64>sc);
  bMS = take(8, <u64>sc);
  bMW = take(8, <u64>sc);
  bMN = take(4, <u64>sc);
}

// offsets for the host's views
export function ptrX(): usize { return X; }
export function ptrOrder(): usize { return order; }
export function ptrY(): usize { return y; }
export function ptrW(): usize { return w; }
export function ptrF(): usize { return F; }
export function ptrTrees(): usize { return trees; }
/** After the host copied the kept trees out: room for the next ones. */
export function clearTrees(): void {
  treesUsed = 0;
  treesKept = 0;
}
export function ptrTreeNodes(): usize { return treeNodes; }
export function treeBytes(): usize { return treesUsed; }

/**
 * After the host filled X, order, y, w: F = initF for every row, the first residuals, which
 * variables have no missing value in any row (training or held out), whether the weights are all 1.
 */
export function start(initF: f64): void {
  for (let i = 0; i < nAll; i++) stf(F, i, initF);
  for (let i = 0; i < n; i++) stf(z, i, ldf(y, i) - ldf(F, i));
  for (let v = 0; v < p; v++) {
    const xv = X + (<usize>v * <usize>nAll << 3);
    let none = 1;
    for (let i = 0; i < nAll; i++) {
      const a = ldf(xv, i);
      if (a != a) none = 0;
    }
    stb(noMissing, v, none);
  }
  let unit = true;
  for (let i = 0; i < n; i++) if (ldf(w, i) != 1.0) unit = false;
  unitWeights = unit;
  for (let i = n; i < nAll; i++) stb(inBag, i, 0);
}

/**
 * gbm's bagging: one unif_rand() per training row (R's stream, seeded by rngSeed()), then Knuth's
 * selection sampling: gbm's test u·(n − i) < nBag − bagged; the right side is a whole number k,
 * so it equals floor(u·(n − i)) < k, the sign bit of floor(u·(n − i)) − k.
 */
function bag(nBag: i32): void {
  rngFill(u, n);
  let bagged = 0;
  for (let i = 0; i < n; i++) {
    const t = <u32>(<i32>(ldf(u, i) * <f64>(n - i)) - (nBag - bagged)) >> 31;
    stb(inBag, i, <i32>t);
    bagged += <i32>t;
  }
}

/**
 * One boosting iteration: draws the bag, grows the tree on the residuals z (and keeps it when
 * `keep`), adds its shrunk leaf values to F (every row, held out too), computes the next residuals
 * and returns the training deviance (CGaussian::Deviance).
 */
export function step(nBag: i32, shrinkage: f64, keep: bool): f64 {
  bag(nBag);
  grow(nBag);
  if (keep) emit(shrinkage);
  // F += shrinkage × leaf value: each row's leaf is the slot its values led it to
  for (let s = 0; s < nTerm; s++) {
    const val = shrinkage * ldf(nPred, ldi(sNode, s));
    const a0 = ldi(aStart, s);
    const a1 = a0 + ldi(aCnt, s);
    for (let k = a0; k < a1; k++) {
      const r = ldi(all, k);
      stf(F, r, ldf(F, r) + val);
    }
  }
  let dl: f64 = 0;
  let dw: f64 = 0;
  for (let i = 0; i < n; i++) {
    const r = ldf(y, i) - ldf(F, i);
    stf(z, i, r);
    const wi = ldf(w, i);
    dl += wi * r * r;
    dw += wi;
  }
  return dl / dw;
}

/** Bytes per node in ../tree-layout.ts. */
const TREE_NODE_BYTES = 48;

/**
 * TransferTreeToRList: the tree just grown, appended to the kept trees, pre-order (node, left,
 * right, missing), leaves times the shrinkage, in the layout of ../tree-layout.ts (for m nodes:
 * splitCodePred, errorReduction, weight, prediction as f64 × m, then splitVar, left, right,
 * missing as i32 × m).
 */
function emit(shrinkage: f64): void {
  const m = nNodes;
  const treeOut = trees + treesUsed;
  treesUsed += <usize>TREE_NODE_BYTES * <usize>m;
  sti(treeNodes, treesKept++, m);
  const tSplitCodePred = treeOut;
  const tErrorReduction = treeOut + 8 * <usize>m;
  const tWeight = treeOut + 16 * <usize>m;
  const tPrediction = treeOut + 24 * <usize>m;
  const tSplitVar = treeOut + 32 * <usize>m;
  const tLeft = treeOut + 36 * <usize>m;
  const tRight = treeOut + 40 * <usize>m;
  const tMissing = treeOut + 44 * <usize>m;
  // iterative pre-order walk; parent/which record where to write each node's id
  let top = 0;
  sti(emitStack, 0, 0);
  sti(emitParent, 0, -1);
  sti(emitWhich, 0, 0);
  top++;
  let next = 0;
  while (top > 0) {
    top--;
    const node = ldi(emitStack, top);
    const par = ldi(emitParent, top);
    const id = next++;
    if (par >= 0) {
      const wch = ldi(emitWhich, top);
      sti(wch == 0 ? tLeft : wch == 1 ? tRight : tMissing, par, id);
    }
    const v = ldi(nVar, node);
    const pr = shrinkage * ldf(nPred, node);
    stf(tWeight, id, ldf(nW, node));
    stf(tPrediction, id, pr);
    if (v < 0) {
      sti(tSplitVar, id, -1);
      stf(tSplitCodePred, id, pr);
      sti(tLeft, id, -1);
      sti(tRight, id, -1);
      sti(tMissing, id, -1);
      stf(tErrorReduction, id, 0);
      continue;
    }
    sti(tSplitVar, id, v);
    stf(tSplitCodePred, id, ldf(nSplit, node));
    stf(tErrorReduction, id, ldf(nImp, node));
    // push missing, right, left so that left is emitted first
    sti(emitStack, top, ldi(nMiss, node));
    sti(emitParent, top, id);
    sti(emitWhich, top, 2);
    top++;
    sti(emitStack, top, ldi(nRight, node));
    sti(emitParent, top, id);
    sti(emitWhich, top, 1);
    top++;
    sti(emitStack, top, ldi(nLeft, node));
    sti(emitParent, top, id);
    sti(emitWhich, top, 0);
    top++;
  }
}

function grow(nBag: i32): void {
  // tree.cpp grow(): initial sums over in-bag rows in row order; an out-of-bag row adds exactly
  // +0, which leaves every sum unchanged (none of them is ever -0); wz of out-of-bag rows is
  // never read
  let sumZ: f64 = 0;
  let totalW: f64 = 0;
  let aSum: f64 = 0;
  for (let i = 0; i < n; i++) {
    const ib = ldb(inBag, i) != 0;
    const wi = ldf(w, i);
    const q = wi * ldf(z, i);
    stf(wz, i, q);
    const qq = select<f64>(q, 0.0, ib);
    sumZ += qq;
    totalW += select<f64>(wi, 0.0, ib);
    aSum += abs<f64>(qq);
  }
  // the division-free pre-test of scanVariableUnit needs magnitudes far from overflow
  absSum = aSum < 1e100 ? aSum : -1;
  // per-variable in-bag rows in presorted order: always store, advance when in bag
  const stride = nBag + 1;
  for (let v = 0; v < p; v++) {
    let j = v * stride;
    const o = v * n;
    for (let k = 0; k < n; k++) {
      const r = ldi(order, o + k);
      sti(seg, j, r);
      j += ldb(inBag, r);
    }
  }
  // root
  nNodes = 1;
  sti(nVar, 0, -1);
  stf(nPred, 0, sumZ / totalW);
  stf(nW, 0, totalW);
  sti(nN, 0, nBag);
  sti(sNode, 0, 0);
  sti(sStart, 0, 0);
  sti(sCnt, 0, nBag);
  sti(sN, 0, nBag);
  stf(sSum, 0, sumZ);
  stf(sW, 0, totalW);
  stb(sSearch, 0, 1);
  sti(sOff, 0, 0);
  for (let i = 0; i < nAll; i++) sti(all, i, i);
  sti(aStart, 0, 0);
  sti(aCnt, 0, nAll);
  let nt = 1;
  for (let d = 0; d < depth; d++) {
    for (let s = 0; s < nt; s++) {
      if (ldb(sSearch, s) != 0) {
        search(s, stride);
        stb(sSearch, s, 0);
      }
    }
    let best = 0;
    let bestImp: f64 = 0;
    for (let s = 0; s < nt; s++) {
      if (ldf(bImp, s) > bestImp) {
        best = s;
        bestImp = ldf(bImp, s);
      }
    }
    if (bestImp == 0) break;
    split(best, nt, stride, d == depth - 1);
    nt += 2;
  }
  adjust(0);
  nTerm = nt;
}

/**
 * node_search.cpp: ResetForNewVar / IncorporateObs / WrapUpCurrentVariable over all variables
 * (the scan of one variable is scanVariable*).
 */
function search(s: i32, stride: i32): void {
  const start = ldi(sStart, s);
  const cnt = ldi(sCnt, s);
  const initN = ldi(sN, s);
  const initSum = ldf(sSum, s);
  const initW = ldf(sW, s);
  // a node whose rows cannot give two children of n.minobsinnode rows finds no split in gbm
  if (cnt == 0 || (initN == cnt && cnt < 2 * minObs)) {
    stf(bImp, s, 0);
    sti(bVar, s, -1);
    return;
  }
  const off = ldi(sOff, s);
  let bestImp: f64 = 0;
  let bestVar = -1;
  let bestSplit: f64 = 0;
  let bL_S: f64 = 0;
  let bL_W: f64 = 0;
  let bL_N = 0;
  let bR_S = initSum;
  let bR_W = initW;
  let bR_N = initN;
  let bM_S: f64 = 0;
  let bM_W: f64 = 0;
  let bM_N = 0;
  for (let v = 0; v < p; v++) {
    const k0 = off + v * stride + start;
    const xv = X + (<usize>v * <usize>nAll << 3);
    if (unitWeights && v + 1 < p && initN == cnt) {
      // two variables at once when neither has a missing row in the node (missing rows sort
      // first): the second's result is then taken as if it had been scanned after the first
      const xw = xv + (<usize>nAll << 3);
      const k1 = k0 + stride;
      const xa = ldf(xv, ldi(seg, k0));
      const xb = ldf(xw, ldi(seg, k1));
      if (xa == xa && xb == xb) {
        scanPairUnit(xv, xw, k0, k1, cnt, initSum, bestImp);
        for (let lane = 0; lane < 2; lane++) {
          const imp = ldf(pImp, lane);
          if (imp > bestImp) {
            bestImp = imp;
            bestVar = v + lane;
            bestSplit = ldf(pSplit, lane);
            bL_S = ldf(pLS, lane);
            bL_W = ldf(pLF, lane);
            bL_N = <i32>bL_W;
            bR_S = ldf(pRS, lane);
            bR_W = ldf(pRF, lane);
            bR_N = <i32>bR_W;
            // no in-bag row of this node misses the variable: seed with the parent's totals
            bM_S = initSum;
            bM_W = initW;
            bM_N = 0;
          }
        }
        v++;
        continue;
      }
    }
    if (unitWeights) scanVariableUnit(xv, k0, k0 + cnt, initN, initSum, bestImp);
    else scanVariable(xv, k0, k0 + cnt, initN, initSum, initW, bestImp);
    if (rImp > bestImp) {
      bestImp = rImp;
      bestVar = v;
      bestSplit = rSplit;
      bL_S = rLS;
      bL_W = rLW;
      bL_N = rLN;
      bR_S = rRS;
      bR_W = rRW;
      bR_N = rRN;
      // WrapUpCurrentVariable for the best variable
      if (rMN > 0) {
        bM_S = rMS;
        bM_W = rMW;
        bM_N = rMN;
      } else {
        // no in-bag row of this node misses this variable: seed with the parent's totals
        bM_S = initSum;
        bM_W = initW;
        bM_N = 0;
      }
    }
  }
  stf(bImp, s, bestImp);
  sti(bVar, s, bestVar);
  stf(bSplit, s, bestSplit);
  stf(bLS, s, bL_S);
  stf(bLW, s, bL_W);
  sti(bLN, s, bL_N);
  stf(bRS, s, bR_S);
  stf(bRW, s, bR_W);
  sti(bRN, s, bR_N);
  stf(bMS, s, bM_S);
  stf(bMW, s, bM_W);
  sti(bMN, s, bM_N);
}

/** Whether search() can find a split in a node of c in-bag rows (gbm's count initN). */
@inline function searchable(c: i32, initN: i32, minObs2: i32): bool {
  return c > 0 && !(initN == c && c < minObs2);
}

/** SetupNewNodes + the node assignment of tree.cpp grow(), as a stable 3-way partition. */
function split(s: i32, nt: i32, stride: i32, lastSplit: bool): void {
  const node = ldi(sNode, s);
  const v = ldi(bVar, s);
  const thr = ldf(bSplit, s);
  const L = nNodes;
  const R = L + 1;
  const M = L + 2;
  nNodes += 3;
  sti(nVar, node, v);
  stf(nSplit, node, thr);
  stf(nImp, node, ldf(bImp, s));
  sti(nLeft, node, L);
  sti(nRight, node, R);
  sti(nMiss, node, M);
  const lw = ldf(bLW, s);
  const rw = ldf(bRW, s);
  const mw = ldf(bMW, s);
  sti(nVar, L, -1);
  stf(nPred, L, ldf(bLS, s) / lw);
  stf(nW, L, lw);
  sti(nN, L, ldi(bLN, s));
  sti(nVar, R, -1);
  stf(nPred, R, ldf(bRS, s) / rw);
  stf(nW, R, rw);
  sti(nN, R, ldi(bRN, s));
  sti(nVar, M, -1);
  stf(nPred, M, ldf(bMS, s) / mw);
  stf(nW, M, mw);
  sti(nN, M, ldi(bMN, s));

  // which child each row of the node goes to (CNodeContinuous::WhichNode), for all rows of the
  // node (in bag or not: the out-of-bag and held-out rows need their leaf for F); in-bag counts;
  // and the stable left | right | missing order of the node's rows, in one pass
  const xv = X + (<usize>v * <usize>nAll << 3);
  const start = ldi(sStart, s);
  const cnt = ldi(sCnt, s);
  const a0 = ldi(aStart, s);
  const a1 = a0 + ldi(aCnt, s);
  let cl = 0;
  let cr = 0;
  let wr = 0;
  let wm = 0;
  let wl = a0;
  if (ldb(noMissing, v) != 0) {
    // no row misses v: every row goes left or right (side 1 or 2)
    for (let k = a0; k < a1; k++) {
      const r = ldi(all, k);
      const isR = <i32>(ldf(xv, r) >= thr);
      stb(side, r, 1 + isR);
      cr += isR & ldb(inBag, r);
      sti(all, wl, r);
      sti(allTmp, wr, r);
      wl += 1 - isR;
      wr += isR;
    }
    cl = cnt - cr;
  } else {
    for (let k = a0; k < a1; k++) {
      const r = ldi(all, k);
      const x = ldf(xv, r);
      // side bits: 1 = left, 2 = right, 4 = missing (a missing x fails both comparisons)
      const lt = <i32>(x < thr);
      const ge = <i32>(x >= thr);
      const sd = lt + 2 * ge + 4 * (1 - lt - ge);
      stb(side, r, sd);
      const ib = ldb(inBag, r);
      cl += sd & ib;
      cr += (sd >> 1) & ib;
      sti(all, wl, r);
      sti(allTmp, wr, r);
      sti(allTmpM, wm, r);
      wl += sd & 1;
      wr += (sd >> 1) & 1;
      wm += sd >> 2;
    }
  }
  const al = wl - a0;
  const ar = wr;
  memory.copy(all + (<usize>wl << 2), allTmp, <usize>wr << 2);
  memory.copy(all + (<usize>(wl + wr) << 2), allTmpM, <usize>wm << 2);
  const cm = cnt - cl - cr;
  const minObs2 = 2 * minObs;
  const wantL = searchable(cl, ldi(bLN, s), minObs2);
  const wantR = searchable(cr, ldi(bRN, s), minObs2);
  const needPartition = !lastSplit && (wantL || wantR || searchable(cm, ldi(bMN, s), minObs2));
  // with no missing child and only one child that can be split, only its rows are written (the
  // other child's segment is never read: search() stops at its row count)
  const only = cm == 0 && wantL != wantR ? (wantL ? 1 : 2) : 0;
  // stable partition of every variable's segment: left | right | missing
  const off = ldi(sOff, s);
  const half = p * stride;
  let childOff = off;
  if (needPartition) {
    // children go to the other half
    childOff = half - off;
    for (let uu = 0; uu < p; uu++) {
      const k0 = off + uu * stride + start;
      const d0 = childOff + uu * stride + start;
      if (uu == v) {
        // the split variable's own segment is already missing | left | right (missing rows sort
        // first, then x < thr is a prefix of the sorted values): move the missing rows last
        memory.copy(seg + (<usize>d0 << 2), seg + (<usize>(k0 + cm) << 2), <usize>(cnt - cm) << 2);
        if (cm > 0) memory.copy(seg + (<usize>(d0 + cl + cr) << 2), seg + (<usize>k0 << 2), <usize>cm << 2);
      } else if (only != 0) filterSide(k0, k0 + cnt, d0, only == 2);
      else if (cm == 0) partition2(k0, k0 + cnt, d0, cl);
      else partition3(k0, k0 + cnt, d0, cl, cr);
    }
  }

  const sr = nt; // = (nt + 2) - 2
  const sm = nt + 1;
  // right child
  sti(sNode, sr, R);
  sti(sStart, sr, start + cl);
  sti(sCnt, sr, cr);
  sti(sN, sr, ldi(bRN, s));
  stf(sSum, sr, ldf(bRS, s));
  stf(sW, sr, rw);
  stb(sSearch, sr, 1);
  sti(sOff, sr, childOff);
  sti(aStart, sr, a0 + al);
  sti(aCnt, sr, ar);
  // missing child
  sti(sNode, sm, M);
  sti(sStart, sm, start + cl + cr);
  sti(sCnt, sm, cm);
  sti(sN, sm, ldi(bMN, s));
  stf(sSum, sm, ldf(bMS, s));
  stf(sW, sm, mw);
  stb(sSearch, sm, 1);
  sti(sOff, sm, childOff);
  sti(aStart, sm, a0 + al + ar);
  sti(aCnt, sm, a1 - a0 - al - ar);
  // left child keeps the slot
  sti(sNode, s, L);
  sti(sStart, s, start);
  sti(sCnt, s, cl);
  sti(sN, s, ldi(bLN, s));
  stf(sSum, s, ldf(bLS, s));
  stf(sW, s, lw);
  stb(sSearch, s, 1);
  sti(sOff, s, childOff);
  sti(aCnt, s, al);
  // a new slot must not look split-worthy before it is searched
  stf(bImp, s, 0);
  stf(bImp, sr, 0);
  stf(bImp, sm, 0);
}

/** CNodeNonterminal::Adjust (recursive, children first). */
function adjust(node: i32): void {
  if (ldi(nVar, node) < 0) return;
  const L = ldi(nLeft, node);
  const R = ldi(nRight, node);
  const M = ldi(nMiss, node);
  adjust(L);
  adjust(R);
  if (ldi(nVar, M) < 0 && ldi(nN, M) < minObs) {
    const pr = (ldf(nW, L) * ldf(nPred, L) + ldf(nW, R) * ldf(nPred, R)) / (ldf(nW, L) + ldf(nW, R));
    stf(nPred, node, pr);
    stf(nPred, M, pr);
  } else {
    adjust(M);
    stf(
      nPred,
      node,
      (ldf(nW, L) * ldf(nPred, L) + ldf(nW, R) * ldf(nPred, R) + ldf(nW, M) * ldf(nPred, M)) /
        (ldf(nW, L) + ldf(nW, R) + ldf(nW, M)),
    );
  }
}

/**
 * Stable 2-way partition of seg[k0, k1) by side[row] (1 left, 2 right) into seg[d0, d0 + cl)
 * (left) and seg[d0 + cl, d0 + k1 - k0) (right), out of place (the destination is the other half).
 * Branch-free: one store per row at the cursor its side selects.
 */
function partition2(k0: i32, k1: i32, d0: i32, cl: i32): void {
  // the right cursor is kept as its distance from the left one
  let wl = d0;
  let gap = cl;
  for (let k = k0; k < k1; k++) {
    const r = ldi(seg, k);
    const isR = ldb(side, r) >> 1;
    sti(seg, wl + (gap & -isR), r);
    const isL = 1 - isR;
    wl += isL;
    gap += isR - isL;
  }
}

/**
 * The rows of seg[k0, k1) on one side, in order, into the node's range of the other half: left
 * rows (side 1) to [d0, d0 + cl), or right rows (side 2) to [d0 + cl, d0 + k1 - k0). Branch-free:
 * every row is stored at the cursor, which advances only for a wanted row, so a stray store lands
 * on the next free place. Left rows are written forwards and right rows backwards, so the stray
 * stores stay inside the node's range (a stray needs a row of the other side there).
 */
function filterSide(k0: i32, k1: i32, d0: i32, right: bool): void {
  if (!right) {
    let wi = d0;
    for (let k = k0; k < k1; k++) {
      const r = ldi(seg, k);
      sti(seg, wi, r);
      wi += ldb(side, r) & 1;
    }
    return;
  }
  let wi = d0 + (k1 - k0) - 1;
  for (let k = k1 - 1; k >= k0; k--) {
    const r = ldi(seg, k);
    sti(seg, wi, r);
    wi -= ldb(side, r) >> 1;
  }
}

/** partition2 with missing rows (side 4): left | right | missing at d0, d0 + cl, d0 + cl + cr. */
function partition3(k0: i32, k1: i32, d0: i32, cl: i32, cr: i32): void {
  let wl = d0;
  let wr = d0 + cl;
  let wm = wr + cr;
  for (let k = k0; k < k1; k++) {
    const r = ldi(seg, k);
    const sd = ldb(side, r);
    const isR = (sd >> 1) & 1;
    const isM = sd >> 2;
    sti(seg, wl + ((wr - wl) & -isR) + ((wm - wl) & -isM), r);
    wl += sd & 1;
    wr += isR;
    wm += isM;
  }
}

/**
 * One variable of a node search (CNodeSearch::IncorporateObs over the node's in-bag rows in
 * presorted order, missing rows first): rImp = the best improvement found that beats `bestImp`,
 * or `bestImp` itself when none does; on improvement the r* globals hold the split and the
 * left/right sums at the best candidate; always rMS, rMW, rMN = the variable's missing sums.
 *
 * The scan runs in three phases with the same floating-point operations, in the same order, as
 * gbm's single loop: the missing rows (they come first in the presorted order); the rows before
 * the left child can reach n.minobsinnode (sums only); the rows where both children can
 * (candidates). The rows after the right child falls below n.minobsinnode cannot give a
 * candidate and only change sums nobody reads afterwards, so they are skipped.
 */
function scanVariable(xv: usize, k0: i32, k1: i32, initN: i32, initSum: f64, initW: f64, bestImp: f64): void {
  let rs = initSum;
  let rw = initW;
  let rn = initN;
  let ms: f64 = 0;
  let mw: f64 = 0;
  let mn = 0;
  let k = k0;
  for (; k < k1; k++) {
    const r = ldi(seg, k);
    const x = ldf(xv, r);
    if (x == x) break;
    const q = ldf(wz, r);
    const ww = ldf(w, r);
    ms += q;
    mw += ww;
    mn++;
    rs -= q;
    rw -= ww;
    rn--;
  }
  rMS = ms;
  rMW = mw;
  rMN = mn;
  // non-missing row j (0-based) has ln = j, rn = rn0 - j before it is added: candidates at
  // minObs <= j <= rn0 - minObs
  const kStart = k + minObs;
  let kEnd = k + rn - minObs;
  if (kEnd > k1 - 1) kEnd = k1 - 1;
  if (kStart > kEnd) {
    rImp = bestImp;
    return;
  }
  let ls: f64 = 0;
  let lw: f64 = 0;
  for (; k < kStart; k++) {
    const r = ldi(seg, k);
    const q = ldf(wz, r);
    const ww = ldf(w, r);
    ls += q;
    lw += ww;
    rs -= q;
    rw -= ww;
  }
  let ln = minObs;
  rn -= minObs;
  let last = ldf(xv, ldi(seg, kStart - 1));
  let best = bestImp;
  const mMean = ms / mw;
  for (; k <= kEnd; k++) {
    const r = ldi(seg, k);
    const x = ldf(xv, r);
    const q = ldf(wz, r);
    const ww = ldf(w, r);
    if (last != x) {
      let imp: f64;
      let t = ls / lw - rs / rw;
      if (mw == 0) {
        imp = (lw * rw * t * t) / (lw + rw);
      } else {
        imp = lw * rw * t * t;
        t = ls / lw - mMean;
        imp += lw * mw * t * t;
        t = rs / rw - mMean;
        imp += rw * mw * t * t;
        imp /= lw + rw + mw;
      }
      if (imp > best) {
        best = imp;
        rSplit = 0.5 * (last + x);
        rLS = ls;
        rLW = lw;
        rLN = ln;
        rRS = rs;
        rRW = rw;
        rRN = rn;
      }
    }
    ls += q;
    lw += ww;
    ln++;
    rs -= q;
    rw -= ww;
    rn--;
    last = x;
  }
  rImp = best;
}

/**
 * scanVariable for unit weights: every weight is 1.0, so each weight sum equals its row count
 * exactly (integers below 2^53) and the counts stand in for the weight sums; ln + rn (+ mn) is
 * then the same integer at every candidate.
 */
function scanVariableUnit(xv: usize, k0: i32, k1: i32, initN: i32, initSum: f64, bestImp: f64): void {
  let rs = initSum;
  let rn = initN;
  let ms: f64 = 0;
  let mn = 0;
  let k = k0;
  for (; k < k1; k++) {
    const r = ldi(seg, k);
    const x = ldf(xv, r);
    if (x == x) break;
    const q = ldf(wz, r);
    ms += q;
    mn++;
    rs -= q;
    rn--;
  }
  rMS = ms;
  rMW = <f64>mn;
  rMN = mn;
  const kStart = k + minObs;
  let kEnd = k + rn - minObs;
  if (kEnd > k1 - 1) kEnd = k1 - 1;
  if (kStart > kEnd) {
    rImp = bestImp;
    return;
  }
  let ls: f64 = 0;
  for (; k < kStart; k++) {
    const q = ldf(wz, ldi(seg, k));
    ls += q;
    rs -= q;
  }
  let ln = minObs;
  rn -= minObs;
  let last = ldf(xv, ldi(seg, kStart - 1));
  let best = bestImp;
  const lr = <f64>(ln + rn);
  if (mn == 0) {
    // Division-free pre-test. gbm's improvement is imp = fl(ln·rn·t·t / lr) with
    // t = fl(ls/ln − rs/rn); with P = ln·rn (exact), num = ls·rn − rs·ln and
    // B = |ls|·rn + |rs|·ln, rounding gives imp ≤ (|num| + 3.1u·B)² (1+u)^5 / (P·lr), u = 2^-53,
    // and fl(num) is within 2.1u·B of num. B ≤ (|ls| + |rs|)·lr ≤ (|initSum| + 2·Σ|w·z|)·lr
    // (running sums of a subset of the in-bag w·z), so with the margin M below (1e-12 ≫ 6u)
    // hi = |fl(num)| + M bounds it and hi² ≤ best·P·lr·(1 − 3e-12) proves imp ≤ best: the
    // candidate cannot win and the exact (three-division) formula is skipped. Only for
    // best ≥ 1e-200 (no underflow) and magnitudes < 1e100 (no overflow); else exact always.
    // Candidates that pass are evaluated with gbm's exact formula, so results are unchanged.
    // (cut = best·lr·(1 − 3e-12), or −1 while best < 1e-200 so that every candidate passes)
    // Without the bounds the test is switched off: with lrc = −∞ every cut is −∞, −1 or NaN, and
    // !(hi² <= cut·P) holds for every candidate (also where hi overflows to ∞ or NaN).
    const pretest = absSum >= 0 && abs<f64>(initSum) < 1e100;
    const Mg = pretest ? 1.01e-12 * (abs<f64>(initSum) + 2 * absSum) * lr : 0;
    const lrc = pretest ? lr * (1 - 3e-12) : -Infinity;
    let cut = best < 1e-200 ? -1 : best * lrc;
    let lf = <f64>ln;
    let rf = <f64>rn;
    let b_split: f64 = 0;
    let b_ls: f64 = 0;
    let b_lf: f64 = 0;
    let b_rs: f64 = 0;
    let b_rf: f64 = 0;
    for (; k <= kEnd; k++) {
      const r = ldi(seg, k);
      const x = ldf(xv, r);
      // one branch, rarely taken: a candidate (x differs from the last value) that the pre-test
      // cannot rule out (tied values would make `last != x` a branch of its own, mispredicted)
      const hi = abs<f64>(ls * rf - rs * lf) + Mg;
      if ((<i32>(last != x) & <i32>!(hi * hi <= cut * (lf * rf))) != 0) {
        {
          const t = ls / lf - rs / rf;
          const imp = (lf * rf * t * t) / lr;
          if (imp > best) {
            best = imp;
            cut = best < 1e-200 ? -1 : best * lrc;
            b_split = 0.5 * (last + x);
            b_ls = ls;
            b_lf = lf;
            b_rs = rs;
            b_rf = rf;
          }
        }
      }
      const q = ldf(wz, r);
      ls += q;
      lf += 1;
      rs -= q;
      rf -= 1;
      last = x;
    }
    if (best > bestImp) {
      rSplit = b_split;
      rLS = b_ls;
      rLW = b_lf;
      rLN = <i32>b_lf;
      rRS = b_rs;
      rRW = b_rf;
      rRN = <i32>b_rf;
    }
    rImp = best;
    return;
  }
  const mMean = ms / <f64>mn;
  const mf = <f64>mn;
  const lrm = lr + mf;
  for (; k <= kEnd; k++) {
    const r = ldi(seg, k);
    const x = ldf(xv, r);
    if (last != x) {
      const lnf = <f64>ln;
      const rnf = <f64>rn;
      let t = ls / lnf - rs / rnf;
      let imp = lnf * rnf * t * t;
      t = ls / lnf - mMean;
      imp += lnf * mf * t * t;
      t = rs / rnf - mMean;
      imp += rnf * mf * t * t;
      imp /= lrm;
      if (imp > best) {
        best = imp;
        rSplit = 0.5 * (last + x);
        rLS = ls;
        rLW = lnf;
        rLN = ln;
        rRS = rs;
        rRW = rnf;
        rRN = rn;
      }
    }
    const q = ldf(wz, r);
    ls += q;
    ln++;
    rs -= q;
    rn--;
    last = x;
  }
  rImp = best;
}

// scanPairUnit's best candidate per lane (lane 0: the first variable, lane 1: the second):
// improvement, pre-test cut, split value, left sum and count, right sum and count
const pImp: usize = memory.data(16, 8);
const pCut: usize = memory.data(16, 8);
const pSplit: usize = memory.data(16, 8);
const pLS: usize = memory.data(16, 8);
const pLF: usize = memory.data(16, 8);
const pRS: usize = memory.data(16, 8);
const pRF: usize = memory.data(16, 8);

/**
 * A candidate of one lane of scanPairUnit that the pre-test could not rule out: gbm's exact
 * improvement from the lane's sums, kept when it beats the lane's best.
 */
function laneCandidate(lane: i32, ls: f64, rs: f64, lf: f64, rf: f64, last: f64, x: f64, lr: f64, lrc: f64): void {
  const t = ls / lf - rs / rf;
  const imp = (lf * rf * t * t) / lr;
  if (imp > ldf(pImp, lane)) {
    stf(pImp, lane, imp);
    stf(pCut, lane, imp < 1e-200 ? -1 : imp * lrc);
    stf(pSplit, lane, 0.5 * (last + x));
    stf(pLS, lane, ls);
    stf(pLF, lane, lf);
    stf(pRS, lane, rs);
    stf(pRF, lane, rf);
  }
}

/**
 * scanVariableUnit for two variables of a node at once, one per lane of f64x2 vectors, when neither
 * has a missing row in the node: both segments then hold the same cnt rows (in their own orders),
 * so the counts lf, rf and the range of candidates are the same for both, and each lane's running
 * sums are the very doubles the scalar scan forms. Each lane keeps its own best (pImp[lane] and the
 * p* arrays), starting from `bestImp`; the caller takes lane 0's result and then lane 1's as if
 * the second variable had been scanned after the first (its first maximum beats the first's only
 * when strictly larger, as in the sequential scan). The pre-test and the tie test are evaluated
 * for both lanes without branching; a lane that passes is evaluated exactly with gbm's scalar
 * formula.
 */
function scanPairUnit(xa: usize, xb: usize, ka: i32, kb: i32, cnt: i32, initSum: f64, bestImp: f64): void {
  stf(pImp, 0, bestImp);
  stf(pImp, 1, bestImp);
  // candidates at minObs <= j <= cnt - minObs (j = rows to the left)
  const jEnd = min(cnt - minObs, cnt - 1);
  if (minObs > jEnd) return;
  let ls = f64x2.splat(0);
  let rs = f64x2.splat(initSum);
  for (let j = 0; j < minObs; j++) {
    const q = f64x2.replace_lane(f64x2.splat(ldf(wz, ldi(seg, ka + j))), 1, ldf(wz, ldi(seg, kb + j)));
    ls = f64x2.add(ls, q);
    rs = f64x2.sub(rs, q);
  }
  let last = f64x2.replace_lane(f64x2.splat(ldf(xa, ldi(seg, ka + minObs - 1))), 1, ldf(xb, ldi(seg, kb + minObs - 1)));
  const lr = <f64>cnt;
  // the pre-test of scanVariableUnit (see there), the same bounds for both lanes
  const pretest = absSum >= 0 && abs<f64>(initSum) < 1e100;
  const Mg = f64x2.splat(pretest ? 1.01e-12 * (abs<f64>(initSum) + 2 * absSum) * lr : 0);
  const lrc = pretest ? lr * (1 - 3e-12) : -Infinity;
  const cut0 = bestImp < 1e-200 ? -1 : bestImp * lrc;
  stf(pCut, 0, cut0);
  stf(pCut, 1, cut0);
  let cut = f64x2.splat(cut0);
  let lf = f64x2.splat(<f64>minObs);
  let rf = f64x2.splat(<f64>(cnt - minObs));
  const one = f64x2.splat(1);
  for (let j = minObs; j <= jEnd; j++) {
    const ra = ldi(seg, ka + j);
    const rb = ldi(seg, kb + j);
    const x = f64x2.replace_lane(f64x2.splat(ldf(xa, ra)), 1, ldf(xb, rb));
    const hi = f64x2.add(f64x2.abs(f64x2.sub(f64x2.mul(ls, rf), f64x2.mul(rs, lf))), Mg);
    const pass = v128.andnot(f64x2.ne(last, x), f64x2.le(f64x2.mul(hi, hi), f64x2.mul(cut, f64x2.mul(lf, rf))));
    if (v128.any_true(pass)) {
      const lfs = f64x2.extract_lane(lf, 0);
      const rfs = f64x2.extract_lane(rf, 0);
      if (i64x2.extract_lane(pass, 0) != 0) {
        laneCandidate(0, f64x2.extract_lane(ls, 0), f64x2.extract_lane(rs, 0), lfs, rfs, f64x2.extract_lane(last, 0), f64x2.extract_lane(x, 0), lr, lrc);
      }
      if (i64x2.extract_lane(pass, 1) != 0) {
        laneCandidate(1, f64x2.extract_lane(ls, 1), f64x2.extract_lane(rs, 1), lfs, rfs, f64x2.extract_lane(last, 1), f64x2.extract_lane(x, 1), lr, lrc);
      }
      cut = f64x2.replace_lane(f64x2.splat(ldf(pCut, 0)), 1, ldf(pCut, 1));
    }
    const q = f64x2.replace_lane(f64x2.splat(ldf(wz, ra)), 1, ldf(wz, rb));
    ls = f64x2.add(ls, q);
    lf = f64x2.add(lf, one);
    rs = f64x2.sub(rs, q);
    rf = f64x2.sub(rf, one);
    last = x;
  }
}
