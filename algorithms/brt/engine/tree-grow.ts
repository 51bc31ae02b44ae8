/**
 * The host side of the WebAssembly tree grower (wasm/grower.ts, gbm 2.1.8's bagging, tree growing
 * and boosting step bit for bit): one instance, with its own memory, per fit. The constructor
 * copies the fit's data in; the fit runs step() once per tree and, when it keeps the trees, copies
 * each tree out with emit(). F, the current fit of every row, is a view into that memory.
 */
import type { GbmTree } from './types.js';
import { TREE_NODE_BYTES, treeViews } from './tree-layout.js';
import { checkSeed } from './rng.js';
import { engineInstance, type EngineExports } from './wasm-module.js';

export class TreeGrower {
  private readonly g: EngineExports;
  /** Current fit of every row (training rows, then held-out rows). */
  readonly F: Float64Array;
  private readonly keepTrees: number;
  private kept = 0;

  /**
   * `X` holds the training rows first and then, optionally, held-out rows (`nTrain` says where
   * they begin): those are never searched nor bagged, but their F follows every tree. `order` is
   * the training rows' presort, `w` the (normalised) weights; F starts at `initF` everywhere.
   * The bagging draws R's uniform stream after `set.seed(seed)`. Room is made for `keepTrees`
   * trees (0 when only F is wanted: cross-validation folds).
   */
  constructor(
    X: readonly Float64Array[],
    order: Int32Array,
    y: Float64Array,
    w: Float64Array,
    initF: number,
    depth: number,
    minObs: number,
    nTrain: number,
    seed: number,
    keepTrees: number,
  ) {
    checkSeed(seed);
    const p = X.length;
    const nAll = X[0]!.length;
    this.keepTrees = keepTrees;
    this.g = engineInstance();
    const g = this.g;
    g.init(nTrain, nAll, p, depth, minObs, keepTrees);
    g.rngSeed(seed);
    // the memory does not grow after init(): these views stay valid
    const buf = g.memory.buffer;
    const xs = new Float64Array(buf, g.ptrX(), p * nAll);
    X.forEach((col, v) => xs.set(col, v * nAll));
    new Int32Array(buf, g.ptrOrder(), p * nTrain).set(order);
    new Float64Array(buf, g.ptrY(), nTrain).set(y);
    new Float64Array(buf, g.ptrW(), nTrain).set(w);
    this.F = new Float64Array(buf, g.ptrF(), nAll);
    g.start(initF);
  }

  /**
   * One boosting iteration: draws the bag (nBag rows by gbm's selection sampling), grows the tree on
   * the current residuals (kept while there is room for it), adds its shrunk leaf values to F and
   * returns the training deviance.
   */
  step(nBag: number, shrinkage: number): number {
    const keep = this.kept < this.keepTrees;
    if (keep) this.kept++;
    return this.g.step(nBag, shrinkage, keep);
  }

  /**
   * The kept trees (gbm's pre-order layout, leaves × shrinkage), copied out of the grower's memory
   * in one block: views into one ArrayBuffer in the layout of tree-layout.ts.
   */
  trees(): GbmTree[] {
    const g = this.g;
    const at = g.ptrTrees();
    const buf = g.memory.buffer.slice(at, at + g.treeBytes());
    const nodes = new Int32Array(g.memory.buffer, g.ptrTreeNodes(), this.kept);
    const out = new Array<GbmTree>(this.kept);
    let off = 0;
    for (let t = 0; t < this.kept; t++) {
      const m = nodes[t]!;
      out[t] = treeViews(buf, off, m);
      off += m * TREE_NODE_BYTES;
    }
    return out;
  }
}
