// SPDX-License-Identifier: GPL-2.0-or-later
// Descriptive statistics of one variable (the study's Table 1), ignoring missing values (NaN).
// Skewness g1 = m3 / m2^1.5 and kurtosis b2 = m4 / m2² are the moment (Pearson) forms; b2 is the
// non-excess kurtosis the study reports (≈ 1.8 for a uniform variable), excess = b2 − 3.
// SD uses n − 1. Quartiles follow R's default quantile type 7 (Hyndman & Fan 1996).

export interface Describe {
  n: number;
  missing: number;
  min: number;
  q1: number;
  median: number;
  mean: number;
  q3: number;
  max: number;
  sd: number;
  cv_percent: number;
  skewness: number;
  kurtosis: number;
  excess_kurtosis: number;
}

/** Quantile of sorted values, R type 7. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export function describe(values: ArrayLike<number>): Describe {
  const xs: number[] = [];
  let missing = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) missing++;
    else xs.push(v);
  }
  const n = xs.length;
  const sorted = Float64Array.from(xs).sort();
  let sum = 0;
  for (const v of xs) sum += v;
  const mean = n > 0 ? sum / n : NaN;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (const v of xs) {
    const d = v - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  const sd = n > 1 ? Math.sqrt(m2 / (n - 1)) : NaN;
  m2 /= n;
  m3 /= n;
  m4 /= n;
  const skewness = n > 2 && m2 > 0 ? m3 / Math.pow(m2, 1.5) : NaN;
  const kurtosis = n > 3 && m2 > 0 ? m4 / (m2 * m2) : NaN;
  return {
    n, missing,
    min: n ? sorted[0] : NaN,
    q1: quantileSorted(sorted, 0.25),
    median: quantileSorted(sorted, 0.5),
    mean,
    q3: quantileSorted(sorted, 0.75),
    max: n ? sorted[n - 1] : NaN,
    sd,
    cv_percent: n > 1 && mean !== 0 ? (100 * sd) / Math.abs(mean) : NaN,
    skewness,
    kurtosis,
    excess_kurtosis: kurtosis - 3,
  };
}
