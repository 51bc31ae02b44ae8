// SPDX-License-Identifier: GPL-2.0-or-later
// soil:* through run(): the six fields of Eq. 1–6 with hand-computed values, formats, missing values.
import { describe, it, expect } from 'vitest';
import path from 'node:path';
import fs from 'node:fs';
import { run } from '../../../toolbox/run.js';
import { readTable, numericColumn } from '../../../toolbox/io/table.js';
import { tempDir, writeFile, SAMPLE_CSV, listDir } from '../../helpers.js';

const base = { SOC_FIELD: 'soc', BD_FIELD: 'bd', FINE_FIELD: 'fine', GRAVEL_FIELD: 'gravel' };

describe('soil:potential', () => {
  it('writes soc_density, socsat_* and socp_* with the values of Eq. 1–6', async () => {
    const dir = tempDir();
    const input = writeFile(dir, 's.csv', SAMPLE_CSV);
    const out = path.join(dir, 'out.csv');
    const logs: string[] = [];
    const r = await run('soil:potential', { INPUT: input, ...base, OUTPUT: out }, { onLog: (_l, m) => logs.push(m) });
    expect(r.results.OUTPUT).toBe(out);
    const t = await readTable(out);
    for (const f of ['soc_density', 'socsat_hassink', 'socp_hassink', 'socsat_elustondo', 'socp_elustondo']) expect(t.fields).toContain(f);
    // row 1: SOC 20, BD 1.3, fine 60, gravel 5 % → D 7.41, Hassink 9.740445, Elustondo 9.35142
    // row 2: SOC 15, BD 1.2, fine 50, gravel 0 → D = 30·15·1.2/100 = 5.4; H = 30·(4.09+18.5)·1.2/100 = 8.1324; E = 30·(9.04+13.5)·1.2/100 = 8.1144
    // row 3: SOC 30, BD 1.1, fine 70, gravel 10 → D = 30·30·1.1·0.9/100 = 8.91; H = 30·(4.09+25.9)·0.99/100 = 8.90703; E = 30·(9.04+18.9)·0.99/100 = 8.29818
    const expected: Record<string, number[]> = {
      soc_density: [7.41, 5.4, 8.91],
      socsat_hassink: [9.740445, 8.1324, 8.90703],
      socsat_elustondo: [9.35142, 8.1144, 8.29818],
      socp_hassink: [9.740445 - 7.41, 8.1324 - 5.4, 8.90703 - 8.91],
      socp_elustondo: [9.35142 - 7.41, 8.1144 - 5.4, 8.29818 - 8.91],
    };
    for (const [f, vals] of Object.entries(expected)) {
      numericColumn(t, f).forEach((v, i) => expect(v).toBeCloseTo(vals[i], 10));
    }
    // row 3 is over saturation for both models: kept negative and counted
    expect(r.results.NEGATIVE_HASSINK).toBe(1);
    expect(r.results.NEGATIVE_ELUSTONDO).toBe(1);
    expect(logs.some((l) => /hassink: 1 of 3 samples/.test(l))).toBe(true);
    // provenance beside the output, nothing temporary left
    const prov = JSON.parse(fs.readFileSync(out + '.socp.json', 'utf8'));
    expect(prov.algorithm).toBe('soil:potential');
    expect(prov.inputs[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(listDir(dir)).toEqual(['out.csv', 'out.csv.socp.json', 's.csv']);
  });

  it('keeps the CRS and points when writing a GeoPackage layer', async () => {
    const dir = tempDir();
    const input = writeFile(dir, 's.csv', SAMPLE_CSV);
    const out = path.join(dir, 'out.gpkg');
    await run('soil:potential', { INPUT: input, ...base, MODELS: 'hassink', OUTPUT: `${out}|layername=potential` });
    const t = await readTable(`${out}|layername=potential`);
    expect(t.layerName).toBe('potential');
    expect(Array.from(t.x!)).toEqual([125.1, 125.2, 125.3]);
    expect(t.srsWkt).toMatch(/WGS 84/);
    expect(t.fields).toContain('socp_hassink');
    expect(t.fields).not.toContain('socp_elustondo');
  });

  it('missing values stay missing and are counted in the log', async () => {
    const dir = tempDir();
    const input = writeFile(dir, 's.csv', 'id,soc,bd,fine\n1,20,1.3,60\n2,,1.2,50\n3,NA,1.1,70\n');
    const out = path.join(dir, 'out.csv');
    const logs: string[] = [];
    const r = await run('soil:density', { INPUT: input, SOC_FIELD: 'soc', BD_FIELD: 'bd', OUTPUT: out }, { onLog: (_l, m) => logs.push(m) });
    expect(r.results.MISSING_ROWS).toBe(2);
    const d = numericColumn(await readTable(out), 'soc_density');
    expect(d[0]).toBeCloseTo(7.8, 12); // 30·20·1.3/100, no gravel field → 0 %
    expect(d[1]).toBeNaN();
    expect(d[2]).toBeNaN();
    expect(fs.readFileSync(out, 'utf8').split('\n')[2]).toBe('2,,1.2,50,');
    expect(logs.join('\n')).toMatch(/2 of 3 rows have a missing input value/);
  });

  it('DEPTH_FIELD overrides DEPTH; soil:saturation custom model', async () => {
    const dir = tempDir();
    const input = writeFile(dir, 's.csv', 'fine,bd,depth\n60,1.3,20\n');
    const out = path.join(dir, 'o.csv');
    await run('soil:saturation', { INPUT: input, FINE_FIELD: 'fine', BD_FIELD: 'bd', DEPTH_FIELD: 'depth', MODEL: 'custom', INTERCEPT: 1, SLOPE: 0.5, OUTPUT: out });
    // 20 · (1 + 0.5·60) · 1.3 / 100 = 8.06
    expect(numericColumn(await readTable(out), 'socsat_custom')[0]).toBeCloseTo(8.06, 12);
  });
});
