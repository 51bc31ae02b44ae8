// SPDX-License-Identifier: GPL-2.0-or-later
// Writing an algorithm's outputs through the run's output transaction (staged, renamed on success).

import fs from 'node:fs';
import path from 'node:path';
import type { RunContext } from '../context.js';
import { splitLayerRef } from '../params.js';
import { outputLayerName, writeTable, type Table } from './table.js';
import { formatCsv } from './csv.js';

/** Write a table to a destination ("file.ext" or "file.gpkg|layername=x"); returns the final path. */
export async function saveTable(ctx: RunContext, dest: string, t: Table): Promise<string> {
  const { file } = splitLayerRef(dest);
  await writeTable(ctx.outputs.stage(file), t, outputLayerName(dest));
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
