/**
 * Data types of the boosting engine: the model as plain data (typed arrays in memory; the model
 * file stores them as JSON arrays, see model-file.ts and docs/model-format.md).
 */

/** Hyper-parameters of one gaussian gbm fit (R gbm 2.1.8 names in comments). */
export interface GbmParams {
  /** n.trees: number of boosting iterations (trees). */
  nTrees: number;
  /** interaction.depth: number of splits per tree (not the depth of the tree). */
  interactionDepth: number;
  /** shrinkage: learning rate, applied to every leaf value. */
  shrinkage: number;
  /** n.minobsinnode: minimum number of in-bag rows (unweighted) in a left or right child. */
  nMinObsInNode: number;
  /** bag.fraction: fraction of the training rows drawn (without replacement) for each tree. */
  bagFraction: number;
  /** The value given to R's `set.seed()` before `gbm()`: the same seed gives the same model. */
  seed: number;
}

/** Options of fitGbm: the hyper-parameters plus optional case weights. */
export interface GbmFitOptions extends GbmParams {
  /**
   * Case weights (gbm's `weights`), one per row, >= 0. Like gbm they are rescaled to sum to the
   * number of rows. Omit for unit weights (the usual case).
   */
  weights?: Float64Array | readonly number[];
  /** Predictor names (default x1, x2, ...); stored in the model. */
  predictorNames?: readonly string[];
}

/** Callbacks while fitting. */
export interface GbmFitHooks {
  /** Called after tree `i` (1-based) is grown, with the total number of trees. */
  onTree?: (i: number, nTrees: number) => void;
  /** Checked before every tree; when aborted, fitGbm throws an Error named "AbortError". */
  signal?: AbortSignal;
  /**
   * Rows to predict while fitting (cross-validation's held-out rows): columns like X. They take no
   * part in the fit; each follows every tree's splits to its leaf as the training rows do, so
   * `pred[c]` receives exactly what predict() gives with the first `at[c]` trees (`at` ascending).
   */
  heldOut?: { X: readonly Float64Array[]; at: readonly number[]; pred: Float64Array[] };
}

/**
 * One tree as gbm stores it (`m$trees[[i]]`, the columns of `pretty.gbm.tree()`): parallel
 * arrays over the nodes in pre-order (node, left subtree, right subtree, missing subtree).
 */
export interface GbmTree {
  /** Split variable, 0-based column index; -1 for a leaf. */
  splitVar: Int32Array;
  /** The threshold (x < threshold goes left) for a split, the leaf value (already shrunk) for a leaf. */
  splitCodePred: Float64Array;
  /** Index of the left child, -1 for a leaf. */
  left: Int32Array;
  /** Index of the right child, -1 for a leaf. */
  right: Int32Array;
  /** Index of the missing-value child, -1 for a leaf. */
  missing: Int32Array;
  /** Reduction of the squared error by the split (0 for a leaf). */
  errorReduction: Float64Array;
  /** Total in-bag weight of the node (for a missing child without rows: its parent's weight). */
  weight: Float64Array;
  /** The node's prediction times the shrinkage (weighted mean of its children for a split). */
  prediction: Float64Array;
}

/** What the model remembers of its training data. */
export interface GbmTrainingSummary {
  /** Number of training rows. */
  nRows: number;
  /** In-bag rows per tree: floor(bagFraction * nRows). */
  nBag: number;
  /** True when case weights were given. */
  weighted: boolean;
  /** Per predictor: smallest non-missing training value (partial-dependence grid start). */
  min: Float64Array;
  /** Per predictor: largest non-missing training value (partial-dependence grid end). */
  max: Float64Array;
  /** Per predictor: number of missing training values. */
  missing: Int32Array;
  /** Training deviance (weighted mean squared error) after each tree, as gbm's train.error. */
  trainError: Float64Array;
}

/** A fitted gaussian gbm model, as plain data. */
export interface GbmModel {
  /** Always "gaussian" (squared-error loss). */
  distribution: 'gaussian';
  /** Predictor names in column order. */
  predictorNames: string[];
  /** Hyper-parameters and seed used. */
  params: GbmParams;
  /** The constant start value: weighted mean of the target, summed in row order. */
  initF: number;
  /** Number of trees (= trees.length). */
  nTrees: number;
  trees: GbmTree[];
  training: GbmTrainingSummary;
}
