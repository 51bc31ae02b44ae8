// SPDX-License-Identifier: GPL-2.0-or-later
// Point helpers of the sampling and PCA tools (no default export): check the points' CRS and read
// the raster's values at the points (the value of the pixel containing each point, as
// gdallocationinfo does). Reprojection is toolbox/io/crs.ts.

import { DataError } from '../../toolbox/errors.js';
import { readWindow, type RasterInfo } from '../../toolbox/io/raster.js';

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
