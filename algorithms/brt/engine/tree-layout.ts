/**
 * One memory layout for a tree's eight arrays, shared by the grower (a fit's trees are views into
 * one buffer) and binary model sets (a set's trees are views into the decompressed file): for m
 * nodes, 48·m bytes — splitCodePred, errorReduction, weight, prediction (float64), then
 * splitVar, left, right, missing (int32). `offset` must be a multiple of 8.
 */
import type { GbmTree } from './types.js';

/** Bytes per node. */
export const TREE_NODE_BYTES = 48;

/** The tree of m nodes stored at `offset` of `buf`, as views (no copy). */
export function treeViews(buf: ArrayBuffer, offset: number, m: number): GbmTree {
  return {
    splitCodePred: new Float64Array(buf, offset, m),
    errorReduction: new Float64Array(buf, offset + 8 * m, m),
    weight: new Float64Array(buf, offset + 16 * m, m),
    prediction: new Float64Array(buf, offset + 24 * m, m),
    splitVar: new Int32Array(buf, offset + 32 * m, m),
    left: new Int32Array(buf, offset + 36 * m, m),
    right: new Int32Array(buf, offset + 40 * m, m),
    missing: new Int32Array(buf, offset + 44 * m, m),
  };
}

/** The tree's arrays in layout order (for writing them one after another). */
export function treeArraysInLayoutOrder(t: GbmTree): (Float64Array | Int32Array)[] {
  return [t.splitCodePred, t.errorReduction, t.weight, t.prediction, t.splitVar, t.left, t.right, t.missing];
}
