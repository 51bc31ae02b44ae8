// SPDX-License-Identifier: GPL-2.0-or-later
// Shared GDAL side of the terrain algorithms (no default export: a helper, not an algorithm).
//
// - openDem: open a DEM band, check it (at least 3 × 3, north-up, not rotated), and work out the
//   cell sizes in metres: constant for a projected CRS (converted from its linear unit), per row on
//   the CRS's ellipsoid for a geographic CRS (geographicCellSizes: N(φ)·cos φ·Δλ and M(φ)·Δφ at each
//   row's centre latitude), and the geotransform's numbers taken as metres — with a warning — when
//   the DEM has no CRS.
// - forEachStrip: the 3 × 3 window tools (slope, aspect, curvature) run in row strips with a one-row
//   halo above and below, so memory is flat in the raster's size. A strip's grid holds the halo
//   rows; the kernels treat a grid's first/last row as the border, and those are exactly the halo
//   rows (discarded) — except at the DEM's true top and bottom, where no halo is read — so the
//   interior rows come out identical to processing the whole grid at once.
// - runTwiChain: fill → flow accumulation → SCA → TWI (the kernels' twiChain, stage by stage so a
//   cancel request is seen between stages and the DEM and TCA are freed as soon as they are used).
//
// Values are held as Float32 when the DEM's data type is exact in float32 (Byte, Int8, Int16,
// UInt16, Float32) — the arithmetic of gdaldem (float windows) and of SAGA (float grids), so the
// outputs match those tools bit for bit — and as Float64 otherwise (Int32, UInt32, Float64).

import os from 'node:os';
import gdal from '../../toolbox/io/gdal.js';
import { DataError } from '../../toolbox/errors.js';
import type { RunContext } from '../../toolbox/context.js';
import { param } from '../../toolbox/params.js';
import { createRaster, readPixels, readWindow, stripRows, strips, type RasterInfo, type RasterWriter, openRaster } from '../../toolbox/io/raster.js';
import {
  fillSinks, flowAccumulation, geographicCellSizes, specificCatchmentArea, wetnessIndex, WGS84,
  type FlowMethod, type Grid,
} from './kernels/index.js';

const FLOAT32_EXACT = new Set(['Byte', 'Int8', 'Int16', 'UInt16', 'Float32']);

export interface Dem {
  info: RasterInfo;
  band: number;
  width: number;
  height: number;
  /** Hold values as Float32Array (true) or Float64Array. */
  float32: boolean;
  geographic: boolean;
  /** Cell sizes in metres: numbers (projected, no CRS) or one value per row (geographic). */
  dx: number | Float64Array;
  dy: number | Float64Array;
  /** One line describing how cell sizes were obtained (for logs and metadata). */
  cellSizeNote: string;
  nodata: number | null;
}

/** Open and check a DEM; warns (no CRS) and logs (geographic) through ctx. */
export async function openDem(file: string, band: number, ctx: RunContext): Promise<Dem> {
  const info = await openRaster(file, 'DEM');
  const name = file;
  if (band < 1 || band > info.bandCount) {
    info.ds.close();
    throw new DataError(`DEM ${name} has ${info.bandCount} band${info.bandCount > 1 ? 's' : ''}; BAND ${band} does not exist`);
  }
  const { width, height } = info;
  if (width < 3 || height < 3) {
    info.ds.close();
    throw new DataError(`DEM ${name} is ${width} × ${height} cells; slope, aspect, curvature and TWI need a 3 × 3 window, so the DEM must be at least 3 × 3 cells`);
  }
  const gt = info.geoTransform;
  if (gt[2] !== 0 || gt[4] !== 0) {
    info.ds.close();
    throw new DataError(`DEM ${name} has a rotated geotransform (${gt.join(', ')}); warp it north-up first (gdalwarp in.tif out.tif)`);
  }
  if (!(gt[1] > 0) || !(gt[5] < 0)) {
    info.ds.close();
    throw new DataError(`DEM ${name} is not north-up (pixel size ${gt[1]} × ${gt[5]}); warp it north-up first (gdalwarp in.tif out.tif)`);
  }
  const bandInfo = info.ds.bands.get(band);
  const float32 = FLOAT32_EXACT.has(bandInfo.dataType ?? 'Float64');
  let geographic = false;
  let dx: number | Float64Array = gt[1];
  let dy: number | Float64Array = -gt[5];
  let cellSizeNote: string;
  if (!info.srsWkt) {
    cellSizeNote = `no CRS: cell size ${gt[1]} × ${-gt[5]} taken as metres`;
    const looksDegrees = gt[1] < 0.1 && Math.abs(gt[0]) <= 360 && Math.abs(gt[3]) <= 90;
    ctx.warn(`no-crs: DEM ${name} has no CRS; its cell size ${gt[1]} × ${-gt[5]} is assumed to be in metres` +
      (looksDegrees ? ' — it looks like degrees: if it is longitude/latitude, assign the CRS (gdal_edit.py -a_srs EPSG:4326) and run again, or every slope will be wrong' : '') +
      '; assign the DEM\'s CRS with gdal_edit.py -a_srs to silence this');
  } else {
    const srs = gdal.SpatialReference.fromWKT(info.srsWkt);
    if (srs.isGeographic()) {
      geographic = true;
      let a: number = WGS84.a;
      let f: number = WGS84.f;
      const sa = Number(srs.getAttrValue('SPHEROID', 1));
      const inv = Number(srs.getAttrValue('SPHEROID', 2));
      if (sa > 0) {
        a = sa;
        f = inv > 0 ? 1 / inv : 0;
      }
      const sizes = geographicCellSizes(gt, height, a, f);
      dx = sizes.dx;
      dy = sizes.dy;
      const r = (v: number) => v.toFixed(2);
      cellSizeNote = `geographic CRS: ${gt[1]}° × ${-gt[5]}° cells scaled to metres per row on the ellipsoid (a = ${a} m, 1/f = ${f ? (1 / f).toFixed(6) : '∞'}): ` +
        `east–west ${r(sizes.dx[0])} m (north row) … ${r(sizes.dx[height - 1])} m (south row), north–south ${r(sizes.dy[0])} … ${r(sizes.dy[height - 1])} m`;
      ctx.log(`geographic DEM: ${cellSizeNote}`);
    } else {
      const lu = srs.getLinearUnits();
      const k = lu && lu.value > 0 ? lu.value : 1;
      dx = gt[1] * k;
      dy = -gt[5] * k;
      cellSizeNote = k === 1 ? `projected CRS: cell size ${gt[1]} × ${-gt[5]} m`
        : `projected CRS in ${lu.units}: cell size ${gt[1]} × ${-gt[5]} ${lu.units} = ${dx} × ${dy} m`;
      if (k !== 1) ctx.log(`DEM cell size converted to metres: ${cellSizeNote}; elevations are taken as metres (use Z_FACTOR where offered if they are not)`);
    }
  }
  return { info, band, width, height, float32, geographic, dx, dy, cellSizeNote, nodata: info.nodata[band - 1] };
}

/**
 * The DEM with one cell size when its east–west and north–south sizes differ only by geotransform
 * noise (< 1e-9 relative, e.g. 30.709549771438517 vs 30.709549771438997): SAGA keeps a single cell
 * size, and the curvature and hydrology kernels take the square-cell path only on exactly equal
 * sizes, so this keeps them equal to SAGA bit for bit. (The slope/aspect kernel has this tolerance
 * built in and uses the true sizes, as gdaldem does.)
 */
export function squareCells(dem: Dem): Dem {
  if (typeof dem.dx === 'number' && typeof dem.dy === 'number' && dem.dx !== dem.dy && Math.abs(dem.dx - dem.dy) < 1e-9 * dem.dx) {
    return { ...dem, dy: dem.dx };
  }
  return dem;
}

/**
 * Rows [y0, y0 + rows) of the DEM as Float32Array/Float64Array with nodata as NaN. Float32-exact
 * DEMs are read by GDAL straight into a Float32Array (no Float64 window and copy); a nodata value
 * that is not exact in float32 (e.g. −9999.9 on a Float32 band) is matched as float32, as before.
 */
export async function readRows(dem: Dem, y0: number, rows: number, out?: Float32Array | Float64Array): Promise<Float32Array | Float64Array> {
  if (!dem.float32) return readWindow(dem.info, dem.band, 0, y0, dem.width, rows, out instanceof Float64Array ? out : undefined);
  const n = dem.width * rows;
  const buf = out instanceof Float32Array && out.length === n ? out : new Float32Array(n);
  await readPixels(dem.info, dem.band, 0, y0, dem.width, rows, buf);
  const nd = dem.nodata;
  if (nd !== null && !Number.isNaN(nd)) {
    const f = Math.fround(nd);
    for (let i = 0; i < n; i++) if (buf[i] === f) buf[i] = NaN;
  }
  return buf;
}

export function gridOf(dem: Dem, data: Float32Array | Float64Array, y0: number, rows: number): Grid {
  const sub = (v: number | Float64Array) => (typeof v === 'number' ? v : v.subarray(y0, y0 + rows));
  return { data, width: dem.width, height: rows, dx: sub(dem.dx), dy: sub(dem.dy) };
}

/** Rows per strip: `rows` if given (> 0), else what keeps ~`arrays` Float64 rows per cell under 128 MiB. */
export function rowsPerStrip(dem: Dem, arrays: number, rows?: number): number {
  if (rows && rows > 0) return rows;
  return stripRows(dem.width, arrays, 128 * 2 ** 20, 256);
}

export interface Strip {
  /** Grid of the strip plus its halo rows. */
  grid: Grid;
  /** First DEM row of the strip's interior and its number of rows. */
  y0: number;
  rows: number;
  /** Index (into grid.data and the kernel outputs) of the first interior cell. */
  offset: number;
  /** Interior slice of a kernel output. */
  interior<T extends Float32Array | Float64Array>(a: T): T;
}

/**
 * Visit the DEM in row strips with a one-row halo (forEachRowStrip: one buffer, each row read
 * once; the grid is valid until fn's promise resolves); `fn` runs the kernel and writes the
 * interior. Returns the number of valid (non-nodata) cells; checks cancellation and reports
 * progress (0–100 of ctx) per strip.
 */
export async function forEachStrip(dem: Dem, ctx: RunContext, rows: number, fn: (s: Strip) => Promise<void>): Promise<number> {
  const W = dem.width;
  let valid = 0;
  await forEachRowStrip(dem, ctx, rows, async (s) => {
    const data = s.grid.data;
    const offset = s.first * W;
    const end = offset + s.rows * W;
    for (let i = offset; i < end; i++) if (data[i] === data[i]) valid++;
    await fn({ grid: s.grid, y0: s.y0, rows: s.rows, offset, interior: (arr) => arr.subarray(offset, end) as typeof arr });
  });
  return valid;
}

export interface RowStrip {
  /** Grid of the strip plus its halo rows; only valid until fn's promise resolves. */
  grid: Grid;
  /** First DEM row of the strip's interior and its number of rows. */
  y0: number;
  rows: number;
  /** Grid row of the first interior row (0 at the DEM's top, else 1). */
  first: number;
}

/**
 * forEachStrip for kernels that compute a range of rows themselves (slopeAspect's `rows`): one
 * buffer serves every strip, and the two rows a strip shares with the previous one (its halo) are
 * copied rather than read again, so each DEM row is read once and nothing is allocated per strip.
 * No valid-cell count (the kernel counts as it goes).
 */
export async function forEachRowStrip(dem: Dem, ctx: RunContext, rows: number, fn: (s: RowStrip) => Promise<void>): Promise<void> {
  const W = dem.width;
  const H = dem.height;
  const cap = (Math.min(rows, H) + 2) * W;
  const buf = dem.float32 ? new Float32Array(cap) : new Float64Array(cap);
  let held0 = 0; // the buffer holds DEM rows [held0, held1)
  let held1 = 0;
  for (const [y0, n] of strips(H, rows)) {
    ctx.checkCancelled();
    const a = Math.max(0, y0 - 1);
    const b = Math.min(H, y0 + n + 1);
    let from = a;
    if (held0 <= a && a < held1) {
      buf.copyWithin(0, (a - held0) * W, (held1 - held0) * W);
      from = held1;
    }
    if (from < b) await readRows(dem, from, b - from, buf.subarray((from - a) * W, (b - a) * W));
    held0 = a;
    held1 = b;
    await fn({ grid: gridOf(dem, buf.subarray(0, (b - a) * W), a, b - a), y0, rows: n, first: y0 - a });
    ctx.progress((100 * (y0 + n)) / H);
  }
}

export function allNodataError(dem: Dem): DataError {
  return new DataError(`DEM ${dem.info.path}${dem.info.bandCount > 1 ? ` band ${dem.band}` : ''} has no valid cells: every cell is nodata (${dem.nodata ?? 'NaN'}); check the band and its nodata value (gdalinfo -stats)`);
}

// ---------------------------------------------------------------- outputs

export interface OutputSpec {
  path: string;
  bands: number;
  bandNames?: string[];
  metadata: Record<string, string>;
  /** unit of band 1 (single-band outputs) */
  unit?: string;
}

/** Create a staged Float32 GeoTIFF on the DEM's grid (NaN → nodata by createRaster). */
export async function createOutput(dem: Dem, ctx: RunContext, o: OutputSpec): Promise<RasterWriter> {
  const w = await createRaster(ctx.outputs.stage(o.path), {
    width: dem.width, height: dem.height, bands: o.bands, dataType: 'Float32',
    geoTransform: dem.info.geoTransform, srsWkt: dem.info.srsWkt,
    bandNames: o.bandNames, metadata: o.metadata,
  });
  if (o.unit) w.info.ds.bands.get(1).unitType = o.unit;
  return w;
}

/** Close writers that were not closed (on failure); the staged files are removed by run(). */
export function closeQuietly(writers: (RasterWriter | undefined)[]): void {
  for (const w of writers) {
    if (!w) continue;
    try {
      w.info.ds.close();
    } catch {
      /* already closed */
    }
  }
}

/** Write a whole-grid Float32/Float64 array into band `band` in strips of 256 rows. */
export async function writeWhole(w: RasterWriter, band: number, dem: Dem, data: ArrayLike<number> & { subarray(a: number, b: number): Float32Array | Float64Array }, ctx: RunContext): Promise<void> {
  const W = dem.width;
  for (const [y0, n] of strips(dem.height, 256)) {
    ctx.checkCancelled();
    await w.write(band, 0, y0, W, n, data.subarray(y0 * W, (y0 + n) * W));
  }
}

// ---------------------------------------------------------------- parameters shared by the tools

export const demParams = {
  input: () => param.raster('INPUT', 'Digital elevation model (elevations in metres; projected, geographic or — with a warning — without CRS)'),
  band: () => param.integer('BAND', 'Band of INPUT holding the elevations', { default: 1, min: 1, advanced: true }),
  stripRows: (automatic = '~128 MiB per strip') => param.integer('STRIP_ROWS', `Rows per processing strip (0 = automatic, ${automatic}); results do not depend on it`, { default: 0, min: 0, advanced: true }),
  maxMemory: () => param.number('MAX_MEMORY_GB', `Memory budget of the TWI chain in GiB (default 70 % of this machine's memory, ${defaultMemoryGb().toFixed(1)} GiB); larger DEMs are refused with a message instead of running out of memory`, { optional: true, min: 0, exclusiveMin: true, advanced: true }),
};

export function defaultMemoryGb(): number {
  return (0.7 * os.totalmem()) / 2 ** 30;
}

// ---------------------------------------------------------------- TWI chain

/** Bytes per cell the TWI chain is budgeted at (see the help of terrain:twi). */
export function twiBytesPerCell(dem: Dem, sagaWetness = false): number {
  // the SAGA Wetness Index runs on the filled DEM before the flow routing: ~56 bytes per cell
  // (filled DEM + the kernel's ~52, see kernels/saga-wetness.ts)
  return Math.max(dem.float32 ? 40 : 48, sagaWetness ? 64 : 0);
}

/** Refuse, with a clear message, a DEM whose TWI chain would not fit the budget. */
export function checkTwiMemory(dem: Dem, maxGb: number | undefined, tool: string, sagaWetness = false): void {
  const cells = dem.width * dem.height;
  const budget = (maxGb ?? defaultMemoryGb()) * 2 ** 30;
  const perCell = twiBytesPerCell(dem, sagaWetness);
  const need = cells * perCell;
  const gib = (b: number) => (b / 2 ** 30).toFixed(1);
  if (cells >= 2 ** 31 - 1) {
    throw new DataError(`${tool}: the DEM has ${dem.width} × ${dem.height} = ${cells} cells; sink filling and flow routing index cells with 32-bit integers (at most 2³¹ − 1 cells); cut the DEM into tiles along catchment divides`);
  }
  if (need > budget) {
    const side = Math.floor(Math.sqrt(budget / perCell));
    throw new DataError(`${tool}: sink filling and flow routing need the whole DEM in memory: ${dem.width} × ${dem.height} cells × ~${perCell} bytes = ${gib(need)} GiB, ` +
      `more than the budget MAX_MEMORY_GB = ${gib(budget)} GiB${maxGb === undefined ? ' (70 % of this machine\'s memory)' : ''}; ` +
      `about ${side} × ${side} cells fit. Raise MAX_MEMORY_GB if the machine really has the memory, resample the DEM coarser (gdalwarp -tr), ` +
      `or cut it into tiles along catchment divides (slope, aspect and curvature run in strips and have no such limit)`);
  }
}

/** Read the whole DEM (in strips) into one array; counts valid cells. */
export async function readWholeDem(dem: Dem, ctx: RunContext): Promise<{ data: Float32Array | Float64Array | null; valid: number }> {
  const W = dem.width;
  const data = dem.float32 ? new Float32Array(W * dem.height) : new Float64Array(W * dem.height);
  let valid = 0;
  for (const [y0, n] of strips(dem.height, Math.max(1, stripRows(W, 2)))) {
    ctx.checkCancelled();
    const rows = await readRows(dem, y0, n);
    for (let i = 0; i < rows.length; i++) if (rows[i] === rows[i]) valid++;
    data.set(rows, y0 * W);
    ctx.progress((100 * (y0 + n)) / dem.height);
  }
  return { data, valid };
}

export interface TwiOptions {
  flow: FlowMethod;
  convergence: number;
  minSlope: number;
  minTanSlope: number;
}

export interface TwiHooks {
  /** Called with the filled DEM right after the fill (e.g. to write it). */
  filled?(filled: Float32Array | Float64Array): Promise<void>;
  /** Called with the specific catchment area (m) once computed. */
  sca?(sca: Float32Array): Promise<void>;
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The TWI chain of the kernels' twiChain — Wang & Liu fill (minimum slope) → flow accumulation →
 * SCA (ZT aspect flow width) → ln(SCA / max(tan β, minTanSlope)) — run stage by stage with a
 * cancellation check and progress between stages. `holder.data` (the DEM) is taken and the
 * holder emptied, so the DEM array is released after the fill unless the caller kept a reference.
 */
export async function runTwiChain(dem: Dem, holder: { data: Float32Array | Float64Array | null }, o: TwiOptions, ctx: RunContext, hooks: TwiHooks = {}): Promise<Float32Array> {
  const t0 = Date.now();
  let grid: Grid | null = gridOf(dem, holder.data!, 0, dem.height);
  holder.data = null;
  const fill = fillSinks(grid, { minSlope: o.minSlope });
  grid = null;
  const t1 = Date.now();
  ctx.log(`sink fill (Wang & Liu 2006, minimum slope ${o.minSlope}°): ${fill.raised} cells raised, ${((t1 - t0) / 1000).toFixed(1)} s`);
  ctx.progress(40, 'fill');
  await tick();
  ctx.checkCancelled();
  if (hooks.filled) await hooks.filled(fill.filled);
  const fg = gridOf(dem, fill.filled, 0, dem.height);
  let tca: Float64Array | null = flowAccumulation(fg, { method: o.flow, convergence: o.convergence }).tca;
  const t2 = Date.now();
  ctx.log(`flow accumulation (${o.flow}${o.flow === 'mfd' ? `, convergence ${o.convergence}` : ''}): ${((t2 - t1) / 1000).toFixed(1)} s`);
  ctx.progress(75, 'flow accumulation');
  await tick();
  ctx.checkCancelled();
  const { sca, slope } = specificCatchmentArea(fg, tca);
  tca = null;
  ctx.progress(85, 'specific catchment area');
  await tick();
  ctx.checkCancelled();
  if (hooks.sca) await hooks.sca(sca);
  const twi = wetnessIndex(sca, slope, o.minTanSlope);
  const t3 = Date.now();
  ctx.log(`specific catchment area and TWI: ${((t3 - t2) / 1000).toFixed(1)} s`);
  ctx.progress(90, 'TWI');
  return twi;
}

export const twiParams = {
  flow: () => param.enum('FLOW', 'Flow routing: mfd (Freeman 1991 multiple flow direction, SAGA\'s default), d8 (O\'Callaghan & Mark 1984), dinf (Tarboton 1997 D-infinity)', ['mfd', 'd8', 'dinf'] as const, { default: 'mfd' }),
  convergence: () => param.number('CONVERGENCE', 'MFD convergence exponent (Freeman 1991; SAGA default 1.1)', { default: 1.1, min: 0, exclusiveMin: true }),
  minSlope: () => param.number('MIN_SLOPE', 'Minimum slope in degrees imposed across filled sinks (Wang & Liu 2006; SAGA default 0.1; 0 = flat fill)', { default: 0.1, min: 0, max: 89 }),
  minTanSlope: () => param.number('MIN_TAN_SLOPE', 'Lower bound of tan β in ln(SCA / tan β) (SAGA default 0.001)', { default: 0.001, min: 0, exclusiveMin: true }),
};

export function twiOptions(p: Record<string, unknown>): TwiOptions {
  return { flow: p.FLOW as FlowMethod, convergence: p.CONVERGENCE as number, minSlope: p.MIN_SLOPE as number, minTanSlope: p.MIN_TAN_SLOPE as number };
}

export const TWI_MEMORY_HELP =
  'Memory: sink filling and flow routing are global, so the TWI chain holds the whole DEM: about 20–25 bytes per cell at ' +
  'peak for a Float32/Int16 DEM (DEM 4, filled 4, visited flags 1, fill queue up to 12; then TCA 8, donor counts 1, ' +
  'order 4; then SCA 4, slope 4, TWI 4), budgeted at 40 bytes per cell (48 for Float64/Int32 DEMs) against ' +
  'MAX_MEMORY_GB (default 70 % of the machine\'s memory). On a 24 GiB machine (budget ≈ 16.5 GiB) that is up to about ' +
  '440 million cells (≈ 21000 × 21000); a 4000 × 4000 DEM peaked at 0.57 GB (process total). Larger DEMs are refused ' +
  'up front with a message, never run out of memory half-way. Slope, aspect and curvature have no such limit (row strips).';

/** FLAT_VALUE must lie outside [0, 360): a valid azimuth could not be told from a real aspect. */
export function checkFlatValue(f: number): string[] {
  return f >= 0 && f < 360 ? [`FLAT_VALUE ${f} is a valid azimuth, so flat cells could not be told from slopes facing ${f}°; use a value outside [0, 360), e.g. −1`] : [];
}
