// SPDX-License-Identifier: GPL-2.0-or-later
// Helpers of the terrain algorithm tests: fixture DEMs (test/fixtures/terrain, see its README),
// copies without CRS, small generated DEMs, running an algorithm and collecting its log.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import gdal from 'gdal-async';
import { run } from '../../../toolbox/run.js';
import { FIXTURES, type DemName } from '../../unit/terrain/fixtures.js';

export { FIXTURES, agreement, readRaster, DEMS, type DemName } from '../../unit/terrain/fixtures.js';

export function tmpDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `socp-terrain-${tag}-`));
}

export function demPath(dem: DemName): string {
  return path.join(FIXTURES, dem, 'dem.tif');
}

/** Band `band` of a raster as Float32 with nodata → NaN, plus its description and metadata. */
export function readOut(file: string, band = 1): { data: Float32Array; width: number; height: number; description: string; metadata: Record<string, string>; unit: string | null } {
  const ds = gdal.open(file);
  try {
    const b = ds.bands.get(band);
    const w = ds.rasterSize.x;
    const h = ds.rasterSize.y;
    const data = new Float32Array(w * h);
    b.pixels.read(0, 0, w, h, data);
    const nd = b.noDataValue;
    if (nd !== null && nd !== undefined) {
      const f = Math.fround(nd);
      for (let i = 0; i < data.length; i++) if (data[i] === f) data[i] = NaN;
    }
    return { data, width: w, height: h, description: b.description, metadata: ds.getMetadata() as Record<string, string>, unit: b.unitType };
  } finally {
    ds.close();
  }
}

/** Copy of a DEM without its CRS (same type, geotransform and nodata). */
export function withoutCrs(src: string, dst: string): string {
  const s = gdal.open(src);
  const b = s.bands.get(1);
  const w = s.rasterSize.x, h = s.rasterSize.y;
  const type = b.dataType === 'Int16' ? gdal.GDT_Int16 : gdal.GDT_Float32;
  const d = gdal.open(dst, 'w', 'GTiff', w, h, 1, type);
  d.geoTransform = s.geoTransform!;
  const buf = new Float64Array(w * h);
  b.pixels.read(0, 0, w, h, buf);
  const db = d.bands.get(1);
  if (b.noDataValue !== null && b.noDataValue !== undefined) db.noDataValue = b.noDataValue;
  db.pixels.write(0, 0, w, h, buf);
  d.close();
  s.close();
  return dst;
}

/** A Float32 DEM from values (NaN = nodata −9999), UTM 32N, 30 m cells unless told otherwise. */
export function writeDem(file: string, w: number, h: number, f: (r: number, c: number) => number, o: { epsg?: number | null; cell?: number } = {}): string {
  const ds = gdal.open(file, 'w', 'GTiff', w, h, 1, gdal.GDT_Float32);
  const L = o.cell ?? 30;
  ds.geoTransform = [500000, L, 0, 5500000, 0, -L];
  if (o.epsg !== null) ds.srs = gdal.SpatialReference.fromEPSG(o.epsg ?? 32632);
  const b = ds.bands.get(1);
  b.noDataValue = -9999;
  const data = new Float32Array(w * h);
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) {
    const v = f(r, c);
    data[r * w + c] = Number.isNaN(v) ? -9999 : v;
  }
  b.pixels.write(0, 0, w, h, data);
  ds.close();
  return file;
}

/** Run an algorithm, collecting log lines and warnings. */
export async function runLogged(id: string, params: Record<string, unknown>, o: { signal?: AbortSignal; onProgress?: (p: number) => void } = {}) {
  const logs: string[] = [];
  const warnings: string[] = [];
  const r = await run(id, params, { onLog: (level, m) => (level === 'warning' ? warnings : logs).push(m), signal: o.signal, onProgress: o.onProgress });
  return { ...r, logs, warnings };
}

/** Files in a folder other than the listed ones. */
export function leftovers(dir: string, keep: string[] = []): string[] {
  return fs.readdirSync(dir).filter((f) => !keep.includes(f));
}

/** Every cell bit-identical (NaN where NaN). */
export function identical(a: ArrayLike<number>, b: ArrayLike<number>): { differ: number; first: number } {
  let differ = 0, first = -1;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!, y = b[i]!;
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    if (Object.is(x, y) || x === y) continue;
    differ++;
    if (first < 0) first = i;
  }
  return { differ: differ + Math.abs(a.length - b.length), first };
}
