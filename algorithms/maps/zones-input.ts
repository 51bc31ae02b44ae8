// SPDX-License-Identifier: GPL-2.0-or-later
// Zone layers on the grid of a reference raster (helper module: no default export): a zone raster
// is used as it is when aligned, else resampled by nearest neighbour (class codes must not be
// averaged); polygons are rasterised with gdal.rasterizeAsync (a cell belongs to the polygon that
// contains its centre, GDAL's default rule), reprojected first when their CRS differs.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import gdal from '../../toolbox/io/gdal.js';
import { DataError } from '../../toolbox/errors.js';
import { gridMismatch, openRaster, readWindow, stripRows, strips, type RasterInfo } from '../../toolbox/io/raster.js';
import { readTable } from '../../toolbox/io/table.js';
import { splitLayerRef } from '../../toolbox/params.js';
import type { RunContext } from '../../toolbox/context.js';

export interface ZoneLayer {
  info: RasterInfo;
  /** labels known from the source (category names, or the polygons' text field) */
  labels: Map<number, string>;
  /** what was done, for the log */
  note: string;
  cleanup(): void;
}

function gridArgs(ref: RasterInfo): string[] {
  const gt = ref.geoTransform;
  if (gt[2] !== 0 || gt[4] !== 0) throw new DataError(`${path.basename(ref.path)} has a rotated grid; zones cannot be put on it`);
  const xs = [gt[0], gt[0] + ref.width * gt[1]];
  const ys = [gt[3], gt[3] + ref.height * gt[5]];
  return ['-te', String(Math.min(...xs)), String(Math.min(...ys)), String(Math.max(...xs)), String(Math.max(...ys)), '-ts', String(ref.width), String(ref.height)];
}

/**
 * What makes a zone raster unusable on a reference grid, found before any work (workflow:socp checks
 * LANDUSE against COVARIATES before its first step): another grid without a CRS to resample it,
 * no overlap, or values that are not whole class codes (a continuous map given by mistake).
 */
export async function checkZoneRaster(file: string, ref: RasterInfo, what: string, signal?: AbortSignal): Promise<void> {
  const z = await openRaster(file, what);
  const name = path.basename(file);
  try {
    const why = gridMismatch(ref, z);
    if (why && !z.srsWkt && ref.srsWkt) throw new DataError(`${what} ${name} is on another grid than ${path.basename(ref.path)} (${why}) and has no CRS, so it cannot be resampled; assign its CRS (gdal_edit.py -a_srs) first`);
    if (why && (!z.srsWkt || !ref.srsWkt || gdal.SpatialReference.fromWKT(z.srsWkt).isSame(gdal.SpatialReference.fromWKT(ref.srsWkt)))) {
      const box = (r: RasterInfo) => {
        const g = r.geoTransform;
        const xs = [g[0], g[0] + r.width * g[1]];
        const ys = [g[3], g[3] + r.height * g[5]];
        return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
      };
      const [a, b] = [box(ref), box(z)];
      if (a[2] <= b[0] || b[2] <= a[0] || a[3] <= b[1] || b[3] <= a[1]) {
        throw new DataError(`${what} ${name} does not overlap ${path.basename(ref.path)} (${b.map((v) => v.toPrecision(8)).join(', ')} against ${a.map((v) => v.toPrecision(8)).join(', ')}); give the land-use raster of the study area`);
      }
    }
    if (/^Float/i.test(z.dataType)) {
      const nd = z.nodata[0];
      const rows = stripRows(z.width, 1);
      for (const [y0, n] of strips(z.height, rows)) {
        if (signal?.aborted) return;
        const v = await readWindow(z, 1, 0, y0, z.width, n);
        for (let i = 0; i < v.length; i++) {
          const x = v[i];
          if (Number.isNaN(x) || x === nd || Number.isInteger(x)) continue;
          throw new DataError(`${what} ${name} holds ${x} (row ${y0 + Math.floor(i / z.width) + 1}, column ${(i % z.width) + 1}), not a whole number; it must hold integer class codes (a land-use raster), not a continuous map`);
        }
      }
    }
  } finally {
    z.ds.close();
  }
}

/** A zone raster on the reference grid (resampled with nearest neighbour when needed). */
export async function zoneRaster(file: string, ref: RasterInfo, ctx: RunContext): Promise<ZoneLayer> {
  const z = await openRaster(file, 'ZONES raster');
  const labels = new Map<number, string>();
  try {
    const names = z.ds.bands.get(1).categoryNames ?? [];
    names.forEach((n, i) => {
      if (n && n.trim() !== '') labels.set(i, n.trim());
    });
  } catch {
    /* no category names */
  }
  const why = gridMismatch(ref, z);
  if (!why) return { info: z, labels, note: `zones from ${path.basename(file)}`, cleanup: () => z.ds.close() };
  if (!z.srsWkt && ref.srsWkt) throw new DataError(`ZONES ${path.basename(file)} is on another grid (${why}) and has no CRS, so it cannot be resampled; assign its CRS first`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'socp-zones-'));
  const tmp = path.join(dir, 'zones_resampled.tif');
  try {
    const args = ['-of', 'GTiff', '-r', 'near', ...gridArgs(ref), '-co', 'TILED=YES', '-co', 'COMPRESS=DEFLATE'];
    if (ref.srsWkt) args.push('-t_srs', ref.srsWkt);
    if (z.nodata[0] !== null) args.push('-srcnodata', String(z.nodata[0]), '-dstnodata', String(z.nodata[0]));
    const out = await gdal.warpAsync(tmp, null, [z.ds], args);
    out.close();
  } finally {
    z.ds.close();
  }
  const note = `ZONES ${path.basename(file)} is on another grid (${why}): resampled to the grid of the first INPUT with nearest neighbour`;
  ctx.warn(note);
  const info = await openRaster(tmp, 'resampled ZONES raster');
  return { info, labels, note, cleanup: () => { info.ds.close(); fs.rmSync(dir, { recursive: true, force: true }); } };
}

const ZONE_NODATA = -2147483648;

/**
 * Polygons rasterised onto the reference grid: a numeric FIELD gives the codes; a text FIELD gives
 * the labels, coded 1, 2, … in sorted order.
 */
export async function zonePolygons(ref: string, field: string, grid: RasterInfo, ctx: RunContext): Promise<ZoneLayer> {
  const t = await readTable(ref);
  const col = t.columns.get(field);
  if (!col) throw new DataError(`ZONES_VECTOR has no field "${field}"; its fields are ${t.fields.join(', ')}`);
  if (!t.wkb) throw new DataError(`ZONES_VECTOR ${splitLayerRef(ref).file} holds no polygons (points or no geometry); give polygons or a zone raster as ZONES`);
  const numeric = col.every((v) => v === null || typeof v === 'number');
  const labels = new Map<number, string>();
  if (numeric) {
    for (const v of col) {
      if (v !== null && !Number.isInteger(v)) throw new DataError(`ZONE_FIELD "${field}" holds ${v}, not a whole number; zone codes must be integers (or use a text field of labels)`);
    }
  } else {
    const distinct = [...new Set(col.filter((v): v is string | number => v !== null).map(String))].sort();
    distinct.forEach((v, i) => labels.set(i + 1, v));
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'socp-zones-'));
  const cleanupDir = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    const { file, layer } = splitLayerRef(ref);
    let src = await gdal.openAsync(file);
    let lyr = layer !== undefined ? src.layers.get(layer) : src.layers.get(0);
    let note = `zones rasterised from ${path.basename(file)} (${field}; a cell takes the polygon containing its centre)`;
    const gsrs = grid.srsWkt ? gdal.SpatialReference.fromWKT(grid.srsWkt) : null;
    if (gsrs && lyr.srs && !lyr.srs.isSame(gsrs)) {
      const re = path.join(dir, 'zones_reprojected.gpkg');
      const out = await gdal.vectorTranslateAsync(re, src, ['-f', 'GPKG', '-t_srs', grid.srsWkt, '-nln', 'zones', lyr.name]);
      out.close();
      src.close();
      src = await gdal.openAsync(re);
      lyr = src.layers.get(0);
      note += ', reprojected to the grid\'s CRS first';
    }
    const layerName = lyr.name;
    const tmp = path.join(dir, 'zones.tif');
    const ds = await gdal.drivers.get('GTiff').createAsync(tmp, grid.width, grid.height, 1, 'Int32', ['TILED=YES', 'COMPRESS=DEFLATE']);
    ds.geoTransform = grid.geoTransform;
    if (gsrs) ds.srs = gsrs;
    const band = ds.bands.get(1);
    band.noDataValue = ZONE_NODATA;
    await band.fillAsync(ZONE_NODATA);
    const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
    if (numeric) {
      await gdal.rasterizeAsync(ds, src, ['-l', layerName, '-a', field]);
    } else {
      for (const [code, value] of labels) {
        ctx.checkCancelled();
        await gdal.rasterizeAsync(ds, src, ['-l', layerName, '-where', `${quote(field)} = '${value.replace(/'/g, "''")}'`, '-burn', String(code)]);
      }
    }
    await ds.flushAsync();
    ds.close();
    src.close();
    ctx.log(note);
    const info = await openRaster(tmp, 'rasterised ZONES_VECTOR');
    return { info, labels, note, cleanup: () => { info.ds.close(); cleanupDir(); } };
  } catch (e) {
    cleanupDir();
    throw e;
  }
}
