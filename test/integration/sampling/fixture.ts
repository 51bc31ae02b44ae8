// SPDX-License-Identifier: GPL-2.0-or-later
// Test helper: a small generated covariate stack (GeoTIFF, UTM 52N, 100 m pixels) with known
// regions — each region has its own mean per band plus small Gaussian noise — some nodata pixels
// and optionally a constant band. Written with gdal-async through the toolbox's raster writer.
import path from 'node:path';
import gdal from 'gdal-async';
import { createRaster } from '../../../toolbox/io/raster.js';

export const UTM52 = gdal.SpatialReference.fromEPSG(32652).toWKT();
export const GT: [number, number, number, number, number, number] = [500000, 100, 0, 5000000, 0, -100];

function normals(seed: number): () => number {
  let s = seed >>> 0;
  const u = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

export interface Fixture {
  file: string;
  width: number;
  height: number;
  /** region (0…) of each pixel, −1 where a band is nodata */
  truth: Int32Array;
  /** band values (NaN = nodata), per band */
  values: Float64Array[];
  names: string[];
  means: number[][];
}

/**
 * Regions: the raster is cut into a grid of rx × ry blocks; block r has mean means[r] per band.
 * nodataPixels: pixel indices set to nodata in band 1 (a corner square by default).
 */
export async function makeStack(dir: string, o: {
  name?: string; width?: number; height?: number; rx?: number; ry?: number; means?: number[][]; noise?: number;
  constantBand?: boolean; nodata?: 'corner' | 'all' | 'none'; seed?: number;
} = {}): Promise<Fixture> {
  const width = o.width ?? 60;
  const height = o.height ?? 48;
  const rx = o.rx ?? 2;
  const ry = o.ry ?? 2;
  const means = o.means ?? [[100, 10, 0.2], [300, 10, 0.8], [100, 30, 0.8], [300, 30, 0.2]];
  const nb = means[0].length;
  const noise = o.noise ?? 0.05;
  const g = normals(o.seed ?? 11);
  const names = ['elevation', 'mat', 'ndvi', 'b4', 'b5', 'b6'].slice(0, nb);
  if (o.constantBand) names.push('const');
  const values = names.map(() => new Float64Array(width * height));
  const truth = new Int32Array(width * height);
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const i = row * width + col;
      const r = Math.floor((row * ry) / height) * rx + Math.floor((col * rx) / width);
      truth[i] = r;
      for (let j = 0; j < nb; j++) {
        const span = Math.max(...means.map((m) => Math.abs(m[j]))) || 1;
        values[j][i] = means[r][j] + noise * span * g();
      }
      if (o.constantBand) values[nb][i] = 7;
      const nodata = o.nodata === 'all' || ((o.nodata ?? 'corner') === 'corner' && row < 4 && col < 5);
      if (nodata) {
        values[0][i] = NaN;
        truth[i] = -1;
      }
    }
  }
  const file = path.join(dir, o.name ?? 'stack.tif');
  const w = await createRaster(file, { width, height, bands: names.length, dataType: 'Float32', geoTransform: GT, srsWkt: UTM52, bandNames: names, nodata: -9999 });
  for (let j = 0; j < names.length; j++) await w.write(j + 1, 0, 0, width, height, values[j]);
  await w.close();
  // what was written, as Float32
  const stored = values.map((v) => Float64Array.from(Float32Array.from(v)));
  return { file, width, height, truth, values: stored, names, means };
}

/** Read band `band` of a raster as Float64 with nodata → NaN. */
export async function readAll(file: string, band = 1): Promise<{ data: Float64Array; nodata: number | null; dataType: string; names: string[]; count: number }> {
  const ds = await gdal.openAsync(file);
  const b = ds.bands.get(band);
  const w = ds.rasterSize.x;
  const h = ds.rasterSize.y;
  const data = new Float64Array(w * h);
  await b.pixels.readAsync(0, 0, w, h, data);
  const nd = b.noDataValue;
  if (nd !== null) for (let i = 0; i < data.length; i++) if (data[i] === nd) data[i] = NaN;
  const names = Array.from({ length: ds.bands.count() }, (_, i) => ds.bands.get(i + 1).description);
  const out = { data, nodata: nd, dataType: b.dataType ?? '', names, count: ds.bands.count() };
  ds.close();
  return out;
}
