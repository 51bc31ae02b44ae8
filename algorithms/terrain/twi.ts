// SPDX-License-Identifier: GPL-2.0-or-later
// terrain:twi — topographic wetness index TWI = ln(a / tan β) (Beven & Kirkby 1979) by the SAGA 8.5
// chain: Wang & Liu (2006) sink fill with a minimum slope (ta_preprocessor 4) → flow accumulation
// (Freeman 1991 MFD, convergence 1.1; or D8, O'Callaghan & Mark 1984; or D-infinity, Tarboton
// 1997) (ta_hydrology 0) → specific catchment area a = TCA / flow width, width from the
// Zevenbergen & Thorne aspect (Quinn et al. 1991; ta_hydrology 19) → ln(a / max(tan β, 0.001))
// with β the ZT slope of the filled DEM (ta_hydrology 20). Kernels: kernels/fill.ts, flow.ts, twi.ts.
// Optionally the SAGA Wetness Index (Böhner; ta_hydrology 15) of the filled DEM: kernels/saga-wetness.ts.

import { defineAlgorithm } from '../../toolbox/algorithm.js';
import { param } from '../../toolbox/params.js';
import type { RasterWriter } from '../../toolbox/io/raster.js';
import { sagaWetnessIndex } from './kernels/index.js';
import {
  allNodataError, checkTwiMemory, closeQuietly, createOutput, demParams, openDem, readWholeDem, runTwiChain, squareCells, TWI_MEMORY_HELP,
  twiOptions, twiParams, writeWhole,
} from './common.js';

export const TWI_HELP =
  'TWI = ln(a / tan β) (Beven & Kirkby 1979), computed as SAGA 8.5 does (ta_preprocessor 4 → ta_hydrology 0 → 19 → 20): ' +
  'sinks filled by priority flood (Wang & Liu 2006) keeping MIN_SLOPE (default 0.1°) across filled areas; total ' +
  'catchment area routed by FLOW — mfd (Freeman 1991, exponent CONVERGENCE = 1.1; the default), d8 or dinf (Tarboton ' +
  '1997) — with flow leaving the grid at its edges and at nodata borders; specific catchment area a = TCA / w (m), w the ' +
  'flow width (|sin α| + |cos α|)·L from the Zevenbergen–Thorne aspect α; β the Zevenbergen–Thorne slope of the filled ' +
  'DEM, tan β floored at MIN_TAN_SLOPE (default 0.001). Agrees with SAGA\'s chain to ~1e-6 relative on every cell. ' +
  'This is the standard TWI, not the "SAGA Wetness Index" (ta_hydrology 15, Böhner\'s modified catchment area), which ' +
  'is a different quantity.';

export const SAGA_WETNESS_HELP =
  'OUTPUT_SAGA_WETNESS (optional): the SAGA Wetness Index (Böhner), not the same quantity as TWI — SAGA 8.5 ' +
  'ta_hydrology 15 with its defaults (Böhner et al. 2002): catchment area routed by an MFD with shares ∝ atan(Δz / d)^1.1, ' +
  'the catchment (mean upslope) slope β_c, a "modified catchment area" A_m in which cells inherit S·A_m of a neighbour ' +
  '(S = (1/d)^(e^d), d = SAGA_SUCTION^β_local, default 10; lower = stronger suction) and are then smoothed over 3 × 3, and ' +
  'SWI = ln((A_m / L) / tan(β_c + 0.1°)). Computed on the sink-filled DEM of the TWI chain (as SAGA\'s Basic Terrain ' +
  'Analysis does). Agrees with saga_cmd ta_hydrology 15 to ~1.3e-7 relative on every cell of projected DEMs. ' +
  'Papers that say "TWI calculated in SAGA" mean either this or the standard TWI: check which.';

export default defineAlgorithm({
  id: 'terrain:twi',
  title: 'Topographic wetness index (fill, MFD/D8/D∞ flow, SCA, TWI)',
  group: 'terrain',
  help:
    TWI_HELP + '\n\n' +
    'Geographic DEMs are handled (cell sizes and areas in metres per row on the ellipsoid); a DEM without CRS is ' +
    'processed with a warning, its cell size taken as metres. Optional outputs: the filled DEM (OUTPUT_FILLED) and the ' +
    'specific catchment area in m (OUTPUT_CATCHMENT). All outputs Float32 GeoTIFF.\n\n' + SAGA_WETNESS_HELP + '\n\n' + TWI_MEMORY_HELP +
    ' With OUTPUT_SAGA_WETNESS the budget is 64 bytes per cell.',
  inputs: [
    demParams.input(),
    demParams.band(),
    twiParams.flow(),
    twiParams.convergence(),
    twiParams.minSlope(),
    twiParams.minTanSlope(),
    param.number('SAGA_SUCTION', 'Suction parameter T of the SAGA Wetness Index (SAGA default 10; ≥ 1, lower = stronger suction); used only with OUTPUT_SAGA_WETNESS', { default: 10, min: 1, advanced: true }),
    demParams.maxMemory(),
    param.rasterDestination('OUTPUT', 'TWI raster (GeoTIFF)', { extensions: ['.tif', '.tiff'] }),
    param.rasterDestination('OUTPUT_FILLED', 'Sink-filled DEM (GeoTIFF)', { extensions: ['.tif', '.tiff'], optional: true }),
    param.rasterDestination('OUTPUT_CATCHMENT', 'Specific catchment area, m (GeoTIFF)', { extensions: ['.tif', '.tiff'], optional: true }),
    param.rasterDestination('OUTPUT_SAGA_WETNESS', 'SAGA Wetness Index (Böhner), not the same quantity as TWI (GeoTIFF)', { extensions: ['.tif', '.tiff'], optional: true }),
  ],
  outputs: [
    { name: 'OUTPUT', kind: 'raster', description: 'topographic wetness index' },
    { name: 'OUTPUT_FILLED', kind: 'raster', description: 'sink-filled DEM' },
    { name: 'OUTPUT_CATCHMENT', kind: 'raster', description: 'specific catchment area (m)' },
    { name: 'OUTPUT_SAGA_WETNESS', kind: 'raster', description: 'SAGA Wetness Index (Böhner), not the same quantity as TWI' },
  ],
  async run(p, ctx) {
    const dem = squareCells(await openDem(p.INPUT, p.BAND, ctx));
    const o = twiOptions(p);
    const writers: (RasterWriter | undefined)[] = [];
    try {
      checkTwiMemory(dem, p.MAX_MEMORY_GB, 'terrain:twi', Boolean(p.OUTPUT_SAGA_WETNESS));
      const read = await readWholeDem(dem, ctx.sub(0, 5));
      if (read.valid === 0) throw allNodataError(dem);
      ctx.log(`TWI chain on ${dem.width} × ${dem.height} cells (${read.valid} valid); ${dem.cellSizeNote}`);
      const common = { FLOW: o.flow, CONVERGENCE: String(o.convergence), MIN_SLOPE: `${o.minSlope} degrees`, MIN_TAN_SLOPE: String(o.minTanSlope), CELL_SIZE: dem.cellSizeNote };
      const twi = await runTwiChain(dem, read, o, ctx.sub(5, 90), {
        filled: p.OUTPUT_FILLED || p.OUTPUT_SAGA_WETNESS ? async (filled) => {
          if (p.OUTPUT_FILLED) {
            const w = await createOutput(dem, ctx, { path: p.OUTPUT_FILLED, bands: 1, unit: 'm', metadata: { DEFINITION: `DEM with sinks filled (Wang & Liu 2006), minimum slope ${o.minSlope} degrees` } });
            writers.push(w);
            await writeWhole(w, 1, dem, filled, ctx);
            await w.close();
            writers.pop();
          }
          if (p.OUTPUT_SAGA_WETNESS) {
            const t0 = Date.now();
            const swi = sagaWetnessIndex({ data: filled, width: dem.width, height: dem.height, dx: dem.dx, dy: dem.dy }, { suction: p.SAGA_SUCTION }).swi;
            ctx.log(`SAGA Wetness Index (Böhner; suction ${p.SAGA_SUCTION}) on the filled DEM: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
            ctx.checkCancelled();
            const w = await createOutput(dem, ctx, {
              path: p.OUTPUT_SAGA_WETNESS, bands: 1,
              metadata: {
                MIN_SLOPE: `${o.minSlope} degrees`, CELL_SIZE: dem.cellSizeNote, SUCTION: String(p.SAGA_SUCTION),
                DEFINITION: 'SAGA Wetness Index (Boehner et al. 2002; SAGA 8.5 ta_hydrology 15 defaults: AREA_TYPE specific, SLOPE_TYPE catchment, SLOPE_MIN 0, SLOPE_OFF 0.1 degrees, SLOPE_WEIGHT 1) of the sink-filled DEM; not the same quantity as TWI',
              },
            });
            writers.push(w);
            await writeWhole(w, 1, dem, swi, ctx);
            await w.close();
            writers.pop();
          }
        } : undefined,
        sca: p.OUTPUT_CATCHMENT ? async (sca) => {
          const w = await createOutput(dem, ctx, { path: p.OUTPUT_CATCHMENT, bands: 1, unit: 'm', metadata: { ...common, DEFINITION: 'specific catchment area = total catchment area / flow width (Zevenbergen-Thorne aspect), m' } });
          writers.push(w);
          await writeWhole(w, 1, dem, sca, ctx);
          await w.close();
          writers.pop();
        } : undefined,
      });
      const w = await createOutput(dem, ctx, {
        path: p.OUTPUT, bands: 1,
        metadata: { ...common, DEFINITION: `TWI = ln(SCA / max(tan(slope), ${o.minTanSlope})) (Beven & Kirkby 1979), SAGA 8.5 chain: Wang & Liu fill, ${o.flow} flow accumulation, SCA by ZT flow width, ZT slope of the filled DEM` },
      });
      writers.push(w);
      await writeWhole(w, 1, dem, twi, ctx);
      await w.close();
      writers.pop();
      return { OUTPUT: p.OUTPUT, OUTPUT_FILLED: p.OUTPUT_FILLED, OUTPUT_CATCHMENT: p.OUTPUT_CATCHMENT, OUTPUT_SAGA_WETNESS: p.OUTPUT_SAGA_WETNESS };
    } finally {
      closeQuietly(writers);
      dem.info.ds.close();
    }
  },
});
