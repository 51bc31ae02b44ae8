// SPDX-License-Identifier: GPL-2.0-or-later
// stats:correlation — Pearson correlation matrix with p-values (the study's Table 2).

import { defineAlgorithm } from '../../toolbox/algorithm.js';
import { param } from '../../toolbox/params.js';
import { readTable } from '../../toolbox/io/table.js';
import { saveJson, saveRows, saveText } from '../../toolbox/io/outputs.js';
import { renderReport } from '../report/render.js';
import { pearson } from './core/correlation.js';
import { numericFields } from './fields.js';

export default defineAlgorithm({
  id: 'stats:correlation',
  title: 'Pearson correlation matrix (Table 2)',
  group: 'stats',
  help: 'Pearson correlation coefficient r for every pair of fields with pairwise-complete observations (a missing value ' +
    'removes the row from the pairs that use that field only), the number of pairs n and the two-sided p-value of ' +
    'H0: r = 0 from Student\'s t with n − 2 degrees of freedom (as R\'s cor.test). CSV output is long (one row per pair ' +
    'and the diagonal); JSON output also holds the matrices.',
  inputs: [
    param.vector('INPUT', 'Table or point layer'),
    param.list('FIELDS', 'Fields to correlate (default: every numeric field)', 'field', { parent: 'INPUT', optional: true }),
    param.tableDestination('OUTPUT', 'Correlation table (.csv or .json)', { extensions: ['.csv', '.json'] }),
    param.fileDestination('OUTPUT_REPORT', 'Optional HTML report: the matrix as a heat map with values (Table 2), self-contained (.html)', { optional: true, extensions: ['.html', '.htm'] }),
  ],
  outputs: [
    { name: 'OUTPUT', kind: 'table', description: 'r, n and p per pair' },
    { name: 'OUTPUT_REPORT', kind: 'html', description: 'HTML report (when asked for)' },
  ],
  async run(p, ctx) {
    const t = await readTable(p.INPUT);
    const exclude = [t.coordFields?.x, t.coordFields?.y].filter(Boolean) as string[];
    const cols = numericFields(t, p.FIELDS, exclude);
    const names = [...cols.keys()];
    const k = names.length;
    const r: number[][] = names.map(() => Array(k).fill(NaN));
    const pv: number[][] = names.map(() => Array(k).fill(NaN));
    const n: number[][] = names.map(() => Array(k).fill(0));
    const rows: Record<string, unknown>[] = [];
    for (let i = 0; i < k; i++) {
      for (let j = i; j < k; j++) {
        const c = pearson(cols.get(names[i])!, cols.get(names[j])!);
        r[i][j] = r[j][i] = c.r;
        pv[i][j] = pv[j][i] = c.p;
        n[i][j] = n[j][i] = c.n;
        rows.push({ field_1: names[i], field_2: names[j], r: c.r, n: c.n, p_value: c.p });
      }
      ctx.progress((100 * (i + 1)) / k);
    }
    const undefinedPairs = rows.filter((x) => Number.isNaN(x.r as number)).length;
    if (undefinedPairs > 0) ctx.warn(`${undefinedPairs} pairs have fewer than 3 complete rows or a constant field; their r is missing`);
    const out = p.OUTPUT.toLowerCase().endsWith('.json')
      ? saveJson(ctx, p.OUTPUT, { algorithm: 'stats:correlation', source: t.source, method: 'pearson, pairwise-complete', fields: names, r, n, p_value: pv, pairs: rows })
      : saveRows(ctx, p.OUTPUT, ['field_1', 'field_2', 'r', 'n', 'p_value'], rows);
    if (p.OUTPUT_REPORT) {
      const rep = await renderReport({ correlation: { fields: names, r, p_value: pv, n } }, { title: 'Pearson correlations', signal: ctx.signal });
      for (const w of rep.warnings) ctx.warn(w);
      saveText(ctx, p.OUTPUT_REPORT, rep.html);
    }
    return { OUTPUT: out, FIELDS: k, ...(p.OUTPUT_REPORT ? { OUTPUT_REPORT: p.OUTPUT_REPORT } : {}) };
  },
});
