// SPDX-License-Identifier: GPL-2.0-or-later
// Dissimilarity index and area of applicability (Meyer & Pebesma 2021, Methods in Ecology and
// Evolution 12: 1620–1633; as in R CAST::aoa). No I/O.
//   Predictors are standardised by the training mean and SD and multiplied by their importance
//   weight. d̄ = mean Euclidean distance between all pairs of training points. For a new point,
//   DI = (distance to the nearest training point) / d̄. The threshold is learned by
//   cross-validation: each training point's DI to the training points outside its own fold; the
//   threshold is the upper whisker of their boxplot — the largest training DI ≤ Q3 + 1.5·IQR
//   (quartiles as R's quantile type 7, as boxplot.stats uses fivenum's hinges — see note).
//   A point is inside the area of applicability when DI ≤ threshold.
// Note: CAST uses grDevices::boxplot.stats, whose hinges are Tukey's fivenum; we follow it.

export interface AoaModel {
  mean: Float64Array;
  sd: Float64Array;
  weight: Float64Array;
  /** standardised, weighted training points, row-major n × p */
  train: Float64Array;
  n: number;
  p: number;
  dBar: number;
  threshold: number;
  /** cross-validated DI of each training point */
  trainDi: Float64Array;
}

/** Tukey's five-number summary hinges (R fivenum). */
export function fivenum(sorted: ArrayLike<number>): [number, number, number, number, number] {
  const n = sorted.length;
  const n4 = Math.floor((n + 3) / 2) / 2;
  const d = [1, n4, (n + 1) / 2, n + 1 - n4, n];
  const at = (k: number) => 0.5 * (sorted[Math.floor(k) - 1] + sorted[Math.ceil(k) - 1]);
  return d.map(at) as [number, number, number, number, number];
}

/** Upper whisker of boxplot.stats (coef 1.5): the largest value ≤ Q3 + 1.5·(Q3 − Q1). */
export function upperWhisker(values: ArrayLike<number>): number {
  const s = Float64Array.from(values).filter((v) => !Number.isNaN(v)).sort();
  const [, q1, , q3] = fivenum(s);
  const limit = q3 + 1.5 * (q3 - q1);
  let w = -Infinity;
  for (const v of s) if (v <= limit) w = v;
  return w;
}

/**
 * Build the AOA model. `X` column-major training predictors (no missing values), `weights` one per
 * predictor (e.g. relative influence), `folds` the CV fold of each training row.
 */
export function buildAoa(X: Float64Array[], weights: ArrayLike<number>, folds: Int32Array): AoaModel {
  const p = X.length;
  const n = X[0].length;
  const mean = new Float64Array(p);
  const sd = new Float64Array(p);
  const weight = Float64Array.from(weights);
  for (let j = 0; j < p; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += X[j][i];
    mean[j] = s / n;
    let q = 0;
    for (let i = 0; i < n; i++) q += (X[j][i] - mean[j]) ** 2;
    sd[j] = Math.sqrt(q / (n - 1));
  }
  const train = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) train[i * p + j] = sd[j] > 0 ? ((X[j][i] - mean[j]) / sd[j]) * weight[j] : 0;
  }
  const dist = (a: number, b: number) => {
    let s = 0;
    for (let j = 0; j < p; j++) s += (train[a * p + j] - train[b * p + j]) ** 2;
    return Math.sqrt(s);
  };
  let sum = 0;
  let pairs = 0;
  for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) {
    sum += dist(a, b);
    pairs++;
  }
  const dBar = pairs > 0 ? sum / pairs : NaN;
  const trainDi = new Float64Array(n);
  for (let a = 0; a < n; a++) {
    let best = Infinity;
    for (let b = 0; b < n; b++) if (folds[b] !== folds[a]) best = Math.min(best, dist(a, b));
    trainDi[a] = best / dBar;
  }
  return { mean, sd, weight, train, n, p, dBar, threshold: upperWhisker(trainDi), trainDi };
}

/** DI of new points (column-major, NaN → NaN). */
export function dissimilarity(m: AoaModel, X: Float64Array[]): Float64Array {
  const k = X[0].length;
  const out = new Float64Array(k);
  const z = new Float64Array(m.p);
  for (let i = 0; i < k; i++) {
    let bad = false;
    for (let j = 0; j < m.p; j++) {
      const v = X[j][i];
      if (Number.isNaN(v)) {
        bad = true;
        break;
      }
      z[j] = m.sd[j] > 0 ? ((v - m.mean[j]) / m.sd[j]) * m.weight[j] : 0;
    }
    if (bad) {
      out[i] = NaN;
      continue;
    }
    let best = Infinity;
    for (let t = 0; t < m.n; t++) {
      let s = 0;
      const base = t * m.p;
      for (let j = 0; j < m.p && s < best; j++) s += (z[j] - m.train[base + j]) ** 2;
      if (s < best) best = s;
    }
    out[i] = Math.sqrt(best) / m.dBar;
  }
  return out;
}
