// SPDX-License-Identifier: GPL-2.0-or-later
// Partial dependence of every model of a set, on the toolbox's worker pool (or in this thread
// when threads = 1). Each model's curves are computed whole by one thread (the task handler
// pdTasks); the sums over the models are taken here, in model order, so the result is identical
// for any thread count.

import { defineTaskHandler, runOrdered, runsInThread } from '../../../toolbox/pool.js';
import { partialDependence } from '../engine/partial-dependence.js';
import type { GbmModel, GbmTree } from '../engine/types.js';

/** One curve or surface: 0-based predictor indices and one grid per predictor. */
export interface PdJob {
  vars: number[];
  grids: Float64Array[];
}

const INT_FIELDS = ['splitVar', 'left', 'right', 'missing'] as const;
const FLOAT_FIELDS = ['splitCodePred', 'errorReduction', 'weight', 'prediction'] as const;

/**
 * A model with its trees' arrays concatenated: 8 buffers instead of 8 per tree, so posting it to
 * a worker copies 8 blocks of memory (≈ 2 MB for 1600 trees) instead of cloning 12800 arrays.
 */
export interface PackedModel {
  head: Omit<GbmModel, 'trees'>;
  /** Nodes per tree. */
  sizes: Int32Array;
  ints: Int32Array[];
  floats: Float64Array[];
}

export function packModel(model: GbmModel): PackedModel {
  const { trees, ...head } = model;
  const sizes = Int32Array.from(trees, (t) => t.splitVar.length);
  const total = sizes.reduce((a, b) => a + b, 0);
  const ints = INT_FIELDS.map(() => new Int32Array(total));
  const floats = FLOAT_FIELDS.map(() => new Float64Array(total));
  let at = 0;
  for (const t of trees) {
    INT_FIELDS.forEach((f, i) => ints[i]!.set(t[f], at));
    FLOAT_FIELDS.forEach((f, i) => floats[i]!.set(t[f], at));
    at += t.splitVar.length;
  }
  return { head, sizes, ints, floats };
}

export function unpackModel(p: PackedModel): GbmModel {
  const trees: GbmTree[] = [];
  let at = 0;
  for (let t = 0; t < p.sizes.length; t++) {
    const n = p.sizes[t]!;
    const sub = <T extends Int32Array | Float64Array>(a: T) => a.subarray(at, at + n) as T;
    trees.push({
      splitVar: sub(p.ints[0]!), left: sub(p.ints[1]!), right: sub(p.ints[2]!), missing: sub(p.ints[3]!),
      splitCodePred: sub(p.floats[0]!), errorReduction: sub(p.floats[1]!), weight: sub(p.floats[2]!), prediction: sub(p.floats[3]!),
    });
    at += n;
  }
  return { ...p.head, trees };
}

/** The partial dependence of one model for every job (values in expand.grid order). */
export function modelPd(model: GbmModel, jobs: readonly PdJob[]): Float64Array[] {
  return jobs.map((j) => partialDependence(model, j.vars, { grids: j.grids }).values);
}

export interface SetPdOptions {
  threads: number;
  signal?: AbortSignal;
  /** Called after each model is added to the sums (in model order). */
  onModel?: (done: number, total: number) => void;
}

/** Per job: Σ over the models of the values and of their squares, added in model order. */
export interface SetPdSums {
  sum: Float64Array[];
  sq: Float64Array[];
}

/** What each thread of the pool holds: the jobs, sent once. */
export interface PdData {
  jobs: readonly PdJob[];
}

/** A model's partial dependence for every job: packed when posted to a thread, as is in this one. */
export const pdTasks = defineTaskHandler(import.meta.url, 'pdTasks', (d: PdData) => (m: GbmModel | PackedModel) => modelPd('trees' in m ? m : unpackModel(m), d.jobs));

export async function setPartialDependence(models: readonly GbmModel[], jobs: readonly PdJob[], o: SetPdOptions): Promise<SetPdSums> {
  const size = (j: PdJob) => j.grids.reduce((a, g) => a * g.length, 1);
  const sum = jobs.map((j) => new Float64Array(size(j)));
  const sq = jobs.map((j) => new Float64Array(size(j)));
  const pool = { handler: pdTasks, data: { jobs: jobs.map((j) => ({ vars: j.vars, grids: j.grids })) }, threads: o.threads, count: models.length, signal: o.signal, label: (i: number) => `model ${i + 1} of ${models.length}` };
  // packed one by one as the pool takes them (a set of 100 models would be ≈ 200 MB at once)
  const inThread = runsInThread(pool);
  const inputs = (function* () {
    for (const m of models) yield inThread ? m : packModel(m);
  })();
  // added in model order, whatever thread finished first
  await runOrdered(pool, inputs, (values, m) => {
    for (let b = 0; b < jobs.length; b++) {
      const v = values[b]!;
      const s = sum[b]!;
      const s2 = sq[b]!;
      for (let i = 0; i < s.length; i++) {
        s[i] += v[i]!;
        s2[i] += v[i]! * v[i]!;
      }
    }
    o.onModel?.(m + 1, models.length);
  });
  return { sum, sq };
}
