// SPDX-License-Identifier: GPL-2.0-or-later
// Tables and point layers: CSV (with coordinate columns found by name or given), GeoPackage
// (file.gpkg|layername=name), GeoJSON and Shapefile through OGR. A table is column-oriented;
// values are numbers, strings or null (missing). Point coordinates and the CRS are kept so that
// outputs carry them on.

import fs from 'node:fs';
import path from 'node:path';
import gdal from './gdal.js';
import { DataError, UsageError } from '../errors.js';
import { splitLayerRef } from '../params.js';
import { suggest } from '../suggest.js';
import { csvEncoding, decodeCsv, formatCsv, parseCsv, parseDecimal, readCsvText } from './csv.js';
import { finalNameOf, withFinalNames } from './atomic.js';

export type Value = number | string | null;

export interface Table {
  /** file the table came from (for messages) */
  source: string;
  layerName: string;
  /** column names in order */
  fields: string[];
  columns: Map<string, Value[]>;
  nRows: number;
  /** point coordinates, when the table has them */
  x?: Float64Array;
  y?: Float64Array;
  /** names of the coordinate columns when they came from columns (CSV) */
  coordFields?: { x: string; y: string };
  /** CRS of the coordinates as WKT ('' when unknown) */
  srsWkt: string;
  /** non-point geometries as WKB, kept so that writing back preserves them */
  wkb?: (Buffer | null)[];
}

export interface ReadTableOptions {
  xField?: string;
  yField?: string;
  /** CRS of CSV coordinates: "EPSG:4326", WKT, PROJ string */
  pointsCrs?: string;
  /** require point coordinates (error naming the options when absent) */
  requirePoints?: boolean;
  /** text encoding of a CSV (default: the run's ENCODING, else UTF-8) */
  encoding?: string;
}

const COORD_NAMES: [string, string, boolean][] = [
  // x name, y name, geographic by default
  ['x', 'y', false], ['lon', 'lat', true], ['long', 'lat', true], ['longitude', 'latitude', true],
  ['easting', 'northing', false], ['xcoord', 'ycoord', false], ['x_coord', 'y_coord', false],
];

const MISSING = new Set(['', 'na', 'nan', 'null', 'n/a']);

/** A cell string as a Value: numbers stay text here; numericColumn() converts with row errors. */
function cell(s: string): Value {
  const t = s.trim();
  return MISSING.has(t.toLowerCase()) ? null : t;
}

/** Resolve a user CRS string (EPSG:n, WKT, PROJ) to WKT, or throw a usage error. */
export function crsToWkt(crs: string, what = 'POINTS_CRS'): string {
  try {
    const s = crs.trim();
    const m = /^epsg:(\d+)$/i.exec(s);
    const srs = m ? gdal.SpatialReference.fromEPSG(Number(m[1])) : gdal.SpatialReference.fromUserInput(s);
    return srs.toWKT();
  } catch {
    throw new UsageError(`${what} "${crs}" is not a coordinate reference system GDAL knows; give e.g. EPSG:4326 or EPSG:32652`);
  }
}

function readCsv(file: string, o: ReadTableOptions): Table {
  const { header, rows } = parseCsv(readCsvText(file, o.encoding ?? csvEncoding()), file);
  const columns = new Map<string, Value[]>();
  header.forEach((h, j) => {
    if (columns.has(h)) throw new DataError(`${file}: column "${h}" appears twice in the header; rename one`);
    columns.set(h, rows.map((r) => cell(r[j])));
  });
  // Numbers: a column whose every non-missing value is numeric becomes numeric.
  for (const [name, vals] of columns) {
    if (vals.every((v) => v === null || (typeof v === 'string' && isNumeric(v)))) {
      columns.set(name, vals.map((v) => (v === null ? null : Number(v))));
    }
  }
  const t: Table = { source: file, layerName: path.basename(file, path.extname(file)), fields: header, columns, nRows: rows.length, srsWkt: '' };
  // Coordinates
  let xf = o.xField;
  let yf = o.yField;
  let geographic = false;
  const lower = new Map(header.map((h) => [h.toLowerCase(), h]));
  if (!xf && !yf) {
    for (const [xn, yn, geo] of COORD_NAMES) {
      if (lower.has(xn) && lower.has(yn)) {
        xf = lower.get(xn);
        yf = lower.get(yn);
        geographic = geo;
        break;
      }
    }
  }
  if ((xf && !yf) || (!xf && yf)) throw new UsageError('give both X_FIELD and Y_FIELD, or neither');
  const explicit = !!(o.xField && o.yField);
  // columns found by name are coordinates only when every value is a number
  if (xf && yf && !explicit && ![xf, yf].every((f) => columns.get(f)!.every((v) => v === null || typeof v === 'number'))) {
    xf = yf = undefined;
  }
  if (xf && yf) {
    for (const [f, p] of [[xf, 'X_FIELD'], [yf, 'Y_FIELD']] as const) {
      if (!columns.has(f)) throw missingField(t, f, p);
    }
    t.x = new Float64Array(numericColumn(t, xf, 'X_FIELD'));
    t.y = new Float64Array(numericColumn(t, yf, 'Y_FIELD'));
    t.coordFields = { x: xf, y: yf };
    const prj = file.replace(/\.csv$/i, '.prj');
    if (o.pointsCrs) t.srsWkt = crsToWkt(o.pointsCrs);
    else if (fs.existsSync(prj)) t.srsWkt = crsToWkt(fs.readFileSync(prj, 'utf8'), `the CRS in ${prj}`);
    else if (geographic) t.srsWkt = gdal.SpatialReference.fromEPSG(4326).toWKT();
  } else if (o.requirePoints) {
    throw new DataError(`${file} has no coordinate columns (x/y, lon/lat, longitude/latitude, easting/northing); name them with X_FIELD and Y_FIELD`);
  }
  return t;
}

/** A finite decimal number (a CSV cell that makes its column numeric). */
function isNumeric(s: string): boolean {
  const v = parseDecimal(s);
  return v !== undefined && Number.isFinite(v);
}

/** Open a vector file through OGR with a clear error (never GDAL's raw message alone). */
async function openVector(file: string): Promise<gdal.Dataset> {
  try {
    return await gdal.openAsync(file);
  } catch (e) {
    throw new DataError(`cannot read ${file}: ${(e as Error).message.trim()} — is it a GeoPackage, GeoJSON, Shapefile or CSV and not damaged?`);
  }
}

/** Names of the vector layers of an open dataset. */
function layerNamesOf(ds: gdal.Dataset): string[] {
  return Array.from({ length: ds.layers.count() }, (_, i) => ds.layers.get(i).name);
}

/** The named layer (or the first) of an open dataset; errors name the file and list its layers. */
function layerOf(ds: gdal.Dataset, file: string, layer: string | undefined): gdal.Layer {
  if (ds.layers.count() === 0) {
    throw new DataError(`${file} holds no vector layer${ds.bands.count() > 0 ? ': it is a raster; give a table (CSV, GeoPackage, GeoJSON, Shapefile)' : ''}`);
  }
  if (layer === undefined) return ds.layers.get(0);
  let lyr: gdal.Layer | null = null;
  try {
    lyr = ds.layers.get(layer);
  } catch {
    lyr = null;
  }
  if (!lyr) {
    const names = layerNamesOf(ds);
    const hint = suggest(layer, names);
    throw new DataError(`${file} has no layer "${layer}"; its layers are ${names.join(', ')}${hint ? ` (did you mean "${hint}"?)` : ''}`);
  }
  return lyr;
}

/** Layer names of a vector file (a GeoPackage's tables). */
export async function listLayers(file: string): Promise<string[]> {
  const ds = await openVector(file);
  try {
    return layerNamesOf(ds);
  } finally {
    ds.close();
  }
}

async function readOgr(ref: string, o: ReadTableOptions): Promise<Table> {
  const { file, layer } = splitLayerRef(ref);
  const ds = await openVector(file);
  try {
    const lyr = layerOf(ds, file, layer);
    const fields = lyr.fields.getNames();
    const columns = new Map<string, Value[]>(fields.map((f) => [f, []]));
    const xs: number[] = [];
    const ys: number[] = [];
    const wkb: (Buffer | null)[] = [];
    let points = true;
    let anyGeom = false;
    let n = 0;
    lyr.features.forEach((f) => {
      const vals = f.fields.toObject() as Record<string, unknown>;
      for (const name of fields) {
        const v = vals[name];
        columns.get(name)!.push(v === null || v === undefined ? null : typeof v === 'number' ? v : typeof v === 'string' ? (MISSING.has(v.trim().toLowerCase()) ? null : v) : String(v));
      }
      const g = f.getGeometry();
      if (g) {
        anyGeom = true;
        if (g.wkbType === gdal.wkbPoint || g.wkbType === gdal.wkbPoint25D) {
          const p = g as gdal.Point;
          xs.push(p.x);
          ys.push(p.y);
        } else {
          points = false;
          xs.push(NaN);
          ys.push(NaN);
        }
        wkb.push(g.toWKB());
      } else {
        xs.push(NaN);
        ys.push(NaN);
        wkb.push(null);
      }
      n++;
    });
    const t: Table = {
      source: ref, layerName: lyr.name, fields, columns, nRows: n,
      srsWkt: lyr.srs ? lyr.srs.toWKT() : '',
    };
    if (anyGeom && points) {
      t.x = Float64Array.from(xs);
      t.y = Float64Array.from(ys);
    } else if (anyGeom) {
      t.wkb = wkb;
    }
    if (!t.x && (o.xField || o.yField)) {
      if (!o.xField || !o.yField) throw new UsageError('give both X_FIELD and Y_FIELD, or neither');
      t.x = new Float64Array(numericColumn(t, o.xField));
      t.y = new Float64Array(numericColumn(t, o.yField));
      t.coordFields = { x: o.xField, y: o.yField };
      if (o.pointsCrs) t.srsWkt = crsToWkt(o.pointsCrs);
    }
    if (o.requirePoints && !t.x) throw new DataError(`${ref} has no point geometries; give X_FIELD and Y_FIELD for coordinate columns`);
    return t;
  } finally {
    ds.close();
  }
}

/** Read a table or point layer; CSV by our reader, everything else through OGR. */
export async function readTable(ref: string, o: ReadTableOptions = {}): Promise<Table> {
  const { file } = splitLayerRef(ref);
  if (!fs.existsSync(file)) throw new DataError(`${file} does not exist; check the path`);
  const t = path.extname(file).toLowerCase() === '.csv' ? readCsv(file, o) : await readOgr(ref, o);
  if (t.nRows === 0) throw new DataError(`${t.source} has no rows: the table is empty`);
  return t;
}

export function missingField(t: Table, field: string, param?: string): DataError {
  const hint = suggest(field, t.fields);
  return new DataError(
    `${param ? param + ': ' : ''}${t.source} has no field "${field}"${hint ? `; did you mean "${hint}"?` : ''} Its fields are: ${t.fields.join(', ')}`,
  );
}

/**
 * A numeric column as numbers with NaN for missing. A value that is text is an error naming the
 * file, field and row (1-based data row).
 */
export function numericColumn(t: Table, field: string, param?: string): number[] {
  const col = t.columns.get(field);
  if (!col) throw missingField(t, field, param);
  return col.map((v, i) => {
    if (v === null) return NaN;
    if (typeof v === 'number') return v;
    const d = parseDecimal(v);
    if (d !== undefined && Number.isFinite(d)) return d;
    throw new DataError(`${t.source}: field "${field}"${param ? ` (${param})` : ''}, row ${i + 1}: "${v}" is not a number; fix the value or leave the cell empty for a missing value`);
  });
}

export function addColumn(t: Table, name: string, values: ArrayLike<number> | Value[]): void {
  if (!t.columns.has(name)) t.fields.push(name);
  t.columns.set(name, Array.from(values as ArrayLike<Value>, (v) => (typeof v === 'number' && Number.isNaN(v) ? null : v)));
}

/** A new table with the same rows, coordinates and CRS but no columns. */
export function emptyLike(t: Table): Table {
  return { ...t, fields: [], columns: new Map() };
}

function driverFor(file: string): string {
  switch (path.extname(file).toLowerCase()) {
    case '.gpkg': return 'GPKG';
    case '.geojson':
    case '.json': return 'GeoJSON';
    case '.shp': return 'ESRI Shapefile';
    case '.csv': return 'CSV';
    default: throw new UsageError(`cannot write ${finalNameOf(file)}: use .csv, .gpkg, .geojson or .shp`);
  }
}

/** Longest field name of a Shapefile (dBASE): 10 bytes. */
export const SHAPEFILE_FIELD_MAX = 10;

/**
 * Why these fields cannot be written to a Shapefile (names over 10 bytes), or undefined. GDAL would
 * truncate them silently (and clash soc_density_… with soc_dens_1); socp refuses instead.
 */
export function shapefileFieldProblem(fields: readonly string[]): string | undefined {
  const long = fields.filter((f) => Buffer.byteLength(f, 'utf8') > SHAPEFILE_FIELD_MAX);
  if (long.length === 0) return undefined;
  return `Shapefile field names are limited to ${SHAPEFILE_FIELD_MAX} characters and ${long.length === 1 ? 'this field is' : 'these fields are'} longer: ${long.join(', ')}; write a GeoPackage (.gpkg), GeoJSON or CSV instead`;
}

export interface WriteTableOptions {
  /** the final layer name (default: the table's) */
  layerName?: string;
  /**
   * `file` is a copy of an existing GeoPackage: add the layer to it, keeping its other layers. A
   * layer of that name is replaced when `overwrite`, else refused.
   */
  update?: boolean;
  overwrite?: boolean;
}

/**
 * Write a table to `file` (a staged temporary path). CSV keeps coordinate columns as columns
 * (adding x/y when the table has points from another format); spatial formats get point
 * geometries when the table has coordinates. Messages name the final path, never the staged one.
 */
export async function writeTable(file: string, t: Table, o: WriteTableOptions | string = {}): Promise<void> {
  const opts: WriteTableOptions = typeof o === 'string' ? { layerName: o } : o;
  const shown = finalNameOf(file);
  const driverName = driverFor(file);
  if (driverName === 'CSV') {
    const fields = [...t.fields];
    const cols = fields.map((f) => t.columns.get(f)!);
    if (t.x && t.y && !t.coordFields) {
      fields.push('x', 'y');
      cols.push(Array.from(t.x), Array.from(t.y));
    }
    const rows: Value[][] = [];
    for (let i = 0; i < t.nRows; i++) rows.push(cols.map((c) => c[i]));
    fs.writeFileSync(file, formatCsv(fields, rows));
    return;
  }
  // Shapefile field names are limited to 10 characters: say so instead of silently truncating.
  if (driverName === 'ESRI Shapefile') {
    const problem = shapefileFieldProblem(t.fields);
    if (problem) throw new UsageError(`cannot write ${shown}: ${problem}`);
  }
  const layerName = opts.layerName ?? t.layerName;
  let ds: gdal.Dataset;
  if (opts.update && driverName === 'GPKG' && fs.existsSync(file)) {
    try {
      ds = await gdal.openAsync(file, 'r+');
    } catch (e) {
      throw new DataError(`cannot add the layer "${layerName}" to ${shown}: it exists but GDAL cannot open it as a GeoPackage (${(e as Error).message.trim()}); remove it or choose another file`);
    }
    if (ds.driver.description !== 'GPKG') {
      ds.close();
      throw new DataError(`cannot add the layer "${layerName}" to ${shown}: the existing file is not a GeoPackage; remove it or choose another file`);
    }
    const names = layerNamesOf(ds);
    const same = names.findIndex((n) => n.toLowerCase() === layerName.toLowerCase());
    if (same >= 0) {
      if (!opts.overwrite) {
        ds.close();
        throw new UsageError(layerExistsMessage(shown, names[same]));
      }
      ds.layers.remove(same);
    }
  } else {
    const drv = gdal.drivers.get(driverName);
    ds = await drv.createAsync(file, 0, 0, 0, gdal.GDT_Unknown);
  }
  try {
    const srs = t.srsWkt ? gdal.SpatialReference.fromWKT(t.srsWkt) : null;
    const geomType = t.x ? gdal.wkbPoint : t.wkb ? gdal.wkbUnknown : gdal.wkbNone;
    const lyr = ds.layers.create(layerName, srs, geomType);
    const kinds = t.fields.map((f) => {
      const vals = t.columns.get(f)!;
      const numeric = vals.every((v) => v === null || typeof v === 'number');
      const integer = numeric && vals.every((v) => v === null || Number.isInteger(v)) && vals.some((v) => v !== null);
      return numeric ? (integer ? 'int' : 'real') : 'str';
    });
    t.fields.forEach((f, j) => {
      const type = kinds[j] === 'int' ? gdal.OFTInteger64 : kinds[j] === 'real' ? gdal.OFTReal : gdal.OFTString;
      lyr.fields.add(new gdal.FieldDefn(f, type));
    });
    for (let i = 0; i < t.nRows; i++) {
      const feat = new gdal.Feature(lyr);
      t.fields.forEach((f, j) => {
        const v = t.columns.get(f)![i];
        if (v === null || (typeof v === 'number' && Number.isNaN(v))) feat.fields.set(j, null);
        else feat.fields.set(j, kinds[j] === 'str' ? String(v) : v);
      });
      if (t.x && t.y && Number.isFinite(t.x[i]) && Number.isFinite(t.y[i])) {
        feat.setGeometry(new gdal.Point(t.x[i], t.y[i]));
      } else if (t.wkb && t.wkb[i]) {
        feat.setGeometry(gdal.Geometry.fromWKB(t.wkb[i]!));
      }
      lyr.features.add(feat);
    }
    await lyr.flushAsync();
  } catch (e) {
    if (e instanceof DataError || e instanceof UsageError) throw e;
    throw new DataError(`cannot write ${layerName === path.basename(shown, path.extname(shown)) ? shown : `the layer "${layerName}" of ${shown}`}: ${withFinalNames((e as Error).message.trim())}`);
  } finally {
    ds.close();
  }
}

/**
 * Why a layer cannot be added to an existing GeoPackage now, or undefined: a non-empty write-ahead
 * log means another program (QGIS) has it open or did not close it, and a copy would miss its
 * latest changes.
 */
export function geoPackageBusy(file: string): string | undefined {
  const wal = file + '-wal';
  if (fs.existsSync(wal) && fs.statSync(wal).size > 0) {
    return `${file} is open in another program or was not closed cleanly (it has a write-ahead log ${path.basename(wal)}); close it there (in QGIS: remove its layers or close the project) and run again`;
  }
  return undefined;
}

/** The refusal to replace an existing GeoPackage layer without OVERWRITE. */
export function layerExistsMessage(file: string, layer: string): string {
  return `${file} already has a layer "${layer}"; set OVERWRITE=true (on the command line --overwrite) to replace it, or give another layer name — its other layers are kept either way`;
}

/** Output layer name from a destination "file.gpkg|layername=x" or the file's base name. */
export function outputLayerName(dest: string): string {
  const { file, layer } = splitLayerRef(dest);
  return layer ?? path.basename(file, path.extname(file));
}

/** Field names of a table without reading its rows (for parameter validation). */
export async function listFields(ref: string, encoding = csvEncoding()): Promise<string[]> {
  const { file, layer } = splitLayerRef(ref);
  if (path.extname(file).toLowerCase() === '.csv') {
    const fd = fs.openSync(file, 'r');
    try {
      const buf = Buffer.alloc(64 * 1024);
      const n = fs.readSync(fd, buf, 0, buf.length, 0);
      const text = decodeCsv(buf.subarray(0, n), file, encoding, n === buf.length);
      const first = text.split(/\r?\n/)[0] ?? '';
      if (first.trim() === '') throw new DataError(`${file} is empty: it needs a header line and at least one row`);
      return parseCsv(first + '\n', file).header;
    } finally {
      fs.closeSync(fd);
    }
  }
  const ds = await openVector(file);
  try {
    return layerOf(ds, file, layer).fields.getNames();
  } finally {
    ds.close();
  }
}
