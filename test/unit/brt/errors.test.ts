import { describe, it, expect } from 'vitest';
import { fitGbm, fitHeldOut, predict, columnsByName, partialDependence, relativeInfluence } from '../../../algorithms/brt/engine/gbm.js';
import type { GbmFitOptions } from '../../../algorithms/brt/engine/gbm.js';
import { TreeGrower } from '../../../algorithms/brt/engine/tree-grow.js';

const n = 40;
const X = [Float64Array.from({ length: n }, (_, i) => i), Float64Array.from({ length: n }, (_, i) => (i * 7) % 11)];
const y = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
const ok: GbmFitOptions = { nTrees: 5, interactionDepth: 2, shrinkage: 0.1, nMinObsInNode: 5, bagFraction: 0.8, seed: 1 };

describe('plain-words errors', () => {
  it("gbm's too-few-rows rule: nTrain * bag.fraction <= 2 * n.minobsinnode + 1", () => {
    // 40 * 0.5 = 20 <= 2 * 10 + 1 = 21 -> gbm stops; 40 * 0.8 = 32 > 21 fits
    expect(() => fitGbm(X, y, { ...ok, nMinObsInNode: 10, bagFraction: 0.5 })).toThrow(
      /too few rows.*40 × 0\.5 = 20.*2 × n\.minobsinnode \+ 1 = 21/,
    );
    expect(() => fitGbm(X, y, { ...ok, nMinObsInNode: 10, bagFraction: 0.8 })).not.toThrow();
  });

  it('held-out rows of the wrong shape or tree counts out of order', () => {
    const Xt = X.map((c) => c.slice(0, 3));
    const out = () => [new Float64Array(3), new Float64Array(3)];
    expect(() => fitHeldOut(X, y, ok, { X: Xt, at: [3, 2], pred: out() })).toThrow(/tree counts must rise from 1 to 5.*3, 2/);
    expect(() => fitHeldOut(X, y, ok, { X: Xt, at: [2, 6], pred: out() })).toThrow(/from 1 to 5/);
    expect(() => fitHeldOut(X, y, ok, { X: [Xt[0]!], at: [5], pred: [new Float64Array(3)] })).toThrow(/2 columns of equal length/);
    expect(() => fitHeldOut(X, y, ok, { X: Xt, at: [2, 5], pred: out() })).not.toThrow();
  });

  it('data beyond what the engine memory can hold (4 GB) is refused before anything is copied', () => {
    // 600 predictors × 1e6 rows × 8 bytes = 4.8 GB for the predictor columns alone (one column
    // repeated: the grower refuses before it reads them)
    const col = new Float64Array(1e6);
    const ys = new Float64Array(1e6);
    const grow = (p: number) => new TreeGrower(Array(p).fill(col), undefined, new Int32Array(0), ys, ys, 0, 9, 10, 1, 0);
    expect(() => grow(600)).toThrow(/1000000 rows × 600 predictors are too many.*below 4 GB.*fit on a sample/);
  });

  it('constant or missing target', () => {
    expect(() => fitGbm(X, new Float64Array(n).fill(3), ok)).toThrow(/target is constant.*3/);
    const yy = y.slice();
    yy[4] = NaN;
    expect(() => fitGbm(X, yy, ok)).toThrow(/target is missing at row 5/);
  });

  it('out-of-range hyper-parameters', () => {
    expect(() => fitGbm(X, y, { ...ok, nTrees: 0 })).toThrow(/n\.trees.*got 0/);
    expect(() => fitGbm(X, y, { ...ok, nTrees: 2.5 })).toThrow(/n\.trees/);
    expect(() => fitGbm(X, y, { ...ok, interactionDepth: 0 })).toThrow(/interaction\.depth/);
    expect(() => fitGbm(X, y, { ...ok, shrinkage: 0 })).toThrow(/shrinkage.*greater than 0/);
    expect(() => fitGbm(X, y, { ...ok, shrinkage: 1.5 })).toThrow(/shrinkage/);
    expect(() => fitGbm(X, y, { ...ok, nMinObsInNode: 0 })).toThrow(/n\.minobsinnode/);
    expect(() => fitGbm(X, y, { ...ok, bagFraction: 0 })).toThrow(/bag\.fraction/);
    expect(() => fitGbm(X, y, { ...ok, bagFraction: 1.2 })).toThrow(/bag\.fraction/);
    expect(() => fitGbm(X, y, { ...ok, seed: 0.5 })).toThrow(/seed/);
    expect(() => fitGbm(X, y, { ...ok, nTrees: NaN })).toThrow(/n\.trees/);
  });

  it('bad data shapes', () => {
    expect(() => fitGbm([], y, ok)).toThrow(/no predictors/);
    expect(() => fitGbm([X[0]!, X[1]!.subarray(1)], y, ok)).toThrow(/predictor 'x2' has 39 values but the target has 40/);
    expect(() => fitGbm([X[0]!, new Float64Array(n).fill(NaN)], y, ok)).toThrow(/'x2' has only missing values/);
    expect(() => fitGbm(X, y, { ...ok, predictorNames: ['a'] })).toThrow(/1 predictor names given for 2/);
    expect(() => fitGbm(X, y, { ...ok, predictorNames: ['a', 'a'] })).toThrow(/'a' is given twice/);
    expect(() => fitGbm(X, y, { ...ok, weights: new Float64Array(3) })).toThrow(/3 weights given for 40 rows/);
    expect(() => fitGbm(X, y, { ...ok, weights: new Float64Array(n).fill(-1) })).toThrow(/weight at row 1 is -1/);
  });

  it('model use errors name what is wrong', () => {
    const m = fitGbm(X, y, { ...ok, predictorNames: ['elevation', 'slope'] });
    expect(() => columnsByName(m, { elevation: X[0]! })).toThrow(/lack the predictor 'slope'/);
    expect(() => predict(m, [X[0]!])).toThrow(/2 predictors but 1 columns/);
    expect(() => predict(m, X, 6)).toThrow(/nTrees must be a whole number from 0 to 5/);
    expect(() => relativeInfluence(m, 0)).toThrow(/nTrees/);
    expect(() => partialDependence(m, [2])).toThrow(/predictor index 2 is out of range/);
  });
});
