// SPDX-License-Identifier: GPL-2.0-or-later
// The study's Table 3: min / Q1 / median / mean / Q3 / max of each metric over the repeats, per
// stratum (quartiles as R's quantile type 7).

import { quantileSorted } from '../../stats/core/moments.js';
import { METRIC_NAMES, type MetricName } from './metrics.js';
import type { RepeatMetrics } from './runner.js';

export interface SummaryRow {
  model: string;
  stratum: string;
  metric: MetricName;
  min: number;
  q1: number;
  median: number;
  mean: number;
  q3: number;
  max: number;
}

export function summarise(model: string, rows: RepeatMetrics[]): SummaryRow[] {
  const strata = [...new Set(rows.map((r) => r.stratum))];
  const out: SummaryRow[] = [];
  for (const s of strata) {
    const sel = rows.filter((r) => r.stratum === s);
    for (const m of METRIC_NAMES) {
      const v = Float64Array.from(sel.map((r) => r[m]).filter((x) => !Number.isNaN(x))).sort();
      let sum = 0;
      for (const x of v) sum += x;
      out.push({
        model, stratum: s, metric: m,
        min: v.length ? v[0] : NaN,
        q1: quantileSorted(v, 0.25),
        median: quantileSorted(v, 0.5),
        mean: v.length ? sum / v.length : NaN,
        q3: quantileSorted(v, 0.75),
        max: v.length ? v[v.length - 1] : NaN,
      });
    }
  }
  return out;
}

/** A fixed-width text table of the summary (printed to the log, like the study's Table 3). */
export function formatSummary(rows: SummaryRow[]): string {
  const head = ['stratum', 'metric', 'min', 'Q1', 'median', 'mean', 'Q3', 'max'];
  const fmt = (x: number) => (Number.isNaN(x) ? 'NA' : x.toFixed(3));
  const body = rows.map((r) => [r.stratum, r.metric, fmt(r.min), fmt(r.q1), fmt(r.median), fmt(r.mean), fmt(r.q3), fmt(r.max)]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ');
  return [line(head), ...body.map(line)].join('\n');
}
