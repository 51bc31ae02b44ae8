// SPDX-License-Identifier: GPL-2.0-or-later
// Point-to-grid estimators with the semantics of GDAL's gridding algorithms (gdal_grid, GDAL's
// alg/gdalgrid.cpp): inverse distance to a power (Shepard 1968, "A two-dimensional interpolation
// function for irregularly-spaced data", ACM national conference), nearest neighbour and moving
// average. Pure TypeScript over a KdTree; no GDAL.
//
// - idw without RADIUS and MAX_POINTS: every point, as `gdal_grid -a invdist:power=P`;
// - idw with RADIUS and/or MAX_POINTS: the MAX_POINTS nearest points within RADIUS, nodata when
//   fewer than MIN_POINTS, as `gdal_grid -a invdistnn:power=P:radius=R:max_points=N:min_points=M`;
// - a point closer than 1e-6.5 CRS units (d² < 1e-13, GDAL's threshold) gives its value directly;
// - nearest: the nearest point (within RADIUS when given), as `gdal_grid -a nearest`;
// - moving average: mean of the points within RADIUS (MAX_POINTS nearest when given), nodata when
//   fewer than MIN_POINTS, as `gdal_grid -a average:radius1=R:radius2=R:min_points=M`.

import { KdTree } from './kdtree.js';

export type Method = 'idw' | 'nearest' | 'moving_average';

export interface EstimatorOptions {
  method: Method;
  power: number;
  /** search radius; 0 or Infinity = unlimited */
  radius: number;
  /** 0 = no limit */
  maxPoints: number;
  minPoints: number;
}

const COINCIDENT = 1e-13;

export class Estimator {
  private readonly tree: KdTree;
  private readonly idx: Int32Array;
  private readonly d2: Float64Array;
  private readonly r2: number;
  private readonly k: number;
  private readonly useAll: boolean;

  constructor(readonly x: Float64Array, readonly y: Float64Array, readonly z: Float64Array, readonly o: EstimatorOptions) {
    this.tree = new KdTree(x, y);
    const n = x.length;
    this.r2 = o.radius > 0 && Number.isFinite(o.radius) ? o.radius * o.radius : Infinity;
    this.k = o.method === 'nearest' ? 1 : o.maxPoints > 0 ? Math.min(o.maxPoints, n) : n;
    this.useAll = o.method === 'idw' && this.r2 === Infinity && this.k === n;
    this.idx = new Int32Array(Math.max(1, this.k));
    this.d2 = new Float64Array(Math.max(1, this.k));
  }

  /** Value at (qx, qy), NaN where there are too few points. */
  at(qx: number, qy: number): number {
    const { x, y, z, o } = this;
    if (this.useAll) {
      // GDAL invdist without a search ellipse: all points in input order
      let num = 0;
      let den = 0;
      for (let i = 0; i < x.length; i++) {
        const dx = x[i] - qx;
        const dy = y[i] - qy;
        const r2 = dx * dx + dy * dy;
        if (r2 < COINCIDENT) return z[i];
        const w = 1 / Math.pow(r2, o.power / 2);
        num += w * z[i];
        den += w;
      }
      return x.length >= Math.max(1, o.minPoints) && den > 0 ? num / den : NaN;
    }
    const m = this.tree.nearest(qx, qy, this.k, this.r2, this.idx, this.d2);
    if (m === 0 || m < o.minPoints) return NaN;
    const idx = this.idx;
    const d2 = this.d2;
    if (o.method === 'nearest') return z[idx[0]];
    if (o.method === 'moving_average') {
      let s = 0;
      for (let j = 0; j < m; j++) s += z[idx[j]];
      return s / m;
    }
    if (d2[0] < COINCIDENT) return z[idx[0]];
    let num = 0;
    let den = 0;
    for (let j = 0; j < m; j++) {
      const w = 1 / Math.pow(d2[j], o.power / 2);
      num += w * z[idx[j]];
      den += w;
    }
    return den > 0 ? num / den : NaN;
  }
}
