// SPDX-License-Identifier: GPL-2.0-or-later
// socp — soil organic carbon sequestration potential toolbox.
// Copyright (C) 2026 the socp authors. This program is free software: you can redistribute it
// and/or modify it under the terms of the GNU General Public License as published by the Free
// Software Foundation, either version 2 of the License, or (at your option) any later version.
// It is distributed WITHOUT ANY WARRANTY; see <https://www.gnu.org/licenses/>.
//
// Plan and profile curvature (and the Zevenbergen–Thorne gradient) from a 3 × 3 window.
//
// References:
//   Zevenbergen, L.W., Thorne, C.R. (1987). Quantitative analysis of land surface topography.
//     Earth Surface Processes and Landforms 12, 47–56.
//   Florinsky, I.V. (2016). Digital Terrain Analysis in Soil Science and Geology, 2nd ed.
//     Academic Press (profile kv, plan kp, Evans–Young / ZT derivatives).
//   Conrad, O. et al. (2015). System for Automated Geoscientific Analyses (SAGA) v. 2.1.4.
//     Geosci. Model Dev. 8, 1991–2007 (ta_morphometry 0, the reference implementation here).
//
// ZT coefficients with z relative to the centre (Δx east, Δy north cell sizes in metres):
//   D = [(zN+zS)/2 − z]/Δy²,  E = [(zW+zE)/2 − z]/Δx²,  F = (zNE + zSW − zNW − zSE)/(4ΔxΔy),
//   G = (zN − zS)/(2Δy) = ∂z/∂north,  H = (zE − zW)/(2Δx) = ∂z/∂east.
// Conventions (CurvatureConvention):
//   'saga'      (default) SAGA 8.5 ta_morphometry 0, METHOD 6 (ZT): profile = C_LONG =
//               −2(DG² + EH² + FGH)/(G²+H²), plan = C_CROS = −2(EG² + DH² − FGH)/(G²+H²);
//               1/m, positive = convex. Bit-identical to SAGA's float32 grids on square cells.
//   'florinsky' textbook profile kv = −(p²r + 2pqs + q²t)/[(p²+q²)(1+p²+q²)^{3/2}] and plan
//               kp = −(q²r − 2pqs + p²t)/(p²+q²)^{3/2} with p = H, q = G, r = 2E, t = 2D, s = F;
//               1/m, positive = convex.
//   'arcgis'    ArcGIS Curvature: profile = −100·C_LONG (negative = convex), plan = 100·C_CROS
//               (positive = convex); 1/100 z-units.
// Flat cells (G = H = 0): both curvatures 0 (as SAGA). Nodata centre: NaN.
// Edges and nodata neighbours as SAGA: a missing neighbour is mirrored through the centre
// (z − z_opposite), or takes the centre value when the opposite cell is missing too.

import { checkGrid, rowSizes, type Grid } from './grid.js';

export type CurvatureConvention = 'saga' | 'florinsky' | 'arcgis';

export interface CurvatureOptions {
  /** Definition, units and sign of the curvatures (default 'saga'). */
  convention?: CurvatureConvention;
}

export interface CurvatureResult {
  plan: Float32Array;
  profile: Float32Array;
  convention: CurvatureConvention;
  /** Units of both outputs: '1/m' or '1/100 m' (ArcGIS). */
  units: string;
  /** Human-readable definition, to be written into each output's metadata. */
  definition: { plan: string; profile: string };
}

export interface ZtGradientResult {
  /** ZT slope in radians, float32 (as SAGA ta_morphometry 0 METHOD 6 writes it). */
  slope: Float32Array;
  /**
   * ZT aspect in radians clockwise from north, [0, 2π); −1 on flat cells (SAGA's convention,
   * which ta_hydrology 19 then uses for the flow width); NaN on nodata.
   */
  aspect: Float32Array | null;
}

export const CURVATURE_DEFINITIONS: Record<CurvatureConvention, { units: string; plan: string; profile: string }> = {
  saga: {
    units: '1/m',
    plan: 'SAGA 8.5 ta_morphometry cross-sectional curvature C_CROS (Zevenbergen & Thorne 1987), 1/m, positive = convex',
    profile: 'SAGA 8.5 ta_morphometry longitudinal curvature C_LONG (Zevenbergen & Thorne 1987), 1/m, positive = convex',
  },
  florinsky: {
    units: '1/m',
    plan: 'plan curvature kp (Florinsky 2016) from Zevenbergen & Thorne derivatives, 1/m, positive = convex',
    profile: 'profile curvature kv (Florinsky 2016) from Zevenbergen & Thorne derivatives, 1/m, positive = convex',
  },
  arcgis: {
    units: '1/100 m',
    plan: 'ArcGIS plan curvature = 100 × SAGA C_CROS (Zevenbergen & Thorne 1987), positive = convex',
    profile: 'ArcGIS profile curvature = −100 × SAGA C_LONG (Zevenbergen & Thorne 1987), negative = convex',
  },
};

/**
 * Visit every valid cell with its Zevenbergen–Thorne coefficients D, E, F, G, H (see the header;
 * SAGA's edge scheme); `nodata` is called for nodata cells.
 */
export function forEachZt(
  grid: Grid,
  visit: (i: number, D: number, E: number, F: number, G: number, H: number) => void,
  nodata: (i: number) => void,
): void {
  checkGrid(grid);
  const { width: W, height: Hh } = grid;
  const z = grid.data;
  const { dx, dy } = rowSizes(grid);
  // neighbour value relative to the centre, mirrored when missing (SAGA Get_SubMatrix3x3)
  const rel = (r: number, c: number, ro: number, co: number, zc: number): number => {
    let v = r >= 0 && r < Hh && c >= 0 && c < W ? z[r * W + c]! : NaN;
    if (v === v) return v - zc;
    v = ro >= 0 && ro < Hh && co >= 0 && co < W ? z[ro * W + co]! : NaN;
    if (v === v) return zc - v;
    return 0.0;
  };
  for (let r = 0; r < Hh; r++) {
    const lx = dx[r]!, ly = dy[r]!;
    const square = lx === ly;
    const areaY = ly * ly, areaX = lx * lx, areaXY = square ? lx * lx : lx * ly;
    const interior = r > 0 && r < Hh - 1;
    for (let c = 0; c < W; c++) {
      const i = r * W + c;
      const zc = z[i]!;
      if (zc !== zc) {
        nodata(i);
        continue;
      }
      let zN: number, zNE: number, zE: number, zSE: number, zS: number, zSW: number, zW: number, zNW: number;
      let ok = interior && c > 0 && c < W - 1;
      if (ok) {
        zN = z[i - W]!; zNE = z[i - W + 1]!; zE = z[i + 1]!; zSE = z[i + W + 1]!;
        zS = z[i + W]!; zSW = z[i + W - 1]!; zW = z[i - 1]!; zNW = z[i - W - 1]!;
        // NaN anywhere → fall back to the mirrored scheme
        if (zN === zN && zNE === zNE && zE === zE && zSE === zSE && zS === zS && zSW === zSW && zW === zW && zNW === zNW) {
          zN -= zc; zNE -= zc; zE -= zc; zSE -= zc; zS -= zc; zSW -= zc; zW -= zc; zNW -= zc;
        } else ok = false;
      }
      if (!ok) {
        zN = rel(r - 1, c, r + 1, c, zc);
        zNE = rel(r - 1, c + 1, r + 1, c - 1, zc);
        zE = rel(r, c + 1, r, c - 1, zc);
        zSE = rel(r + 1, c + 1, r - 1, c - 1, zc);
        zS = rel(r + 1, c, r - 1, c, zc);
        zSW = rel(r + 1, c - 1, r - 1, c + 1, zc);
        zW = rel(r, c - 1, r, c + 1, zc);
        zNW = rel(r - 1, c - 1, r + 1, c + 1, zc);
      }
      // same operation order as SAGA's Set_Zevenbergen (Z[4] = 0)
      const D = ((zS! + zN!) / 2.0 - 0.0) / areaY;
      const E = ((zW! + zE!) / 2.0 - 0.0) / areaX;
      const F = (zSW! - zNW! - zSE! + zNE!) / (4 * areaXY);
      const G = (zN! - zS!) / (2 * ly);
      const H = (zE! - zW!) / (2 * lx);
      visit(i, D, E, F, G, H);
    }
  }
}

/** Plan and profile curvature. Memory: the two Float32 outputs (8 bytes per cell). */
export function curvature(grid: Grid, options: CurvatureOptions = {}): CurvatureResult {
  const convention = options.convention ?? 'saga';
  if (!(convention in CURVATURE_DEFINITIONS)) throw new RangeError(`unknown curvature convention '${String(convention)}'`);
  const n = grid.width * grid.height;
  const plan = new Float32Array(n);
  const profile = new Float32Array(n);
  const code = convention === 'saga' ? 0 : convention === 'florinsky' ? 1 : 2;
  forEachZt(
    grid,
    (i, D, E, F, G, H) => {
      const p = G, q = H;
      const p2q2 = p * p + q * q;
      if (!p2q2) {
        plan[i] = 0;
        profile[i] = 0;
        return;
      }
      if (code === 1) {
        // textbook: x east, y north
        const zx = H, zy = G, zxx = 2 * E, zyy = 2 * D, zxy = F;
        const zx2 = zx * zx, zy2 = zy * zy, g2 = zx2 + zy2;
        profile[i] = -(zx2 * zxx + 2 * zx * zy * zxy + zy2 * zyy) / (g2 * Math.pow(1 + g2, 1.5));
        plan[i] = -(zy2 * zxx - 2 * zx * zy * zxy + zx2 * zyy) / Math.pow(g2, 1.5);
        return;
      }
      const spq = F * p * q, p2 = p * p, q2 = q * q;
      const cLong = (-2 * (D * p2 + E * q2 + spq)) / p2q2;
      const cCros = (-2 * (E * p2 + D * q2 - spq)) / p2q2;
      if (code === 0) {
        profile[i] = cLong;
        plan[i] = cCros;
      } else {
        profile[i] = -100 * cLong;
        plan[i] = 100 * cCros;
      }
    },
    (i) => {
      plan[i] = NaN;
      profile[i] = NaN;
    },
  );
  const def = CURVATURE_DEFINITIONS[convention];
  return { plan, profile, convention, units: def.units, definition: { plan: def.plan, profile: def.profile } };
}

/**
 * Zevenbergen–Thorne slope (radians) and aspect (radians, −1 on flats), with SAGA's edge scheme:
 * the gradient SAGA's ta_morphometry 0 (METHOD 6) writes and ta_hydrology 19/20 use.
 */
export function ztGradient(grid: Grid, options: { aspect?: boolean } = {}): ZtGradientResult {
  const n = grid.width * grid.height;
  const slope = new Float32Array(n);
  const aspect = options.aspect ?? true ? new Float32Array(n) : null;
  const PI180 = Math.PI, PI270 = Math.PI * 1.5, PI090 = Math.PI / 2;
  forEachZt(
    grid,
    (i, _D, _E, _F, G, H) => {
      const p = G, q = H;
      slope[i] = Math.atan(Math.sqrt(p * p + q * q));
      if (aspect) aspect[i] = p !== 0.0 ? PI180 + Math.atan2(q, p) : q > 0.0 ? PI270 : q < 0.0 ? PI090 : -1;
    },
    (i) => {
      slope[i] = NaN;
      if (aspect) aspect[i] = NaN;
    },
  );
  return { slope, aspect };
}
