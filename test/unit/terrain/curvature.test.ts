// SPDX-License-Identifier: GPL-2.0-or-later
import { describe, expect, it } from 'vitest';
import { curvature, ztGradient } from '../../../algorithms/terrain/kernels/curvature.js';
import type { Grid } from '../../../algorithms/terrain/kernels/grid.js';
import { DEMS, agreement, readRaster } from './fixtures.js';

/** Quadratic surface z(x, y) (x east, y north, metres; origin at the centre cell). */
function surface(n: number, L: number, f: (x: number, y: number) => number, dy = L): Grid {
  const data = new Float64Array(n * n);
  const c = (n - 1) / 2;
  for (let r = 0; r < n; r++) for (let k = 0; k < n; k++) data[r * n + k] = f((k - c) * L, (c - r) * dy);
  return { data, width: n, height: n, dx: L, dy };
}
const centre = (n: number): number => ((n - 1) / 2) * n + (n - 1) / 2;

describe('curvature — closed forms (ZT is exact on quadratics)', () => {
  it('is zero on planes and on flats', () => {
    for (const conv of ['saga', 'florinsky', 'arcgis'] as const) {
      const g = surface(7, 20, (x, y) => 50 + 0.3 * x - 0.1 * y);
      const { plan, profile } = curvature(g, { convention: conv });
      for (let i = 0; i < plan.length; i++) {
        expect(Math.abs(plan[i]!)).toBeLessThan(1e-9);
        expect(Math.abs(profile[i]!)).toBeLessThan(1e-9);
      }
      const flat = curvature(surface(5, 20, () => 3), { convention: conv });
      expect(flat.plan[12]).toBe(0);
      expect(flat.profile[12]).toBe(0);
    }
    // paraboloid apex: gradient 0 → flat convention
    const apex = curvature(surface(5, 10, (x, y) => -0.01 * (x * x + y * y)));
    expect(apex.plan[12]).toBe(0);
    expect(apex.profile[12]).toBe(0);
  });

  it('profile curvature of z = s·y + (k/2)·y² (convex when k < 0)', () => {
    const s = 0.2, k = -0.004, L = 10;
    const g = surface(5, L, (_x, y) => s * y + (k / 2) * y * y);
    const i = centre(5);
    const saga = curvature(g);
    expect(saga.profile[i]).toBeCloseTo(-k, 7); // C_LONG = −z_yy
    expect(saga.plan[i]).toBeCloseTo(0, 9);
    const fl = curvature(g, { convention: 'florinsky' });
    expect(fl.profile[i]).toBeCloseTo(-k / Math.pow(1 + s * s, 1.5), 7);
    expect(fl.plan[i]).toBeCloseTo(0, 9);
    const arc = curvature(g, { convention: 'arcgis' });
    expect(arc.profile[i]).toBeCloseTo(100 * k, 5); // negative = convex
    expect(saga.profile[i]! > 0).toBe(true); // convex → positive (SAGA)
  });

  it('plan curvature of a ridge z = s·y − (k/2)·x² (convex across the slope)', () => {
    const s = -0.15, k = 0.006, L = 25;
    const g = surface(5, L, (x, y) => s * y - (k / 2) * x * x);
    const i = centre(5);
    expect(curvature(g).plan[i]).toBeCloseTo(k, 7); // C_CROS = −z_xx
    expect(curvature(g, { convention: 'florinsky' }).plan[i]).toBeCloseTo(k / Math.abs(s), 6);
    expect(curvature(g, { convention: 'arcgis' }).plan[i]).toBeCloseTo(100 * k, 5);
  });

  it('saddle with a mixed term: general quadratic against the analytic formulas', () => {
    // z = a x² + b y² + c x y + d x + e y at the origin: zx = d, zy = e, zxx = 2a, zyy = 2b, zxy = c
    const a = 0.002, b = -0.003, c = 0.0015, d = 0.12, e = -0.07, L = 15;
    for (const dy of [L, 2 * L]) {
      const g = surface(5, L, (x, y) => a * x * x + b * y * y + c * x * y + d * x + e * y, dy);
      const i = centre(5);
      const zx = d, zy = e, zxx = 2 * a, zyy = 2 * b, zxy = c, g2 = zx * zx + zy * zy;
      const kv = -(zx * zx * zxx + 2 * zx * zy * zxy + zy * zy * zyy) / (g2 * Math.pow(1 + g2, 1.5));
      const kp = -(zy * zy * zxx - 2 * zx * zy * zxy + zx * zx * zyy) / Math.pow(g2, 1.5);
      const fl = curvature(g, { convention: 'florinsky' });
      expect(fl.profile[i]! / kv).toBeCloseTo(1, 5);
      expect(fl.plan[i]! / kp).toBeCloseTo(1, 5);
      // SAGA's C_LONG / C_CROS with the ZT coefficients D = zyy/2, E = zxx/2, F = zxy, G = zy, H = zx
      const cLong = (-2 * ((zyy / 2) * zy * zy + (zxx / 2) * zx * zx + zxy * zy * zx)) / g2;
      const cCros = (-2 * ((zxx / 2) * zy * zy + (zyy / 2) * zx * zx - zxy * zy * zx)) / g2;
      const sg = curvature(g);
      expect(sg.profile[i]! / cLong).toBeCloseTo(1, 5);
      expect(sg.plan[i]! / cCros).toBeCloseTo(1, 5);
    }
  });

  it('names units and definitions for the metadata', () => {
    const r = curvature(surface(3, 1, () => 0), { convention: 'arcgis' });
    expect(r.units).toBe('1/100 m');
    expect(r.definition.profile).toMatch(/negative = convex/);
    expect(() => curvature(surface(3, 1, () => 0), { convention: 'x' as never })).toThrow(/unknown/);
  });
});

describe('curvature — equality with SAGA 8.5 ta_morphometry 0 (ZT)', () => {
  for (const dem of DEMS) {
    it(`${dem}: C_LONG, C_CROS, slope and aspect bit for bit`, () => {
      const d = readRaster(dem, 'dem.tif');
      const L = readRaster(dem, 'saga_c_long.tif').geoTransform[1]!; // SAGA's single cell size
      const g: Grid = { data: d.data, width: d.width, height: d.height, dx: L, dy: L };
      const { plan, profile } = curvature(g);
      for (const [file, ours] of [['saga_c_long.tif', profile], ['saga_c_cros.tif', plan]] as const) {
        const a = agreement(readRaster(dem, file).data, ours);
        expect(a.nodataMismatch).toBe(0);
        expect(a.exact).toBe(a.n);
      }
      const zt = ztGradient(g);
      const s = agreement(readRaster(dem, 'saga_slope.tif').data, zt.slope);
      expect(s.exact).toBe(s.n);
      expect(s.nodataMismatch).toBe(0);
      const asp = readRaster(dem, 'saga_aspect.tif').data;
      // SAGA writes nodata for the aspect of flat cells; ours is −1 there
      const aa = agreement(asp, zt.aspect!, (i) => Number.isNaN(asp[i]!) && zt.aspect![i] === -1);
      expect(aa.exact).toBe(aa.n);
      expect(aa.nodataMismatch).toBe(0);
    });
  }
});
