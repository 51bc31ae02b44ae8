// SPDX-License-Identifier: GPL-2.0-or-later
// stats:describe — descriptive statistics of sample fields (the study's Table 1).

import path from 'node:path';
import { defineAlgorithm } from '../../toolbox/algorithm.js';
import { param } from '../../toolbox/params.js';
import { readTable, numericColumn } from '../../toolbox/io/table.js';
import { saveJson, saveRows, saveText } from '../../toolbox/io/outputs.js';
import { renderReport } from '../report/render.js';
import type { DescribeRow } from '../report/inputs.js';
import { DataError } from '../../toolbox/errors.js';
import { describe } from './core/moments.js';
import { numericFields } from './fields.js';

const COLUMNS = ['group', 'field', 'n', 'missing', 'min', 'q1', 'median', 'mean', 'q3', 'max', 'sd', 'cv_percent', 'skewness', 'kurtosis', 'excess_kurtosis'];

export default defineAlgorithm({
  id: 'stats:describe',
  title: 'Descriptive statistics (Table 1)',
  group: 'stats',
  help: 'For each field: count, missing, minimum, quartiles (R type 7), mean, standard deviation (n − 1), coefficient of ' +
    'variation, skewness (moment g1) and kurtosis — non-excess (Pearson) b2 = m4/m2², as the study\'s Table 1 reports it ' +
    '(≈ 1.8 for a uniform variable), with the excess kurtosis b2 − 3 beside it. Missing values are left out and counted. ' +
    'With GROUP_FIELD, also per group (e.g. land use). Output as CSV or JSON (by the file extension).',
  inputs: [
    param.vector('INPUT', 'Table or point layer'),
    param.list('FIELDS', 'Fields to describe (default: every numeric field)', 'field', { parent: 'INPUT', optional: true }),
    param.field('GROUP_FIELD', 'Optional field whose values form groups (e.g. land use)', { parent: 'INPUT', optional: true, fieldType: 'any' }),
    param.tableDestination('OUTPUT', 'Statistics table (.csv or .json)', { extensions: ['.csv', '.json'] }),
    param.fileDestination('OUTPUT_REPORT', 'Optional HTML report of the statistics (Table 1), self-contained (.html)', { optional: true, extensions: ['.html', '.htm'] }),
  ],
  outputs: [
    { name: 'OUTPUT', kind: 'table', description: 'one row per field (and group)' },
    { name: 'OUTPUT_REPORT', kind: 'html', description: 'HTML report (when asked for)' },
  ],
  async run(p, ctx) {
    const t = await readTable(p.INPUT);
    const exclude = [p.GROUP_FIELD, t.coordFields?.x, t.coordFields?.y].filter(Boolean) as string[];
    const cols = numericFields(t, p.FIELDS, exclude);
    const rows: Record<string, unknown>[] = [];
    for (const [f, v] of cols) rows.push({ group: 'all', field: f, ...describe(v) });
    if (p.GROUP_FIELD) {
      const g = t.columns.get(p.GROUP_FIELD)!;
      const groups = [...new Set(g.filter((x) => x !== null).map(String))].sort();
      const missingGroup = g.filter((x) => x === null).length;
      if (missingGroup > 0) ctx.warn(`${missingGroup} rows have no ${p.GROUP_FIELD} value and appear only in "all"`);
      if (groups.length > 100) throw new DataError(`GROUP_FIELD ${p.GROUP_FIELD} has ${groups.length} distinct values; is it really a grouping field?`);
      for (const grp of groups) {
        for (const [f, v] of cols) {
          rows.push({ group: grp, field: f, ...describe(v.filter((_, i) => g[i] !== null && String(g[i]) === grp)) });
        }
      }
    }
    void numericColumn;
    const out = p.OUTPUT.toLowerCase().endsWith('.json')
      ? saveJson(ctx, p.OUTPUT, { algorithm: 'stats:describe', source: t.source, kurtosis: 'non-excess (Pearson) b2 = m4/m2^2', rows })
      : saveRows(ctx, p.OUTPUT, COLUMNS, rows);
    if (p.OUTPUT_REPORT) {
      const rep = await renderReport({ describe: rows as unknown as DescribeRow[] }, { title: `Descriptive statistics of ${path.basename(t.source)}`, signal: ctx.signal });
      for (const w of rep.warnings) ctx.warn(w);
      saveText(ctx, p.OUTPUT_REPORT, rep.html);
    }
    return { OUTPUT: out, FIELDS: [...cols.keys()].length, ROWS: t.nRows, ...(p.OUTPUT_REPORT ? { OUTPUT_REPORT: p.OUTPUT_REPORT } : {}) };
  },
});
