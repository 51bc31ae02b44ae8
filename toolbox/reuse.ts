// SPDX-License-Identifier: GPL-2.0-or-later
// Reusing finished work: a run is up to date when every output it would write exists and carries a
// provenance record whose key (algorithm, socp version, parameters, input checksums) equals the key
// this run would have. Changed inputs change their checksums and so the key.

import fs from 'node:fs';
import type { Algorithm, Results } from './algorithm.js';
import { inputRefs, isDestination, splitLayerRef, type ParseContext } from './params.js';
import { checksumInputs, readProvenance, runKey } from './provenance.js';
import { parseParams } from './run.js';
import { getAlgorithm } from './registry.js';

/**
 * The results of the earlier run whose outputs this run would write, when every output exists with
 * this run's provenance key; undefined otherwise. parseCtx carries the run's folder and
 * confinement: a refused path is never reused, only refused by the run.
 */
export async function reusableResults(id: string | Algorithm, raw: Record<string, unknown>, parseCtx: ParseContext = { cwd: process.cwd() }): Promise<Results | undefined> {
  const alg = typeof id === 'string' ? await getAlgorithm(id) : id;
  let values: Record<string, unknown>;
  try {
    values = await parseParams(alg, raw, parseCtx);
  } catch {
    return undefined;
  }
  const all = alg.inputs.filter((p) => isDestination(p) && values[p.name] !== undefined).map((p) => splitLayerRef(values[p.name] as string).file);
  const outputs = all.filter((f) => fs.existsSync(f));
  if (outputs.length === 0) return undefined;
  const key = runKey(alg.id, values, await checksumInputs(inputRefs(alg.inputs, values)));
  const records = outputs.map((f) => readProvenance(f));
  if (!records.every((r) => r?.key === key)) return undefined;
  // an output missing now is fine only when the earlier run did not make it (an optional output
  // it left out): its results, which name every file it wrote, do not name it
  const missing = all.filter((f) => !outputs.includes(f));
  if (missing.length > 0) {
    const named = new Set(Object.values(records[0]!.results ?? {}).flat().filter((v): v is string => typeof v === 'string').map((v) => splitLayerRef(v).file));
    if (!records[0]!.results || missing.some((f) => named.has(f))) return undefined;
  }
  // records of older versions hold no results: the output paths are what is known
  return records[0]!.results ?? Object.fromEntries(Object.entries(values).filter(([k]) => k.startsWith('OUTPUT')));
}

/** Is a run up to date (its outputs exist with this run's provenance key)? */
export async function isUpToDate(id: string | Algorithm, raw: Record<string, unknown>, parseCtx?: ParseContext): Promise<boolean> {
  return (await reusableResults(id, raw, parseCtx)) !== undefined;
}
