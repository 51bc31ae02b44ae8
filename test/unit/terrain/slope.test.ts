// SPDX-License-Identifier: GPL-2.0-or-later
import { describe, expect, it } from 'vitest';
import { slopeAspect } from '../../../algorithms/terrain/kernels/slope.js';
import { geographicCellSizes, type Grid } from '../../../algorithms/terrain/kernels/grid.js';
import { DEMS, agreement, readRaster } from './fixtures.js';

/** z = a·x + b·y (x east, y north, metres) on a grid with cell sizes dx, dy. */
function plane(w: number, h: number, dx: number, dy: number, a: number, b: number): Grid {
  const data = new Float64Array(w * h);
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) data[r * w + c] = 100 + a * c * dx + b * (h - 1 - r) * dy;
  return { data, width: w, height: h, dx, dy };
}

describe('slopeAspect — closed forms', () => {
  it('gives the exact slope and aspect of planes, edges included (not the corners), on square and non-square cells', () => {
    for (const [dx, dy] of [[10, 10], [30, 20], [5, 90]] as const) {
      for (const [a, b] of [[0.1, 0], [0, -0.2], [-0.3, 0.4], [0.05, 0.05]] as const) {
        for (const method of ['horn', 'zevenbergen-thorne'] as const) {
          const g = plane(9, 7, dx, dy, a, b);
          const { slope, aspect } = slopeAspect(g, { method });
          const expSlope = (Math.atan(Math.hypot(a, b)) * 180) / Math.PI;
          // downslope direction (−a, −b) as azimuth clockwise from north
          const expAspect = ((Math.atan2(-a, -b) * 180) / Math.PI + 360) % 360;
          const corners = new Set([0, 8, 54, 62]); // gdaldem's corner quirk, see slope.ts
          for (let i = 0; i < slope.length; i++) {
            if (corners.has(i)) continue;
            expect(slope[i]).toBeCloseTo(expSlope, 4);
            const d = Math.abs(aspect![i]! - expAspect);
            expect(Math.min(d, 360 - d)).toBeLessThan(1e-3);
          }
        }
      }
    }
  });

  it('reports percent and radians consistently', () => {
    const g = plane(5, 5, 25, 25, 0.3, -0.4);
    expect(slopeAspect(g, { units: 'percent' }).slope[12]).toBeCloseTo(50, 4);
    expect(slopeAspect(g, { units: 'radians' }).slope[12]).toBeCloseTo(Math.atan(0.5), 6);
  });

  it('marks flat cells with flatAspect, distinct from nodata', () => {
    const g: Grid = { data: new Float32Array(25).fill(7), width: 5, height: 5, dx: 30, dy: 30 };
    g.data[0] = NaN;
    const r = slopeAspect(g);
    expect(r.slope[12]).toBe(0);
    expect(r.aspect![12]).toBe(-1);
    expect(Number.isNaN(r.aspect![0])).toBe(true);
    expect(Number.isNaN(r.slope[0])).toBe(true);
    expect(r.flatCount).toBe(24);
    expect(slopeAspect(g, { flatAspect: 0 }).aspect![12]).toBe(0);
  });

  it('edges: none leaves the border and cells next to nodata empty', () => {
    const g = plane(6, 6, 10, 10, 0.1, 0.1);
    g.data[14] = NaN;
    const r = slopeAspect(g, { edges: 'none' });
    expect(Number.isNaN(r.slope[0])).toBe(true);
    expect(Number.isNaN(r.slope[7])).toBe(true); // neighbour of 14
    expect(Number.isNaN(r.slope[28])).toBe(false);
  });
});

describe('slopeAspect — equality with gdaldem 3.6 (float32 output, bit for bit)', () => {
  const cases = [
    ['gdal_slope_horn.tif', { edges: 'none' }, 'slope'],
    ['gdal_slope_horn_edges.tif', {}, 'slope'],
    ['gdal_slope_horn_edges_percent.tif', { units: 'percent' }, 'slope'],
    ['gdal_slope_zt_edges.tif', { method: 'zevenbergen-thorne' }, 'slope'],
    ['gdal_aspect_horn.tif', { edges: 'none' }, 'aspect'],
    ['gdal_aspect_horn_edges.tif', {}, 'aspect'],
    ['gdal_aspect_zt_edges.tif', { method: 'zevenbergen-thorne' }, 'aspect'],
  ] as const;
  for (const dem of DEMS) {
    for (const [file, opts, which] of cases) {
      it(`${dem}: ${file}`, () => {
        const d = readRaster(dem, 'dem.tif');
        const gt = d.geoTransform;
        const g: Grid = { data: d.data, width: d.width, height: d.height, dx: gt[1]!, dy: -gt[5]! };
        const res = slopeAspect(g, opts);
        const ours = which === 'slope' ? res.slope : res.aspect!;
        const ref = readRaster(dem, file).data;
        // gdaldem writes its nodata on flat cells; ours are flatAspect (−1) there
        const a = agreement(ref, ours, (i) => which === 'aspect' && Number.isNaN(ref[i]!) && ours[i] === -1);
        expect(a.n).toBeGreaterThan(0.4 * d.width * d.height);
        expect(a.nodataMismatch).toBe(0);
        expect(a.exact).toBe(a.n);
      });
    }
  }

  it('gorillas: equals the R package slopeangle (Horn) inside the window', () => {
    const d = readRaster('gorillas', 'dem.tif');
    const gt = d.geoTransform;
    const ours = slopeAspect({ data: d.data, width: d.width, height: d.height, dx: gt[1]!, dy: -gt[5]! }, { edges: 'none' }).slope;
    const ref = readRaster('gorillas', 'slopeangle.tif').data;
    const a = agreement(ref, ours, (i) => Number.isNaN(ours[i]!)); // the window's border
    expect(a.n).toBe((d.width - 2) * (d.height - 2));
    expect(a.maxAbs).toBeLessThan(1e-4);
  });
});

describe('geographic DEMs', () => {
  it('geographicCellSizes gives the WGS 84 arc lengths', () => {
    // 1° cells centred on the equator and at 60° N
    const eq = geographicCellSizes([0, 1, 0, 0.5, 0, -1], 1);
    expect(eq.dx[0]).toBeCloseTo(111319.49, 1);
    expect(eq.dy[0]).toBeCloseTo(110574.27, 1);
    const n60 = geographicCellSizes([0, 1, 0, 60.5, 0, -1], 1);
    expect(n60.dx[0]).toBeCloseTo(55800, -2);
    expect(n60.dy[0]).toBeCloseTo(111412, -1);
  });

  it('luxembourg: slopes in metres are plausible; unscaled degrees are not', () => {
    const d = readRaster('luxembourg', 'dem.tif');
    const { dx, dy } = geographicCellSizes(d.geoTransform, d.height);
    const g: Grid = { data: d.data, width: d.width, height: d.height, dx, dy };
    const s = slopeAspect(g).slope;
    let max = 0;
    for (const v of s) if (v > max) max = v;
    expect(max).toBeGreaterThan(3);
    expect(max).toBeLessThan(25);
    const raw = readRaster('luxembourg', 'gdal_slope_horn_edges.tif').data;
    let rawMax = 0;
    for (const v of raw) if (v > rawMax) rawMax = v;
    expect(rawMax).toBeGreaterThan(85); // gdaldem 3.6 without -s
    // per-row dx shrinks northwards
    expect(dx[0]!).toBeLessThan(dx[d.height - 1]!);
  });

  it('rejects per-row sizes of the wrong length', () => {
    const g: Grid = { data: new Float32Array(6), width: 3, height: 2, dx: [1, 2, 3], dy: 1 };
    expect(() => slopeAspect(g)).toThrow(/one per row/);
  });
});

describe('slopeAspect — the shared-sum Horn path (slope only) equals the per-cell path', () => {
  /** Rough random DEM with nodata holes (NaN), an infinite cell and flat patches. */
  function randomGrid(w: number, h: number, seed: number, f32: boolean, dx: number | number[]): Grid {
    let s = seed;
    const rnd = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const data = f32 ? new Float32Array(w * h) : new Float64Array(w * h);
    for (let i = 0; i < data.length; i++) {
      const u = rnd();
      data[i] = u < 0.04 ? NaN : u < 0.1 ? 500 : 100 + 900 * rnd() * rnd();
    }
    data[Math.floor(data.length / 2)] = Infinity;
    return { data, width: w, height: h, dx, dy: typeof dx === 'number' ? dx * 1.5 : dx.map((v) => v * 0.9) };
  }
  const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

  for (const f32 of [true, false]) {
    for (const edges of ['compute', 'none'] as const) {
      it(`${f32 ? 'Float32' : 'Float64'} DEM, edges ${edges}: bit for bit, with the same flat and nodata counts`, () => {
        for (const [w, h] of [[3, 3], [4, 7], [37, 23]] as const) {
          const dxs: (number | number[])[] = [30, Array.from({ length: h }, (_, r) => 20 + r)];
          for (const dx of dxs) {
            const g = randomGrid(w, h, w * 31 + h, f32, dx);
            for (const units of ['degrees', 'percent', 'radians'] as const) {
              const ref = slopeAspect(g, { edges, units, aspect: true, zFactor: 2 }); // per-cell path
              const fast = slopeAspect(g, { edges, units, aspect: false, zFactor: 2 });
              expect(bits(fast.slope)).toEqual(bits(ref.slope));
              let flat = 0;
              let nodata = 0;
              for (let i = 0; i < g.data.length; i++) {
                if (g.data[i] !== g.data[i]) nodata++;
                else if (ref.aspect![i] === -1) flat++;
              }
              expect(fast.flatCount).toBe(flat);
              expect(fast.nodataCount).toBe(nodata);
            }
          }
        }
      });
    }
  }

  it('rows, slopeOut and nodataValue: a row range equals the same rows of the whole grid, nodata written as given', () => {
    const g = randomGrid(29, 17, 7, true, 25);
    const whole = slopeAspect(g, { aspect: false });
    for (const [a, b] of [[0, 17], [0, 1], [1, 16], [5, 9], [16, 17], [4, 4]] as const) {
      const out = new Float32Array((b - a) * 29).fill(123);
      const r = slopeAspect(g, { aspect: false, rows: [a, b], slopeOut: out, nodataValue: -9999 });
      expect(r.slope).toBe(out);
      const expected = Float32Array.from(whole.slope.subarray(a * 29, b * 29), (v) => (v !== v ? -9999 : v));
      expect(bits(out)).toEqual(bits(expected));
    }
    expect(() => slopeAspect(g, { rows: [3, 18] })).toThrow(/outside/);
    expect(() => slopeAspect(g, { aspect: false, rows: [0, 2], slopeOut: new Float32Array(5) })).toThrow(/slopeOut/);
  });
});
