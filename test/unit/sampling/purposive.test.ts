// SPDX-License-Identifier: GPL-2.0-or-later
// Purposive sampling core: SITES_PER_CLASS parsing, bounded proportional allocation (largest
// remainder) against hand-worked cases, candidate order and greedy placement with a minimum distance.
import { describe, it, expect } from 'vitest';
import { allocate, candidateOrder, parseSitesPerClass, placeSites, sitesWanted, SiteGrid } from '../../../algorithms/sampling/core/purposive.js';
import { Rng } from '../../../algorithms/sampling/core/prng.js';

describe('SITES_PER_CLASS', () => {
  it('parses fixed numbers, ranges and proportional', () => {
    expect(parseSitesPerClass('9')).toEqual({ kind: 'fixed', n: 9 });
    expect(parseSitesPerClass(' 8-10 ')).toEqual({ kind: 'range', min: 8, max: 10 });
    expect(parseSitesPerClass('8–10')).toEqual({ kind: 'range', min: 8, max: 10 });
    expect(parseSitesPerClass('Proportional')).toEqual({ kind: 'proportional' });
    expect(parseSitesPerClass('0')).toMatch(/at least 1/);
    expect(parseSitesPerClass('10-8')).toMatch(/low-high/);
    expect(parseSitesPerClass('many')).toMatch(/not a number/);
  });
});

describe('allocation', () => {
  it('range 8-10 over 3 classes, default total 27 = 3 × 9: proportional within bounds', () => {
    // areas 100, 50, 10: λ·a clamped to [8, 10] summing to 27 → 10 (cap), 9, 8 (floor) with λ = 0.18
    expect(sitesWanted({ kind: 'range', min: 8, max: 10 }, [100, 50, 10])).toEqual([10, 9, 8]);
  });
  it('equal areas share equally; totals at the bounds give all-min / all-max', () => {
    expect(allocate([5, 5, 5], 8, 10, 27)).toEqual([9, 9, 9]);
    expect(allocate([1, 100, 1000], 8, 10, 24)).toEqual([8, 8, 8]);
    expect(allocate([1, 100, 1000], 8, 10, 30)).toEqual([10, 10, 10]);
  });
  it('largest remainder (Hamilton) for a pure proportional split', () => {
    // 10 sites over areas 6, 3, 1 (lo 1): quotas 6, 3, 1 exactly
    expect(allocate([6, 3, 1], 1, 10, 10)).toEqual([6, 3, 1]);
    // 7 sites over 5, 3, 2: λ with clamp ≥ 1: quotas 3.5, 2.1, 1.4 → floors 3, 2, 1 (6), +1 to the largest remainder (0.5)
    expect(allocate([5, 3, 2], 1, 7, 7)).toEqual([4, 2, 1]);
    // the minimum binds: 10 over 97, 2, 1 with at least 1 each → 8, 1, 1
    expect(allocate([97, 2, 1], 1, 10, 10)).toEqual([8, 1, 1]);
  });
  it('always sums to the total within bounds (random cases)', () => {
    const rng = new Rng(9);
    for (let t = 0; t < 200; t++) {
      const c = 1 + rng.int(30);
      const areas = Array.from({ length: c }, () => 1 + rng.int(10000));
      const lo = 1 + rng.int(5);
      const hi = lo + rng.int(5);
      const total = c * lo + rng.int(c * (hi - lo) + 1);
      const n = allocate(areas, lo, hi, total);
      expect(n.reduce((s, v) => s + v, 0)).toBe(total);
      for (const v of n) {
        expect(v).toBeGreaterThanOrEqual(lo);
        expect(v).toBeLessThanOrEqual(hi);
      }
      // monotone in area: a larger class never gets fewer sites
      for (let i = 0; i < c; i++) for (let j = 0; j < c; j++) if (areas[i] > areas[j]) expect(n[i]).toBeGreaterThanOrEqual(n[j]);
    }
  });
});

describe('candidate order and placement', () => {
  it('highest: by membership, ties in seeded random order', () => {
    const u = [0.2, 0.9, 0.5, 0.9, 0.1];
    const o = Array.from(candidateOrder(u, 'highest', 0.1, 1, new Rng(1)));
    expect(o.slice(2)).toEqual([2, 0, 4]);
    expect(o.slice(0, 2).sort()).toEqual([1, 3]);
    expect(Array.from(candidateOrder(u, 'highest', 0.1, 1, new Rng(1)))).toEqual(o);
  });
  it('random-top: the top group first in random order, then the rest by membership', () => {
    const u = Array.from({ length: 100 }, (_, i) => i / 100); // 0 … 0.99
    const o = Array.from(candidateOrder(u, 'random-top', 0.1, 3, new Rng(4)));
    expect(o.slice(0, 10).sort((a, b) => a - b)).toEqual([90, 91, 92, 93, 94, 95, 96, 97, 98, 99]);
    expect(o.slice(0, 10)).not.toEqual([99, 98, 97, 96, 95, 94, 93, 92, 91, 90]);
    expect(o.slice(10, 13)).toEqual([89, 88, 87]);
  });
  it('greedy placement keeps the minimum distance between all sites and counts exact when possible', () => {
    // one row of 20 candidates 1 m apart, membership decreasing to the right
    const x = Float64Array.from({ length: 20 }, (_, i) => i);
    const y = new Float64Array(20);
    const order = Uint32Array.from({ length: 20 }, (_, i) => i);
    const placed = placeSites([{ x, y, order, wanted: 4 }], 3, [0]);
    expect(placed[0]).toEqual([0, 3, 6, 9]);
    // impossible: 20 m row with 10 m spacing holds 2 sites (0 and 10; 20 is not a candidate)
    const short = placeSites([{ x, y, order, wanted: 5 }], 10, [0]);
    expect(short[0]).toEqual([0, 10]);
  });
  it('the minimum distance applies across classes', () => {
    const a = { x: Float64Array.from([0, 1]), y: Float64Array.from([0, 0]), order: Uint32Array.from([0, 1]), wanted: 1 };
    const b = { x: Float64Array.from([0.5, 5]), y: Float64Array.from([0, 0]), order: Uint32Array.from([0, 1]), wanted: 1 };
    const placed = placeSites([a, b], 2, [0, 1]);
    expect(placed).toEqual([[0], [1]]);
  });
  it('site grid: exactly the minimum distance is allowed, less is not', () => {
    const g = new SiteGrid(100);
    g.add(0, 0);
    expect(g.fits(100, 0)).toBe(true);
    expect(g.fits(60, 79.9)).toBe(false);
    expect(g.fits(-60, -80)).toBe(true);
    expect(new SiteGrid(0).fits(0, 0)).toBe(true);
  });
});
