// SPDX-License-Identifier: GPL-2.0-or-later
// Outputs are written under temporary names in their final folder and renamed only when the whole
// run succeeded, so a failed or cancelled run leaves nothing behind. Sidecar files that drivers
// create next to the staged name (.shx, .dbf, .aux.xml…) are renamed with it, and side files of the
// old output that the new one did not produce (a stale .aux.xml with the old statistics, .ovr,
// .msk, .socp.json…) are removed on commit.
//
// A temporary name carries its writer: `.<base>.socp-<host>-<pid>-<random><ext>` (host: a short
// hash of the host name). A run killed with kill -9 cannot clean up after itself, so staging an
// output first removes the temporaries of that output whose writer, on this host, is gone.
// Temporary names stay within the 255-byte limit of a file name (a long base is shortened to a
// prefix and a hash) with room for the side files GDAL adds to them.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { DataError, UsageError } from '../errors.js';

interface Staged {
  final: string;
  temp: string;
  isDir: boolean;
}

export interface TransactionOptions {
  /** log lines (the run's log): stale temporaries removed */
  log?: (message: string) => void;
  /** the run set OVERWRITE: a GeoPackage layer that already exists may be replaced */
  overwriteLayers?: boolean;
}

/** Bytes of a file name (NAME_MAX of Linux, macOS and Windows file systems). */
export const NAME_MAX = 255;
/** Room a temporary name leaves for what GDAL and socp append to it (.aux.xml, .names.vrt, .named). */
const TEMP_HEADROOM = 16;
const HOST_TAG = crypto.createHash('sha256').update(os.hostname()).digest('hex').slice(0, 6);
/** Longest tag: host (6) - pid (≤ 10 digits) - random (8); the budget of a base never depends on the pid. */
const MAX_TAG = 6 + 1 + 10 + 1 + 8;
const TEMP_NAME = /^\.(.*)\.socp-([0-9a-f]{6})-(\d{1,10})-([0-9a-f]{8})(.*)$/s;

/** temp path → final path of every staged output of this process (for messages). */
const finalOfTemp = new Map<string, string>();

/**
 * The final path a staged temporary path stands for (or the path itself), so that messages and
 * files written beside an output never name the temporary file.
 */
export function finalNameOf(p: string): string {
  const direct = finalOfTemp.get(p);
  if (direct) return direct;
  for (const [temp, final] of finalOfTemp) {
    if (p.startsWith(temp)) return final + p.slice(temp.length);
  }
  return p;
}

/** Replace every staged temporary path (and its base name) in a message by its final path. */
export function withFinalNames(message: string): string {
  let m = message;
  for (const [temp, final] of finalOfTemp) {
    m = m.split(temp).join(final).split(path.basename(temp)).join(path.basename(final));
  }
  return m;
}

function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** `base` shortened to at most `budget` bytes: a prefix on a character boundary, '~' and a hash. */
function shortBase(base: string, budget: number): string {
  if (byteLength(base) <= budget) return base;
  const hash = crypto.createHash('sha256').update(base).digest('hex').slice(0, 8);
  let prefix = '';
  for (const ch of base) {
    if (byteLength(prefix + ch) > Math.max(0, budget - 9)) break;
    prefix += ch;
  }
  return `${prefix}~${hash}`;
}

/** The base used in temporary names of `finalPath` (the same in every process). */
function tempBaseOf(finalPath: string, isDir: boolean): { dir: string; base: string; ext: string } {
  const dir = path.dirname(finalPath);
  const ext = isDir ? '' : path.extname(finalPath);
  const base = path.basename(finalPath, ext);
  const budget = NAME_MAX - TEMP_HEADROOM - 1 - '.socp-'.length - MAX_TAG - byteLength(ext);
  return { dir, base: shortBase(base, Math.max(16, budget)), ext };
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
}

/**
 * Side files GDAL reads with a dataset (or socp writes beside it) that describe that file's
 * contents: left from an old output, they would describe the new one wrongly.
 */
export function sideFilesOf(finalPath: string): string[] {
  const out = ['.aux.xml', '.aux', '.ovr', '.ovr.aux.xml', '.msk', '.msk.aux.xml', '.socp.json', '-wal', '-shm', '-journal'].map((s) => finalPath + s);
  const ext = path.extname(finalPath).toLowerCase();
  const stem = finalPath.slice(0, finalPath.length - path.extname(finalPath).length);
  if (ext === '.shp') for (const s of ['.shx', '.dbf', '.prj', '.cpg', '.qix', '.sbn', '.sbx', '.qpj', '.shp.xml']) out.push(stem + s);
  if (ext === '.tif' || ext === '.tiff') for (const s of ['.tfw', '.tifw', '.wld']) out.push(stem + s);
  return out;
}

/** A clear error for a failed file-system call on an output (never a raw EACCES / ENAMETOOLONG). */
export function outputFsError(e: unknown, file: string, doing: string): Error {
  const code = (e as NodeJS.ErrnoException)?.code;
  const shown = finalNameOf(file);
  const dir = path.dirname(shown);
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return new UsageError(`cannot ${doing} ${shown}: permission denied in the folder ${dir}; choose an output folder you can write to or change its permissions`);
    case 'EROFS':
      return new UsageError(`cannot ${doing} ${shown}: the folder ${dir} is on a read-only file system; choose another output folder`);
    case 'ENAMETOOLONG':
      return new UsageError(`cannot ${doing} ${shown}: the path or a name in it is too long (names ≤ ${NAME_MAX} bytes, paths ≤ 4095 bytes); choose a shorter output path`);
    case 'ENOSPC':
    case 'EDQUOT':
      return new DataError(`cannot ${doing} ${shown}: no space left on the device (or over quota) of ${dir}; free some space or choose another output folder`);
    case 'ENOENT':
      return new UsageError(`cannot ${doing} ${shown}: the folder ${dir} no longer exists; create it again or choose another output folder`);
    default:
      return e instanceof Error ? e : new Error(String(e));
  }
}

export class OutputTransaction {
  private staged: Staged[] = [];
  private scratches: string[] = [];
  private readonly tag = `${HOST_TAG}-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  private readonly log?: (message: string) => void;
  /** the run set OVERWRITE: replacing an existing GeoPackage layer is allowed */
  readonly overwriteLayers: boolean;

  constructor(o: TransactionOptions = {}) {
    this.log = o.log;
    this.overwriteLayers = o.overwriteLayers ?? false;
  }

  /**
   * A temporary path in the final file's folder with the same extension. With `copyExisting`, an
   * existing final file is first copied to it (an output that updates a file, e.g. one layer of a
   * GeoPackage whose other layers stay).
   */
  stage(finalPath: string, o: { copyExisting?: boolean } = {}): string {
    const existing = this.staged.find((s) => s.final === finalPath);
    if (existing) return existing.temp;
    const { dir, base, ext } = tempBaseOf(finalPath, false);
    this.removeStale(dir, base);
    const temp = path.join(dir, `.${base}.socp-${this.tag}${ext}`);
    if (o.copyExisting && fs.existsSync(finalPath)) {
      try {
        fs.copyFileSync(finalPath, temp);
      } catch (e) {
        fs.rmSync(temp, { force: true });
        throw outputFsError(e, finalPath, 'update');
      }
    }
    this.staged.push({ final: finalPath, temp, isDir: false });
    finalOfTemp.set(temp, finalPath);
    return temp;
  }

  /** A temporary folder that becomes finalDir on commit (replacing an existing one). */
  stageDir(finalDir: string): string {
    const { dir, base } = tempBaseOf(finalDir, true);
    this.removeStale(dir, base);
    const temp = path.join(dir, `.${base}.socp-${this.tag}`);
    try {
      fs.mkdirSync(temp, { recursive: true });
    } catch (e) {
      throw outputFsError(e, finalDir, 'create the folder');
    }
    this.staged.push({ final: finalDir, temp, isDir: true });
    finalOfTemp.set(temp, finalDir);
    return temp;
  }

  /**
   * A temporary work file beside an output (e.g. an intermediate warp), named like the output's
   * temporaries so that a run killed with kill -9 leaves nothing a later run would not remove; it
   * is deleted on commit and on rollback, never renamed. `label`: a few letters and digits.
   */
  scratch(finalPath: string, label: string): string {
    const { dir, base, ext } = tempBaseOf(finalPath, false);
    this.removeStale(dir, base);
    const p = path.join(dir, `.${base}.socp-${this.tag}-${label.replace(/[^A-Za-z0-9]/g, '').slice(0, 6)}${ext}`);
    this.scratches.push(p);
    return p;
  }

  private removeScratches(): void {
    for (const p of this.scratches.splice(0)) {
      const dir = path.dirname(p);
      const name = path.basename(p);
      try {
        for (const n of fs.readdirSync(dir)) if (n === name || n.startsWith(name + '.')) fs.rmSync(path.join(dir, n), { force: true, recursive: true });
      } catch {
        /* best effort */
      }
    }
  }

  /** The staged path of a final path, if it was staged. */
  lookup(finalPath: string): string | undefined {
    return this.staged.find((st) => st.final === finalPath)?.temp;
  }

  get finals(): string[] {
    return this.staged.map((s) => s.final);
  }

  /** Temporaries of this output left by writers on this host that are no longer running. */
  private removeStale(dir: string, base: string): void {
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      return; // the folder's problems are reported when the output is written
    }
    const prefix = `.${base}.socp-`;
    for (const name of names) {
      if (!name.startsWith(prefix)) continue;
      const m = TEMP_NAME.exec(name);
      if (!m || m[1] !== base || m[2] !== HOST_TAG) continue;
      const pid = Number(m[3]);
      if (processAlive(pid)) continue;
      const p = path.join(dir, name);
      try {
        fs.rmSync(p, { recursive: true, force: true });
        this.log?.(`removed stale temporary file ${p} left by process ${pid}`);
      } catch {
        /* another run removed it, or it is not ours to remove: leave it */
      }
    }
  }

  private companions(s: Staged): [string, string][] {
    const dir = path.dirname(s.temp);
    const tExt = path.extname(s.temp);
    const tBase = path.basename(s.temp, tExt);
    const fExt = path.extname(s.final);
    const fBase = path.basename(s.final, fExt);
    const out: [string, string][] = [];
    for (const name of fs.readdirSync(dir)) {
      if (name.startsWith(tBase + '.') || name === tBase) {
        out.push([path.join(dir, name), path.join(dir, fBase + name.slice(tBase.length))]);
      }
    }
    return out;
  }

  commit(): void {
    this.removeScratches();
    // every file this run produces (from → to); outputs that share a base (zones.tif, zones.json)
    // share temporary-name prefixes, so each file is moved once
    const moves = new Map<string, string>();
    const written = this.staged.filter((s) => !s.isDir && fs.existsSync(s.temp));
    for (const s of written) for (const [from, to] of this.companions(s)) if (!moves.has(from)) moves.set(from, to);
    const produced = new Set<string>([...this.staged.map((s) => s.final), ...moves.values()]);
    const finals = new Set(this.staged.map((s) => s.final));
    let current = '';
    try {
      for (const s of this.staged) {
        if (!s.isDir) continue;
        current = s.final;
        if (fs.existsSync(s.final)) fs.rmSync(s.final, { recursive: true, force: true });
        fs.renameSync(s.temp, s.final);
      }
      // side files of the old outputs that the new ones do not replace, then the new side files,
      // then the outputs themselves: a reader never sees a new output with an old side file
      for (const s of written) {
        current = s.final;
        for (const side of sideFilesOf(s.final)) {
          if (!produced.has(side) && fs.existsSync(side)) fs.rmSync(side, { force: true });
        }
      }
      for (const [from, to] of moves) {
        current = to;
        if (!finals.has(to)) fs.renameSync(from, to);
      }
      for (const [from, to] of moves) {
        current = to;
        if (finals.has(to)) fs.renameSync(from, to);
      }
    } catch (e) {
      throw outputFsError(e, current, 'write');
    }
    for (const s of this.staged) finalOfTemp.delete(s.temp);
    this.staged = [];
  }

  rollback(): void {
    this.removeScratches();
    for (const s of this.staged) {
      try {
        if (s.isDir) fs.rmSync(s.temp, { recursive: true, force: true });
        else for (const [from] of this.companions(s)) fs.rmSync(from, { force: true, recursive: true });
      } catch {
        /* best effort */
      }
      finalOfTemp.delete(s.temp);
    }
    this.staged = [];
  }
}

/**
 * Write one file atomically outside a run's own outputs (a workflow's intermediate file): staged,
 * renamed on success, removed on failure, stale temporaries of killed writers cleaned first.
 */
export async function writeFileAtomic(file: string, write: (temp: string) => Promise<void> | void, log?: (message: string) => void): Promise<void> {
  const tx = new OutputTransaction({ log });
  try {
    await write(tx.stage(file));
    tx.commit();
  } catch (e) {
    tx.rollback();
    throw e;
  }
}
