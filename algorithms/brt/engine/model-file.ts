/**
 * The socp BRT model file: versioned JSON (`"format": "socp-brt", "version": 1`), documented in
 * docs/model-format.md. Numbers are written in JavaScript's shortest round-trip form, so every
 * double parses back to the very same double (-0 is kept; NaN, which a model holds only in
 * degenerate cases, is written as null), and save → load → save gives identical text.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { GbmModel, GbmTree } from './types.js';

export const MODEL_FORMAT = 'socp-brt';
export const MODEL_FORMAT_VERSION = 1;

/** What a model file holds: the model plus free-form metadata (provenance, notes). */
export interface ModelFileContents {
  model: GbmModel;
  meta: Record<string, unknown>;
}

const TREE_FIELDS = [
  'splitVar',
  'splitCodePred',
  'left',
  'right',
  'missing',
  'errorReduction',
  'weight',
  'prediction',
] as const;
const INT_FIELDS = new Set(['splitVar', 'left', 'right', 'missing']);

function num(x: number): string {
  if (x !== x) return 'null';
  if (x === 0 && 1 / x < 0) return '-0';
  if (!Number.isFinite(x)) return 'null';
  return String(x);
}

function arr(a: ArrayLike<number>): string {
  let s = '[';
  for (let i = 0; i < a.length; i++) {
    if (i > 0) s += ',';
    s += num(a[i]!);
  }
  return s + ']';
}

/**
 * Serialises a model (and optional metadata) to the model-file JSON text. With `treeNodes` the
 * trees are left out and their node counts written as "treeNodes" instead (the header of a binary
 * model set, whose tree arrays follow in binary).
 */
export function modelToJson(model: GbmModel, meta: Record<string, unknown> = {}, o: { treeNodes?: boolean } = {}): string {
  const t = model.training;
  const lines: string[] = [];
  lines.push('{');
  lines.push(`"format": ${JSON.stringify(MODEL_FORMAT)},`);
  lines.push(`"version": ${MODEL_FORMAT_VERSION},`);
  lines.push(`"meta": ${JSON.stringify(meta)},`);
  lines.push(`"distribution": ${JSON.stringify(model.distribution)},`);
  lines.push(`"predictorNames": ${JSON.stringify(model.predictorNames)},`);
  const pr = model.params;
  lines.push(
    `"params": {"nTrees": ${num(pr.nTrees)}, "interactionDepth": ${num(pr.interactionDepth)}, ` +
      `"shrinkage": ${num(pr.shrinkage)}, "nMinObsInNode": ${num(pr.nMinObsInNode)}, ` +
      `"bagFraction": ${num(pr.bagFraction)}, "seed": ${num(pr.seed)}},`,
  );
  lines.push(`"initF": ${num(model.initF)},`);
  lines.push(`"nTrees": ${num(model.nTrees)},`);
  lines.push(
    `"training": {"nRows": ${num(t.nRows)}, "nBag": ${num(t.nBag)}, "weighted": ${t.weighted ? 'true' : 'false'}, ` +
      `"min": ${arr(t.min)}, "max": ${arr(t.max)}, "missing": ${arr(t.missing)},\n "trainError": ${arr(t.trainError)}},`,
  );
  if (o.treeNodes) {
    lines.push(`"treeNodes": ${arr(model.trees.map((tr) => tr.splitVar.length))}`);
    lines.push('}');
    return lines.join('\n');
  }
  lines.push('"trees": [');
  model.trees.forEach((tr, i) => {
    const parts = TREE_FIELDS.map((f) => `"${f}": ${arr(tr[f])}`);
    lines.push(`{${parts.join(', ')}}${i < model.trees.length - 1 ? ',' : ''}`);
  });
  lines.push(']');
  lines.push('}');
  return lines.join('\n') + '\n';
}

function fail(where: string, what: string): never {
  throw new Error(`corrupt socp BRT model${where ? ` (${where})` : ''}: ${what}`);
}

function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function numField(o: Record<string, unknown>, key: string, where: string, int = false): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(where, `'${key}' must be a number`);
  if (int && !Number.isInteger(v)) fail(where, `'${key}' must be a whole number`);
  return v;
}

function floatArray(v: unknown, where: string, key: string, len?: number): Float64Array {
  if (!Array.isArray(v)) fail(where, `'${key}' must be an array of numbers`);
  if (len !== undefined && v.length !== len) fail(where, `'${key}' has ${v.length} entries, expected ${len}`);
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x === null) out[i] = NaN;
    else if (typeof x === 'number') out[i] = x;
    else fail(where, `'${key}'[${i}] is not a number`);
  }
  return out;
}

function intArray(v: unknown, where: string, key: string, len?: number): Int32Array {
  if (!Array.isArray(v)) fail(where, `'${key}' must be an array of whole numbers`);
  if (len !== undefined && v.length !== len) fail(where, `'${key}' has ${v.length} entries, expected ${len}`);
  const out = new Int32Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (typeof x !== 'number' || !Number.isInteger(x) || x < -2147483648 || x > 2147483647) {
      fail(where, `'${key}'[${i}] is not a whole number`);
    }
    out[i] = x;
  }
  return out;
}

function parseTree(v: unknown, i: number, p: number): GbmTree {
  const where = `tree ${i + 1}`;
  if (!isObj(v)) fail(where, 'not an object');
  const sv = v['splitVar'];
  if (!Array.isArray(sv) || sv.length === 0) fail(where, "'splitVar' must be a non-empty array");
  const m = sv.length;
  const t = {} as GbmTree;
  for (const f of TREE_FIELDS) {
    if (INT_FIELDS.has(f)) (t as unknown as Record<string, Int32Array>)[f] = intArray(v[f], where, f, m);
    else (t as unknown as Record<string, Float64Array>)[f] = floatArray(v[f], where, f, m);
  }
  checkTree(t, p, where);
  return t;
}

/** A tree's structure: pre-order, children after their parent, leaves without children. */
export function checkTree(t: GbmTree, p: number, where: string): void {
  const m = t.splitVar.length;
  for (let k = 0; k < m; k++) {
    const s = t.splitVar[k]!;
    if (s === -1) {
      if (t.left[k] !== -1 || t.right[k] !== -1 || t.missing[k] !== -1) fail(where, `leaf node ${k} has children`);
      continue;
    }
    if (s < 0 || s >= p) fail(where, `node ${k} splits on predictor ${s}, but the model has ${p} predictors`);
    for (const c of [t.left[k]!, t.right[k]!, t.missing[k]!]) {
      if (c <= k || c >= m) fail(where, `node ${k} has a child index ${c} outside ${k + 1}..${m - 1}`);
    }
    if (Number.isNaN(t.splitCodePred[k]!)) fail(where, `node ${k} has no threshold`);
  }
}

/**
 * Parses model-file text (or an already parsed object); clear errors for anything else. `trees`,
 * when given, supplies the trees instead of the document's "trees" (binary model sets).
 */
export function modelFromJson(input: string | unknown, trees?: (doc: Record<string, unknown>, p: number, nTrees: number) => GbmTree[]): ModelFileContents {
  let doc: unknown = input;
  if (typeof input === 'string') {
    try {
      doc = JSON.parse(input);
    } catch (e) {
      throw new Error(`not a socp BRT model file: the text is not valid JSON (${(e as Error).message})`);
    }
  }
  if (!isObj(doc)) throw new Error('not a socp BRT model file: expected a JSON object');
  if (doc['format'] !== MODEL_FORMAT) {
    throw new Error(
      `not a socp BRT model file: its "format" is ${JSON.stringify(doc['format'] ?? null)}, expected "${MODEL_FORMAT}"`,
    );
  }
  const version = doc['version'];
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    fail('', `"version" must be a whole number, got ${JSON.stringify(version ?? null)}`);
  }
  if (version !== MODEL_FORMAT_VERSION) {
    throw new Error(
      version > MODEL_FORMAT_VERSION
        ? `socp BRT model file version ${version} is newer than this socp reads (version ${MODEL_FORMAT_VERSION}); update socp`
        : `socp BRT model file version ${version} is not supported (this socp reads version ${MODEL_FORMAT_VERSION})`,
    );
  }
  if (doc['distribution'] !== 'gaussian') {
    fail('', `"distribution" must be "gaussian", got ${JSON.stringify(doc['distribution'] ?? null)}`);
  }
  const names = doc['predictorNames'];
  if (!Array.isArray(names) || names.length === 0 || !names.every((x) => typeof x === 'string' && x.length > 0)) {
    fail('', '"predictorNames" must be a non-empty array of names');
  }
  if (new Set(names).size !== names.length) fail('', '"predictorNames" has a name twice');
  const p = names.length;
  const params = doc['params'];
  if (!isObj(params)) fail('', '"params" must be an object');
  const pr = {
    nTrees: numField(params, 'nTrees', 'params', true),
    interactionDepth: numField(params, 'interactionDepth', 'params', true),
    shrinkage: numField(params, 'shrinkage', 'params'),
    nMinObsInNode: numField(params, 'nMinObsInNode', 'params', true),
    bagFraction: numField(params, 'bagFraction', 'params'),
    seed: numField(params, 'seed', 'params', true),
  };
  const initF = numField(doc, 'initF', '');
  const nTrees = numField(doc, 'nTrees', '', true);
  let parsed: GbmTree[];
  if (trees) parsed = trees(doc, p, nTrees);
  else {
    const list = doc['trees'];
    if (!Array.isArray(list)) fail('', '"trees" must be an array');
    if (list.length !== nTrees) fail('', `"nTrees" says ${nTrees} but the file holds ${list.length} trees`);
    parsed = list.map((t, i) => parseTree(t, i, p));
  }
  const tr = doc['training'];
  if (!isObj(tr)) fail('', '"training" must be an object');
  const nRows = numField(tr, 'nRows', 'training', true);
  const nBag = numField(tr, 'nBag', 'training', true);
  if (typeof tr['weighted'] !== 'boolean') fail('training', "'weighted' must be true or false");
  const training = {
    nRows,
    nBag,
    weighted: tr['weighted'],
    min: floatArray(tr['min'], 'training', 'min', p),
    max: floatArray(tr['max'], 'training', 'max', p),
    missing: intArray(tr['missing'], 'training', 'missing', p),
    trainError: floatArray(tr['trainError'], 'training', 'trainError', nTrees),
  };
  const meta = doc['meta'];
  const model: GbmModel = {
    distribution: 'gaussian',
    predictorNames: [...(names as string[])],
    params: pr,
    initF,
    nTrees,
    trees: parsed,
    training,
  };
  return { model, meta: isObj(meta) ? meta : {} };
}

/** Writes a model file atomically (temporary name in the same folder, then rename). */
export async function writeModelFile(file: string, model: GbmModel, meta: Record<string, unknown> = {}): Promise<void> {
  const text = modelToJson(model, meta);
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await fsp.writeFile(tmp, text, 'utf8');
    await fsp.rename(tmp, file);
  } catch (e) {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
}

/** Reads a model file; errors name the file. */
export async function readModelFile(file: string): Promise<ModelFileContents> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`model file ${file} does not exist`);
    throw new Error(`cannot read model file ${file}: ${(e as Error).message}`);
  }
  try {
    return modelFromJson(text);
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
}
