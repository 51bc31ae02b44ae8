// SPDX-License-Identifier: GPL-2.0-or-later
// Test helpers: read the terrain reference GeoTIFFs (test/fixtures/terrain) with gdal-async and
// compare grids.
import gdal from 'gdal-async';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/terrain');
export const DEMS = ['gorillas', 'luxembourg', 'olinda'] as const;
export type DemName = (typeof DEMS)[number];

export interface Raster {
  data: Float32Array;
  width: number;
  height: number;
  geoTransform: number[];
}

/** Read band 1 as Float32 with nodata turned into NaN. */
export function readRaster(dem: DemName, file: string): Raster {
  const ds = gdal.open(path.join(FIXTURES, dem, file));
  try {
    const band = ds.bands.get(1);
    const width = ds.rasterSize.x;
    const height = ds.rasterSize.y;
    const data = new Float32Array(width * height);
    band.pixels.read(0, 0, width, height, data);
    const nd = band.noDataValue;
    if (nd !== null && nd !== undefined) {
      const ndf = Math.fround(nd);
      for (let i = 0; i < data.length; i++) if (data[i] === ndf) data[i] = NaN;
    }
    return { data, width, height, geoTransform: ds.geoTransform ?? [0, 1, 0, 0, 0, -1] };
  } finally {
    ds.close();
  }
}

export interface Agreement {
  /** Cells valid in both. */
  n: number;
  /** Cells bit-identical (as float32). */
  exact: number;
  /** Share of cells with |a − b| ≤ 1e-4·|b| (or both 0). */
  within1e4: number;
  maxAbs: number;
  maxRel: number;
  /** Cells NaN in one and not in the other (after the `skip` filter). */
  nodataMismatch: number;
}

/** Compare `ours` to `ref`; `skip(i)` excludes cells (e.g. documented convention differences). */
export function agreement(ref: ArrayLike<number>, ours: ArrayLike<number>, skip?: (i: number) => boolean): Agreement {
  let n = 0, exact = 0, close = 0, maxAbs = 0, maxRel = 0, nodataMismatch = 0;
  for (let i = 0; i < ref.length; i++) {
    if (skip?.(i)) continue;
    const r = ref[i]!, o = ours[i]!;
    const rn = Number.isNaN(r), on = Number.isNaN(o);
    if (rn || on) {
      if (rn !== on) nodataMismatch++;
      continue;
    }
    n++;
    if (Math.fround(o) === r) exact++;
    const d = Math.abs(r - o);
    const rel = r === 0 ? (d === 0 ? 0 : Infinity) : d / Math.abs(r);
    if (rel <= 1e-4) close++;
    if (d > maxAbs) maxAbs = d;
    if (rel > maxRel) maxRel = rel;
  }
  return { n, exact, within1e4: n ? close / n : 1, maxAbs, maxRel, nodataMismatch };
}
