// SPDX-License-Identifier: GPL-2.0-or-later
// The algorithm contract: an algorithm is a self-describing value (metadata, typed inputs, typed
// outputs) plus one async run(). Front ends (CLI, HTTP bridge, QGIS) derive everything from it.

import { runOptionParams, type ParamDef } from './params.js';
import type { RunContext } from './context.js';

export type OutputKind = 'raster' | 'vector' | 'table' | 'file' | 'folder' | 'html' | 'number' | 'string' | 'json';

export interface OutputDef {
  name: string;
  kind: OutputKind;
  description: string;
}

/** Parsed parameter values, keyed by UPPER_CASE name; absent optional parameters are undefined. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ParamValues = Record<string, any>;
export type Results = Record<string, unknown>;

/**
 * How an algorithm's work splits into tiles of a raster grid (toolbox/tiled.ts). `grid` names the
 * raster parameter whose grid the outputs have; every raster input on that grid is read tile by
 * tile. `pixel`: each output pixel depends on the same pixel of the inputs. `neighbourhood`: on
 * the inputs within `halo` cells. Without a split the algorithm is global: it runs whole on one
 * node. `sum` names numeric results that add up over the tiles (pixel counts).
 */
export type Split =
  | { kind: 'pixel'; grid: string; sum?: string[] }
  | { kind: 'neighbourhood'; grid: string; halo: number; sum?: string[] };

export interface Algorithm {
  /** "group:name", lowercase, e.g. "soil:potential" */
  id: string;
  title: string;
  group: string;
  /** Help text: what it does, the method and its source, units. Plain text paragraphs. */
  help: string;
  inputs: ParamDef[];
  outputs: OutputDef[];
  /** How the work splits into tiles; absent = global (runs whole on one node). */
  split?: Split;
  /**
   * The algorithm runs a step graph (toolbox/graph.ts) whose tiled steps a run with --tile spreads
   * over parts: --tile prepare, then --tile I/N on each machine, then --tile merge.
   */
  composite?: boolean;
  /** Cross-parameter checks after each parameter parsed; return messages (all are reported). */
  check?(params: ParamValues): string[];
  run(params: ParamValues, ctx: RunContext): Promise<Results>;
}

/**
 * The algorithm with the toolbox's run options added to its inputs (OVERWRITE, ENCODING — see
 * runOptionParams), after checks of the declaration itself (unique names, defaults valid).
 */
export function defineAlgorithm(a: Algorithm): Algorithm {
  a.inputs = [...a.inputs, ...runOptionParams(a.inputs)];
  if (!/^[a-z][a-z0-9]*:[a-z][a-z0-9-]*$/.test(a.id)) throw new Error(`algorithm id "${a.id}" must look like group:name`);
  if (a.id.split(':')[0] !== a.group) throw new Error(`algorithm ${a.id}: group must be "${a.id.split(':')[0]}"`);
  const names = new Set<string>();
  for (const p of a.inputs) {
    if (names.has(p.name)) throw new Error(`algorithm ${a.id}: parameter ${p.name} declared twice`);
    names.add(p.name);
    if (p.kind === 'field' && p.parent && !a.inputs.some((q) => q.name === p.parent)) {
      throw new Error(`algorithm ${a.id}: field ${p.name} names unknown parent ${p.parent}`);
    }
    if (p.kind === 'enum' && p.default !== undefined && !p.options!.includes(p.default as string)) {
      throw new Error(`algorithm ${a.id}: default of ${p.name} is not one of its options`);
    }
    if (typeof p.default === 'number') {
      if ((p.min !== undefined && p.default < p.min) || (p.max !== undefined && p.default > p.max)) {
        throw new Error(`algorithm ${a.id}: default of ${p.name} is outside its bounds`);
      }
    }
  }
  if (a.split && !a.inputs.some((p) => p.name === a.split!.grid)) throw new Error(`algorithm ${a.id}: split grid ${a.split.grid} is not a parameter`);
  for (const o of a.outputs) {
    if (names.has(o.name) && !a.inputs.find((p) => p.name === o.name)!.kind.endsWith('Destination')) {
      throw new Error(`algorithm ${a.id}: output ${o.name} clashes with an input`);
    }
  }
  return a;
}

export function isAlgorithm(x: unknown): x is Algorithm {
  const a = x as Algorithm;
  return !!a && typeof a === 'object' && typeof a.id === 'string' && Array.isArray(a.inputs) && typeof a.run === 'function';
}
