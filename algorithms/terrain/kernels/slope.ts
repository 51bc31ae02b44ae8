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
  /**
   * Compute only rows [first, last) of the grid (default all); the outputs then hold those rows
   * only. The rows outside still serve as neighbours, so a strip with a halo row above and below
   * gives exactly the rows of the whole-grid result.
   */
  rows?: readonly [number, number];
  /** Slope output to fill instead of a new array (length = computed rows × width). */
  slopeOut?: Float32Array;
  /** Value written for nodata instead of NaN (e.g. the output file's nodata, saving a pass). */
  nodataValue?: number;
}

export interface SlopeAspectResult {
  slope: Float32Array;
  /** Degrees clockwise from north in [0, 360); `flatAspect` on flat cells; NaN on nodata. */
  aspect: Float32Array | null;
  /** Number of flat cells (zero gradient) among the computed rows. */
  flatCount: number;
  /** Number of computed cells whose centre is nodata. */
  nodataCount: number;
}

const RAD2DEG = 180.0 / Math.PI;
const DEG2RAD = Math.PI / 180.0;
const ident = (v: number): number => v;

/** Everything one slopeAspect call works with; one object so the helpers below are plain functions. */
interface Kernel {
  z: Float32Array | Float64Array;
  W: number;
  H: number;
  fr: (v: number) => number;
  slope: Float32Array;
  aspect: Float32Array | null;
  nd: number;
  horn: boolean;
  div: number;
  unitCode: number;
  compute: boolean;
  flatAspect: number;
  w: Float64Array;
  // cell sizes of the current row
  ewres: number;
  nsres: number;
  ratio: number;
  square: boolean;
  flatCount: number;
  nodataCount: number;
}

/**
 * Slope (and aspect) of every cell of a DEM (or of the rows `options.rows`).
 * Memory: the output arrays only (4 bytes per cell each).
 */
export function slopeAspect(grid: Grid, options: SlopeAspectOptions = {}): SlopeAspectResult {
  checkGrid(grid);
  const method = options.method ?? 'horn';
  const units = options.units ?? 'degrees';
  const edges = options.edges ?? 'compute';
  const wantAspect = options.aspect ?? true;
  const zFactor = options.zFactor ?? 1;
  if (method !== 'horn' && method !== 'zevenbergen-thorne') throw new RangeError(`unknown slope method '${String(method)}'`);
  if (units !== 'degrees' && units !== 'percent' && units !== 'radians') throw new RangeError(`unknown slope units '${String(units)}'`);
  if (edges !== 'compute' && edges !== 'none') throw new RangeError(`unknown edge mode '${String(edges)}'`);
  if (!(zFactor > 0)) throw new RangeError('zFactor must be positive');

  const { width: W, height: H } = grid;
  const r0 = options.rows ? options.rows[0] : 0;
  const r1 = options.rows ? options.rows[1] : H;
  if (!(Number.isInteger(r0) && Number.isInteger(r1) && 0 <= r0 && r0 <= r1 && r1 <= H)) {
    throw new RangeError(`rows [${r0}, ${r1}) outside the grid's 0…${H}`);
  }
  const n = (r1 - r0) * W;
  const z = grid.data;
  const { dx, dy } = rowSizes(grid);
  if (options.slopeOut && options.slopeOut.length !== n) throw new RangeError(`slopeOut has ${options.slopeOut.length} cells, ${n} expected`);
  const horn = method === 'horn';
  const k: Kernel = {
    z, W, H,
    // float32 emulation of gdaldem's window arithmetic when the DEM is float32
    fr: z instanceof Float32Array ? Math.fround : ident,
    slope: options.slopeOut ?? new Float32Array(n),
    aspect: wantAspect ? new Float32Array(n) : null,
    nd: options.nodataValue ?? NaN,
    horn,
    div: horn ? 8 : 2,
    unitCode: units === 'degrees' ? 0 : units === 'percent' ? 1 : 2,
    compute: edges === 'compute',
    flatAspect: options.flatAspect ?? -1,
    w: new Float64Array(9),
    ewres: NaN, nsres: NaN, ratio: NaN, square: true, // NaN: doubles from the start, so the shape never changes
    flatCount: 0, nodataCount: 0,
  };

  // Horn slope without aspect: interior rows go through hornRow, which forms each row's sums once.
  const fast = horn && !wantAspect && W >= 3;
  const R = fast ? [0, 1, 2].map(() => (z instanceof Float32Array ? new Float32Array(W) : new Float64Array(W))) : [];
  const generalCols = fast ? new Int32Array(W + 1) : new Int32Array(0);
  const tan = new Float64Array(fast ? W : 0);
  let sumsReady = -1; // R of rows sumsReady − 1 and sumsReady are in R[row % 3]

  for (let r = r0; r < r1; r++) {
    k.ewres = dx[r]! / zFactor;
    k.nsres = dy[r]! / zFactor;
    k.ratio = k.ewres / k.nsres;
    k.square = Math.abs(k.ratio - 1) < 1e-9;
    const o = (r - r0) * W; // output index of the row's first cell
    if (!fast || r === 0 || r === H - 1) {
      for (let c = 0; c < W; c++) cell(k, r, c, o + c);
      continue;
    }
    if (sumsReady !== r) {
      rowSum(z, (r - 1) * W, W, R[(r + 2) % 3]!, k.fr);
      rowSum(z, r * W, W, R[r % 3]!, k.fr);
    }
    sumsReady = r + 1;
    generalCols[0] = 0;
    k.flatCount += hornRow(z, W, r * W, R[(r + 2) % 3]!, R[(r + 1) % 3]!, k.slope, o, k.ewres, k.nsres, k.unitCode, k.fr, generalCols, tan);
    cell(k, r, 0, o);
    for (let j = 1; j <= generalCols[0]!; j++) cell(k, r, generalCols[j]!, o + generalCols[j]!);
    cell(k, r, W - 1, o + W - 1);
  }
  return { slope: k.slope, aspect: k.aspect, flatCount: k.flatCount, nodataCount: k.nodataCount };
}

/** dst[c] = ((row[c−1] + row[c]) + row[c]) + row[c+1] for 0 < c < W − 1 (the Horn north/south sum). */
function rowSum(z: Float32Array | Float64Array, b: number, W: number, dst: Float32Array | Float64Array, fr: (v: number) => number): void {
  for (let c = 1; c < W - 1; c++) dst[c] = fr(fr(fr(z[b + c - 1]! + z[b + c]!) + z[b + c]!) + z[b + c + 1]!);
}

/**
 * Horn slope of the interior cells of one row (grid index m of its first cell) into out[o + c],
 * with each Horn sum formed once instead of twice: a cell's west and east sums are the column sums
 * C(c−1), C(c+1), C(c) = ((up + mid) + mid) + down, and its north and south sums are the row sums
 * of the rows above and below (rowSum). These are gdaldem's float32 operations in gdaldem's order,
 * so the result is the same bit for bit. The south row sums are stored into `south`, to serve as
 * the north sums two rows later. Cells whose window holds a NaN (their sums are NaN), or whose
 * centre is NaN, are left for the general path: their columns are appended to generalCols
 * (generalCols[0] = count) and their tan[c] set to NaN. Returns the number of flat cells.
 */
function hornRow(
  z: Float32Array | Float64Array, W: number, m: number, north: Float32Array | Float64Array, south: Float32Array | Float64Array,
  out: Float32Array, o: number, ew: number, ns: number, unit: number, fr: (v: number) => number, generalCols: Int32Array, tan: Float64Array,
): number {
  const u = m - W, d = m + W;
  let flat = 0;
  let dl = z[d]!, dc = z[d + 1]!, mc = z[m + 1]!;
  let cl = fr(fr(fr(z[u]! + z[m]!) + z[m]!) + dl);
  let cc = fr(fr(fr(z[u + 1]! + mc) + mc) + dc);
  for (let c = 1; c < W - 1; c++) {
    const mr = z[m + c + 1]!, dr = z[d + c + 1]!;
    const cr = fr(fr(fr(z[u + c + 1]! + mr) + mr) + dr);
    const s = fr(fr(fr(dl + dc) + dc) + dr);
    south[c] = s;
    const we = fr(cl - cr);
    const sn = fr(s - north[c]!);
    if (mc !== mc || we !== we || sn !== sn) {
      generalCols[++generalCols[0]!] = c;
      tan[c] = NaN;
    } else {
      const gx = we / ew;
      const gy = sn / ns;
      tan[c] = Math.sqrt(gx * gx + gy * gy) / 8;
      if (we === 0 && sn === 0) flat++;
    }
    cl = cc; cc = cr;
    dl = dc; dc = dr;
    mc = mr;
  }
  // atan in a loop of its own: around each call the JIT saves every live floating-point register,
  // and with the sums loop's many live values that made the whole kernel ≈ 30 % slower
  if (unit === 1) {
    for (let c = 1; c < W - 1; c++) {
      const t = tan[c]!;
      if (t === t) out[o + c] = 100 * t;
    }
  } else {
    const scale = unit === 0 ? RAD2DEG : 1;
    for (let c = 1; c < W - 1; c++) {
      const t = tan[c]!;
      if (t === t) out[o + c] = Math.atan(t) * scale;
    }
  }
  return flat;
}

/** 2·a − b: a missing edge neighbour extrapolated linearly, as gdaldem does. */
const interp = (fr: (v: number) => number, a: number, b: number): number => fr(2 * a - b);
const at = (k: Kernel, r: number, c: number): number => (r < 0 || r >= k.H || c < 0 || c >= k.W ? NaN : k.z[r * k.W + c]!);

/**
 * The window of a border cell with -compute_edges, as gdaldem forms it: on the first/last row the
 * missing row is extrapolated (2·edge − inner) over columns jmin…jmax, a corner repeating its edge
 * column; on the first/last column of other rows the missing column is extrapolated. (A loop rather
 * than nine spelled-out cases: less code for the JIT to compile.)
 */
function borderWindow(k: Kernel, r: number, c: number): void {
  const { w, W, H, fr } = k;
  if (r === 0 || r === H - 1) {
    const inner = r === 0 ? 1 : r - 1;
    const outRow = r === 0 ? 0 : 6; // window offset of the extrapolated row
    const inRow = 6 - outRow;
    for (let j = 0; j < 3; j++) {
      const col = j === 0 ? (c === 0 ? c : c - 1) : j === 1 ? c : c === W - 1 ? c : c + 1;
      const e = at(k, r, col);
      const i = at(k, inner, col);
      w[3 + j] = e;
      w[inRow + j] = i;
      w[outRow + j] = interp(fr, e, i);
    }
  } else {
    const inner = c === 0 ? 1 : c - 1;
    const outCol = c === 0 ? 0 : 2; // window column that is extrapolated
    const inCol = 2 - outCol;
    for (let j = 0; j < 3; j++) {
      const e = at(k, r - 1 + j, c);
      const i = at(k, r - 1 + j, inner);
      w[3 * j + 1] = e;
      w[3 * j + inCol] = i;
      w[3 * j + outCol] = interp(fr, e, i);
    }
  }
}

/** One cell by the general path (borders, nodata in the window, aspect, ZT); o: output index. */
function cell(k: Kernel, r: number, c: number, o: number): void {
  const { z, W, H, w, fr, slope, aspect, nd } = k;
  const i = r * W + c;
  const centre = z[i]!;
  if (centre !== centre) {
    slope[o] = nd;
    if (aspect) aspect[o] = nd;
    k.nodataCount++;
    return;
  }
  const border = r === 0 || r === H - 1 || c === 0 || c === W - 1;
  if (!border) {
    const up = i - W, dn = i + W;
    w[0] = z[up - 1]!; w[1] = z[up]!; w[2] = z[up + 1]!;
    w[3] = z[i - 1]!; w[4] = centre; w[5] = z[i + 1]!;
    w[6] = z[dn - 1]!; w[7] = z[dn]!; w[8] = z[dn + 1]!;
  } else if (!k.compute) {
    slope[o] = nd;
    if (aspect) aspect[o] = nd;
    return;
  } else {
    borderWindow(k, r, c);
  }
  // missing neighbours: the centre value (compute) or a nodata result (none)
  let missing = false;
  for (let j = 0; j < 9; j++) {
    if (w[j] !== w[j]) {
      if (k.compute) w[j] = centre;
      else missing = true;
    }
  }
  if (missing) {
    slope[o] = nd;
    if (aspect) aspect[o] = nd;
    return;
  }
  // west − east and south − north sums, as gdaldem forms them (float32 on float32 DEMs)
  let we: number, sn: number;
  if (k.horn) {
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
  const gx = we / k.ewres;
  const gy = sn / k.nsres;
  const key = gx * gx + gy * gy;
  const t = Math.sqrt(key) / k.div;
  const unitCode = k.unitCode;
  const v = unitCode === 0 ? Math.atan(t) * RAD2DEG : unitCode === 1 ? 100 * t : Math.atan(t);
  slope[o] = v === v ? v : nd;
  if (aspect) {
    // gdaldem: dx = east − west, dy = south − north, aspect = atan2(dy, −dx)
    const ex = fr(-we);
    if (ex === 0 && sn === 0) {
      aspect[o] = k.flatAspect;
      k.flatCount++;
    } else {
      let a = Math.fround((k.square ? Math.atan2(sn, -ex) : Math.atan2(sn * k.ratio, -ex)) / DEG2RAD);
      a = a > 90 ? Math.fround(450 - a) : Math.fround(90 - a);
      aspect[o] = a === 360 ? 0 : a === a ? a : nd;
    }
  } else if (we === 0 && sn === 0) {
    k.flatCount++;
  }
}
