// SPDX-License-Identifier: GPL-2.0-or-later
// Fuzzy c-means clustering (Bezdek 1981, "Pattern Recognition with Fuzzy Objective Function
// Algorithms", Plenum; Bezdek, Ehrlich & Full 1984, Computers & Geosciences 10:191–203), the
// method the study used (after Zhu et al.'s purposive sampling of landscape units) to split the
// standardised covariate space into 27 classes. Pure numerics on typed arrays; no GDAL.
//
// Objective J_m(U, V) = Σ_k Σ_i u_ik^m ‖x_k − v_i‖², minimised by alternating
//   u_ik = 1 / Σ_j (‖x_k − v_i‖² / ‖x_k − v_j‖²)^(1/(m−1))       (membership update)
//   v_i  = Σ_k u_ik^m x_k / Σ_k u_ik^m                                (centroid update)
// until the largest change of any membership is below the tolerance (Bezdek's ‖U(t+1) − U(t)‖ < ε
// in the max norm) or the iteration cap is reached. A point that coincides with one or more
// centroids belongs to them alone, shared equally (Bezdek's singularity rule).
// Initial centroids: k-means++ seeding (Arthur & Vassilvitskii 2007) with the seeded generator, so
// that well-separated clusters are found reliably and runs are reproducible.
//
// Data layout: n points × d variables, row-major (x[k * d + j]); centroids c × d; memberships
// n × c (U[k * c + i]).

import type { Rng } from './prng.js';

export interface FcmOptions {
  classes: number;
  /** the fuzziness exponent m > 1 (2 in the study) */
  fuzziness: number;
  /** stop when max |Δu| < tolerance */
  tolerance: number;
  maxIterations: number;
  rng: Rng;
  /** initial centroids (c × d); default: k-means++ seeding */
  init?: Float64Array;
  /** called once per iteration (cancellation, progress) */
  onIteration?: (iteration: number, maxChange: number) => void;
}

export interface FcmResult {
  centroids: Float64Array;
  memberships: Float64Array;
  iterations: number;
  converged: boolean;
  /** last max |Δu| */
  maxChange: number;
  /** J_m at the final U and V */
  objective: number;
  /** Bezdek's partition coefficient F = (1/n) Σ_k Σ_i u_ik², in [1/c, 1] */
  partitionCoefficient: number;
  /** partition entropy H = −(1/n) Σ Σ u ln u, in [0, ln c] */
  partitionEntropy: number;
}

/**
 * x^p for the exponents FCM needs, fast for the common fuzziness values: integer p (m = 2 → 1/(m−1)
 * = 1; m = 1.5 → 2; m = 1.25 → 4) by multiplication, half-integer p (u^1.5) with one square root,
 * anything else with Math.pow.
 */
export function powFn(p: number): (x: number) => number {
  if (p === 1) return (x) => x;
  if (p === 2) return (x) => x * x;
  if (Number.isInteger(p) && p > 0 && p <= 16) {
    return (x) => {
      let r = x;
      for (let q = 1; q < p; q++) r *= x;
      return r;
    };
  }
  if (Number.isInteger(2 * p) && p > 0 && p <= 16) {
    const whole = Math.floor(p);
    return (x) => {
      let r = Math.sqrt(x);
      for (let q = 0; q < whole; q++) r *= x;
      return r;
    };
  }
  return (x) => Math.pow(x, p);
}

/**
 * Memberships of one point (z: d values from `offset`) to c centroids, written to out[outOffset..+c).
 * Uses ratios to the nearest centroid so nothing under- or overflows for any m > 1.
 */
export function pointMemberships(
  z: ArrayLike<number>, offset: number, centroids: Float64Array, c: number, d: number, m: number,
  out: Float64Array, outOffset: number, d2: Float64Array, powE?: (x: number) => number,
): void {
  let dmin = Infinity;
  for (let i = 0; i < c; i++) {
    let s = 0;
    const vo = i * d;
    for (let j = 0; j < d; j++) {
      const t = z[offset + j] - centroids[vo + j];
      s += t * t;
    }
    d2[i] = s;
    if (s < dmin) dmin = s;
  }
  if (dmin === 0) {
    let zeros = 0;
    for (let i = 0; i < c; i++) if (d2[i] === 0) zeros++;
    for (let i = 0; i < c; i++) out[outOffset + i] = d2[i] === 0 ? 1 / zeros : 0;
    return;
  }
  const pe = powE ?? powFn(1 / (m - 1));
  let sum = 0;
  for (let i = 0; i < c; i++) {
    const w = pe(dmin / d2[i]);
    out[outOffset + i] = w;
    sum += w;
  }
  const inv = 1 / sum;
  for (let i = 0; i < c; i++) out[outOffset + i] *= inv;
}

/** Membership update for all n points; returns the largest change against the previous U (when given). */
export function updateMemberships(
  x: Float64Array, n: number, d: number, centroids: Float64Array, c: number, m: number,
  U: Float64Array, previous?: Float64Array,
): number {
  const d2 = new Float64Array(c);
  const pe = powFn(1 / (m - 1));
  let maxChange = 0;
  for (let k = 0; k < n; k++) {
    pointMemberships(x, k * d, centroids, c, d, m, U, k * c, d2, pe);
    if (previous) {
      for (let i = 0; i < c; i++) {
        const ch = Math.abs(U[k * c + i] - previous[k * c + i]);
        if (ch > maxChange) maxChange = ch;
      }
    }
  }
  return maxChange;
}

/**
 * Centroid update v_i = Σ u^m x / Σ u^m. A class with no weight at all (impossible with m > 1 and
 * finite distances, but kept safe) keeps its previous centroid.
 */
export function updateCentroids(
  x: Float64Array, n: number, d: number, U: Float64Array, c: number, m: number, centroids: Float64Array,
): void {
  const num = new Float64Array(c * d);
  const den = new Float64Array(c);
  const w = new Float64Array(c);
  const pm = powFn(m);
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < c; i++) {
      const u = U[k * c + i];
      w[i] = pm(u);
      den[i] += w[i];
    }
    for (let i = 0; i < c; i++) {
      const wi = w[i];
      if (wi === 0) continue;
      const no = i * d;
      const xo = k * d;
      for (let j = 0; j < d; j++) num[no + j] += wi * x[xo + j];
    }
  }
  for (let i = 0; i < c; i++) {
    if (den[i] > 0) for (let j = 0; j < d; j++) centroids[i * d + j] = num[i * d + j] / den[i];
  }
}

/** J_m = Σ_k Σ_i u_ik^m ‖x_k − v_i‖². */
export function objective(x: Float64Array, n: number, d: number, U: Float64Array, centroids: Float64Array, c: number, m: number): number {
  let J = 0;
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < c; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) {
        const t = x[k * d + j] - centroids[i * d + j];
        s += t * t;
      }
      J += Math.pow(U[k * c + i], m) * s;
    }
  }
  return J;
}

/** Partition coefficient and entropy of a membership matrix. */
export function partitionIndices(U: Float64Array, n: number, c: number): { coefficient: number; entropy: number } {
  let pc = 0;
  let pe = 0;
  for (let q = 0; q < n * c; q++) {
    const u = U[q];
    pc += u * u;
    if (u > 0) pe -= u * Math.log(u);
  }
  return { coefficient: pc / n, entropy: pe / n };
}

/**
 * k-means++ seeding: the first centre uniformly at random, each next one with probability
 * proportional to the squared distance to the nearest centre chosen so far. Points identical to an
 * existing centre get weight 0, so the centres are distinct whenever c distinct points exist.
 */
export function kmeansPlusPlus(x: Float64Array, n: number, d: number, c: number, rng: Rng): Float64Array {
  const V = new Float64Array(c * d);
  const nearest = new Float64Array(n).fill(Infinity);
  let pick = rng.int(n);
  for (let i = 0; i < c; i++) {
    for (let j = 0; j < d; j++) V[i * d + j] = x[pick * d + j];
    let total = 0;
    for (let k = 0; k < n; k++) {
      let s = 0;
      for (let j = 0; j < d; j++) {
        const t = x[k * d + j] - V[i * d + j];
        s += t * t;
      }
      if (s < nearest[k]) nearest[k] = s;
      total += nearest[k];
    }
    if (i === c - 1) break;
    if (total === 0) {
      pick = rng.int(n); // fewer distinct points than classes: duplicate centres (caller warns)
      continue;
    }
    let r = rng.next() * total;
    pick = n - 1;
    for (let k = 0; k < n; k++) {
      r -= nearest[k];
      if (r < 0 && nearest[k] > 0) {
        pick = k;
        break;
      }
    }
  }
  return V;
}

/** Count distinct points (up to c + 1, enough to tell whether c clusters are possible). */
export function distinctPoints(x: Float64Array, n: number, d: number, limit: number): number {
  const seen = new Set<string>();
  for (let k = 0; k < n && seen.size < limit; k++) {
    seen.add(Array.prototype.join.call(x.subarray(k * d, k * d + d), ','));
  }
  return seen.size;
}

/**
 * Number of distinct centroids: centroids closer than `eps` (Euclidean, standardised units) to an
 * earlier one count once. Fewer than c flags the collapse of fuzzy c-means in high dimensions, where
 * with m = 2 several centres converge to the same point (Winkler, Klawonn & Kruse 2011, "Fuzzy
 * c-means in high dimensional spaces", Int. J. Fuzzy System Applications 1:1–16).
 */
export function distinctCentroids(V: Float64Array, c: number, d: number, eps: number): number {
  const reps: number[] = [];
  for (let i = 0; i < c; i++) {
    const dup = reps.some((r) => {
      let s = 0;
      for (let j = 0; j < d; j++) s += (V[i * d + j] - V[r * d + j]) ** 2;
      return s < eps * eps;
    });
    if (!dup) reps.push(i);
  }
  return reps.length;
}

export function fuzzyCMeans(x: Float64Array, n: number, d: number, o: FcmOptions): FcmResult {
  const { classes: c, fuzziness: m } = o;
  if (!(m > 1)) throw new Error(`fuzziness must be > 1, got ${m}`);
  if (c < 1 || c > n) throw new Error(`cannot make ${c} classes from ${n} points`);
  const V = o.init ? Float64Array.from(o.init) : kmeansPlusPlus(x, n, d, c, o.rng);
  let U = new Float64Array(n * c);
  let previous = new Float64Array(n * c);
  updateMemberships(x, n, d, V, c, m, U);
  let iterations = 0;
  let converged = false;
  let maxChange = Infinity;
  while (iterations < o.maxIterations) {
    iterations++;
    updateCentroids(x, n, d, U, c, m, V);
    [previous, U] = [U, previous];
    maxChange = updateMemberships(x, n, d, V, c, m, U, previous);
    o.onIteration?.(iterations, maxChange);
    if (maxChange < o.tolerance) {
      converged = true;
      break;
    }
  }
  const { coefficient, entropy } = partitionIndices(U, n, c);
  return {
    centroids: V, memberships: U, iterations, converged, maxChange,
    objective: objective(x, n, d, U, V, c, m), partitionCoefficient: coefficient, partitionEntropy: entropy,
  };
}
