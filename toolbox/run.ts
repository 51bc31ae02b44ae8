// SPDX-License-Identifier: GPL-2.0-or-later
// The one way to run an algorithm, used by the CLI, the HTTP bridge and the tests: parse and
// validate every parameter (all problems reported together), check outputs against inputs, run
// with progress / log / cancel, then commit the staged outputs with their provenance — or roll
// everything back so a failed or cancelled run leaves nothing.

import fs from 'node:fs';
import path from 'node:path';
import type { Algorithm, ParamValues, Results } from './algorithm.js';
import { createContext, type LogLevel, type StepHost, type TileMode } from './context.js';
import { CancelledError, DataError, SocpError, UsageError, isSocpError, messageOf } from './errors.js';
import { OutputTransaction, withFinalNames } from './io/atomic.js';
import { withCsvEncoding } from './io/csv.js';
import { geoPackageBusy, layerExistsMessage, listFields, listLayers, shapefileFieldProblem } from './io/table.js';
import { inputRefs, isDestination, isInputPath, isLayerDestination, param, ParamValueError, splitLayerRef, type ParamDef, type ParseContext } from './params.js';
import { checksumInputs, provenancePath, provenanceRecord } from './provenance.js';
import { reusableResults } from './reuse.js';
import { getAlgorithm } from './registry.js';
import { suggest } from './suggest.js';

export interface RunOptions {
  /** folder relative paths are resolved against (default: process.cwd()) */
  cwd?: string;
  onProgress?: (percent: number, message?: string) => void;
  onLog?: (level: LogLevel, message: string) => void;
  signal?: AbortSignal;
  threads?: number;
  /** workspace confinement hook of the HTTP bridge */
  checkPath?: ParseContext['checkPath'];
  /** write <output>.socp.json records (default true) */
  provenance?: boolean;
  /** a tiled run of a composite algorithm (see TileMode) */
  tile?: TileMode;
  /** runs a step that splits elsewhere (a BullMQ flow): how a composite algorithm spreads its tiled steps */
  spread?: StepHost['spread'];
}

export interface RunResult {
  algorithm: string;
  results: Results;
  seconds: number;
}

/** Parse and validate raw parameter values; throws one UsageError listing every problem. */
export async function parseParams(alg: Algorithm, raw: Record<string, unknown>, ctx: ParseContext): Promise<ParamValues> {
  const problems: string[] = [];
  const known = new Map(alg.inputs.map((p) => [p.name, p]));
  for (const name of Object.keys(raw)) {
    if (!known.has(name) && raw[name] !== undefined) {
      const upper = known.has(name.toUpperCase()) ? name.toUpperCase() : suggest(name, [...known.keys()]);
      problems.push(`unknown parameter ${name}${upper ? `; did you mean ${upper}?` : ''} (socp describe ${alg.id} lists them)`);
    }
  }
  const values: ParamValues = {};
  for (const p of alg.inputs) {
    const v = raw[p.name];
    if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '' && p.kind !== 'string')) {
      if (p.default !== undefined) values[p.name] = p.default;
      else if (!p.optional) problems.push(`${p.name} is required: ${p.description}`);
      continue;
    }
    try {
      values[p.name] = p.parse(v, ctx);
    } catch (e) {
      if (e instanceof ParamValueError || e instanceof SocpError) problems.push(`${p.name}: ${e.message}`);
      else throw e;
    }
  }
  if (problems.length === 0) {
    const fields = new Map<string, string[] | Error>();
    problems.push(...(await checkFields(alg, values, fields)), ...checkOutputs(alg, values));
    if (problems.length === 0) problems.push(...(await checkDestinationFormats(alg, values, fields)));
  }
  if (problems.length === 0 && alg.check) problems.push(...alg.check(values));
  if (problems.length > 0) {
    throw new UsageError(problems.length === 1 ? `${alg.id}: ${problems[0]}` : `${alg.id}: ${problems.length} problems with the parameters:\n  - ${problems.join('\n  - ')}`);
  }
  return values;
}

/**
 * Field parameters must name fields of their parent layer. A parent that cannot be read is one
 * problem, however many field parameters name it. `cache` keeps each layer's fields (or failure).
 */
async function checkFields(alg: Algorithm, values: ParamValues, cache: Map<string, string[] | Error>): Promise<string[]> {
  const problems: string[] = [];
  const reported = new Set<string>();
  for (const p of alg.inputs) {
    const isField = p.kind === 'field' || (p.kind === 'list' && p.itemKind === 'field');
    if (!isField || !p.parent || values[p.name] === undefined || values[p.parent] === undefined) continue;
    const ref = values[p.parent] as string;
    const fields = await fieldsOf(ref, values, cache);
    if (fields instanceof Error) {
      if (!reported.has(ref)) problems.push(`${p.parent}: ${messageOf(fields)}`);
      reported.add(ref);
      continue;
    }
    const wanted: string[] = Array.isArray(values[p.name]) ? values[p.name] : [values[p.name]];
    for (const w of wanted) {
      if (!fields.includes(w)) {
        const hint = suggest(w, fields);
        problems.push(`${p.name}: ${splitLayerRef(ref).file} has no field "${w}"${hint ? `; did you mean "${hint}"?` : ''} Its fields are: ${fields.join(', ')}`);
      }
    }
  }
  return problems;
}

async function fieldsOf(ref: string, values: ParamValues, cache: Map<string, string[] | Error>): Promise<string[] | Error> {
  let fields = cache.get(ref);
  if (!fields) {
    try {
      fields = await listFields(ref, values.ENCODING);
    } catch (e) {
      fields = e instanceof Error ? e : new Error(String(e));
    }
    cache.set(ref, fields);
  }
  return fields;
}

/**
 * What a destination's format refuses, found before anything is computed: a GeoPackage layer that
 * exists (without OVERWRITE), Shapefile field names over 10 characters (of the fields the algorithm
 * declares it adds and copies).
 */
async function checkDestinationFormats(alg: Algorithm, values: ParamValues, cache: Map<string, string[] | Error>): Promise<string[]> {
  const problems: string[] = [];
  for (const p of alg.inputs) {
    if (!isDestination(p) || values[p.name] === undefined) continue;
    const { file, layer } = splitLayerRef(values[p.name] as string);
    const ext = path.extname(file).toLowerCase();
    if (isLayerDestination(p) && layer !== undefined && ext === '.gpkg' && fs.existsSync(file)) {
      const busy = geoPackageBusy(file);
      if (busy) problems.push(`${p.name}: ${busy}`);
    }
    if (isLayerDestination(p) && layer !== undefined && ext === '.gpkg' && values.OVERWRITE !== true && fs.existsSync(file)) {
      try {
        const names = await listLayers(file);
        const same = names.find((n) => n.toLowerCase() === layer.toLowerCase());
        if (same) problems.push(`${p.name}: ${layerExistsMessage(file, same)}`);
      } catch (e) {
        problems.push(`${p.name}: ${file} exists but cannot be opened to add the layer "${layer}" (${messageOf(e)}); remove it or choose another file`);
      }
    }
    if (ext === '.shp' && (p.addsFields || p.copiesFieldsOf)) {
      const names: string[] = [];
      const from = p.copiesFieldsOf ? values[p.copiesFieldsOf] : undefined;
      if (typeof from === 'string') {
        const f = await fieldsOf(from, values, cache);
        if (!(f instanceof Error)) names.push(...f);
      }
      names.push(...(p.addsFields?.(values) ?? []));
      const problem = shapefileFieldProblem(names);
      if (problem) problems.push(`${p.name}: ${alg.id} cannot write ${path.basename(file)}: ${problem}`);
    }
  }
  return problems;
}

/** An output must not overwrite an input, and two outputs must differ. */
function checkOutputs(alg: Algorithm, values: ParamValues): string[] {
  const problems: string[] = [];
  const inputs = new Map<string, string>();
  for (const p of alg.inputs) {
    if (!isInputPath(p) || values[p.name] === undefined) continue;
    const list: string[] = Array.isArray(values[p.name]) ? values[p.name] : [values[p.name]];
    for (const ref of list) inputs.set(realish(splitLayerRef(ref).file), p.name);
  }
  const seen = new Map<string, string>();
  for (const p of alg.inputs) {
    if (!isDestination(p) || values[p.name] === undefined) continue;
    const out = realish(splitLayerRef(values[p.name]).file);
    const clash = inputs.get(out);
    if (clash) problems.push(`${p.name}: ${out} is also the input ${clash}; inputs are never overwritten — choose another output path`);
    const twice = seen.get(out);
    if (twice) problems.push(`${p.name}: ${out} is also the output ${twice}; give each output its own path`);
    seen.set(out, p.name);
  }
  return problems;
}

function realish(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    try {
      return path.join(fs.realpathSync(path.dirname(p)), path.basename(p));
    } catch {
      return path.resolve(p);
    }
  }
}

/** Run an algorithm by id (or value) with raw parameter values. */
export async function run(idOrAlg: string | Algorithm, raw: Record<string, unknown>, o: RunOptions = {}): Promise<RunResult> {
  const alg = typeof idOrAlg === 'string' ? await getAlgorithm(idOrAlg) : idOrAlg;
  const started = new Date();
  const parseCtx: ParseContext = { cwd: o.cwd ?? process.cwd(), checkPath: o.checkPath };
  const values = await parseParams(alg, raw, parseCtx);
  const tx = new OutputTransaction({ log: (m) => o.onLog?.('info', m), overwriteLayers: values.OVERWRITE === true });
  const ctx = createContext({ algorithmId: alg.id, onProgress: o.onProgress, onLog: o.onLog, signal: o.signal, threads: o.threads, outputs: tx, steps: stepHost(o, parseCtx) });
  try {
    ctx.checkCancelled();
    ctx.progress(0);
    // the run's ENCODING reaches every CSV the algorithm reads, however it reads it
    const results = await withCsvEncoding(values.ENCODING as string | undefined, () => alg.run(values, ctx));
    ctx.checkCancelled();
    const finished = new Date();
    if (o.provenance !== false) await writeProvenance(alg, values, results, tx, started, finished);
    tx.commit();
    ctx.progress(100);
    return { algorithm: alg.id, results, seconds: (finished.getTime() - started.getTime()) / 1000 };
  } catch (e) {
    // a message never names a staged temporary file: the user knows the output by its final name
    if (e instanceof Error) e.message = withFinalNames(e.message);
    tx.rollback();
    if (o.signal?.aborted && !(e instanceof CancelledError)) throw new CancelledError(`${alg.id}: cancelled`);
    if (isSocpError(e)) {
      if (!e.message.startsWith(alg.id)) e.message = `${alg.id}: ${e.message}`;
      throw e;
    }
    const err = new SocpError('internal', `${alg.id}: ${messageOf(e)}`);
    err.stack = (e as Error)?.stack;
    throw err;
  }
}

// What a path that is no parameter is checked as (StepHost.confine).
const CONFINED = {
  input: param.file('FILE', 'a file the algorithm reads'),
  output: param.fileDestination('FILE', 'a file the algorithm writes'),
  folder: param.folder('FOLDER', 'a folder the algorithm writes into'),
};

/** Check a path that is no parameter by a run's confinement (when it has one); UsageError when refused. */
export function confine(o: Pick<RunOptions, 'checkPath'>, absPath: string, role: 'input' | 'output' | 'folder'): void {
  if (!o.checkPath) return;
  try {
    o.checkPath(absPath, CONFINED[role], role === 'output' ? 'output' : 'input');
  } catch (e) {
    if (e instanceof ParamValueError) throw new UsageError(e.message);
    throw e;
  }
}

/** Steps inherit the run's folder, confinement, signal and provenance setting. */
function stepHost(o: RunOptions, parseCtx: ParseContext): StepHost {
  return {
    run: (algorithm, params, so = {}) => run(algorithm, params, {
      cwd: o.cwd, checkPath: o.checkPath, signal: o.signal, provenance: o.provenance,
      threads: so.threads ?? o.threads, onProgress: so.onProgress, onLog: so.onLog,
    }),
    reusable: (algorithm, params) => reusableResults(algorithm, params, parseCtx),
    async part(algorithm, params, part, parts, so = {}) {
      const { runPart } = await import('./tiled.js'); // tiled.ts builds on run(): loaded when used
      const r = await runPart(algorithm, params, part, parts, { cwd: o.cwd, checkPath: o.checkPath, signal: o.signal, threads: so.threads ?? o.threads, onProgress: so.onProgress, onLog: so.onLog, tileSize: so.tileSize });
      return { tiles: r.tiles.length, computed: r.computed };
    },
    async merge(algorithm, params, so = {}) {
      const { mergeParts } = await import('./tiled.js');
      return mergeParts(algorithm, params, { cwd: o.cwd, checkPath: o.checkPath, signal: o.signal, provenance: o.provenance, threads: so.threads ?? o.threads, onProgress: so.onProgress, onLog: so.onLog, tileSize: so.tileSize });
    },
    tile: o.tile,
    spread: o.spread,
    confine: (absPath, role) => confine(o, path.resolve(parseCtx.cwd, absPath), role),
  };
}

async function writeProvenance(alg: Algorithm, values: ParamValues, results: Results, tx: OutputTransaction, started: Date, finished: Date): Promise<void> {
  const inputs = inputRefs(alg.inputs, values);
  const record = provenanceRecord({
    algorithm: alg.id,
    parameters: values,
    seed: typeof values.SEED === 'number' ? values.SEED : undefined,
    inputs: await checksumInputs(inputs),
    started: started.toISOString(),
    finished: finished.toISOString(),
    seconds: (finished.getTime() - started.getTime()) / 1000,
    results: JSON.parse(JSON.stringify(results)) as Record<string, unknown>,
  });
  for (const p of alg.inputs) {
    if (!isDestination(p) || values[p.name] === undefined) continue;
    const final = splitLayerRef(values[p.name]).file;
    const staged = tx.lookup(final);
    if (!staged || !fs.existsSync(staged)) continue; // optional output not produced
    if (p.kind === 'folderDestination') {
      fs.writeFileSync(path.join(staged, 'provenance.socp.json'), JSON.stringify(record, null, 2) + '\n');
      continue;
    }
    fs.writeFileSync(tx.stage(provenancePath(final)), JSON.stringify(record, null, 2) + '\n');
  }
}

export { DataError, UsageError };
