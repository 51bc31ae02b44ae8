// SPDX-License-Identifier: GPL-2.0-or-later
// Shared helpers of the covariate algorithms (no algorithm here: no default export).
// - target grids from a REFERENCE raster or CRS + RESOLUTION (+ EXTENT), with gdalwarp's rule for
//   the pixel count (round((xmax − xmin) / res)) so that our grids equal gdalwarp/gdal_grid grids;
// - spatial references in traditional GIS axis order (x = easting/longitude), because GDAL ≥ 3
//   honours the EPSG axis order (latitude first for EPSG:4326) unless told otherwise
//   (GDAL RFC 73, OAMS_TRADITIONAL_GIS_ORDER);
// - opening rasters and netCDF/HDF subdatasets (NETCDF:"file":var) with the same RasterInfo as
//   toolbox/io/raster.ts.

import fs from 'node:fs';
import path from 'node:path';
import gdal from '../../toolbox/io/gdal.js';
import { DataError, UsageError } from '../../toolbox/errors.js';
import { openRaster, rasterInfo, type GeoTransform, type RasterInfo } from '../../toolbox/io/raster.js';
import { crsToWkt } from '../../toolbox/io/table.js';
import { param } from '../../toolbox/params.js';

export interface Grid {
  width: number;
  height: number;
  geoTransform: GeoTransform;
  srsWkt: string;
}

export function sameCrs(a: string, b: string): boolean {
  if (!a || !b) return a === b;
  return gdal.SpatialReference.fromWKT(a).isSame(gdal.SpatialReference.fromWKT(b));
}

/** Short human name of a CRS: "EPSG:32617" or its name. */
export function crsLabel(wkt: string): string {
  if (!wkt) return '(no CRS)';
  try {
    const s = gdal.SpatialReference.fromWKT(wkt);
    const code = s.getAuthorityCode(null as unknown as string);
    const auth = s.getAuthorityName(null as unknown as string);
    if (auth && code) return `${auth}:${code}`;
    return s.getAttrValue('PROJCS') ?? s.getAttrValue('GEOGCS') ?? 'custom CRS';
  } catch {
    return 'custom CRS';
  }
}

// ---------------------------------------------------------------- grid parameters

/** The parameters defining an output grid, shared by interpolate and stack. */
export const gridParams = {
  reference: () => param.raster('REFERENCE', 'Reference raster: the output takes its CRS, extent and cell size (use this or CRS + RESOLUTION)', { optional: true }),
  crs: () => param.string('CRS', 'CRS of the output grid when no REFERENCE is given, e.g. EPSG:32652', { optional: true }),
  resolution: () => param.list('RESOLUTION', 'Cell size in CRS units when no REFERENCE is given: one value, or x,y', 'number', { optional: true, min: 0 }),
  extent: () => param.string('EXTENT', 'Extent xmin,xmax,ymin,ymax in CRS units (QGIS order; an optional " [EPSG:n]" suffix must name the same CRS)', { optional: true }),
};

/** Messages for check(): REFERENCE xor CRS + RESOLUTION. */
export function checkGridParams(p: Record<string, unknown>, extentRequired: boolean): string[] {
  const out: string[] = [];
  if (p.REFERENCE) {
    for (const k of ['CRS', 'RESOLUTION', 'EXTENT']) if (p[k] !== undefined) out.push(`${k} is not used with REFERENCE (the reference raster fixes the grid); give one or the other`);
    return out;
  }
  if (p.CRS === undefined || p.RESOLUTION === undefined) {
    out.push(`give REFERENCE (a raster on the target grid) or CRS and RESOLUTION${extentRequired ? ' and EXTENT' : ''}`);
  }
  const res = p.RESOLUTION as number[] | undefined;
  if (res && (res.length < 1 || res.length > 2 || res.some((r) => !(r > 0)))) out.push('RESOLUTION: give one cell size > 0, or two (x,y)');
  if (extentRequired && p.CRS !== undefined && p.EXTENT === undefined) out.push('EXTENT is required with CRS + RESOLUTION');
  if (p.EXTENT !== undefined) {
    try {
      parseExtent(p.EXTENT as string);
    } catch (e) {
      out.push((e as Error).message);
    }
  }
  return out;
}

export interface Extent {
  xmin: number;
  xmax: number;
  ymin: number;
  ymax: number;
  crs?: string;
}

export function parseExtent(s: string): Extent {
  const m = /^\s*([^\[]*?)\s*(?:\[([^\]]+)\])?\s*$/.exec(s);
  const nums = (m?.[1] ?? '').split(/[,\s]+/).filter((x) => x !== '').map(Number);
  if (nums.length !== 4 || nums.some((v) => !Number.isFinite(v))) {
    throw new UsageError(`EXTENT "${s}" must be four numbers xmin,xmax,ymin,ymax`);
  }
  const [xmin, xmax, ymin, ymax] = nums;
  if (!(xmax > xmin) || !(ymax > ymin)) throw new UsageError(`EXTENT "${s}": xmax must exceed xmin and ymax exceed ymin (the order is xmin,xmax,ymin,ymax)`);
  return { xmin, xmax, ymin, ymax, crs: m?.[2]?.trim() };
}

/** A grid covering an extent with the given cell size (gdalwarp -te -tr pixel count rule). */
export function gridFromExtent(e: Extent, rx: number, ry: number, srsWkt: string): Grid {
  const width = Math.max(1, Math.floor((e.xmax - e.xmin) / rx + 0.5));
  const height = Math.max(1, Math.floor((e.ymax - e.ymin) / ry + 0.5));
  return { width, height, geoTransform: [e.xmin, rx, 0, e.ymax, 0, -ry], srsWkt };
}

/** Extent snapped outwards to multiples of the cell size (gdalwarp -tap). */
export function snapExtent(e: Extent, rx: number, ry: number): Extent {
  return {
    xmin: Math.floor(e.xmin / rx) * rx, xmax: Math.ceil(e.xmax / rx) * rx,
    ymin: Math.floor(e.ymin / ry) * ry, ymax: Math.ceil(e.ymax / ry) * ry,
  };
}

/**
 * The target grid from REFERENCE, or CRS + RESOLUTION + EXTENT; when EXTENT is absent the
 * fallback extent (in the target CRS) is used, snapped to the cell size.
 */
export async function targetGrid(p: Record<string, unknown>, fallback?: () => Promise<Extent>): Promise<Grid> {
  if (p.REFERENCE) {
    const r = await openRaster(p.REFERENCE as string, 'REFERENCE raster');
    try {
      if (!r.srsWkt) throw new DataError(`REFERENCE raster ${r.path} has no CRS; assign one (gdal_edit.py -a_srs EPSG:n) or give CRS + RESOLUTION + EXTENT`);
      if (r.geoTransform[2] !== 0 || r.geoTransform[4] !== 0) throw new DataError(`REFERENCE raster ${r.path} is rotated; warp it to a north-up grid first`);
      return { width: r.width, height: r.height, geoTransform: r.geoTransform, srsWkt: r.srsWkt };
    } finally {
      r.ds.close();
    }
  }
  const srsWkt = crsToWkt(p.CRS as string, 'CRS');
  const res = p.RESOLUTION as number[];
  const rx = res[0];
  const ry = res[1] ?? res[0];
  let e: Extent;
  if (p.EXTENT !== undefined) {
    e = parseExtent(p.EXTENT as string);
    if (e.crs && !sameCrs(crsToWkt(e.crs, 'the CRS of EXTENT'), srsWkt)) {
      throw new UsageError(`EXTENT is given in ${e.crs} but CRS is ${p.CRS}; give the extent in the units of CRS`);
    }
  } else if (fallback) {
    e = snapExtent(await fallback(), rx, ry);
  } else {
    throw new UsageError('EXTENT is required with CRS + RESOLUTION');
  }
  const g = gridFromExtent(e, rx, ry, srsWkt);
  if (g.width * g.height > 2 ** 33) throw new UsageError(`the grid would have ${g.width} × ${g.height} cells; check RESOLUTION (it is in the units of CRS: degrees for geographic CRSs)`);
  return g;
}

/** Cell-centre coordinates of column i / row j. */
export function cellX(g: Grid, i: number): number {
  return g.geoTransform[0] + (i + 0.5) * g.geoTransform[1];
}
export function cellY(g: Grid, j: number): number {
  return g.geoTransform[3] + (j + 0.5) * g.geoTransform[5];
}

// ---------------------------------------------------------------- opening rasters / subdatasets

/** Subdataset names of a container file (netCDF, HDF): [name, description][]. */
export function subdatasets(ds: gdal.Dataset): [string, string][] {
  const md = ds.getMetadata('SUBDATASETS') as Record<string, string>;
  const out: [string, string][] = [];
  for (let i = 1; md[`SUBDATASET_${i}_NAME`]; i++) out.push([md[`SUBDATASET_${i}_NAME`], md[`SUBDATASET_${i}_DESC`] ?? '']);
  return out;
}

/**
 * Open a raster file, or the VARIABLE of a netCDF / HDF container (its subdataset
 * NETCDF:"file":VARIABLE). A container opened without VARIABLE is an error listing its variables.
 */
export async function openLayer(file: string, variable: string | undefined, what: string): Promise<RasterInfo> {
  if (!fs.existsSync(file)) throw new DataError(`${what} ${file} does not exist; check the path`);
  let ds: gdal.Dataset;
  try {
    ds = await gdal.openAsync(file);
  } catch (e) {
    throw new DataError(`cannot read ${what} ${file}: ${(e as Error).message.trim()} — is it a raster GDAL can open and not damaged?`);
  }
  const subs = subdatasets(ds);
  if (subs.length > 0) {
    const vars = subs.map(([n]) => n.slice(n.lastIndexOf(':') + 1));
    if (!variable) {
      ds.close();
      throw new UsageError(`${what} ${path.basename(file)} holds several variables (${vars.join(', ')}); choose one with VARIABLE`);
    }
    const k = vars.findIndex((v) => v === variable);
    if (k < 0) {
      ds.close();
      throw new UsageError(`${what} ${path.basename(file)} has no variable "${variable}"; its variables are ${vars.join(', ')}`);
    }
    ds.close();
    try {
      ds = await gdal.openAsync(subs[k][0]);
    } catch (e) {
      throw new DataError(`cannot read variable ${variable} of ${file}: ${(e as Error).message.trim()}`);
    }
    return rasterInfo(ds, `${file}:${variable}`);
  }
  if (ds.bands.count() === 0) {
    ds.close();
    throw new DataError(`${what} ${file} has no raster bands (is it a vector file?)`);
  }
  if (variable) {
    ds.close();
    throw new UsageError(`VARIABLE "${variable}" was given but ${path.basename(file)} is not a netCDF/HDF file with variables`);
  }
  return rasterInfo(ds, file);
}

/** Base name of a file without extension, as a band / variable name (letters, digits, _). */
export function layerNameOf(file: string): string {
  const b = path.basename(file).replace(/\.[^.]+$/, '');
  return b;
}
