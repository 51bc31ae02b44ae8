// SPDX-License-Identifier: GPL-2.0-or-later
// socp — soil organic carbon sequestration potential toolbox.
// Copyright (C) 2026 the socp authors. This program is free software: you can redistribute it
// and/or modify it under the terms of the GNU General Public License as published by the Free
// Software Foundation, either version 2 of the License, or (at your option) any later version.
// It is distributed WITHOUT ANY WARRANTY; see <https://www.gnu.org/licenses/>.
//
// The "SAGA Wetness Index" (Böhner et al. 2002; Böhner & Selige 2006), as SAGA 8.5
// ta_hydrology 15 computes it. It is NOT the standard TWI ln(a / tan β) of twi.ts: it uses a
// "modified catchment area" (a suction step that lets cells on valley floors inherit a share of
// their neighbours' larger catchment areas) and the mean slope of the catchment instead of the
// local slope.
//
// References:
//   Böhner, J., Köthe, R., Conrad, O., Gross, J., Ringeler, A., Selige, T. (2002). Soil
//     regionalisation by means of terrain analysis and process parameterisation. In: Micheli, E.,
//     Nachtergaele, F., Montanarella, L. (eds.), Soil Classification 2001. European Soil Bureau,
//     Research Report No. 7, EUR 20398 EN, 213–222.
//   Böhner, J., Selige, T. (2006). Spatial prediction of soil attributes using terrain analysis
//     and climate regionalisation. Göttinger Geographische Abhandlungen 115, 13–28.
//
// Steps (SAGA's CSAGA_Wetness_Index, read from its source and checked against saga_cmd 8.5):
// 1. Local slope β_l of every cell from SAGA's grid gradient (central differences of the four
//    direct neighbours; a missing or nodata neighbour replaced by the one-sided difference of
//    the opposite neighbour, or 0 when both are missing): β_l = atan √(G² + H²).
//    Suction factor S = (1/d)^(e^d), d = T^(w·β_l), T = SUCTION (default 10), w = SLOPE_WEIGHT
//    (default 1); S ≤ 1 for T ≥ 1, S = 1 on flat cells.
// 2. Catchment area (cells) and catchment slope by a multiple-flow-direction routing in which the
//    shares are ∝ atan(Δz / distance)^1.1 (the angle, not the gradient, unlike Freeman 1991) to
//    every strictly lower neighbour; cells processed from high to low; every cell adds 1 to its
//    area and β_l to its slope sum; the cell's catchment slope is the sum / area. Area × cell
//    area → m². Flow that would leave the grid or enter nodata is lost.
// 3. Modified catchment area: the smallest grid A_m ≥ A with A_m(i) ≥ S(i) · max over the
//    3 × 3 neighbourhood of A_m (SAGA iterates whole-grid passes until nothing changes; its
//    passes are monotone, so their limit is this least fixed point, computed here in one
//    pass with a max-priority queue — same values, far fewer operations). Then every cell whose
//    3 × 3 window contains a cell raised by the suction gets the mean of A_m over the window
//    (valid cells only).
// 4. SWI = ln(a / tan(max(β + SLOPE_OFF, SLOPE_MIN))) with β the catchment slope
//    (SLOPE_TYPE catchment, the default) or β_l (local), SLOPE_OFF 0.1° and SLOPE_MIN 0° by
//    default, and a = A_m / cell size (AREA_TYPE specific, SAGA 8.5's default), √A_m (sqrt) or A_m
//    (total). (Older SAGA sources divide by 6·tan and default to √A_m; SAGA 8.5's output has
//    neither — checked on the fixtures.)
// Memory: about 52 bytes per cell at peak (local slope 8, suction 4, order 4, area 4, slope 4,
// modified area 4 + 4, priority queue ≤ 12 + growth, SWI 4) beyond the DEM.
// Grids are held in float32 as SAGA holds them (its outputs and work grids are float grids), so
// the intermediate roundings are SAGA's.
//
// Non-square and geographic cells (per-row dx, dy) are supported by using dx for east–west and
// dy for north–south distances, √(dx² + dy²) diagonally, dx·dy as the cell area and √(dx·dy) as
// the "cell size" of the specific area; on square cells this is SAGA's arithmetic exactly.

import { CellHeap } from './heap.js';
import { checkGrid, rowSizes, type Grid } from './grid.js';

export type SagaWetnessAreaType = 'total' | 'sqrt' | 'specific';
export type SagaWetnessSlopeType = 'local' | 'catchment';

export interface SagaWetnessOptions {
  /** SUCTION T (default 10, must be ≥ 1): the lower, the stronger the suction. */
  suction?: number;
  /** AREA_TYPE (default 'specific', SAGA 8.5's default). */
  areaType?: SagaWetnessAreaType;
  /** SLOPE_TYPE (default 'catchment'). */
  slopeType?: SagaWetnessSlopeType;
  /** SLOPE_MIN in degrees (default 0). */
  slopeMin?: number;
  /** SLOPE_OFF in degrees (default 0.1). */
  slopeOffset?: number;
  /** SLOPE_WEIGHT w in the suction d = T^(w·β) (default 1). */
  slopeWeight?: number;
}

export interface SagaWetnessResult {
  /** Catchment area, m² (SAGA's AREA). NaN on nodata. */
  area: Float32Array;
  /** Catchment slope, radians (SAGA's SLOPE). */
  slope: Float32Array;
  /** Modified catchment area, m² (SAGA's AREA_MOD). */
  areaMod: Float32Array;
  /** SAGA Wetness Index (SAGA's TWI output). */
  swi: Float32Array;
}

// SAGA's neighbour order N, NE, E, SE, S, SW, W, NW as (row, column) offsets, row 0 = north.
const DR = [-1, -1, 0, 1, 1, 1, 0, -1];
const DC = [0, 1, 1, 1, 0, -1, -1, -1];

/** The SAGA Wetness Index and its intermediate grids (see the header for the definition). */
export function sagaWetnessIndex(grid: Grid, options: SagaWetnessOptions = {}): SagaWetnessResult {
  checkGrid(grid);
  const T = options.suction ?? 10;
  const areaType = options.areaType ?? 'specific';
  const slopeType = options.slopeType ?? 'catchment';
  const slopeMin = ((options.slopeMin ?? 0) * Math.PI) / 180;
  const slopeOff = ((options.slopeOffset ?? 0.1) * Math.PI) / 180;
  const w = options.slopeWeight ?? 1;
  if (!(T >= 1) || !Number.isFinite(T)) throw new RangeError(`suction must be ≥ 1 (got ${T}); below 1 the suction factor exceeds 1 and the modified catchment area grows without bound`);
  if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`slopeWeight must be ≥ 0 (got ${w})`);
  if (!(slopeMin >= 0) || !(slopeOff >= 0)) throw new RangeError('slopeMin and slopeOffset must be ≥ 0');
  if (areaType !== 'total' && areaType !== 'sqrt' && areaType !== 'specific') throw new RangeError(`unknown areaType ${String(areaType)}`);
  if (slopeType !== 'local' && slopeType !== 'catchment') throw new RangeError(`unknown slopeType ${String(slopeType)}`);

  const { data: z, width: W, height: H } = grid;
  const n = W * H;
  const { dx, dy } = rowSizes(grid);
  const ok = (r: number, c: number) => r >= 0 && r < H && c >= 0 && c < W && z[r * W + c] === z[r * W + c];

  // 1. local slope (SAGA CSG_Grid::Get_Gradient) and suction factor
  const local = new Float64Array(n);
  const suc = new Float32Array(n);
  for (let r = 0; r < H; r++) {
    const lx = dx[r]!, ly = dy[r]!;
    for (let c = 0; c < W; c++) {
      const i = r * W + c;
      const zi = z[i]!;
      if (zi !== zi) {
        local[i] = NaN;
        suc[i] = NaN;
        continue;
      }
      // zm[k] for k = N, E, S, W (SAGA directions 0, 2, 4, 6)
      let zN: number, zE: number, zS: number, zW: number;
      if (ok(r - 1, c)) zN = z[i - W]! - zi; else if (ok(r + 1, c)) zN = zi - z[i + W]!; else zN = 0;
      if (ok(r, c + 1)) zE = z[i + 1]! - zi; else if (ok(r, c - 1)) zE = zi - z[i - 1]!; else zE = 0;
      if (ok(r + 1, c)) zS = z[i + W]! - zi; else if (ok(r - 1, c)) zS = zi - z[i - W]!; else zS = 0;
      if (ok(r, c - 1)) zW = z[i - 1]! - zi; else if (ok(r, c + 1)) zW = zi - z[i + 1]!; else zW = 0;
      const G = (zN - zS) / (2.0 * ly);
      const Hh = (zE - zW) / (2.0 * lx);
      const s = Math.atan(Math.sqrt(G * G + Hh * Hh));
      local[i] = s;
      const d = Math.pow(T, w * s);
      suc[i] = Math.pow(1.0 / d, Math.exp(d));
    }
  }

  // 2. catchment area (cells → m²) and catchment slope, cells from high to low
  const order = sortedDescending(z);
  const area = new Float32Array(n);
  const slope = new Float32Array(n);
  const share = new Float64Array(8);
  const CONV = 1.1;
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    const r = (i / W) | 0, c = i - r * W;
    const zi = z[i]!;
    const Area = area[i]! + 1.0;
    const Slope = slope[i]! + local[i]!;
    area[i] = Area;
    slope[i] = Slope / Area;
    const lx = dx[r]!, ly = dy[r]!, ld = lx === ly ? Math.SQRT2 * lx : Math.sqrt(lx * lx + ly * ly);
    let sum = 0.0;
    for (let j = 0; j < 8; j++) {
      share[j] = 0.0;
      const rr = r + DR[j]!, cc = c + DC[j]!;
      if (rr < 0 || rr >= H || cc < 0 || cc >= W) continue;
      const zj = z[rr * W + cc]!;
      if (zj !== zj) continue;
      const dz = zi - zj;
      if (dz > 0.0) {
        const len = j & 1 ? ld : j === 0 || j === 4 ? ly : lx;
        sum += share[j] = Math.pow(Math.atan(dz / len), CONV);
      }
    }
    if (sum > 0.0) {
      for (let j = 0; j < 8; j++) {
        if (share[j]! > 0.0) {
          const t = (r + DR[j]!) * W + c + DC[j]!;
          const f = share[j]! / sum;
          area[t] = area[t]! + f * Area;
          slope[t] = slope[t]! + f * Slope;
        }
      }
    }
  }
  for (let i = 0; i < n; i++) {
    if (z[i] !== z[i]) {
      area[i] = NaN;
      slope[i] = NaN;
    }
  }
  for (let r = 0; r < H; r++) {
    const ca = dx[r]! * dy[r]!;
    for (let i = r * W; i < (r + 1) * W; i++) area[i] = area[i]! * ca;
  }

  // 3. modified catchment area: least fixed point of A_m(i) = max(A(i), S(i)·max_3×3 A_m), by a
  //    max-priority flood (S ≤ 1, so values only pass downwards in size)
  const am = Float32Array.from(area);
  const heap = new CellHeap(Math.min(n, 1 << 20));
  for (let i = 0; i < n; i++) if (am[i] === am[i]) heap.push(-am[i]!, i);
  while (heap.size) {
    const p = -heap.topPriority();
    const j = heap.pop();
    const v = am[j]!;
    if (p !== v) continue; // stale entry
    const r = (j / W) | 0, c = j - r * W;
    for (let q = 0; q < 8; q++) {
      const rr = r + DR[q]!, cc = c + DC[q]!;
      if (rr < 0 || rr >= H || cc < 0 || cc >= W) continue;
      const t = rr * W + cc;
      const s = suc[t]!;
      if (s !== s) continue;
      const cand = Math.fround(s * v);
      if (cand > am[t]!) {
        am[t] = cand;
        heap.push(-cand, t);
      }
    }
  }
  const areaMod = new Float32Array(n);
  for (let r = 0; r < H; r++) {
    for (let c = 0; c < W; c++) {
      const i = r * W + c;
      if (am[i] !== am[i]) {
        areaMod[i] = NaN;
        continue;
      }
      let modify = false, cnt = 0, sum = 0.0;
      // SAGA's window order: its rows y−1 … y+1 run south to north
      for (let rr = r + 1; rr >= r - 1; rr--) {
        if (rr < 0 || rr >= H) continue;
        for (let cc = c - 1; cc <= c + 1; cc++) {
          if (cc < 0 || cc >= W) continue;
          const t = rr * W + cc;
          const a = am[t]!;
          if (a !== a) continue;
          if (a > area[t]!) modify = true;
          cnt++;
          sum += a;
        }
      }
      areaMod[i] = modify ? sum / cnt : am[i]!;
    }
  }

  // 4. the index
  const swi = new Float32Array(n);
  for (let r = 0; r < H; r++) {
    const L = dx[r] === dy[r] ? dx[r]! : Math.sqrt(dx[r]! * dy[r]!);
    for (let i = r * W; i < (r + 1) * W; i++) {
      const a0 = areaMod[i]!, sl = slope[i]!;
      if (a0 !== a0 || sl !== sl) {
        swi[i] = NaN;
        continue;
      }
      let s = (slopeType === 'catchment' ? sl : local[i]!) + slopeOff;
      s = Math.tan(slopeMin < s ? s : slopeMin);
      const a = areaType === 'sqrt' ? Math.sqrt(a0) : areaType === 'specific' ? a0 / L : a0;
      swi[i] = Math.log(a / s);
    }
  }
  return { area, slope, areaMod, swi };
}

/** Indices of the valid (non-NaN) cells, highest first (ties: lower index first). */
function sortedDescending(z: ArrayLike<number>): Uint32Array {
  let m = 0;
  for (let i = 0; i < z.length; i++) if (z[i] === z[i]) m++;
  const idx = new Uint32Array(m);
  for (let i = 0, k = 0; i < z.length; i++) if (z[i] === z[i]) idx[k++] = i;
  idx.sort((a, b) => z[b]! - z[a]! || a - b);
  return idx;
}
