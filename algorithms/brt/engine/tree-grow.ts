/**
 * The host side of the WebAssembly tree grower (wasm/grower.ts, gbm 2.1.8's bagging, tree growing
 * and boosting step bit for bit): one instance, with its own memory, per fit. The constructor
 * copies the fit's data in; the fit runs step() once per tree and takes the kept trees with
 * trees() at the end. F, the current fit of every row, is a view into that memory.
 */
import type { GbmTree } from './types.js';
import { TREE_NODE_BYTES, treeViews } from './tree-layout.js';
import { engineInstance, growerBytes, type EngineExports } from './wasm-module.js';

/** Trees the grower's memory holds before the host copies them out (bounds its memory). */
const TREE_BLOCK = 256;

export class TreeGrower {
  private readonly g: EngineExports;
  private readonly memory: WebAssembly.Memory;
  /** Current fit of every row (training rows, then held-out rows). */
  readonly F: Float64Array;
  private readonly keepTrees: number;
  private readonly block: number;
  /** trees kept so far, and how many of them are still in the grower's memory */
  private kept = 0;
  private inMemory = 0;
  /** trees copied out: one buffer and the node counts per block */
  private readonly blocks: { buf: ArrayBuffer; nodes: Int32Array }[] = [];

  /**
   * `X` holds the training rows, `held` (same columns) optional held-out rows: those are never
   * searched nor bagged, but their F follows every tree (F holds the training rows, then the
   * held-out rows). `order` is the training rows' presort, `w` the (normalised) weights; F starts
   * at `initF` everywhere. The bagging draws R's uniform stream after `set.seed(seed)` (the fit
   * has validated the seed). The first `keepTrees` trees are kept (0 when only F is wanted:
   * cross-validation folds).
   */
  constructor(
    X: readonly Float64Array[],
    held: readonly Float64Array[] | undefined,
    order: Int32Array,
    y: Float64Array,
    w: Float64Array,
    initF: number,
    depth: number,
    minObs: number,
    seed: number,
    keepTrees: number,
  ) {
    const p = X.length;
    const nTrain = X[0]!.length;
    const nAll = nTrain + (held?.[0]?.length ?? 0);
    this.keepTrees = keepTrees;
    this.block = Math.min(keepTrees, TREE_BLOCK);
    const bytes = growerBytes(nTrain, nAll, p, depth, minObs, this.block);
    const inst = engineInstance(bytes);
    if (!inst) {
      throw new Error(
        `${nAll} rows × ${p} predictors are too many for one boosted-trees fit: the engine's working memory ` +
          `(${Math.ceil(bytes / 2 ** 20)} MB) must stay below 4 GB and be available; fit on a sample of the rows`,
      );
    }
    this.g = inst.exports;
    this.memory = inst.memory;
    const g = this.g;
    g.init(nTrain, nAll, p, depth, minObs, this.block);
    g.rngSeed(seed);
    // the memory never grows: these views stay valid
    const buf = this.memory.buffer;
    const xs = new Float64Array(buf, g.ptrX(), p * nAll);
    X.forEach((col, v) => xs.set(col, v * nAll));
    held?.forEach((col, v) => xs.set(col, v * nAll + nTrain));
    new Int32Array(buf, g.ptrOrder(), p * nTrain).set(order);
    new Float64Array(buf, g.ptrY(), nTrain).set(y);
    new Float64Array(buf, g.ptrW(), nTrain).set(w);
    this.F = new Float64Array(buf, g.ptrF(), nAll);
    g.start(initF);
  }

  /**
   * One boosting iteration: draws the bag (nBag rows by gbm's selection sampling), grows the tree on
   * the current residuals (kept when among the first keepTrees), adds its shrunk leaf values to F
   * and returns the training deviance.
   */
  step(nBag: number, shrinkage: number): number {
    const keep = this.kept < this.keepTrees;
    if (keep) {
      if (this.inMemory === this.block) this.copyOut();
      this.kept++;
      this.inMemory++;
    }
    return this.g.step(nBag, shrinkage, keep);
  }

  /** Moves the trees in the grower's memory into a buffer of their own. */
  private copyOut(): void {
    const g = this.g;
    const at = g.ptrTrees();
    const buf = this.memory.buffer;
    this.blocks.push({
      buf: buf.slice(at, at + g.treeBytes()),
      nodes: new Int32Array(buf, g.ptrTreeNodes(), this.inMemory).slice(),
    });
    g.clearTrees();
    this.inMemory = 0;
  }

  /**
   * The kept trees (gbm's pre-order layout, leaves × shrinkage): views into a few buffers (one per
   * block of trees), in the layout of tree-layout.ts.
   */
  trees(): GbmTree[] {
    if (this.inMemory > 0) this.copyOut();
    const out: GbmTree[] = [];
    for (const { buf, nodes } of this.blocks) {
      let off = 0;
      for (const m of nodes) {
        out.push(treeViews(buf, off, m));
        off += m * TREE_NODE_BYTES;
      }
    }
    return out;
  }
}
