/**
 * Checks of the data and hyper-parameters of a gbm fit. Every failure is a plain `Error` whose
 * message says what is wrong, where, and how to fix it.
 */
import type { GbmFitOptions } from './types.js';
import { checkSeed } from './rng.js';

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

/** Validates the hyper-parameters alone (no data). */
export function validateParams(opts: GbmFitOptions): void {
  if (opts === null || typeof opts !== 'object') throw new Error('gbm options must be an object');
  const { nTrees, interactionDepth, shrinkage, nMinObsInNode, bagFraction, seed } = opts;
  if (!isInt(nTrees) || nTrees < 1 || nTrees > 1_000_000) {
    throw new Error(`n.trees (number of trees) must be a whole number from 1 to 1000000, got ${String(nTrees)}`);
  }
  if (!isInt(interactionDepth) || interactionDepth < 1 || interactionDepth > 1000) {
    throw new Error(
      `interaction.depth (number of splits per tree) must be a whole number from 1 to 1000, got ${String(interactionDepth)}`,
    );
  }
  if (typeof shrinkage !== 'number' || !Number.isFinite(shrinkage) || shrinkage <= 0 || shrinkage > 1) {
    throw new Error(
      `shrinkage (learning rate) must be a number greater than 0 and at most 1, got ${String(shrinkage)}; typical values are 0.001 to 0.1`,
    );
  }
  if (!isInt(nMinObsInNode) || nMinObsInNode < 1) {
    throw new Error(`n.minobsinnode (minimum rows per node) must be a whole number of at least 1, got ${String(nMinObsInNode)}`);
  }
  if (typeof bagFraction !== 'number' || !Number.isFinite(bagFraction) || bagFraction <= 0 || bagFraction > 1) {
    throw new Error(`bag.fraction must be a number greater than 0 and at most 1, got ${String(bagFraction)}`);
  }
  checkSeed(seed);
}

/**
 * Validates data and settings together; returns the predictor names to use.
 * `X` is column-major: one array per predictor, NaN = missing.
 */
export function validateFitInput(X: readonly Float64Array[], y: Float64Array, opts: GbmFitOptions): string[] {
  validateParams(opts);
  if (!Array.isArray(X) || X.length === 0) throw new Error('no predictors given: gbm needs at least one predictor column');
  if (!(y instanceof Float64Array)) throw new Error('the target must be a Float64Array');
  const n = y.length;
  if (n === 0) throw new Error('no training rows: the target is empty');
  const p = X.length;
  const names = opts.predictorNames ? [...opts.predictorNames] : Array.from({ length: p }, (_, j) => `x${j + 1}`);
  if (names.length !== p) {
    throw new Error(`${names.length} predictor names given for ${p} predictor columns`);
  }
  const seen = new Set<string>();
  for (const nm of names) {
    if (typeof nm !== 'string' || nm.length === 0) throw new Error('predictor names must be non-empty strings');
    if (seen.has(nm)) throw new Error(`predictor name '${nm}' is given twice; names must be unique`);
    seen.add(nm);
  }
  for (let j = 0; j < p; j++) {
    const col = X[j];
    if (!(col instanceof Float64Array)) throw new Error(`predictor '${names[j]}' must be a Float64Array`);
    if (col.length !== n) {
      throw new Error(`predictor '${names[j]}' has ${col.length} values but the target has ${n}; every column needs one value per row`);
    }
    let any = false;
    for (let i = 0; i < n; i++) {
      const v = col[i]!;
      if (v === v) {
        if (!Number.isFinite(v)) {
          throw new Error(`predictor '${names[j]}' has an infinite value at row ${i + 1}; use a finite number or leave it missing`);
        }
        any = true;
      }
    }
    if (!any) throw new Error(`predictor '${names[j]}' has only missing values; drop it from the predictors`);
  }
  for (let i = 0; i < n; i++) {
    const v = y[i]!;
    if (v !== v) throw new Error(`the target is missing at row ${i + 1}; remove rows without a target value before fitting`);
    if (!Number.isFinite(v)) throw new Error(`the target is infinite at row ${i + 1}`);
  }
  let constant = true;
  for (let i = 1; i < n; i++) {
    if (y[i] !== y[0]) {
      constant = false;
      break;
    }
  }
  if (constant) {
    throw new Error(`the target is constant (every row is ${y[0]}): there is nothing for boosted trees to model`);
  }
  if (opts.weights !== undefined) {
    const w = opts.weights;
    if (w.length !== n) throw new Error(`${w.length} weights given for ${n} rows; give one weight per row`);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const v = w[i]!;
      if (!(v >= 0) || !Number.isFinite(v)) {
        throw new Error(`weight at row ${i + 1} is ${v}; weights must be finite numbers of at least 0`);
      }
      sum += v;
    }
    if (!(sum > 0)) throw new Error('all weights are 0; at least one row needs a positive weight');
  }
  // gbm.fit: if(nTrain * bag.fraction <= 2 * n.minobsinnode + 1) stop(...)
  const { bagFraction, nMinObsInNode } = opts;
  if (n * bagFraction <= 2 * nMinObsInNode + 1) {
    throw new Error(
      `too few rows for these settings: rows × bag.fraction = ${n} × ${bagFraction} = ${+(n * bagFraction).toPrecision(10)} ` +
        `must be more than 2 × n.minobsinnode + 1 = ${2 * nMinObsInNode + 1} (gbm refuses the same); ` +
        'use more rows, a larger bag.fraction or a smaller n.minobsinnode',
    );
  }
  return names;
}
