/**
 * Growing one regression tree exactly as R gbm 2.1.8 does (src/tree.cpp, src/node_search.cpp,
 * src/node_nonterminal.cpp), on flat typed arrays.
 *
 * What has to match gbm bit for bit (see docs in notes/gbm.md):
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
 *
 * Unlike gbm, which scans all training rows of every variable at every split, this grower keeps
 * each node's in-bag rows as a contiguous segment of per-variable sorted index lists and
 * stable-partitions the segment when the node is split, so a node search costs p × (its rows).
 * The sequence of floating-point operations per node is the same as gbm's.
 */
import type { GbmTree } from './types.js';
import { TREE_NODE_BYTES, treeViews } from './tree-layout.js';

export class TreeGrower {
  /** Training rows (the first n rows of X; `order` sorts them). */
  readonly n: number;
  /** All rows of X: training rows, then held-out rows that only follow the splits to their leaves. */
  readonly nAll: number;
  readonly p: number;
  readonly depth: number;
  readonly minObs: number;
  /** True when every weight is exactly 1 (the weight sums then equal the row counts). */
  unitWeights = false;
  private readonly X: readonly Float64Array[];
  /** Global presorted order, variable v at [v*n, (v+1)*n). */
  private readonly order: Int32Array;
  /**
   * Per-variable sorted in-bag rows in two halves of p*stride, stride = nBag + 1 (ping-pong): in
   * a half, variable v is at [v*stride, v*stride + nBag) and nodes are segments (the spare slot
   * takes the stray store of the branch-free filter); a split writes its children's segments into
   * the other half at the same positions (out of place, one store per row).
   */
  private seg: Int32Array;
  private nBagCap: number;
  private readonly side: Uint8Array;
  /** 1 where no training row misses the variable (its splits send every row left or right) */
  private readonly noMissing: Uint8Array;
  private readonly wz: Float64Array;
  /** All training rows (in bag or not) grouped by node: slot s holds [aStart[s], aStart[s] + aCnt[s]). */
  private readonly all: Int32Array;
  private readonly allTmp: Int32Array;
  private readonly allTmpM: Int32Array;
  private readonly aStart: Int32Array;
  private readonly aCnt: Int32Array;
  private nTerm = 0;
  private shrinkage = 0;
  private treeBuf = new ArrayBuffer(0);
  private treeBufUsed = 0;
  /** Trees to make room for when the tree buffer is (re)allocated (set by the caller). */
  treeBufReserve = 64;
  /** Σ|w·z| over the in-bag rows of the current tree; -1 disables the pre-test (huge values). */
  private absSum = 0;
  /** scratch for scanVariable results */
  private readonly res = new Float64Array(15);
  /** [0, value] pairs for branch-free selection */
  private readonly pickZ = new Float64Array(2);
  private readonly pickW = new Float64Array(2);

  // nodes of the tree being grown (capacity 3*depth+1)
  private readonly nVar: Int32Array;
  private readonly nSplit: Float64Array;
  private readonly nLeft: Int32Array;
  private readonly nRight: Int32Array;
  private readonly nMiss: Int32Array;
  private readonly nImp: Float64Array;
  private readonly nW: Float64Array;
  private readonly nPred: Float64Array;
  private readonly nN: Int32Array;
  private nNodes = 0;
  private readonly emitStack: Int32Array;
  private readonly emitParent: Int32Array;
  private readonly emitWhich: Uint8Array;

  // terminal slots (capacity 2*depth+1)
  private readonly sNode: Int32Array;
  private readonly sStart: Int32Array;
  /** number of rows actually in the segment */
  private readonly sCnt: Int32Array;
  /** gbm's cInitN / dInitSumZ / dInitTotalW (inherited running totals) */
  private readonly sN: Int32Array;
  private readonly sSum: Float64Array;
  private readonly sW: Float64Array;
  private readonly sSearch: Uint8Array;
  /** offset (0 or p*stride) of the half of `seg` holding the slot's segments */
  private readonly sOff: Int32Array;
  private readonly bImp: Float64Array;
  private readonly bVar: Int32Array;
  private readonly bSplit: Float64Array;
  private readonly bLS: Float64Array;
  private readonly bLW: Float64Array;
  private readonly bLN: Int32Array;
  private readonly bRS: Float64Array;
  private readonly bRW: Float64Array;
  private readonly bRN: Int32Array;
  private readonly bMS: Float64Array;
  private readonly bMW: Float64Array;
  private readonly bMN: Int32Array;

  /**
   * `X` holds the training rows first and then, optionally, held-out rows (`nTrain` says where they
   * begin): those are never searched nor bagged, but addLeafValues() updates them too.
   */
  constructor(X: readonly Float64Array[], order: Int32Array, depth: number, minObs: number, nTrain = X[0]!.length) {
    this.X = X;
    this.p = X.length;
    this.n = nTrain;
    this.nAll = X[0]!.length;
    this.order = order;
    this.depth = depth;
    this.minObs = minObs;
    this.nBagCap = 0;
    this.seg = new Int32Array(0);
    this.side = new Uint8Array(this.nAll);
    this.noMissing = Uint8Array.from(X, (x) => +!x.some((a) => a !== a));
    this.wz = new Float64Array(this.n);
    this.all = new Int32Array(this.nAll);
    this.allTmp = new Int32Array(this.nAll);
    this.allTmpM = new Int32Array(this.nAll);
    const nc = 3 * depth + 1;
    this.nVar = new Int32Array(nc);
    this.nSplit = new Float64Array(nc);
    this.nLeft = new Int32Array(nc);
    this.nRight = new Int32Array(nc);
    this.nMiss = new Int32Array(nc);
    this.nImp = new Float64Array(nc);
    this.nW = new Float64Array(nc);
    this.nPred = new Float64Array(nc);
    this.nN = new Int32Array(nc);
    this.emitStack = new Int32Array(nc + 2);
    this.emitParent = new Int32Array(nc + 2);
    this.emitWhich = new Uint8Array(nc + 2);
    const sc = 2 * depth + 1;
    this.sNode = new Int32Array(sc);
    this.sStart = new Int32Array(sc);
    this.sCnt = new Int32Array(sc);
    this.sN = new Int32Array(sc);
    this.sSum = new Float64Array(sc);
    this.sW = new Float64Array(sc);
    this.sSearch = new Uint8Array(sc);
    this.sOff = new Int32Array(sc);
    this.aStart = new Int32Array(sc);
    this.aCnt = new Int32Array(sc);
    this.bImp = new Float64Array(sc);
    this.bVar = new Int32Array(sc);
    this.bSplit = new Float64Array(sc);
    this.bLS = new Float64Array(sc);
    this.bLW = new Float64Array(sc);
    this.bLN = new Int32Array(sc);
    this.bRS = new Float64Array(sc);
    this.bRW = new Float64Array(sc);
    this.bRN = new Int32Array(sc);
    this.bMS = new Float64Array(sc);
    this.bMW = new Float64Array(sc);
    this.bMN = new Int32Array(sc);
  }

  /**
   * Grows one tree on residuals `z` with weights `w` using the rows flagged in `inBag`
   * (exactly `nBag` of them); returns it in gbm's pre-order layout with leaves times `shrinkage`,
   * or null when `emitTree` is false (only addLeafValues() is wanted: cross-validation folds).
   */
  grow(z: Float64Array, w: Float64Array, inBag: Uint8Array, nBag: number, shrinkage: number, emitTree = true): GbmTree | null {
    const n = this.n;
    const p = this.p;
    if (nBag > this.nBagCap) {
      this.nBagCap = nBag;
      this.seg = new Int32Array(2 * p * (nBag + 1));
    }
    const wz = this.wz;
    // tree.cpp grow(): initial sums over in-bag rows in row order
    let sumZ = 0;
    let totalW = 0;
    let absSum = 0;
    // branch-free (the bag is random): an out-of-bag row adds exactly +0 (pick[0]), which leaves
    // every sum unchanged (none of them is ever -0); wz of out-of-bag rows is never read
    const pq = this.pickZ;
    const pw = this.pickW;
    for (let i = 0; i < n; i++) {
      const ib = inBag[i]!;
      const wi = w[i]!;
      const q = wi * z[i]!;
      wz[i] = q;
      pq[1] = q;
      pw[1] = wi;
      const qq = pq[ib]!;
      sumZ += qq;
      totalW += pw[ib]!;
      absSum += Math.abs(qq);
    }
    // the division-free pre-test of scanVariableUnit needs magnitudes far from overflow
    this.absSum = absSum < 1e100 ? absSum : -1;
    // per-variable in-bag rows in presorted order
    const seg = this.seg;
    const order = this.order;
    const stride = nBag + 1;
    // branchless filter: always store, advance when in bag (two variables per pass for ILP)
    let v0 = 0;
    for (; v0 + 1 < p; v0 += 2) {
      let j = v0 * stride;
      let j2 = j + stride;
      const o = v0 * n;
      const o2 = o + n;
      for (let k = 0; k < n; k++) {
        const r = order[o + k]!;
        const r2 = order[o2 + k]!;
        seg[j] = r;
        seg[j2] = r2;
        j += inBag[r]!;
        j2 += inBag[r2]!;
      }
    }
    if (v0 < p) {
      let j = v0 * stride;
      const o = v0 * n;
      for (let k = 0; k < n; k++) {
        const r = order[o + k]!;
        seg[j] = r;
        j += inBag[r]!;
      }
    }
    // root
    this.nNodes = 1;
    this.nVar[0] = -1;
    this.nPred[0] = sumZ / totalW;
    this.nW[0] = totalW;
    this.nN[0] = nBag;
    this.sNode[0] = 0;
    this.sStart[0] = 0;
    this.sCnt[0] = nBag;
    this.sN[0] = nBag;
    this.sSum[0] = sumZ;
    this.sW[0] = totalW;
    this.sSearch[0] = 1;
    this.sOff[0] = 0;
    const all = this.all;
    const nAll = this.nAll;
    for (let i = 0; i < nAll; i++) all[i] = i;
    this.aStart[0] = 0;
    this.aCnt[0] = nAll;
    let nTerm = 1;
    for (let d = 0; d < this.depth; d++) {
      for (let s = 0; s < nTerm; s++) {
        if (this.sSearch[s]) {
          this.search(s, stride, w);
          this.sSearch[s] = 0;
        }
      }
      let best = 0;
      let bestImp = 0;
      for (let s = 0; s < nTerm; s++) {
        if (this.bImp[s]! > bestImp) {
          best = s;
          bestImp = this.bImp[s]!;
        }
      }
      if (bestImp === 0) break;
      this.split(best, nTerm, stride, d === this.depth - 1, inBag);
      nTerm += 2;
    }
    this.adjust(0);
    this.nTerm = nTerm;
    this.shrinkage = shrinkage;
    return emitTree ? this.emit(shrinkage) : null;
  }

  /**
   * After grow(): F[r] += the (shrunk) leaf value of the tree just grown, for every row r of X
   * (in bag or not, held out or not). The same doubles as walking the emitted tree: each leaf's value is
   * shrinkage × prediction, exactly as emit() stores it, and each row's leaf is the one its
   * values lead to (the node partition applies the tree's own comparisons).
   */
  addLeafValues(F: Float64Array): void {
    const all = this.all;
    const shrinkage = this.shrinkage;
    for (let s = 0; s < this.nTerm; s++) {
      const val = shrinkage * this.nPred[this.sNode[s]!]!;
      const a0 = this.aStart[s]!;
      const a1 = a0 + this.aCnt[s]!;
      for (let k = a0; k < a1; k++) {
        const r = all[k]!;
        F[r] = F[r]! + val;
      }
    }
  }

  /**
   * node_search.cpp: ResetForNewVar / IncorporateObs / WrapUpCurrentVariable over all variables
   * (the scan of one variable is scanVariable below).
   */
  private search(s: number, stride: number, w: Float64Array): void {
    const minObs = this.minObs;
    const start = this.sStart[s]!;
    const cnt = this.sCnt[s]!;
    const initN = this.sN[s]!;
    const initSum = this.sSum[s]!;
    const initW = this.sW[s]!;
    // a node whose rows cannot give two children of n.minobsinnode rows finds no split in gbm
    if (cnt === 0 || (initN === cnt && cnt < 2 * minObs)) {
      this.bImp[s] = 0;
      this.bVar[s] = -1;
      return;
    }
    const res = this.res;
    // the scans' double inputs travel in res[11..14]: double arguments would be boxed on the heap
    res[11] = initSum;
    res[12] = initW;
    res[14] = this.absSum;
    const off = this.sOff[s]!;
    let bestImp = 0;
    let bestVar = -1;
    let bestSplit = 0;
    let bLS = 0;
    let bLW = 0;
    let bLN = 0;
    let bRS = initSum;
    let bRW = initW;
    let bRN = initN;
    let bMS = 0;
    let bMW = 0;
    let bMN = 0;
    for (let v = 0; v < this.p; v++) {
      const k0 = off + v * stride + start;
      res[13] = bestImp;
      if (this.unitWeights) scanVariableUnit(this.X[v]!, this.seg, this.wz, k0, k0 + cnt, initN, minObs, res);
      else scanVariable(this.X[v]!, this.seg, this.wz, w, k0, k0 + cnt, initN, minObs, res);
      const imp = res[10]!;
      if (imp > bestImp) {
        bestImp = imp;
        bestVar = v;
        bestSplit = res[0]!;
        bLS = res[1]!;
        bLW = res[2]!;
        bLN = res[3]!;
        bRS = res[4]!;
        bRW = res[5]!;
        bRN = res[6]!;
        // WrapUpCurrentVariable for the best variable
        if (res[9]! > 0) {
          bMS = res[7]!;
          bMW = res[8]!;
          bMN = res[9]!;
        } else {
          // no in-bag row of this node misses this variable: seed with the parent's totals
          bMS = initSum;
          bMW = initW;
          bMN = 0;
        }
      }
    }
    this.bImp[s] = bestImp;
    this.bVar[s] = bestVar;
    this.bSplit[s] = bestSplit;
    this.bLS[s] = bLS;
    this.bLW[s] = bLW;
    this.bLN[s] = bLN;
    this.bRS[s] = bRS;
    this.bRW[s] = bRW;
    this.bRN[s] = bRN;
    this.bMS[s] = bMS;
    this.bMW[s] = bMW;
    this.bMN[s] = bMN;
  }

  /** SetupNewNodes + the node assignment of tree.cpp grow(), as a stable 3-way partition. */
  private split(s: number, nTerm: number, stride: number, lastSplit: boolean, inBag: Uint8Array): void {
    const node = this.sNode[s]!;
    const v = this.bVar[s]!;
    const thr = this.bSplit[s]!;
    const L = this.nNodes;
    const R = L + 1;
    const M = L + 2;
    this.nNodes += 3;
    this.nVar[node] = v;
    this.nSplit[node] = thr;
    this.nImp[node] = this.bImp[s]!;
    this.nLeft[node] = L;
    this.nRight[node] = R;
    this.nMiss[node] = M;
    const lw = this.bLW[s]!;
    const rw = this.bRW[s]!;
    const mw = this.bMW[s]!;
    this.nVar[L] = -1;
    this.nPred[L] = this.bLS[s]! / lw;
    this.nW[L] = lw;
    this.nN[L] = this.bLN[s]!;
    this.nVar[R] = -1;
    this.nPred[R] = this.bRS[s]! / rw;
    this.nW[R] = rw;
    this.nN[R] = this.bRN[s]!;
    this.nVar[M] = -1;
    this.nPred[M] = this.bMS[s]! / mw;
    this.nW[M] = mw;
    this.nN[M] = this.bMN[s]!;

    // which child each row of the node goes to (CNodeContinuous::WhichNode), for all training rows
    // of the node (in bag or not: the out-of-bag rows need their leaf for F); in-bag counts
    const seg = this.seg;
    const side = this.side;
    const xv = this.X[v]!;
    const start = this.sStart[s]!;
    const cnt = this.sCnt[s]!;
    const all = this.all;
    const a0 = this.aStart[s]!;
    const a1 = a0 + this.aCnt[s]!;
    let cl = 0;
    let cr = 0;
    let al: number;
    let ar: number;
    // one pass: side of every row, in-bag counts, and the stable left | right | missing
    // partition of the node's rows (see partition3)
    const tmpA = this.allTmp;
    const tmpAM = this.allTmpM;
    let wr = 0;
    let wm = 0;
    let wl = a0;
    if (this.noMissing[v]) {
      // no training row misses v: every row goes left or right (side 1 or 2)
      for (let k = a0; k < a1; k++) {
        const r = all[k]!;
        const isR = +(xv[r]! >= thr);
        side[r] = 1 + isR;
        cr += isR & inBag[r]!;
        all[wl] = r;
        tmpA[wr] = r;
        wl += 1 - isR;
        wr += isR;
      }
      cl = cnt - cr;
    } else {
      for (let k = a0; k < a1; k++) {
        const r = all[k]!;
        const x = xv[r]!;
        // side bits: 1 = left, 2 = right, 4 = missing
        // (branch-free: the comparisons as 0/1; a missing x fails both)
        const lt = +(x < thr);
        const ge = +(x >= thr);
        const sd = lt + 2 * ge + 4 * (1 - lt - ge);
        side[r] = sd;
        const ib = inBag[r]!;
        cl += sd & ib;
        cr += (sd >> 1) & ib;
        all[wl] = r;
        tmpA[wr] = r;
        tmpAM[wm] = r;
        wl += sd & 1;
        wr += (sd >> 1) & 1;
        wm += sd >> 2;
      }
    }
    al = wl - a0;
    ar = wr;
    for (let j = 0; j < wr; j++) all[wl + j] = tmpA[j]!;
    for (let j = 0; j < wm; j++) all[wl + wr + j] = tmpAM[j]!;
    const cm = cnt - cl - cr;
    const minObs2 = 2 * this.minObs;
    const wantL = searchable(cl, this.bLN[s]!, minObs2);
    const wantR = searchable(cr, this.bRN[s]!, minObs2);
    const needPartition = !lastSplit && (wantL || wantR || searchable(cm, this.bMN[s]!, minObs2));
    // with no missing child and only one child that can be split, only its rows are written (the
    // other child's segment is never read: search() stops at its row count)
    const only = cm === 0 && wantL !== wantR ? (wantL ? 1 : 2) : 0;
    // stable partition of every variable's segment: left | right | missing
    const off = this.sOff[s]!;
    const half = this.p * stride;
    let childOff = off;
    if (needPartition) {
      // children go to the other half
      childOff = half - off;
      for (let u = 0; u < this.p; u++) {
        const k0 = off + u * stride + start;
        const d0 = childOff + u * stride + start;
        if (u === v) {
          // the split variable's own segment is already missing | left | right (missing rows sort
          // first, then x < thr is a prefix of the sorted values): move the missing rows last
          seg.copyWithin(d0, k0 + cm, k0 + cnt);
          if (cm > 0) seg.copyWithin(d0 + cl + cr, k0, k0 + cm);
        } else if (only !== 0) filterSide(seg, k0, k0 + cnt, d0, side, only === 2);
        else if (cm === 0) partition2(seg, k0, k0 + cnt, d0, cl, side);
        else partition3(seg, k0, k0 + cnt, d0, cl, cr, side);
      }
    }

    const sr = nTerm; // = (nTerm + 2) - 2
    const sm = nTerm + 1;
    // right child
    this.sNode[sr] = R;
    this.sStart[sr] = start + cl;
    this.sCnt[sr] = cr;
    this.sN[sr] = this.bRN[s]!;
    this.sSum[sr] = this.bRS[s]!;
    this.sW[sr] = rw;
    this.sSearch[sr] = 1;
    this.sOff[sr] = childOff;
    this.aStart[sr] = a0 + al;
    this.aCnt[sr] = ar;
    // missing child
    this.sNode[sm] = M;
    this.sStart[sm] = start + cl + cr;
    this.sCnt[sm] = cm;
    this.sN[sm] = this.bMN[s]!;
    this.sSum[sm] = this.bMS[s]!;
    this.sW[sm] = mw;
    this.sSearch[sm] = 1;
    this.sOff[sm] = childOff;
    this.aStart[sm] = a0 + al + ar;
    this.aCnt[sm] = a1 - a0 - al - ar;
    // left child keeps the slot
    this.sNode[s] = L;
    this.sStart[s] = start;
    this.sCnt[s] = cl;
    this.sN[s] = this.bLN[s]!;
    this.sSum[s] = this.bLS[s]!;
    this.sW[s] = lw;
    this.sSearch[s] = 1;
    this.sOff[s] = childOff;
    this.aCnt[s] = al;
    // a new slot must not look split-worthy before it is searched
    this.bImp[s] = 0;
    this.bImp[sr] = 0;
    this.bImp[sm] = 0;
  }

  /** CNodeNonterminal::Adjust (recursive, children first). */
  private adjust(node: number): void {
    if (this.nVar[node]! < 0) return;
    const L = this.nLeft[node]!;
    const R = this.nRight[node]!;
    const M = this.nMiss[node]!;
    this.adjust(L);
    this.adjust(R);
    const nW = this.nW;
    const nPred = this.nPred;
    if (this.nVar[M]! < 0 && this.nN[M]! < this.minObs) {
      const pr = (nW[L]! * nPred[L]! + nW[R]! * nPred[R]!) / (nW[L]! + nW[R]!);
      nPred[node] = pr;
      nPred[M] = pr;
    } else {
      this.adjust(M);
      nPred[node] = (nW[L]! * nPred[L]! + nW[R]! * nPred[R]! + nW[M]! * nPred[M]!) / (nW[L]! + nW[R]! + nW[M]!);
    }
  }

  /** TransferTreeToRList: pre-order (node, left, right, missing), leaves times the shrinkage. */
  private emit(shrinkage: number): GbmTree {
    const m = this.nNodes;
    // the tree's arrays live in a block of a buffer shared by the trees of the fit (one
    // ArrayBuffer per fit, not per tree), in the layout of tree-layout.ts
    const bytes = m * TREE_NODE_BYTES;
    if (this.treeBufUsed + bytes > this.treeBuf.byteLength) {
      this.treeBuf = new ArrayBuffer(Math.max(bytes, this.treeBufReserve * (3 * this.depth + 1) * TREE_NODE_BYTES));
      this.treeBufUsed = 0;
    }
    const t = treeViews(this.treeBuf, this.treeBufUsed, m);
    this.treeBufUsed += bytes;
    // iterative pre-order walk; `parent`/`which` record where to write each node's id
    const stack = this.emitStack;
    const parent = this.emitParent;
    const which = this.emitWhich;
    let top = 0;
    stack[top] = 0;
    parent[top] = -1;
    which[top] = 0;
    top++;
    let next = 0;
    while (top > 0) {
      top--;
      const node = stack[top]!;
      const par = parent[top]!;
      const id = next++;
      if (par >= 0) {
        const wch = which[top]!;
        if (wch === 0) t.left[par] = id;
        else if (wch === 1) t.right[par] = id;
        else t.missing[par] = id;
      }
      const v = this.nVar[node]!;
      const pr = shrinkage * this.nPred[node]!;
      t.weight[id] = this.nW[node]!;
      t.prediction[id] = pr;
      if (v < 0) {
        t.splitVar[id] = -1;
        t.splitCodePred[id] = pr;
        t.left[id] = -1;
        t.right[id] = -1;
        t.missing[id] = -1;
        t.errorReduction[id] = 0;
        continue;
      }
      t.splitVar[id] = v;
      t.splitCodePred[id] = this.nSplit[node]!;
      t.errorReduction[id] = this.nImp[node]!;
      // push missing, right, left so that left is emitted first
      stack[top] = this.nMiss[node]!;
      parent[top] = id;
      which[top] = 2;
      top++;
      stack[top] = this.nRight[node]!;
      parent[top] = id;
      which[top] = 1;
      top++;
      stack[top] = this.nLeft[node]!;
      parent[top] = id;
      which[top] = 0;
      top++;
    }
    return t;
  }
}

/** Whether search() can find a split in a node of c in-bag rows (gbm's count initN). */
function searchable(c: number, initN: number, minObs2: number): boolean {
  return c > 0 && !(initN === c && c < minObs2);
}

/**
 * Stable 2-way partition of seg[k0, k1) by side[row] (1 left, 2 right) into seg[d0, d0 + cl) (left)
 * and seg[d0 + cl, d0 + k1 - k0) (right), out of place (the destination is the other half of
 * `seg`). Branch-free: one store per row at the cursor its side selects.
 */
function partition2(seg: Int32Array, k0: number, k1: number, d0: number, cl: number, side: Uint8Array): void {
  // the right cursor is kept as its distance from the left one
  let wl = d0;
  let gap = cl;
  for (let k = k0; k < k1; k++) {
    const r = seg[k]!;
    const isR = side[r]! >> 1;
    seg[wl + (gap & -isR)] = r;
    const isL = 1 - isR;
    wl += isL;
    gap += isR - isL;
  }
}

/**
 * The rows of seg[k0, k1) on one side, in order, into the node's range of the other half:
 * left rows (side 1) to [d0, d0 + cl), or right rows (side 2) to [d0 + cl, d0 + k1 - k0).
 * Branch-free: every row is stored at the cursor, which advances only for a wanted row, so a stray
 * store lands on the next free place. Left rows are written forwards and right rows backwards, so
 * the stray stores stay inside the node's range (a stray needs a row of the other side there).
 */
function filterSide(seg: Int32Array, k0: number, k1: number, d0: number, side: Uint8Array, right: boolean): void {
  if (!right) {
    let w = d0;
    for (let k = k0; k < k1; k++) {
      const r = seg[k]!;
      seg[w] = r;
      w += side[r]! & 1;
    }
    return;
  }
  let w = d0 + (k1 - k0) - 1;
  for (let k = k1 - 1; k >= k0; k--) {
    const r = seg[k]!;
    seg[w] = r;
    w -= side[r]! >> 1;
  }
}

/** partition2 with missing rows (side 4): left | right | missing at d0, d0 + cl, d0 + cl + cr. */
function partition3(seg: Int32Array, k0: number, k1: number, d0: number, cl: number, cr: number, side: Uint8Array): void {
  let wl = d0;
  let wr = d0 + cl;
  let wm = wr + cr;
  for (let k = k0; k < k1; k++) {
    const r = seg[k]!;
    const sd = side[r]!;
    const isR = (sd >> 1) & 1;
    const isM = sd >> 2;
    seg[wl + ((wr - wl) & -isR) + ((wm - wl) & -isM)] = r;
    wl += sd & 1;
    wr += isR;
    wm += isM;
  }
}

/**
 * One variable of a node search (CNodeSearch::IncorporateObs over the node's in-bag rows in
 * presorted order, missing rows first). Puts into res[10] the best improvement found that beats
 * `bestImp`, or `bestImp` itself when none does (a returned double would be boxed on the heap
 * at every call; for the same reason the inputs initSum, initW, bestImp, absSum come in
 * res[11..14]); on improvement, `res` receives
 * [split, leftSum, leftW, leftN, rightSum, rightW, rightN, ...] at the best candidate; always
 * res[7..9] = missing sum, weight, count of the variable.
 *
 * The scan runs in three phases with the same floating-point operations, in the same order, as
 * gbm's single loop: the missing rows (they come first in the presorted order); the rows before
 * the left child can reach n.minobsinnode (sums only); the rows where both children can
 * (candidates). The rows after the right child falls below n.minobsinnode cannot give a
 * candidate and only change sums nobody reads afterwards, so they are skipped.
 */
function scanVariable(
  xv: Float64Array,
  seg: Int32Array,
  wz: Float64Array,
  w: Float64Array,
  k0: number,
  k1: number,
  initN: number,
  minObs: number,
  res: Float64Array,
): void {
  const initSum = res[11]!;
  const initW = res[12]!;
  const bestImp = res[13]!;
  let rs = initSum;
  let rw = initW;
  let rn = initN;
  let ms = 0;
  let mw = 0;
  let mn = 0;
  let k = k0;
  for (; k < k1; k++) {
    const r = seg[k]!;
    const x = xv[r]!;
    if (x === x) break;
    const q = wz[r]!;
    const ww = w[r]!;
    ms += q;
    mw += ww;
    mn++;
    rs -= q;
    rw -= ww;
    rn--;
  }
  res[7] = ms;
  res[8] = mw;
  res[9] = mn;
  // non-missing row j (0-based) has ln = j, rn = rn0 - j before it is added: candidates at
  // minObs <= j <= rn0 - minObs
  const kStart = k + minObs;
  let kEnd = k + rn - minObs;
  if (kEnd > k1 - 1) kEnd = k1 - 1;
  if (kStart > kEnd) {
    res[10] = bestImp;
    return;
  }
  let ls = 0;
  let lw = 0;
  for (; k < kStart; k++) {
    const r = seg[k]!;
    const q = wz[r]!;
    const ww = w[r]!;
    ls += q;
    lw += ww;
    rs -= q;
    rw -= ww;
  }
  let ln = minObs;
  rn -= minObs;
  let last = xv[seg[kStart - 1]!]!;
  let best = bestImp;
  const mMean = ms / mw;
  for (; k <= kEnd; k++) {
    const r = seg[k]!;
    const x = xv[r]!;
    const q = wz[r]!;
    const ww = w[r]!;
    if (last !== x) {
      let imp: number;
      let t = ls / lw - rs / rw;
      if (mw === 0) {
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
        res[0] = 0.5 * (last + x);
        res[1] = ls;
        res[2] = lw;
        res[3] = ln;
        res[4] = rs;
        res[5] = rw;
        res[6] = rn;
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
  res[10] = best;
}

/**
 * scanVariable for unit weights: every weight is 1.0, so each weight sum equals its row count
 * exactly (integers below 2^53) and the counts stand in for the weight sums; ln + rn (+ mn) is
 * then the same integer at every candidate.
 */
function scanVariableUnit(
  xv: Float64Array,
  seg: Int32Array,
  wz: Float64Array,
  k0: number,
  k1: number,
  initN: number,
  minObs: number,
  res: Float64Array,
): void {
  const initSum = res[11]!;
  const bestImp = res[13]!;
  const absSum = res[14]!;
  let rs = initSum;
  let rn = initN;
  let ms = 0;
  let mn = 0;
  let k = k0;
  for (; k < k1; k++) {
    const r = seg[k]!;
    const x = xv[r]!;
    if (x === x) break;
    const q = wz[r]!;
    ms += q;
    mn++;
    rs -= q;
    rn--;
  }
  res[7] = ms;
  res[8] = mn;
  res[9] = mn;
  const kStart = k + minObs;
  let kEnd = k + rn - minObs;
  if (kEnd > k1 - 1) kEnd = k1 - 1;
  if (kStart > kEnd) {
    res[10] = bestImp;
    return;
  }
  let ls = 0;
  for (; k < kStart; k++) {
    const q = wz[seg[k]!]!;
    ls += q;
    rs -= q;
  }
  let ln = minObs;
  rn -= minObs;
  let last = xv[seg[kStart - 1]!]!;
  let best = bestImp;
  const lr = ln + rn;
  if (mn === 0) {
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
    const pretest = absSum >= 0 && Math.abs(initSum) < 1e100;
    const M = pretest ? 1.01e-12 * (Math.abs(initSum) + 2 * absSum) * lr : 0;
    const lrc = pretest ? lr * (1 - 3e-12) : -Infinity;
    let cut = best < 1e-200 ? -1 : best * lrc;
    // the counts as doubles (exact integers; the ±0.5 keeps V8 from typing them as int32, which
    // would convert them at every use)
    let lf = ln + 0.5 - 0.5;
    let rf = rn + 0.5 - 0.5;
    // the best candidate is kept in locals and stored once after the loop: a store into `res`
    // inside the loop would make V8 re-check and reload the arrays at every step
    let bSplit = 0;
    let bLs = 0;
    let bLf = 0;
    let bRs = 0;
    let bRf = 0;
    for (; k <= kEnd; k++) {
      const r = seg[k]!;
      const x = xv[r]!;
      if (last !== x) {
        const hi = Math.abs(ls * rf - rs * lf) + M;
        if (!(hi * hi <= cut * (lf * rf))) {
          const t = ls / lf - rs / rf;
          const imp = (lf * rf * t * t) / lr;
          if (imp > best) {
            best = imp;
            cut = best < 1e-200 ? -1 : best * lrc;
            bSplit = 0.5 * (last + x);
            bLs = ls;
            bLf = lf;
            bRs = rs;
            bRf = rf;
          }
        }
      }
      const q = wz[r]!;
      ls += q;
      lf += 1;
      rs -= q;
      rf -= 1;
      last = x;
    }
    if (best > bestImp) {
      res[0] = bSplit;
      res[1] = bLs;
      res[2] = bLf;
      res[3] = bLf;
      res[4] = bRs;
      res[5] = bRf;
      res[6] = bRf;
    }
    res[10] = best;
    return;
  }
  const mMean = ms / mn;
  const lrm = lr + mn;
  for (; k <= kEnd; k++) {
    const r = seg[k]!;
    const x = xv[r]!;
    if (last !== x) {
      let t = ls / ln - rs / rn;
      let imp = ln * rn * t * t;
      t = ls / ln - mMean;
      imp += ln * mn * t * t;
      t = rs / rn - mMean;
      imp += rn * mn * t * t;
      imp /= lrm;
      if (imp > best) {
        best = imp;
        res[0] = 0.5 * (last + x);
        res[1] = ls;
        res[2] = ln;
        res[3] = ln;
        res[4] = rs;
        res[5] = rn;
        res[6] = rn;
      }
    }
    const q = wz[r]!;
    ls += q;
    ln++;
    rs -= q;
    rn--;
    last = x;
  }
  res[10] = best;
}
