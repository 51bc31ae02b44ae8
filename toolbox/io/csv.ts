// SPDX-License-Identifier: GPL-2.0-or-later
// A small RFC 4180 CSV reader/writer. CSV is read here rather than through OGR so that every value
// keeps its row number for error messages and empty / NA cells stay missing. Reading is lenient
// where RFC 4180 leaves it open: a quote inside an unquoted field is a literal character. Text is
// UTF-8 unless the run's ENCODING says otherwise; bytes that are not UTF-8 are refused with their
// line, never replaced by U+FFFD. Numbers are decimal only (no 0x, 0b, 0o, 1_000 or Infinity).

import fs from 'node:fs';
import { AsyncLocalStorage } from 'node:async_hooks';
import { isUtf8 } from 'node:buffer';
import { DataError } from '../errors.js';

/** A decimal number: optional sign, digits with an optional fraction, optional exponent. */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * The value of a decimal number written as text (surrounding spaces allowed), else undefined. A
 * decimal beyond the range of doubles (1e400) is ±Infinity: callers refuse it as not finite.
 */
export function parseDecimal(s: string): number | undefined {
  const t = s.trim();
  return DECIMAL.test(t) ? Number(t) : undefined;
}

// ---------------------------------------------------------------- bytes to text

const encodingScope = new AsyncLocalStorage<string | undefined>();

/** Run fn with the run's ENCODING for CSV inputs (toolbox run() does this; undefined = UTF-8). */
export function withCsvEncoding<T>(encoding: string | undefined, fn: () => T): T {
  return encodingScope.run(encoding, fn);
}

/** The ENCODING of the run in progress, if it set one. */
export function csvEncoding(): string | undefined {
  return encodingScope.getStore();
}

const COMPRESSED: [number[], string, string][] = [
  [[0x1f, 0x8b], 'gzip-compressed', 'decompress it first (gunzip -k FILE) and give the .csv'],
  [[0x50, 0x4b, 0x03, 0x04], 'a ZIP archive', 'unzip it and give the .csv inside'],
  [[0x42, 0x5a, 0x68], 'bzip2-compressed', 'decompress it first (bunzip2 -k FILE) and give the .csv'],
  [[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], 'xz-compressed', 'decompress it first (unxz -k FILE) and give the .csv'],
  [[0x28, 0xb5, 0x2f, 0xfd], 'zstd-compressed', 'decompress it first (unzstd FILE) and give the .csv'],
];

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence, or -1. */
function firstInvalidUtf8(b: Uint8Array, partial: boolean): number {
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    const need = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
    if (need === 0) return i;
    for (let k = 1; k <= need; k++) {
      if (i + k >= n) return partial ? -1 : i; // cut off at the end of what was read
      if ((b[i + k] & 0xc0) !== 0x80) return i;
    }
    const c1 = b[i + 1];
    if ((c === 0xe0 && c1 < 0xa0) || (c === 0xed && c1 > 0x9f) || (c === 0xf0 && c1 < 0x90) || (c === 0xf4 && c1 > 0x8f)) return i;
    i += need + 1;
  }
  return -1;
}

/**
 * The text of a CSV file's bytes: UTF-8 (a BOM is dropped), UTF-16 with a BOM, or `encoding`
 * (a byte-order mark wins over it).
 * Compressed or binary data and bytes that are not UTF-8 are refused naming the file, the line and
 * the fix. `partial`: the bytes are the start of the file (a sequence cut at the end is fine).
 */
export function decodeCsv(buf: Uint8Array, file: string, encoding?: string, partial = false): string {
  for (const [magic, what, fix] of COMPRESSED) {
    if (buf.length >= magic.length && magic.every((m, i) => buf[i] === m)) {
      throw new DataError(`${file} is ${what} data, not CSV text; ${fix.replace('FILE', file)}`);
    }
  }
  let text: string;
  const bom16 = buf.length >= 2 && ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff));
  const bom8 = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf;
  const enc = encoding?.toLowerCase();
  // a byte-order mark says the encoding for sure: it wins over ENCODING
  if (enc && enc !== 'utf-8' && enc !== 'utf8' && !bom8 && !bom16) {
    text = new TextDecoder(enc).decode(buf, { stream: partial });
  } else if (bom16) {
    text = new TextDecoder(buf[0] === 0xff ? 'utf-16le' : 'utf-16be').decode(buf, { stream: partial });
  } else {
    if (!isUtf8(buf)) {
      const at = firstInvalidUtf8(buf, partial);
      if (at >= 0) {
        let line = 1;
        let lineStart = 0;
        for (let i = 0; i < at; i++) {
          if (buf[i] === 0x0a) {
            line++;
            lineStart = i + 1;
          }
        }
        throw new DataError(
          `${file} is not valid UTF-8: line ${line} has the byte 0x${buf[at].toString(16).toUpperCase().padStart(2, '0')} at position ${at - lineStart + 1}, ` +
          'so the file was saved in another encoding (often Latin-1 / Windows-1252); re-save it as UTF-8 or give ENCODING=latin1 ' +
          '(or the encoding it was saved in, e.g. ENCODING=gb18030)',
        );
      }
    }
    text = new TextDecoder('utf-8').decode(buf, { stream: partial });
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.includes('\u0000')) throw new DataError(`${file} is not a text CSV file (it contains binary data); is it damaged or another format?`);
  return text;
}

/** The text of a CSV file in the run's ENCODING (or `encoding`), with decodeCsv's checks. */
export function readCsvText(file: string, encoding = csvEncoding()): string {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    throw new DataError(`cannot read ${file}: ${(e as Error).message}`);
  }
  return decodeCsv(buf, file, encoding);
}

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
  if (text.trim() === '') throw new DataError(`${file} is empty: it needs a header line and at least one row`);
  const nl = text.indexOf('\n');
  const delim = detectDelimiter(nl >= 0 ? text.slice(0, nl) : text);
  const records: string[][] = [];
  let field = '';
  let rec: string[] = [];
  let inQuotes = false;
  /** the current field was quoted: a later quote in it is literal */
  let quoted = false;
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
    } else if (c === '"' && !quoted && field.trim() === '') {
      // a quote opens a quoted value only at the start of a field (spaces before it are dropped);
      // anywhere else it is a literal character (5" pipe, O"Neil)
      field = '';
      inQuotes = true;
      quoted = true;
    } else if (c === delim) {
      rec.push(field);
      field = '';
      quoted = false;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      rec.push(field);
      field = '';
      quoted = false;
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
