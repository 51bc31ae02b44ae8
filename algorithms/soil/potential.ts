// SPDX-License-Identifier: GPL-2.0-or-later
// soil:potential — density, saturation and sequestration potential in one step (Eq. 1–6).

import { defineAlgorithm } from '../../toolbox/algorithm.js';
import { param } from '../../toolbox/params.js';
import { readTable, addColumn } from '../../toolbox/io/table.js';
import { saveTable } from '../../toolbox/io/outputs.js';
import { SATURATION_MODELS, socDensity, socSaturation } from './formulas.js';
import { checkedColumn, countMissing, gravelAndDepth, soilParams } from './samples.js';

export default defineAlgorithm({
  id: 'soil:potential',
  title: 'SOC sequestration potential at samples (Eq. 1–6)',
  group: 'soil',
  help: 'Computes, for each sample, the SOC density D (Eq. 1), the saturation Sat of each model in MODELS (Eq. 3 Hassink, ' +
    'Eq. 4 Elustondo) and the sequestration potential SOCp = Sat − D (Eq. 5/6), all in kg C m⁻². Adds soc_density, ' +
    'socsat_<model> and socp_<model>. A negative potential (soil above the modelled saturation) is kept and counted in the log.',
  inputs: [
    soilParams.input(), soilParams.soc(), soilParams.bd(), soilParams.fine(), soilParams.gravel(), soilParams.depth(), soilParams.depthField(),
    param.list('MODELS', 'Saturation models to apply (comma-separated)', 'string', { default: ['hassink', 'elustondo'], options: ['hassink', 'elustondo'] }),
    soilParams.output((p) => ['soc_density', ...[...new Set(p.MODELS as string[])].flatMap((m) => [`socsat_${m}`, `socp_${m}`])]),
  ],
  outputs: [{ name: 'OUTPUT', kind: 'table', description: 'the samples with soc_density, socsat_<model> and socp_<model> (kg C m⁻²)' }],
  check(p) {
    return (p.MODELS as string[]).length === 0 ? ['MODELS must name at least one model (hassink, elustondo)'] : [];
  },
  async run(p, ctx) {
    const t = await readTable(p.INPUT);
    const soc = checkedColumn(t, p.SOC_FIELD, 'SOC_FIELD');
    const bd = checkedColumn(t, p.BD_FIELD, 'BD_FIELD');
    const fine = checkedColumn(t, p.FINE_FIELD, 'FINE_FIELD');
    const { gravel, depth } = gravelAndDepth(t, p);
    const n = t.nRows;
    const d = new Float64Array(n);
    for (let i = 0; i < n; i++) d[i] = socDensity(depth[i], soc[i], bd[i], gravel[i]);
    addColumn(t, 'soc_density', d);
    const results: Record<string, unknown> = {};
    for (const name of [...new Set(p.MODELS as ('hassink' | 'elustondo')[])]) {
      const m = SATURATION_MODELS[name];
      const sat = new Float64Array(n);
      const pot = new Float64Array(n);
      let negative = 0;
      for (let i = 0; i < n; i++) {
        sat[i] = socSaturation(depth[i], fine[i], bd[i], gravel[i], m);
        pot[i] = sat[i] - d[i];
        if (pot[i] < 0) negative++;
      }
      addColumn(t, `socsat_${name}`, sat);
      addColumn(t, `socp_${name}`, pot);
      if (negative > 0) ctx.log(`${name}: ${negative} of ${n} samples hold more carbon than the modelled saturation (negative potential kept)`);
      results[`NEGATIVE_${name.toUpperCase()}`] = negative;
    }
    const missing = countMissing(soc, bd, fine, gravel, depth);
    if (missing > 0) ctx.log(`${missing} of ${n} rows have a missing input value; their computed fields are missing`);
    return { OUTPUT: await saveTable(ctx, p.OUTPUT, t), ROWS: n, MISSING_ROWS: missing, ...results };
  },
});
