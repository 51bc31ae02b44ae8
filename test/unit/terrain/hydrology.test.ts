// SPDX-License-Identifier: GPL-2.0-or-later
import { describe, expect, it } from 'vitest';
import { CellHeap } from '../../../algorithms/terrain/kernels/heap.js';
import { fillSinks } from '../../../algorithms/terrain/kernels/fill.js';
import { flowAccumulation } from '../../../algorithms/terrain/kernels/flow.js';
import { specificCatchmentArea, twiChain, wetnessIndex } from '../../../algorithms/terrain/kernels/twi.js';
import type { Grid } from '../../../algorithms/terrain/kernels/grid.js';
import { DEMS, agreement, readRaster, type DemName } from './fixtures.js';

function grid(w: number, h: number, L: number, f: (r: number, c: number) => number): Grid {
  const data = new Float64Array(w * h);
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) data[r * w + c] = f(r, c);
  return { data, width: w, height: h, dx: L, dy: L };
}

describe('CellHeap', () => {
  it('pops in priority order and keeps every entry', () => {
    const h = new CellHeap(4);
    const prios = [5, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9];
    prios.forEach((p, i) => h.push(p, i));
    const out: number[] = [];
    while (h.size) out.push(prios[h.pop()]!);
    expect(out).toEqual([...prios].sort((a, b) => a - b));
  });
});

describe('fillSinks — Wang & Liu priority flood', () => {
  it('fills a pit to its spill level with the minimum slope, leaves the rest', () => {
    // 5 × 5 bowl: rim 10, centre 3×3 at 5 with a pit of 1; outlet at (0, 2) = 8
    const g = grid(5, 5, 10, (r, c) => (r === 0 || r === 4 || c === 0 || c === 4 ? 10 : r === 2 && c === 2 ? 1 : 5));
    g.data[2] = 8;
    const plain = fillSinks(g, { minSlope: 0 }).filled;
    for (let r = 1; r < 4; r++) for (let c = 1; c < 4; c++) expect(plain[r * 5 + c]).toBe(8);
    const { filled } = fillSinks(g, { minSlope: 0.1 });
    const t = Math.tan((0.1 * Math.PI) / 180) * 10;
    expect(filled[7]).toBeCloseTo(8 + t, 12); // (1, 2) below the outlet: one cell step
    expect(filled[12]).toBeCloseTo(8 + 2 * t, 12); // centre
    expect(filled[6]).toBeCloseTo(8 + Math.SQRT2 * t, 12); // (1, 1) diagonal from the outlet
    for (let i = 0; i < 25; i++) expect(filled[i]!).toBeGreaterThanOrEqual(g.data[i]!);
  });

  it('treats nodata as outside (cells next to nodata are outlets)', () => {
    const g = grid(5, 5, 10, () => 10);
    g.data[12] = 2; // a pit…
    g.data[13] = NaN; // …next to nodata drains there
    const { filled, raised } = fillSinks(g);
    expect(filled[12]).toBe(2);
    expect(Number.isNaN(filled[13]!)).toBe(true);
    expect(raised).toBe(0);
  });

  for (const dem of DEMS) {
    it(`${dem}: bit-identical to SAGA ta_preprocessor 4 (MINSLOPE 0.1)`, () => {
      const { g, L } = load(dem);
      const a = agreement(readRaster(dem, 'saga_filled.tif').data, fillSinks({ ...g, dx: L, dy: L }).filled);
      expect(a.nodataMismatch).toBe(0);
      expect(a.exact).toBe(a.n);
    });
  }
});

describe('flowAccumulation — closed forms', () => {
  const L = 10, W = 201, H = 40;
  const plane = grid(W, H, L, (r) => 500 - 0.1 * r * L); // falls to the south

  it('inclined plane: MFD and D∞ pass (row + 1)·L² down every interior column', () => {
    for (const method of ['mfd', 'dinf'] as const) {
      const { tca } = flowAccumulation(plane, { method });
      for (let r = 0; r < H; r++) for (let c = 80; c <= 120; c++) expect(tca[r * W + c]! / ((r + 1) * L * L)).toBeCloseTo(1, 9);
    }
  });

  it('inclined plane: D8 (border cells are outlets, as SAGA)', () => {
    const { tca } = flowAccumulation(plane, { method: 'd8' });
    expect(tca[0 * W + 100]).toBe(L * L);
    for (let r = 1; r < H; r++) expect(tca[r * W + 100]).toBeCloseTo(r * L * L, 6);
  });

  it('funnel: everything reaches the centre (nothing leaves through mirrored edges)', () => {
    const n = 41, c = 20;
    const f = grid(n, n, L, (r, k) => 0.3 * Math.hypot(r - c, k - c) * L);
    for (const method of ['mfd', 'dinf'] as const) {
      expect(flowAccumulation(f, { method }).tca[c * n + c]! / (n * n * L * L)).toBeCloseTo(1, 9);
    }
    // D8: the border ring are outlets
    expect(flowAccumulation(f, { method: 'd8' }).tca[c * n + c]! / ((n - 2) * (n - 2) * L * L)).toBeCloseTo(1, 9);
  });

  it('cone: specific catchment area ≈ r/2 (divergent flow)', () => {
    const n = 101, c = 50;
    const g = grid(n, n, L, (r, k) => 1000 - 0.2 * Math.hypot(r - c, k - c) * L);
    const tol = { mfd: 0.2, dinf: 0.3 } as const;
    for (const method of ['mfd', 'dinf'] as const) {
      const { sca } = specificCatchmentArea(g, flowAccumulation(g, { method }).tca);
      for (const rad of [10, 20, 30, 40]) {
        let sum = 0, m = 0;
        for (let r = 0; r < n; r++) for (let k = 0; k < n; k++) {
          if (Math.abs(Math.hypot(r - c, k - c) - rad) < 0.5) {
            sum += sca[r * n + k]! / ((rad * L) / 2);
            m++;
          }
        }
        expect(Math.abs(sum / m - 1)).toBeLessThan(tol[method]);
      }
    }
  });

  it('cells without lower neighbours keep their flow; nodata stays NaN', () => {
    const g = grid(3, 3, 1, () => 5);
    g.data[4] = NaN;
    const { tca } = flowAccumulation(g);
    expect(Number.isNaN(tca[4]!)).toBe(true);
    expect(tca[0]).toBe(1);
  });
});

function load(dem: DemName): { g: Grid; L: number } {
  const d = readRaster(dem, 'dem.tif');
  const L = readRaster(dem, 'saga_filled.tif').geoTransform[1]!;
  return { g: { data: d.data, width: d.width, height: d.height, dx: L, dy: L }, L };
}

describe('TWI chain — agreement with SAGA 8.5 (fill → ta_hydrology 0 → 19 → 20)', () => {
  // Measured (fixtures of make_references.sh): filled, ZT slope bit-identical; MFD TCA within
  // 3.6e-7 relative everywhere (SAGA accumulates in float32, we in float64); D8 TCA within 6e-8;
  // SCA within 4e-7; TWI within 1.2e-7 relative (|Δ| ≤ 2e-6), 92–96 % of cells bit-identical.
  for (const dem of DEMS) {
    it(`${dem}: every stage within 1e-6 relative, on every cell, same nodata`, () => {
      const { g } = load(dem);
      const res = twiChain(g);
      const fg: Grid = { ...g, data: res.filled };
      const checks: [string, ArrayLike<number>, number][] = [
        ['saga_filled.tif', res.filled, 0],
        ['saga_tca_mfd.tif', res.tca, 1e-6],
        ['saga_tca_d8.tif', flowAccumulation(fg, { method: 'd8' }).tca, 1e-6],
        ['saga_sca_mfd.tif', res.sca, 1e-6],
        ['saga_slope_filled.tif', res.slope, 0],
        ['saga_twi_mfd.tif', res.twi, 1e-6],
      ];
      for (const [file, ours, tol] of checks) {
        const a = agreement(readRaster(dem, file).data, ours);
        expect(a.nodataMismatch, file).toBe(0);
        expect(a.within1e4, file).toBe(1);
        expect(a.maxRel, file).toBeLessThanOrEqual(tol);
      }
    });
  }

  it('wetnessIndex clamps tan β at 0.001 and propagates NaN', () => {
    const t = wetnessIndex([100, 100, NaN], [0, Math.atan(0.5), 0.1]);
    expect(t[0]).toBeCloseTo(Math.log(100 / 0.001), 5);
    expect(t[1]).toBeCloseTo(Math.log(200), 5);
    expect(Number.isNaN(t[2]!)).toBe(true);
  });
});
