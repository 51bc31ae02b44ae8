// SPDX-License-Identifier: GPL-2.0-or-later
// terrain:curvature — plan and profile curvature from the Zevenbergen & Thorne (1987) 3 × 3
// polynomial, in a named convention: SAGA 8.5 ta_morphometry 0 C_CROS / C_LONG (default; 1/m,
// positive = convex; bit for bit as SAGA's float32 grids), textbook Florinsky (2016) kp / kv, or
// ArcGIS (× 100, profile negative = convex). The convention, units and definition are written into
// each output's metadata. Runs in row strips with a one-row halo: memory is flat in raster size.
//
// References: Zevenbergen, L.W., Thorne, C.R. (1987) Earth Surface Processes and Landforms 12,
// 47–56; Florinsky, I.V. (2016) Digital Terrain Analysis in Soil Science and Geology, 2nd ed.;
// Conrad, O. et al. (2015) SAGA v. 2.1.4, Geosci. Model Dev. 8, 1991–2007 (ta_morphometry 0).

import { defineAlgorithm } from '../../toolbox/algorithm.js';
import { param } from '../../toolbox/params.js';
import { curvature, CURVATURE_DEFINITIONS, type CurvatureConvention } from './kernels/index.js';
import { allNodataError, closeQuietly, createOutput, demParams, forEachStrip, openDem, rowsPerStrip, squareCells } from './common.js';
import type { RasterWriter } from '../../toolbox/io/raster.js';

export const CONVENTIONS = ['saga', 'florinsky', 'arcgis'] as const;

export const CONVENTION_HELP =
  'CONVENTION (definitions, signs and units differ between tools; the one used is written into every output\'s metadata):\n' +
  '- saga (default): SAGA 8.5 ta_morphometry 0 with the Zevenbergen & Thorne method — plan = C_CROS (cross-sectional), ' +
  'profile = C_LONG (longitudinal), 1/m, positive = convex; equal to SAGA bit for bit as float32. SAGA\'s "Basic Terrain ' +
  'Analysis" calls these plan and profile curvature.\n' +
  '- florinsky: textbook plan curvature kp = −(q²r − 2pqs + p²t)/(p²+q²)^{3/2} and profile curvature ' +
  'kv = −(p²r + 2pqs + q²t)/[(p²+q²)(1+p²+q²)^{3/2}] (Krcho, Evans–Young, Florinsky 2016) from the same derivatives; 1/m, ' +
  'positive = convex.\n' +
  '- arcgis: ArcGIS Curvature — plan = 100 × C_CROS (positive = convex), profile = −100 × C_LONG (NEGATIVE = convex); ' +
  'units 1/100 m. The ranges of the Northeast China study (PLC −0.06…0.06, PRC −0.03…0.11 on a 90 m DEM) look like these units.\n' +
  'Flat cells (zero gradient) have curvature 0; border cells and cells next to nodata use SAGA\'s mirrored neighbours.';

export default defineAlgorithm({
  id: 'terrain:curvature',
  title: 'Plan and profile curvature (SAGA / Florinsky / ArcGIS conventions)',
  group: 'terrain',
  help:
    'Plan and profile curvature of a DEM from the Zevenbergen & Thorne (1987) quadratic fitted to each 3 × 3 window ' +
    '(D = ∂²z/∂y²/2, E = ∂²z/∂x²/2, F = ∂²z/∂x∂y, G = ∂z/∂y, H = ∂z/∂x).\n\n' + CONVENTION_HELP + '\n\n' +
    'Geographic DEMs are handled (cell sizes in metres per row on the ellipsoid); a DEM without CRS is processed with a ' +
    'warning, its cell size taken as metres. Give OUTPUT_PLAN, OUTPUT_PROFILE or both (Float32 GeoTIFFs). Processed in ' +
    'row strips with a one-row halo (memory independent of the raster size).',
  split: { kind: 'neighbourhood', grid: 'INPUT', halo: 1 },
  inputs: [
    demParams.input(),
    demParams.band(),
    param.enum('CONVENTION', 'Definition, sign and units: saga (C_CROS/C_LONG, 1/m), florinsky (kp/kv, 1/m), arcgis (×100, profile negative = convex)', CONVENTIONS, { default: 'saga' }),
    demParams.stripRows(),
    param.rasterDestination('OUTPUT_PLAN', 'Plan curvature raster (GeoTIFF)', { extensions: ['.tif', '.tiff'], optional: true }),
    param.rasterDestination('OUTPUT_PROFILE', 'Profile curvature raster (GeoTIFF)', { extensions: ['.tif', '.tiff'], optional: true }),
  ],
  outputs: [
    { name: 'OUTPUT_PLAN', kind: 'raster', description: 'plan curvature' },
    { name: 'OUTPUT_PROFILE', kind: 'raster', description: 'profile curvature' },
    { name: 'CURVATURE_CONVENTION', kind: 'string', description: 'convention used' },
    { name: 'CURVATURE_UNITS', kind: 'string', description: 'units of both outputs' },
  ],
  check(p) {
    return p.OUTPUT_PLAN || p.OUTPUT_PROFILE ? [] : ['give OUTPUT_PLAN, OUTPUT_PROFILE or both'];
  },
  async run(p, ctx) {
    const dem = squareCells(await openDem(p.INPUT, p.BAND, ctx));
    const convention = p.CONVENTION as CurvatureConvention;
    const def = CURVATURE_DEFINITIONS[convention];
    const meta = (which: 'plan' | 'profile') => ({
      CURVATURE: which,
      CURVATURE_CONVENTION: convention,
      CURVATURE_UNITS: def.units,
      CURVATURE_DEFINITION: def[which],
      CELL_SIZE: dem.cellSizeNote,
    });
    let plan: RasterWriter | undefined;
    let profile: RasterWriter | undefined;
    try {
      if (p.OUTPUT_PLAN) plan = await createOutput(dem, ctx, { path: p.OUTPUT_PLAN, bands: 1, unit: def.units, metadata: meta('plan') });
      if (p.OUTPUT_PROFILE) profile = await createOutput(dem, ctx, { path: p.OUTPUT_PROFILE, bands: 1, unit: def.units, metadata: meta('profile') });
      const valid = await forEachStrip(dem, ctx, rowsPerStrip(dem, 4, p.STRIP_ROWS), async (s) => {
        const r = curvature(s.grid, { convention });
        if (plan) await plan.write(1, 0, s.y0, dem.width, s.rows, s.interior(r.plan));
        if (profile) await profile.write(1, 0, s.y0, dem.width, s.rows, s.interior(r.profile));
      });
      if (valid === 0) throw allNodataError(dem);
      for (const w of [plan, profile]) if (w) await w.close();
      plan = profile = undefined;
      ctx.log(`curvature (${convention}, ${def.units}) of ${dem.width} × ${dem.height} cells, ${valid} valid`);
      return { OUTPUT_PLAN: p.OUTPUT_PLAN, OUTPUT_PROFILE: p.OUTPUT_PROFILE, CURVATURE_CONVENTION: convention, CURVATURE_UNITS: def.units };
    } finally {
      closeQuietly([plan, profile]);
      dem.info.ds.close();
    }
  },
});
