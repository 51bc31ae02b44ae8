// SPDX-License-Identifier: GPL-2.0-or-later
// Tiled runs of an algorithm that declares how it splits (Algorithm.split): one part of the tiles,
// or the merge of all of them. A tile runs the algorithm itself, through run(), on windows of its
// raster inputs (VRTs: nothing copied) and writes its rasters into the parts folder beside the
// first raster output, `<OUTPUT>.parts/`, with a manifest naming the run (algorithm, socp version,
// parameters and input checksums), the grid, the tile and each file's checksum. The tiles depend on
// the grid and the tile size only, so any number of parts on any number of machines (array jobs,
// BullMQ workers) produce the same files; a tile computed twice writes the same bytes. The merge
// checks that every tile is there, of this run and this grid, and intact, then mosaics each output
// as a Cloud-Optimised GeoTIFF, through run(), so the result is staged, committed and recorded
// exactly like a run in one process.

import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Algorithm, ParamValues, Results } from './algorithm.js';
import { CancelledError, DataError, UsageError } from './errors.js';
import { writeFileAtomic } from './io/atomic.js';
import { cropRaster, mosaicCog, windowVrt } from './io/mosaic.js';
import { gridMismatch, openRaster, withBandNamesInSidecar, type RasterInfo } from './io/raster.js';
import { inputRefs, isDestination, type ParamDef } from './params.js';
import { checksumInputs, runKey, sha256File, socpVersion } from './provenance.js';
import { getAlgorithm } from './registry.js';
import { confine, parseParams, run, type RunOptions, type RunResult } from './run.js';
import { DEFAULT_TILE_SIZE, partTiles, tileAt, tiling, type Tiling, type Window } from './tiling.js';

export interface TileOptions extends RunOptions {
  tileSize?: number;
  /** the run key a driver's job was made for: computing refuses a plan with another key */
  runKey?: string;
}

export interface TileManifest {
  socp: string;
  algorithm: string;
  /** the run: algorithm, socp version, parameters, input checksums, tile size */
  key: string;
  grid: { width: number; height: number; geoTransform: number[]; srs: string };
  tileSize: number;
  index: number;
  window: Window;
  files: Record<string, { file: string; bytes: number; sha256: string }>;
  results: Results;
}

export interface PartResult {
  folder: string;
  tiles: number[];
  computed: number;
  reused: number;
}

interface Plan {
  alg: Algorithm;
  values: ParamValues;
  grid: RasterInfo;
  tiles: Tiling;
  halo: number;
  key: string;
  folder: string;
  /** raster destinations that are set: parameter → final path */
  outputs: Map<string, string>;
  /** raster inputs read by window: parameter → paths (one per item) */
  windowed: Map<string, string[]>;
}

const gridSig = (g: RasterInfo) => ({ width: g.width, height: g.height, geoTransform: [...g.geoTransform], srs: crypto.createHash('sha256').update(g.srsWkt).digest('hex').slice(0, 16) });

function splitOf(alg: Algorithm): NonNullable<Algorithm['split']> {
  if (!alg.split) throw new UsageError(`${alg.id} runs whole on one node (it needs the whole grid at once); --tile applies to algorithms that split into tiles (socp describe shows "Splits")`);
  return alg.split;
}

const isRasterParam = (p: ParamDef) => p.kind === 'raster' || (p.kind === 'list' && p.itemKind === 'raster');

async function plan(alg: Algorithm, raw: Record<string, unknown>, o: TileOptions): Promise<Plan> {
  const split = splitOf(alg);
  const values = await parseParams(alg, raw, { cwd: o.cwd ?? process.cwd(), checkPath: o.checkPath });
  // a list parameter (INPUTS) gives the grid of its first raster
  const gridValue = values[split.grid] as string | string[];
  const gridRef = Array.isArray(gridValue) ? gridValue[0] : gridValue;
  let grid: RasterInfo;
  try {
    grid = await openRaster(gridRef, split.grid);
  } catch (e) {
    throw new UsageError(`--tile: ${split.grid} must be a raster, the grid of the tiles (${(e as Error).message})`);
  }
  try {
    const outputs = new Map<string, string>();
    for (const p of alg.inputs) {
      if (!isDestination(p) || values[p.name] === undefined) continue;
      // a file output named .tif is a raster too (brt:predict writes a table or a raster)
      const raster = p.kind === 'rasterDestination' || (p.kind === 'fileDestination' && /\.tiff?$/i.test(String(values[p.name])));
      if (!raster) throw new UsageError(`--tile: ${p.name} is not a raster output; a tiled run writes rasters only — leave ${p.name} out, or run without --tile`);
      outputs.set(p.name, values[p.name]);
    }
    if (outputs.size === 0) throw new UsageError('--tile: the run writes no raster output');
    const windowed = new Map<string, string[]>();
    for (const p of alg.inputs) {
      const v = values[p.name];
      if (v === undefined || !(isRasterParam(p) || p.name === split.grid)) continue;
      const list: string[] = Array.isArray(v) ? v : [v];
      for (const [i, ref] of list.entries()) {
        if (ref === gridRef) continue;
        const r = await openRaster(ref, p.name);
        const why = gridMismatch(grid, r);
        r.ds.close();
        if (why) throw new DataError(`--tile: ${p.name}${list.length > 1 ? ` item ${i + 1}` : ''} (${path.basename(ref)}) is on another grid than ${split.grid} (${why}); put it on that grid first (covariates:stack), then tile`);
      }
      windowed.set(p.name, list);
    }
    const tileSize = o.tileSize ?? DEFAULT_TILE_SIZE;
    const key = runKey(alg.id, { ...values, TILE_SIZE: tileSize }, await checksumInputs(inputRefs(alg.inputs, values)));
    const first = [...outputs.values()][0];
    if (o.runKey !== undefined && o.runKey !== key) {
      throw new DataError(`${alg.id}: this run's inputs or parameters differ here from where it was submitted (run key ${key.slice(0, 12)}… ≠ ${o.runKey.slice(0, 12)}…); every machine must see the same files at the same paths, unchanged while the run lasts`);
    }
    return {
      alg, values, grid, tiles: tiling(grid.width, grid.height, tileSize), halo: split.kind === 'neighbourhood' ? split.halo : 0,
      key, folder: `${first}.parts`, outputs, windowed,
    };
  } finally {
    grid.ds.close();
  }
}

const tileName = (i: number) => `tile-${String(i).padStart(6, '0')}`;

function readManifest(file: string): TileManifest | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as TileManifest;
  } catch {
    return undefined;
  }
}

/** Compute one tile into the parts folder (or keep it when its manifest shows it done for this run). */
async function computeTile(pl: Plan, index: number, o: TileOptions): Promise<boolean> {
  const name = tileName(index);
  const manifestFile = path.join(pl.folder, `${name}.json`);
  const had = readManifest(manifestFile);
  if (had?.key === pl.key && Object.values(had.files).every((f) => fs.existsSync(path.join(pl.folder, f.file)))) return false;
  const t = tileAt(pl.tiles, index, pl.halo);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'socp-tile-'));
  try {
    const raw: Record<string, unknown> = { ...pl.values };
    for (const [param, list] of pl.windowed) {
      const views = await Promise.all(list.map(async (ref, i) => {
        // the window keeps the file's base name: some algorithms name their variables by it
        const dir = path.join(tmp, param, String(i));
        fs.mkdirSync(dir, { recursive: true });
        const v = path.join(dir, `${path.basename(ref.split('|')[0]).replace(/\.[^.]*$/, '')}.vrt`);
        await windowVrt(ref, t.read, v);
        return v;
      }));
      raw[param] = Array.isArray(pl.values[param]) ? views : views[0];
    }
    // without a halo the tile is the algorithm's own output, written (staged, renamed) straight into
    // the parts folder; with one, it is written aside and cut to the tile
    const produced = new Map<string, string>();
    for (const param of pl.outputs.keys()) {
      produced.set(param, pl.halo === 0 ? path.join(pl.folder, `${name}.${param}.tif`) : path.join(tmp, `${param}.tif`));
      raw[param] = produced.get(param);
    }
    const res = await withBandNamesInSidecar(() => run(pl.alg, raw, {
      cwd: o.cwd, signal: o.signal, threads: o.threads, provenance: false,
      onLog: (level, m) => o.onLog?.(level, `[tile ${index}] ${m}`),
    }));
    const files: TileManifest['files'] = {};
    for (const [param, file] of produced) {
      if (!fs.existsSync(file)) continue; // an optional output the algorithm did not write
      const final = `${name}.${param}.tif`;
      if (pl.halo > 0) await writeFileAtomic(path.join(pl.folder, final), (staged) => cropRaster(file, t.core, staged));
      const st = fs.statSync(path.join(pl.folder, final));
      files[param] = { file: final, bytes: st.size, sha256: await sha256File(path.join(pl.folder, final)) };
    }
    // the tile's numbers and words (not its temporary paths)
    const numbers = Object.fromEntries(Object.entries(res.results).filter(([, v]) => typeof v === 'number' || (typeof v === 'string' && !v.startsWith(tmp) && !v.startsWith(pl.folder))));
    const manifest: TileManifest = {
      socp: socpVersion, algorithm: pl.alg.id, key: pl.key, grid: gridSig(pl.grid), tileSize: pl.tiles.tileSize, index,
      window: { x: t.x, y: t.y, width: t.width, height: t.height }, files, results: numbers,
    };
    await writeFileAtomic(manifestFile, (tmp) => fs.writeFileSync(tmp, JSON.stringify(manifest, null, 2) + '\n'));
    return true;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Compute part `part` of `parts` (0-based) of a tiled run into the parts folder. */
export async function runPart(idOrAlg: string | Algorithm, raw: Record<string, unknown>, part: number, parts: number, o: TileOptions = {}): Promise<PartResult> {
  const alg = typeof idOrAlg === 'string' ? await getAlgorithm(idOrAlg) : idOrAlg;
  const pl = await plan(alg, raw, o);
  return runTiles(pl, partTiles(pl.tiles, part, parts), o);
}

/** Compute the given tiles (by index) of a tiled run; what BullMQ workers and array jobs both call. */
export async function runTileList(idOrAlg: string | Algorithm, raw: Record<string, unknown>, tiles: number[], o: TileOptions = {}): Promise<PartResult> {
  const alg = typeof idOrAlg === 'string' ? await getAlgorithm(idOrAlg) : idOrAlg;
  return runTiles(await plan(alg, raw, o), tiles, o);
}

async function runTiles(pl: Plan, tiles: number[], o: TileOptions): Promise<PartResult> {
  fs.mkdirSync(pl.folder, { recursive: true });
  confine(o, pl.folder, 'folder');
  let computed = 0;
  for (const [k, i] of tiles.entries()) {
    if (o.signal?.aborted) throw new CancelledError(`${pl.alg.id}: cancelled`);
    if (await computeTile(pl, i, o)) computed++;
    o.onProgress?.((100 * (k + 1)) / Math.max(1, tiles.length));
  }
  return { folder: pl.folder, tiles, computed, reused: tiles.length - computed };
}

/** The number of tiles of a run (for drivers that hand out tiles). */
export async function tileCount(idOrAlg: string | Algorithm, raw: Record<string, unknown>, o: TileOptions = {}): Promise<{ count: number; folder: string; key: string; tileSize: number; outputs: string[] }> {
  const alg = typeof idOrAlg === 'string' ? await getAlgorithm(idOrAlg) : idOrAlg;
  const pl = await plan(alg, raw, o);
  return { count: pl.tiles.count, folder: pl.folder, key: pl.key, tileSize: pl.tiles.tileSize, outputs: [...pl.outputs.values()] };
}

/** Check every tile of the run and mosaic the outputs; the parts folder is removed when done. */
export async function mergeParts(idOrAlg: string | Algorithm, raw: Record<string, unknown>, o: TileOptions = {}): Promise<RunResult> {
  const alg = typeof idOrAlg === 'string' ? await getAlgorithm(idOrAlg) : idOrAlg;
  const pl = await plan(alg, raw, o);
  const split = splitOf(alg);
  // every tile: present, of this run and grid, intact
  const manifests: TileManifest[] = [];
  const missing: number[] = [];
  const sig = JSON.stringify(gridSig(pl.grid));
  for (let i = 0; i < pl.tiles.count; i++) {
    const m = readManifest(path.join(pl.folder, `${tileName(i)}.json`));
    if (!m) {
      missing.push(i);
      continue;
    }
    if (JSON.stringify(m.grid) !== sig || m.tileSize !== pl.tiles.tileSize) throw new DataError(`${pl.folder}: tile ${i} was computed on another grid or tile size; remove the folder and compute the parts again`);
    if (m.key !== pl.key) throw new DataError(`${pl.folder}: tile ${i} belongs to another run (other parameters, inputs or socp version); remove the folder and compute the parts again with this command`);
    for (const f of Object.values(m.files)) {
      const file = path.join(pl.folder, f.file);
      if (!fs.existsSync(file)) throw new DataError(`${pl.folder}: ${f.file} of tile ${i} is missing; compute that part again`);
      if ((await sha256File(file)) !== f.sha256) throw new DataError(`${pl.folder}: ${f.file} of tile ${i} does not match its checksum (damaged, or written by another run); compute that part again`);
    }
    manifests.push(m);
  }
  if (missing.length) {
    const list = missing.length > 8 ? `${missing.slice(0, 8).join(', ')}, … (${missing.length} in all)` : missing.join(', ');
    throw new DataError(`${pl.folder}: tile${missing.length > 1 ? 's' : ''} ${list} of ${pl.tiles.count} ${missing.length > 1 ? 'are' : 'is'} missing; run the parts that hold ${missing.length > 1 ? 'them' : 'it'} (--tile I/N) again, then merge`);
  }
  const merged: Algorithm = {
    ...alg,
    async run(_p, ctx) {
      const results: Results = {};
      for (const [param, final] of pl.outputs) {
        const tiles = manifests.filter((m) => m.files[param]).map((m) => path.join(pl.folder, m.files[param].file));
        if (tiles.length === 0) continue;
        if (tiles.length !== manifests.length) throw new DataError(`${pl.folder}: ${param} is in ${tiles.length} of ${manifests.length} tiles; compute the parts again`);
        ctx.progress(0, `mosaic of ${param}`);
        await mosaicCog(tiles, ctx.outputs.stage(final));
        results[param] = final;
      }
      // numbers: sums of the declared counts; the others when every tile gives the same value
      for (const k of Object.keys(manifests[0].results)) {
        if (split.sum?.includes(k)) results[k] = manifests.reduce((a, m) => a + Number(m.results[k]), 0);
        else if (manifests.every((m) => JSON.stringify(m.results[k]) === JSON.stringify(manifests[0].results[k]))) results[k] = manifests[0].results[k];
      }
      results.TILES = manifests.length;
      return results;
    },
  };
  const res = await run(merged, raw, o);
  fs.rmSync(pl.folder, { recursive: true, force: true });
  return res;
}

