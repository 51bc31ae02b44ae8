// SPDX-License-Identifier: GPL-2.0-or-later
// covariates:ndvi — Normalized Difference Vegetation Index, NDVI = (NIR − RED) / (NIR + RED)
// (Rouse et al. 1974; Tucker 1979), and optionally the Enhanced Vegetation Index
// EVI = G (NIR − RED) / (NIR + C1·RED − C2·BLUE + L), G = 2.5, C1 = 6, C2 = 7.5, L = 1
// (Huete et al. 2002, the MODIS MOD13 algorithm), from bands with scale factors (reflectance =
// value × SCALE + OFFSET) and a valid-range mask on reflectance. Block-wise in row strips.

import path from 'node:path';
import { defineAlgorithm } from '../../toolbox/algorithm.js';
import { DataError, UsageError } from '../../toolbox/errors.js';
import { createRaster, gridMismatch, openRaster, readWindow, stripRows, strips, type RasterInfo } from '../../toolbox/io/raster.js';
import { param } from '../../toolbox/params.js';

export default defineAlgorithm({
  id: 'covariates:ndvi',
  title: 'NDVI (and EVI) from red and near-infrared bands',
  group: 'covariates',
  help: 'NDVI = (NIR − RED) / (NIR + RED) per pixel (Rouse et al. 1974), from a RED and a NIR raster (the same file ' +
    'with RED_BAND / NIR_BAND, e.g. Landsat 7 ETM+ bands 3 and 4, or two files on one grid). Values are first turned ' +
    'into reflectance = value × SCALE + OFFSET (e.g. SCALE 0.0001 for MODIS MOD09, 2.75e-5 and OFFSET −0.2 for ' +
    'or whose denominator is 0, is nodata. NDVI does not change with a common SCALE when OFFSET is 0. With BLUE and ' +
    'OUTPUT_EVI also the Enhanced Vegetation Index EVI = 2.5 (NIR − RED) / (NIR + 6 RED − 7.5 BLUE + 1) (Huete et al. ' +
    '2002), which needs surface reflectance in 0–1.',
  split: { kind: 'pixel', grid: 'RED', sum: ['MASKED_CELLS'] },
  inputs: [
    param.raster('RED', 'Raster with the red band'),
    param.integer('RED_BAND', 'Band number of red in RED', { default: 1, min: 1 }),
    param.raster('NIR', 'Raster with the near-infrared band (may be the same file as RED)'),
    param.integer('NIR_BAND', 'Band number of near-infrared in NIR', { default: 1, min: 1 }),
    param.raster('BLUE', 'Raster with the blue band (for EVI)', { optional: true }),
    param.integer('BLUE_BAND', 'Band number of blue in BLUE', { default: 1, min: 1 }),
    param.number('SCALE', 'Scale factor: reflectance = value × SCALE + OFFSET', { default: 1 }),
    param.number('OFFSET', 'Offset: reflectance = value × SCALE + OFFSET', { default: 0 }),
    param.number('VALID_MIN', 'Smallest valid reflectance (after scaling); smaller values are masked', { optional: true }),
    param.number('VALID_MAX', 'Largest valid reflectance (after scaling); larger values are masked', { optional: true }),
    param.rasterDestination('OUTPUT', 'NDVI raster (Float32 GeoTIFF, −1…1)', { extensions: ['.tif', '.tiff'] }),
    param.rasterDestination('OUTPUT_EVI', 'EVI raster (optional; needs BLUE)', { optional: true, extensions: ['.tif', '.tiff'] }),
  ],
  outputs: [
    { name: 'OUTPUT', kind: 'raster', description: 'NDVI' },
    { name: 'OUTPUT_EVI', kind: 'raster', description: 'EVI' },
  ],
  check(p) {
    const out: string[] = [];
    if (p.OUTPUT_EVI && !p.BLUE) out.push('OUTPUT_EVI needs the BLUE band');
    if (p.VALID_MIN !== undefined && p.VALID_MAX !== undefined && !(p.VALID_MAX > p.VALID_MIN)) out.push('VALID_MAX must be larger than VALID_MIN');
    if (p.SCALE === 0) out.push('SCALE must not be 0');
    if (p.RED === p.NIR && p.RED_BAND === p.NIR_BAND) out.push('RED and NIR are the same band of the same file; set RED_BAND and NIR_BAND');
    return out;
  },
  async run(p, ctx) {
    const opened = new Map<string, RasterInfo>();
    const open = async (f: string, what: string) => {
      if (!opened.has(f)) opened.set(f, await openRaster(f, what));
      return opened.get(f)!;
    };
    try {
      const bands: { name: string; r: RasterInfo; band: number }[] = [
        { name: 'RED', r: await open(p.RED, 'RED raster'), band: p.RED_BAND },
        { name: 'NIR', r: await open(p.NIR, 'NIR raster'), band: p.NIR_BAND },
      ];
      if (p.BLUE) bands.push({ name: 'BLUE', r: await open(p.BLUE, 'BLUE raster'), band: p.BLUE_BAND });
      for (const b of bands) {
        if (b.band > b.r.bandCount) throw new UsageError(`${b.name}_BAND is ${b.band} but ${path.basename(b.r.path)} has ${b.r.bandCount} band${b.r.bandCount > 1 ? 's' : ''}`);
      }
      const g = bands[0].r;
      for (const b of bands.slice(1)) {
        const why = gridMismatch(g, b.r);
        if (why) throw new DataError(`RED, NIR${p.BLUE ? ' and BLUE' : ''} must share one grid: ${why}. Align them with covariates:stack`);
      }
      const w = g.width;
      const h = g.height;
      const vmin = p.VALID_MIN ?? -Infinity;
      const vmax = p.VALID_MAX ?? Infinity;
      const meta = { SOCP_SCALE: String(p.SCALE), SOCP_OFFSET: String(p.OFFSET), SOCP_VALID_RANGE: `${vmin}..${vmax}` };
      const nd = await createRaster(ctx.outputs.stage(p.OUTPUT), { width: w, height: h, bands: 1, geoTransform: g.geoTransform, srsWkt: g.srsWkt, bandNames: ['ndvi'], metadata: { ...meta, SOCP_INDEX: 'NDVI = (NIR - RED) / (NIR + RED)' } });
      const ev = p.OUTPUT_EVI
        ? await createRaster(ctx.outputs.stage(p.OUTPUT_EVI), { width: w, height: h, bands: 1, geoTransform: g.geoTransform, srsWkt: g.srsWkt, bandNames: ['evi'], metadata: { ...meta, SOCP_INDEX: 'EVI = 2.5 (NIR - RED) / (NIR + 6 RED - 7.5 BLUE + 1)' } })
        : null;
      let masked = 0;
      let maskedEvi = 0;
      try {
        for (const [y0, nr] of strips(h, stripRows(w, bands.length + 2, 64 * 2 ** 20, g.blockHeight))) {
          ctx.checkCancelled();
          const m = w * nr;
          const [red, nir, blue] = await Promise.all(bands.map((b) => readWindow(b.r, b.band, 0, y0, w, nr)));
          const ndvi = new Float64Array(m);
          const evi = ev ? new Float64Array(m) : null;
          for (let i = 0; i < m; i++) {
            const r = red[i] * p.SCALE + p.OFFSET;
            const n = nir[i] * p.SCALE + p.OFFSET;
            const okRN = !Number.isNaN(r) && !Number.isNaN(n) && r >= vmin && r <= vmax && n >= vmin && n <= vmax;
            const den = n + r;
            ndvi[i] = okRN && den !== 0 ? (n - r) / den : NaN;
            if (Number.isNaN(ndvi[i])) masked++;
            if (evi) {
              const bl = blue![i] * p.SCALE + p.OFFSET;
              const ok = okRN && !Number.isNaN(bl) && bl >= vmin && bl <= vmax;
              const d = n + 6 * r - 7.5 * bl + 1;
              evi[i] = ok && d !== 0 ? (2.5 * (n - r)) / d : NaN;
              if (Number.isNaN(evi[i])) maskedEvi++;
            }
          }
          await nd.write(1, 0, y0, w, nr, ndvi);
          if (ev && evi) await ev.write(1, 0, y0, w, nr, evi);
          ctx.progress(((y0 + nr) / h) * 95);
        }
      } finally {
        await nd.close();
        if (ev) await ev.close();
      }
      if (ev && maskedEvi > 0) ctx.log(`EVI: ${maskedEvi} pixels are nodata`);
      return { OUTPUT: p.OUTPUT, OUTPUT_EVI: p.OUTPUT_EVI, MASKED_CELLS: masked };
    } finally {
      for (const r of opened.values()) r.ds.close();
    }
  },
});
