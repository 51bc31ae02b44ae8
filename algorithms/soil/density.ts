// SPDX-License-Identifier: GPL-2.0-or-later
// soil:density — SOC density at sample points (the study's Eq. 1).

import { defineAlgorithm } from '../../toolbox/algorithm.js';
import { readTable, addColumn } from '../../toolbox/io/table.js';
import { saveTable } from '../../toolbox/io/outputs.js';
import { socDensity } from './formulas.js';
import { checkedColumn, countMissing, gravelAndDepth, soilParams } from './samples.js';

export default defineAlgorithm({
  id: 'soil:density',
  title: 'SOC density at samples (Eq. 1)',
  group: 'soil',
  help: 'Soil organic carbon density of each sample, D = p · SOC · BD · (1 − gravel/100) · 10⁻², in kg C m⁻², ' +
    'with p the layer thickness (cm), SOC in g C kg⁻¹, BD in g cm⁻³ and gravel the > 2 mm volume %. ' +
    'Adds the field soc_density. Rows with a missing input get a missing density (never 0).',
  inputs: [soilParams.input(), soilParams.soc(), soilParams.bd(), soilParams.gravel(), soilParams.depth(), soilParams.depthField(), soilParams.output(() => ['soc_density'])],
  outputs: [{ name: 'OUTPUT', kind: 'table', description: 'the samples with soc_density (kg C m⁻²)' }],
  async run(p, ctx) {
    const t = await readTable(p.INPUT);
    const soc = checkedColumn(t, p.SOC_FIELD, 'SOC_FIELD');
    const bd = checkedColumn(t, p.BD_FIELD, 'BD_FIELD');
    const { gravel, depth } = gravelAndDepth(t, p);
    const d = new Float64Array(t.nRows);
    for (let i = 0; i < t.nRows; i++) d[i] = socDensity(depth[i], soc[i], bd[i], gravel[i]);
    const missing = countMissing(soc, bd, gravel, depth);
    if (missing > 0) ctx.log(`${missing} of ${t.nRows} rows have a missing input value; their soc_density is missing`);
    addColumn(t, 'soc_density', d);
    ctx.progress(90);
    return { OUTPUT: await saveTable(ctx, p.OUTPUT, t), ROWS: t.nRows, MISSING_ROWS: missing };
  },
});
