// SPDX-License-Identifier: GPL-2.0-or-later
// socp — soil organic carbon sequestration potential toolbox.
// Copyright (C) 2026 the socp authors. This program is free software: you can redistribute it
// and/or modify it under the terms of the GNU General Public License as published by the Free
// Software Foundation, either version 2 of the License, or (at your option) any later version.
// It is distributed WITHOUT ANY WARRANTY; see <https://www.gnu.org/licenses/>.
//
// Sink filling by priority flood with a minimum slope.
//
// Reference:
//   Wang, L., Liu, H. (2006). An efficient method for identifying and filling surface depressions
//     in digital elevation models for hydrologic analysis and modelling. International Journal of
//     Geographical Information Science 20(2), 193–213.
//
// Semantics of SAGA 8.5 ta_preprocessor 4 ("Fill Sinks (Wang & Liu)"), reproduced exactly:
// - Seeds: every valid cell with a neighbour outside the grid or nodata, at its own elevation,
//   pushed in SAGA's order (rows south to north, columns west to east).
// - The lowest spill elevation is taken from the queue; each unvisited valid neighbour in
//   direction i (N, NE, E, SE, S, SW, W, NW) gets max(z_n, z + tan(minSlope)·L_i) with L_i the
//   distance to it, and enters the queue with that (double) spill elevation.
// - The filled surface is stored as float32 when the DEM is float32 (SAGA writes a float grid and
//   reads the stored value back as the next spill level), as float64 otherwise.
// - Ties between equal spill elevations are broken as libstdc++'s std::priority_queue does (see
//   heap.ts), so filled flats are bit-identical to SAGA's.
// With minSlope = 0 the fill is the plain priority flood (flats stay flat).
// Non-square or per-row (geographic) cells: L is Δy north–south, Δx(row) east–west and
// √(Δx²+Δy²) on diagonals (Δx·√2 on square cells, as SAGA).
// Memory: output (4 or 8 bytes per cell) + a visited flag (1) + the queue (12 bytes per queued
// cell; at most one entry per cell).

import { CellHeap } from './heap.js';
import { checkGrid, rowSizes, type Grid } from './grid.js';

export interface FillOptions {
  /** Minimum slope in degrees imposed across filled areas (default 0.1, SAGA's default). */
  minSlope?: number;
}

export interface FillResult {
  filled: Float32Array | Float64Array;
  /** Number of cells raised above their original elevation. */
  raised: number;
}

/** Row/column offsets of SAGA's directions 0..7 = N, NE, E, SE, S, SW, W, NW (row 0 = north). */
export const DIR_DR = [-1, -1, 0, 1, 1, 1, 0, -1] as const;
export const DIR_DC = [0, 1, 1, 1, 0, -1, -1, -1] as const;

export function fillSinks(grid: Grid, options: FillOptions = {}): FillResult {
  checkGrid(grid);
  const minSlope = options.minSlope ?? 0.1;
  if (!(minSlope >= 0) || minSlope >= 90) throw new RangeError(`minSlope must be in [0, 90) degrees (got ${minSlope})`);
  const { width: W, height: H } = grid;
  const z = grid.data;
  const n = W * H;
  const { dx, dy } = rowSizes(grid);
  const filled = z instanceof Float32Array ? new Float32Array(n) : new Float64Array(n);
  filled.fill(NaN);
  const visited = new Uint8Array(n);
  const preserve = minSlope > 0;
  const tanMin = preserve ? Math.tan(minSlope * (Math.PI / 180)) : 0;

  // per-row minimum rise per direction
  const mind = new Float64Array(H * 8);
  for (let r = 0; r < H; r++) {
    const lx = dx[r]!, ly = dy[r]!;
    const diag = lx === ly ? lx * Math.SQRT2 : Math.hypot(lx, ly);
    for (let d = 0; d < 8; d++) {
      const len = d % 2 === 1 ? diag : d === 0 || d === 4 ? ly : lx;
      mind[r * 8 + d] = tanMin * len;
    }
  }

  const valid = (r: number, c: number): boolean => {
    if (r < 0 || r >= H || c < 0 || c >= W) return false;
    const v = z[r * W + c]!;
    return v === v;
  };

  // seeds, in SAGA's scan order: y = 0 is SAGA's southern row
  let cells = 0;
  for (let i = 0; i < n; i++) if (z[i] === z[i]) cells++;
  const heap = new CellHeap(Math.min(cells, 1 << 20) || 1);
  for (let r = H - 1; r >= 0; r--) {
    for (let c = 0; c < W; c++) {
      const i = r * W + c;
      const v = z[i]!;
      if (v !== v) continue;
      let edge = false;
      for (let d = 0; d < 8; d++) {
        if (!valid(r + DIR_DR[d], c + DIR_DC[d])) {
          edge = true;
          break;
        }
      }
      if (edge) {
        filled[i] = v;
        visited[i] = 1;
        heap.push(v, i);
      }
    }
  }

  let raised = 0;
  while (heap.size > 0) {
    const i = heap.pop();
    const r = (i / W) | 0;
    const c = i - r * W;
    const zc = filled[i]!;
    const mrow = r * 8;
    for (let d = 0; d < 8; d++) {
      const rr = r + DIR_DR[d], cc = c + DIR_DC[d];
      if (rr < 0 || rr >= H || cc < 0 || cc >= W) continue;
      const j = rr * W + cc;
      if (visited[j]) continue;
      let iz = z[j]!;
      if (iz !== iz) continue;
      visited[j] = 1;
      if (preserve) {
        const lim = zc + mind[mrow + d]!;
        if (iz < lim) {
          iz = lim;
          raised++;
        }
      } else if (iz <= zc) {
        if (iz < zc) raised++;
        iz = zc;
      }
      heap.push(iz, j);
      filled[j] = iz;
    }
  }
  return { filled, raised };
}
