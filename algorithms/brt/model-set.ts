// SPDX-License-Identifier: GPL-2.0-or-later
// Model sets: the repeat models of brt:cv in one gzip-compressed file (.brtset), documented in
// docs/model-format.md ("Model sets"). Version 2 is binary: a JSON header with each model's
// fields except its trees (in the single-model format of engine/model-file.ts, with "treeNodes"),
// then every tree's arrays as little-endian bytes, which load as typed-array views without
// parsing text (a 100-model set of 1600-tree models: about 1 s instead of 7 s and 2 GB of JSON).
// Version 1 sets (one JSON document) are still read. Loading accepts a single model file too.

import fs from 'node:fs';
import zlib from 'node:zlib';
import { promisify } from 'node:util';
import { DataError } from '../../toolbox/errors.js';
import { checkTree, modelFromJson, modelToJson } from './engine/model-file.js';
import type { GbmModel, GbmTree } from './engine/types.js';
import { TREE_NODE_BYTES, treeArraysInLayoutOrder, treeViews } from './engine/tree-layout.js';

export const SET_FORMAT = 'socp-brt-set';
export const SET_VERSION = 2;
/** First bytes of a binary (version ≥ 2) set after decompression. */
const MAGIC = Buffer.from('SOCPBRTS', 'latin1');
const gzip = promisify(zlib.gzip);
const gunzip = promisify(zlib.gunzip);

/** The bytes of a tree in the set's layout (engine/tree-layout.ts), without copying. */
function treeChunks(t: GbmTree): Buffer[] {
  return treeArraysInLayoutOrder(t).map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength));
}

/** Writes a version-2 model set (not atomic by itself: callers write to a staged path). */
export async function saveModelSet(file: string, models: GbmModel[], meta: Record<string, unknown>): Promise<void> {
  if (!littleEndian()) throw new Error('model sets are written little-endian; this machine is big-endian');
  const heads = models.map((m, i) => modelToJson(m, { ...meta, repeat: i + 1 }, { treeNodes: true }));
  let header = Buffer.from(`{"format": "${SET_FORMAT}", "version": ${SET_VERSION}, "meta": ${JSON.stringify(meta)}, "models": [\n${heads.join(',\n')}\n]}\n`, 'utf8');
  // pad the header with spaces so that the tree arrays start 8-byte aligned
  const start = MAGIC.length + 8 + header.length;
  const pad = (8 - (start % 8)) % 8;
  if (pad) header = Buffer.concat([header, Buffer.alloc(pad, 0x20)]);
  const lead = Buffer.alloc(8);
  lead.writeUInt32LE(SET_VERSION, 0);
  lead.writeUInt32LE(header.length, 4);
  const chunks: Buffer[] = [MAGIC, lead, header];
  for (const m of models) for (const t of m.trees) chunks.push(...treeChunks(t));
  // level 1: the float arrays hardly compress further at higher levels, and writing stays fast
  fs.writeFileSync(file, await gzip(Buffer.concat(chunks), { level: 1 }));
}

export interface LoadedModels {
  models: GbmModel[];
  meta: Record<string, unknown>;
  isSet: boolean;
}

function littleEndian(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}

/** Reads the trees of one model from `data` at `offset` (8-aligned); returns them and the next offset. */
function binaryTrees(data: ArrayBuffer, offset: number, doc: Record<string, unknown>, p: number, nTrees: number, where: string): { trees: GbmTree[]; end: number } {
  const counts = doc['treeNodes'];
  if (!Array.isArray(counts) || counts.length !== nTrees) throw new Error(`${where}: "treeNodes" must list the node count of each of the ${nTrees} trees`);
  const trees: GbmTree[] = new Array(nTrees);
  let o = offset;
  for (let i = 0; i < nTrees; i++) {
    const m = counts[i];
    if (typeof m !== 'number' || !Number.isInteger(m) || m < 1) throw new Error(`${where}: tree ${i + 1} has a node count of ${String(m)}`);
    if (o + m * TREE_NODE_BYTES > data.byteLength) throw new Error(`${where}: the file ends inside tree ${i + 1} (truncated)`);
    const t = treeViews(data, o, m);
    checkTree(t, p, `${where}, tree ${i + 1}`);
    trees[i] = t;
    o += m * TREE_NODE_BYTES;
  }
  return { trees, end: o };
}

/** A decompressed version-2 set. */
function parseBinarySet(buf: Buffer): { models: GbmModel[]; meta: Record<string, unknown> } {
  if (buf.length < MAGIC.length + 8) throw new Error('the model set is truncated');
  const version = buf.readUInt32LE(MAGIC.length);
  if (version !== SET_VERSION) {
    throw new Error(version > SET_VERSION
      ? `model set version ${version} is newer than this socp reads (version ${SET_VERSION}); update socp`
      : `model set version ${version} is not supported (this socp reads versions 1 and ${SET_VERSION})`);
  }
  if (!littleEndian()) throw new Error('model sets are little-endian; this machine is big-endian');
  const headLen = buf.readUInt32LE(MAGIC.length + 4);
  const dataStart = MAGIC.length + 8 + headLen;
  if (dataStart > buf.length || dataStart % 8 !== 0) throw new Error('the model set header is damaged');
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(buf.toString('utf8', MAGIC.length + 8, dataStart));
  } catch (e) {
    throw new Error(`the model set header is not valid JSON (${(e as Error).message})`);
  }
  if (doc?.format !== SET_FORMAT || !Array.isArray(doc.models) || doc.models.length === 0) throw new Error('the model set header lists no models');
  // typed-array views need 8-byte alignment of the underlying memory: copy if the buffer lacks it
  const aligned = buf.byteOffset % 8 === 0 ? buf : Buffer.from(buf);
  const data = aligned.buffer as ArrayBuffer;
  let offset = aligned.byteOffset + dataStart;
  const end = aligned.byteOffset + aligned.length;
  const models = (doc.models as unknown[]).map((m, i) => {
    const where = `model ${i + 1}`;
    try {
      return modelFromJson(m, (d, p, nTrees) => {
        const r = binaryTrees(data, offset, d, p, nTrees, where);
        if (r.end > end) throw new Error(`${where}: the file is truncated`);
        offset = r.end;
        return r.trees;
      }).model;
    } catch (e) {
      const msg = (e as Error).message;
      throw new Error(msg.startsWith(where) ? msg : `${where}: ${msg}`);
    }
  });
  if (offset !== end) throw new Error(`${end - offset} bytes follow the last model (the file is damaged)`);
  return { models, meta: (doc.meta as Record<string, unknown>) ?? {} };
}

/** A single model file (.json) or a model set (.brtset, gzip); errors name the file. */
export async function loadModels(file: string): Promise<LoadedModels> {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    throw new DataError(`cannot read model file ${file}: ${(e as Error).message}`);
  }
  if (buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = await gunzip(buf);
    } catch {
      throw new DataError(`${file} is a damaged compressed model set; write it again with brt:cv OUTPUT_MODELS`);
    }
  }
  if (buf.subarray(0, MAGIC.length).equals(MAGIC)) {
    try {
      return { ...parseBinarySet(buf), isSet: true };
    } catch (e) {
      throw new DataError(`${file}: ${(e as Error).message}; write it again with brt:cv OUTPUT_MODELS`);
    }
  }
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(buf.toString('utf8'));
  } catch (e) {
    throw new DataError(`${file} is not a socp model file: the text is not valid JSON (${(e as Error).message})`);
  }
  try {
    if (doc && doc.format === SET_FORMAT) {
      // version 1: the whole set as one JSON document
      if (doc.version !== 1) throw new Error(`a JSON model set must be version 1, this one says ${String(doc.version)}`);
      if (!Array.isArray(doc.models) || doc.models.length === 0) throw new Error('the model set holds no models');
      return { models: doc.models.map((m) => modelFromJson(m).model), meta: (doc.meta as Record<string, unknown>) ?? {}, isSet: true };
    }
    const one = modelFromJson(doc);
    return { models: [one.model], meta: one.meta, isSet: false };
  } catch (e) {
    throw new DataError(`${file}: ${(e as Error).message}`);
  }
}

// The last set loaded, kept for the next run in the same process: the tiles of a tiled run each run
// brt:predict with the same MODEL (a 100-model set takes seconds to load). Models are never changed
// after loading, so sharing them is safe; a changed file (size, mtime, inode) is loaded again.
let lastLoaded: { key: string; loaded: Promise<LoadedModels> } | undefined;

/** loadModels() through a one-entry cache keyed by the file's identity. */
export function loadModelsCached(file: string): Promise<LoadedModels> {
  let key: string;
  try {
    const st = fs.statSync(file);
    key = `${fs.realpathSync(file)}|${st.size}|${st.mtimeMs}|${st.ino}`;
  } catch {
    return loadModels(file); // reports the file
  }
  if (lastLoaded?.key !== key) {
    const loaded = loadModels(file);
    lastLoaded = { key, loaded };
    loaded.catch(() => {
      if (lastLoaded?.loaded === loaded) lastLoaded = undefined;
    });
  }
  return lastLoaded.loaded;
}

