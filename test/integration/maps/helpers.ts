// SPDX-License-Identifier: GPL-2.0-or-later
// Small GeoTIFFs written from literal arrays for the maps tests.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import gdal from 'gdal-async';

export function tmpDir(prefix = 'socp-maps-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface GridSpec {
  width: number;
  height: number;
  geoTransform: [number, number, number, number, number, number];
  /** EPSG code or WKT / PROJ */
  crs: number | string;
}

/** Write a one-band raster; NaN → nodata. */
export async function writeGrid(file: string, g: GridSpec, values: number[], o: { type?: string; nodata?: number } = {}): Promise<string> {
  const type = o.type ?? 'Float32';
  const nodata = o.nodata ?? -9999;
  const ds = await gdal.drivers.get('GTiff').createAsync(file, g.width, g.height, 1, type);
  ds.geoTransform = g.geoTransform;
  ds.srs = typeof g.crs === 'number' ? gdal.SpatialReference.fromEPSG(g.crs) : gdal.SpatialReference.fromUserInput(g.crs);
  const b = ds.bands.get(1);
  b.noDataValue = nodata;
  const buf = new Float64Array(values.map((v) => (Number.isNaN(v) ? nodata : v)));
  await b.pixels.writeAsync(0, 0, g.width, g.height, buf);
  ds.close();
  return file;
}

export async function readGrid(file: string): Promise<{ values: number[]; nodata: number | null; ds: gdal.Dataset }> {
  const ds = await gdal.openAsync(file);
  const b = ds.bands.get(1);
  const buf = new Float64Array(ds.rasterSize.x * ds.rasterSize.y);
  await b.pixels.readAsync(0, 0, ds.rasterSize.x, ds.rasterSize.y, buf);
  return { values: Array.from(buf), nodata: b.noDataValue, ds };
}

export function parseCsvRows(text: string): Record<string, string>[] {
  const [head, ...lines] = text.trim().split('\n');
  const cols = head.split(',');
  return lines.map((l) => {
    const cells = l.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, '').replace(/^"|"$/g, '').replace(/""/g, '"'));
    return Object.fromEntries(cols.map((c, i) => [c, cells[i]]));
  });
}
