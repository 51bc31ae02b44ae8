// SPDX-License-Identifier: GPL-2.0-or-later
// maps:zonal-summary — the study's Table 4: per land-use class the area (km²), the mean SOCp or
// SOC density (kg C m⁻²) and the total (Tg C), with the shares of area and of total and a Total
// row, for several maps at once (Hassink, Elustondo, their mean and weighted mean).
// Totals are Σ (cell value × cell area): kg C m⁻² × km² × 10⁻³ = Tg C (1 Tg = 10⁹ kg, 1 km² =
// 10⁶ m²), never mean × area; the mean is the area-weighted mean total / area. Cell areas are
// exact for any CRS (grid-area.ts: equal-area cell size, or per-row ellipsoidal areas on
// geographic grids).

import path from 'node:path';
import { defineAlgorithm } from '../../toolbox/algorithm.js';
import { param } from '../../toolbox/params.js';
import { readWindow } from '../../toolbox/io/raster.js';
import { saveRows } from '../../toolbox/io/outputs.js';
import { DataError } from '../../toolbox/errors.js';
import { alignedStrips, closeAll, openAligned } from './grid-strips.js';
import { cellAreas } from './grid-area.js';
import { parseLabels } from '../../toolbox/labels.js';
import { zonePolygons, zoneRaster, type ZoneLayer } from './zones-input.js';

export const COLUMNS = [
  'input', 'zone_code', 'zone', 'cells', 'area_km2', 'mean_kgC_m2', 'total_TgC', 'area_share_pct', 'total_share_pct', 'cells_without_value',
] as const;

export interface ZoneAccumulator {
  cells: number;
  area: number; // km² of cells with a value
  sum: number; // Σ value × area, kg C m⁻² × km²
  missing: number; // zone cells without a value
}

/** Rows of the summary for one input from its per-zone sums; the Total row adds the zones. */
export function summaryRows(input: string, zones: Map<number, ZoneAccumulator>, label: (code: number) => string): Record<string, string | number | null>[] {
  const codes = [...zones.keys()].sort((a, b) => a - b);
  let area = 0;
  let total = 0;
  let cells = 0;
  let missing = 0;
  for (const c of codes) {
    const z = zones.get(c)!;
    area += z.area;
    total += z.sum * 1e-3;
    cells += z.cells;
    missing += z.missing;
  }
  const row = (code: number | null, name: string, z: ZoneAccumulator) => {
    const t = z.sum * 1e-3; // Tg C
    return {
      input, zone_code: code, zone: name, cells: z.cells,
      area_km2: z.area,
      mean_kgC_m2: z.area > 0 ? (z.sum / z.area) : null,
      total_TgC: t,
      area_share_pct: area > 0 ? (100 * z.area) / area : null,
      total_share_pct: total !== 0 ? (100 * t) / total : null,
      cells_without_value: z.missing,
    };
  };
  const rows = codes.map((c) => row(c, label(c), zones.get(c)!));
  const tot = row(null, 'Total', { cells, area, sum: total * 1e3, missing });
  tot.total_TgC = total; // exactly the sum of the zone totals
  tot.mean_kgC_m2 = area > 0 ? (total * 1e3) / area : null;
  rows.push(tot);
  return rows;
}

export default defineAlgorithm({
  id: 'maps:zonal-summary',
  title: 'SOC totals per land use (Table 4)',
  group: 'maps',
  help: 'For each zone (land-use class) and each INPUT map of SOCp or SOC density (kg C m⁻²): the area of the cells with a value ' +
    '(km²), the area-weighted mean (kg C m⁻²), the total Σ value × cell area (Tg C; kg m⁻² × km² × 10⁻³), the shares of area ' +
    'and of total (%), and a Total row that is the sum of the zones — the study\'s Table 4. Several inputs at once (e.g. ' +
    'Hassink, Elustondo, mean and weighted mean), one block of rows per input, named by NAMES. Cell areas are exact for any ' +
    'CRS: equal-area projections by cell size, geographic grids by the ellipsoidal area of each row (closed form via the ' +
    'authalic latitude), other projections by transforming each cell to a local equal-area projection. Zones come from a ' +
    'land-use raster (ZONES; resampled to the input grid with nearest neighbour when on another grid, said in the log) or from ' +
    'polygons (ZONES_VECTOR with ZONE_FIELD; rasterised onto the input grid, a cell belonging to the polygon containing its ' +
    'centre). LABELS names the codes ("1=farmland,2=forest,3=grassland,4=other"); otherwise the raster\'s category names, ' +
    'the text of ZONE_FIELD or "zone <code>". Cells outside every zone are left out (counted in the log). Output: CSV or JSON.',
  inputs: [
    param.list('INPUT', 'Maps of SOCp or SOC density, kg C m⁻², all on one grid (band 1 each)', 'raster'),
    param.list('NAMES', 'Names of the INPUT maps in the table (default: file names)', 'string', { optional: true }),
    param.raster('ZONES', 'Land-use / zone raster with integer class codes (nodata = outside every zone)', { optional: true }),
    param.vector('ZONES_VECTOR', 'Zone polygons instead of ZONES (GeoPackage, GeoJSON, Shapefile)', { optional: true }),
    param.field('ZONE_FIELD', 'Field of ZONES_VECTOR with the zone code (integer) or label (text)', { parent: 'ZONES_VECTOR', fieldType: 'any', optional: true }),
    param.string('LABELS', 'Zone labels as code=label pairs, e.g. 1=farmland,2=forest,3=grassland,4=other', { optional: true }),
    param.tableDestination('OUTPUT', 'Table 4 (CSV or JSON): input, zone_code, zone, cells, area_km2, mean_kgC_m2, total_TgC, area_share_pct, total_share_pct, cells_without_value', { extensions: ['.csv', '.json'] }),
  ],
  outputs: [
    { name: 'OUTPUT', kind: 'table', description: 'the summary table' },
    { name: 'TOTALS_TGC', kind: 'json', description: 'total Tg C per input name' },
    { name: 'AREA_KM2', kind: 'json', description: 'area with a value per input name, km²' },
  ],
  check(p) {
    const problems: string[] = [];
    if (!p.ZONES && !p.ZONES_VECTOR) problems.push('give the zones: ZONES (a land-use raster) or ZONES_VECTOR (polygons) with ZONE_FIELD');
    if (p.ZONES && p.ZONES_VECTOR) problems.push('give ZONES or ZONES_VECTOR, not both');
    if (p.ZONES_VECTOR && !p.ZONE_FIELD) problems.push('ZONE_FIELD is required with ZONES_VECTOR: the field with the zone code or label');
    if (p.ZONE_FIELD && !p.ZONES_VECTOR) problems.push('ZONE_FIELD is only used with ZONES_VECTOR');
    const n = (p.INPUT as string[]).length;
    if (n === 0) problems.push('INPUT: give at least one map');
    if (p.NAMES && (p.NAMES as string[]).length !== n) problems.push(`NAMES: ${(p.NAMES as string[]).length} names for ${n} INPUT maps; give one name per map, in the same order`);
    if (p.NAMES && new Set(p.NAMES as string[]).size !== (p.NAMES as string[]).length) problems.push('NAMES: each map needs its own name');
    try {
      parseLabels(p.LABELS);
    } catch (e) {
      problems.push((e as Error).message);
    }
    return problems;
  },
  async run(p, ctx) {
    const files = p.INPUT as string[];
    let names: string[] = p.NAMES ?? files.map((f) => path.basename(f, path.extname(f)));
    if (new Set(names).size !== names.length) names = names.map((n, i) => `${n}_${i + 1}`);
    const userLabels = parseLabels(p.LABELS);
    const infos = await openAligned(files.map((f, i) => ({ path: f, param: `INPUT item ${i + 1}` })));
    let zones: ZoneLayer | undefined;
    try {
      const ref = infos[0];
      for (const r of infos) if (r.bandCount > 1) ctx.warn(`${path.basename(r.path)} has ${r.bandCount} bands; band 1 is used`);
      zones = p.ZONES ? await zoneRaster(p.ZONES, ref, ctx) : await zonePolygons(p.ZONES_VECTOR, p.ZONE_FIELD, ref, ctx);
      const areas = cellAreas(ref);
      ctx.log(`cell areas: ${areas.description}`);
      const W = ref.width;
      const acc: Map<number, ZoneAccumulator>[] = infos.map(() => new Map());
      const outside = new Float64Array(infos.length);
      let nonInteger: number | undefined;
      const zinfo = zones.info;
      for await (const s of alignedStrips(infos.map((info) => ({ info, band: 1 })), ctx, 3)) {
        const z = await readWindow(zinfo, 1, 0, s.y0, W, s.rows);
        const a = areas.strip(s.y0, s.rows);
        const n = s.rows * W;
        for (let k = 0; k < infos.length; k++) {
          const v = s.data[k];
          const m = acc[k];
          let cur = -Infinity;
          let za: ZoneAccumulator | undefined;
          for (let i = 0; i < n; i++) {
            const code = z[i];
            if (Number.isNaN(code)) {
              if (!Number.isNaN(v[i])) outside[k]++;
              continue;
            }
            if (code !== cur) {
              if (!Number.isInteger(code)) nonInteger ??= code;
              za = m.get(code);
              if (!za) m.set(code, (za = { cells: 0, area: 0, sum: 0, missing: 0 }));
              cur = code;
            }
            if (Number.isNaN(v[i])) {
              za!.missing++;
              continue;
            }
            za!.cells++;
            za!.area += a[i];
            za!.sum += v[i] * a[i];
          }
        }
        ctx.progress((100 * (s.y0 + s.rows)) / ref.height);
      }
      if (nonInteger !== undefined) throw new DataError(`ZONES holds ${nonInteger}, not a whole number; zones must be integer class codes (a land-use raster), not a continuous map`);
      if (acc[0].size === 0) throw new DataError('no cell of the INPUT grid lies in any zone; check that the zones overlap the maps and their nodata value');
      const zl = zones.labels;
      const label = (c: number) => userLabels.get(c) ?? zl.get(c) ?? `zone ${c}`;
      const rows: Record<string, string | number | null>[] = [];
      const totals: Record<string, number> = {};
      const areaOut: Record<string, number> = {};
      infos.forEach((r, k) => {
        const rs = summaryRows(names[k], acc[k], label);
        const tot = rs[rs.length - 1];
        totals[names[k]] = tot.total_TgC as number;
        areaOut[names[k]] = tot.area_km2 as number;
        ctx.log(`${names[k]}: ${(tot.total_TgC as number).toFixed(3)} Tg C over ${(tot.area_km2 as number).toFixed(3)} km², mean ${(tot.mean_kgC_m2 as number)?.toFixed(4)} kg C m⁻²`);
        if (outside[k] > 0) ctx.warn(`${names[k]}: ${outside[k]} cells with a value lie outside every zone and are not in the table`);
        const miss = tot.cells_without_value as number;
        if (miss > 0) ctx.log(`${names[k]}: ${miss} zone cells have no value in ${path.basename(r.path)} and are left out of area, mean and total`);
        rows.push(...rs);
      });
      const unlabelled = [...acc[0].keys()].filter((c) => userLabels.size > 0 && !userLabels.has(c));
      if (unlabelled.length) ctx.warn(`zone codes without a label in LABELS: ${unlabelled.join(', ')}`);
      saveRows(ctx, p.OUTPUT, [...COLUMNS], rows);
      return { OUTPUT: p.OUTPUT, TOTALS_TGC: totals, AREA_KM2: areaOut };
    } finally {
      zones?.cleanup();
      closeAll(infos);
    }
  },
});
