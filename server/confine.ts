// SPDX-License-Identifier: GPL-2.0-or-later
// Workspace confinement of the HTTP bridge: every input and output path must lie inside one of the
// configured workspace folders — no ".." segments, no symbolic link leading out, no device files,
// FIFOs or sockets, no GDAL virtual file systems or URLs. Relative paths are resolved against the
// first workspace. run() calls checkPath() for every resolved path (ParseContext.checkPath).

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Algorithm } from '../toolbox/algorithm.js';
import { datasetReferences } from '../toolbox/io/references.js';
import { isDestination, isInputPath, ParamValueError, splitLayerRef, type ParamDef } from '../toolbox/params.js';

export class Workspaces {
  /** as given, resolved */
  readonly dirs: string[];
  /** real paths (symbolic links resolved) */
  readonly real: string[];

  constructor(dirs: string[]) {
    if (dirs.length === 0) throw new Error('at least one workspace folder is needed');
    this.dirs = [];
    this.real = [];
    for (const d of dirs) {
      const abs = path.resolve(d);
      let st: fs.Stats;
      try {
        st = fs.statSync(abs);
      } catch {
        throw new Error(`workspace folder ${abs} does not exist; create it or give another --workspace`);
      }
      if (!st.isDirectory()) throw new Error(`workspace ${abs} is not a folder`);
      const real = fs.realpathSync(abs);
      if (real === path.parse(real).root) throw new Error(`workspace ${abs} is the file-system root; give a folder that holds only your project data`);
      this.dirs.push(abs);
      this.real.push(real);
    }
  }

  /** Relative paths are resolved against this folder. */
  get first(): string {
    return this.real[0];
  }

  private within(p: string, roots: string[], allowRoot: boolean): boolean {
    return roots.some((r) => {
      const rel = path.relative(r, p);
      if (rel === '') return allowRoot;
      return !rel.startsWith('..' + path.sep) && rel !== '..' && !path.isAbsolute(rel);
    });
  }

  /** Is p one of the workspace folders themselves (as given or real)? */
  private isRoot(p: string): boolean {
    return [...this.dirs, ...this.real].some((r) => path.relative(r, p) === '');
  }

  /** The ParseContext.checkPath hook: throws ParamValueError to refuse a path. */
  checkPath = (abs: string, p: ParamDef, role: 'input' | 'output'): void => {
    const where = `inside a workspace folder (${this.dirs.join(', ')})`;
    if (abs.includes('\0')) throw new ParamValueError('the path holds a NUL character');
    const norm = path.resolve(abs);
    // the workspace folder itself is inside, but it is never a file and never replaced by an output
    if (this.isRoot(norm) && role === 'output') {
      const folder = p.kind === 'folderDestination';
      throw new ParamValueError(`${norm} is the workspace folder itself, which cannot be ${folder ? 'replaced as an output folder' : 'an output file'}; give a ${folder ? 'folder' : 'file'} name inside it, e.g. ${path.join(norm, folder ? 'results' : `output${p.extensions?.[0] ?? ''}`)}`);
    }
    if (this.isRoot(norm) && p.kind !== 'folder') {
      throw new ParamValueError(`${norm} is the workspace folder itself, not a file; give the path of a file inside it`);
    }
    if (!this.within(norm, [...this.dirs, ...this.real], role === 'input')) {
      throw new ParamValueError(`${norm} is outside the workspace; the bridge only reads and writes files ${where}`);
    }
    if (role === 'input') {
      let real: string;
      try {
        real = fs.realpathSync(norm);
      } catch {
        return; // does not exist: run() reports it
      }
      const folder = p.kind === 'folder';
      if (!this.within(real, this.real, folder)) {
        throw new ParamValueError(`${norm} leads (through a symbolic link) to ${real}, outside the workspace; copy the ${folder ? 'folder' : 'file'} ${where}`);
      }
      const st = fs.statSync(real);
      if (folder) {
        if (!st.isDirectory()) throw new ParamValueError(`${norm} is not a folder`);
      } else if (!st.isFile()) {
        throw new ParamValueError(`${norm} is not a regular file (folders, devices, FIFOs and sockets are refused)`);
      } else {
        this.checkReferences(real, norm, where, new Set([real]));
      }
      return;
    }
    // output: its folder must really be inside, and the name must not be a link or a special file
    let parent: string;
    try {
      parent = fs.realpathSync(path.dirname(norm));
    } catch {
      return; // missing folder: run() reports it
    }
    if (!this.within(parent, this.real, true)) {
      throw new ParamValueError(`the folder of ${norm} leads (through a symbolic link) to ${parent}, outside the workspace; choose an output ${where}`);
    }
    let st: fs.Stats | undefined;
    try {
      st = fs.lstatSync(norm);
    } catch {
      st = undefined;
    }
    if (st?.isSymbolicLink()) throw new ParamValueError(`${norm} is a symbolic link; outputs are never written through links — choose another name`);
    if (st && !st.isFile() && !st.isDirectory()) throw new ParamValueError(`${norm} is not a regular file (devices, FIFOs and sockets are refused)`);
  };

/**
   * The files a dataset makes GDAL read (a VRT's sources, nested VRTs) obey the rules of the path
   * itself: inside a workspace, no link out, regular files; what cannot be confined is refused.
   */
  private checkReferences(real: string, shown: string, where: string, seen: Set<string>): void {
    const refs = datasetReferences(real);
    if (refs.refused.length > 0) {
      throw new ParamValueError(`${shown} is a GDAL VRT or service descriptor with ${refs.refused[0]}; through the bridge a dataset may only refer to files ${where} — refer to them by path, or convert the dataset (gdal_translate / ogr2ogr) into a GeoTIFF or GeoPackage`);
    }
    for (const f of refs.files) {
      const hint = `${shown} refers to ${f}`;
      if (!this.within(path.resolve(f), [...this.dirs, ...this.real], false)) {
        throw new ParamValueError(`${hint}, outside the workspace; a dataset read through the bridge may only refer to files ${where}`);
      }
      let r: string;
      try {
        r = fs.realpathSync(f);
      } catch {
        throw new ParamValueError(`${hint}, which does not exist; fix the VRT's source path`);
      }
      if (!this.within(r, this.real, false)) throw new ParamValueError(`${hint}, which leads (through a symbolic link) to ${r}, outside the workspace; copy the file ${where}`);
      if (!fs.statSync(r).isFile()) throw new ParamValueError(`${hint}, which is not a regular file`);
      if (!seen.has(r)) {
        seen.add(r);
        this.checkReferences(r, f, where, seen);
      }
    }
  }
}

function isPathParam(p: ParamDef): boolean {
  return isInputPath(p) || isDestination(p) || p.kind === 'folder';
}

/**
 * Normalise execute-request input values (OGC qualified values {value}, references {href}) to
 * plain values and refuse, in path parameters, ".." segments, URLs and GDAL virtual file systems.
 * Returns problems (empty when all is well) and the plain values.
 */
export function plainInputs(alg: Algorithm, inputs: Record<string, unknown>): { values: Record<string, unknown>; problems: string[] } {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  const byName = new Map(alg.inputs.map((p) => [p.name, p]));
  for (const [name, raw] of Object.entries(inputs)) {
    const p = byName.get(name);
    try {
      const v = unwrap(raw, p);
      if (p) checkNumbers(v, p);
      if (p && isPathParam(p)) checkRawPaths(v);
      values[name] = v;
    } catch (e) {
      problems.push(`${name}: ${(e as Error).message}`);
    }
  }
  return { values, problems };
}

function unwrap(raw: unknown, p: ParamDef | undefined): unknown {
  // JSON has no ±Infinity: JSON.parse turns 1e400 into Infinity, which the job's JSON record and the
  // worker's message would turn into null, i.e. silently the default
  if (typeof raw === 'number' && !Number.isFinite(raw)) throw new Error(`${raw} is not a finite number (a JSON number beyond ±1.8e308 overflows); give a finite value`);
  if (Array.isArray(raw)) return raw.map((x) => unwrap(x, p));
  if (raw && typeof raw === 'object') {
    const o = raw as Record<string, unknown>;
    if ('href' in o) {
      if (typeof o.href !== 'string') throw new Error('href must be a string');
      if (/^file:/i.test(o.href)) {
        try {
          return fileURLToPath(o.href);
        } catch (e) {
          throw new Error(`${o.href} is not a valid file: URL (${(e as Error).message})`);
        }
      }
      if (/^[a-z][a-z0-9+.-]*:/i.test(o.href)) throw new Error(`only file: references inside the workspace are accepted, not ${o.href.split(':')[0]}:`);
      return o.href;
    }
    if ('value' in o) return unwrap(o.value, p);
    if ('qualifiedValue' in o) return unwrap(o.qualifiedValue, p);
    throw new Error('expected a value, a list, {"value": …} or {"href": "file:///…"}');
  }
  return raw;
}

/**
 * null for a number (or in a list of numbers) is refused rather than taken as "not given": it is
 * what JSON encoders write for NaN and ±Infinity, so a client that sent it meant some number. To
 * use the default, leave the parameter out. (For other kinds null still means "not given".)
 */
function checkNumbers(v: unknown, p: ParamDef): void {
  const numeric = p.kind === 'number' || p.kind === 'integer';
  const numericList = p.kind === 'list' && (p.itemKind === 'number' || p.itemKind === 'integer');
  if (!numeric && !numericList) return;
  const leaveOut = p.default !== undefined ? `leave ${p.name} out to use its default ${JSON.stringify(p.default)}` : p.optional ? `leave ${p.name} out if you want none` : `${p.name} is required`;
  const why = 'JSON null is also what encoders write for NaN and ±Infinity';
  if (v === null) throw new Error(`null is not a number (${why}); give a finite number, or ${leaveOut}`);
  if (numericList && Array.isArray(v)) {
    const i = v.findIndex((x) => x === null);
    if (i >= 0) throw new Error(`item ${i + 1} is null, not a number (${why}); give finite numbers`);
  }
}

function checkRawPaths(v: unknown): void {
  const items = Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : [v];
  for (const it of items) {
    if (typeof it !== 'string') continue;
    const { file } = splitLayerRef(it.trim());
    if (file.split(/[\\/]+/).includes('..')) throw new Error(`"${file}": ".." is not allowed in paths; give a path inside the workspace`);
    if (/^\/vsi|^[a-z][a-z0-9+.-]+:\/\//i.test(file)) throw new Error(`"${file}": URLs and GDAL virtual file systems are not accepted; give a file inside the workspace`);
    if (file.includes('\0')) throw new Error('the path holds a NUL character');
  }
}
