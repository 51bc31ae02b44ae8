// SPDX-License-Identifier: GPL-2.0-or-later
// terrain:aspect — aspect (azimuth of steepest descent) from a 3 × 3 window: Horn (1981) or
// Zevenbergen & Thorne (1987), as gdaldem (GDAL 3.6) computes it, bit for bit on projected square
// cells (kernels/slope.ts), with two deliberate improvements: the real (non-square, per-row
// geographic) cell sizes are used, and flat cells get FLAT_VALUE (default −1), not nodata.
// Runs in row strips with a one-row halo: memory is flat in the raster's size.
//
// References: Horn, B.K.P. (1981) Proc. IEEE 69(1), 14–47; Zevenbergen, L.W., Thorne, C.R. (1987)
// Earth Surface Processes and Landforms 12, 47–56; GDAL gdaldem (apps/gdaldem_lib.cpp).

import { defineAlgorithm } from '../../toolbox/algorithm.js';
import { param } from '../../toolbox/params.js';
import { slopeAspect, type SlopeMethod } from './kernels/index.js';
import { allNodataError, checkFlatValue, closeQuietly, createOutput, demParams, forEachStrip, openDem, rowsPerStrip } from './common.js';
import { EDGE_HELP, GEO_HELP, METHODS } from './slope.js';
import type { RasterWriter } from '../../toolbox/io/raster.js';

export default defineAlgorithm({
  id: 'terrain:aspect',
  title: 'Aspect (Horn / Zevenbergen–Thorne, as gdaldem)',
  group: 'terrain',
  help:
    'Aspect of every cell of a DEM: the azimuth of the steepest downslope direction in degrees clockwise from north, ' +
    'in [0, 360) (0 = facing north, 90 = east), from the Horn (1981; default) or Zevenbergen & Thorne (1987) gradient. ' +
    'Equal to gdaldem aspect (GDAL 3.6) bit for bit as float32 on projected square cells.\n\n' +
    'Flat cells (zero gradient) have no aspect: they get FLAT_VALUE (default −1), which is distinct from nodata — ' +
    'nodata stays nodata. (gdaldem writes its nodata value −9999 on flats, so flats and missing cells cannot be told ' +
    'apart.) Mask flats out (value < 0) before using aspect as a covariate, or transform it (cos, sin).\n\n' +
    'Unlike gdaldem 3.6, non-square cells are taken into account (gdaldem ignores the pixel size in aspect).\n\n' +
    EDGE_HELP + '\n\n' + GEO_HELP + '\n\n' +
    'Output: Float32 GeoTIFF on the DEM\'s grid. Processed in row strips (memory independent of the raster size).',
  split: { kind: 'neighbourhood', grid: 'INPUT', halo: 1, sum: ['FLAT_CELLS'] },
  inputs: [
    demParams.input(),
    demParams.band(),
    param.enum('METHOD', 'Gradient estimator: horn (Horn 1981) or zevenbergen-thorne (Zevenbergen & Thorne 1987)', METHODS, { default: 'horn' }),
    param.number('FLAT_VALUE', 'Value written on flat cells (no aspect); distinct from nodata', { default: -1 }),
    param.boolean('COMPUTE_EDGES', 'Compute border cells and cells next to nodata (gdaldem -compute_edges)', { default: true }),
    demParams.stripRows(),
    param.rasterDestination('OUTPUT', 'Aspect raster (GeoTIFF)', { extensions: ['.tif', '.tiff'] }),
  ],
  outputs: [
    { name: 'OUTPUT', kind: 'raster', description: 'aspect, degrees clockwise from north' },
    { name: 'FLAT_CELLS', kind: 'number', description: 'cells with zero gradient (given FLAT_VALUE)' },
  ],
  check(p) {
    return checkFlatValue(p.FLAT_VALUE as number);
  },
  async run(p, ctx) {
    const dem = await openDem(p.INPUT, p.BAND, ctx);
    const method = p.METHOD as SlopeMethod;
    let w: RasterWriter | undefined;
    try {
      w = await createOutput(dem, ctx, {
        path: p.OUTPUT, bands: 1, unit: 'degree',
        metadata: {
          ASPECT_DEFINITION: 'azimuth of the steepest descent, degrees clockwise from north, [0, 360)',
          ASPECT_METHOD: method === 'horn' ? 'horn (Horn 1981)' : 'zevenbergen-thorne (Zevenbergen & Thorne 1987)',
          ASPECT_FLAT_VALUE: `${p.FLAT_VALUE} (flat cells, zero gradient; distinct from nodata)`,
          EDGES: p.COMPUTE_EDGES ? 'computed (as gdaldem -compute_edges)' : 'nodata (as gdaldem default)',
          CELL_SIZE: dem.cellSizeNote,
        },
      });
      let flat = 0;
      const out = w;
      const valid = await forEachStrip(dem, ctx, rowsPerStrip(dem, 4, p.STRIP_ROWS), async (s) => {
        const r = slopeAspect(s.grid, { method, edges: p.COMPUTE_EDGES ? 'compute' : 'none', aspect: true, flatAspect: p.FLAT_VALUE });
        const a = s.interior(r.aspect!);
        await out.write(1, 0, s.y0, dem.width, s.rows, a);
        for (let i = 0; i < a.length; i++) if (a[i] === Math.fround(p.FLAT_VALUE)) flat++;
      });
      if (valid === 0) throw allNodataError(dem);
      await w.close();
      w = undefined;
      ctx.log(`aspect (${method}) of ${dem.width} × ${dem.height} cells, ${valid} valid, ${flat} flat (FLAT_VALUE ${p.FLAT_VALUE})`);
      return { OUTPUT: p.OUTPUT, FLAT_CELLS: flat };
    } finally {
      closeQuietly([w]);
      dem.info.ds.close();
    }
  },
});
