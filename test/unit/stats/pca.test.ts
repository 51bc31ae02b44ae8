// SPDX-License-Identifier: GPL-2.0-or-later
// PCA core against closed forms: a 2 × 2 symmetric matrix has eigenvalues (a+c)/2 ± √(((a−c)/2)² + b²);
// a correlation matrix [[1, r], [r, 1]] has 1 ± r with eigenvectors (1, ±1)/√2. A small data matrix
// worked by hand. Convex hull and the coverage figure on simple shapes.
import { describe, it, expect } from 'vitest';
import { convexHull, coverage, covarianceOfCentred, insideConvex, pcaOfMatrix, scores, type Point2 } from '../../../algorithms/stats/core/pca.js';

describe('PCA of small matrices (closed forms)', () => {
  it('correlation matrix [[1, r], [r, 1]]: eigenvalues 1 ± r, vectors (1, 1)/√2 and (1, −1)/√2', () => {
    const r = 0.6;
    const p = pcaOfMatrix([[1, r], [r, 1]]);
    expect(p.eigenvalues[0]).toBeCloseTo(1.6, 12);
    expect(p.eigenvalues[1]).toBeCloseTo(0.4, 12);
    expect(p.explained[0]).toBeCloseTo(0.8, 12);
    expect(p.vectors[0][0]).toBeCloseTo(Math.SQRT1_2, 10);
    expect(p.vectors[0][1]).toBeCloseTo(Math.SQRT1_2, 10);
    expect(Math.abs(p.vectors[1][0])).toBeCloseTo(Math.SQRT1_2, 10);
    expect(p.vectors[1][0] * p.vectors[1][1]).toBeCloseTo(-0.5, 10);
  });
  it('general symmetric 2 × 2: λ = (a+c)/2 ± √(((a−c)/2)² + b²), v ∝ (b, λ − a)', () => {
    const [a, b, c] = [4, 1.5, 1];
    const mid = (a + c) / 2;
    const rad = Math.sqrt(((a - c) / 2) ** 2 + b * b);
    const p = pcaOfMatrix([[a, b], [b, c]]);
    expect(p.eigenvalues[0]).toBeCloseTo(mid + rad, 12);
    expect(p.eigenvalues[1]).toBeCloseTo(mid - rad, 12);
    const l1 = mid + rad;
    const norm = Math.hypot(b, l1 - a);
    expect(p.vectors[0][0]).toBeCloseTo(b / norm, 10);
    expect(p.vectors[0][1]).toBeCloseTo((l1 - a) / norm, 10);
  });
  it('data matrix by hand: x = (1,2,3,4,5), y = (2,1,4,3,5) standardised', () => {
    const x = [1, 2, 3, 4, 5];
    const y = [2, 1, 4, 3, 5];
    // both have mean 3 and variance 2.5 (n − 1); Σ(x−3)(y−3) = (−2)(−1)+(−1)(−2)+0+1·0+2·2 = 8 → cov 2, r = 0.8
    const sd = Math.sqrt(2.5);
    const z = new Float64Array(10);
    for (let i = 0; i < 5; i++) {
      z[i * 2] = (x[i] - 3) / sd;
      z[i * 2 + 1] = (y[i] - 3) / sd;
    }
    const cov = covarianceOfCentred(z, 5, 2);
    expect(cov[0][0]).toBeCloseTo(1, 14);
    expect(cov[0][1]).toBeCloseTo(0.8, 14);
    const p = pcaOfMatrix(cov);
    expect(p.eigenvalues).toEqual([expect.closeTo(1.8, 12), expect.closeTo(0.2, 12)]);
    expect(p.explained[0]).toBeCloseTo(0.9, 12);
    const s = scores(z, 5, 2, p, 2);
    // PC1 score of the first row: ((1−3) + (2−3)) / √2.5 / √2 = −3 / √5
    expect(s[0]).toBeCloseTo(-3 / Math.sqrt(5), 10);
    // the variance of PC1 scores is its eigenvalue
    let ss = 0;
    for (let i = 0; i < 5; i++) ss += s[i * 2] ** 2;
    expect(ss / 4).toBeCloseTo(1.8, 10);
  });
  it('3 × 3 with a known spectrum: eigenvalues of diag(3, 2, 1) rotated', () => {
    // Q = rotation by 30° in the (1,2) plane; A = Q diag(3,2,1) Qᵀ
    const c = Math.cos(Math.PI / 6);
    const s = Math.sin(Math.PI / 6);
    const A = [[3 * c * c + 2 * s * s, (3 - 2) * c * s, 0], [(3 - 2) * c * s, 3 * s * s + 2 * c * c, 0], [0, 0, 1]];
    const p = pcaOfMatrix(A);
    expect(p.eigenvalues.map((v) => Number(v.toFixed(10)))).toEqual([3, 2, 1]);
    expect(p.vectors[0][0]).toBeCloseTo(c, 10);
    expect(p.vectors[0][1]).toBeCloseTo(s, 10);
    expect(p.explained[0]).toBeCloseTo(0.5, 12);
  });
});

describe('convex hull and coverage', () => {
  it('hull of a square with interior and collinear points is its 4 corners', () => {
    const pts: Point2[] = [[0, 0], [1, 0], [2, 0], [2, 2], [0, 2], [1, 1], [0, 1]];
    const h = convexHull(pts);
    expect(h).toHaveLength(4);
    expect(new Set(h.map((p) => p.join(',')))).toEqual(new Set(['0,0', '2,0', '2,2', '0,2']));
    expect(insideConvex(h, 1, 1)).toBe(true);
    expect(insideConvex(h, 2, 1)).toBe(true); // on the edge
    expect(insideConvex(h, 2.01, 1)).toBe(false);
    expect(insideConvex(convexHull([[0, 0], [1, 1], [2, 2]]), 1, 1)).toBe(false); // degenerate
  });
  it('coverage: samples spanning the left half of a uniform square cover half of the cells', () => {
    const area: Point2[] = [];
    for (let i = 0; i < 100; i++) for (let j = 0; j < 100; j++) area.push([i + 0.5, j + 0.5]);
    // area spans 0.5 … 99.5; 10 × 10 cells of width 9.9; hull x ≤ 50 contains the centres of the
    // five left columns (centres at 0.5 + 9.9·(k + 0.5): 5.45, 15.35, 25.25, 35.15, 45.05)
    const samples: Point2[] = [[0, 0], [50, 0], [50, 100], [0, 100]];
    const cov = coverage(area, samples, 10);
    expect(cov.occupied).toBe(100);
    expect(cov.covered).toBe(50);
    expect(cov.share).toBe(0.5);
    expect(cov.pointShare).toBe(0.5); // x = 0.5 … 49.5 of 100 columns
  });
});
