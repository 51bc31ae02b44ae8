// SPDX-License-Identifier: GPL-2.0-or-later
// Model sets: the repeat models of brt:cv in one gzip-compressed JSON file (.brtset):
//   {"format": "socp-brt-set", "version": 1, "meta": {...}, "models": [<socp-brt model>, ...]}
// each model in the single-model format of engine/model-file.ts (docs/model-format.md). Loading
// accepts either a single model file or a set.

import fs from 'node:fs';
import zlib from 'node:zlib';
import { promisify } from 'node:util';
import { DataError } from '../../toolbox/errors.js';
import { modelFromJson, modelToJson } from './engine/model-file.js';
import type { GbmModel } from './engine/types.js';

export const SET_FORMAT = 'socp-brt-set';
export const SET_VERSION = 1;
const gzip = promisify(zlib.gzip);
const gunzip = promisify(zlib.gunzip);

export async function saveModelSet(file: string, models: GbmModel[], meta: Record<string, unknown>): Promise<void> {
  const parts = models.map((m, i) => modelToJson(m, { ...meta, repeat: i + 1 }));
  const text = `{"format": "${SET_FORMAT}", "version": ${SET_VERSION}, "meta": ${JSON.stringify(meta)}, "models": [\n${parts.join(',\n')}\n]}\n`;
  fs.writeFileSync(file, await gzip(Buffer.from(text, 'utf8'), { level: 6 }));
}

export interface LoadedModels {
  models: GbmModel[];
  meta: Record<string, unknown>;
  isSet: boolean;
}

/** A single model file (.json) or a model set (.brtset, gzip); errors name the file. */
export async function loadModels(file: string): Promise<LoadedModels> {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    throw new DataError(`cannot read model file ${file}: ${(e as Error).message}`);
  }
  let text: string;
  if (buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      text = (await gunzip(buf)).toString('utf8');
    } catch {
      throw new DataError(`${file} is a damaged compressed model set; write it again with brt:cv OUTPUT_MODELS`);
    }
  } else text = buf.toString('utf8');
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new DataError(`${file} is not a socp model file: the text is not valid JSON (${(e as Error).message})`);
  }
  try {
    if (doc && doc.format === SET_FORMAT) {
      if (doc.version !== SET_VERSION) throw new Error(`model set version ${String(doc.version)} is not supported (this socp reads version ${SET_VERSION})`);
      if (!Array.isArray(doc.models) || doc.models.length === 0) throw new Error('the model set holds no models');
      return { models: doc.models.map((m) => modelFromJson(m).model), meta: (doc.meta as Record<string, unknown>) ?? {}, isSet: true };
    }
    const one = modelFromJson(doc);
    return { models: [one.model], meta: one.meta, isSet: false };
  } catch (e) {
    throw new DataError(`${file}: ${(e as Error).message}`);
  }
}
