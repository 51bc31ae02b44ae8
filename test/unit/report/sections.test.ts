// SPDX-License-Identifier: GPL-2.0-or-later
// Which sections a report has: each present exactly when its data is given; the readers of the
// tools' outputs; a user's TEMPLATE folder; report:html's parameter checks.
import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { renderReport, externalReferences } from '../../../algorithms/report/render.js';
import { readCorrelation, readZoneTable, readCvSummary, readPartialDependence, guessMapKind, type ReportData } from '../../../algorithms/report/inputs.js';
import { SECTION_ORDER } from '../../../algorithms/report/sections.js';
import { run } from '../../../toolbox/run.js';
import { tempDir, writeFile, listDir, repoRoot } from '../../helpers.js';

const describeRows: ReportData['describe'] = [
  { group: 'all', field: 'soc', n: 3, missing: 0, min: 15, q1: 17.5, median: 20, mean: 21.666667, q3: 25, max: 30, sd: 7.637626, cv_percent: 35.25, skewness: 0.38, kurtosis: 1.5 },
  { group: 'all', field: 'bd', n: 3, missing: 1, min: 1.1, q1: 1.15, median: 1.2, mean: 1.2, q3: 1.25, max: 1.3, sd: 0.1, cv_percent: 8.33, skewness: 0, kurtosis: 1.5 },
];
const summary = ['r', 'R2', 'rmse'].flatMap((metric) => ['all', 'forest'].map((stratum) => ({ model: 'socp_hassink', stratum, metric, min: 0.5, q1: 0.6, median: 0.7, mean: 0.7, q3: 0.8, max: 0.9 })));
const metrics = Array.from({ length: 12 }, (_, i) => ({ repeat: i + 1, stratum: 'all', n: 30, rmse: 1 + i / 20 }));
const predictions = Array.from({ length: 20 }, (_, i) => ({ row: (i % 10) + 1, repeat: 1 + Math.floor(i / 10), stratum: i % 2 ? 'forest' : 'farmland', observed: i % 10, predicted: (i % 10) + 0.5 }));

/** section ids in the html */
const idsIn = (html: string) => [...html.matchAll(/<section class="report-section" id="([^"]+)"/g)].map((m) => m[1]);

describe('sections are present exactly when their data is given', () => {
  const cases: [string, ReportData, string[]][] = [
    ['descriptive statistics', { describe: describeRows }, ['table-1']],
    ['correlations', { correlation: { fields: ['a', 'b'], r: [[1, -0.5], [-0.5, 1]], p_value: [[0, 0.01], [0.01, 0]] } }, ['table-2']],
    ['a CV summary only: Table 3 but no histogram and no scatter', { cv: [{ name: 'Hassink', summary }] }, ['table-3']],
    ['CV metrics and predictions without summary', { cv: [{ name: 'Hassink', metrics, predictions }] }, ['fig-3', 'observed-predicted']],
    ['importance', { importance: [{ name: 'forest', rows: [{ predictor: 'mat', influence_percent: 60 }, { predictor: 'ndvi', influence_percent: 40 }] }] }, ['fig-8']],
    ['partial dependence', { partialDependence: [{ name: 'H', curves: [{ variable: 'mat', x: [0, 1, 2], mean: [1, 2, 3], sd: [0, 0, 0] }] }] }, ['partial-dependence']],
    ['zone class table without raster', { zones: { classes: [{ class: 7, label: 'High SOCp – Low uncertainty', area_km2: 1000 }, { class: 1, label: 'Low SOCp – Low uncertainty', area_km2: 500 }] } }, ['zones']],
    ['Table 4', { table4: [{ input: 'H', zone_code: 1, zone: 'farmland', area_km2: 100, mean_kgC_m2: 7, total_TgC: 0.7, area_share_pct: 100, total_share_pct: 100 }, { input: 'H', zone_code: null, zone: 'Total', area_km2: 100, mean_kgC_m2: 7, total_TgC: 0.7, area_share_pct: 100, total_share_pct: 100 }] }, ['table-4']],
    ['provenance', { provenance: [{ file: '/x/out.csv.socp.json', record: { algorithm: 'stats:describe', parameters: { INPUT: '/x/in.csv' }, inputs: [{ parameter: 'INPUT', path: '/x/in.csv', bytes: 10, sha256: 'ab'.repeat(32) }], seconds: 0.2 } }] }, ['provenance']],
    ['nothing', {}, []],
  ];
  for (const [what, data, want] of cases) {
    it(what, async () => {
      const r = await renderReport(data, { generated: new Date('2026-01-05T00:00:00Z') });
      expect(r.sections).toEqual(want);
      expect(idsIn(r.html)).toEqual(want);
      // the table of contents lists exactly the sections present
      const toc = [...r.html.matchAll(/<li><a href="#([^"]+)"/g)].map((m) => m[1]);
      expect(toc).toEqual(want);
      for (const s of SECTION_ORDER) if (!want.includes(s.id)) expect(r.html).not.toContain(`id="${s.id}"`);
      expect(r.warnings).toEqual([]);
      expect(externalReferences(r.html)).toEqual([]);
      if (want.length === 0) expect(r.html).toContain('No data was given');
    });
  }

  it('all sections at once come in the study\'s order', async () => {
    const data: ReportData = {};
    for (const [, d] of cases) Object.assign(data, d);
    data.cv = [{ name: 'Hassink', summary, metrics, predictions }];
    const r = await renderReport(data);
    expect(r.sections).toEqual(['table-1', 'table-2', 'table-3', 'fig-3', 'observed-predicted', 'fig-8', 'partial-dependence', 'zones', 'table-4', 'provenance']);
  });

  it('tables carry units and rounded numbers', async () => {
    const r = await renderReport({ describe: describeRows, cv: [{ name: 'Hassink', summary }] });
    expect(r.html).toMatch(/<th scope="row" class="">soc<\/th><td class=" ">g C kg⁻¹<\/td>/);
    expect(r.html).toContain('>21.7<'); // mean of soc, 3 significant digits of the row's magnitude (30)
    expect(r.html).toContain('>7.64<'); // its SD: three significant digits (at least the row's decimals)
    expect(r.html).toContain('RMSE (kg C m⁻²)');
    expect(r.html).toContain('R² (1 − SSE/SST)');
    expect(r.html).toContain('Missing values left out: bd 1');
  });
});

describe('readers of the tools\' outputs', () => {
  it('correlation from the long CSV of stats:correlation', () => {
    const d = tempDir();
    const f = writeFile(d, 'c.csv', 'field_1,field_2,r,n,p_value\na,a,1,10,0\na,b,-0.4,10,0.25\nb,b,1,10,0\n');
    expect(readCorrelation(f)).toEqual({ fields: ['a', 'b'], r: [[1, -0.4], [-0.4, 1]], p_value: [[0, 0.25], [0.25, 0]], n: [[10, 10], [10, 10]] });
  });
  it('a generic zone class table (class,label,area_km2)', () => {
    const d = tempDir();
    const f = writeFile(d, 'z.csv', 'class,label,area_km2\n1,Low – Low,12.5\n7,High – Low,30\n');
    expect(readZoneTable(f).classes.map((c) => [c.class, c.label, c.area_km2, c.color])).toEqual([[1, 'Low – Low', 12.5, undefined], [7, 'High – Low', 30, undefined]]);
  });
  it('CV summary in JSON gives model, folds and repeats; a wrong file is refused with the tool named', () => {
    const d = tempDir();
    const f = writeFile(d, 's.json', JSON.stringify({ algorithm: 'brt:cv', target: 'socp_elustondo', folds: 10, repeats: 100, summary }));
    const s = readCvSummary(f);
    expect([s.model, s.folds, s.repeats, s.rows.length]).toEqual(['socp_elustondo', 10, 100, 6]);
    const bad = writeFile(d, 'b.csv', 'x,y\n1,2\n');
    expect(() => readCvSummary(bad)).toThrow(/lacks the columns stratum, metric.*brt:cv/);
  });
  it('partial dependence CSV: 1-D curves kept, 2-D surfaces left out', () => {
    const d = tempDir();
    const f = writeFile(d, 'pd.csv', 'variable,x,x2,partial_dependence,sd\nmat,0,,1,0.1\nmat,1,,2,0.1\nmat:map,0,5,3,0\n');
    expect(readPartialDependence(f)).toEqual([{ variable: 'mat', x: [0, 1], mean: [1, 2], sd: [0.1, 0.1] }]);
  });
  it('map kinds from names', () => {
    expect(guessMapKind('Hassink SD', 'a.tif')).toBe('sd');
    expect(guessMapKind('x', '/d/socp_hassink_sd.tif')).toBe('sd');
    expect(guessMapKind('Hassink mean', '/d/hassink_mean.tif')).toBe('value');
    expect(guessMapKind('Uncertainty', 'u.tif')).toBe('sd');
  });
});

describe('templates', () => {
  it('a user\'s template folder overrides the partials it has; the rest are the defaults', async () => {
    const d = tempDir();
    fs.mkdirSync(path.join(d, 'partials'));
    writeFile(d, 'partials/header.hbs', '<header class="report"><h1 class="mine">{{title}} — our lab</h1></header>\n');
    const r = await renderReport({ describe: describeRows }, { templateDir: d, title: 'T' });
    expect(r.html).toContain('<h1 class="mine">T — our lab</h1>');
    expect(r.html).toContain('id="table-1"'); // default partial
    expect(r.html).toContain('<style>'); // default style partial
  });
  it('a template that loads something from the web is reported', async () => {
    const d = tempDir();
    fs.mkdirSync(path.join(d, 'partials'));
    writeFile(d, 'partials/footer.hbs', '<footer><img src="https://example.org/logo.png"></footer>\n');
    const r = await renderReport({ describe: describeRows }, { templateDir: d });
    expect(r.warnings.join()).toMatch(/external resource.*https:\/\/example\.org\/logo\.png/);
  });
  it('every default template starts with the SPDX licence comment', () => {
    const dir = path.join(repoRoot, 'templates');
    const files = ['layout.hbs', ...fs.readdirSync(path.join(dir, 'partials')).map((f) => `partials/${f}`)];
    for (const f of files) expect(fs.readFileSync(path.join(dir, f), 'utf8').split('\n')[0], f).toBe('<!-- SPDX-License-Identifier: GPL-2.0-or-later -->');
  });
});

describe('report:html parameters', () => {
  it('refuses a run without any input, and names lists of the wrong length', async () => {
    const d = tempDir();
    await expect(run('report:html', { OUTPUT: path.join(d, 'r.html') })).rejects.toThrow(/give at least one input/);
    const s = writeFile(d, 's.csv', 'model,stratum,metric,min,q1,median,mean,q3,max\ny,all,rmse,1,1,1,1,1,1\n');
    await expect(run('report:html', { CV_SUMMARY: s, MODEL_NAMES: 'a,b', OUTPUT: path.join(d, 'r.html') })).rejects.toThrow(/MODEL_NAMES: 2 names for 1 CV_\* file/);
    await expect(run('report:html', { CV_SUMMARY: s, OUTPUT: path.join(d, 'r.txt') })).rejects.toThrow(/\.html/);
    expect(listDir(d)).toEqual(['s.csv']);
  });
  it('writes a report with its provenance, and lists the inputs\' own provenance records', async () => {
    const d = tempDir();
    const s = writeFile(d, 's.csv', 'model,stratum,metric,min,q1,median,mean,q3,max\ny,all,rmse,1,1.1,1.2,1.2,1.3,1.4\n');
    writeFile(d, 's.csv.socp.json', JSON.stringify({ algorithm: 'brt:cv', socp: '0.1.0', gdal: '3.6.2', node: 'v20.0.0', parameters: { SEED: 7 }, seed: 7, inputs: [], started: '2026-01-05T00:00:00Z', finished: '2026-01-05T00:01:00Z', seconds: 60 }));
    const out = path.join(d, 'r.html');
    const r = await run('report:html', { CV_SUMMARY: s, TEMPLATE: path.join(repoRoot, 'templates'), OUTPUT: out });
    expect(r.results.SECTIONS).toEqual(['table-3', 'provenance']);
    const html = fs.readFileSync(out, 'utf8');
    expect(html).toContain('brt:cv');
    expect(html).toContain('1\u00a0min 00\u00a0s');
    expect(fs.existsSync(out + '.socp.json')).toBe(true);
  });
});
