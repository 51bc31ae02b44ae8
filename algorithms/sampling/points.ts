// SPDX-License-Identifier: GPL-2.0-or-later
// Point helpers of the sampling and PCA tools (no default export): reproject point coordinates to a
// raster's CRS with GDAL/OGR (always in x = easting/longitude, y = northing/latitude order) and read
// the raster's values at the points (the value of the pixel containing each point, as
// gdallocationinfo does).

import gdal from 'gdal-async';
import { DataError } from '../../toolbox/errors.js';
import { readWindow, type RasterInfo } from '../../toolbox/io/raster.js';

/**
 * Since GDAL 3 a CRS such as EPSG:4326 follows its authority's axis order (latitude first) unless
 * the axis mapping strategy is OAMS_TRADITIONAL_GIS_ORDER. gdal-async (3.6) has no
 * SetAxisMappingStrategy, so coordinates are swapped by hand for CRSs whose authority order is
 * latitude/longitude or northing/easting — unless the process-wide default
 * OSR_DEFAULT_AXIS_MAPPING_STRATEGY=TRADITIONAL_GIS_ORDER is in force, in which case GDAL already
 * uses x/y order.
 */
function authoritySwaps(srs: gdal.SpatialReference): boolean {
  let traditional = false;
  try {
    traditional = (gdal.config.get('OSR_DEFAULT_AXIS_MAPPING_STRATEGY') ?? '').toUpperCase() === 'TRADITIONAL_GIS_ORDER';
  } catch {
    traditional = false;
  }
  if (traditional) return false;
  try {
    return srs.EPSGTreatsAsLatLong() || srs.EPSGTreatsAsNorthingEasting();
  } catch {
    return false;
  }
}

/**
 * Coordinates (x = easting/longitude, y = northing/latitude) from one CRS to another, in place into
 * new arrays. Either WKT empty: the coordinates are taken as they are. Points that cannot be
 * transformed become NaN.
 */
export function transformXY(x: Float64Array, y: Float64Array, fromWkt: string, toWkt: string): { x: Float64Array; y: Float64Array } {
  const ox = Float64Array.from(x);
  const oy = Float64Array.from(y);
  if (!fromWkt || !toWkt) return { x: ox, y: oy };
  const from = gdal.SpatialReference.fromWKT(fromWkt);
  const to = gdal.SpatialReference.fromWKT(toWkt);
  if (from.isSame(to)) return { x: ox, y: oy };
  const ct = new gdal.CoordinateTransformation(from, to);
  const swapIn = authoritySwaps(from);
  const swapOut = authoritySwaps(to);
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) {
      ox[i] = NaN;
      oy[i] = NaN;
      continue;
    }
    try {
      const p = swapIn ? ct.transformPoint(y[i], x[i]) : ct.transformPoint(x[i], y[i]);
      ox[i] = swapOut ? p.y : p.x;
      oy[i] = swapOut ? p.x : p.y;
    } catch {
      ox[i] = NaN;
      oy[i] = NaN;
    }
  }
  return { x: ox, y: oy };
}

/** Pixel (col, row) containing map point (x, y), or null outside the raster. Handles rotated grids. */
export function pixelOf(r: RasterInfo, x: number, y: number): [number, number] | null {
  const [x0, a, b, y0, c, d] = r.geoTransform;
  const det = a * d - b * c;
  if (det === 0 || !Number.isFinite(x) || !Number.isFinite(y)) return null;
  const dx = x - x0;
  const dy = y - y0;
  const col = Math.floor((d * dx - b * dy) / det);
  const row = Math.floor((-c * dx + a * dy) / det);
  if (col < 0 || row < 0 || col >= r.width || row >= r.height) return null;
  return [col, row];
}

/**
 * Values of the given bands (1-based) at points already in the raster's CRS: row-major
 * n × bands, NaN outside the raster or on nodata. Reads one pixel per point and band.
 */
export async function valuesAtPoints(r: RasterInfo, bands: number[], x: Float64Array, y: Float64Array): Promise<{ values: Float64Array; inside: Uint8Array }> {
  const n = x.length;
  const nb = bands.length;
  const values = new Float64Array(n * nb).fill(NaN);
  const inside = new Uint8Array(n);
  const one = new Float64Array(1);
  for (let i = 0; i < n; i++) {
    const px = pixelOf(r, x[i], y[i]);
    if (!px) continue;
    inside[i] = 1;
    for (let j = 0; j < nb; j++) {
      const v = await readWindow(r, bands[j], px[0], px[1], 1, 1, one);
      values[i * nb + j] = v[0];
    }
  }
  return { values, inside };
}

/** The points' CRS against the raster's: an error when exactly one of them is unknown would guess. */
export function checkPointCrs(pointsWkt: string, rasterWkt: string, source: string): void {
  if (!pointsWkt && rasterWkt) {
    throw new DataError(`${source} has no coordinate reference system; give POINTS_CRS (e.g. EPSG:4326 for longitude/latitude) so the points can be matched to the raster`);
  }
}
