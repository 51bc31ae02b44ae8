// SPDX-License-Identifier: GPL-2.0-or-later
// stats:describe and stats:correlation on the real oxford samples against R (fixtures made by
// test/fixtures/stats/make_fixtures.R), and hand-computed small cases.
import { describe, it, expect } from 'vitest';
import path from 'node:path';
import fs from 'node:fs';
import { run } from '../../../toolbox/run.js';
import { parseCsv } from '../../../toolbox/io/csv.js';
import { describe as describeValues } from '../../../algorithms/stats/core/moments.js';
import { tempDir, writeFile, repoRoot } from '../../helpers.js';

const oxford = path.join(repoRoot, 'samples/oxford/oxford.csv');
const fx = (name: string) => {
  const { header, rows } = parseCsv(fs.readFileSync(path.join(repoRoot, 'test/fixtures/stats', name), 'utf8'), name);
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
};
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1e-300, Math.abs(b));

describe('stats:describe', () => {
  it('matches R on the oxford samples (Table 1 columns)', async () => {
    const dir = tempDir();
    const out = path.join(dir, 't1.csv');
    await run('stats:describe', { INPUT: oxford, FIELDS: 'ELEV,OM1,PCLAY1,CEC1,PH1,PHOS1', OUTPUT: out });
    const got = parseCsv(fs.readFileSync(out, 'utf8'), out);
    const idx = (h: string) => got.header.indexOf(h);
    for (const ref of fx('oxford_describe.csv')) {
      const row = got.rows.find((r) => r[idx('field')] === ref.field && r[idx('group')] === 'all')!;
      for (const k of ['n', 'min', 'q1', 'median', 'mean', 'q3', 'max', 'sd', 'skewness', 'kurtosis']) {
        expect(rel(Number(row[idx(k)]), Number(ref[k])), `${ref.field} ${k}`).toBeLessThan(1e-12);
      }
    }
  });
  it('non-excess kurtosis of 1..5 is 1.7 and skewness 0 (hand: m2 = 2, m4 = 6.8)', () => {
    const d = describeValues([1, 2, 3, 4, 5, NaN]);
    expect(d.n).toBe(5);
    expect(d.missing).toBe(1);
    expect(d.kurtosis).toBeCloseTo(1.7, 14);
    expect(d.excess_kurtosis).toBeCloseTo(-1.3, 14);
    expect(d.skewness).toBeCloseTo(0, 14);
    expect(d.sd).toBeCloseTo(Math.sqrt(2.5), 14);
  });
  it('groups by GROUP_FIELD, JSON output', async () => {
    const dir = tempDir();
    const input = writeFile(dir, 'g.csv', 'lu,v\nforest,1\nforest,3\nfarm,10\nfarm,20\nfarm,\n');
    const out = path.join(dir, 'd.json');
    await run('stats:describe', { INPUT: input, GROUP_FIELD: 'lu', OUTPUT: out });
    const j = JSON.parse(fs.readFileSync(out, 'utf8'));
    const farm = j.rows.find((r: { group: string }) => r.group === 'farm');
    expect(farm).toMatchObject({ n: 2, missing: 1, mean: 15, min: 10, max: 20 });
    expect(j.rows.find((r: { group: string }) => r.group === 'all')).toMatchObject({ n: 4, missing: 1, mean: 8.5 });
  });
});

describe('stats:correlation', () => {
  it('matches R cor.test r and p on the oxford samples', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'c.csv');
    await run('stats:correlation', { INPUT: oxford, FIELDS: 'ELEV,OM1,PCLAY1,CEC1,PH1,PHOS1', OUTPUT: out });
    const got = parseCsv(fs.readFileSync(out, 'utf8'), out).rows;
    for (const ref of fx('oxford_correlation.csv')) {
      const row = got.find((r) => r[0] === ref.field_1 && r[1] === ref.field_2)!;
      expect(rel(Number(row[2]), Number(ref.r))).toBeLessThan(1e-12);
      const p = Number(ref.p_value);
      // p-values below 1e-12 are compared absolutely
      expect(Math.abs(Number(row[4]) - p)).toBeLessThan(Math.max(1e-12, p * 1e-9));
    }
  });
  it('pairwise-complete: a missing value drops the row only from pairs using that field', async () => {
    const dir = tempDir();
    // a,b perfectly correlated on rows 1–4; c missing in row 4
    const input = writeFile(dir, 'p.csv', 'a,b,c\n1,2,5\n2,4,3\n3,6,4\n4,8,\n');
    const out = path.join(dir, 'c.json');
    await run('stats:correlation', { INPUT: input, OUTPUT: out });
    const j = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(j.n[0][1]).toBe(4);
    expect(j.r[0][1]).toBeCloseTo(1, 14);
    expect(j.n[0][2]).toBe(3);
    // a = 1,2,3 vs c = 5,3,4: r = −0.5 (hand: Σdxdy = −1, Σdx² = 2, Σdy² = 2)
    expect(j.r[0][2]).toBeCloseTo(-0.5, 14);
    // n = 3, r = −0.5: t = −0.5·√(1/0.75) = −0.57735; two-sided p with 1 df = 1 − 2·atan(0.57735)/π = 2/3
    expect(j.p_value[0][2]).toBeCloseTo(2 / 3, 10);
  });
});
