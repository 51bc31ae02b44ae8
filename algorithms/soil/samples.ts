// SPDX-License-Identifier: GPL-2.0-or-later
// Shared parameters and checked column access for the soil algorithms: every value outside its
// physical range is an error naming the file, field, row and likely cause; missing stays missing.

import { param, type ParamDef } from '../../toolbox/params.js';
import type { ParamValues } from '../../toolbox/algorithm.js';
import { DataError } from '../../toolbox/errors.js';
import { numericColumn, type Table } from '../../toolbox/io/table.js';

/** The thickest layer accepted, cm: the same bound for DEPTH and DEPTH_FIELD. */
export const MAX_DEPTH_CM = 1000;

export const soilParams = {
  input: () => param.vector('INPUT', 'Soil samples: a CSV, GeoPackage, GeoJSON or Shapefile with one row per sample (0–30 cm layer)'),
  soc: () => param.field('SOC_FIELD', 'Field with soil organic carbon content, g C kg⁻¹', { parent: 'INPUT' }),
  bd: () => param.field('BD_FIELD', 'Field with bulk density, g cm⁻³ (not kg m⁻³)', { parent: 'INPUT' }),
  fine: () => param.field('FINE_FIELD', 'Field with the fine fraction: % of mineral particles < 50 µm (silt + clay), 0–100', { parent: 'INPUT' }),
  gravel: () => param.field('GRAVEL_FIELD', 'Field with gravel (> 2 mm) content as volume %, 0–100; absent = 0', { parent: 'INPUT', optional: true }),
  depth: () => param.number('DEPTH', 'Thickness of the sampled layer in cm (> 0, ≤ 1000), used when DEPTH_FIELD is not given', { default: 30, min: 0, exclusiveMin: true, max: MAX_DEPTH_CM }),
  depthField: () => param.field('DEPTH_FIELD', 'Field with the layer thickness per sample in cm (overrides DEPTH)', { parent: 'INPUT', optional: true }),
  /** `adds`: the fields the algorithm adds (Shapefile's 10-character limit is checked before computing) */
  output: (adds: (p: ParamValues) => string[]) => {
    const o = param.tableDestination('OUTPUT', 'Output table: the input rows and fields plus the computed fields (CSV, GeoPackage or GeoJSON; ' +
      'a Shapefile is refused because the computed field names are longer than its 10 characters)');
    o.addsFields = adds;
    o.copiesFieldsOf = 'INPUT';
    return o;
  },
} satisfies Record<string, (...a: never[]) => ParamDef>;

interface Range {
  min: number;
  max: number;
  minInclusive: boolean;
  what: string;
  hint?: (v: number) => string | undefined;
  /** A whole-column check (values present, their maximum): a message when the column is in the wrong unit. */
  column?: (max: number) => string | undefined;
}

export const RANGES: Record<string, Range> = {
  SOC_FIELD: { min: 0, max: 1000, minInclusive: true, what: 'SOC must be 0–1000 g C kg⁻¹', hint: (v) => (v < 0 ? 'negative carbon is impossible; check the sign' : v > 1000 ? 'more than 100 % carbon; is the unit g kg⁻¹?' : undefined) },
  BD_FIELD: {
    min: 0.1, max: 2.65, minInclusive: true, what: 'bulk density must be 0.1–2.65 g cm⁻³',
    hint: (v) => (v > 100 ? 'it looks like kg m⁻³; BD_FIELD expects g cm⁻³ (divide by 1000)' : undefined),
  },
  FINE_FIELD: {
    min: 0, max: 100, minInclusive: true, what: 'the fine fraction is a percentage, 0–100',
    // silt + clay below 1 % at every sample does not occur in soils: the column is a 0–1 fraction
    column: (max) => (max <= 1 ? `every value is ≤ 1 (largest ${max}): it looks like a fraction; FINE_FIELD expects % < 50 µm, 0–100 (multiply by 100)` : undefined),
  },
  GRAVEL_FIELD: { min: 0, max: 100, minInclusive: true, what: 'gravel is a volume percentage, 0–100' },
  DEPTH_FIELD: { min: 0, max: MAX_DEPTH_CM, minInclusive: false, what: 'depth must be > 0 cm (and ≤ 1000)', hint: (v) => (v <= 0 ? 'a layer needs a positive thickness' : undefined) },
};

/** A checked numeric column (NaN = missing); throws naming the first bad rows. */
export function checkedColumn(t: Table, field: string, paramName: keyof typeof RANGES): Float64Array {
  const vals = numericColumn(t, field, paramName);
  const r = RANGES[paramName];
  const bad: string[] = [];
  let nBad = 0;
  let hint: string | undefined;
  vals.forEach((v, i) => {
    if (Number.isNaN(v)) return;
    const ok = (r.minInclusive ? v >= r.min : v > r.min) && v <= r.max;
    if (!ok) {
      nBad++;
      if (bad.length < 5) bad.push(`row ${i + 1}: ${v}`);
      hint ??= r.hint?.(v);
    }
  });
  if (nBad > 0) {
    throw new DataError(
      `${t.source}: field "${field}" (${paramName}) has ${nBad} value${nBad > 1 ? 's' : ''} out of range — ${bad.join(', ')}${nBad > 5 ? ', …' : ''}. ${r.what}${hint ? `; ${hint}` : ''}.`,
    );
  }
  let max = -Infinity;
  for (const v of vals) if (v > max) max = v; // NaN (missing) never compares greater
  const wrongUnit = max > -Infinity ? r.column?.(max) : undefined;
  if (wrongUnit) throw new DataError(`${t.source}: field "${field}" (${paramName}): ${wrongUnit}.`);
  return Float64Array.from(vals);
}

/** Gravel % per row (0 when no field), depth per row (DEPTH or DEPTH_FIELD). */
export function gravelAndDepth(t: Table, p: ParamValues): { gravel: Float64Array; depth: Float64Array } {
  const gravel = p.GRAVEL_FIELD ? checkedColumn(t, p.GRAVEL_FIELD, 'GRAVEL_FIELD') : new Float64Array(t.nRows);
  const depth = p.DEPTH_FIELD ? checkedColumn(t, p.DEPTH_FIELD, 'DEPTH_FIELD') : new Float64Array(t.nRows).fill(p.DEPTH);
  return { gravel, depth };
}

/** Count rows where any of the arrays is missing. */
export function countMissing(...cols: Float64Array[]): number {
  let n = 0;
  for (let i = 0; i < cols[0].length; i++) if (cols.some((c) => Number.isNaN(c[i]))) n++;
  return n;
}
