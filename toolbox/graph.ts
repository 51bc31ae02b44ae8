// SPDX-License-Identifier: GPL-2.0-or-later
// A step graph: a composite algorithm (workflow:socp) declares its work as steps — name,
// algorithm, parameters, the outputs it writes into the run's folder (each with one line of what
// it is, and where it is collected later, e.g. into the report), and a weight for progress. The
// runner executes them in order through ctx.steps (so every step is staged atomically, gets a
// provenance record and inherits the run's confinement), reuses steps whose outputs are up to
// date, and writes steps.json. The same declaration gives the layout help of the output folder and
// the inputs of collecting steps: nothing is written out twice.

import fs from 'node:fs';
import path from 'node:path';
import type { Algorithm, Results } from './algorithm.js';
import type { RunContext } from './context.js';
import { UsageError } from './errors.js';
import type { StepOptions, TileMode } from './context.js';
import { isInputPath, splitLayerRef } from './params.js';
import { getAlgorithm } from './registry.js';

export interface StepOutput {
  /** the step algorithm's destination parameter (OUTPUT, OUTPUT_SD, …) */
  param: string;
  /** path relative to the graph's folder */
  file: string;
  /** one line for the layout help */
  what: string;
  /** collected into parameter `as` of a later step (a list parameter gathers every file), `name` into `nameAs` */
  collect?: { as: string; name?: string; nameAs?: string };
}

/** Results of the steps run so far, by step name. */
export type StepResults = Map<string, Results>;

export interface Step {
  name: string;
  /** a registered algorithm id, or an algorithm value of the composite's own (not in the catalogue) */
  algorithm: string | Algorithm;
  /** parameters besides the outputs; a function is called when the step's turn comes */
  params: Record<string, unknown> | ((done: StepResults) => Record<string, unknown>);
  outputs: StepOutput[];
  /** share of the graph's progress, relative to the other steps */
  weight: number;
  /** the step runs only when this holds (asked when its turn comes) */
  when?: (done: StepResults) => boolean;
  /** gather the collected outputs of earlier steps into these parameters (only files that exist) */
  collects?: boolean;
  /** in a tiled run (--tile), this step's algorithm (which splits) is spread over the parts */
  distribute?: boolean;
}

export interface StepRecord {
  step: string;
  algorithm: string;
  reused: boolean;
  seconds: number;
  /** tiles this part computed (tiled runs) */
  tiles?: number;
}

/** The absolute path of a step's output. */
export function outputOf(root: string, steps: Step[], step: string, param = 'OUTPUT'): string {
  const s = steps.find((x) => x.name === step);
  const o = s?.outputs.find((x) => x.param === param);
  if (!o) throw new Error(`step graph: no output ${param} of step "${step}"`);
  return path.join(root, o.file);
}

/** The layout of the graph's folder: one line per distinct file, in step order. */
export function layoutOf(steps: Step[], width = 30): string {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const s of steps) {
    for (const o of s.outputs) {
      if (seen.has(o.file)) continue;
      seen.add(o.file);
      lines.push(`  ${o.file.padEnd(width)} ${o.what}`);
    }
  }
  return lines.join('\n');
}

/** Every folder the graph writes into, relative to its root, parents first. */
export function foldersOf(steps: Step[]): string[] {
  const dirs = new Set<string>();
  for (const s of steps) {
    for (const o of s.outputs) {
      const parts = path.dirname(o.file).split(path.sep).filter((x) => x !== '.');
      for (let i = 1; i <= parts.length; i++) dirs.add(parts.slice(0, i).join(path.sep));
    }
  }
  return [...dirs].sort((a, b) => a.split(path.sep).length - b.split(path.sep).length || a.localeCompare(b));
}

async function algorithmOf(a: string | Algorithm): Promise<Algorithm> {
  return typeof a === 'string' ? getAlgorithm(a) : a;
}

/** The parameters a collecting step gathers from the outputs of the steps before it that exist. */
async function collected(root: string, steps: Step[], upto: number, target: Algorithm): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const isList = (name: string) => target.inputs.find((p) => p.name === name)?.kind === 'list';
  for (const s of steps.slice(0, upto)) {
    for (const o of s.outputs) {
      if (!o.collect) continue;
      const file = path.join(root, o.file);
      if (!fs.existsSync(file)) continue; // an optional output not made (e.g. no weighted ensemble)
      const add = (name: string, v: string) => {
        if (!target.inputs.some((p) => p.name === name)) throw new Error(`step graph: ${target.id} has no parameter ${name} to collect into`);
        if (isList(name)) out[name] = [...((out[name] as string[] | undefined) ?? []), v];
        else out[name] = v;
      };
      add(o.collect.as, file);
      if (o.collect.nameAs && o.collect.name !== undefined) add(o.collect.nameAs, o.collect.name);
    }
  }
  return out;
}

export interface GraphRun {
  /** the graph's folder (outputs are relative to it) */
  root: string;
  ctx: RunContext;
  threads?: number;
  /** progress range of this graph within ctx */
  from?: number;
  to?: number;
  /** records of every step, appended (several graphs may share one list) */
  records: StepRecord[];
  /** results of earlier steps, shared the same way */
  done?: StepResults;
}

/** Check what can be checked before any step runs: each step's input files that no step produces exist. */
export async function checkGraph(root: string, steps: Step[], ctx: RunContext): Promise<void> {
  const produced = new Set(steps.flatMap((s) => s.outputs.map((o) => path.join(root, o.file))));
  const problems: string[] = [];
  for (const s of steps) {
    if (typeof s.params === 'function') continue;
    const alg = await algorithmOf(s.algorithm);
    for (const p of alg.inputs) {
      const v = s.params[p.name];
      if (v === undefined || !isInputPath(p)) continue;
      for (const ref of Array.isArray(v) ? v : [v]) {
        if (typeof ref !== 'string') continue;
        const file = splitLayerRef(ref).file;
        if (produced.has(path.resolve(file))) continue;
        if (!fs.existsSync(file)) problems.push(`step "${s.name}" (${alg.id}) reads ${file} (${p.name}), which does not exist`);
        else ctx.steps.confine(file, 'input');
      }
    }
  }
  if (problems.length) throw new UsageError(problems.join('; '));
}

/** The path values of a step's parameters (strings and lists of strings). */
function pathsIn(params: Record<string, unknown>): string[] {
  return Object.values(params).flatMap((v) => (Array.isArray(v) ? v : [v])).filter((v): v is string => typeof v === 'string').map((v) => splitLayerRef(v).file);
}

const tileHint = (m: TileMode) => `run the same command with --tile prepare first${m.mode === 'merge' ? ', then every part (--tile I/N)' : ''}`;

/**
 * Run the steps in order (or reuse them); returns the results by step name. In a tiled run
 * (ctx.steps.tile) the steps fall in three phases: before the distributed steps (run by
 * `--tile prepare`), the distributed steps (a part of their tiles per `--tile I/N`, mosaicked by
 * `--tile merge`), and what reads their outputs (run by `--tile merge`).
 */
export async function runGraph(steps: Step[], g: GraphRun): Promise<StepResults> {
  const from = g.from ?? 0;
  const to = g.to ?? 100;
  const total = steps.reduce((a, s) => a + s.weight, 0) || 1;
  const done = g.done ?? new Map<string, Results>();
  const tile = g.ctx.steps.tile;
  const distributed = new Set<string>(); // outputs of distributed steps
  let at = from;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    const share = ((to - from) * s.weight) / total;
    const sub = g.ctx.sub(at, at + share);
    at += share;
    g.ctx.checkCancelled();
    if (s.when && !s.when(done)) continue;
    const alg = await algorithmOf(s.algorithm);
    const params: Record<string, unknown> = {
      ...(typeof s.params === 'function' ? s.params(done) : s.params),
      ...(s.collects ? await collected(g.root, steps, i, alg) : {}),
    };
    for (const o of s.outputs) params[o.param] = path.join(g.root, o.file);
    const after = s.collects || pathsIn(params).some((f) => distributed.has(f) && !s.outputs.some((o) => path.join(g.root, o.file) === f));
    const spread = !!s.distribute && !after && !!alg.split;
    if (spread || after) for (const o of s.outputs) distributed.add(path.join(g.root, o.file));
    const phase = spread ? 'tiled' : after ? 'after' : 'before';
    const log = (m: string) => g.ctx.log(`[${s.name}] ${m}`);
    // how every kind of step run reports into this step's share of the progress and the log
    const report: StepOptions = { threads: g.threads, onProgress: (p) => sub.progress(p), onLog: (level, m) => (level === 'warning' ? g.ctx.warn(`[${s.name}] ${m}`) : log(m)) };
    // what this job of a tiled run leaves to another job is skipped before any reuse check
    if (tile?.mode === 'prepare' && phase !== 'before') continue;
    if (tile?.mode === 'part' && phase === 'after') continue;
    const earlier = await g.ctx.steps.reusable(alg, params);
    if (earlier) {
      log(`${alg.id}: up to date, reused`);
      sub.progress(100);
      done.set(s.name, earlier);
      g.records.push({ step: s.name, algorithm: alg.id, reused: true, seconds: 0 });
      continue;
    }
    if (tile) {
      if (phase === 'before' && tile.mode !== 'prepare') throw new UsageError(`step "${s.name}" (${alg.id}) has not run yet; ${tileHint(tile)}`);
      if (tile.mode === 'part') {
        log(`${alg.id}: part ${tile.part + 1} of ${tile.parts}…`);
        const r = await g.ctx.steps.part(alg, params, tile.part, tile.parts, { ...report, tileSize: tile.tileSize });
        g.records.push({ step: s.name, algorithm: alg.id, reused: false, seconds: 0, tiles: r.computed });
        continue;
      }
      if (tile.mode === 'merge' && phase === 'tiled') {
        log(`${alg.id}: merging the parts…`);
        const r = await g.ctx.steps.merge(alg, params, { ...report, tileSize: tile.tileSize });
        done.set(s.name, r.results);
        g.records.push({ step: s.name, algorithm: alg.id, reused: false, seconds: r.seconds });
        continue;
      }
    }
    if (phase === 'tiled' && g.ctx.steps.spread) {
      log(`${alg.id}: its tiles on the workers…`);
      const r = await g.ctx.steps.spread(alg, params, report);
      done.set(s.name, r.results);
      g.records.push({ step: s.name, algorithm: alg.id, reused: false, seconds: r.seconds });
      continue;
    }
    log(`${alg.id}…`);
    const res = await g.ctx.steps.run(alg, params, report);
    done.set(s.name, res.results);
    g.records.push({ step: s.name, algorithm: alg.id, reused: false, seconds: res.seconds });
  }
  return done;
}
