// SPDX-License-Identifier: GPL-2.0-or-later
// maps:uncertainty-zones — the study's 3 × 3 coupled zoning of SOCp level × uncertainty level.
// Each map is split into low / medium / high at mean ± K·SD of that map (K = 0.5 in the study);
// the two levels are coupled into nine classes, e.g. "High SOCp – Low uncertainty", the priority
// hotspots where a high potential is also reliably predicted.

import path from 'node:path';
import { defineAlgorithm } from '../../toolbox/algorithm.js';
import { param } from '../../toolbox/params.js';
import { createRaster } from '../../toolbox/io/raster.js';
import { saveJson, saveRows } from '../../toolbox/io/outputs.js';
import { DataError } from '../../toolbox/errors.js';
import { alignedStrips, closeAll, openAligned } from './grid-strips.js';
import { cellAreas } from './grid-area.js';
import { applyColorTable, writeQml, writeRat, type ClassDef } from './zone-style.js';

export const LEVELS = ['Low', 'Medium', 'High'] as const;

/** Level 1 (low), 2 (medium) or 3 (high) of v; the thresholds themselves count as medium. */
export function level(v: number, low: number, high: number): 1 | 2 | 3 {
  return v < low ? 1 : v > high ? 3 : 2;
}

/** Class code 1..9 of a SOCp level s and an uncertainty level u (both 1..3): 3·(s − 1) + u. */
export function zoneCode(s: number, u: number): number {
  return 3 * (s - 1) + u;
}

const MEANING: Record<number, string> = {
  1: 'low potential, reliable: low priority',
  2: 'low potential, moderately reliable',
  3: 'low potential, unreliable',
  4: 'moderate potential, reliable',
  5: 'moderate potential, moderately reliable',
  6: 'moderate potential, unreliable: sample more',
  7: 'priority hotspot: high potential, reliable',
  8: 'high potential, moderately reliable',
  9: 'high potential, unreliable: verify by sampling before acting',
};

// Bivariate 3 × 3 palette (J. Stevens): SOCp along the teal axis, uncertainty along the pink axis.
const PALETTE = ['#e8e8e8', '#ace4e4', '#5ac8c8', '#dfb0d6', '#a5add3', '#5698b9', '#be64ac', '#8c62aa', '#3b4994'];

export function zoneClasses(): { value: number; label: string; socp: string; uncertainty: string; meaning: string; color: string }[] {
  const out = [];
  for (let s = 1; s <= 3; s++) {
    for (let u = 1; u <= 3; u++) {
      const value = zoneCode(s, u);
      out.push({
        value,
        label: `${LEVELS[s - 1]} SOCp – ${LEVELS[u - 1]} uncertainty`,
        socp: LEVELS[s - 1].toLowerCase(),
        uncertainty: LEVELS[u - 1].toLowerCase(),
        meaning: MEANING[value],
        color: PALETTE[(u - 1) * 3 + (s - 1)],
      });
    }
  }
  return out;
}

/** Mean and population SD accumulated strip by strip (Chan et al. parallel update). */
class Moments {
  n = 0;
  mean = 0;
  m2 = 0;
  addBlock(vals: Float64Array, count: number): void {
    if (count === 0) return;
    let s = 0;
    for (let i = 0; i < count; i++) s += vals[i];
    const mb = s / count;
    let m2b = 0;
    for (let i = 0; i < count; i++) m2b += (vals[i] - mb) ** 2;
    const n = this.n + count;
    const d = mb - this.mean;
    this.mean += (d * count) / n;
    this.m2 += m2b + (d * d * this.n * count) / n;
    this.n = n;
  }
  get sd(): number {
    return this.n > 0 ? Math.sqrt(this.m2 / this.n) : NaN;
  }
}

const fmt = (x: number) => Number(x.toPrecision(6)).toString();

export default defineAlgorithm({
  id: 'maps:uncertainty-zones',
  title: 'SOCp × uncertainty zones (3 × 3)',
  group: 'maps',
  help: 'Splits the SOCp map (VALUE, e.g. the mean of the repeat models, kg C m⁻²) and its uncertainty map (UNCERTAINTY, e.g. ' +
    'the standard deviation of the repeat models) each into three levels: low below mean − K·SD, high above mean + K·SD, ' +
    'medium in between (thresholds included), where mean and SD (population SD) are the statistics of that map over the ' +
    'cells where both maps have a value, computed in a first streaming pass. The levels are coupled into nine classes coded ' +
    '3·(SOCp level − 1) + uncertainty level: 1 "Low SOCp – Low uncertainty" … 7 "High SOCp – Low uncertainty" (priority ' +
    'hotspot) … 9 "High SOCp – High uncertainty"; 0 is nodata. The output is a Byte GeoTIFF with a colour table and category ' +
    'names, a raster attribute table in its .aux.xml sidecar (GDAL PAM; read by GDAL and QGIS ≥ 3.30), a QGIS style (.qml) ' +
    'beside it, and K and the thresholds in its metadata. OUTPUT_TABLE (CSV or JSON) lists each class with its pixel count ' +
    'and area in km² (exact cell areas for any CRS; the JSON also holds K, means, SDs and thresholds).',
  inputs: [
    param.raster('VALUE', 'SOCp map (e.g. the mean of the repeat models), kg C m⁻²'),
    param.raster('UNCERTAINTY', 'Uncertainty map on the same grid (e.g. the standard deviation of the repeat models)'),
    param.number('K', 'Half-width of the medium level in standard deviations: thresholds at mean ± K·SD of each map', { default: 0.5, min: 0 }),
    param.rasterDestination('OUTPUT', 'Zone map: Byte GeoTIFF, classes 1–9, 0 = nodata', { extensions: ['.tif', '.tiff'] }),
    param.tableDestination('OUTPUT_TABLE', 'Class summary: pixels and area (km²) per class, thresholds (CSV or JSON)', { optional: true, extensions: ['.csv', '.json'] }),
  ],
  outputs: [
    { name: 'OUTPUT', kind: 'raster', description: '9-class zone map with colour table and RAT' },
    { name: 'OUTPUT_TABLE', kind: 'table', description: 'class, label, levels, thresholds, pixels, area_km2, area_pct' },
    { name: 'K_USED', kind: 'number', description: 'K used' },
    { name: 'VALUE_MEAN', kind: 'number', description: 'mean of the SOCp map over the zoned cells' },
    { name: 'VALUE_SD', kind: 'number', description: 'population SD of the SOCp map over the zoned cells' },
    { name: 'UNCERTAINTY_MEAN', kind: 'number', description: 'mean of the uncertainty map over the zoned cells' },
    { name: 'UNCERTAINTY_SD', kind: 'number', description: 'population SD of the uncertainty map over the zoned cells' },
    { name: 'TOTAL_AREA_KM2', kind: 'number', description: 'area of all zoned cells' },
    { name: 'VALUE_LOW', kind: 'number', description: 'SOCp threshold low/medium: mean − K·SD' },
    { name: 'VALUE_HIGH', kind: 'number', description: 'SOCp threshold medium/high: mean + K·SD' },
    { name: 'UNCERTAINTY_LOW', kind: 'number', description: 'uncertainty threshold low/medium' },
    { name: 'UNCERTAINTY_HIGH', kind: 'number', description: 'uncertainty threshold medium/high' },
    { name: 'HOTSPOT_AREA_KM2', kind: 'number', description: 'area of class 7, High SOCp – Low uncertainty' },
  ],
  async run(p, ctx) {
    const infos = await openAligned([{ path: p.VALUE, param: 'VALUE' }, { path: p.UNCERTAINTY, param: 'UNCERTAINTY' }]);
    try {
      const [vr, ur] = infos;
      const W = vr.width;
      const H = vr.height;
      const K = p.K as number;
      const refs = infos.map((info) => ({ info, band: 1 }));
      // Pass 1: statistics over cells valid in both maps.
      const mv = new Moments();
      const mu = new Moments();
      let onlyOne = 0;
      const pass1 = ctx.sub(0, 40);
      for await (const s of alignedStrips(refs, ctx, 2)) {
        const [v, u] = s.data;
        const n = s.rows * W;
        const bv = new Float64Array(n);
        const bu = new Float64Array(n);
        let c = 0;
        for (let i = 0; i < n; i++) {
          const a = v[i];
          const b = u[i];
          if (Number.isNaN(a) || Number.isNaN(b)) {
            if (Number.isNaN(a) !== Number.isNaN(b)) onlyOne++;
            continue;
          }
          bv[c] = a;
          bu[c] = b;
          c++;
        }
        mv.addBlock(bv, c);
        mu.addBlock(bu, c);
        pass1.progress((100 * (s.y0 + s.rows)) / H, 'statistics');
      }
      if (mv.n === 0) throw new DataError(`${path.basename(p.VALUE)} and ${path.basename(p.UNCERTAINTY)} have no cell where both have a value; check their nodata values and extents`);
      if (onlyOne > 0) ctx.warn(`${onlyOne} cells have a value in only one of the two maps; they are nodata in the zones and not in the statistics`);
      const vLow = mv.mean - K * mv.sd;
      const vHigh = mv.mean + K * mv.sd;
      const uLow = mu.mean - K * mu.sd;
      const uHigh = mu.mean + K * mu.sd;
      ctx.log(`SOCp (${path.basename(p.VALUE)}): mean ${fmt(mv.mean)}, SD ${fmt(mv.sd)} over ${mv.n} cells → low < ${fmt(vLow)} ≤ medium ≤ ${fmt(vHigh)} < high (K = ${K})`);
      ctx.log(`uncertainty (${path.basename(p.UNCERTAINTY)}): mean ${fmt(mu.mean)}, SD ${fmt(mu.sd)} → low < ${fmt(uLow)} ≤ medium ≤ ${fmt(uHigh)} < high`);
      if (mv.sd === 0 || mu.sd === 0) ctx.warn('a map is constant (SD 0): all its cells are at the medium level');

      // Pass 2: classify, count, sum areas.
      const areas = cellAreas(vr);
      ctx.log(`cell areas: ${areas.description}`);
      const classes = zoneClasses();
      const counts = new Float64Array(10);
      const areaSum = new Float64Array(10);
      const staged = ctx.outputs.stage(p.OUTPUT);
      const out = await createRaster(staged, {
        width: W, height: H, bands: 1, dataType: 'Byte', nodata: 0,
        geoTransform: vr.geoTransform, srsWkt: vr.srsWkt,
        metadata: {
          SOCP_ALGORITHM: 'maps:uncertainty-zones',
          ZONES_K: String(K),
          ZONES_CODE: 'class = 3*(SOCp level - 1) + uncertainty level; levels 1 low (< mean - K*SD), 2 medium, 3 high (> mean + K*SD); 0 nodata',
          VALUE_SOURCE: path.basename(p.VALUE),
          VALUE_MEAN: String(mv.mean), VALUE_SD: String(mv.sd),
          VALUE_LOW_THRESHOLD: String(vLow), VALUE_HIGH_THRESHOLD: String(vHigh),
          UNCERTAINTY_SOURCE: path.basename(p.UNCERTAINTY),
          UNCERTAINTY_MEAN: String(mu.mean), UNCERTAINTY_SD: String(mu.sd),
          UNCERTAINTY_LOW_THRESHOLD: String(uLow), UNCERTAINTY_HIGH_THRESHOLD: String(uHigh),
          CELL_AREA_METHOD: areas.description,
        },
      });
      applyColorTable(out.info.ds, classes.map((c) => ({ value: c.value, label: c.label, color: c.color })), 0);
      const pass2 = ctx.sub(40, 95);
      try {
        for await (const s of alignedStrips(refs, ctx, 3)) {
          const [v, u] = s.data;
          const n = s.rows * W;
          const codes = new Float64Array(n);
          const a = areas.strip(s.y0, s.rows);
          for (let i = 0; i < n; i++) {
            if (Number.isNaN(v[i]) || Number.isNaN(u[i])) {
              codes[i] = NaN;
              continue;
            }
            const c = zoneCode(level(v[i], vLow, vHigh), level(u[i], uLow, uHigh));
            codes[i] = c;
            counts[c]++;
            areaSum[c] += a[i];
          }
          await out.write(1, 0, s.y0, W, s.rows, codes);
          pass2.progress((100 * (s.y0 + s.rows)) / H, 'classification');
        }
      } finally {
        await out.close();
      }
      const totalArea = areaSum.reduce((x, y) => x + y, 0);
      const rangeText = (lv: string, lo: number, hi: number) => (lv === 'low' ? `< ${lo}` : lv === 'high' ? `> ${hi}` : `${lo} … ${hi}`);
      const rows = classes.map((c) => ({
        class: c.value,
        label: c.label,
        socp_level: c.socp,
        uncertainty_level: c.uncertainty,
        meaning: c.meaning,
        socp_range: rangeText(c.socp, vLow, vHigh),
        uncertainty_range: rangeText(c.uncertainty, uLow, uHigh),
        pixels: counts[c.value],
        area_km2: areaSum[c.value],
        area_pct: totalArea > 0 ? (100 * areaSum[c.value]) / totalArea : 0,
        color: c.color,
      }));
      const ratClasses: ClassDef[] = rows.map((r) => ({
        value: r.class, label: r.label, color: r.color,
        extra: { SOCp_level: r.socp_level, Uncertainty_level: r.uncertainty_level, Meaning: r.meaning, PixelCount: r.pixels, Area_km2: r.area_km2 },
      }));
      writeRat(staged, ratClasses);
      writeQml(staged, ratClasses, `socp maps:uncertainty-zones, K = ${K}`);
      for (const r of rows) if (r.pixels > 0) ctx.log(`${r.class} ${r.label}: ${r.pixels} cells, ${fmt(r.area_km2)} km² (${r.area_pct.toFixed(2)} %)`);
      if (p.OUTPUT_TABLE) {
        const columns = ['class', 'label', 'socp_level', 'uncertainty_level', 'meaning', 'socp_range', 'uncertainty_range', 'pixels', 'area_km2', 'area_pct', 'color'];
        if (path.extname(p.OUTPUT_TABLE).toLowerCase() === '.json') {
          saveJson(ctx, p.OUTPUT_TABLE, {
            algorithm: 'maps:uncertainty-zones',
            K,
            code: 'class = 3*(SOCp level - 1) + uncertainty level; 0 = nodata',
            value: { source: path.basename(p.VALUE), cells: mv.n, mean: mv.mean, sd: mv.sd, low_threshold: vLow, high_threshold: vHigh },
            uncertainty: { source: path.basename(p.UNCERTAINTY), cells: mu.n, mean: mu.mean, sd: mu.sd, low_threshold: uLow, high_threshold: uHigh },
            cell_area: areas.description,
            total_area_km2: totalArea,
            classes: rows,
          });
        } else {
          saveRows(ctx, p.OUTPUT_TABLE, columns, rows);
        }
      }
      ctx.progress(100);
      return {
        OUTPUT: p.OUTPUT,
        ...(p.OUTPUT_TABLE ? { OUTPUT_TABLE: p.OUTPUT_TABLE } : {}),
        K_USED: K,
        VALUE_MEAN: mv.mean, VALUE_SD: mv.sd, VALUE_LOW: vLow, VALUE_HIGH: vHigh,
        UNCERTAINTY_MEAN: mu.mean, UNCERTAINTY_SD: mu.sd, UNCERTAINTY_LOW: uLow, UNCERTAINTY_HIGH: uHigh,
        HOTSPOT_AREA_KM2: areaSum[7],
        TOTAL_AREA_KM2: totalArea,
      };
    } finally {
      closeAll(infos);
    }
  },
});
