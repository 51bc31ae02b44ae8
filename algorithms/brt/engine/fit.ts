/**
 * fitGbm: gaussian boosting with R gbm 2.1.8's algorithm (src/gbm_engine.cpp CGBM::iterate,
 * src/gaussian.cpp, R/gbm.fit.R), train.fraction = 1.
 */
import { TreeGrower } from './tree-grow.js';
import type { GbmFitHooks, GbmFitOptions, GbmModel, GbmTree } from './types.js';
import { validateFitInput } from './validate.js';
import { neumaierSum } from './rsum.js';

/**
 * R's `order(x, na.last = FALSE)` for every column (stable, missing first), column v at
 * [v*n, (v+1)*n).
 */
export function presort(X: readonly Float64Array[]): Int32Array {
  const p = X.length;
  const n = X[0]!.length;
  const out = new Int32Array(p * n);
  const idx = new Array<number>(n);
  for (let v = 0; v < p; v++) {
    const x = X[v]!;
    for (let i = 0; i < n; i++) idx[i] = i;
    idx.sort((a, b) => {
      const xa = x[a]!;
      const xb = x[b]!;
      const na = xa !== xa;
      const nb = xb !== xb;
      if (na || nb) {
        if (na && nb) return a - b;
        return na ? -1 : 1;
      }
      return xa < xb ? -1 : xa > xb ? 1 : a - b;
    });
    out.set(idx, v * n);
  }
  return out;
}

/** Leaf value (already shrunk) of tree `t` for row `i` of column-major `X`; NaN = missing. */
export function treeValueAt(t: GbmTree, X: readonly Float64Array[], i: number): number {
  const sv = t.splitVar;
  const code = t.splitCodePred;
  let node = 0;
  let v = sv[0]!;
  while (v >= 0) {
    const x = X[v]![i]!;
    if (x < code[node]!) node = t.left[node]!;
    else if (x >= code[node]!) node = t.right[node]!;
    else node = t.missing[node]!;
    v = sv[node]!;
  }
  return code[node]!;
}

function abortError(): Error {
  const e = new Error('the gbm fit was cancelled');
  e.name = 'AbortError';
  return e;
}

/**
 * Fits a gaussian gbm. `X` is column-major (one Float64Array per predictor, NaN = missing),
 * `y` the target. With the same data, settings and `seed` the model equals R's
 * `set.seed(seed); gbm(y ~ ., distribution = "gaussian", ..., train.fraction = 1, cv.folds = 0)`
 * bit for bit (trees, initF, fitted values).
 */
export function fitGbm(X: readonly Float64Array[], y: Float64Array, opts: GbmFitOptions, hooks: GbmFitHooks = {}): GbmModel {
  return boost(X, y, opts, hooks, true);
}

/**
 * A fit for its held-out predictions only (a cross-validation fold): the same boosting as fitGbm,
 * filling `heldOut.pred` bit for bit as fitGbm would, but the trees are not kept (the returned
 * summary has the training error per tree).
 */
export function fitHeldOut(
  X: readonly Float64Array[],
  y: Float64Array,
  opts: GbmFitOptions,
  heldOut: NonNullable<GbmFitHooks['heldOut']>,
  hooks: Omit<GbmFitHooks, 'heldOut'> = {},
): { trainError: Float64Array } {
  return { trainError: boost(X, y, opts, { ...hooks, heldOut }, false).training.trainError };
}

function boost(X: readonly Float64Array[], y: Float64Array, opts: GbmFitOptions, hooks: GbmFitHooks, keepTrees: boolean): GbmModel {
  const names = validateFitInput(X, y, opts);
  const n = y.length;
  const p = X.length;
  const { nTrees, interactionDepth, shrinkage, nMinObsInNode, bagFraction, seed } = opts;
  const signal = hooks.signal;
  if (signal?.aborted) throw abortError();

  // weights: gbm.fit normalises them to sum to N (w * length(w) / sum(w))
  const w = new Float64Array(n);
  const weighted = opts.weights !== undefined;
  if (opts.weights) {
    const src = opts.weights;
    const tmp = new Float64Array(n);
    for (let i = 0; i < n; i++) tmp[i] = src[i]!;
    const total = neumaierSum(tmp);
    for (let i = 0; i < n; i++) w[i] = (tmp[i]! * n) / total;
  } else {
    w.fill(1);
  }

  // CGaussian::InitF: sequential weighted mean
  let sy = 0;
  let sw = 0;
  for (let i = 0; i < n; i++) {
    sy += w[i]! * y[i]!;
    sw += w[i]!;
  }
  const initF = sy / sw;

  const order = presort(X);
  // CGBM::Initialize: cTotalInBag = (unsigned long)(dBagFraction * cTrain)
  const nBag = Math.floor(bagFraction * n);
  // held-out rows ride along behind the training rows (see GbmFitHooks.heldOut)
  const held = hooks.heldOut;
  const m = held ? held.X[0]?.length ?? 0 : 0;
  if (held && (held.X.length !== p || held.X.some((c) => c.length !== m) || held.pred.length !== held.at.length)) {
    throw new Error(`held-out rows need ${p} columns of equal length and one output per tree count`);
  }
  if (held && held.at.some((k, i) => !Number.isInteger(k) || k < 1 || k > nTrees || (i > 0 && k <= held.at[i - 1]!) || held.pred[i]!.length !== m)) {
    throw new Error(`held-out tree counts must rise from 1 to ${nTrees}, each with an output of ${m} values; got ${held.at.join(', ')}`);
  }
  const grower = new TreeGrower(X, held?.X, order, y, w, initF, interactionDepth, nMinObsInNode, seed, keepTrees ? nTrees : 0);
  const F = grower.F;
  let nextAt = 0;
  const trainError = new Float64Array(nTrees);

  for (let t = 0; t < nTrees; t++) {
    if (signal?.aborted) throw abortError();
    // bagging (one unif_rand() per training row), the tree on the residuals, F += shrinkage × leaf
    // value, the next residuals; CGaussian::Deviance
    trainError[t] = grower.step(nBag, shrinkage);
    while (held && nextAt < held.at.length && held.at[nextAt] === t + 1) held.pred[nextAt++]!.set(F.subarray(n));
    hooks.onTree?.(t + 1, nTrees);
  }

  const trees = grower.trees();
  const min = new Float64Array(p);
  const max = new Float64Array(p);
  const missing = new Int32Array(p);
  for (let v = 0; v < p; v++) {
    let lo = Infinity;
    let hi = -Infinity;
    let miss = 0;
    const x = X[v]!;
    for (let i = 0; i < n; i++) {
      const a = x[i]!;
      if (a !== a) miss++;
      else {
        if (a < lo) lo = a;
        if (a > hi) hi = a;
      }
    }
    min[v] = lo;
    max[v] = hi;
    missing[v] = miss;
  }

  return {
    distribution: 'gaussian',
    predictorNames: names,
    params: { nTrees, interactionDepth, shrinkage, nMinObsInNode, bagFraction, seed },
    initF,
    nTrees,
    trees,
    training: { nRows: n, nBag, weighted, min, max, missing, trainError },
  };
}
