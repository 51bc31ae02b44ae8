// SPDX-License-Identifier: GPL-2.0-or-later
// socp — soil organic carbon sequestration potential toolbox.
// Copyright (C) 2026 the socp authors. This program is free software: you can redistribute it
// and/or modify it under the terms of the GNU General Public License as published by the Free
// Software Foundation, either version 2 of the License, or (at your option) any later version.
// It is distributed WITHOUT ANY WARRANTY; see <https://www.gnu.org/licenses/>.
//
// Specific catchment area and the topographic wetness index, and the whole TWI chain.
//
// References:
//   Beven, K.J., Kirkby, M.J. (1979). A physically based, variable contributing area model of
//     basin hydrology. Hydrological Sciences Bulletin 24(1), 43–69.
//   Quinn, P., Beven, K., Chevallier, P., Planchon, O. (1991). The prediction of hillslope flow
//     paths for distributed hydrological modelling using digital terrain models. Hydrological
//     Processes 5, 59–79 (specific catchment area, flow width).
//   Zevenbergen & Thorne (1987), Wang & Liu (2006), Freeman (1991), Tarboton (1997): see
//     curvature.ts, fill.ts and flow.ts.
//
// Semantics of the SAGA 8.5 chain
//   ta_preprocessor 4 (MINSLOPE 0.1) → ta_hydrology 0 (METHOD 4, CONVERGENCE 1.1)
//   → ta_hydrology 19 (METHOD 2) → ta_morphometry 0 (slope, METHOD 6) → ta_hydrology 20:
// - SCA = TCA / w, w = (|sin α|·Δy + |cos α|·Δx) — on square cells (|sin α| + |cos α|)·L —
//   with α the ZT aspect of the filled DEM. On flat cells SAGA's aspect is −1 and so
//   w = (|sin 1| + |cos 1|)·L ≈ 1.3818·L; kept for compatibility (such cells are rare after a
//   minimum-slope fill).
// - TWI = ln(SCA / max(tan β, 0.001)), β the ZT slope of the filled DEM rounded to float32 as
//   SAGA stores it, SCA rounded to float32 likewise.
// Memory per cell of twiChain: DEM + filled (4) + TCA (8) + flow work arrays (5, freed before
// SCA) + SCA (4) + slope (4) + TWI (4): about 30 bytes per cell beyond the DEM at peak, i.e.
// ~0.5 GB for 4000 × 4000; a 20000 × 20000 DEM (≈ 12 GB) needs tiling with overlapping,
// catchment-aware tiles, which these whole-grid kernels do not do.

import { forEachZt } from './curvature.js';
import { fillSinks, type FillOptions } from './fill.js';
import { flowAccumulation, type FlowMethod } from './flow.js';
import { checkGrid, rowSizes, type Grid } from './grid.js';

export interface ScaResult {
  /** Specific catchment area in m (float32; NaN on nodata). */
  sca: Float32Array;
  /** ZT slope of the DEM in radians (float32, as SAGA writes it). */
  slope: Float32Array;
}

/** SCA from a TCA grid (m²) and the DEM it was routed on; also returns the ZT slope. */
export function specificCatchmentArea(dem: Grid, tca: ArrayLike<number>): ScaResult {
  checkGrid(dem);
  if (tca.length !== dem.data.length) throw new RangeError('tca must have one value per DEM cell');
  const n = dem.data.length;
  const sca = new Float32Array(n);
  const slope = new Float32Array(n);
  const { dx, dy } = rowSizes(dem);
  const W = dem.width;
  const PI180 = Math.PI, PI270 = Math.PI * 1.5, PI090 = Math.PI / 2;
  forEachZt(
    dem,
    (i, _D, _E, _F, G, H) => {
      const p = G, q = H;
      slope[i] = Math.atan(Math.sqrt(p * p + q * q));
      const a = p !== 0.0 ? PI180 + Math.atan2(q, p) : q > 0.0 ? PI270 : q < 0.0 ? PI090 : -1.0;
      const r = (i / W) | 0;
      const lx = dx[r]!, ly = dy[r]!;
      const width = lx === ly ? (Math.abs(Math.sin(a)) + Math.abs(Math.cos(a))) * lx : Math.abs(Math.sin(a)) * ly + Math.abs(Math.cos(a)) * lx;
      const t = Math.fround(tca[i]!);
      sca[i] = width > 0 && t === t ? t / width : NaN;
    },
    (i) => {
      sca[i] = NaN;
      slope[i] = NaN;
    },
  );
  return { sca, slope };
}

/** TWI = ln(SCA / max(tan slope, minTanSlope)); slope in radians. NaN where either is NaN. */
export function wetnessIndex(sca: ArrayLike<number>, slope: ArrayLike<number>, minTanSlope = 0.001): Float32Array {
  if (sca.length !== slope.length) throw new RangeError('sca and slope must have the same length');
  if (!(minTanSlope > 0)) throw new RangeError('minTanSlope must be positive');
  const out = new Float32Array(sca.length);
  for (let i = 0; i < out.length; i++) {
    const a = sca[i]!, s = slope[i]!;
    if (a !== a || s !== s) {
      out[i] = NaN;
      continue;
    }
    let t = Math.tan(s);
    if (t < minTanSlope) t = minTanSlope;
    out[i] = Math.log(a / t);
  }
  return out;
}

export interface TwiChainOptions {
  /** Flow routing (default 'mfd'). */
  flow?: FlowMethod;
  /** MFD convergence (default 1.1). */
  convergence?: number;
  /** Minimum slope of the sink fill in degrees (default 0.1; 0 = plain fill). */
  minSlope?: FillOptions['minSlope'];
  /** Lower bound of tan β (default 0.001, SAGA's). */
  minTanSlope?: number;
  /** Called after each stage with a fraction 0..1 (for progress reporting). */
  onStage?: (stage: 'fill' | 'flow' | 'sca' | 'twi', fraction: number) => void;
}

export interface TwiChainResult {
  filled: Float32Array | Float64Array;
  /** Total catchment area, m². */
  tca: Float64Array;
  /** Specific catchment area, m. */
  sca: Float32Array;
  /** ZT slope of the filled DEM, radians. */
  slope: Float32Array;
  twi: Float32Array;
}

/** Fill → flow accumulation → SCA → TWI, as the SAGA chain above. */
export function twiChain(grid: Grid, options: TwiChainOptions = {}): TwiChainResult {
  const { filled } = fillSinks(grid, { minSlope: options.minSlope ?? 0.1 });
  options.onStage?.('fill', 0.4);
  const fg: Grid = { data: filled, width: grid.width, height: grid.height, dx: grid.dx, dy: grid.dy };
  const { tca } = flowAccumulation(fg, { method: options.flow ?? 'mfd', convergence: options.convergence ?? 1.1 });
  options.onStage?.('flow', 0.8);
  const { sca, slope } = specificCatchmentArea(fg, tca);
  options.onStage?.('sca', 0.9);
  const twi = wetnessIndex(sca, slope, options.minTanSlope ?? 0.001);
  options.onStage?.('twi', 1);
  return { filled, tca, sca, slope, twi };
}
