// SPDX-License-Identifier: GPL-2.0-or-later
// soil:saturation — SOC saturation at sample points (the study's Eq. 3 Hassink, Eq. 4 Elustondo, or
// a custom linear model of the fine fraction).

import { defineAlgorithm } from '../../toolbox/algorithm.js';
import { param } from '../../toolbox/params.js';
import { readTable, addColumn } from '../../toolbox/io/table.js';
import { saveTable } from '../../toolbox/io/outputs.js';
import { SATURATION_MODELS, socSaturation } from './formulas.js';
import { checkedColumn, countMissing, gravelAndDepth, soilParams } from './samples.js';

export default defineAlgorithm({
  id: 'soil:saturation',
  title: 'SOC saturation at samples (Eq. 3/4)',
  group: 'soil',
  help: 'Soil organic carbon saturation, Sat = p · (a + b · fine) · BD · (1 − gravel/100) · 10⁻², in kg C m⁻², ' +
    'with fine the % of particles < 50 µm. MODEL hassink: a = 4.09, b = 0.37 (Hassink 1997); elustondo: a = 9.04, b = 0.27; ' +
    'custom: a = INTERCEPT, b = SLOPE (g C kg⁻¹ and g C kg⁻¹ per %). Adds the field socsat_<model>.',
  inputs: [
    soilParams.input(), soilParams.fine(), soilParams.bd(), soilParams.gravel(), soilParams.depth(), soilParams.depthField(),
    param.enum('MODEL', 'Saturation model', ['hassink', 'elustondo', 'custom'] as const, { default: 'hassink' }),
    param.number('INTERCEPT', 'Custom model intercept a, g C kg⁻¹ (MODEL=custom)', { optional: true }),
    param.number('SLOPE', 'Custom model slope b, g C kg⁻¹ per % fine fraction (MODEL=custom)', { optional: true }),
    soilParams.output((p) => [`socsat_${p.MODEL}`]),
  ],
  outputs: [{ name: 'OUTPUT', kind: 'table', description: 'the samples with socsat_<model> (kg C m⁻²)' }],
  check(p) {
    if (p.MODEL === 'custom' && (p.INTERCEPT === undefined || p.SLOPE === undefined)) {
      return ['MODEL=custom needs INTERCEPT and SLOPE (e.g. --INTERCEPT=4.09 --SLOPE=0.37)'];
    }
    if (p.MODEL !== 'custom' && (p.INTERCEPT !== undefined || p.SLOPE !== undefined)) {
      return [`INTERCEPT and SLOPE apply only to MODEL=custom; the ${p.MODEL} model has fixed coefficients`];
    }
    return [];
  },
  async run(p, ctx) {
    const t = await readTable(p.INPUT);
    const fine = checkedColumn(t, p.FINE_FIELD, 'FINE_FIELD');
    const bd = checkedColumn(t, p.BD_FIELD, 'BD_FIELD');
    const { gravel, depth } = gravelAndDepth(t, p);
    const m = p.MODEL === 'custom' ? { intercept: p.INTERCEPT, slope: p.SLOPE } : SATURATION_MODELS[p.MODEL as 'hassink' | 'elustondo'];
    const s = new Float64Array(t.nRows);
    for (let i = 0; i < t.nRows; i++) s[i] = socSaturation(depth[i], fine[i], bd[i], gravel[i], m);
    const missing = countMissing(fine, bd, gravel, depth);
    if (missing > 0) ctx.log(`${missing} of ${t.nRows} rows have a missing input value; their saturation is missing`);
    const field = `socsat_${p.MODEL}`;
    addColumn(t, field, s);
    return { OUTPUT: await saveTable(ctx, p.OUTPUT, t), FIELD: field, ROWS: t.nRows, MISSING_ROWS: missing };
  },
});
