// Bit-for-bit parity with R gbm 2.1.8.1 (fixtures from test/fixtures/brt/make_fixtures.R).
import { describe, it, expect } from 'vitest';
import {
  fitGbm,
  fitHeldOut,
  predict,
  predictMulti,
  relativeInfluence,
  partialDependence,
  partialDependenceBruteForce,
  type GbmModel,
} from '../../../algorithms/brt/engine/gbm.js';
import { CASES, columns, loadFixture, type RFixture } from './fixtures.js';

const TREE_FIELDS = [
  'splitVar',
  'splitCodePred',
  'left',
  'right',
  'missing',
  'errorReduction',
  'weight',
  'prediction',
] as const;

function fit(f: RFixture): GbmModel {
  return fitGbm(columns(f.x, f.varNames), Float64Array.from(f.y), {
    ...f.params,
    seed: f.seed,
    weights: f.weights ?? undefined,
    predictorNames: f.varNames,
  });
}

/** Relative difference allowed where R sums in long double (see influence.ts). */
function closeRel(a: number, b: number, tol = 4e-16): boolean {
  return a === b || Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b));
}

describe.each(CASES)('gbm parity: %s', (name) => {
  const f = loadFixture(name);
  const model = fit(f);

  it('has the same initF', () => {
    expect(model.initF).toBe(f.initF);
  });

  it('grows identical trees (every node field)', () => {
    expect(model.nTrees).toBe(f.params.nTrees);
    for (const rt of f.trees) {
      const t = model.trees[rt.index - 1]!;
      for (const k of TREE_FIELDS) {
        expect(Array.from(t[k]), `tree ${rt.index} ${k}`).toEqual(rt[k]);
      }
    }
  });

  it('gives the same fitted values (m$fit) and training error per tree', () => {
    const fitted = predict(model, columns(f.x, f.varNames));
    expect(Array.from(fitted)).toEqual(f.fit);
    expect(Array.from(model.training.trainError)).toEqual(f.trainError);
  });

  it('predicts held-out rows (with NA) as predict.gbm', () => {
    const X = columns(f.newdata, f.varNames);
    const counts = f.predict.map((p) => p.nTrees);
    const multi = predictMulti(model, X, counts);
    f.predict.forEach((p, i) => {
      expect(Array.from(predict(model, X, p.nTrees)), `n.trees ${p.nTrees}`).toEqual(p.values);
      expect(Array.from(multi[i]!)).toEqual(p.values);
    });
  });

  it('predicts held-out rows during the fit (cross-validation) as predict.gbm, without changing the fit', () => {
    const X = columns(f.newdata, f.varNames);
    const at = f.predict.map((p) => p.nTrees);
    const pred = at.map(() => new Float64Array(X[0]!.length));
    const m = fitGbm(columns(f.x, f.varNames), Float64Array.from(f.y), {
      ...f.params,
      seed: f.seed,
      weights: f.weights ?? undefined,
      predictorNames: f.varNames,
    }, { heldOut: { X, at, pred } });
    f.predict.forEach((p, i) => expect(Array.from(pred[i]!), `n.trees ${p.nTrees}`).toEqual(p.values));
    expect(Array.from(m.training.trainError)).toEqual(f.trainError);
    const rt = f.trees[f.trees.length - 1]!;
    expect(Array.from(m.trees[rt.index - 1]!.splitCodePred)).toEqual(rt.splitCodePred);
    // the same without keeping the trees (cross-validation folds)
    const pred2 = at.map(() => new Float64Array(X[0]!.length));
    const r = fitHeldOut(columns(f.x, f.varNames), Float64Array.from(f.y), {
      ...f.params,
      seed: f.seed,
      weights: f.weights ?? undefined,
      predictorNames: f.varNames,
    }, { X, at, pred: pred2 });
    f.predict.forEach((p, i) => expect(Array.from(pred2[i]!), `fitHeldOut n.trees ${p.nTrees}`).toEqual(p.values));
    expect(Array.from(r.trainError)).toEqual(f.trainError);
  });

  it('has the same relative influence and summary percentages', () => {
    const ri = relativeInfluence(model);
    expect(ri.names).toEqual(f.varNames);
    ri.raw.forEach((v, i) => expect(closeRel(v, f.relInf[i]!), `${f.varNames[i]}: ${v} vs ${f.relInf[i]}`).toBe(true));
    ri.percent.forEach((v, i) =>
      expect(closeRel(v, f.relInfPercent[i]!, 1e-15), `${f.varNames[i]}: ${v} vs ${f.relInfPercent[i]}`).toBe(true),
    );
    // in practice they are bit-identical on these fixtures
    expect(Array.from(ri.raw)).toEqual(f.relInf);
  });

  it('has the same partial dependence as plot.gbm(return.grid = TRUE)', () => {
    for (const pd of f.pd) {
      const r = partialDependence(model, pd.vars, { gridPoints: pd.resolution });
      r.grids.forEach((g, j) => expect(Array.from(g)).toEqual(pd.grid[j]));
      expect(Array.from(r.values)).toEqual(pd.y);
    }
  });
});

describe('engine properties', () => {
  const f = loadFixture('hassink');
  const X = columns(f.x, f.varNames);
  const y = Float64Array.from(f.y);

  it('is deterministic for a seed and changes with it', () => {
    const a = fitGbm(X, y, { ...f.params, nTrees: 50, seed: 3 });
    const b = fitGbm(X, y, { ...f.params, nTrees: 50, seed: 3 });
    const c = fitGbm(X, y, { ...f.params, nTrees: 50, seed: 4 });
    expect(Array.from(predict(a, X))).toEqual(Array.from(predict(b, X)));
    expect(Array.from(predict(a, X))).not.toEqual(Array.from(predict(c, X)));
  });

  it('brute-force partial dependence agrees with the weighted traversal', () => {
    const m = fit(loadFixture('small'));
    const sm = loadFixture('small');
    const Xs = columns(sm.x, sm.varNames);
    const fast = partialDependence(m, [0], { gridPoints: 20 });
    const slow = partialDependenceBruteForce(m, [0], Xs, { gridPoints: 20 });
    const range = Math.max(...fast.values) - Math.min(...fast.values);
    fast.values.forEach((v, i) => expect(Math.abs(v - slow.values[i]!)).toBeLessThan(0.15 * range));
  });

  it('reports progress and can be cancelled', () => {
    const seen: number[] = [];
    fitGbm(X, y, { ...f.params, nTrees: 5, seed: 1 }, { onTree: (i) => seen.push(i) });
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    const ac = new AbortController();
    expect(() =>
      fitGbm(X, y, { ...f.params, nTrees: 100, seed: 1 }, { signal: ac.signal, onTree: (i) => i === 3 && ac.abort() }),
    ).toThrow(/cancelled/);
  });

  it('treats NaN as missing in prediction (R sends only NA down the missing branch)', () => {
    const m = fit(loadFixture('missing'));
    const fm = loadFixture('missing');
    const Xn = columns(fm.newdata, fm.varNames);
    // rows with NA in the fixture were predicted by R with NA -> missing branch; NaN here does the same
    const p = predict(m, Xn);
    expect(Array.from(p)).toEqual(fm.predict.at(-1)!.values);
  });
});
