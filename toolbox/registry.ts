// SPDX-License-Identifier: GPL-2.0-or-later
// Finds every algorithm by scanning algorithms/<group>/*.{ts,js}: a module whose default export is
// an algorithm is registered; helper modules (no default algorithm export) and sub-folders such as
// numerical engines are ignored. No hand-written list to forget.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isAlgorithm, type Algorithm } from './algorithm.js';
import { UsageError } from './errors.js';
import { suggest } from './suggest.js';

const here = path.dirname(fileURLToPath(import.meta.url));
// From sources (vitest) this file is toolbox/registry.ts; compiled, dist/toolbox/registry.js.
const ownExt = path.extname(fileURLToPath(import.meta.url));
const algorithmsDir = path.resolve(here, '..', 'algorithms');

let cache: Promise<Map<string, Algorithm>> | undefined;

/** Modules that failed to load or declare an algorithm; they are left out (a test keeps this empty). */
export const registryProblems: string[] = [];

async function scan(): Promise<Map<string, Algorithm>> {
  const map = new Map<string, Algorithm>();
  const groups = fs.readdirSync(algorithmsDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  for (const g of groups) {
    const files = fs.readdirSync(path.join(algorithmsDir, g))
      .filter((f) => f.endsWith(ownExt) && !f.endsWith('.d.ts') && !f.endsWith('.test' + ownExt))
      .sort();
    for (const f of files) {
      const file = path.join(algorithmsDir, g, f);
      const text = fs.readFileSync(file, 'utf8');
      if (!/export default/.test(text)) continue; // helpers: skip without importing
      let mod: { default?: unknown };
      try {
        mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
      } catch (e) {
        registryProblems.push(`${path.relative(algorithmsDir, file)}: ${(e as Error).message}`);
        continue;
      }
      if (!isAlgorithm(mod.default)) continue;
      const a = mod.default;
      if (map.has(a.id)) throw new Error(`algorithm id ${a.id} is defined twice (${file})`);
      map.set(a.id, a);
    }
  }
  return map;
}

/** All algorithms, sorted by id. */
export async function listAlgorithms(): Promise<Algorithm[]> {
  cache ??= scan();
  return [...(await cache).values()].sort((a, b) => a.id.localeCompare(b.id));
}

/** The module algorithms/<group>/<name> of an id, when it exists and declares that id. */
async function direct(id: string): Promise<Algorithm | undefined> {
  const m = /^([a-z][a-z0-9]*):([a-z][a-z0-9-]*)$/.exec(id);
  if (!m) return undefined;
  const file = path.join(algorithmsDir, m[1], m[2] + ownExt);
  if (!fs.existsSync(file)) return undefined;
  try {
    const mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
    return isAlgorithm(mod.default) && mod.default.id === id ? mod.default : undefined;
  } catch {
    return undefined; // the full scan reports the problem
  }
}

export async function getAlgorithm(id: string): Promise<Algorithm> {
  // one module by its conventional path first: a CLI run need not import every algorithm
  if (!cache) {
    const a = await direct(id);
    if (a) return a;
  }
  cache ??= scan();
  const map = await cache;
  const a = map.get(id) ?? map.get(id.replace(/_/g, ':').replace(/^([a-z0-9]+):/, '$1:'));
  if (a) return a;
  // QGIS names replace ":" by "_" and "-" by "_": accept those too.
  for (const alg of map.values()) {
    if (alg.id.replace(/[:-]/g, '_') === id) return alg;
  }
  const broken = registryProblems.find((x) => x.includes(id));
  if (broken) throw new Error(`algorithm ${id} failed to load: ${broken}`);
  const hint = suggest(id, [...map.keys()]);
  throw new UsageError(`unknown algorithm "${id}"${hint ? `; did you mean "${hint}"?` : ''}. "socp list" shows them all`);
}
