// SPDX-License-Identifier: GPL-2.0-or-later
// Two small table steps of workflow:socp, as algorithm values of its own (not in the catalogue):
// run through the step graph like every other step, so they are staged atomically, get provenance
// records and are reused or recomputed by the same rule.

import { defineAlgorithm } from '../../../toolbox/algorithm.js';
import { saveTable } from '../../../toolbox/io/outputs.js';
import { missingField, readTable, type Table } from '../../../toolbox/io/table.js';
import { parseLabels } from '../../../toolbox/labels.js';
import { param } from '../../../toolbox/params.js';

const coordinates = () => [
  param.field('X_FIELD', 'X coordinate field (default: found by name)', { parent: 'INPUT', optional: true }),
  param.field('Y_FIELD', 'Y coordinate field', { parent: 'INPUT', optional: true }),
  param.string('POINTS_CRS', 'CRS of the coordinates when the table has none', { optional: true }),
];

const readWith = (p: Record<string, string | undefined>) => readTable(p.INPUT!, { xField: p.X_FIELD, yField: p.Y_FIELD, pointsCrs: p.POINTS_CRS });

/** Land-use codes read at the samples (a column of covariates:extract) turned into labels. */
export const labelLanduse = defineAlgorithm({
  id: 'workflow:label-landuse',
  title: 'Land-use labels at the samples',
  group: 'workflow',
  help: 'Replaces the land-use code column CODE_FIELD by a text column FIELD holding the label of each code (LABELS; "class N" for a code without a label, missing where the code is missing).',
  inputs: [
    param.vector('INPUT', 'Samples with the land-use code column'),
    param.field('CODE_FIELD', 'Column of land-use codes', { parent: 'INPUT' }),
    param.string('LABELS', 'code=label pairs'),
    param.string('FIELD', 'Name of the label column', { default: 'landuse' }),
    ...coordinates(),
    param.tableDestination('OUTPUT', 'Samples with the label column'),
  ],
  outputs: [{ name: 'OUTPUT', kind: 'table', description: 'samples with land-use labels' }],
  async run(p, ctx) {
    const t = await readWith(p);
    const codes = t.columns.get(p.CODE_FIELD);
    if (!codes) throw missingField(t, p.CODE_FIELD, 'CODE_FIELD');
    const labels = parseLabels(p.LABELS);
    const fields = t.fields.filter((x) => x !== p.CODE_FIELD);
    const columns = new Map(t.columns);
    columns.delete(p.CODE_FIELD);
    columns.set(p.FIELD, codes.map((v) => (v === null ? null : labels.get(Number(v)) ?? `class ${v}`)));
    if (!fields.includes(p.FIELD)) fields.push(p.FIELD);
    await saveTable(ctx, p.OUTPUT, { ...t, fields, columns });
    return { OUTPUT: p.OUTPUT };
  },
});

/** The rows of a table whose FIELD equals VALUE (one ecosystem's samples). */
export const subsetRows = defineAlgorithm({
  id: 'workflow:subset',
  title: 'Rows of one class',
  group: 'workflow',
  help: 'Keeps the rows of INPUT whose FIELD, read as text, equals VALUE.',
  inputs: [
    param.vector('INPUT', 'A table'),
    param.field('FIELD', 'Class column', { parent: 'INPUT', fieldType: 'any' }),
    param.string('VALUE', 'The class to keep'),
    ...coordinates(),
    param.tableDestination('OUTPUT', 'The rows of that class'),
  ],
  outputs: [{ name: 'OUTPUT', kind: 'table', description: 'the rows of one class' }],
  async run(p, ctx) {
    const t = await readWith(p);
    const col = t.columns.get(p.FIELD);
    if (!col) throw missingField(t, p.FIELD, 'FIELD');
    const rows = col.flatMap((v, i) => (v !== null && String(v) === p.VALUE ? [i] : []));
    const sub: Table = {
      ...t,
      columns: new Map([...t.columns].map(([k, v]) => [k, rows.map((i) => v[i])])),
      nRows: rows.length,
      x: t.x ? Float64Array.from(rows, (i) => t.x![i]) : undefined,
      y: t.y ? Float64Array.from(rows, (i) => t.y![i]) : undefined,
      wkb: t.wkb ? rows.map((i) => t.wkb![i]) : undefined,
    };
    await saveTable(ctx, p.OUTPUT, sub);
    return { OUTPUT: p.OUTPUT, ROWS: rows.length };
  },
});
