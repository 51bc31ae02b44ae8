// SPDX-License-Identifier: GPL-2.0-or-later
// Writing an algorithm's outputs through the run's output transaction (staged, renamed on success).

import fs from 'node:fs';
import path from 'node:path';
import type { RunContext } from '../context.js';
import { splitLayerRef } from '../params.js';
import { UsageError } from '../errors.js';
import { geoPackageBusy, outputLayerName, writeTable, type Table } from './table.js';
import { formatCsv } from './csv.js';

/**
 * Write a table to a destination ("file.ext" or "file.gpkg|layername=x"); returns the final path.
 * A named layer of an existing GeoPackage is added to (or, with OVERWRITE, replaced in) a staged
 * copy of it, so its other layers stay and the file changes only when the run succeeds.
 */
export async function saveTable(ctx: RunContext, dest: string, t: Table): Promise<string> {
  const { file, layer } = splitLayerRef(dest);
  const update = layer !== undefined && path.extname(file).toLowerCase() === '.gpkg';
  const busy = update ? geoPackageBusy(file) : undefined;
  if (busy) throw new UsageError(busy);
  const staged = ctx.outputs.stage(file, { copyExisting: update });
  await writeTable(staged, t, { layerName: outputLayerName(dest), update, overwrite: ctx.outputs.overwriteLayers });
  return file;
}

/** Write text (JSON, HTML, CSV…) to a destination file; returns the final path. */
export function saveText(ctx: RunContext, dest: string, text: string): string {
  fs.writeFileSync(ctx.outputs.stage(dest), text);
  return dest;
}

export function saveJson(ctx: RunContext, dest: string, value: unknown): string {
  return saveText(ctx, dest, JSON.stringify(value, null, 2) + '\n');
}

/** Rows of objects as CSV (columns in the order of `columns`). */
export function saveRows(ctx: RunContext, dest: string, columns: string[], rows: Record<string, unknown>[]): string {
  const ext = path.extname(dest).toLowerCase();
  if (ext === '.json') return saveJson(ctx, dest, rows);
  return saveText(ctx, dest, formatCsv(columns, rows.map((r) => columns.map((c) => {
    const v = r[c];
    return v === undefined ? null : typeof v === 'number' || typeof v === 'string' || v === null ? v : JSON.stringify(v);
  }))));
}
