// SPDX-License-Identifier: GPL-2.0-or-later
// covariates:extract — the values of every band of a raster stack at points (the cell containing
// each point, as terra::extract / QGIS "Sample raster values"). Points in any CRS are reprojected
// to the raster's CRS in traditional GIS axis order (x = longitude/easting; GDAL RFC 73). A point
// outside the grid or on nodata keeps its row with missing values; such points are counted and
// listed in the log, never dropped.

import path from 'node:path';
import { defineAlgorithm } from '../../toolbox/algorithm.js';
import { DataError, UsageError } from '../../toolbox/errors.js';
import { openRaster, readWindow, stripRows, strips } from '../../toolbox/io/raster.js';
import { saveTable } from '../../toolbox/io/outputs.js';
import { addColumn, readTable } from '../../toolbox/io/table.js';
import { param } from '../../toolbox/params.js';
import { crsLabel } from './grid.js';
import { transformer } from '../../toolbox/io/crs.js';

function listRows(rows: number[]): string {
  return rows.slice(0, 50).join(', ') + (rows.length > 50 ? `, … (${rows.length - 50} more)` : '');
}

export default defineAlgorithm({
  id: 'covariates:extract',
  title: 'Extract raster values at points',
  group: 'covariates',
  help: 'Adds to each point one column per band of STACK (named by the band names, optionally with PREFIX) holding ' +
    'the value of the cell that contains the point. Points (a point layer, or a CSV with coordinate columns found by ' +
    'name or given as X_FIELD / Y_FIELD, with POINTS_CRS) are reprojected to the raster CRS. A point outside the grid ' +
    'or on a nodata cell keeps its row, with missing values; the log counts and lists them (1-based data rows).',
  inputs: [
    param.vector('POINTS', 'Points: point layer or CSV with coordinate columns'),
    param.field('X_FIELD', 'CSV column with x / longitude (found by name when absent)', { parent: 'POINTS', optional: true }),
    param.field('Y_FIELD', 'CSV column with y / latitude', { parent: 'POINTS', optional: true }),
    param.string('POINTS_CRS', 'CRS of CSV coordinates (default EPSG:4326 for lon/lat columns; required otherwise)', { optional: true }),
    param.raster('STACK', 'Raster (e.g. a covariates:stack output) whose bands are extracted'),
    param.list('BANDS', 'Band names to extract (default: all)', 'string', { optional: true }),
    param.string('PREFIX', 'Prefix of the new column names', { default: '' }),
    param.tableDestination('OUTPUT', 'The points with one column per band (CSV, GeoPackage, GeoJSON, Shapefile)'),
  ],
  outputs: [
    { name: 'OUTPUT', kind: 'table', description: 'points with the extracted values' },
    { name: 'OUTSIDE', kind: 'number', description: 'points outside the grid' },
    { name: 'ON_NODATA', kind: 'number', description: 'points inside the grid on a nodata cell of at least one band' },
  ],
  check(p) {
    return (p.X_FIELD === undefined) !== (p.Y_FIELD === undefined) ? ['give both X_FIELD and Y_FIELD, or neither'] : [];
  },
  async run(p, ctx) {
    const t = await readTable(p.POINTS, { xField: p.X_FIELD, yField: p.Y_FIELD, pointsCrs: p.POINTS_CRS, requirePoints: true });
    if (!t.srsWkt) throw new DataError(`${t.source}: the points have no CRS; give it with POINTS_CRS (e.g. EPSG:4326 for longitude/latitude)`);
    const r = await openRaster(p.STACK, 'STACK raster');
    try {
      if (!r.srsWkt) throw new DataError(`STACK ${path.basename(r.path)} has no CRS, so points cannot be placed on it; assign one (gdal_edit.py -a_srs EPSG:n)`);
      const gt = r.geoTransform;
      if (gt[2] !== 0 || gt[4] !== 0) throw new DataError(`STACK ${path.basename(r.path)} is rotated; warp it to a north-up grid first`);
      let bands = r.bandNames.map((n, i) => ({ name: n, band: i + 1 }));
      if (p.BANDS) {
        const missing = (p.BANDS as string[]).filter((b) => !r.bandNames.includes(b));
        if (missing.length) throw new UsageError(`BANDS: ${path.basename(r.path)} has no band ${missing.map((m) => `"${m}"`).join(', ')}; its bands are ${r.bandNames.join(', ')}`);
        bands = (p.BANDS as string[]).map((b) => ({ name: b, band: r.bandNames.indexOf(b) + 1 }));
      }
      const cols = bands.map((b) => `${p.PREFIX}${b.name}`);
      const clash = cols.filter((c) => t.fields.includes(c));
      if (clash.length) throw new UsageError(`${t.source} already has field(s) ${clash.join(', ')}; give a PREFIX for the new columns`);
      const x = Float64Array.from(t.x!);
      const y = Float64Array.from(t.y!);
      const tr = transformer(t.srsWkt, r.srsWkt);
      if (tr) {
        tr(x, y);
        ctx.log(`points reprojected from ${crsLabel(t.srsWkt)} to ${crsLabel(r.srsWkt)}`);
      }
      const n = t.nRows;
      const col = new Int32Array(n).fill(-1);
      const row = new Int32Array(n).fill(-1);
      const outside: number[] = [];
      const noCoords: number[] = [];
      for (let i = 0; i < n; i++) {
        if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) {
          noCoords.push(i + 1);
          continue;
        }
        const c = Math.floor((x[i] - gt[0]) / gt[1]);
        const rr = Math.floor((y[i] - gt[3]) / gt[5]);
        if (c < 0 || rr < 0 || c >= r.width || rr >= r.height) outside.push(i + 1);
        else {
          col[i] = c;
          row[i] = rr;
        }
      }
      const values = bands.map(() => new Float64Array(n).fill(NaN));
      // read only the strips that hold points, band by band
      const rowsPer = stripRows(r.width, 1, 16 * 2 ** 20, r.blockHeight);
      const order = Array.from({ length: n }, (_, i) => i).filter((i) => row[i] >= 0).sort((a, b) => row[a] - row[b]);
      let k = 0;
      let done = 0;
      for (const [y0, nr] of strips(r.height, rowsPer)) {
        const from = k;
        while (k < order.length && row[order[k]] < y0 + nr) k++;
        if (k === from) continue;
        // the rows actually needed inside this strip
        const rmin = row[order[from]];
        const rmax = row[order[k - 1]];
        for (let b = 0; b < bands.length; b++) {
          ctx.checkCancelled();
          const buf = await readWindow(r, bands[b].band, 0, rmin, r.width, rmax - rmin + 1);
          for (let j = from; j < k; j++) {
            const i = order[j];
            values[b][i] = buf[(row[i] - rmin) * r.width + col[i]];
          }
        }
        done = k;
        ctx.progress((done / Math.max(1, order.length)) * 90);
      }
      const onNodata: number[] = [];
      for (let i = 0; i < n; i++) if (row[i] >= 0 && values.some((v) => Number.isNaN(v[i]))) onNodata.push(i + 1);
      bands.forEach((_, b) => addColumn(t, cols[b], values[b]));
      ctx.log(`${n - outside.length - noCoords.length - onNodata.length} of ${n} points got a value for every band (${cols.join(', ')})`);
      if (outside.length) ctx.warn(`points-outside: ${outside.length} point(s) lie outside the grid of ${path.basename(r.path)} and keep missing values — rows ${listRows(outside)}`);
      if (onNodata.length) ctx.warn(`points-on-nodata: ${onNodata.length} point(s) lie on nodata in at least one band and keep missing values there — rows ${listRows(onNodata)}`);
      if (noCoords.length) ctx.warn(`points-without-coordinates: ${noCoords.length} row(s) have missing coordinates and keep missing values — rows ${listRows(noCoords)}`);
      const file = await saveTable(ctx, p.OUTPUT, t);
      return { OUTPUT: file, OUTSIDE: outside.length, ON_NODATA: onNodata.length };
    } finally {
      r.ds.close();
    }
  },
});
