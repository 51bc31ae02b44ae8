// SPDX-License-Identifier: GPL-2.0-or-later
// A small RFC 4180 CSV reader/writer. CSV is read here rather than through OGR so that every value
// keeps its row number for error messages and empty / NA cells stay missing.

import { DataError } from '../errors.js';

export interface CsvText {
  header: string[];
  rows: string[][];
}

function detectDelimiter(firstLine: string): string {
  const counts = [',', ';', '\t'].map((d) => [d, firstLine.split(d).length] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0][1] > 1 ? counts[0][0] : ',';
}

export function parseCsv(text: string, file: string): CsvText {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const nl = text.indexOf('\n');
  const delim = detectDelimiter(nl >= 0 ? text.slice(0, nl) : text);
  const records: string[][] = [];
  let field = '';
  let rec: string[] = [];
  let inQuotes = false;
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"') {
      inQuotes = true;
    } else if (c === delim) {
      rec.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      rec.push(field);
      field = '';
      if (!(rec.length === 1 && rec[0] === '')) records.push(rec);
      rec = [];
      line++;
    } else {
      field += c;
    }
  }
  if (inQuotes) throw new DataError(`${file}: a quoted value opened before line ${line} is never closed; check the quotes`);
  if (field !== '' || rec.length > 0) {
    rec.push(field);
    records.push(rec);
  }
  if (records.length === 0) throw new DataError(`${file} is empty: it needs a header line and at least one row`);
  const header = records[0].map((h) => h.trim());
  const rows = records.slice(1);
  for (let r = 0; r < rows.length; r++) {
    if (rows[r].length !== header.length) {
      throw new DataError(`${file}: row ${r + 1} (line ${r + 2}) has ${rows[r].length} values but the header has ${header.length} columns; check the delimiters and quotes`);
    }
  }
  return { header, rows };
}

function quote(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function formatCsv(header: string[], rows: (string | number | null | undefined)[][]): string {
  const out: string[] = [header.map(quote).join(',')];
  for (const r of rows) {
    out.push(r.map((v) => {
      if (v === null || v === undefined) return '';
      if (typeof v === 'number') return Number.isNaN(v) ? '' : String(v);
      return quote(v);
    }).join(','));
  }
  return out.join('\n') + '\n';
}
