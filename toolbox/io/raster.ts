// SPDX-License-Identifier: GPL-2.0-or-later
// Raster I/O through GDAL: open with clear errors, read and write windows as Float64 with nodata
// mapped to NaN (missing is missing, never zero), create tiled compressed GeoTIFFs, iterate in
// row strips so memory stays flat in raster size. All calls are the async variants so an HTTP
// bridge running jobs in-process stays responsive.

import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import path from 'node:path';
import gdal from './gdal.js';
import { DataError } from '../errors.js';

export type GeoTransform = [number, number, number, number, number, number];

export interface RasterInfo {
  path: string;
  ds: gdal.Dataset;
  width: number;
  height: number;
  bandCount: number;
  geoTransform: GeoTransform;
  /** WKT of the CRS, or '' when the raster has none */
  srsWkt: string;
  /** per band (index 0 = band 1); null when the band has no nodata value */
  nodata: (number | null)[];
  /** band descriptions, or "band_<i>" when a band has none */
  bandNames: string[];
  dataType: string;
  /** natural block height of band 1, used for strip reading */
  blockHeight: number;
}

export async function openRaster(file: string, what = 'raster'): Promise<RasterInfo> {
  if (!fs.existsSync(file)) throw new DataError(`${what} ${file} does not exist; check the path`);
  let ds: gdal.Dataset;
  try {
    ds = await gdal.openAsync(file);
  } catch (e) {
    throw new DataError(`cannot read ${what} ${file}: ${(e as Error).message.trim()} — is it a raster GDAL can open (GeoTIFF, VRT, …) and not damaged?`);
  }
  if (ds.bands.count() === 0) {
    ds.close();
    throw new DataError(`${what} ${file} has no raster bands (is it a vector file?)`);
  }
  return rasterInfo(ds, file);
}

/** The RasterInfo of an already open dataset (e.g. a netCDF subdataset); `path` names it in messages. */
export function rasterInfo(ds: gdal.Dataset, path: string): RasterInfo {
  const nb = ds.bands.count();
  const nodata: (number | null)[] = [];
  const bandNames: string[] = [];
  for (let i = 1; i <= nb; i++) {
    const b = ds.bands.get(i);
    nodata.push(b.noDataValue ?? null);
    bandNames.push(b.description && b.description.trim() !== '' ? b.description.trim() : `band_${i}`);
  }
  const b1 = ds.bands.get(1);
  let srsWkt = '';
  try {
    srsWkt = ds.srs ? ds.srs.toWKT() : '';
  } catch {
    srsWkt = '';
  }
  const gt = (ds.geoTransform ?? [0, 1, 0, 0, 0, -1]) as GeoTransform;
  return {
    path,
    ds,
    width: ds.rasterSize.x,
    height: ds.rasterSize.y,
    bandCount: nb,
    geoTransform: [...gt] as GeoTransform,
    srsWkt,
    nodata,
    bandNames,
    dataType: b1.dataType ?? 'Float64',
    blockHeight: Math.max(1, b1.blockSize.y),
  };
}

/**
 * The error for a raster whose pixels GDAL cannot read (a truncated copy, a corrupt block): a
 * DataError naming the file and the fix, with GDAL's own words at the end.
 */
export function damagedRasterError(file: string, e: unknown): DataError {
  let gdalSays = (e instanceof Error ? e.message : String(e)).trim().split('\n')[0];
  if (gdalSays.startsWith(file)) gdalSays = gdalSays.slice(file.length).replace(/^[,:]\s*/, '');
  return new DataError(`${file} is damaged (truncated or corrupt): GDAL cannot read its pixels; re-copy or re-create the file (GDAL: ${gdalSays})`);
}

/**
 * Read a window of band (1-based) into `buf` in its own type, as GDAL stores it (no nodata
 * mapping). Every raster read of socp goes through here, so a damaged file is reported once, the
 * same way everywhere.
 */
export async function readPixels<T extends Float64Array | Float32Array>(r: RasterInfo, band: number, x: number, y: number, w: number, h: number, buf: T): Promise<T> {
  try {
    const b = await r.ds.bands.getAsync(band);
    await b.pixels.readAsync(x, y, w, h, buf);
  } catch (e) {
    throw damagedRasterError(r.path, e);
  }
  return buf;
}

/** Read a window of band (1-based) as Float64; nodata and NaN become NaN. */
export async function readWindow(r: RasterInfo, band: number, x: number, y: number, w: number, h: number, out?: Float64Array): Promise<Float64Array> {
  const buf = out && out.length === w * h ? out : new Float64Array(w * h);
  await readPixels(r, band, x, y, w, h, buf);
  const nd = r.nodata[band - 1];
  if (nd !== null && !Number.isNaN(nd)) {
    for (let i = 0; i < buf.length; i++) if (buf[i] === nd) buf[i] = NaN;
  }
  return buf;
}

export interface CreateRasterOptions {
  width: number;
  height: number;
  bands: number;
  /** GDAL data type; default Float32 */
  dataType?: 'Byte' | 'Int16' | 'UInt16' | 'Int32' | 'UInt32' | 'Float32' | 'Float64';
  geoTransform: GeoTransform;
  srsWkt: string;
  /** nodata written for NaN; default -3.4028234663852886e38 for floats, 0 for Byte… */
  nodata?: number;
  bandNames?: string[];
  /** dataset metadata (e.g. conventions used, provenance summary) */
  metadata?: Record<string, string>;
}

export function defaultNodata(dataType: string): number {
  switch (dataType) {
    case 'Byte': return 255;
    case 'UInt16': return 65535;
    case 'Int16': return -32768;
    case 'Int32': return -2147483648;
    case 'UInt32': return 4294967295;
    default: return -3.4028234663852886e38;
  }
}

export interface RasterWriter {
  info: RasterInfo;
  write(band: number, x: number, y: number, w: number, h: number, data: Float64Array | Float32Array): Promise<void>;
  /**
   * write() without its copy: `data` already holds the band's nodata value (info.nodata) where
   * values are missing, and no NaN. GDAL reads it in place, so it must not change until the
   * promise resolves. (A Float32 band given a Float64Array, or the like, goes through write().)
   */
  writeReady(band: number, x: number, y: number, w: number, h: number, data: Float64Array | Float32Array): Promise<void>;
  close(): Promise<void>;
}

/** The creation options of every GeoTIFF socp writes, for a band data type (GDAL's name). */
export function gtiffOptions(dataType: string): string[] {
  // DEFLATE level 1: half the CPU of the default level 6 for files about 12 % larger
  const co = ['TILED=YES', 'BLOCKXSIZE=256', 'BLOCKYSIZE=256', 'COMPRESS=DEFLATE', 'ZLEVEL=1', 'BIGTIFF=IF_SAFER'];
  if (dataType !== 'Byte') co.push(`PREDICTOR=${dataType.startsWith('Float') ? 3 : 2}`);
  return co;
}

/**
 * Create a GeoTIFF (tiled, DEFLATE, BIGTIFF when needed) at a path that should be a staged
 * temporary name from the output transaction. NaN in written data becomes the nodata value.
 */
export async function createRaster(file: string, o: CreateRasterOptions): Promise<RasterWriter> {
  const dataType = o.dataType ?? 'Float32';
  const nodata = o.nodata ?? defaultNodata(dataType);
  const ext = path.extname(file).toLowerCase();
  if (ext !== '.tif' && ext !== '.tiff') throw new DataError(`cannot write ${file}: only GeoTIFF (.tif) is written here`);
  const driver = gdal.drivers.get('GTiff');
  const co = gtiffOptions(dataType);
  const ds = await driver.createAsync(file, o.width, o.height, o.bands, dataType, co);
  ds.geoTransform = o.geoTransform;
  if (o.srsWkt) ds.srs = gdal.SpatialReference.fromWKT(o.srsWkt);
  for (let i = 1; i <= o.bands; i++) {
    const b = ds.bands.get(i);
    b.noDataValue = nodata;
  }
  if (o.metadata) ds.setMetadata(o.metadata);
  const info: RasterInfo = {
    path: file, ds, width: o.width, height: o.height, bandCount: o.bands,
    geoTransform: o.geoTransform, srsWkt: o.srsWkt, nodata: Array(o.bands).fill(nodata),
    bandNames: o.bandNames ?? Array.from({ length: o.bands }, (_, i) => `band_${i + 1}`),
    dataType, blockHeight: 256,
  };
  const writer: RasterWriter = {
    info,
    async write(band, x, y, w, h, data) {
      // a fresh buffer per call (concurrent writes must not share one), in the band's own type when
      // it is Float32 so GDAL needs no conversion
      const scratch = dataType === 'Float32' ? new Float32Array(w * h) : new Float64Array(w * h);
      for (let i = 0; i < w * h; i++) {
        const v = data[i];
        scratch[i] = v !== v ? nodata : v;
      }
      const b = await ds.bands.getAsync(band);
      await b.pixels.writeAsync(x, y, w, h, scratch);
    },
    async writeReady(band, x, y, w, h, data) {
      const native = dataType === 'Float32' ? data instanceof Float32Array : dataType === 'Float64' ? data instanceof Float64Array : false;
      if (!native || data.length !== w * h) return writer.write(band, x, y, w, h, data);
      const b = await ds.bands.getAsync(band);
      await b.pixels.writeAsync(x, y, w, h, data);
    },
    async close() {
      await ds.flushAsync();
      ds.close();
      if (o.bandNames && o.bandNames.some((n) => n)) {
        // embedding names costs a copy of the file; beyond 64 M cells they go to the .aux.xml sidecar
        if (o.width * o.height * o.bands <= 64 * 2 ** 20 && !namesInSidecar.getStore()) await setBandNames(file, o.bandNames, co);
        else writePamBandNames(file, o.bandNames);
      }
    },
  };
  return writer;
}

// Within withBandNamesInSidecar(), band names always go to the .aux.xml sidecar: the tiles of a
// tiled run, whose names the mosaic carries into its own file, need no second encoding each.
const namesInSidecar = new AsyncLocalStorage<true>();
export function withBandNamesInSidecar<T>(fn: () => Promise<T>): Promise<T> {
  return namesInSidecar.run(true, fn);
}

/** Band names in GDAL's PAM sidecar (<file>.aux.xml), which GDAL reads as band descriptions. */
export function writePamBandNames(file: string, names: string[]): void {
  const aux = file + '.aux.xml';
  if (fs.existsSync(aux)) return; // never overwrite a sidecar another writer made (RAT, statistics)
  const bands = names.map((n, i) => `  <PAMRasterBand band="${i + 1}">\n    <Description>${xmlEscape(n)}</Description>\n  </PAMRasterBand>`).join('\n');
  fs.writeFileSync(aux, `<PAMDataset>\n${bands}\n</PAMDataset>\n`);
}

export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Band names (GDAL band descriptions). gdal-async has no SetDescription, so the finished GeoTIFF is
 * copied through a VRT that carries <Description> per band (GDAL keeps them in the GDAL_METADATA
 * tag). This costs one extra copy, paid only by outputs that name their bands.
 */
export async function setBandNames(file: string, names: string[], creationOptions: string[]): Promise<void> {
  const src = await gdal.openAsync(file);
  const vrtPath = file + '.names.vrt';
  const copy = file.replace(/(\.[^.]+)$/, '.named$1');
  try {
    const w = src.rasterSize.x;
    const h = src.rasterSize.y;
    const bands: string[] = [];
    for (let i = 1; i <= src.bands.count(); i++) {
      const b = src.bands.get(i);
      const nd = b.noDataValue;
      bands.push(`  <VRTRasterBand dataType="${b.dataType}" band="${i}">
    <Description>${xmlEscape(names[i - 1] ?? '')}</Description>
    ${nd !== null && nd !== undefined ? `<NoDataValue>${nd}</NoDataValue>` : ''}
    <SimpleSource><SourceFilename relativeToVRT="0">${xmlEscape(file)}</SourceFilename><SourceBand>${i}</SourceBand>
      <SrcRect xOff="0" yOff="0" xSize="${w}" ySize="${h}"/><DstRect xOff="0" yOff="0" xSize="${w}" ySize="${h}"/></SimpleSource>
  </VRTRasterBand>`);
    }
    const gt = src.geoTransform;
    const srs = src.srs ? src.srs.toWKT() : '';
    const md = src.getMetadata();
    const mdXml = Object.keys(md).length
      ? `<Metadata>${Object.entries(md).map(([k, v]) => `<MDI key="${xmlEscape(k)}">${xmlEscape(String(v))}</MDI>`).join('')}</Metadata>`
      : '';
    const xml = `<VRTDataset rasterXSize="${w}" rasterYSize="${h}">
  ${srs ? `<SRS>${xmlEscape(srs)}</SRS>` : ''}
  ${gt ? `<GeoTransform>${gt.join(', ')}</GeoTransform>` : ''}
  ${mdXml}
${bands.join('\n')}
</VRTDataset>`;
    src.close();
    fs.writeFileSync(vrtPath, xml);
    const vrt = await gdal.openAsync(vrtPath);
    const out = await gdal.translateAsync(copy, vrt, creationOptions.flatMap((c) => ['-co', c]));
    out.close();
    vrt.close();
    fs.renameSync(copy, file);
  } finally {
    fs.rmSync(vrtPath, { force: true });
    fs.rmSync(copy, { force: true });
  }
}

/** Row strips covering a raster: [y0, rows] pairs of at most `rows` rows each. */
export function* strips(height: number, rows: number): Generator<[number, number]> {
  for (let y = 0; y < height; y += rows) yield [y, Math.min(rows, height - y)];
}

/** Strip height that keeps `bytesPerRow` × rows under a budget (default 64 MB), ≥ 1 row. */
export function stripRows(width: number, arrays: number, budgetBytes = 64 * 2 ** 20, multipleOf = 256): number {
  const perRow = width * 8 * Math.max(1, arrays);
  let rows = Math.max(1, Math.floor(budgetBytes / perRow));
  if (rows >= multipleOf) rows -= rows % multipleOf;
  return rows;
}

/** Same grid: size, geotransform (to 1e-9 of a cell) and CRS. Returns a reason when not. */
export function gridMismatch(a: RasterInfo, b: RasterInfo): string | undefined {
  if (a.width !== b.width || a.height !== b.height) {
    return `${path.basename(b.path)} is ${b.width} × ${b.height} pixels, ${path.basename(a.path)} is ${a.width} × ${a.height}`;
  }
  const tol = Math.abs(a.geoTransform[1]) * 1e-6;
  for (let i = 0; i < 6; i++) {
    if (Math.abs(a.geoTransform[i] - b.geoTransform[i]) > tol) {
      return `${path.basename(b.path)} has origin/cell size ${b.geoTransform.join(', ')}, ${path.basename(a.path)} has ${a.geoTransform.join(', ')}`;
    }
  }
  if (a.srsWkt && b.srsWkt) {
    const sa = gdal.SpatialReference.fromWKT(a.srsWkt);
    const sb = gdal.SpatialReference.fromWKT(b.srsWkt);
    if (!sa.isSame(sb)) return `${path.basename(b.path)} and ${path.basename(a.path)} have different CRSs`;
  }
  return undefined;
}
