// SPDX-License-Identifier: GPL-2.0-or-later
// The workflow's step runner: each step is one toolbox run() into OUTPUT_DIR, skipped when its
// outputs exist with a provenance key equal to the one this run would have (same algorithm,
// version, parameters and input checksums), so re-running reuses finished work and changed inputs
// recompute exactly the steps that depend on them. Steps run through ctx.steps, so they inherit
// the workflow run's working folder, workspace confinement and cancel signal.

import type { RunContext } from '../../toolbox/context.js';
import type { Results } from '../../toolbox/algorithm.js';

export interface StepLog {
  step: string;
  algorithm: string;
  reused: boolean;
  seconds: number;
  results: Results;
}

export class StepRunner {
  readonly log: StepLog[] = [];
  constructor(private readonly ctx: RunContext, private readonly threads: number) {}

  /** Run (or reuse) one step; `from`–`to` is its share of the workflow's progress. */
  async step(name: string, algorithm: string, params: Record<string, unknown>, from: number, to: number): Promise<Results> {
    this.ctx.checkCancelled();
    const sub = this.ctx.sub(from, to);
    if (await this.ctx.steps.isUpToDate(algorithm, params)) {
      this.ctx.log(`[${name}] ${algorithm}: up to date, reused`);
      sub.progress(100);
      const results = Object.fromEntries(Object.entries(params).filter(([k]) => k.startsWith('OUTPUT')));
      this.log.push({ step: name, algorithm, reused: true, seconds: 0, results });
      return results;
    }
    this.ctx.log(`[${name}] ${algorithm}…`);
    const res = await this.ctx.steps.run(algorithm, params, {
      threads: this.threads,
      onProgress: (p) => sub.progress(p),
      onLog: (level, m) => (level === 'warning' ? this.ctx.warn(`[${name}] ${m}`) : this.ctx.log(`[${name}] ${m}`)),
    });
    this.log.push({ step: name, algorithm, reused: false, seconds: res.seconds, results: res.results });
    return res.results;
  }
}
