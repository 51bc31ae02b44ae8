// SPDX-License-Identifier: GPL-2.0-or-later
// Ellipsoidal cell areas against published constants and an independent numerical integration of
// the ellipsoid's area element M(φ)·N(φ)·cos φ dφ dλ (Snyder 1987, USGS PP 1395, eq. 4-18, 4-20).
import { describe, expect, it } from 'vitest';
import gdal from 'gdal-async';
import {
  GRS80, WGS84, authalicLatitude, authalicRadius, cellAreas, ellipsoidArea, quadrangleArea,
} from '../../../algorithms/maps/grid-area.js';

/** ∫∫ M N cos φ dφ dλ by composite Simpson (independent of the closed form under test). */
function integrated(lat1: number, lat2: number, dLon: number, a: number, invf: number, n = 2000): number {
  const f = 1 / invf;
  const e2 = f * (2 - f);
  const g = (deg: number) => {
    const p = (deg * Math.PI) / 180;
    const w = 1 - e2 * Math.sin(p) ** 2;
    const M = (a * (1 - e2)) / w ** 1.5;
    const N = a / Math.sqrt(w);
    return M * N * Math.cos(p);
  };
  const h = (lat2 - lat1) / n;
  let s = g(lat1) + g(lat2);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * g(lat1 + i * h);
  return ((s * h) / 3) * (Math.PI / 180) * ((dLon * Math.PI) / 180);
}

describe('ellipsoidal cell areas', () => {
  it('the whole WGS84 ellipsoid is 510,065,621.724 km²', () => {
    expect(ellipsoidArea(WGS84) / 1e6).toBeCloseTo(510_065_621.724, 2);
  });
  it('the authalic radius of WGS84 is 6,371,007.181 m', () => {
    expect(authalicRadius(WGS84)).toBeCloseTo(6_371_007.1809, 3);
  });
  it('a 1° × 1° cell at the equator matches the integrated area element (≈ 12,308.46 km²)', () => {
    const closed = quadrangleArea(0, 1, 1, WGS84);
    expect(closed / integrated(0, 1, 1, WGS84.a, WGS84.invf)).toBeCloseTo(1, 12);
    expect(integrated(0, 1, 1, WGS84.a, WGS84.invf) / 1e6).toBeCloseTo(12308.464, 2);
  });
  it('cells at 45°N and 89–90°N on GRS80 match the integration', () => {
    for (const [l1, l2] of [[45, 45.5], [89, 90], [-60, -59.9]]) {
      expect(quadrangleArea(l1, l2, 0.25, GRS80) / integrated(l1, l2, 0.25, GRS80.a, GRS80.invf)).toBeCloseTo(1, 10);
    }
  });
  it('on a sphere the cell is R² Δλ (sin φ2 − sin φ1)', () => {
    const R = 6371000;
    const rad = Math.PI / 180;
    expect(quadrangleArea(30, 31, 2, { a: R, invf: 0 })).toBeCloseTo(R * R * 2 * rad * (Math.sin(31 * rad) - Math.sin(30 * rad)), 3);
  });
  it('the authalic latitude is 0 and ±90° at the equator and poles, and below the geodetic latitude between', () => {
    const e = Math.sqrt((2 - 1 / WGS84.invf) / WGS84.invf);
    expect(authalicLatitude(0, e)).toBe(0);
    expect(authalicLatitude(Math.PI / 2, e)).toBeCloseTo(Math.PI / 2, 12);
    expect(authalicLatitude(Math.PI / 4, e)).toBeLessThan(Math.PI / 4);
  });
  it('a global 1° lon/lat grid sums to the ellipsoid area', () => {
    const ca = cellAreas({ path: 'g', width: 360, height: 180, geoTransform: [-180, 1, 0, 90, 0, -1], srsWkt: gdal.SpatialReference.fromEPSG(4326).toWKT() });
    expect(ca.method).toBe('geographic');
    const s = ca.strip(0, 180).reduce((x, y) => x + y, 0);
    expect(s).toBeCloseTo(510_065_621.724, 1);
  });
  it('equal-area grids use the cell size; EPSG:6933 1 km cells are 1 km²', () => {
    const ca = cellAreas({ path: 'e', width: 3, height: 2, geoTransform: [0, 1000, 0, 5e6, 0, -1000], srsWkt: gdal.SpatialReference.fromEPSG(6933).toWKT() });
    expect(ca.method).toBe('equal-area');
    expect(Array.from(ca.strip(0, 2))).toEqual(Array(6).fill(1));
  });
  it('a 1 km UTM cell on the central meridian covers 1 / 0.9996² km² on the ellipsoid', () => {
    // UTM zone 52N, central meridian 129°E: point scale factor k0 = 0.9996 → true area = 1 / k0²
    const ca = cellAreas({ path: 'u', width: 2, height: 1, geoTransform: [499000, 1000, 0, 5000500, 0, -1000], srsWkt: gdal.SpatialReference.fromEPSG(32652).toWKT() });
    expect(ca.method).toBe('projected');
    const a = ca.strip(0, 1);
    expect(a[0] / (1 / 0.9996 ** 2)).toBeCloseTo(1, 6);
    expect(a[1] / (1 / 0.9996 ** 2)).toBeCloseTo(1, 6);
  });
});
