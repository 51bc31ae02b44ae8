// SPDX-License-Identifier: GPL-2.0-or-later
// terrain:covariates — the six topographic covariates of the SOCp study (elevation, slope SG,
// aspect SA, plan curvature PLC, profile curvature PRC, TWI) from one DEM in one run, as one
// multi-band Float32 GeoTIFF with named bands; the options of terrain:slope, terrain:aspect,
// terrain:curvature and terrain:twi are passed through and recorded in the metadata.
// Methods: Horn (1981) / Zevenbergen & Thorne (1987) slope and aspect as gdaldem; ZT curvature in
// the SAGA 8.5 / Florinsky (2016) / ArcGIS conventions; TWI (Beven & Kirkby 1979) by the SAGA 8.5
// chain (Wang & Liu 2006 fill, Freeman 1991 MFD, Quinn et al. 1991 flow width).

import { defineAlgorithm } from '../../toolbox/algorithm.js';
import { param } from '../../toolbox/params.js';
import type { RasterWriter } from '../../toolbox/io/raster.js';
import { curvature, CURVATURE_DEFINITIONS, slopeAspect, type CurvatureConvention, type SlopeMethod, type SlopeUnits } from './kernels/index.js';
import {
  allNodataError, checkFlatValue, checkTwiMemory, closeQuietly, createOutput, demParams, forEachStrip, openDem, readWholeDem, rowsPerStrip,
  runTwiChain, squareCells, TWI_MEMORY_HELP, twiOptions, twiParams,
} from './common.js';
import { METHODS, UNITS } from './slope.js';
import { CONVENTIONS } from './curvature.js';

export const COVARIATE_BANDS = ['elevation', 'slope', 'aspect', 'plan_curvature', 'profile_curvature', 'twi'] as const;

export default defineAlgorithm({
  id: 'terrain:covariates',
  title: 'Topographic covariates (elevation, slope, aspect, plan/profile curvature, TWI) in one raster',
  group: 'terrain',
  help:
    'Computes the six topographic covariates of the study from one DEM and writes them as the bands of one Float32 ' +
    'GeoTIFF, named elevation, slope, aspect, plan_curvature, profile_curvature, twi — ready for covariates:stack (with ' +
    'climate, NDVI and NPP layers) and covariates:extract.\n\n' +
    '- elevation: the DEM (nodata as nodata).\n' +
    '- slope: as terrain:slope (UNITS, METHOD horn or zevenbergen-thorne, COMPUTE_EDGES).\n' +
    '- aspect: as terrain:aspect (degrees clockwise from north; flat cells FLAT_VALUE, default −1, distinct from nodata).\n' +
    '- plan_curvature, profile_curvature: as terrain:curvature (CONVENTION saga, florinsky or arcgis).\n' +
    '- twi: as terrain:twi (FLOW, CONVERGENCE, MIN_SLOPE, MIN_TAN_SLOPE).\n' +
    'Every option used, the units and the curvature definitions are written into the output\'s metadata ' +
    '(gdalinfo shows them). Geographic DEMs are handled (cell sizes in metres per row); a DEM without CRS gets a warning.\n\n' +
    TWI_MEMORY_HELP + ' The other five bands are computed in row strips afterwards (no extra memory).',
  inputs: [
    demParams.input(),
    demParams.band(),
    param.enum('UNITS', 'Slope units', UNITS, { default: 'degrees' }),
    param.enum('METHOD', 'Slope/aspect gradient: horn (Horn 1981) or zevenbergen-thorne', METHODS, { default: 'horn' }),
    param.boolean('COMPUTE_EDGES', 'Slope/aspect: compute border cells and cells next to nodata (gdaldem -compute_edges)', { default: true }),
    param.number('FLAT_VALUE', 'Aspect of flat cells; distinct from nodata', { default: -1 }),
    param.enum('CONVENTION', 'Curvature convention: saga (C_CROS/C_LONG, 1/m), florinsky (kp/kv, 1/m), arcgis (×100, profile negative = convex)', CONVENTIONS, { default: 'saga' }),
    twiParams.flow(),
    twiParams.convergence(),
    twiParams.minSlope(),
    twiParams.minTanSlope(),
    demParams.maxMemory(),
    demParams.stripRows(),
    param.rasterDestination('OUTPUT', 'Multi-band covariate raster (GeoTIFF)', { extensions: ['.tif', '.tiff'] }),
  ],
  outputs: [
    { name: 'OUTPUT', kind: 'raster', description: 'six named bands' },
    { name: 'BANDS', kind: 'string', description: 'band names, comma-separated' },
  ],
  check(p) {
    return checkFlatValue(p.FLAT_VALUE as number);
  },
  async run(p, ctx) {
    const dem = await openDem(p.INPUT, p.BAND, ctx);
    const method = p.METHOD as SlopeMethod;
    const units = p.UNITS as SlopeUnits;
    const convention = p.CONVENTION as CurvatureConvention;
    const cdef = CURVATURE_DEFINITIONS[convention];
    const o = twiOptions(p);
    let w: RasterWriter | undefined;
    try {
      checkTwiMemory(dem, p.MAX_MEMORY_GB, 'terrain:covariates');
      // 1. TWI (whole grid); its result (4 bytes per cell) is kept for the strip pass
      const read = await readWholeDem(dem, ctx.sub(0, 3));
      if (read.valid === 0) throw allNodataError(dem);
      ctx.log(`covariates of ${dem.width} × ${dem.height} cells (${read.valid} valid); ${dem.cellSizeNote}`);
      // curvature and TWI as SAGA: one cell size when the two differ by geotransform noise only
      const sq = squareCells(dem);
      const twi = await runTwiChain(sq, read, o, ctx.sub(3, 65));
      // 2. the 3 × 3 window covariates in strips, all six bands written strip by strip
      const gradient = method === 'horn' ? 'horn (Horn 1981)' : 'zevenbergen-thorne (Zevenbergen & Thorne 1987)';
      w = await createOutput(dem, ctx, {
        path: p.OUTPUT, bands: 6, bandNames: [...COVARIATE_BANDS],
        metadata: {
          BANDS: COVARIATE_BANDS.join(','),
          ELEVATION: `band 1: the DEM ${dem.info.path}${dem.info.bandCount > 1 ? ` band ${dem.band}` : ''}`,
          SLOPE: `band 2: slope in ${units}, ${gradient}, edges ${p.COMPUTE_EDGES ? 'computed' : 'nodata'} (as terrain:slope)`,
          SLOPE_UNITS: units,
          SLOPE_METHOD: method,
          ASPECT: `band 3: aspect, degrees clockwise from north [0, 360), ${gradient}; flat cells ${p.FLAT_VALUE} (distinct from nodata)`,
          ASPECT_FLAT_VALUE: String(p.FLAT_VALUE),
          COMPUTE_EDGES: String(p.COMPUTE_EDGES),
          CURVATURE_CONVENTION: convention,
          CURVATURE_UNITS: cdef.units,
          PLAN_CURVATURE: `band 4: ${cdef.plan}`,
          PROFILE_CURVATURE: `band 5: ${cdef.profile}`,
          TWI: `band 6: ln(SCA / max(tan(slope), ${o.minTanSlope})), SAGA 8.5 chain: Wang & Liu fill (minimum slope ${o.minSlope} degrees), ${o.flow}${o.flow === 'mfd' ? ` (convergence ${o.convergence})` : ''} flow accumulation, SCA by ZT flow width, ZT slope of the filled DEM`,
          TWI_FLOW: o.flow,
          TWI_CONVERGENCE: String(o.convergence),
          TWI_MIN_SLOPE: String(o.minSlope),
          TWI_MIN_TAN_SLOPE: String(o.minTanSlope),
          CELL_SIZE: dem.cellSizeNote,
        },
      });
      const out = w;
      const W = dem.width;
      await forEachStrip(dem, ctx.sub(65, 97), rowsPerStrip(dem, 8, p.STRIP_ROWS), async (s) => {
        const sa = slopeAspect(s.grid, { method, units, edges: p.COMPUTE_EDGES ? 'compute' : 'none', aspect: true, flatAspect: p.FLAT_VALUE });
        const cv = curvature(sq === dem ? s.grid : { ...s.grid, dy: sq.dy as number }, { convention });
        await out.write(1, 0, s.y0, W, s.rows, s.interior(s.grid.data));
        await out.write(2, 0, s.y0, W, s.rows, s.interior(sa.slope));
        await out.write(3, 0, s.y0, W, s.rows, s.interior(sa.aspect!));
        await out.write(4, 0, s.y0, W, s.rows, s.interior(cv.plan));
        await out.write(5, 0, s.y0, W, s.rows, s.interior(cv.profile));
        await out.write(6, 0, s.y0, W, s.rows, twi.subarray(s.y0 * W, (s.y0 + s.rows) * W));
      });
      ctx.progress(97, 'naming bands');
      await w.close();
      w = undefined;
      return { OUTPUT: p.OUTPUT, BANDS: COVARIATE_BANDS.join(',') };
    } finally {
      closeQuietly([w]);
      dem.info.ds.close();
    }
  },
});
