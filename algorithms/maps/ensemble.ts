// SPDX-License-Identifier: GPL-2.0-or-later
// maps:ensemble — arithmetic or weighted mean of aligned maps, cell by cell. The study combines
// the Hassink and Elustondo SOCp maps by their arithmetic mean and, for comparison, by a mean
// weighted by each model's cross-validated R² (weights normalised to sum to 1).

import path from 'node:path';
import { defineAlgorithm } from '../../toolbox/algorithm.js';
import { param } from '../../toolbox/params.js';
import { createRaster } from '../../toolbox/io/raster.js';
import { DataError } from '../../toolbox/errors.js';
import { alignedStrips, closeAll, openAligned } from './grid-strips.js';

/** Normalised weights (sum 1); equal weights for the arithmetic mean. */
export function ensembleWeights(n: number, method: 'mean' | 'weighted', weights?: number[]): number[] {
  if (method === 'mean') return Array(n).fill(1 / n);
  const w = weights ?? [];
  const s = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / s);
}

export default defineAlgorithm({
  id: 'maps:ensemble',
  title: 'Ensemble of maps (arithmetic or weighted mean)',
  group: 'maps',
  help: 'Combines aligned single-band maps cell by cell: METHOD mean is the arithmetic mean (the study\'s combination of the ' +
    'Hassink and Elustondo SOCp maps); METHOD weighted is Σ wᵢ·xᵢ with the WEIGHTS normalised to sum to 1 (e.g. each ' +
    'model\'s cross-validated R²). A cell missing (nodata) in any input is nodata in the output. The maps must share one ' +
    'grid (size, origin, cell size, CRS); misaligned maps are refused. Units are those of the inputs (kg C m⁻² for SOCp). ' +
    'The output is a Float32 GeoTIFF whose metadata states the method and the normalised weights.',
  split: { kind: 'pixel', grid: 'INPUTS', sum: ['VALID_CELLS'] },
  inputs: [
    param.list('INPUTS', 'Maps to combine (two or more single-band rasters on one grid; band 1 is used)', 'raster'),
    param.enum('METHOD', 'mean: arithmetic mean; weighted: weighted mean with WEIGHTS', ['mean', 'weighted'] as const, { default: 'mean' }),
    param.list('WEIGHTS', 'Weights of the INPUTS in the same order (e.g. each model\'s R²), ≥ 0; normalised to sum 1. Only with METHOD weighted', 'number', { optional: true, min: 0 }),
    param.rasterDestination('OUTPUT', 'The ensemble map (GeoTIFF)'),
  ],
  outputs: [{ name: 'OUTPUT', kind: 'raster', description: 'ensemble map, Float32, units of the inputs' }],
  check(p) {
    const problems: string[] = [];
    const n = (p.INPUTS as string[]).length;
    if (n < 2) problems.push(`INPUTS: give at least two maps to combine (got ${n})`);
    const w = p.WEIGHTS as number[] | undefined;
    if (p.METHOD === 'weighted') {
      if (!w || w.length === 0) problems.push('WEIGHTS: METHOD weighted needs one weight per input (e.g. each model\'s R²)');
      else if (w.length !== n) problems.push(`WEIGHTS: ${w.length} weight${w.length === 1 ? '' : 's'} for ${n} inputs; give one weight per input, in the same order`);
      else if (w.reduce((a, b) => a + b, 0) <= 0) problems.push('WEIGHTS: the weights sum to 0; at least one must be positive');
    } else if (w && w.length > 0) {
      problems.push('WEIGHTS are only used with METHOD weighted; remove them or set METHOD=weighted');
    }
    return problems;
  },
  async run(p, ctx) {
    const files = (p.INPUTS as string[]).map((f, i) => ({ path: f, param: `INPUTS item ${i + 1}` }));
    const infos = await openAligned(files);
    try {
      for (const r of infos) {
        if (r.bandCount > 1) ctx.warn(`${path.basename(r.path)} has ${r.bandCount} bands; band 1 (${r.bandNames[0]}) is used`);
      }
      const method = p.METHOD as 'mean' | 'weighted';
      const w = ensembleWeights(infos.length, method, p.WEIGHTS);
      const names = infos.map((r) => path.basename(r.path));
      ctx.log(`${method === 'mean' ? 'arithmetic mean' : 'weighted mean'} of ${names.map((n, i) => `${n} (w = ${w[i].toFixed(6)})`).join(', ')}`);
      const ref = infos[0];
      const out = await createRaster(ctx.outputs.stage(p.OUTPUT), {
        width: ref.width, height: ref.height, bands: 1, dataType: 'Float32',
        geoTransform: ref.geoTransform, srsWkt: ref.srsWkt,
        bandNames: [method === 'mean' ? 'ensemble_mean' : 'ensemble_weighted_mean'],
        metadata: {
          SOCP_ALGORITHM: 'maps:ensemble',
          ENSEMBLE_METHOD: method,
          ENSEMBLE_INPUTS: names.join(','),
          ENSEMBLE_WEIGHTS: w.join(','),
        },
      });
      let valid = 0;
      let missing = 0;
      let lo = Infinity;
      let hi = -Infinity;
      try {
        for await (const s of alignedStrips(infos.map((info) => ({ info, band: 1 })), ctx, 1)) {
          const n = s.rows * ref.width;
          const res = new Float64Array(n);
          for (let i = 0; i < n; i++) {
            let acc = 0;
            for (let k = 0; k < s.data.length; k++) acc += w[k] * s.data[k][i];
            res[i] = acc; // NaN in any input propagates to NaN → nodata
            if (Number.isNaN(acc)) missing++;
            else {
              valid++;
              if (acc < lo) lo = acc;
              if (acc > hi) hi = acc;
            }
          }
          await out.write(1, 0, s.y0, ref.width, s.rows, res);
          ctx.progress((100 * (s.y0 + s.rows)) / ref.height);
        }
      } finally {
        await out.close();
      }
      if (valid === 0) throw new DataError(`the inputs have no cell where all ${infos.length} maps have a value; check their nodata values`);
      ctx.log(`${valid} cells combined (range ${lo} … ${hi}), ${missing} nodata`);
      return { OUTPUT: p.OUTPUT, WEIGHTS_NORMALISED: w, VALID_CELLS: valid };
    } finally {
      closeAll(infos);
    }
  },
});
