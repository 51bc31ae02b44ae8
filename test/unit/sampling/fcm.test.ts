// SPDX-License-Identifier: GPL-2.0-or-later
// Fuzzy c-means core (Bezdek 1981): the update equations against hand-computed values of a tiny 1-D
// example, the singularity rule, the partition coefficient, and recovery of well-separated
// generated clusters measured by the adjusted Rand index (Hubert & Arabie 1985), computed here.
import { describe, it, expect } from 'vitest';
import { distinctCentroids, fuzzyCMeans, partitionIndices, powFn, pointMemberships, updateCentroids, updateMemberships } from '../../../algorithms/sampling/core/fcm.js';
import { Rng, Reservoir } from '../../../algorithms/sampling/core/prng.js';
import { adjustedRandIndex } from './ari.js';

describe('adjusted Rand index (test helper)', () => {
  it('is 1 for identical partitions up to relabelling and ~0 for unrelated ones', () => {
    expect(adjustedRandIndex([1, 1, 2, 2, 3, 3], [5, 5, 7, 7, 9, 9])).toBeCloseTo(1, 12);
    // Hubert & Arabie worked example style: a=[1,1,1,2,2,2], b=[1,1,2,2,3,3]
    // table: (1,1)=2,(1,2)=1,(2,2)=1,(2,3)=2 → index=1+0+0+1=2; sa=3+3=6; sb=1+1+1=3; expected=18/15=1.2; max=4.5
    expect(adjustedRandIndex([1, 1, 1, 2, 2, 2], [1, 1, 2, 2, 3, 3])).toBeCloseTo((2 - 1.2) / (4.5 - 1.2), 12);
  });
});

describe('fuzzy c-means update equations (hand-computed)', () => {
  // x = 0, 1, 3, 4 (one variable), centroids v1 = 0.5, v2 = 3.5
  const x = Float64Array.from([0, 1, 3, 4]);
  const V0 = Float64Array.from([0.5, 3.5]);

  it('memberships for m = 2: u1 = (1/d1²) / (1/d1² + 1/d2²)', () => {
    const U = new Float64Array(8);
    updateMemberships(x, 4, 1, V0, 2, 2, U);
    // x=0: d1²=0.25, d2²=12.25 → u1 = 4 / (4 + 4/49) = 49/50
    // x=1: d1²=0.25, d2²=6.25 → u1 = 4 / (4 + 0.16) = 25/26
    const u1 = [49 / 50, 25 / 26, 1 / 26, 1 / 50];
    for (let k = 0; k < 4; k++) {
      expect(U[k * 2]).toBeCloseTo(u1[k], 14);
      expect(U[k * 2 + 1]).toBeCloseTo(1 - u1[k], 14);
    }
  });

  it('memberships for m = 3: u1 = 1 / (1 + d1/d2)', () => {
    const U = new Float64Array(8);
    updateMemberships(x, 4, 1, V0, 2, 3, U);
    // x=0: d1=0.5, d2=3.5 → 1/(1 + 1/7) = 7/8; x=1: d1=0.5, d2=2.5 → 1/(1+1/5) = 5/6
    expect(U[0]).toBeCloseTo(7 / 8, 14);
    expect(U[2]).toBeCloseTo(5 / 6, 14);
    expect(U[4]).toBeCloseTo(1 / 6, 14);
    expect(U[6]).toBeCloseTo(1 / 8, 14);
  });

  it('centroids: v_i = Σ u^m x / Σ u^m', () => {
    const u1 = [49 / 50, 25 / 26, 1 / 26, 1 / 50];
    const U = Float64Array.from(u1.flatMap((u) => [u, 1 - u]));
    const V = new Float64Array(2);
    updateCentroids(x, 4, 1, U, 2, 2, V);
    const w1 = u1.map((u) => u * u);
    const w2 = u1.map((u) => (1 - u) * (1 - u));
    const v1 = (w1[0] * 0 + w1[1] * 1 + w1[2] * 3 + w1[3] * 4) / (w1[0] + w1[1] + w1[2] + w1[3]);
    const v2 = (w2[0] * 0 + w2[1] * 1 + w2[2] * 3 + w2[3] * 4) / (w2[0] + w2[1] + w2[2] + w2[3]);
    expect(V[0]).toBeCloseTo(v1, 14);
    expect(V[1]).toBeCloseTo(v2, 14);
    // by symmetry of the data and memberships, v2 = 4 − v1
    expect(V[1]).toBeCloseTo(4 - V[0], 14);
  });

  it('one iteration of the loop = centroid update then membership update', () => {
    const r = fuzzyCMeans(x, 4, 1, { classes: 2, fuzziness: 2, tolerance: 0, maxIterations: 1, rng: new Rng(1), init: V0 });
    const u1 = [49 / 50, 25 / 26, 1 / 26, 1 / 50];
    const w1 = u1.map((u) => u * u);
    const v1 = (w1[1] * 1 + w1[2] * 3 + w1[3] * 4) / (w1[0] + w1[1] + w1[2] + w1[3]);
    expect(r.iterations).toBe(1);
    expect(r.centroids[0]).toBeCloseTo(v1, 14);
    const d1 = (0 - v1) ** 2;
    const d2 = (0 - (4 - v1)) ** 2;
    expect(r.memberships[0]).toBeCloseTo((1 / d1) / (1 / d1 + 1 / d2), 14);
  });

  it('converges to the symmetric solution and reports its partition coefficient', () => {
    const r = fuzzyCMeans(x, 4, 1, { classes: 2, fuzziness: 2, tolerance: 1e-12, maxIterations: 1000, rng: new Rng(1), init: V0 });
    expect(r.converged).toBe(true);
    expect(r.centroids[0] + r.centroids[1]).toBeCloseTo(4, 10);
    let pc = 0;
    for (let q = 0; q < 8; q++) pc += r.memberships[q] ** 2;
    expect(r.partitionCoefficient).toBeCloseTo(pc / 4, 14);
    // a fixed point: one more update changes nothing
    const V = Float64Array.from(r.centroids);
    updateCentroids(x, 4, 1, r.memberships, 2, 2, V);
    expect(V[0]).toBeCloseTo(r.centroids[0], 9);
  });

  it('a point on a centroid belongs to it alone (singularity rule), shared equally between coinciding centroids', () => {
    const out = new Float64Array(3);
    pointMemberships([1, 1], 0, Float64Array.from([1, 1, 5, 5, 9, 9]), 3, 2, 2, out, 0, new Float64Array(3));
    expect(Array.from(out)).toEqual([1, 0, 0]);
    pointMemberships([1, 1], 0, Float64Array.from([1, 1, 1, 1, 9, 9]), 3, 2, 2, out, 0, new Float64Array(3));
    expect(Array.from(out)).toEqual([0.5, 0.5, 0]);
  });

  it('partition coefficient is 1/c for uniform memberships and 1 for crisp ones', () => {
    expect(partitionIndices(Float64Array.from([0.25, 0.25, 0.25, 0.25]), 1, 4).coefficient).toBeCloseTo(0.25, 15);
    const crisp = partitionIndices(Float64Array.from([1, 0, 0, 1]), 2, 2);
    expect(crisp.coefficient).toBe(1);
    expect(crisp.entropy).toBe(0);
    expect(partitionIndices(Float64Array.from([0.5, 0.5]), 1, 2).entropy).toBeCloseTo(Math.log(2), 15);
  });
});

/** Box–Muller normal deviates from a simple LCG, independent of the code under test. */
function gaussians(seed: number): () => number {
  let s = seed >>> 0;
  const u = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

describe('fuzzy c-means recovers well-separated clusters', () => {
  it('5 clusters in 4-D, 120 points each: adjusted Rand index ≥ 0.95, deterministic per seed', () => {
    const g = gaussians(42);
    const centres = [[0, 0, 0, 0], [8, 0, 0, 0], [0, 8, 0, 0], [0, 0, 8, 0], [0, 0, 0, 8]];
    const n = 600;
    const d = 4;
    const x = new Float64Array(n * d);
    const truth = new Int32Array(n);
    for (let k = 0; k < n; k++) {
      const c = k % 5;
      truth[k] = c;
      for (let j = 0; j < d; j++) x[k * d + j] = centres[c][j] + g();
    }
    const run = (seed: number) => fuzzyCMeans(x, n, d, { classes: 5, fuzziness: 2, tolerance: 1e-6, maxIterations: 500, rng: new Rng(seed) });
    const r = run(7);
    const hard = new Int32Array(n);
    for (let k = 0; k < n; k++) {
      let best = 0;
      for (let i = 1; i < 5; i++) if (r.memberships[k * 5 + i] > r.memberships[k * 5 + best]) best = i;
      hard[k] = best;
    }
    expect(r.converged).toBe(true);
    expect(adjustedRandIndex(truth, hard)).toBeGreaterThanOrEqual(0.95);
    // centroids near the true centres (each true centre has a centroid within 0.5)
    for (const c of centres) {
      const best = Math.min(...[0, 1, 2, 3, 4].map((i) => Math.hypot(...c.map((v, j) => v - r.centroids[i * d + j]))));
      expect(best).toBeLessThan(0.5);
    }
    expect(r.partitionCoefficient).toBeGreaterThan(0.7);
    const again = run(7);
    expect(Array.from(again.centroids)).toEqual(Array.from(r.centroids));
    // other seeds find the same partition
    for (const seed of [1, 2, 3]) {
      const o = run(seed);
      const h = new Int32Array(n);
      for (let k = 0; k < n; k++) {
        let best = 0;
        for (let i = 1; i < 5; i++) if (o.memberships[k * 5 + i] > o.memberships[k * 5 + best]) best = i;
        h[k] = best;
      }
      expect(adjustedRandIndex(truth, h)).toBeGreaterThanOrEqual(0.95);
    }
  });
});

describe('helpers', () => {
  it('powFn equals Math.pow for integer, half-integer and other exponents', () => {
    for (const p of [1, 2, 3, 4, 0.5, 1.5, 2.5, 1 / 0.7, 1.3]) {
      const f = powFn(p);
      for (const x of [0, 1e-9, 0.3, 0.999, 1, 7.5]) expect(f(x)).toBeCloseTo(Math.pow(x, p), 12);
    }
  });
  it('distinctCentroids counts centres further apart than eps once', () => {
    const V = Float64Array.from([0, 0, 0.001, 0, 1, 1, 1, 1.005, 3, 3]);
    expect(distinctCentroids(V, 5, 2, 0.01)).toBe(3);
    expect(distinctCentroids(V, 5, 2, 1e-6)).toBe(5);
  });
});

describe('seeded generator and reservoir', () => {
  it('same seed, same stream; different seeds differ; values in [0, 1)', () => {
    const a = new Rng(5);
    const b = new Rng(5);
    const c = new Rng(6);
    const xs = Array.from({ length: 1000 }, () => a.next());
    expect(Array.from({ length: 1000 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 10 }, () => c.next())).not.toEqual(xs.slice(0, 10));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
  });
  it('reservoir sampling keeps k items, uniformly', () => {
    const hits = new Array<number>(20).fill(0);
    const rng = new Rng(3);
    for (let rep = 0; rep < 2000; rep++) {
      const res = new Reservoir(5, rng);
      const slots = new Array<number>(5);
      for (let i = 0; i < 20; i++) {
        const s = res.offer();
        if (s >= 0) slots[s] = i;
      }
      expect(res.size).toBe(5);
      for (const i of slots) hits[i]++;
    }
    // each item is kept with probability 5/20 → 500 of 2000; binomial SD ≈ 19
    for (const h of hits) expect(Math.abs(h - 500)).toBeLessThan(100);
  });
});
