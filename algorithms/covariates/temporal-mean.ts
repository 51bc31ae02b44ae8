// SPDX-License-Identifier: GPL-2.0-or-later
// covariates:temporal-mean — per-pixel (weighted) mean or sum of a time series of layers: the bands
// of one raster (e.g. the 12 months of a netCDF variable) or a list of rasters (e.g. 24 yearly NPP
// maps), with a minimum count of valid layers and the count as an optional output. Block-wise in
// row strips. The weighted mean is x̄ = Σ wᵢxᵢ / Σ wᵢ over the layers valid at the pixel
// (e.g. weights = days per month, or data-quality weights), as in the study's NPP 2000–2023 mean.

import path from 'node:path';
import { defineAlgorithm } from '../../toolbox/algorithm.js';
import { DataError, UsageError } from '../../toolbox/errors.js';
import { createRaster, gridMismatch, readWindow, stripRows, strips, type RasterInfo } from '../../toolbox/io/raster.js';
import { param } from '../../toolbox/params.js';
import { layerNameOf, openLayer } from './grid.js';

export default defineAlgorithm({
  id: 'covariates:temporal-mean',
  title: 'Temporal (weighted) mean or sum of a raster time series',
  group: 'covariates',
  help: 'Per-pixel statistic of a time series whose layers are the bands of INPUTS in order (one multi-band raster, ' +
    'several rasters, or VARIABLE of a netCDF/HDF file such as the monthly "pr" of a climate file). STATISTIC mean: ' +
    'Σ wᵢxᵢ / Σ wᵢ over the layers valid at the pixel (WEIGHTS one per layer, default all 1, e.g. days per month); ' +
    'STATISTIC sum: Σ wᵢxᵢ (e.g. annual precipitation from monthly totals). Nodata layers are left out; pixels with ' +
    'fewer than MIN_VALID valid layers are nodata (set MIN_VALID to the number of layers for a sum over complete ' +
    'series only). OUTPUT_COUNT (optional) holds the number of valid layers per pixel. All layers must share one grid. ' +
    'Processed in row strips, so long series of large rasters fit in memory.',
  split: { kind: 'pixel', grid: 'INPUTS', sum: ['NODATA_CELLS'] },
  inputs: [
    param.list('INPUTS', 'The series: one multi-band raster (bands = time steps) or several rasters (their bands in order)', 'raster'),
    param.string('VARIABLE', 'Variable (subdataset) of netCDF/HDF inputs, e.g. pr', { optional: true }),
    param.enum('STATISTIC', 'mean (weighted mean) or sum (weighted sum)', ['mean', 'sum'] as const, { default: 'mean' }),
    param.list('WEIGHTS', 'One weight ≥ 0 per layer (default: all 1)', 'number', { optional: true, min: 0 }),
    param.integer('MIN_VALID', 'Minimum number of valid layers for a pixel to get a value', { default: 1, min: 1 }),
    param.rasterDestination('OUTPUT', 'Mean (or sum) raster, Float32 GeoTIFF', { extensions: ['.tif', '.tiff'] }),
    param.rasterDestination('OUTPUT_COUNT', 'Count of valid layers per pixel (optional, UInt16 GeoTIFF)', { optional: true, extensions: ['.tif', '.tiff'] }),
  ],
  outputs: [
    { name: 'OUTPUT', kind: 'raster', description: 'temporal mean or sum' },
    { name: 'OUTPUT_COUNT', kind: 'raster', description: 'valid layers per pixel' },
    { name: 'LAYERS', kind: 'number', description: 'number of layers in the series' },
    { name: 'NODATA_CELLS', kind: 'number', description: 'output cells that are nodata' },
  ],
  check(p) {
    const out: string[] = [];
    if ((p.INPUTS as string[]).length === 0) out.push('INPUTS: give at least one raster');
    const w = p.WEIGHTS as number[] | undefined;
    if (w && w.length > 0 && !w.some((v) => v > 0)) out.push('WEIGHTS: at least one weight must be > 0');
    return out;
  },
  async run(p, ctx) {
    const rasters: RasterInfo[] = [];
    try {
      for (const f of p.INPUTS as string[]) rasters.push(await openLayer(f, p.VARIABLE, 'input raster'));
      const first = rasters[0];
      for (const r of rasters.slice(1)) {
        const why = gridMismatch(first, r);
        if (why) throw new DataError(`the layers of the series must share one grid: ${why}. Align them first with covariates:stack`);
      }
      const layers: { r: RasterInfo; band: number; label: string }[] = [];
      for (const r of rasters) for (let b = 1; b <= r.bandCount; b++) layers.push({ r, band: b, label: `${path.basename(r.path)} band ${b}` });
      const n = layers.length;
      const weights = (p.WEIGHTS as number[] | undefined) ?? Array(n).fill(1);
      if (weights.length !== n) {
        throw new UsageError(`WEIGHTS has ${weights.length} values but the series has ${n} layers (${rasters.map((r) => `${path.basename(r.path)}: ${r.bandCount}`).join(', ')}); give one weight per layer`);
      }
      if (p.MIN_VALID > n) throw new UsageError(`MIN_VALID is ${p.MIN_VALID} but the series has only ${n} layers`);
      if (p.STATISTIC === 'sum' && p.MIN_VALID < n) {
        ctx.log(`note: a sum over pixels with missing layers is smaller than the full total; MIN_VALID=${n} keeps complete series only`);
      }
      if (!first.srsWkt) ctx.warn(`no-crs: ${path.basename(first.path)} has no CRS; the output has none (give SOURCE_CRS to covariates:stack to place it)`);
      ctx.log(`${p.STATISTIC} of ${n} layers${p.WEIGHTS ? ` with weights ${weights.join(', ')}` : ''} on a ${first.width} × ${first.height} grid, MIN_VALID ${p.MIN_VALID}`);
      const w = first.width;
      const h = first.height;
      const varName = p.VARIABLE ?? (rasters.length === 1 ? layerNameOf(first.path) : 'series');
      const out = await createRaster(ctx.outputs.stage(p.OUTPUT), {
        width: w, height: h, bands: 1, geoTransform: first.geoTransform, srsWkt: first.srsWkt,
        bandNames: [`${varName}_${p.STATISTIC}`],
        metadata: { SOCP_STATISTIC: p.STATISTIC, SOCP_LAYERS: String(n), SOCP_WEIGHTS: weights.join(','), SOCP_MIN_VALID: String(p.MIN_VALID) },
      });
      const cnt = p.OUTPUT_COUNT
        ? await createRaster(ctx.outputs.stage(p.OUTPUT_COUNT), {
          width: w, height: h, bands: 1, dataType: 'UInt16', geoTransform: first.geoTransform, srsWkt: first.srsWkt,
          bandNames: [`${varName}_valid_count`],
        })
        : null;
      let nodata = 0;
      let belowMin = 0;
      const validPerLayer = new Float64Array(n);
      try {
        const rows = stripRows(w, n + 4, 64 * 2 ** 20, first.blockHeight);
        let buf: Float64Array = new Float64Array(0);
        for (const [y0, nr] of strips(h, rows)) {
          ctx.checkCancelled();
          const m = w * nr;
          const sw = new Float64Array(m);
          const swx = new Float64Array(m);
          const c = new Float64Array(m);
          for (let k = 0; k < n; k++) {
            const wk = weights[k];
            buf = await readWindow(layers[k].r, layers[k].band, 0, y0, w, nr, buf.length === m ? buf : undefined);
            let valid = 0;
            for (let i = 0; i < m; i++) {
              const v = buf[i];
              if (Number.isNaN(v)) continue;
              valid++;
              if (wk > 0) {
                sw[i] += wk;
                swx[i] += wk * v;
                c[i]++;
              }
            }
            validPerLayer[k] += valid;
          }
          for (let i = 0; i < m; i++) {
            if (c[i] < p.MIN_VALID || sw[i] === 0) {
              if (c[i] > 0) belowMin++;
              swx[i] = NaN;
              nodata++;
            } else swx[i] = p.STATISTIC === 'mean' ? swx[i] / sw[i] : swx[i];
          }
          await out.write(1, 0, y0, w, nr, swx);
          if (cnt) await cnt.write(1, 0, y0, w, nr, c);
          ctx.progress(((y0 + nr) / h) * 95);
        }
      } finally {
        await out.close();
        if (cnt) await cnt.close();
      }
      const empty = layers.filter((_, k) => validPerLayer[k] === 0).map((l) => l.label);
      if (empty.length === n) {
        throw new DataError(`every layer of the series is nodata everywhere (${n} layers); nothing to average — check the nodata value of the inputs and VARIABLE`);
      }
      if (empty.length > 0) ctx.warn(`empty-layers: ${empty.length} layer(s) are nodata everywhere: ${empty.slice(0, 10).join('; ')}${empty.length > 10 ? '; …' : ''}`);
      if (nodata === w * h) throw new DataError(`no pixel has MIN_VALID=${p.MIN_VALID} valid layers; the output would be all nodata — lower MIN_VALID`);
      if (belowMin > 0) ctx.warn(`below-min-valid: ${belowMin} pixels have some but fewer than ${p.MIN_VALID} valid layers and are nodata`);
      return { OUTPUT: p.OUTPUT, OUTPUT_COUNT: p.OUTPUT_COUNT, LAYERS: n, NODATA_CELLS: nodata };
    } finally {
      for (const r of rasters) r.ds.close();
    }
  },
});
