// SPDX-License-Identifier: GPL-2.0-or-later
// terrain:slope — slope of a DEM from a 3 × 3 window: Horn (1981) or Zevenbergen & Thorne (1987),
// as gdaldem (GDAL 3.6) computes it, bit for bit on projected square cells (kernels/slope.ts), and
// correct on geographic DEMs (cell sizes in metres per row on the ellipsoid) and non-square cells.
// Runs in row strips with a one-row halo: memory is flat in the raster's size.
//
// References: Horn, B.K.P. (1981) Hill shading and the reflectance map, Proc. IEEE 69(1), 14–47;
// Zevenbergen, L.W., Thorne, C.R. (1987) Earth Surface Processes and Landforms 12, 47–56;
// GDAL gdaldem (apps/gdaldem_lib.cpp).

import { defineAlgorithm } from '../../toolbox/algorithm.js';
import { param } from '../../toolbox/params.js';
import { slopeAspect, type SlopeMethod, type SlopeUnits } from './kernels/index.js';
import { allNodataError, closeQuietly, createOutput, demParams, forEachRowStrip, openDem } from './common.js';
import type { RasterWriter } from '../../toolbox/io/raster.js';

export const METHODS = ['horn', 'zevenbergen-thorne'] as const;
export const UNITS = ['degrees', 'percent', 'radians'] as const;
const UNIT_LABEL: Record<SlopeUnits, string> = { degrees: 'degree', percent: 'percent', radians: 'radian' };

export const EDGE_HELP =
  'COMPUTE_EDGES (default true) computes the border cells and cells next to nodata as gdaldem -compute_edges does ' +
  '(missing neighbours extrapolated linearly, or given the centre value); false leaves them nodata, as gdaldem\'s default.';

export const GEO_HELP =
  'Geographic DEMs (longitude/latitude) are handled: each row\'s cell size is converted to metres on the CRS\'s ellipsoid at ' +
  'that row\'s latitude (gdaldem 3.6 does not, giving slopes near 90°). A DEM without CRS is processed with a warning, its ' +
  'cell size taken as metres. Elevations are taken as metres.';

export default defineAlgorithm({
  id: 'terrain:slope',
  title: 'Slope (Horn / Zevenbergen–Thorne, as gdaldem)',
  group: 'terrain',
  help:
    'Slope of every cell of a DEM from its 3 × 3 neighbourhood: slope = atan √(p² + q²) with p, q the east and north ' +
    'gradients estimated by Horn (1981; the default, gdaldem\'s and ArcGIS\'s) or Zevenbergen & Thorne (1987). Equal to ' +
    'gdaldem slope (GDAL 3.6) bit for bit as float32 on projected DEMs. UNITS: degrees, percent (100·tan slope) or ' +
    'radians. Z_FACTOR multiplies elevations (e.g. 0.3048 for feet on a metre grid).\n\n' +
    EDGE_HELP + '\n\n' + GEO_HELP + '\n\n' +
    'Output: Float32 GeoTIFF on the DEM\'s grid, nodata where the DEM is nodata. Processed in row strips with a one-row halo ' +
    '(memory independent of the raster size: a 20000 × 20000 DEM runs in a few hundred MB).',
  split: { kind: 'neighbourhood', grid: 'INPUT', halo: 1, sum: ['FLAT_CELLS'] },
  inputs: [
    demParams.input(),
    demParams.band(),
    param.enum('UNITS', 'Slope units', UNITS, { default: 'degrees' }),
    param.enum('METHOD', 'Gradient estimator: horn (Horn 1981) or zevenbergen-thorne (Zevenbergen & Thorne 1987)', METHODS, { default: 'horn' }),
    param.boolean('COMPUTE_EDGES', 'Compute border cells and cells next to nodata (gdaldem -compute_edges)', { default: true }),
    param.number('Z_FACTOR', 'Multiplier of the elevations (vertical exaggeration / unit conversion)', { default: 1, min: 0, exclusiveMin: true }),
    demParams.stripRows('up to 256 rows of ~8 MiB'),
    param.rasterDestination('OUTPUT', 'Slope raster (GeoTIFF)', { extensions: ['.tif', '.tiff'] }),
  ],
  outputs: [
    { name: 'OUTPUT', kind: 'raster', description: 'slope' },
    { name: 'FLAT_CELLS', kind: 'number', description: 'cells with zero gradient' },
  ],
  async run(p, ctx) {
    const dem = await openDem(p.INPUT, p.BAND, ctx);
    const method = p.METHOD as SlopeMethod;
    const units = p.UNITS as SlopeUnits;
    let w: RasterWriter | undefined;
    let flushing: Promise<void> = Promise.resolve();
    try {
      w = await createOutput(dem, ctx, {
        path: p.OUTPUT, bands: 1, unit: UNIT_LABEL[units],
        metadata: {
          SLOPE_UNITS: units,
          SLOPE_METHOD: method === 'horn' ? 'horn (Horn 1981)' : 'zevenbergen-thorne (Zevenbergen & Thorne 1987)',
          SLOPE_DEFINITION: units === 'percent' ? '100 * tan(slope)' : `atan(sqrt(p^2 + q^2)) in ${units}`,
          EDGES: p.COMPUTE_EDGES ? 'computed (as gdaldem -compute_edges)' : 'nodata (as gdaldem default)',
          Z_FACTOR: String(p.Z_FACTOR),
          CELL_SIZE: dem.cellSizeNote,
        },
      });
      let flat = 0;
      let nodataCells = 0;
      const out = w;
      const nodata = w.info.nodata[0]!;
      // small strips (≈ 8 MiB: 256 rows at 4000 columns) stay in cache between GDAL's read, the
      // kernel and GDAL's write (larger ones were no faster); a power of two up to the output's
      // 256-row tiles, so every few strips complete a row of tiles that can be flushed
      const fit = Math.max(1, Math.min(256, Math.floor((8 * 2 ** 20) / (8 * dem.width))));
      const rows = p.STRIP_ROWS > 0 ? p.STRIP_ROWS : 2 ** Math.floor(Math.log2(fit));
      // the kernel writes the file's nodata value itself, into one reused buffer
      const buf = new Float32Array(Math.min(rows, dem.height) * dem.width);
      await forEachRowStrip(dem, ctx, rows, async (s) => {
        const slope = buf.subarray(0, s.rows * dem.width);
        const r = slopeAspect(s.grid, {
          method, units, edges: p.COMPUTE_EDGES ? 'compute' : 'none', aspect: false, zFactor: p.Z_FACTOR,
          rows: [s.first, s.first + s.rows], slopeOut: slope, nodataValue: nodata,
        });
        await flushing;
        await out.writeReady(1, 0, s.y0, dem.width, s.rows, slope);
        // once a row of output tiles is complete, GDAL compresses and writes it on its thread pool
        // while the next strip is computed (wall time; ≈ 50 MB less peak memory at 4000²)
        if ((s.y0 + s.rows) % out.info.blockHeight === 0) {
          flushing = out.info.ds.flushAsync();
          flushing.catch(() => undefined);
        }
        flat += r.flatCount;
        nodataCells += r.nodataCount;
      });
      await flushing;
      const valid = dem.width * dem.height - nodataCells;
      if (valid === 0) throw allNodataError(dem);
      await w.close();
      w = undefined;
      ctx.log(`slope (${method}, ${units}) of ${dem.width} × ${dem.height} cells, ${valid} valid, ${flat} flat`);
      return { OUTPUT: p.OUTPUT, FLAT_CELLS: flat };
    } finally {
      await flushing.catch(() => undefined); // never close the file under a running flush
      closeQuietly([w]);
      dem.info.ds.close();
    }
  },
});
