// SPDX-License-Identifier: GPL-2.0-or-later
// raster:calculator — a per-pixel mathjs expression over any number of named rasters on one grid,
// block-wise (row strips) so memory stays flat in raster size. The expression is compiled once
// into a loop over typed arrays after a whitelist check (kernels/expression.ts), in the spirit of
// gdal_calc.py and the QGIS raster calculator.

import path from 'node:path';
import { defineAlgorithm } from '../../toolbox/algorithm.js';
import { DataError, UsageError } from '../../toolbox/errors.js';
import { createRaster, gridMismatch, openRaster, readWindow, stripRows, strips, type RasterInfo } from '../../toolbox/io/raster.js';
import { param } from '../../toolbox/params.js';
import { suggest } from '../../toolbox/suggest.js';
import { compileExpression, ExpressionError, IDENTIFIER, reservedName } from './kernels/expression.js';

/** A file base name as an expression variable: non-identifier characters become "_". */
export function variableName(file: string): string {
  let s = path.basename(file).replace(/\.[^.]+$/, '').replace(/[^A-Za-z0-9_]/g, '_');
  if (!/^[A-Za-z_]/.test(s)) s = '_' + s;
  return s;
}

export default defineAlgorithm({
  id: 'raster:calculator',
  title: 'Raster calculator (mathjs expression over named rasters)',
  group: 'raster',
  help: 'Evaluates a mathjs expression per pixel over any number of rasters on the same grid, e.g. ' +
    '"soc * bd * 30 * (1 - gravel / 100) / 100" for Eq. 1 of the study. Each raster of INPUTS is a variable named by ' +
    'NAMES (in the same order) or by its file base name (characters other than letters, digits and _ become _); a ' +
    'multi-band raster gives name_1, name_2, … per band. Allowed: numbers, pi, e, + − * / ^ mod, comparisons ' +
    '(true = 1, false = 0), and / or / not / xor, c ? a : b, and abs, sqrt, cbrt, exp, expm1, log (log(x, base)), ' +
    'log10, log2, log1p, sin, cos, tan, asin, acos, atan, atan2, sinh, cosh, tanh, floor, ceil, fix, round, sign, ' +
    'square, cube, pow, mod, hypot, min, max. A pixel that is nodata in any raster the expression uses is nodata in ' +
    'the output; results that are not finite (division by zero, sqrt of a negative number) are nodata and counted in ' +
    'the log. Rasters must share size, geotransform and CRS (align them first with covariates:stack). Processed in ' +
    'row strips: rasters larger than memory are fine.',
  split: { kind: 'pixel', grid: 'INPUTS', sum: ['NODATA_CELLS'] },
  inputs: [
    param.list('INPUTS', 'Input rasters (comma-separated), each a variable of the expression', 'raster'),
    param.expression('EXPRESSION', 'mathjs expression over the raster names, e.g. soc*bd'),
    param.list('NAMES', 'Variable names for INPUTS, in the same order (default: file base names)', 'string', { optional: true }),
    param.enum('DATA_TYPE', 'Output data type', ['Float32', 'Float64'] as const, { default: 'Float32', advanced: true }),
    param.rasterDestination('OUTPUT', 'Output raster (GeoTIFF)', { extensions: ['.tif', '.tiff'] }),
  ],
  outputs: [
    { name: 'OUTPUT', kind: 'raster', description: 'the computed raster' },
    { name: 'NODATA_CELLS', kind: 'number', description: 'output cells that are nodata' },
  ],
  check(p) {
    const out: string[] = [];
    const inputs = p.INPUTS as string[];
    if (inputs.length === 0) out.push('INPUTS: give at least one raster');
    const names = (p.NAMES as string[] | undefined) ?? inputs.map(variableName);
    if (p.NAMES && names.length !== inputs.length) out.push(`NAMES has ${names.length} names for ${inputs.length} INPUTS; give one name per raster`);
    for (const n of names) {
      if (!IDENTIFIER.test(n)) out.push(`NAMES: "${n}" is not a valid variable name (letters, digits and _, not starting with a digit)`);
      else if (reservedName(n)) out.push(`NAMES: "${n}" is a function or constant of expressions; choose another name`);
    }
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) out.push(`two rasters are named "${dup}"${p.NAMES ? '' : ' (from their file names)'}; give distinct NAMES`);
    return out;
  },
  async run(p, ctx) {
    const files = p.INPUTS as string[];
    const baseNames = (p.NAMES as string[] | undefined) ?? files.map(variableName);
    const rasters: RasterInfo[] = [];
    try {
      for (const f of files) rasters.push(await openRaster(f, 'input raster'));
      // variables: name (single band) or name_k (band k)
      const vars: { name: string; raster: RasterInfo; band: number }[] = [];
      rasters.forEach((r, i) => {
        if (r.bandCount === 1) vars.push({ name: baseNames[i], raster: r, band: 1 });
        else for (let b = 1; b <= r.bandCount; b++) vars.push({ name: `${baseNames[i]}_${b}`, raster: r, band: b });
      });
      const names = vars.map((v) => v.name);
      let compiled;
      try {
        compiled = compileExpression(p.EXPRESSION, names, suggest);
      } catch (e) {
        if (e instanceof ExpressionError) throw new UsageError(`EXPRESSION: ${e.message}`);
        throw e;
      }
      const first = rasters[0];
      for (const r of rasters.slice(1)) {
        const why = gridMismatch(first, r);
        if (why) throw new DataError(`the rasters must share one grid: ${why}. Align them first with covariates:stack (REFERENCE=${path.basename(first.path)})`);
      }
      if (!first.srsWkt) ctx.warn(`no-crs: ${path.basename(first.path)} has no CRS; the output has none either`);
      const usedVars = compiled.used.map((n) => vars[names.indexOf(n)]);
      if (usedVars.length === 0) ctx.warn('constant-expression: the expression uses no raster; every pixel gets the same value');
      ctx.log(`expression ${p.EXPRESSION} over ${compiled.used.join(', ') || '(no raster)'} on a ${first.width} × ${first.height} grid`);
      const w = first.width;
      const out = await createRaster(ctx.outputs.stage(p.OUTPUT), {
        width: w, height: first.height, bands: 1, dataType: p.DATA_TYPE, geoTransform: first.geoTransform, srsWkt: first.srsWkt,
        metadata: { SOCP_EXPRESSION: p.EXPRESSION, SOCP_VARIABLES: usedVars.map((v) => `${v.name}=${path.basename(v.raster.path)}:${v.band}`).join(' ') },
      });
      const rows = stripRows(w, usedVars.length + 1, 64 * 2 ** 20, first.blockHeight);
      let bad = 0;
      let nodata = 0;
      try {
        const bufs: Float64Array[] = usedVars.map(() => new Float64Array(0));
        let res = new Float64Array(0);
        for (const [y0, nr] of strips(first.height, rows)) {
          ctx.checkCancelled();
          const n = w * nr;
          if (res.length !== n) res = new Float64Array(n);
          for (let k = 0; k < usedVars.length; k++) {
            bufs[k] = await readWindow(usedVars[k].raster, usedVars[k].band, 0, y0, w, nr, bufs[k].length === n ? bufs[k] : undefined);
          }
          bad += compiled.evaluate(bufs, n, res);
          for (let i = 0; i < n; i++) if (Number.isNaN(res[i])) nodata++;
          await out.write(1, 0, y0, w, nr, res);
          ctx.progress(((y0 + nr) / first.height) * 95);
        }
      } finally {
        await out.close();
      }
      if (bad > 0) ctx.warn(`non-finite-results: ${bad} pixels gave a result that is not a finite number (division by zero, log of 0, sqrt of a negative value…) and are nodata`);
      if (nodata === w * first.height) ctx.warn('all-nodata: every output pixel is nodata');
      return { OUTPUT: p.OUTPUT, NODATA_CELLS: nodata };
    } finally {
      for (const r of rasters) r.ds.close();
    }
  },
});
