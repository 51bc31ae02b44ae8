// SPDX-License-Identifier: GPL-2.0-or-later
// Which fields a statistics tool works on: the FIELDS given, or every numeric field.

import { DataError } from '../../toolbox/errors.js';
import { numericColumn, type Table } from '../../toolbox/io/table.js';

/** The chosen fields as numeric columns (NaN = missing); text values are row-numbered errors. */
export function numericFields(t: Table, fields: string[] | undefined, exclude: string[] = []): Map<string, Float64Array> {
  const names = fields && fields.length > 0
    ? fields
    : t.fields.filter((f) => !exclude.includes(f) && t.columns.get(f)!.every((v) => v === null || typeof v === 'number') && t.columns.get(f)!.some((v) => v !== null));
  if (names.length === 0) throw new DataError(`${t.source} has no numeric fields; name them with FIELDS`);
  return new Map(names.map((f) => [f, Float64Array.from(numericColumn(t, f, 'FIELDS'))]));
}
