// SPDX-License-Identifier: GPL-2.0-or-later
// Coordinate transformation of point arrays between two CRSs given as WKT. Coordinates are always
// x = easting/longitude, y = northing/latitude: ./gdal.js sets GDAL's traditional GIS axis order for
// the whole process before any CRS is made (GDAL ≥ 3 would otherwise put latitude first for
// EPSG:4326).

import gdal from './gdal.js';

/**
 * A function that transforms x/y arrays in place from `fromWkt` to `toWkt` and returns how many
 * points failed (those become NaN; non-finite input points are left as they are), or null when
 * there is nothing to do (either WKT empty, or the same CRS).
 */
export function transformer(fromWkt: string, toWkt: string): ((x: Float64Array, y: Float64Array) => number) | null {
  if (!fromWkt || !toWkt) return null;
  const a = gdal.SpatialReference.fromWKT(fromWkt);
  const b = gdal.SpatialReference.fromWKT(toWkt);
  if (a.isSame(b)) return null;
  const ct = new gdal.CoordinateTransformation(a, b);
  return (x, y) => {
    let failed = 0;
    for (let i = 0; i < x.length; i++) {
      if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) continue;
      try {
        const p = ct.transformPoint(x[i]!, y[i]!);
        x[i] = p.x;
        y[i] = p.y;
        if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) failed++;
      } catch {
        x[i] = NaN;
        y[i] = NaN;
        failed++;
      }
    }
    return failed;
  };
}

/**
 * The points in `toWkt` as new arrays (the inputs are not changed). Either WKT empty: the
 * coordinates as they are. Points that are not finite or cannot be transformed become NaN.
 */
export function transformXY(x: Float64Array, y: Float64Array, fromWkt: string, toWkt: string): { x: Float64Array; y: Float64Array } {
  const ox = Float64Array.from(x);
  const oy = Float64Array.from(y);
  const tr = transformer(fromWkt, toWkt);
  if (!tr) return { x: ox, y: oy };
  for (let i = 0; i < ox.length; i++) {
    if (!Number.isFinite(ox[i]) || !Number.isFinite(oy[i])) {
      ox[i] = NaN;
      oy[i] = NaN;
    }
  }
  tr(ox, oy);
  return { x: ox, y: oy };
}
