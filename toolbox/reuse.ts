// SPDX-License-Identifier: GPL-2.0-or-later
// Reusing finished work: a run is up to date when every output it would write exists and carries a
// provenance record whose key (algorithm, socp version, parameters, input checksums) equals the key
// this run would have. Changed inputs change their checksums and so the key.

import fs from 'node:fs';
import type { Algorithm } from './algorithm.js';
import { isDestination, isInputPath, splitLayerRef, type ParamDef, type ParseContext } from './params.js';
import { checksumInputs, readProvenance, runKey } from './provenance.js';
import { parseParams } from './run.js';
import { getAlgorithm } from './registry.js';

/** parseCtx carries the run's folder and confinement: a refused path is never reused, only refused by the run. */
export async function isUpToDate(id: string | Algorithm, raw: Record<string, unknown>, parseCtx: ParseContext = { cwd: process.cwd() }): Promise<boolean> {
  const alg = typeof id === 'string' ? await getAlgorithm(id) : id;
  let values: Record<string, unknown>;
  try {
    values = await parseParams(alg, raw, parseCtx);
  } catch {
    return false;
  }
  const outputs = alg.inputs.filter((p) => isDestination(p) && values[p.name] !== undefined).map((p) => splitLayerRef(values[p.name] as string).file);
  if (outputs.length === 0 || outputs.some((f) => !fs.existsSync(f))) return false;
  const inputs: [string, string][] = [];
  for (const p of alg.inputs as ParamDef[]) {
    if (!isInputPath(p) || values[p.name] === undefined) continue;
    const list = Array.isArray(values[p.name]) ? (values[p.name] as string[]) : [values[p.name] as string];
    for (const ref of list) inputs.push([p.name, ref]);
  }
  const key = runKey(alg.id, values, await checksumInputs(inputs));
  return outputs.every((f) => readProvenance(f)?.key === key);
}
