// SPDX-License-Identifier: GPL-2.0-or-later
// Shared parameters of the brt:* algorithms (same names everywhere) and the training data loader.
// Defaults are the study's Hassink settings: 1600 trees, interaction depth 9, shrinkage 0.0025,
// n.minobsinnode 10, bag fraction 0.65.

import { param, type ParamDef } from '../../toolbox/params.js';
import type { ParamValues } from '../../toolbox/algorithm.js';
import type { RunContext } from '../../toolbox/context.js';
import { DataError } from '../../toolbox/errors.js';
import { numericColumn, readTable, type Table } from '../../toolbox/io/table.js';
import type { GbmParams } from './engine/types.js';

export const PAPER_SETTINGS = {
  hassink: { nTrees: 1600, interactionDepth: 9, shrinkage: 0.0025, nMinObsInNode: 10, bagFraction: 0.65 },
  elustondo: { nTrees: 1850, interactionDepth: 8, shrinkage: 0.0025, nMinObsInNode: 10, bagFraction: 0.6 },
} as const;

export const brtParams = {
  input: () => param.vector('INPUT', 'Training table: one row per sample with the target and predictor fields'),
  target: () => param.field('TARGET', 'Field to predict (e.g. socp_hassink, kg C m⁻²)', { parent: 'INPUT' }),
  predictors: () => param.list('PREDICTORS', 'Predictor fields (comma-separated), e.g. elevation,slope,aspect,plan_curvature,profile_curvature,twi,mat,map,ndvi,npp', 'field', { parent: 'INPUT' }),
  nTrees: () => param.integer('N_TREES', 'Number of trees (gbm n.trees)', { default: 1600, min: 1, max: 1_000_000 }),
  depth: () => param.integer('INTERACTION_DEPTH', 'Splits per tree (gbm interaction.depth; not the depth)', { default: 9, min: 1, max: 1000 }),
  shrinkage: () => param.number('SHRINKAGE', 'Learning rate (gbm shrinkage)', { default: 0.0025, min: 0, exclusiveMin: true, max: 1 }),
  minObs: () => param.integer('N_MINOBSINNODE', 'Minimum number of in-bag rows in a left or right child (gbm n.minobsinnode)', { default: 10, min: 1 }),
  bag: () => param.number('BAG_FRACTION', 'Share of rows drawn (without replacement) for each tree (gbm bag.fraction)', { default: 0.65, min: 0, exclusiveMin: true, max: 1 }),
  seed: () => param.integer('SEED', 'Random seed: the same seed gives the model R gives after set.seed(SEED); gbm(...)', { default: 1, min: -2147483648, max: 2147483647 }),
  threads: () => param.integer('THREADS', 'Worker threads (default: all cores; results do not depend on it)', { optional: true, min: 1, max: 256, advanced: true }),
} satisfies Record<string, () => ParamDef>;

export const hyperParams = (): ParamDef[] => [brtParams.nTrees(), brtParams.depth(), brtParams.shrinkage(), brtParams.minObs(), brtParams.bag()];

export function gbmParams(p: ParamValues): GbmParams {
  return { nTrees: p.N_TREES, interactionDepth: p.INTERACTION_DEPTH, shrinkage: p.SHRINKAGE, nMinObsInNode: p.N_MINOBSINNODE, bagFraction: p.BAG_FRACTION, seed: p.SEED };
}

export interface TrainingData {
  table: Table;
  /** rows of the table kept (all predictors missing → dropped) */
  rows: Int32Array;
  X: Float64Array[];
  y: Float64Array;
  names: string[];
}

/** Read the training table: target without gaps, predictors numeric; drop rows with no predictor. */
export async function loadTraining(p: ParamValues, ctx: RunContext, extra: { xField?: string; yField?: string } = {}): Promise<TrainingData> {
  const t = await readTable(p.INPUT, { xField: extra.xField, yField: extra.yField });
  const names: string[] = [...new Set(p.PREDICTORS as string[])];
  if (names.length === 0) throw new DataError('PREDICTORS is empty: name at least one predictor field');
  if (names.includes(p.TARGET)) throw new DataError(`the target ${p.TARGET} is also listed in PREDICTORS; remove it from PREDICTORS`);
  const target = numericColumn(t, p.TARGET, 'TARGET');
  const missingTarget = target.flatMap((v, i) => (Number.isNaN(v) ? [i + 1] : []));
  if (missingTarget.length > 0) {
    throw new DataError(`${t.source}: the target ${p.TARGET} is missing in ${missingTarget.length} row${missingTarget.length > 1 ? 's' : ''} (row ${missingTarget.slice(0, 10).join(', ')}${missingTarget.length > 10 ? ', …' : ''}); remove those rows or fill them — a model cannot learn from a missing target`);
  }
  const cols = names.map((f) => numericColumn(t, f, 'PREDICTORS'));
  const keep: number[] = [];
  for (let i = 0; i < t.nRows; i++) if (cols.some((c) => !Number.isNaN(c[i]))) keep.push(i);
  const dropped = t.nRows - keep.length;
  if (dropped > 0) ctx.warn(`${dropped} row${dropped > 1 ? 's have' : ' has'} every predictor missing and ${dropped > 1 ? 'were' : 'was'} dropped (row ${t.nRows - keep.length <= 10 ? [...Array(t.nRows).keys()].filter((i) => !keep.includes(i)).map((i) => i + 1).join(', ') : '…'})`);
  const rows = Int32Array.from(keep);
  const y = Float64Array.from(keep, (i) => target[i]);
  let same = true;
  for (let i = 1; i < y.length; i++) if (y[i] !== y[0]) { same = false; break; }
  if (same) throw new DataError(`the target ${p.TARGET} has the same value (${y[0]}) in every row; there is nothing to model`);
  return { table: t, rows, X: cols.map((c) => Float64Array.from(keep, (i) => c[i])), y, names };
}
