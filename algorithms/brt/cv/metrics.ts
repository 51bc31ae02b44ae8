// SPDX-License-Identifier: GPL-2.0-or-later
// Agreement between observed and predicted values, each under its own name. The study's Eq. 9,
// labelled R², is Pearson's r; here r, r² and the coefficient of determination R² = 1 − SSE/SST are
// reported separately. Lin's concordance correlation coefficient (Lin 1989) uses population
// (1/n) moments: CCC = 2 s_xy / (s_x² + s_y² + (x̄ − ȳ)²). bias = mean(predicted − observed).

export interface Metrics {
  n: number;
  r: number;
  r2: number;
  R2: number;
  rmse: number;
  mae: number;
  ccc: number;
  bias: number;
}

export const METRIC_NAMES = ['r', 'r2', 'R2', 'rmse', 'mae', 'ccc', 'bias'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

export function metrics(obs: ArrayLike<number>, pred: ArrayLike<number>, rows?: ArrayLike<number>): Metrics {
  const m = rows ? rows.length : obs.length;
  const at = (i: number) => (rows ? rows[i] : i);
  let so = 0;
  let sp = 0;
  for (let i = 0; i < m; i++) {
    so += obs[at(i)];
    sp += pred[at(i)];
  }
  const mo = so / m;
  const mp = sp / m;
  let soo = 0;
  let spp = 0;
  let sop = 0;
  let sse = 0;
  let sae = 0;
  for (let i = 0; i < m; i++) {
    const o = obs[at(i)];
    const p = pred[at(i)];
    soo += (o - mo) ** 2;
    spp += (p - mp) ** 2;
    sop += (o - mo) * (p - mp);
    sse += (p - o) ** 2;
    sae += Math.abs(p - o);
  }
  const r = soo > 0 && spp > 0 ? sop / Math.sqrt(soo * spp) : NaN;
  return {
    n: m,
    r,
    r2: r * r,
    R2: soo > 0 ? 1 - sse / soo : NaN,
    rmse: Math.sqrt(sse / m),
    mae: sae / m,
    ccc: (2 * sop) / m / (soo / m + spp / m + (mo - mp) ** 2),
    bias: mp - mo,
  };
}
