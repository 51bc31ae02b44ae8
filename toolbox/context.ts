// SPDX-License-Identifier: GPL-2.0-or-later
// The one object an algorithm gets besides its parameters: progress (0–100), log lines, the
// cancellation signal, the number of worker threads and the output transaction that makes every
// file appear only when the whole run succeeded.

import os from 'node:os';
import type { Algorithm, Results } from './algorithm.js';
import { CancelledError } from './errors.js';
import type { OutputTransaction } from './io/atomic.js';

export type LogLevel = 'info' | 'warning';

/**
 * A tiled run of a composite algorithm (a step graph): `prepare` runs what comes before the tiled
 * steps, `part` computes part `part` of `parts` of each tiled step, `merge` mosaics them and runs
 * the rest. Algorithms that split run their own tiles through toolbox/tiled.ts instead.
 */
export type TileMode =
  | { mode: 'prepare'; tileSize?: number }
  | { mode: 'part'; part: number; parts: number; tileSize?: number }
  | { mode: 'merge'; tileSize?: number };

/** How a step run from inside an algorithm reports back; everything else it inherits. */
export interface StepOptions {
  onProgress?: (percent: number, message?: string) => void;
  onLog?: (level: LogLevel, message: string) => void;
  threads?: number;
}

/**
 * Other algorithms run as steps of this one (workflow:socp). A step inherits the run's options —
 * the working folder, the bridge's workspace confinement, the cancel signal — so that no path a
 * step reads or writes escapes the checks a top-level run makes. There is no other way for an
 * algorithm to run another one.
 */
export interface StepHost {
  run(algorithm: string | Algorithm, params: Record<string, unknown>, o?: StepOptions): Promise<{ results: Results; seconds: number }>;
  /** Part `part` of `parts` of a step that splits (toolbox/tiled.ts runPart), and the merge of its parts. */
  part(algorithm: string | Algorithm, params: Record<string, unknown>, part: number, parts: number, o?: StepOptions & { tileSize?: number }): Promise<{ tiles: number; computed: number }>;
  merge(algorithm: string | Algorithm, params: Record<string, unknown>, o?: StepOptions & { tileSize?: number }): Promise<{ results: Results; seconds: number }>;
  /** The tiled mode of this run, when it was started with --tile (composite algorithms). */
  tile?: TileMode;
  /** Run a step that splits on other machines (set when the run was started with --redis). */
  spread?: (algorithm: Algorithm, params: Record<string, unknown>, o?: StepOptions) => Promise<{ results: Results; seconds: number }>;
  /** The results of the step's earlier run when its outputs exist with the provenance key this run would give them (toolbox/reuse.ts). */
  reusable(algorithm: string | Algorithm, params: Record<string, unknown>): Promise<Results | undefined>;
  /**
   * Check a path the algorithm itself reads or writes beyond its declared parameters (a folder it
   * creates, a file it writes directly) by the run's confinement; throws UsageError when refused.
   */
  confine(absPath: string, role: 'input' | 'output' | 'folder'): void;
}

export interface RunContext {
  /** Report progress in percent (0–100) of this context's range, with an optional step name. */
  progress(percent: number, message?: string): void;
  log(message: string): void;
  warn(message: string): void;
  signal: AbortSignal;
  /** Throws CancelledError when the signal fired; call it once per block or iteration. */
  checkCancelled(): void;
  /** A context whose 0–100 maps onto [from, to] of this one (sub-steps). */
  sub(from: number, to: number): RunContext;
  /** Worker threads the algorithm may use. */
  threads: number;
  /** Where outputs are staged: write to tx.stage(finalPath), run() commits or rolls back. */
  outputs: OutputTransaction;
  /** The algorithm id (for messages). */
  algorithmId: string;
  /** Steps and paths under this run's options (see StepHost). */
  steps: StepHost;
}

export interface ContextOptions {
  algorithmId: string;
  onProgress?: (percent: number, message?: string) => void;
  onLog?: (level: LogLevel, message: string) => void;
  signal?: AbortSignal;
  threads?: number;
  outputs: OutputTransaction;
  steps: StepHost;
}

export function createContext(o: ContextOptions): RunContext {
  const signal = o.signal ?? new AbortController().signal;
  const threads = Math.max(1, o.threads ?? os.availableParallelism());
  let last = -1;
  const make = (from: number, to: number): RunContext => ({
    progress(percent, message) {
      const p = Math.min(100, from + (Math.min(100, Math.max(0, percent)) / 100) * (to - from)); // sums of sub-ranges may round past 100
      if (p < last && message === undefined) return; // progress never goes back
      last = Math.max(last, p);
      o.onProgress?.(p, message);
    },
    log: (m) => o.onLog?.('info', m),
    warn: (m) => o.onLog?.('warning', m),
    signal,
    checkCancelled() {
      if (signal.aborted) throw new CancelledError(`${o.algorithmId}: cancelled`);
    },
    sub(a, b) {
      return make(from + (a / 100) * (to - from), from + (b / 100) * (to - from));
    },
    threads,
    outputs: o.outputs,
    algorithmId: o.algorithmId,
    steps: o.steps,
  });
  return make(0, 100);
}
