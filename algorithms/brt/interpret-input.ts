// SPDX-License-Identifier: GPL-2.0-or-later
// Shared input handling of brt:sensitivity and brt:interactions: the model(s) and the rows at which
// they are interpreted (predictor columns in model order), predictor names and pairs.

import { DataError } from '../../toolbox/errors.js';
import { numericColumn, readTable, type Table } from '../../toolbox/io/table.js';
import type { GbmModel } from './engine/types.js';
import { loadModels } from './model-set.js';

export interface InterpretInput {
  models: GbmModel[];
  isSet: boolean;
  /** The models' predictor names (all models of a set share them). */
  names: string[];
  table: Table;
  /** Predictor columns of INPUT in model order, NaN = missing. */
  X: Float64Array[];
}

export async function loadInterpretInput(modelFile: string, input: string, nTrees?: number): Promise<InterpretInput> {
  const { models, isSet } = await loadModels(modelFile);
  const names = models[0]!.predictorNames;
  for (const m of models) {
    if (m.predictorNames.join(',') !== names.join(',')) throw new DataError(`${modelFile}: the models of the set use different predictors`);
  }
  if (nTrees !== undefined) {
    const fewest = Math.min(...models.map((m) => m.nTrees));
    if (nTrees > fewest) throw new DataError(`N_TREES=${nTrees} is more than the ${fewest} trees of ${isSet ? 'the smallest model of the set' : 'the model'}; give at most ${fewest} or leave it empty`);
  }
  const table = await readTable(input);
  const lack = names.filter((n) => !table.columns.has(n));
  if (lack.length) {
    throw new DataError(`${table.source} lacks the predictor field${lack.length > 1 ? 's' : ''} ${lack.join(', ')} that the model needs (it was trained with ${names.join(', ')})`);
  }
  if (table.nRows < 2) throw new DataError(`${table.source} has ${table.nRows} row${table.nRows === 1 ? '' : 's'}; interpreting a model needs at least two rows`);
  const X = names.map((n) => Float64Array.from(numericColumn(table, n)));
  return { models, isSet, names, table, X };
}

/** 0-based index of a predictor name, or a DataError naming the model's predictors. */
export function predictorIndex(names: readonly string[], name: string, param: string): number {
  const i = names.indexOf(name);
  if (i < 0) {
    const ci = names.findIndex((n) => n.toLowerCase() === name.toLowerCase());
    const hint = ci >= 0 ? ` (did you mean "${names[ci]}"?)` : '';
    throw new DataError(`${param}: the model has no predictor "${name}"${hint}; its predictors are ${names.join(', ')}`);
  }
  return i;
}

/** PAIRS items "a:b" as index pairs (j < k not required; duplicates refused). */
export function parsePairs(items: readonly string[], names: readonly string[]): [number, number][] {
  const seen = new Set<string>();
  return items.map((s) => {
    const parts = s.split(':').map((x) => x.trim());
    if (parts.length !== 2 || !parts[0] || !parts[1]) throw new DataError(`PAIRS item "${s}" must look like a:b (two predictor names joined by a colon)`);
    const j = predictorIndex(names, parts[0], 'PAIRS');
    const k = predictorIndex(names, parts[1], 'PAIRS');
    if (j === k) throw new DataError(`PAIRS item "${s}" names the same predictor twice; an interaction needs two different predictors`);
    const key = j < k ? `${j}:${k}` : `${k}:${j}`;
    if (seen.has(key)) throw new DataError(`PAIRS lists the pair ${names[j]}:${names[k]} twice`);
    seen.add(key);
    return [j, k];
  });
}

/** Number of distinct non-missing values of a column (stops counting at 2). */
export function variesAtAll(x: Float64Array): boolean {
  let first = NaN;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v !== v) continue;
    if (first !== first) first = v;
    else if (v !== first) return true;
  }
  return false;
}

/** Mean and SD (n − 1) of the defined (non-NaN) values; SD is NaN with fewer than two. */
export function meanSdDefined(v: readonly number[]): { mean: number; sd: number; n: number } {
  const d = v.filter((x) => x === x);
  const n = d.length;
  if (n === 0) return { mean: NaN, sd: NaN, n };
  const mean = d.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : NaN;
  return { mean, sd, n };
}

/** Lets progress and cancellation through between long synchronous steps. */
export const yieldToEventLoop = (): Promise<void> => new Promise((r) => setImmediate(r));
