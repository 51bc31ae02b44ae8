// SPDX-License-Identifier: GPL-2.0-or-later
// brt:tune: the CV error at a tree count equals brt:cv's RMSE for that N_TREES (same seed, folds),
// because gbm's first k trees do not depend on the total number of trees; ranking and warnings.
import { describe, it, expect } from 'vitest';
import path from 'node:path';
import fs from 'node:fs';
import { run } from '../../../toolbox/run.js';
import { parseCsv } from '../../../toolbox/io/csv.js';
import { tempDir, writeFile } from '../../helpers.js';

describe('brt:tune', () => {
  it('curve values equal brt:cv at the same tree counts; ranked by RMSE; warns when still falling', async () => {
    const dir = tempDir();
    let s = 99;
    const u = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
    const lines = ['a,b,c,y'];
    for (let i = 0; i < 100; i++) {
      const a = u(), b = u(), c = u();
      lines.push(`${a},${b},${c},${4 * a + Math.sin(5 * b) + 0.1 * u()}`);
    }
    const data = writeFile(dir, 'd.csv', lines.join('\n'));
    const common = { INPUT: data, TARGET: 'y', PREDICTORS: 'a,b,c', FOLDS: 5, REPEATS: 2, SEED: 3, N_MINOBSINNODE: 5 };
    const warnings: string[] = [];
    const r = await run('brt:tune', { ...common, N_MINOBSINNODE: undefined, N_MINOBSINNODES: '5', N_TREES: '40,80', INTERACTION_DEPTHS: '1,3', SHRINKAGES: '0.05', BAG_FRACTIONS: '0.6', CURVE_STEP: 20, OUTPUT: path.join(dir, 't.csv'), OUTPUT_CURVE: path.join(dir, 'c.csv') },
      { onLog: (l, m) => l === 'warning' && warnings.push(m) });
    const t = parseCsv(fs.readFileSync(path.join(dir, 't.csv'), 'utf8'), 't');
    const col = (n: string) => t.header.indexOf(n);
    const rmse = t.rows.map((row) => Number(row[col('rmse_mean')]));
    expect([...rmse].sort((a, b) => a - b)).toEqual(rmse);
    expect(t.rows).toHaveLength(4);
    expect(r.results.BEST_RMSE).toBe(rmse[0]);
    for (const row of t.rows) {
      const cv = await run('brt:cv', { ...common, N_TREES: Number(row[col('n_trees')]), INTERACTION_DEPTH: Number(row[col('interaction_depth')]), SHRINKAGE: 0.05, BAG_FRACTION: 0.6, OUTPUT_SUMMARY: path.join(dir, 's.json') });
      expect(cv.results.RMSE_MEAN).toBeCloseTo(Number(row[col('rmse_mean')]), 12);
    }
    expect(warnings.some((w) => /still falling at 80 trees/.test(w))).toBe(true);
    const curve = parseCsv(fs.readFileSync(path.join(dir, 'c.csv'), 'utf8'), 'c');
    expect(curve.rows.filter((x) => x[0] === '1').map((x) => Number(x[curve.header.indexOf('n_trees')]))).toEqual([20, 40, 60, 80]);
  });
});
