// SPDX-License-Identifier: GPL-2.0-or-later
// Fold assignment for repeated k-fold cross-validation. Every random choice comes from R's
// Mersenne-Twister seeded with the repeat's seed, so folds depend only on (SEED, repeat), never on
// the number of threads.
//   random      rows shuffled, dealt to folds in turn (fold sizes differ by at most one)
//   stratified  the same within each stratum, continuing the deal across strata, so every fold
//               holds each stratum in proportion
//   spatial     blocks: square blocks of BLOCK_SIZE map units, whole blocks dealt to folds;
//               kmeans: k-means (Lloyd, k-means++ start) of the coordinates into FOLDS clusters
//   field       the user's fold ids (any values; each distinct value is one fold)

import { RMersenneTwister } from '../engine/rng.js';

export type FoldMethod = 'random' | 'stratified' | 'spatial' | 'field';

/** Fisher–Yates with R's unif_rand: a permutation of 0..n-1. */
export function permutation(n: number, rng: RMersenneTwister): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.unifRand() * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

export function randomFolds(n: number, k: number, rng: RMersenneTwister): Int32Array {
  const f = new Int32Array(n);
  const p = permutation(n, rng);
  for (let i = 0; i < n; i++) f[p[i]] = i % k;
  return f;
}

export function stratifiedFolds(strata: readonly string[], k: number, rng: RMersenneTwister): Int32Array {
  const f = new Int32Array(strata.length);
  const groups = new Map<string, number[]>();
  strata.forEach((s, i) => {
    const g = groups.get(s);
    if (g) g.push(i);
    else groups.set(s, [i]);
  });
  let deal = 0;
  for (const key of [...groups.keys()].sort()) {
    const rows = groups.get(key)!;
    const p = permutation(rows.length, rng);
    for (let i = 0; i < rows.length; i++) f[rows[p[i]]] = deal++ % k;
  }
  return f;
}

export function blockFolds(x: Float64Array, y: Float64Array, blockSize: number, k: number, rng: RMersenneTwister): Int32Array {
  const keys = new Map<string, number>();
  const blockOf = new Int32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const key = `${Math.floor(x[i] / blockSize)},${Math.floor(y[i] / blockSize)}`;
    let b = keys.get(key);
    if (b === undefined) {
      b = keys.size;
      keys.set(key, b);
    }
    blockOf[i] = b;
  }
  const nb = keys.size;
  if (nb < k) throw new Error(`only ${nb} spatial blocks of ${blockSize} map units hold samples, fewer than FOLDS=${k}; use a smaller BLOCK_SIZE or fewer folds`);
  const blockFold = randomFolds(nb, k, rng);
  const f = new Int32Array(x.length);
  for (let i = 0; i < x.length; i++) f[i] = blockFold[blockOf[i]];
  return f;
}

export function kmeansFolds(x: Float64Array, y: Float64Array, k: number, rng: RMersenneTwister, iterations = 100): Int32Array {
  const n = x.length;
  if (n < k) throw new Error(`${n} samples cannot form ${k} spatial clusters`);
  // k-means++ seeding (Arthur & Vassilvitskii 2007)
  const cx = new Float64Array(k);
  const cy = new Float64Array(k);
  const d2 = new Float64Array(n).fill(Infinity);
  let first = Math.floor(rng.unifRand() * n);
  cx[0] = x[first];
  cy[0] = y[first];
  for (let c = 1; c < k; c++) {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const d = (x[i] - cx[c - 1]) ** 2 + (y[i] - cy[c - 1]) ** 2;
      if (d < d2[i]) d2[i] = d;
      sum += d2[i];
    }
    let target = rng.unifRand() * sum;
    first = n - 1;
    for (let i = 0; i < n; i++) {
      target -= d2[i];
      if (target <= 0) {
        first = i;
        break;
      }
    }
    cx[c] = x[first];
    cy[c] = y[first];
  }
  const f = new Int32Array(n);
  for (let it = 0; it < iterations; it++) {
    let changed = false;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bd = Infinity;
      for (let c = 0; c < k; c++) {
        const d = (x[i] - cx[c]) ** 2 + (y[i] - cy[c]) ** 2;
        if (d < bd) {
          bd = d;
          best = c;
        }
      }
      if (f[i] !== best || it === 0) {
        changed = changed || f[i] !== best;
        f[i] = best;
      }
    }
    const sx = new Float64Array(k);
    const sy = new Float64Array(k);
    const cnt = new Int32Array(k);
    for (let i = 0; i < n; i++) {
      sx[f[i]] += x[i];
      sy[f[i]] += y[i];
      cnt[f[i]]++;
    }
    for (let c = 0; c < k; c++) {
      if (cnt[c] > 0) {
        cx[c] = sx[c] / cnt[c];
        cy[c] = sy[c] / cnt[c];
      }
    }
    if (!changed && it > 0) break;
  }
  // an empty cluster would be an empty fold: renumber the used clusters
  const used = [...new Set(f)].sort((a, b) => a - b);
  if (used.length < k) throw new Error(`k-means gave only ${used.length} non-empty spatial clusters for FOLDS=${k}; use fewer folds`);
  return f;
}

/** Fold ids from a user field: distinct values in sorted order become folds 0..m-1. */
export function fieldFolds(values: readonly (string | number)[]): { folds: Int32Array; k: number; labels: string[] } {
  const labels = [...new Set(values.map(String))].sort((a, b) => (Number(a) - Number(b)) || a.localeCompare(b));
  const idx = new Map(labels.map((l, i) => [l, i]));
  return { folds: Int32Array.from(values, (v) => idx.get(String(v))!), k: labels.length, labels };
}
