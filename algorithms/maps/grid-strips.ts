// SPDX-License-Identifier: GPL-2.0-or-later
// Aligned rasters read together in row strips (helper module: no default export). Memory stays
// flat in raster size: one strip of every band at a time (GDAL block-wise reading via
// toolbox/io/raster.ts). Grids must match exactly (size, geotransform, CRS): the map algebra of
// the study (ensembles, zoning, zonal totals) is defined cell by cell, so nothing is resampled
// silently.

import path from 'node:path';
import { DataError } from '../../toolbox/errors.js';
import { gridMismatch, openRaster, readWindow, stripRows, strips, type RasterInfo } from '../../toolbox/io/raster.js';
import type { RunContext } from '../../toolbox/context.js';

export interface BandRef {
  info: RasterInfo;
  /** 1-based band index */
  band: number;
}

/**
 * Open rasters that must share one grid; the first is the reference. A mismatch is a DataError
 * naming both files, the difference and the fix.
 */
export async function openAligned(files: { path: string; param: string }[]): Promise<RasterInfo[]> {
  const infos: RasterInfo[] = [];
  try {
    for (const f of files) infos.push(await openRaster(f.path, `${f.param} raster`));
    for (let i = 1; i < infos.length; i++) {
      const why = gridMismatch(infos[0], infos[i]);
      if (why) {
        throw new DataError(
          `${files[i].param} ${path.basename(files[i].path)} is not on the grid of ${files[0].param} ${path.basename(files[0].path)}: ${why}. ` +
          'Maps are combined cell by cell; put them on one grid first, e.g. with covariates:stack (REFERENCE = the first map) or gdalwarp -tap.',
        );
      }
    }
    return infos;
  } catch (e) {
    closeAll(infos);
    throw e;
  }
}

export function closeAll(infos: RasterInfo[]): void {
  for (const r of infos) {
    try {
      r.ds.close();
    } catch {
      /* already closed */
    }
  }
}

export interface Strip {
  y0: number;
  rows: number;
  /** one Float64Array per band ref (NaN = nodata), length rows × width */
  data: Float64Array[];
}

/**
 * Iterate over row strips of several aligned bands. `extraArrays` counts the caller's own
 * per-strip arrays for the memory budget. Checks cancellation per strip and reports progress
 * through `onStrip` callers themselves.
 */
export async function* alignedStrips(refs: BandRef[], ctx: RunContext | undefined, extraArrays = 1, budgetBytes?: number): AsyncGenerator<Strip> {
  const w = refs[0].info.width;
  const h = refs[0].info.height;
  const rows = Math.min(h, stripRows(w, refs.length + extraArrays, budgetBytes, refs[0].info.blockHeight));
  for (const [y0, n] of strips(h, rows)) {
    ctx?.checkCancelled();
    const data: Float64Array[] = [];
    for (const r of refs) data.push(await readWindow(r.info, r.band, 0, y0, w, n));
    yield { y0, rows: n, data };
  }
}
