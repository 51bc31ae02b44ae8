// SPDX-License-Identifier: GPL-2.0-or-later
// socp — soil organic carbon sequestration potential toolbox.
// Copyright (C) 2026 the socp authors. This program is free software: you can redistribute it
// and/or modify it under the terms of the GNU General Public License as published by the Free
// Software Foundation, either version 2 of the License, or (at your option) any later version.
// It is distributed WITHOUT ANY WARRANTY; see <https://www.gnu.org/licenses/>.
//
// Shared grid types of the terrain kernels and the ellipsoidal cell-size helper.
// The kernels are pure: typed arrays in, typed arrays out, no GDAL, no I/O.

/** A DEM or any single-band grid: row-major, row 0 = north, nodata as NaN. */
export interface Grid {
  /** Cell values, row-major (index = row * width + col), row 0 at the top (north). NaN = nodata. */
  data: Float32Array | Float64Array;
  width: number;
  height: number;
  /**
   * East-west cell size in metres: one number for a projected grid, or one value per row
   * (length = height) for a geographic grid, where it shrinks with latitude
   * (see {@link geographicCellSizes}).
   */
  dx: number | ArrayLike<number>;
  /** North-south cell size in metres (positive): one number or one value per row. */
  dy: number | ArrayLike<number>;
}

/** Per-row cell sizes (metres) of a grid. */
export interface CellSizes {
  dx: Float64Array;
  dy: Float64Array;
}

/** Expand `dx`/`dy` (number or per-row array) into per-row Float64Arrays, validating them. */
export function rowSizes(grid: Pick<Grid, 'dx' | 'dy' | 'height'>): CellSizes {
  const expand = (v: number | ArrayLike<number>, name: string): Float64Array => {
    const out = new Float64Array(grid.height);
    if (typeof v === 'number') {
      out.fill(v);
    } else {
      if (v.length !== grid.height) {
        throw new RangeError(`${name} has ${v.length} values; one per row (${grid.height}) expected`);
      }
      for (let i = 0; i < grid.height; i++) out[i] = v[i]!;
    }
    for (let i = 0; i < out.length; i++) {
      const c = out[i]!;
      if (!(c > 0) || !Number.isFinite(c)) {
        throw new RangeError(`${name} must be a positive finite cell size in metres (row ${i}: ${c})`);
      }
    }
    return out;
  };
  return { dx: expand(grid.dx, 'dx'), dy: expand(grid.dy, 'dy') };
}

/** Check that data has width × height cells. */
export function checkGrid(grid: Grid): void {
  if (!Number.isInteger(grid.width) || !Number.isInteger(grid.height) || grid.width < 1 || grid.height < 1) {
    throw new RangeError(`grid size must be positive integers (got ${grid.width} × ${grid.height})`);
  }
  if (grid.data.length !== grid.width * grid.height) {
    throw new RangeError(
      `grid data has ${grid.data.length} cells, width × height = ${grid.width * grid.height} expected`,
    );
  }
}

/** WGS 84 semi-major axis (m) and flattening. */
export const WGS84 = { a: 6378137, f: 1 / 298.257223563 } as const;

/**
 * Cell sizes in metres of a geographic (longitude/latitude in degrees, north-up) grid, per row,
 * on an ellipsoid (semi-major axis `a` in metres, flattening `f`).
 *
 * For the latitude φ of each row's centre: dx = N(φ)·cos φ·Δλ (parallel arc), dy = M(φ)·Δφ
 * (meridian arc), with N = a/√(1−e²sin²φ) the prime-vertical and M = a(1−e²)/(1−e²sin²φ)^{3/2}
 * the meridional radius of curvature, Δλ, Δφ the pixel sizes in radians.
 *
 * @param geoTransform GDAL geotransform [x0, Δλ, 0, y0, 0, −Δφ] in degrees (no rotation).
 */
export function geographicCellSizes(
  geoTransform: ArrayLike<number>,
  height: number,
  a: number = WGS84.a,
  f: number = WGS84.f,
): CellSizes {
  if (geoTransform.length < 6) throw new RangeError('geoTransform needs 6 coefficients');
  if (geoTransform[2] !== 0 || geoTransform[4] !== 0) {
    throw new RangeError('rotated geotransforms are not supported; warp the DEM north-up first');
  }
  if (!(a > 0) || !(f >= 0 && f < 1)) throw new RangeError(`invalid ellipsoid a=${a}, f=${f}`);
  const deg = Math.PI / 180;
  const dLon = Math.abs(geoTransform[1]!) * deg;
  const dLat = Math.abs(geoTransform[5]!) * deg;
  const e2 = f * (2 - f);
  const dx = new Float64Array(height);
  const dy = new Float64Array(height);
  for (let r = 0; r < height; r++) {
    const lat = (geoTransform[3]! + (r + 0.5) * geoTransform[5]!) * deg;
    const s = Math.sin(lat);
    const w = 1 - e2 * s * s;
    const N = a / Math.sqrt(w);
    const M = (a * (1 - e2)) / (w * Math.sqrt(w));
    dx[r] = Math.max(N * Math.cos(lat) * dLon, 1e-9);
    dy[r] = M * dLat;
  }
  return { dx, dy };
}
