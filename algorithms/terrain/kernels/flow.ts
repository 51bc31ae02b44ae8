// SPDX-License-Identifier: GPL-2.0-or-later
// socp — soil organic carbon sequestration potential toolbox.
// Copyright (C) 2026 the socp authors. This program is free software: you can redistribute it
// and/or modify it under the terms of the GNU General Public License as published by the Free
// Software Foundation, either version 2 of the License, or (at your option) any later version.
// It is distributed WITHOUT ANY WARRANTY; see <https://www.gnu.org/licenses/>.
//
// Flow accumulation (total catchment area, m²): Freeman MFD, D8, D-infinity.
//
// References:
//   Freeman, T.G. (1991). Calculating catchment area with divergent flow based on a regular grid.
//     Computers & Geosciences 17(3), 413–422.
//   O'Callaghan, J.F., Mark, D.M. (1984). The extraction of drainage networks from digital
//     elevation data. Computer Vision, Graphics, and Image Processing 28, 323–344 (D8).
//   Tarboton, D.G. (1997). A new method for the determination of flow directions and upslope
//     areas in grid digital elevation models. Water Resources Research 33(2), 309–319.
//
// Semantics (SAGA 8.5 ta_hydrology 0, "Flow Accumulation (Top-Down)"):
// - Every valid cell starts with its own area (Δx(row)·Δy(row), m²) and passes everything it
//   holds downslope; cells are processed so that every cell comes after all strictly higher
//   neighbours. SAGA sorts the cells from high to low; this kernel uses the equivalent O(n)
//   topological order (Kahn's algorithm on the "strictly higher neighbour" relation, depth-first): flow only
//   ever goes to strictly lower cells, so the two orders give the same sums (up to the order of
//   floating-point additions; SAGA accumulates in float32, this kernel in float64).
// - A neighbour outside the grid or nodata is given the mirrored elevation 2z − z_opposite (the
//   centre value if the opposite cell is missing as well); a share sent that way leaves the grid
//   and is lost — flow leaves the grid at the edges and at nodata borders.
// - 'mfd': share to neighbour i ∝ ((z − z_i)/L_i)^convergence over lower neighbours (Freeman
//   1991; SAGA METHOD 4, convergence 1.1).
//   The power is evaluated as exp(convergence·ln x) (~1e-15 relative from C's pow).
// - 'd8': everything to the steepest lower neighbour (first in N, NE, E, … order on ties); as in
//   SAGA (Get_Gradient_NeighborDir with bNoEdges), a cell with any neighbour outside the grid or
//   nodata is an outlet: its flow leaves the grid there.
// - 'dinf': Tarboton's eight triangular facets; the steepest facet direction splits the flow
//   between its two cells in proportion to the angles; a share to a cell that is not strictly
//   lower goes to the other cell (never uphill or sideways on flats). SAGA's "Deterministic
//   Infinity" instead splits by the ZT aspect and differs.
// - Cells without any lower neighbour (pits, flats) keep their flow: fill sinks first.
// Memory per cell: 8 (float64 accumulation) + 1 (donor count) + 4 (stack) bytes, plus the DEM.

import { checkGrid, rowSizes, type Grid } from './grid.js';
import { DIR_DC, DIR_DR } from './fill.js';

export type FlowMethod = 'mfd' | 'd8' | 'dinf';

export interface FlowOptions {
  /** Routing (default 'mfd'). */
  method?: FlowMethod;
  /** MFD convergence exponent (default 1.1). */
  convergence?: number;
}

export interface FlowResult {
  /** Total catchment area in m² (NaN on nodata). */
  tca: Float64Array;
}

export function flowAccumulation(grid: Grid, options: FlowOptions = {}): FlowResult {
  checkGrid(grid);
  const method = options.method ?? 'mfd';
  const conv = options.convergence ?? 1.1;
  if (method !== 'mfd' && method !== 'd8' && method !== 'dinf') throw new RangeError(`unknown flow method '${String(method)}'`);
  if (!(conv > 0) || !Number.isFinite(conv)) throw new RangeError(`convergence must be positive (got ${conv})`);
  const { width: W, height: H } = grid;
  const z = grid.data;
  const n = W * H;
  const { dx, dy } = rowSizes(grid);
  const acc = new Float64Array(n);
  const donors = new Uint8Array(n);
  const queue = new Int32Array(n);
  let qTail = 0;

  // initial area and donor counts (strictly higher valid neighbours)
  for (let r = 0; r < H; r++) {
    const area = dx[r]! * dy[r]!;
    for (let c = 0; c < W; c++) {
      const i = r * W + c;
      const zc = z[i]!;
      if (zc !== zc) {
        acc[i] = NaN;
        continue;
      }
      acc[i] = area;
      let k = 0;
      for (let d = 0; d < 8; d++) {
        const rr = r + DIR_DR[d], cc = c + DIR_DC[d];
        if (rr < 0 || rr >= H || cc < 0 || cc >= W) continue;
        const v = z[rr * W + cc]!;
        if (v > zc) k++;
      }
      donors[i] = k;
      if (k === 0) queue[qTail++] = i;
    }
  }

  const len = new Float64Array(8);
  const dzv = new Float64Array(8);
  const nb = new Float64Array(8); // neighbour elevations (mirrored when missing)
  const inside = new Uint8Array(8);
  const share = new Float64Array(8);
  const offs = new Int32Array(8);
  for (let d = 0; d < 8; d++) offs[d] = DIR_DR[d] * W + DIR_DC[d];
  const code = method === 'mfd' ? 0 : method === 'd8' ? 1 : 2;

  // Depth-first (LIFO) processing: a cell is pushed when its last higher neighbour is done, so
  // the walk follows flow paths downstream and stays local in memory.
  let top = qTail;
  // the stack holds the ready cells; reverse so the first ready cell (scan order) comes out first
  for (let a = 0, b = top - 1; a < b; a++, b--) {
    const t = queue[a]!;
    queue[a] = queue[b]!;
    queue[b] = t;
  }
  while (top > 0) {
    const i = queue[--top]!;
    const r = (i / W) | 0;
    const c = i - r * W;
    const zc = z[i]!;
    const lx = dx[r]!, ly = dy[r]!;
    const diag = lx === ly ? lx * Math.SQRT2 : Math.hypot(lx, ly);
    len[0] = ly; len[1] = diag; len[2] = lx; len[3] = diag; len[4] = ly; len[5] = diag; len[6] = lx; len[7] = diag;
    let allInside = r > 0 && r < H - 1 && c > 0 && c < W - 1;
    if (allInside) {
      for (let d = 0; d < 8; d++) {
        const v = z[i + offs[d]!]!;
        nb[d] = v;
        if (v !== v) allInside = false;
      }
    }
    if (allInside) {
      for (let d = 0; d < 8; d++) inside[d] = 1;
    } else {
      for (let d = 0; d < 8; d++) {
        const rr = r + DIR_DR[d], cc = c + DIR_DC[d];
        let v = rr >= 0 && rr < H && cc >= 0 && cc < W ? z[rr * W + cc]! : NaN;
        if (v === v) {
          nb[d] = v;
          inside[d] = 1;
        } else {
          inside[d] = 0;
          const ro = r - DIR_DR[d], co = c - DIR_DC[d];
          v = ro >= 0 && ro < H && co >= 0 && co < W ? z[ro * W + co]! : NaN;
          nb[d] = v === v ? zc - (v - zc) : zc;
        }
      }
    }
    const a = acc[i]!;
    if (code === 0) {
      // (drop/len)^conv as exp(conv·ln(drop/len)): ~2× faster than Math.pow in V8, equal to
      // ~1e-15 relative
      let sum = 0;
      for (let d = 0; d < 8; d++) {
        const drop = zc - nb[d]!;
        if (drop > 0) {
          const w = Math.exp(conv * Math.log(drop / len[d]!));
          dzv[d] = w;
          sum += w;
        } else dzv[d] = 0;
      }
      if (sum > 0) {
        for (let d = 0; d < 8; d++) {
          const w = dzv[d]!;
          if (w > 0 && inside[d]) {
            const j = i + offs[d]!;
            acc[j] = acc[j]! + (w / sum) * a;
          }
        }
      }
    } else {
      for (let d = 0; d < 8; d++) share[d] = 0;
      if (code === 1) {
        let best = -1, bestS = 0;
        if (allInside) {
          for (let d = 0; d < 8; d++) {
            const sl = (zc - nb[d]!) / len[d]!;
            if (sl > 0 && (best < 0 || sl > bestS)) {
              best = d;
              bestS = sl;
            }
          }
        }
        if (best >= 0) share[best] = 1;
      } else {
        dinfShares(zc, nb, lx, ly, share);
      }
      for (let d = 0; d < 8; d++) {
        const f = share[d]!;
        if (f === 0 || !inside[d]) continue; // a share sent outside leaves the grid
        const j = i + offs[d]!;
        acc[j] = acc[j]! + f * a;
      }
    }
    // release lower neighbours whose higher neighbours are all done
    for (let d = 0; d < 8; d++) {
      if (!inside[d] || !(nb[d]! < zc)) continue;
      const j = i + offs[d]!;
      if (--donors[j] === 0) queue[top++] = j;
    }
  }
  return { tca: acc };
}

/**
 * Tarboton (1997) D∞ shares over the 8 neighbours (SAGA direction order N, NE, …, NW) for a
 * cell at elevation zc with neighbour elevations nb (missing ones mirrored), cell sizes lx (east)
 * and ly (north). Writes share[] (sums to 1, or all 0 when no facet descends).
 */
/** Tarboton's facets as (cardinal, diagonal) direction pairs. */
const FACET_CARD = [0, 2, 2, 4, 4, 6, 6, 0] as const;
const FACET_DIAG = [1, 1, 3, 3, 5, 5, 7, 7] as const;

function dinfShares(zc: number, nb: Float64Array, lx: number, ly: number, share: Float64Array): void {
  let bestS = 0, bestCard = -1, bestDiag = -1, bestFrac = 0;
  for (let f = 0; f < 8; f++) {
    const cardDir = FACET_CARD[f]!;
    const diagDir = FACET_DIAG[f]!;
    const ns = cardDir === 0 || cardDir === 4;
    const d1 = ns ? ly : lx; // centre → cardinal cell
    const d2 = ns ? lx : ly; // cardinal cell → diagonal cell
    const e1 = nb[cardDir]!, e2 = nb[diagDir]!;
    const s1 = (zc - e1) / d1;
    const s2 = (e1 - e2) / d2;
    let rAng = Math.atan2(s2, s1);
    const rMax = Math.atan2(d2, d1);
    let s: number;
    if (rAng < 0) {
      rAng = 0;
      s = s1;
    } else if (rAng > rMax) {
      rAng = rMax;
      s = (zc - e2) / Math.hypot(d1, d2);
    } else s = Math.hypot(s1, s2);
    if (s > bestS) {
      bestS = s;
      bestCard = cardDir;
      bestDiag = diagDir;
      bestFrac = rAng / rMax; // share of the diagonal cell
    }
  }
  if (bestCard < 0) return;
  let fc = 1 - bestFrac, fd = bestFrac;
  if (!(nb[bestCard]! < zc)) {
    fd += fc;
    fc = 0;
  }
  if (!(nb[bestDiag]! < zc)) {
    fc += fd;
    fd = 0;
  }
  if (fc === 0 && fd === 0) return;
  share[bestCard] = fc;
  share[bestDiag] = fd;
}
