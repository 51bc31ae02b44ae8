// SPDX-License-Identifier: GPL-2.0-or-later
// Purposive placement of survey sites in fuzzy landscape units (after Zhu, Yang, Qi, Burt et al.
// 2008, "Purposive sampling for digital soil mapping…", and Yang et al. 2013, Geoderma 213:
// sites at the most typical locations, i.e. where the membership of a unit is highest), with a
// minimum distance between any two sites. Pure numerics; no GDAL.
//
// Allocation of sites to classes:
//   fixed  "9"        every class gets 9;
//   range  "8-10"     sites proportional to class area, each class kept within [8, 10]; the total
//                     is TOTAL_SITES or, by default, round(classes × (8 + 10) / 2);
//   "proportional"    TOTAL_SITES proportional to class area, at least one per class.
// Bounded proportional allocation: find λ with Σ clamp(λ·area_k, lo, hi) = total (bisection),
// take the integer parts and give the remaining sites by largest fractional part (Hamilton's
// largest-remainder method), never above hi.

import type { Rng } from './prng.js';

export type SitesSpec =
  | { kind: 'fixed'; n: number }
  | { kind: 'range'; min: number; max: number }
  | { kind: 'proportional' };

/** Parse SITES_PER_CLASS: "9", "8-10" (also "8–10", "8..10") or "proportional"; a string is an error message. */
export function parseSitesPerClass(raw: string): SitesSpec | string {
  const s = raw.trim().toLowerCase();
  if (s === 'proportional') return { kind: 'proportional' };
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    return n >= 1 ? { kind: 'fixed', n } : 'SITES_PER_CLASS must be at least 1';
  }
  const m = /^(\d+)\s*(?:-|–|\.\.)\s*(\d+)$/.exec(s);
  if (m) {
    const min = Number(m[1]);
    const max = Number(m[2]);
    if (min < 1) return 'SITES_PER_CLASS: the smallest number of sites per class must be at least 1';
    if (max < min) return `SITES_PER_CLASS "${raw}": the range must be written low-high, e.g. 8-10`;
    return { kind: 'range', min, max };
  }
  return `SITES_PER_CLASS "${raw}" is not a number ("9"), a range ("8-10") or "proportional"`;
}

/**
 * Integers n_k with lo ≤ n_k ≤ hi, Σ n_k = total, proportional to area_k as far as the bounds allow.
 * Requires areas.length·lo ≤ total ≤ areas.length·hi.
 */
export function allocate(areas: ArrayLike<number>, lo: number, hi: number, total: number): number[] {
  const c = areas.length;
  if (c === 0) return [];
  if (total < c * lo || total > c * hi) throw new Error(`cannot allocate ${total} sites to ${c} classes within ${lo}–${hi} each`);
  const clampSum = (lambda: number): number => {
    let s = 0;
    for (let k = 0; k < c; k++) s += Math.min(hi, Math.max(lo, lambda * areas[k]));
    return s;
  };
  let minPos = Infinity;
  for (let k = 0; k < c; k++) if (areas[k] > 0 && areas[k] < minPos) minPos = areas[k];
  let a = 0;
  let b = Number.isFinite(minPos) ? hi / minPos : 1;
  for (let it = 0; it < 200; it++) {
    const mid = (a + b) / 2;
    if (clampSum(mid) < total) a = mid;
    else b = mid;
  }
  const q = Array.from({ length: c }, (_, k) => Math.min(hi, Math.max(lo, b * areas[k])));
  const n = q.map((v) => Math.min(hi, Math.floor(v + 1e-9)));
  let rest = total - n.reduce((s, v) => s + v, 0);
  const order = Array.from({ length: c }, (_, k) => k)
    .sort((i, j) => (q[j] - n[j]) - (q[i] - n[i]) || areas[j] - areas[i] || i - j);
  while (rest > 0) {
    let gave = false;
    for (const k of order) {
      if (rest === 0) break;
      if (n[k] < hi) {
        n[k]++;
        rest--;
        gave = true;
      }
    }
    if (!gave) break;
  }
  while (rest < 0) {
    // floors never exceed the continuous values, so this only guards rounding at the bounds
    for (const k of [...order].reverse()) {
      if (rest === 0) break;
      if (n[k] > lo) {
        n[k]--;
        rest++;
      }
    }
  }
  return n;
}

/** Sites wanted per class (index = position in `areas`) for a parsed SITES_PER_CLASS. */
export function sitesWanted(spec: SitesSpec, areas: ArrayLike<number>, totalSites?: number): number[] {
  const c = areas.length;
  switch (spec.kind) {
    case 'fixed': return Array(c).fill(spec.n);
    case 'range': {
      const total = totalSites ?? Math.round((c * (spec.min + spec.max)) / 2);
      return allocate(areas, spec.min, spec.max, total);
    }
    case 'proportional': {
      if (totalSites === undefined) throw new Error('proportional allocation needs a total');
      return allocate(areas, 1, totalSites, totalSites);
    }
  }
}

export type PlacementMethod = 'highest' | 'random-top';

/**
 * Preference order of one class's candidate pixels (indices into `membership`):
 *   highest     by membership, highest first; equal memberships in a seeded random order;
 *   random-top  the candidates whose membership is within the top `topFraction` of the class (at
 *               least `atLeast` of them) in a seeded random order, then the rest, highest first.
 */
export function candidateOrder(
  membership: ArrayLike<number>, method: PlacementMethod, topFraction: number, atLeast: number, rng: Rng,
): Uint32Array {
  const n = membership.length;
  const key = new Float64Array(n);
  for (let i = 0; i < n; i++) key[i] = rng.next();
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  const sorted = Array.from(idx).sort((a, b) => membership[b] - membership[a] || key[a] - key[b]);
  if (method === 'highest') return Uint32Array.from(sorted);
  const top = Math.min(n, Math.max(atLeast, Math.ceil(topFraction * n)));
  // extend the top group over ties at its boundary, so that equal memberships are treated alike
  let end = top;
  while (end < n && end > 0 && membership[sorted[end]] === membership[sorted[end - 1]]) end++;
  const head = sorted.slice(0, end).sort((a, b) => key[a] - key[b]);
  return Uint32Array.from([...head, ...sorted.slice(end)]);
}

/** Spatial hash of placed sites for minimum-distance checks in O(1) per candidate. */
export class SiteGrid {
  private readonly cells = new Map<string, number[]>();
  readonly xs: number[] = [];
  readonly ys: number[] = [];
  constructor(readonly minDistance: number) {}

  private key(ix: number, iy: number): string {
    return `${ix},${iy}`;
  }

  /** True when (x, y) is at least minDistance from every site placed so far. */
  fits(x: number, y: number): boolean {
    const r = this.minDistance;
    if (!(r > 0)) return true;
    const ix = Math.floor(x / r);
    const iy = Math.floor(y / r);
    const r2 = r * r;
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        const cell = this.cells.get(this.key(ix + dx, iy + dy));
        if (!cell) continue;
        for (const s of cell) {
          const ex = this.xs[s] - x;
          const ey = this.ys[s] - y;
          // a hair of tolerance so that sites exactly minDistance apart on a grid are accepted
          if (ex * ex + ey * ey < r2 * (1 - 1e-12)) return false;
        }
      }
    }
    return true;
  }

  add(x: number, y: number): void {
    const s = this.xs.length;
    this.xs.push(x);
    this.ys.push(y);
    if (!(this.minDistance > 0)) return;
    const k = this.key(Math.floor(x / this.minDistance), Math.floor(y / this.minDistance));
    const cell = this.cells.get(k);
    if (cell) cell.push(s);
    else this.cells.set(k, [s]);
  }
}

/**
 * Greedy placement: walk each class's candidates in preference order and accept one when it is at
 * least minDistance from every site accepted so far (of any class), until the class has its
 * number. Returns, per class, the accepted candidate positions (indices into that class's arrays).
 */
export function placeSites(
  classes: { x: Float64Array; y: Float64Array; order: Uint32Array; wanted: number }[],
  minDistance: number, classOrder: number[],
): number[][] {
  const grid = new SiteGrid(minDistance);
  const placed: number[][] = classes.map(() => []);
  for (const k of classOrder) {
    const cl = classes[k];
    for (let q = 0; q < cl.order.length && placed[k].length < cl.wanted; q++) {
      const i = cl.order[q];
      if (grid.fits(cl.x[i], cl.y[i])) {
        grid.add(cl.x[i], cl.y[i]);
        placed[k].push(i);
      }
    }
  }
  return placed;
}
