// SPDX-License-Identifier: GPL-2.0-or-later
// covariates:interpolate — station values to a grid by inverse distance weighting (Shepard 1968),
// nearest neighbour or moving average, with the semantics of GDAL's gdal_grid (invdist, invdistnn,
// nearest, average; see kernels/idw.ts). gdal-async 3.x does not expose GDALGridCreate /
// gdal_grid, so the estimators run here on a k-d tree; the tests compare them with gdal_grid.
// The study interpolated 30 years of station means of temperature and precipitation by IDW.

import { defineAlgorithm } from '../../toolbox/algorithm.js';
import { DataError } from '../../toolbox/errors.js';
import { createRaster, stripRows, strips } from '../../toolbox/io/raster.js';
import { crsToWkt, numericColumn, readTable } from '../../toolbox/io/table.js';
import { param } from '../../toolbox/params.js';
import { Estimator, type Method } from './kernels/idw.js';
import { cellX, cellY, checkGridParams, crsLabel, gridParams, targetGrid, type Extent } from './grid.js';
import { transformer } from '../../toolbox/io/crs.js';

export default defineAlgorithm({
  id: 'covariates:interpolate',
  title: 'Interpolate station values to a grid (IDW, nearest, moving average)',
  group: 'covariates',
  help: 'Interpolates a numeric field of a point layer or CSV (coordinates in X_FIELD / Y_FIELD or found by name, ' +
    'CRS from the layer or POINTS_CRS) to a raster on a target grid: a REFERENCE raster, or CRS + RESOLUTION ' +
    '(+ EXTENT; without EXTENT the points\' bounding box snapped to the cell size). Values are estimated at cell centres.\n\n' +
    'METHOD idw: inverse distance to a power (Shepard 1968), z = Σ zᵢ dᵢ⁻ᵖ / Σ dᵢ⁻ᵖ over all points, or over the MAX_POINTS ' +
    'nearest points within RADIUS when either is given; cells with fewer than MIN_POINTS points are nodata. A point on a ' +
    'cell centre gives its value. These are the semantics of gdal_grid -a invdist:power=P (all points) and ' +
    '-a invdistnn:power=P:radius=R:max_points=N:min_points=M. METHOD nearest: the value of the nearest point (within ' +
    'RADIUS when given), as gdal_grid -a nearest. METHOD moving_average: mean of the points within RADIUS (required), ' +
    'as gdal_grid -a average.\n\n' +
    'With YEAR_FIELD the points of each year are interpolated separately (optionally written as the bands of ' +
    'OUTPUT_YEARS, named by year) and OUTPUT is the per-cell mean of the yearly rasters (years where a cell is nodata ' +
    'are left out) — the long-term mean of yearly station fields. Rows with a missing value or coordinate are skipped ' +
    'and counted in the log. Points are reprojected to the grid CRS.',
  inputs: [
    param.vector('INPUT', 'Stations: point layer (GeoPackage, GeoJSON, Shapefile) or CSV with coordinate columns'),
    param.field('FIELD', 'Numeric field to interpolate', { parent: 'INPUT' }),
    param.field('X_FIELD', 'CSV column with x / longitude (found by name when absent: x, lon, longitude, easting)', { parent: 'INPUT', optional: true }),
    param.field('Y_FIELD', 'CSV column with y / latitude', { parent: 'INPUT', optional: true }),
    param.string('POINTS_CRS', 'CRS of CSV coordinates, e.g. EPSG:4326 (default EPSG:4326 for lon/lat columns; required otherwise)', { optional: true }),
    param.enum('METHOD', 'Interpolation method', ['idw', 'nearest', 'moving_average'] as const, { default: 'idw' }),
    param.number('POWER', 'IDW power (2 = inverse distance squared)', { default: 2, min: 0 }),
    param.number('RADIUS', 'Search radius in grid CRS units; 0 = unlimited (required > 0 for moving_average)', { default: 0, min: 0 }),
    param.integer('MAX_POINTS', 'Use at most this many nearest points; 0 = all within RADIUS', { default: 0, min: 0 }),
    param.integer('MIN_POINTS', 'Cells with fewer points within RADIUS are nodata', { default: 1, min: 1 }),
    param.field('YEAR_FIELD', 'Field with the year (or period) of each value: interpolate each year, then average', { parent: 'INPUT', optional: true, fieldType: 'any' }),
    gridParams.reference(), gridParams.crs(), gridParams.resolution(), gridParams.extent(),
    param.rasterDestination('OUTPUT', 'Interpolated raster (GeoTIFF, Float32); with YEAR_FIELD the mean of the yearly rasters', { extensions: ['.tif', '.tiff'] }),
    param.rasterDestination('OUTPUT_YEARS', 'With YEAR_FIELD: the yearly rasters as bands named by year (optional)', { optional: true, extensions: ['.tif', '.tiff'] }),
  ],
  outputs: [
    { name: 'OUTPUT', kind: 'raster', description: 'interpolated raster' },
    { name: 'OUTPUT_YEARS', kind: 'raster', description: 'yearly rasters (with YEAR_FIELD)' },
    { name: 'POINTS', kind: 'number', description: 'points used' },
    { name: 'NODATA_CELLS', kind: 'number', description: 'cells left nodata (too few points)' },
  ],
  check(p) {
    const out = checkGridParams(p, false);
    if (p.METHOD === 'moving_average' && !(p.RADIUS > 0)) out.push('METHOD moving_average needs a RADIUS > 0 (the window in grid CRS units)');
    if (p.MAX_POINTS > 0 && p.MIN_POINTS > p.MAX_POINTS) out.push(`MIN_POINTS (${p.MIN_POINTS}) cannot exceed MAX_POINTS (${p.MAX_POINTS})`);
    if (p.OUTPUT_YEARS && !p.YEAR_FIELD) out.push('OUTPUT_YEARS needs YEAR_FIELD');
    if ((p.X_FIELD === undefined) !== (p.Y_FIELD === undefined)) out.push('give both X_FIELD and Y_FIELD, or neither');
    return out;
  },
  async run(p, ctx) {
    const t = await readTable(p.INPUT, { xField: p.X_FIELD, yField: p.Y_FIELD, pointsCrs: p.POINTS_CRS, requirePoints: true });
    if (!t.srsWkt) {
      throw new DataError(`${t.source}: the points have no CRS; give it with POINTS_CRS (e.g. EPSG:4326 for longitude/latitude, EPSG:32652 for UTM 52N metres)`);
    }
    const z = numericColumn(t, p.FIELD, 'FIELD');
    const years: string[] | null = p.YEAR_FIELD ? t.columns.get(p.YEAR_FIELD)!.map((v) => (v === null ? '' : String(v))) : null;
    // usable rows
    const keep: number[] = [];
    let skipped = 0;
    for (let i = 0; i < t.nRows; i++) {
      if (Number.isFinite(z[i]) && Number.isFinite(t.x![i]) && Number.isFinite(t.y![i]) && (!years || years[i] !== '')) keep.push(i);
      else skipped++;
    }
    if (skipped > 0) ctx.warn(`skipped-rows: ${skipped} of ${t.nRows} rows have a missing ${p.FIELD}${years ? `, ${p.YEAR_FIELD}` : ''} or coordinate and are not used`);
    const grid = await targetGrid(p, async () => bboxInGridCrs(t.x!, t.y!, keep, t.srsWkt, p.CRS));
    const x = Float64Array.from(keep, (i) => t.x![i]);
    const y = Float64Array.from(keep, (i) => t.y![i]);
    const toGrid = transformer(t.srsWkt, grid.srsWkt);
    if (toGrid) {
      const failed = toGrid(x, y);
      ctx.log(`points reprojected from ${crsLabel(t.srsWkt)} to ${crsLabel(grid.srsWkt)}`);
      if (failed > 0) throw new DataError(`${failed} points of ${t.source} cannot be reprojected to ${crsLabel(grid.srsWkt)}; check POINTS_CRS`);
    }
    const zz = Float64Array.from(keep, (i) => z[i]);
    // groups (years) in sorted order
    const groups = new Map<string, number[]>();
    keep.forEach((row, j) => {
      const key = years ? years[row] : 'all';
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key)!.push(j);
    });
    const keys = [...groups.keys()].sort((a, b) => (isFinite(Number(a)) && isFinite(Number(b)) ? Number(a) - Number(b) : a.localeCompare(b)));
    const method = p.METHOD as Method;
    const need = Math.max(1, p.MIN_POINTS);
    for (const k of keys) {
      const n = groups.get(k)!.length;
      if (n < need) {
        throw new DataError(`${t.source}: ${years ? `year ${k} has` : 'there are'} only ${n} usable point${n === 1 ? '' : 's'} but MIN_POINTS is ${need}; lower MIN_POINTS or add stations`);
      }
    }
    const estimators = keys.map((k) => {
      const js = groups.get(k)!;
      return new Estimator(Float64Array.from(js, (j) => x[j]), Float64Array.from(js, (j) => y[j]), Float64Array.from(js, (j) => zz[j]), {
        method, power: p.POWER, radius: p.RADIUS, maxPoints: p.MAX_POINTS, minPoints: p.MIN_POINTS,
      });
    });
    ctx.log(`${method} of ${p.FIELD} from ${keep.length} points${years ? ` in ${keys.length} years (${keys.join(', ')})` : ''} to a ${grid.width} × ${grid.height} grid in ${crsLabel(grid.srsWkt)}`);
    const meta = {
      SOCP_METHOD: method === 'idw' ? `inverse distance to power ${p.POWER}` : method,
      SOCP_SEARCH: `radius=${p.RADIUS || 'unlimited'} max_points=${p.MAX_POINTS || 'all'} min_points=${p.MIN_POINTS}`,
      SOCP_FIELD: p.FIELD,
    };
    const out = await createRaster(ctx.outputs.stage(p.OUTPUT), {
      width: grid.width, height: grid.height, bands: 1, geoTransform: grid.geoTransform, srsWkt: grid.srsWkt,
      bandNames: [p.FIELD], metadata: meta,
    });
    const yearsOut = p.OUTPUT_YEARS
      ? await createRaster(ctx.outputs.stage(p.OUTPUT_YEARS), {
        width: grid.width, height: grid.height, bands: keys.length, geoTransform: grid.geoTransform, srsWkt: grid.srsWkt,
        bandNames: keys.map((k) => `${p.FIELD}_${k}`), metadata: meta,
      })
      : null;
    const rows = stripRows(grid.width, 3 + keys.length);
    const w = grid.width;
    let nodataCells = 0;
    try {
      for (const [y0, nr] of strips(grid.height, rows)) {
        ctx.checkCancelled();
        const sum = new Float64Array(w * nr);
        const cnt = new Uint32Array(w * nr);
        const band = new Float64Array(w * nr);
        for (let g = 0; g < estimators.length; g++) {
          const est = estimators[g];
          for (let r = 0; r < nr; r++) {
            const cy = cellY(grid, y0 + r);
            for (let c = 0; c < w; c++) {
              const v = est.at(cellX(grid, c), cy);
              band[r * w + c] = v;
              if (!Number.isNaN(v)) {
                sum[r * w + c] += v;
                cnt[r * w + c]++;
              }
            }
          }
          if (yearsOut) await yearsOut.write(g + 1, 0, y0, w, nr, band);
        }
        for (let i = 0; i < w * nr; i++) {
          if (cnt[i] === 0) {
            band[i] = NaN;
            nodataCells++;
          } else band[i] = sum[i] / cnt[i];
        }
        await out.write(1, 0, y0, w, nr, band);
        ctx.progress(((y0 + nr) / grid.height) * 95);
      }
    } finally {
      await out.close();
      if (yearsOut) await yearsOut.close();
    }
    const total = grid.width * grid.height;
    if (nodataCells === total) {
      throw new DataError(`no cell of the grid has ${p.MIN_POINTS} point(s) within RADIUS ${p.RADIUS}; the output would be all nodata — increase RADIUS, lower MIN_POINTS or check that the points lie on the grid (CRS ${crsLabel(grid.srsWkt)})`);
    }
    if (nodataCells > 0) ctx.warn(`too-few-points: ${nodataCells} of ${total} cells have fewer than ${p.MIN_POINTS} point(s) within RADIUS ${p.RADIUS} and are nodata`);
    return { OUTPUT: p.OUTPUT, OUTPUT_YEARS: p.OUTPUT_YEARS, POINTS: keep.length, NODATA_CELLS: nodataCells };
  },
});

/** Bounding box of the used points in the grid CRS (for CRS + RESOLUTION without EXTENT). */
function bboxInGridCrs(xs: Float64Array, ys: Float64Array, keep: number[], fromWkt: string, crs: string): Extent {
  const x = Float64Array.from(keep, (i) => xs[i]);
  const y = Float64Array.from(keep, (i) => ys[i]);
  // crs is a user string here; targetGrid resolves it again, that is cheap
  const tr = transformer(fromWkt, crsWkt(crs));
  tr?.(x, y);
  let xmin = Infinity, xmax = -Infinity, ymin = Infinity, ymax = -Infinity;
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) continue;
    xmin = Math.min(xmin, x[i]); xmax = Math.max(xmax, x[i]);
    ymin = Math.min(ymin, y[i]); ymax = Math.max(ymax, y[i]);
  }
  if (!(xmax >= xmin)) throw new DataError('no point has usable coordinates; check X_FIELD, Y_FIELD and POINTS_CRS');
  if (xmax === xmin) { xmin -= 0.5; xmax += 0.5; }
  if (ymax === ymin) { ymin -= 0.5; ymax += 0.5; }
  return { xmin, xmax, ymin, ymax };
}

function crsWkt(crs: string): string {
  return crsToWkt(crs, 'CRS');
}
