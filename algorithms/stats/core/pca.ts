// SPDX-License-Identifier: GPL-2.0-or-later
// Principal component analysis of standardised variables (Pearson 1901; Hotelling 1933; as R's
// prcomp(scale. = TRUE)): the eigen-decomposition of the correlation matrix, by mathjs' eigs for
// symmetric matrices (Jacobi). Plus the representativeness figure of stats:pca: the convex hull of
// the samples in the PC1 × PC2 plane (Andrew's 1979 monotone chain) and the share of the study
// area's occupied PC1 × PC2 grid cells whose centre lies inside it. Pure numerics; no GDAL.

import { eigs } from 'mathjs';

export interface Pca {
  /** eigenvalues, largest first (variances of the components, in standardised units) */
  eigenvalues: number[];
  /** eigenvectors: vectors[c][j] = coefficient of variable j in component c (R's rotation, transposed) */
  vectors: number[][];
  /** share of the total variance per component */
  explained: number[];
}

/** Covariance matrix (n − 1 denominator) of row-major data n × d that is already centred. */
export function covarianceOfCentred(z: Float64Array, n: number, d: number): number[][] {
  const s = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let k = 0; k < n; k++) {
    const o = k * d;
    for (let a = 0; a < d; a++) {
      const za = z[o + a];
      for (let b = a; b < d; b++) s[a][b] += za * z[o + b];
    }
  }
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      s[a][b] /= n - 1;
      s[b][a] = s[a][b];
    }
  }
  return s;
}

/**
 * Eigen-decomposition of a symmetric matrix, components sorted by decreasing eigenvalue; each
 * vector has unit length and its largest-magnitude coefficient positive (a fixed sign convention, as
 * the sign of an eigenvector is arbitrary).
 */
export function pcaOfMatrix(matrix: number[][]): Pca {
  const d = matrix.length;
  if (d === 1) return { eigenvalues: [matrix[0][0]], vectors: [[1]], explained: [1] };
  const r = eigs(matrix) as unknown as { values: number[] | { toArray(): number[] }; eigenvectors: { value: number | { re: number }; vector: number[] | { toArray(): number[] } }[] };
  const pairs = r.eigenvectors.map((e) => {
    const value = typeof e.value === 'number' ? e.value : e.value.re;
    const v = (Array.isArray(e.vector) ? e.vector : e.vector.toArray()).map(Number);
    const norm = Math.hypot(...v);
    let big = 0;
    for (let j = 1; j < v.length; j++) if (Math.abs(v[j]) > Math.abs(v[big]) + 1e-12) big = j;
    const sign = v[big] < 0 ? -1 : 1;
    return { value, vector: v.map((x) => (sign * x) / norm) };
  });
  pairs.sort((a, b) => b.value - a.value);
  const eigenvalues = pairs.map((p) => Math.max(0, p.value));
  const total = eigenvalues.reduce((s, v) => s + v, 0);
  return {
    eigenvalues,
    vectors: pairs.map((p) => p.vector),
    explained: eigenvalues.map((v) => (total > 0 ? v / total : 0)),
  };
}

/** Scores of standardised rows (n × d) on the first `k` components: n × k row-major. */
export function scores(z: Float64Array, n: number, d: number, pca: Pca, k: number): Float64Array {
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      let s = 0;
      const v = pca.vectors[c];
      for (let j = 0; j < d; j++) s += z[i * d + j] * v[j];
      out[i * k + c] = s;
    }
  }
  return out;
}

export type Point2 = [number, number];

/** Convex hull, counter-clockwise, without collinear points (Andrew's monotone chain). */
export function convexHull(points: Point2[]): Point2[] {
  const p = [...points].filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y))
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (p.length < 3) return p;
  const cross = (o: Point2, a: Point2, b: Point2): number => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: Point2[] = [];
  for (const q of p) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], q) <= 0) lower.pop();
    lower.push(q);
  }
  const upper: Point2[] = [];
  for (let i = p.length - 1; i >= 0; i--) {
    const q = p[i];
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], q) <= 0) upper.pop();
    upper.push(q);
  }
  lower.pop();
  upper.pop();
  return lower.concat(upper);
}

/** True when (x, y) lies inside or on a counter-clockwise convex polygon of ≥ 3 vertices. */
export function insideConvex(hull: Point2[], x: number, y: number): boolean {
  if (hull.length < 3) return false;
  for (let i = 0; i < hull.length; i++) {
    const [ax, ay] = hull[i];
    const [bx, by] = hull[(i + 1) % hull.length];
    const cr = (bx - ax) * (y - ay) - (by - ay) * (x - ax);
    if (cr < -1e-12 * (Math.abs(bx - ax) + Math.abs(by - ay) + 1)) return false;
  }
  return true;
}

export interface Coverage {
  bins: number;
  /** extent of the grid: the area points' PC1 and PC2 ranges */
  xmin: number; xmax: number; ymin: number; ymax: number;
  /** cells holding at least one area point */
  occupied: number;
  /** occupied cells whose centre lies inside the samples' hull */
  covered: number;
  /** covered / occupied */
  share: number;
  /** share of the area points themselves inside the hull */
  pointShare: number;
  hull: Point2[];
}

/**
 * Coverage of the study area's PC1 × PC2 space by the samples: a bins × bins grid over the area
 * points' range; of the cells holding area points, the share whose centre lies in the samples'
 * convex hull. Also the share of area points inside the hull.
 */
export function coverage(area: Point2[], samples: Point2[], bins: number): Coverage {
  let xmin = Infinity, xmax = -Infinity, ymin = Infinity, ymax = -Infinity;
  for (const [x, y] of area) {
    if (x < xmin) xmin = x;
    if (x > xmax) xmax = x;
    if (y < ymin) ymin = y;
    if (y > ymax) ymax = y;
  }
  const hull = convexHull(samples);
  const wx = (xmax - xmin) / bins || 1;
  const wy = (ymax - ymin) / bins || 1;
  const occ = new Uint8Array(bins * bins);
  let inPts = 0;
  for (const [x, y] of area) {
    const i = Math.min(bins - 1, Math.floor((x - xmin) / wx));
    const j = Math.min(bins - 1, Math.floor((y - ymin) / wy));
    occ[j * bins + i] = 1;
    if (insideConvex(hull, x, y)) inPts++;
  }
  let occupied = 0;
  let covered = 0;
  for (let j = 0; j < bins; j++) {
    for (let i = 0; i < bins; i++) {
      if (!occ[j * bins + i]) continue;
      occupied++;
      if (insideConvex(hull, xmin + (i + 0.5) * wx, ymin + (j + 0.5) * wy)) covered++;
    }
  }
  return {
    bins, xmin, xmax, ymin, ymax, occupied, covered,
    share: occupied ? covered / occupied : 0, pointShare: area.length ? inPts / area.length : 0, hull,
  };
}
