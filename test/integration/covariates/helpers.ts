// SPDX-License-Identifier: GPL-2.0-or-later
// Test helpers for the covariate algorithms: temporary folders, reading rasters with nodata as
// NaN, running GDAL command-line utilities (gdal-bin) for independent references.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import gdal from 'gdal-async';

export function tmpDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `socp-cov-${tag}-`));
}

export interface Band {
  width: number;
  height: number;
  gt: number[];
  data: Float64Array;
  nodata: number | null;
  description: string;
  srsWkt: string;
}

export function readBand(file: string, band = 1): Band {
  const ds = gdal.open(file);
  try {
    const b = ds.bands.get(band);
    const w = ds.rasterSize.x;
    const h = ds.rasterSize.y;
    const data = new Float64Array(w * h);
    b.pixels.read(0, 0, w, h, data);
    const nd = b.noDataValue;
    if (nd !== null && nd !== undefined) for (let i = 0; i < data.length; i++) if (data[i] === nd) data[i] = NaN;
    return { width: w, height: h, gt: ds.geoTransform!, data, nodata: nd ?? null, description: b.description, srsWkt: ds.srs ? ds.srs.toWKT() : '' };
  } finally {
    ds.close();
  }
}

export function bandCount(file: string): number {
  const ds = gdal.open(file);
  try {
    return ds.bands.count();
  } finally {
    ds.close();
  }
}

export function gdalCli(tool: string, args: string[], cwd?: string): string {
  return execFileSync(tool, args, { cwd, encoding: 'utf8' });
}

/** Files left in a folder other than the listed ones (to check nothing is half-written). */
export function leftovers(dir: string, keep: string[]): string[] {
  return fs.readdirSync(dir).filter((f) => !keep.includes(f));
}

/** A small deterministic pseudo-random generator (LCG, Numerical Recipes constants). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Compare two arrays cell by cell: same nodata pattern, values within tol (abs + rel). */
export function maxDiff(a: Float64Array, b: Float64Array): { maxAbs: number; nanMismatch: number } {
  let maxAbs = 0;
  let nanMismatch = 0;
  for (let i = 0; i < a.length; i++) {
    const na = Number.isNaN(a[i]);
    const nb = Number.isNaN(b[i]);
    if (na !== nb) nanMismatch++;
    else if (!na) maxAbs = Math.max(maxAbs, Math.abs(a[i] - b[i]));
  }
  return { maxAbs, nanMismatch };
}

export const FIXTURES = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../fixtures/covariates');

/** Write a Float32 GeoTIFF with given bands (row-major arrays, NaN = nodata -9999). */
export function writeRaster(file: string, w: number, h: number, bands: number[][], o: { gt?: number[]; epsg?: number; nodata?: number | null } = {}): string {
  const ds = gdal.open(file, 'w', 'GTiff', w, h, bands.length, gdal.GDT_Float32);
  ds.geoTransform = o.gt ?? [500000, 100, 0, 4000000, 0, -100];
  if (o.epsg !== 0) ds.srs = gdal.SpatialReference.fromEPSG(o.epsg ?? 32617);
  const nd = o.nodata === undefined ? -9999 : o.nodata;
  bands.forEach((vals, i) => {
    const b = ds.bands.get(i + 1);
    if (nd !== null) b.noDataValue = nd;
    b.pixels.write(0, 0, w, h, Float32Array.from(vals, (v) => (Number.isNaN(v) && nd !== null ? nd : v)));
  });
  ds.close();
  return file;
}

/** Pixel values of a band of any GDAL dataset name (incl. NETCDF:"f":var). */
export function readRaw(name: string, band: number): { data: Float64Array; w: number; h: number; nodata: number | null } {
  const ds = gdal.open(name);
  try {
    const w = ds.rasterSize.x;
    const h = ds.rasterSize.y;
    const data = new Float64Array(w * h);
    ds.bands.get(band).pixels.read(0, 0, w, h, data);
    return { data, w, h, nodata: ds.bands.get(band).noDataValue ?? null };
  } finally {
    ds.close();
  }
}
