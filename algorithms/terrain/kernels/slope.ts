// SPDX-License-Identifier: GPL-2.0-or-later
// socp — soil organic carbon sequestration potential toolbox.
// Copyright (C) 2026 the socp authors. This program is free software: you can redistribute it
// and/or modify it under the terms of the GNU General Public License as published by the Free
// Software Foundation, either version 2 of the License, or (at your option) any later version.
// It is distributed WITHOUT ANY WARRANTY; see <https://www.gnu.org/licenses/>.
//
// Slope and aspect from a 3 × 3 window, reproducing gdaldem (GDAL 3.6) bit for bit on
// square projected cells.
//
// References:
//   Horn, B.K.P. (1981). Hill shading and the reflectance map. Proceedings of the IEEE 69(1),
//     14–47.
//   Zevenbergen, L.W., Thorne, C.R. (1987). Quantitative analysis of land surface topography.
//     Earth Surface Processes and Landforms 12, 47–56.
//
// Window z0..z8 row-major, z0 = north-west, z4 = centre.
//   Horn:  ∂z/∂x = [(z2+2z5+z8) − (z0+2z3+z6)] / 8Δx,  ∂z/∂y(north) = [(z0+2z1+z2) − (z6+2z7+z8)] / 8Δy
//   ZT:    ∂z/∂x = (z5 − z3) / 2Δx,                    ∂z/∂y(north) = (z1 − z7) / 2Δy
//   slope = atan √((∂z/∂x)² + (∂z/∂y)²); aspect = azimuth of the steepest descent, 0 = north,
//   clockwise, [0, 360).
//
// Conventions (differences from gdaldem are deliberate and listed here):
// - Arithmetic: with a Float32Array DEM the window sums are rounded to float32 after every
//   operation exactly as gdaldem's C++ does (its window type is float), then the rest is done in
//   double and rounded to float32 — so the output is bit-identical to gdaldem on square cells.
// - Edges ('compute', the default) follow `gdaldem -compute_edges`: on the first/last row the
//   missing row is extrapolated linearly (2·edge − inner) and a missing column of the corner
//   window repeats the edge column; on the first/last column of other rows the missing column is
//   extrapolated (2·edge − inner); then any neighbour that is nodata (NaN), or extrapolated from
//   nodata, takes the centre value. (So on the four corner cells the east–west differences span
//   one cell instead of two: gdaldem's corner slopes are biased low on inclined planes; kept for
//   equality.) With 'none' (gdaldem's default) the border and every cell with
//   a nodata neighbour are NaN. A nodata centre is always NaN.
// - Flat cells (both gradient components exactly 0) get slope 0 and aspect `flatAspect`
//   (default −1), distinct from nodata (NaN); gdaldem writes its nodata value there.
// - Aspect uses the real cell sizes (gdaldem 3.6 ignores them, wrong on non-square cells). When
//   Δx and Δy differ by less than 1e-9 relative (geotransform noise) the cells count as square
//   and the gdaldem expression is used unchanged.
// - Geographic DEMs: give Δx per row in metres (geographicCellSizes); gdaldem 3.6 does not scale.

import { checkGrid, rowSizes, type Grid } from './grid.js';

export type SlopeMethod = 'horn' | 'zevenbergen-thorne';
export type SlopeUnits = 'degrees' | 'percent' | 'radians';
export type EdgeMode = 'compute' | 'none';

export interface SlopeAspectOptions {
  /** Gradient estimator (default 'horn'). */
  method?: SlopeMethod;
  /** Slope units (default 'degrees'). Percent = 100·tan(slope). */
  units?: SlopeUnits;
  /** Edge handling (default 'compute', as gdaldem -compute_edges). */
  edges?: EdgeMode;
  /** Compute aspect as well (default true). */
  aspect?: boolean;
  /** Aspect written on flat cells (default −1). NaN remains reserved for nodata. */
  flatAspect?: number;
  /** Vertical exaggeration applied to elevations (default 1). */
  zFactor?: number;
}

export interface SlopeAspectResult {
  slope: Float32Array;
  /** Degrees clockwise from north in [0, 360); `flatAspect` on flat cells; NaN on nodata. */
  aspect: Float32Array | null;
  /** Number of flat cells (aspect = flatAspect). */
  flatCount: number;
}

const RAD2DEG = 180.0 / Math.PI;
const DEG2RAD = Math.PI / 180.0;
const ident = (v: number): number => v;

/**
 * Slope (and aspect) of every cell of a DEM.
 * Memory: the output arrays only (4 bytes per cell each).
 */
export function slopeAspect(grid: Grid, options: SlopeAspectOptions = {}): SlopeAspectResult {
  checkGrid(grid);
  const method = options.method ?? 'horn';
  const units = options.units ?? 'degrees';
  const edges = options.edges ?? 'compute';
  const wantAspect = options.aspect ?? true;
  const flatAspect = options.flatAspect ?? -1;
  const zFactor = options.zFactor ?? 1;
  if (method !== 'horn' && method !== 'zevenbergen-thorne') throw new RangeError(`unknown slope method '${String(method)}'`);
  if (units !== 'degrees' && units !== 'percent' && units !== 'radians') throw new RangeError(`unknown slope units '${String(units)}'`);
  if (edges !== 'compute' && edges !== 'none') throw new RangeError(`unknown edge mode '${String(edges)}'`);
  if (!(zFactor > 0)) throw new RangeError('zFactor must be positive');

  const { width: W, height: H } = grid;
  const z = grid.data;
  const { dx, dy } = rowSizes(grid);
  // float32 emulation of gdaldem's window arithmetic when the DEM is float32
  const fr: (v: number) => number = z instanceof Float32Array ? Math.fround : ident;
  const slope = new Float32Array(W * H);
  const aspect = wantAspect ? new Float32Array(W * H) : null;
  const horn = method === 'horn';
  const div = horn ? 8 : 2;
  const unitCode = units === 'degrees' ? 0 : units === 'percent' ? 1 : 2;
  const compute = edges === 'compute';
  let flatCount = 0;

  const at = (r: number, c: number): number => (r < 0 || r >= H || c < 0 || c >= W ? NaN : z[r * W + c]!);
  const interp = (a: number, b: number): number => fr(2 * a - b);
  const w = new Float64Array(9);

  for (let r = 0; r < H; r++) {
    const ewres = dx[r]! / zFactor;
    const nsres = dy[r]! / zFactor;
    const ratio = ewres / nsres;
    const square = Math.abs(ratio - 1) < 1e-9;
    const base = r * W;
    for (let c = 0; c < W; c++) {
      const i = base + c;
      const centre = z[i]!;
      if (centre !== centre) {
        slope[i] = NaN;
        if (aspect) aspect[i] = NaN;
        continue;
      }
      const border = r === 0 || r === H - 1 || c === 0 || c === W - 1;
      if (!border && horn && !aspect) {
        // fast path for the common case (interior cell, Horn slope only, no missing neighbour):
        // the same float32-emulated sums as below, without the window array
        const up = i - W, dn = i + W;
        const z0 = z[up - 1]!, z1 = z[up]!, z2 = z[up + 1]!, z3 = z[i - 1]!, z5 = z[i + 1]!, z6 = z[dn - 1]!, z7 = z[dn]!, z8 = z[dn + 1]!;
        if (z0 === z0 && z1 === z1 && z2 === z2 && z3 === z3 && z5 === z5 && z6 === z6 && z7 === z7 && z8 === z8) {
          const we = fr(fr(fr(fr(z0 + z3) + z3) + z6) - fr(fr(fr(z2 + z5) + z5) + z8));
          const sn = fr(fr(fr(fr(z6 + z7) + z7) + z8) - fr(fr(fr(z0 + z1) + z1) + z2));
          const gx = we / ewres;
          const gy = sn / nsres;
          const t = Math.sqrt(gx * gx + gy * gy) / 8;
          slope[i] = unitCode === 0 ? Math.atan(t) * RAD2DEG : unitCode === 1 ? 100 * t : Math.atan(t);
          if (we === 0 && sn === 0) flatCount++;
          continue;
        }
      }
      if (!border) {
        const up = i - W, dn = i + W;
        w[0] = z[up - 1]!; w[1] = z[up]!; w[2] = z[up + 1]!;
        w[3] = z[i - 1]!; w[4] = centre; w[5] = z[i + 1]!;
        w[6] = z[dn - 1]!; w[7] = z[dn]!; w[8] = z[dn + 1]!;
      } else if (!compute) {
        slope[i] = NaN;
        if (aspect) aspect[i] = NaN;
        continue;
      } else if (r === 0 || r === H - 1) {
        const jmin = c === 0 ? c : c - 1;
        const jmax = c === W - 1 ? c : c + 1;
        if (r === 0) {
          w[0] = interp(at(0, jmin), at(1, jmin)); w[1] = interp(at(0, c), at(1, c)); w[2] = interp(at(0, jmax), at(1, jmax));
          w[3] = at(0, jmin); w[4] = centre; w[5] = at(0, jmax);
          w[6] = at(1, jmin); w[7] = at(1, c); w[8] = at(1, jmax);
        } else {
          w[0] = at(r - 1, jmin); w[1] = at(r - 1, c); w[2] = at(r - 1, jmax);
          w[3] = at(r, jmin); w[4] = centre; w[5] = at(r, jmax);
          w[6] = interp(at(r, jmin), at(r - 1, jmin)); w[7] = interp(at(r, c), at(r - 1, c)); w[8] = interp(at(r, jmax), at(r - 1, jmax));
        }
      } else if (c === 0) {
        w[0] = interp(at(r - 1, 0), at(r - 1, 1)); w[1] = at(r - 1, 0); w[2] = at(r - 1, 1);
        w[3] = interp(centre, at(r, 1)); w[4] = centre; w[5] = at(r, 1);
        w[6] = interp(at(r + 1, 0), at(r + 1, 1)); w[7] = at(r + 1, 0); w[8] = at(r + 1, 1);
      } else {
        w[0] = at(r - 1, c - 1); w[1] = at(r - 1, c); w[2] = interp(at(r - 1, c), at(r - 1, c - 1));
        w[3] = at(r, c - 1); w[4] = centre; w[5] = interp(centre, at(r, c - 1));
        w[6] = at(r + 1, c - 1); w[7] = at(r + 1, c); w[8] = interp(at(r + 1, c), at(r + 1, c - 1));
      }
      // missing neighbours: the centre value (compute) or a nodata result (none)
      let missing = false;
      for (let k = 0; k < 9; k++) {
        if (w[k] !== w[k]) {
          if (compute) w[k] = centre;
          else missing = true;
        }
      }
      if (missing) {
        slope[i] = NaN;
        if (aspect) aspect[i] = NaN;
        continue;
      }
      // west − east and south − north sums, as gdaldem forms them (float32 on float32 DEMs)
      let we: number, sn: number;
      if (horn) {
        const west = fr(fr(fr(w[0]! + w[3]!) + w[3]!) + w[6]!);
        const east = fr(fr(fr(w[2]! + w[5]!) + w[5]!) + w[8]!);
        const south = fr(fr(fr(w[6]! + w[7]!) + w[7]!) + w[8]!);
        const north = fr(fr(fr(w[0]! + w[1]!) + w[1]!) + w[2]!);
        we = fr(west - east);
        sn = fr(south - north);
      } else {
        we = fr(w[3]! - w[5]!);
        sn = fr(w[7]! - w[1]!);
      }
      const gx = we / ewres;
      const gy = sn / nsres;
      const key = gx * gx + gy * gy;
      const t = Math.sqrt(key) / div;
      slope[i] = unitCode === 0 ? Math.atan(t) * RAD2DEG : unitCode === 1 ? 100 * t : Math.atan(t);
      if (aspect) {
        // gdaldem: dx = east − west, dy = south − north, aspect = atan2(dy, −dx)
        const ex = fr(-we);
        if (ex === 0 && sn === 0) {
          aspect[i] = flatAspect;
          flatCount++;
        } else {
          let a = Math.fround((square ? Math.atan2(sn, -ex) : Math.atan2(sn * ratio, -ex)) / DEG2RAD);
          a = a > 90 ? Math.fround(450 - a) : Math.fround(90 - a);
          aspect[i] = a === 360 ? 0 : a;
        }
      } else if (we === 0 && sn === 0) {
        flatCount++;
      }
    }
  }
  return { slope, aspect, flatCount };
}
