// SPDX-License-Identifier: GPL-2.0-or-later
// Map previews of the report (helper module: no default export), made by GDAL: band 1 is resampled
// to the preview size with gdal_translate (average when shrinking, nearest when enlarging; mode for
// class maps), coloured with gdaldem color-relief from a colour file (a ramp for continuous maps,
// exact class colours for class maps, nodata transparent) into a PNG in /vsimem, and embedded as
// a base64 data URI. Legends are Vega-Lite colour bars drawn from the same colour stops; the scale
// bar is computed from the raster's geotransform and CRS.

import crypto from 'node:crypto';
import path from 'node:path';
import gdal from '../../toolbox/io/gdal.js';
import { DataError } from '../../toolbox/errors.js';
import { colourBarSpec, renderChart } from './charts.js';
import { formatDistance, formatNumber, formatWithUnit, niceFloor, decimalsFor } from './format.js';
import type { MapInput, ZoneClass } from './inputs.js';
import { openRaster, readWindow, strips, stripRows } from '../../toolbox/io/raster.js';
import { cellAreas } from '../maps/grid-area.js';

/** viridis (value maps), YlOrRd (uncertainty maps) and BuPu (dissimilarity index), 9 stops each. */
export const RAMPS = {
  value: ['#440154', '#472d7b', '#3b528b', '#2c728e', '#21918c', '#28ae80', '#5ec962', '#addc30', '#fde725'],
  sd: ['#ffffcc', '#ffeda0', '#fed976', '#feb24c', '#fd8d3c', '#fc4e2a', '#e31a1c', '#bd0026', '#800026'],
  di: ['#f7fcfd', '#e0ecf4', '#bfd3e6', '#9ebcda', '#8c96c6', '#8c6bb1', '#88419d', '#810f7c', '#4d004b'],
} as const;

/** The two classes of an area-of-applicability mask (maps:applicability OUTPUT_AOA). */
export const AOA_CLASSES: (ZoneClass & { color: string })[] = [
  { class: 1, label: 'inside the area of applicability', color: '#1b9e77' },
  { class: 0, label: 'outside: the model extrapolates', color: '#9a9a9a' },
];

/**
 * Default colours of the nine uncertainty zones (a 3 × 3 bivariate palette, SOCp along one axis,
 * uncertainty along the other), used when neither the class table nor the raster has colours.
 */
export const ZONE_PALETTE: Record<number, string> = {
  1: '#e8e8e8', 2: '#dfb0d6', 3: '#be64ac', 4: '#ace4e4', 5: '#a5add3', 6: '#8c62aa', 7: '#5ac8c8', 8: '#5698b9', 9: '#3b4994',
};

export interface ScaleBar {
  /** bar length as a share of the map width, % */
  widthPct: number;
  label: string;
}

export interface MapPreview {
  name: string;
  file: string;
  dataUri: string;
  width: number;
  height: number;
  pngBytes: number;
  legendSvg?: string;
  scaleBar?: ScaleBar;
  caption: string;
}

export interface PreviewOptions {
  /** longest side of a preview in pixels (larger rasters are averaged down) */
  maxPixels?: number;
  /** small rasters are enlarged by a whole factor up to this longest side (crisp pixels in print) */
  minPixels?: number;
  signal?: AbortSignal;
}

interface Grid {
  ds: gdal.Dataset;
  tmp: string;
  values: Float64Array;
  width: number;
  height: number;
  srcWidth: number;
  srcHeight: number;
  scaleBar?: ScaleBar;
}

const hex = (c: string) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));

function vsiName(ext: string): string {
  return `/vsimem/socp-report-${crypto.randomBytes(6).toString('hex')}${ext}`;
}

/** Size of the preview: shrink to maxPixels, or enlarge small rasters by a whole factor. */
export function previewSize(w: number, h: number, maxPixels = 900, minPixels = 480): [number, number] {
  const long = Math.max(w, h);
  if (long > maxPixels) {
    const s = maxPixels / long;
    return [Math.max(1, Math.round(w * s)), Math.max(1, Math.round(h * s))];
  }
  const f = Math.max(1, Math.min(8, Math.floor(minPixels / long)));
  return [w * f, h * f];
}

/** Ground width of the raster in metres (projected: linear units; geographic: at mid-latitude). */
function scaleBarOf(ds: gdal.Dataset): ScaleBar | undefined {
  const gt = ds.geoTransform;
  const srs = ds.srs;
  if (!gt || !srs) return undefined;
  const w = ds.rasterSize.x;
  const h = ds.rasterSize.y;
  let metres: number;
  if (srs.isGeographic()) {
    const lat = gt[3] + (gt[5] * h) / 2;
    metres = Math.abs(gt[1] * w) * 111_320 * Math.cos((lat * Math.PI) / 180);
  } else if (srs.isProjected()) {
    metres = Math.abs(gt[1] * w) * (srs.getLinearUnits()?.value ?? 1);
  } else return undefined;
  if (!(metres > 0)) return undefined;
  const len = niceFloor(metres / 4);
  return { widthPct: (100 * len) / metres, label: formatDistance(len) };
}

async function resampled(file: string, size: [number, number] | undefined, o: PreviewOptions, categorical: boolean): Promise<Grid> {
  let src: gdal.Dataset;
  try {
    src = await gdal.openAsync(file);
  } catch (e) {
    throw new DataError(`cannot read the map ${file}: ${(e as Error).message.trim()}`);
  }
  try {
    const sw = src.rasterSize.x;
    const sh = src.rasterSize.y;
    const [w, h] = size ?? previewSize(sw, sh, o.maxPixels, o.minPixels);
    const shrink = w < sw;
    const band = src.bands.get(1);
    const args = ['-of', 'GTiff', '-b', '1', '-outsize', String(w), String(h), '-r', shrink ? (categorical ? 'mode' : 'average') : 'nearest'];
    if (!categorical) args.push('-ot', 'Float32');
    if (band.noDataValue === null && !categorical && /Float/.test(band.dataType ?? '')) args.push('-a_nodata', 'nan');
    const tmp = vsiName('.tif');
    const ds = await gdal.translateAsync(tmp, src, args);
    const b = ds.bands.get(1);
    const raw = await b.pixels.readAsync(0, 0, w, h, new Float64Array(w * h));
    const nd = b.noDataValue;
    const values = Float64Array.from(raw as Float64Array, (v) => (nd !== null && v === nd) || Number.isNaN(v) ? NaN : v);
    return { ds, tmp, values, width: w, height: h, srcWidth: sw, srcHeight: sh, scaleBar: scaleBarOf(src) };
  } finally {
    src.close();
  }
}

/**
 * Colour the resampled grid with gdaldem color-relief into a PNG; returns its bytes. Class maps use
 * -nearest_color_entry with every class listed (GDAL 3.6 leaves every pixel transparent with
 * -exact_color_entry when the colour file has an "nv" line).
 */
async function colourRelief(g: Grid, colourText: string, exact: boolean): Promise<Buffer> {
  const colourFile = vsiName('.txt');
  const png = vsiName('.png');
  gdal.vsimem.set(Buffer.from(colourText), colourFile);
  try {
    const out = await gdal.demAsync(png, g.ds, 'color-relief', ['-of', 'PNG', '-alpha', ...(exact ? ['-nearest_color_entry'] : [])], colourFile);
    out.close();
    return gdal.vsimem.release(png);
  } finally {
    gdal.vsimem.release(colourFile);
  }
}

function release(g: Grid): void {
  g.ds.close();
  try {
    gdal.vsimem.release(g.tmp);
  } catch {
    /* already gone */
  }
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  return sorted[lo] + (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? sorted[lo]) - sorted[lo]);
}

/**
 * Previews of continuous maps (e.g. SOCp mean and SD per model). Maps of the same kind share one
 * colour scale — from the lowest 2nd to the highest 98th percentile of their cells — so models
 * can be compared by colour; values beyond take the end colours.
 */
export async function continuousPreviews(maps: MapInput[], o: PreviewOptions = {}): Promise<MapPreview[]> {
  const grids: Grid[] = [];
  try {
    for (const m of maps) {
      if (o.signal?.aborted) break;
      grids.push(await resampled(m.path, undefined, o, false));
    }
    const stats = grids.map((g) => {
      const v = Float64Array.from(g.values.filter((x) => !Number.isNaN(x))).sort();
      let s = 0;
      for (const x of v) s += x;
      return { n: v.length, min: v[0], max: v[v.length - 1], mean: v.length ? s / v.length : NaN, p02: quantile(v, 0.02), p98: quantile(v, 0.98) };
    });
    const kinds = maps.map((m) => m.kind ?? 'value');
    const range = new Map<string, [number, number]>();
    kinds.forEach((k, i) => {
      if (stats[i].n === 0) return;
      const r = range.get(k) ?? [Infinity, -Infinity];
      const extra = [...(maps[i].include ?? []), ...(maps[i].marks ?? []).map((m) => m.value)].filter((v) => Number.isFinite(v));
      range.set(k, [Math.min(r[0], stats[i].p02, ...extra), Math.max(r[1], stats[i].p98, ...extra)]);
    });
    const out: MapPreview[] = [];
    for (let i = 0; i < grids.length; i++) {
      const m = maps[i];
      const g = grids[i];
      const st = stats[i];
      const units = m.units ?? '';
      if (st.n === 0) throw new DataError(`the map ${m.path} (${m.name}) has no cell with a value; check its nodata value`);
      let [lo, hi] = range.get(kinds[i])!;
      if (!(hi > lo)) {
        lo -= 0.5;
        hi += 0.5;
      }
      const stops = RAMPS[kinds[i]];
      const lines = stops.map((c, j) => `${lo + ((hi - lo) * j) / (stops.length - 1)} ${hex(c).join(' ')} 255`);
      const png = await colourRelief(g, lines.join('\n') + '\nnv 0 0 0 0\n', false);
      const d = decimalsFor([st.min, st.mean, st.max], 3);
      const title = `${m.name}${units ? ` (${units})` : ''}`;
      out.push({
        name: m.name,
        file: path.basename(m.path),
        dataUri: `data:image/png;base64,${png.toString('base64')}`,
        width: g.width,
        height: g.height,
        pngBytes: png.length,
        legendSvg: await renderChart(colourBarSpec(lo, hi, [...stops], title, m.marks), `colour scale of ${m.name}`),
        scaleBar: g.scaleBar,
        caption: `${path.basename(m.path)}: ${formatNumber(g.srcWidth, { decimals: 0 })} × ${formatNumber(g.srcHeight, { decimals: 0 })} cells; ` +
          `min ${formatWithUnit(st.min, units, { decimals: d })}, mean ${formatWithUnit(st.mean, units, { decimals: d })}, max ${formatWithUnit(st.max, units, { decimals: d })}. ` +
          `Colours from ${formatNumber(lo, { decimals: d })} to ${formatNumber(hi, { decimals: d })} (2nd–98th percentile${maps.filter((x, j) => j !== i && (x.kind ?? 'value') === kinds[i]).length ? ` of all ${KIND_NAMES[kinds[i]]} maps, one scale for comparison` : ''}${m.include?.length || m.marks?.length ? ', widened to show the marked values' : ''}).`,
      });
    }
    return out;
  } finally {
    for (const g of grids) release(g);
  }
}

const KIND_NAMES: Record<keyof typeof RAMPS, string> = { value: 'value', sd: 'uncertainty', di: 'dissimilarity-index' };

export interface ClassPreview extends MapPreview {
  classes: (ZoneClass & { color: string; present: boolean })[];
}

/**
 * Preview of a class map (the 9 uncertainty zones): the modal class of each preview pixel in its
 * class colour — from the class table, else the raster's colour table, else ZONE_PALETTE.
 */
export async function classPreview(file: string, name: string, classes: ZoneClass[] | undefined, o: PreviewOptions = {}): Promise<ClassPreview> {
  const g = await resampled(file, undefined, o, true);
  try {
    let ct: Map<number, string> | undefined;
    let names: string[] = [];
    const src = await gdal.openAsync(file);
    try {
      const b = src.bands.get(1);
      names = b.categoryNames ?? [];
      const table = b.colorTable;
      if (table) {
        ct = new Map();
        for (let i = 0; i < table.count(); i++) {
          const e = table.get(i);
          if (e.c4 === 0) continue;
          ct.set(i, '#' + [e.c1, e.c2, e.c3].map((x) => x.toString(16).padStart(2, '0')).join(''));
        }
      }
    } finally {
      src.close();
    }
    const present = new Set<number>();
    for (const v of g.values) if (!Number.isNaN(v)) present.add(v);
    const list: ZoneClass[] = classes && classes.length
      ? classes
      : [...present].sort((a, b) => a - b).map((c) => ({ class: c, label: names[c] || `class ${c}` }));
    const coloured = list.map((c) => ({
      ...c,
      color: c.color ?? ct?.get(c.class) ?? ZONE_PALETTE[c.class] ?? '#999999',
      present: present.has(c.class),
    }));
    const lines = coloured.map((c) => `${c.class} ${hex(c.color).join(' ')} 255`);
    // codes in the raster but not in the class table: grey, so no class borrows their colour
    for (const v of present) if (!coloured.some((c) => c.class === v)) lines.push(`${v} 153 153 153 255`);
    const png = await colourRelief(g, lines.join('\n') + '\nnv 0 0 0 0\n', true);
    return {
      name,
      file: path.basename(file),
      dataUri: `data:image/png;base64,${png.toString('base64')}`,
      width: g.width,
      height: g.height,
      pngBytes: png.length,
      scaleBar: g.scaleBar,
      caption: `${path.basename(file)}: ${formatNumber(g.srcWidth, { decimals: 0 })} × ${formatNumber(g.srcHeight, { decimals: 0 })} cells${g.width < g.srcWidth ? '; each preview pixel shows the most frequent class of its cells' : ''}.`,
      classes: coloured,
    };
  } finally {
    release(g);
  }
}

export interface ApplicabilityStats {
  /** DI threshold from the metadata SOCP_DI_THRESHOLD of the DI raster (or of the mask) */
  threshold?: number;
  /** share of the mapped area inside the area of applicability, 0–1 */
  shareInside?: number;
  areaInsideKm2?: number;
  areaKm2?: number;
}

function metadataNumber(file: string, key: string): number | undefined {
  let ds: gdal.Dataset | undefined;
  try {
    ds = gdal.open(file);
    const md = ds.getMetadata() as Record<string, string>;
    const v = md?.[key] !== undefined ? Number(md[key]) : NaN;
    return Number.isFinite(v) ? v : undefined;
  } catch {
    return undefined;
  } finally {
    ds?.close();
  }
}

/**
 * Threshold and share of the area inside the area of applicability of maps:applicability's
 * outputs: the share is area-weighted (cell areas exact for the raster's CRS, as maps:zonal-summary)
 * from the 1/0 mask when there is one, else from DI ≤ threshold.
 */
export async function applicabilityStats(diPath: string, aoaPath?: string, signal?: AbortSignal): Promise<ApplicabilityStats> {
  const threshold = metadataNumber(diPath, 'SOCP_DI_THRESHOLD') ?? (aoaPath ? metadataNumber(aoaPath, 'SOCP_DI_THRESHOLD') : undefined);
  const source = aoaPath ?? (threshold !== undefined ? diPath : undefined);
  if (!source) return { threshold };
  const r = await openRaster(source, aoaPath ? 'AOA' : 'APPLICABILITY');
  try {
    const areas = cellAreas(r);
    let inside = 0;
    let all = 0;
    for (const [y0, h] of strips(r.height, stripRows(r.width, 2))) {
      if (signal?.aborted) throw Object.assign(new Error('cancelled'), { name: 'AbortError' });
      const v = await readWindow(r, 1, 0, y0, r.width, h);
      const a = areas.strip(y0, h);
      for (let i = 0; i < v.length; i++) {
        if (Number.isNaN(v[i])) continue;
        all += a[i];
        if (aoaPath ? v[i] === 1 : v[i] <= threshold!) inside += a[i];
      }
    }
    return { threshold, shareInside: all > 0 ? inside / all : undefined, areaInsideKm2: inside, areaKm2: all };
  } finally {
    r.ds.close();
  }
}
