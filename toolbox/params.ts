// SPDX-License-Identifier: GPL-2.0-or-later
// Parameter kinds. Each parameter is declared once, in the algorithm, and from that declaration
// come: parsing of CLI strings and JSON values, validation, the JSON Schema of the OGC process
// description and the QGIS parameter definition (the dict of QgsProcessingParameterDefinition::
// toVariantMap() that QgsProcessingParameters.parameterFromVariantMap() rebuilds).

import fs from 'node:fs';
import path from 'node:path';
import { parseDecimal } from './io/csv.js';

export type ParamKind =
  | 'raster' | 'vector' | 'field' | 'number' | 'integer' | 'enum' | 'boolean' | 'string'
  | 'expression' | 'list' | 'file' | 'folder'
  | 'rasterDestination' | 'vectorDestination' | 'tableDestination' | 'fileDestination'
  | 'folderDestination';

export type JsonSchema = Record<string, unknown>;

/** Where relative paths are resolved and which folders a path may lie in (the HTTP bridge). */
export interface ParseContext {
  cwd: string;
  /** Called with every resolved input/output path; throws to refuse it (workspace confinement). */
  checkPath?: (absPath: string, param: ParamDef, role: 'input' | 'output') => void;
}

export interface ParamDef<T = unknown> {
  name: string;
  kind: ParamKind;
  description: string;
  optional: boolean;
  default?: T;
  advanced: boolean;
  /** enum choices */
  options?: readonly string[];
  min?: number;
  max?: number;
  /** min is exclusive (e.g. depth > 0) */
  exclusiveMin?: boolean;
  /** field: the layer parameter whose fields are offered; numeric or any */
  parent?: string;
  fieldType?: 'numeric' | 'string' | 'any';
  /** list: what each item is */
  itemKind?: 'number' | 'integer' | 'string' | 'raster' | 'vector' | 'field' | 'file';
  /** file / destinations: accepted extensions (lowercase, with dot) */
  extensions?: readonly string[];
  /**
   * table destinations: the fields the algorithm adds, known from the parameters, and the input
   * parameter whose fields it copies — so that a format's limits (Shapefile: 10 characters) are
   * checked before anything is computed
   */
  addsFields?: (values: Record<string, unknown>) => string[];
  copiesFieldsOf?: string;
  /** Turn a raw value (CLI string, JSON value) into the typed value; throws a plain message. */
  parse(raw: unknown, ctx: ParseContext): T;
}

/** Thrown by parse(); run() prefixes it with the parameter and algorithm. */
export class ParamValueError extends Error {}

type Common<T> = {
  optional?: boolean;
  default?: T;
  advanced?: boolean;
};

function def<T>(
  kind: ParamKind, name: string, description: string, o: Common<T> & Partial<ParamDef<T>>,
  parse: (raw: unknown, ctx: ParseContext, self: ParamDef<T>) => T,
): ParamDef<T> {
  if (!/^[A-Z][A-Z0-9_]*$/.test(name)) throw new Error(`parameter name ${name} must be UPPER_CASE`);
  const p: ParamDef<T> = {
    ...o,
    name, kind, description,
    optional: o.optional ?? o.default !== undefined,
    default: o.default,
    advanced: o.advanced ?? false,
    parse: (raw, ctx) => parse(raw, ctx, p),
  };
  return p;
}

// ---------------------------------------------------------------- scalar parsing helpers

function asString(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  throw new ParamValueError(`expected text, got ${JSON.stringify(raw)}`);
}

export function parseNumber(raw: unknown, integer: boolean): number {
  let v: number;
  const parsed = typeof raw === 'string' ? parseDecimal(raw) : undefined;
  if (typeof raw === 'number') v = raw;
  else if (parsed !== undefined) v = parsed;
  else {
    throw new ParamValueError(`"${String(raw)}" is not a number (numbers are decimal, e.g. 30, 0.25 or 1e-3)`);
  }
  if (!Number.isFinite(v)) throw new ParamValueError(`${v} is not a finite number`);
  if (integer && !Number.isInteger(v)) throw new ParamValueError(`${v} is not a whole number`);
  return v;
}

function checkBounds(v: number, p: ParamDef<unknown>): number {
  if (p.min !== undefined && (p.exclusiveMin ? v <= p.min : v < p.min)) {
    throw new ParamValueError(`${v} is too small: it must be ${p.exclusiveMin ? '>' : '≥'} ${p.min}`);
  }
  if (p.max !== undefined && v > p.max) {
    throw new ParamValueError(`${v} is too large: it must be ≤ ${p.max}`);
  }
  return v;
}

/** Split a layer reference "file.gpkg|layername=name" into its parts. */
export function splitLayerRef(ref: string): { file: string; layer?: string } {
  const bar = ref.indexOf('|');
  if (bar < 0) return { file: ref };
  const file = ref.slice(0, bar);
  const m = /(?:^|\|)layername=([^|]*)/i.exec(ref.slice(bar));
  return { file, layer: m ? m[1] : undefined };
}

/** Longest path the system accepts (PATH_MAX − 1) and longest name of a file or folder. */
const PATH_MAX = 4095;
const NAME_MAX = 255;
/** Longest output file name: room for its side files (<name>.socp.json, <name>.aux.xml). */
export const OUTPUT_NAME_MAX = NAME_MAX - '.socp.json'.length;

function bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** A path too long for the system, said so with the fix (not ENAMETOOLONG or "does not exist"). */
function lengthProblem(abs: string): string | undefined {
  if (bytes(abs) > PATH_MAX) {
    return `the path ${abs.slice(0, 60)}… is ${bytes(abs)} bytes long, more than the ${PATH_MAX} bytes the system accepts; use a shorter folder or file name`;
  }
  const long = abs.split(path.sep).find((part) => bytes(part) > NAME_MAX);
  if (long) return `a name in the path ${abs.slice(0, 60)}… is ${bytes(long)} bytes long ("${long.slice(0, 40)}…"); file and folder names are limited to ${NAME_MAX} bytes — shorten it`;
  return undefined;
}

/** stat() with the reason of a failure in words (undefined when the path does not exist). */
function statOrExplain(abs: string, what: string): fs.Stats | undefined {
  try {
    return fs.statSync(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ENOTDIR') throw new ParamValueError(`${what} ${abs} cannot exist: a part of its path is a file, not a folder; check the path`);
    if (code === 'EACCES' || code === 'EPERM') throw new ParamValueError(`${what} ${abs} cannot be reached: a folder on its path is not accessible (permission denied); check the folders' permissions`);
    if (code === 'ENAMETOOLONG') throw new ParamValueError(`the path ${abs.slice(0, 60)}… is too long for the system; use a shorter folder or file name`);
    if (code === 'ELOOP') throw new ParamValueError(`${what} ${abs} cannot be reached: its path has a loop of symbolic links`);
    throw new ParamValueError(`${what} ${abs} cannot be reached (${code ?? (e as Error).message}); check the path`);
  }
}

function resolveExisting(raw: unknown, ctx: ParseContext, p: ParamDef<unknown>, layerRef: boolean): string {
  const s = asString(raw).trim();
  if (s === '') throw new ParamValueError('no path given');
  const { file, layer } = layerRef ? splitLayerRef(s) : { file: s, layer: undefined };
  const abs = path.resolve(ctx.cwd, file);
  ctx.checkPath?.(abs, p, 'input');
  const tooLong = lengthProblem(abs);
  if (tooLong) throw new ParamValueError(tooLong);
  const st = statOrExplain(abs, 'file');
  if (!st) throw new ParamValueError(`file ${abs} does not exist; check the path`);
  if (!st.isFile()) throw new ParamValueError(`${abs} is not a regular file`);
  try {
    fs.accessSync(abs, fs.constants.R_OK);
  } catch {
    throw new ParamValueError(`file ${abs} is not readable; check its permissions`);
  }
  return layer !== undefined ? `${abs}|layername=${layer}` : abs;
}

function resolveDestination(raw: unknown, ctx: ParseContext, p: ParamDef<unknown>, folder: boolean): string {
  const s = asString(raw).trim();
  if (s === '') throw new ParamValueError('no path given');
  const { file, layer } = splitLayerRef(s);
  const abs = path.resolve(ctx.cwd, file);
  ctx.checkPath?.(abs, p, 'output');
  const tooLong = lengthProblem(abs);
  if (tooLong) throw new ParamValueError(tooLong);
  if (!folder && bytes(path.basename(abs)) > OUTPUT_NAME_MAX) {
    throw new ParamValueError(`the file name ${path.basename(abs).slice(0, 40)}… is ${bytes(path.basename(abs))} bytes long; output names are limited to ${OUTPUT_NAME_MAX} bytes so that their side files (<name>.socp.json, <name>.aux.xml) fit the system's ${NAME_MAX}-byte limit — shorten it`);
  }
  const parent = path.dirname(abs);
  const pst = statOrExplain(parent, 'the folder');
  if (!pst || !pst.isDirectory()) {
    throw new ParamValueError(`the folder ${parent} does not exist; create it first or choose another output path`);
  }
  try {
    fs.accessSync(parent, fs.constants.W_OK | fs.constants.X_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ParamValueError(code === 'EROFS'
      ? `the folder ${parent} is on a read-only file system; choose another output folder`
      : `the folder ${parent} is not writable (permission denied); choose an output folder you can write to or change its permissions`);
  }
  const st = statOrExplain(abs, folder ? 'the folder' : 'the file');
  if (folder) {
    if (st && !st.isDirectory()) {
      throw new ParamValueError(`${abs} exists and is not a folder`);
    }
  } else {
    if (st && st.isDirectory()) {
      throw new ParamValueError(`${abs} is a folder; give a file name`);
    }
    if (p.extensions && p.extensions.length > 0) {
      const ext = path.extname(abs).toLowerCase();
      if (!p.extensions.includes(ext)) {
        throw new ParamValueError(`unsupported file type "${ext || '(none)'}"; use one of ${p.extensions.join(', ')}`);
      }
    }
  }
  return layer !== undefined ? `${abs}|layername=${layer}` : abs;
}

function splitList(raw: unknown): unknown[] {
  if (Array.isArray(raw)) return raw;
  const s = asString(raw).trim();
  if (s === '') return [];
  return s.split(',').map((x) => x.trim());
}

// ---------------------------------------------------------------- the builders

export const RASTER_EXTENSIONS = ['.tif', '.tiff', '.vrt', '.img', '.asc', '.nc', '.sdat', '.png'] as const;
export const VECTOR_EXTENSIONS = ['.gpkg', '.geojson', '.json', '.shp', '.csv'] as const;
export const TABLE_EXTENSIONS = ['.csv', '.gpkg', '.geojson', '.json', '.shp'] as const;

export const param = {
  raster(name: string, description: string, o: Common<string> = {}): ParamDef<string> {
    return def('raster', name, description, o, (raw, ctx, p) => resolveExisting(raw, ctx, p, false));
  },
  /** A vector layer or a table (CSV with or without coordinate columns, GeoPackage, GeoJSON, Shapefile). */
  vector(name: string, description: string, o: Common<string> = {}): ParamDef<string> {
    return def('vector', name, description, o, (raw, ctx, p) => resolveExisting(raw, ctx, p, true));
  },
  field(name: string, description: string, o: Common<string> & { parent: string; fieldType?: 'numeric' | 'string' | 'any' }): ParamDef<string> {
    return def('field', name, description, { fieldType: 'numeric', ...o }, (raw) => {
      const s = asString(raw).trim();
      if (s === '') throw new ParamValueError('no field name given');
      return s;
    });
  },
  number(name: string, description: string, o: Common<number> & { min?: number; max?: number; exclusiveMin?: boolean } = {}): ParamDef<number> {
    return def('number', name, description, o, (raw, _c, p) => checkBounds(parseNumber(raw, false), p));
  },
  integer(name: string, description: string, o: Common<number> & { min?: number; max?: number } = {}): ParamDef<number> {
    return def('integer', name, description, o, (raw, _c, p) => checkBounds(parseNumber(raw, true), p));
  },
  enum<S extends string>(name: string, description: string, options: readonly S[], o: Common<S> = {}): ParamDef<S> {
    return def('enum', name, description, { ...o, options }, (raw) => {
      if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 && raw < options.length) return options[raw];
      const s = asString(raw).trim();
      const hit = options.find((x) => x.toLowerCase() === s.toLowerCase());
      if (hit) return hit;
      if (/^\d+$/.test(s) && Number(s) < options.length) return options[Number(s)];
      throw new ParamValueError(`"${s}" is not one of ${options.join(', ')}`);
    });
  },
  boolean(name: string, description: string, o: Common<boolean> = {}): ParamDef<boolean> {
    return def('boolean', name, description, o, (raw) => {
      if (typeof raw === 'boolean') return raw;
      const s = asString(raw).trim().toLowerCase();
      if (['true', 'yes', '1', 'on'].includes(s)) return true;
      if (['false', 'no', '0', 'off'].includes(s)) return false;
      throw new ParamValueError(`"${s}" is not true or false`);
    });
  },
  string(name: string, description: string, o: Common<string> = {}): ParamDef<string> {
    return def('string', name, description, o, (raw) => asString(raw));
  },
  expression(name: string, description: string, o: Common<string> = {}): ParamDef<string> {
    return def('expression', name, description, o, (raw) => {
      const s = asString(raw).trim();
      if (s === '') throw new ParamValueError('the expression is empty');
      return s;
    });
  },
  list<I extends 'number' | 'integer' | 'string' | 'raster' | 'vector' | 'field' | 'file'>(
    name: string, description: string, itemKind: I,
    o: Common<unknown[]> & { parent?: string; min?: number; max?: number; options?: readonly string[] } = {},
  ): ParamDef<(I extends 'number' | 'integer' ? number : string)[]> {
    return def('list', name, description, { ...o, itemKind } as never, (raw, ctx, p) => {
      const items = splitList(raw);
      return items.map((it, i) => {
        try {
          switch (itemKind) {
            case 'number': return checkBounds(parseNumber(it, false), p);
            case 'integer': return checkBounds(parseNumber(it, true), p);
            case 'raster':
            case 'file': return resolveExisting(it, ctx, p, false);
            case 'vector': return resolveExisting(it, ctx, p, true);
            default: {
              const s = asString(it).trim();
              if (s === '') throw new ParamValueError('empty item');
              if (p.options && !p.options.some((x) => x.toLowerCase() === s.toLowerCase())) {
                throw new ParamValueError(`"${s}" is not one of ${p.options.join(', ')}`);
              }
              return p.options ? p.options.find((x) => x.toLowerCase() === s.toLowerCase())! : s;
            }
          }
        } catch (e) {
          throw new ParamValueError(`item ${i + 1}: ${(e as Error).message}`);
        }
      }) as never;
    });
  },
  file(name: string, description: string, o: Common<string> & { extensions?: readonly string[] } = {}): ParamDef<string> {
    return def('file', name, description, o, (raw, ctx, p) => resolveExisting(raw, ctx, p, false));
  },
  /** An existing folder (e.g. a template folder). */
  folder(name: string, description: string, o: Common<string> = {}): ParamDef<string> {
    return def('folder', name, description, o, (raw, ctx, p) => {
      const s = asString(raw).trim();
      if (s === '') throw new ParamValueError('no folder given');
      const abs = path.resolve(ctx.cwd, s);
      ctx.checkPath?.(abs, p, 'input');
      if (!fs.existsSync(abs)) throw new ParamValueError(`folder ${abs} does not exist; check the path`);
      if (!fs.statSync(abs).isDirectory()) throw new ParamValueError(`${abs} is not a folder`);
      return abs;
    });
  },
  rasterDestination(name: string, description: string, o: Common<string> & { extensions?: readonly string[] } = {}): ParamDef<string> {
    return def('rasterDestination', name, description, { extensions: ['.tif', '.tiff', '.vrt'], ...o },
      (raw, ctx, p) => resolveDestination(raw, ctx, p, false));
  },
  vectorDestination(name: string, description: string, o: Common<string> & { extensions?: readonly string[] } = {}): ParamDef<string> {
    return def('vectorDestination', name, description, { extensions: [...VECTOR_EXTENSIONS], ...o },
      (raw, ctx, p) => resolveDestination(raw, ctx, p, false));
  },
  tableDestination(name: string, description: string, o: Common<string> & { extensions?: readonly string[] } = {}): ParamDef<string> {
    return def('tableDestination', name, description, { extensions: [...TABLE_EXTENSIONS], ...o },
      (raw, ctx, p) => resolveDestination(raw, ctx, p, false));
  },
  fileDestination(name: string, description: string, o: Common<string> & { extensions?: readonly string[] } = {}): ParamDef<string> {
    return def('fileDestination', name, description, o, (raw, ctx, p) => resolveDestination(raw, ctx, p, false));
  },
  folderDestination(name: string, description: string, o: Common<string> = {}): ParamDef<string> {
    return def('folderDestination', name, description, o, (raw, ctx, p) => resolveDestination(raw, ctx, p, true));
  },
};

export function isDestination(p: ParamDef): boolean {
  return p.kind.endsWith('Destination');
}

/** [parameter, path] of every input path a run was given (lists item by item). */
export function inputRefs(defs: readonly ParamDef[], values: Record<string, unknown>): [string, string][] {
  const out: [string, string][] = [];
  for (const p of defs) {
    const v = values[p.name];
    if (!isInputPath(p) || v === undefined) continue;
    for (const ref of Array.isArray(v) ? v : [v]) out.push([p.name, String(ref)]);
  }
  return out;
}

export function isInputPath(p: ParamDef): boolean {
  return p.kind === 'raster' || p.kind === 'vector' || p.kind === 'file' ||
    (p.kind === 'list' && (p.itemKind === 'raster' || p.itemKind === 'vector' || p.itemKind === 'file'));
}

// ---------------------------------------------------------------- run options derived by the toolbox

/**
 * Text encodings a CSV input may be declared in (ENCODING); names as the WHATWG Encoding standard
 * (TextDecoder) knows them — "latin1" decodes as windows-1252, its superset.
 */
export const CSV_ENCODINGS = ['utf-8', 'latin1', 'windows-1252', 'iso-8859-15', 'windows-1251', 'gb18030', 'gbk', 'big5', 'shift_jis', 'euc-kr', 'utf-16le', 'utf-16be'] as const;

/** A destination that may name one layer of a GeoPackage (file.gpkg|layername=x). */
export function isLayerDestination(p: ParamDef): boolean {
  return isDestination(p) && p.kind !== 'folderDestination' && p.kind !== 'rasterDestination' && (p.extensions ?? []).includes('.gpkg');
}

/** An input that may be a table read by the toolbox (a CSV among them). */
function mayBeTable(p: ParamDef): boolean {
  return p.kind === 'vector' || (p.kind === 'list' && p.itemKind === 'vector') || (p.kind === 'file' && p.extensions === undefined);
}

/**
 * The run options the toolbox adds to every algorithm they apply to, declared here once: the CLI
 * (--help, --NAME=value; --overwrite), the bridge's process descriptions and the QGIS parameters all
 * come from these declarations, as from any other parameter. No algorithm declares or reads them:
 * run() gives OVERWRITE to the output transaction and ENCODING to the table readers.
 *
 * - OVERWRITE, for algorithms with a destination that can be a GeoPackage layer.
 * - ENCODING, for algorithms that read tables: one option for the run's CSV inputs rather than one per
 *   input parameter, because the CSV files of one run almost always come from the same source.
 */
export function runOptionParams(inputs: readonly ParamDef[]): ParamDef[] {
  const out: ParamDef[] = [];
  const has = (n: string) => inputs.some((p) => p.name === n);
  if (!has('OVERWRITE') && inputs.some(isLayerDestination)) {
    out.push(param.boolean('OVERWRITE',
      'Replace a layer that already exists in a destination GeoPackage (file.gpkg|layername=x; on the command line also --overwrite). ' +
      'Without it, writing a layer that exists is refused. The GeoPackage\'s other layers are always kept; a destination given as a ' +
      'plain file path is replaced as a whole.', { optional: true, advanced: true }) as ParamDef);
  }
  if (!has('ENCODING') && inputs.some(mayBeTable)) {
    out.push(param.enum('ENCODING',
      'Text encoding of the CSV inputs when they are not UTF-8, e.g. latin1 (older Excel and Windows tools in Western Europe), ' +
      'gb18030 (Chinese Windows). Default UTF-8; a file with a byte-order mark (UTF-8, UTF-16) is read in that encoding whatever ENCODING says. A CSV that is not valid UTF-8 is ' +
      'then refused with the line of its first invalid byte. GeoPackage and GeoJSON are always UTF-8; a Shapefile\'s encoding comes ' +
      'from its .cpg file.', CSV_ENCODINGS, { optional: true, advanced: true }) as ParamDef);
  }
  return out;
}
