// SPDX-License-Identifier: GPL-2.0-or-later
// The report's interpretation and applicability sections: Interactions (brt:interactions ranking
// and 2-D partial dependence heat maps), Sensitivity (brt:sensitivity ranking, elasticity table,
// per stratum) and Area of applicability (maps:applicability DI and mask rasters: threshold from
// the metadata, share of the area inside counted by hand) — each present exactly when its data is
// given; their readers; report:html's new parameters.
import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { renderReport, externalReferences } from '../../../algorithms/report/render.js';
import {
  aoaBeside, readInteractionSurfaces, readInteractions, readSensitivity,
  type InteractionRow, type InteractionSurface, type ReportData, type SensitivityRow,
} from '../../../algorithms/report/inputs.js';
import { SECTION_ORDER } from '../../../algorithms/report/sections.js';
import { createRaster } from '../../../toolbox/io/raster.js';
import { run } from '../../../toolbox/run.js';
import { tempDir, writeFile, listDir } from '../../helpers.js';

const idsIn = (html: string) => [...html.matchAll(/<section class="report-section" id="([^"]+)"/g)].map((m) => m[1]);
/** the html of one section, "=" unescaped and no-break spaces as spaces, to compare with plain text */
const section = (html: string, id: string) => {
  const i = html.indexOf(`<section class="report-section" id="${id}"`);
  return i < 0 ? '' : plain(html.slice(i, html.indexOf('</section>', i)));
};
const plain = (html: string) => html.replace(/&#x3D;/g, '=').replace(/[\u00a0\u202f]/g, ' ');

const pairs: InteractionRow[] = [
  { rank: 1, predictor_1: 'mat', predictor_2: 'ndvi', h: 0.4, h2: 0.16, interaction_rms: 0.2, pd_rms: 0.5, models: 1, note: '' },
  { rank: 2, predictor_1: 'elevation', predictor_2: 'mat', h: 0.6, h2: 0.36, interaction_rms: 0.9, pd_rms: 1.5, models: 1, note: '' },
  { rank: 3, predictor_1: 'elevation', predictor_2: 'ndvi', h: NaN, interaction_rms: NaN, pd_rms: 0, models: 1, note: 'partial dependence flat over INPUT' },
];
/** a 4 × 3 surface: x = mat (fastest), y = ndvi; pd = mat·ndvi */
const gx = [0, 1, 2, 3];
const gy = [0.2, 0.5, 0.8];
const surface: InteractionSurface = { rank: 1, variables: ['mat', 'ndvi'], h: 0.4, grids: [gx, gy], mean: gy.flatMap((y) => gx.map((x) => x * y)) };

function sens(stratum: string, predictor: string, direction: string, abs: number, extra: Partial<SensitivityRow> = {}): SensitivityRow {
  return {
    stratum, predictor, direction, method: 'sd', delta: 1, change_mean: direction === 'up' ? abs : -abs, change_sd: abs / 2,
    abs_change_mean: abs, elasticity_mean: 0.123, elasticity_median: 0.1, beyond_training_share: 0.05, models: 1, rows: 10, ...extra,
  };
}
const sensAll = [sens('all', 'ndvi', 'up', 1), sens('all', 'ndvi', 'down', 0.8), sens('all', 'mat', 'up', 2), sens('all', 'mat', 'down', 2.5)];
const sensStrata = [...sensAll, sens('forest', 'ndvi', 'up', 0.5), sens('forest', 'ndvi', 'down', 0.4), sens('forest', 'mat', 'up', 3), sens('forest', 'mat', 'down', 3.2)];

/**
 * A 4 × 3 DI raster in an equal-area CRS (every cell 1 km²) with threshold 0.5 in its metadata,
 * and, unless noMask, its mask aoa_<name>.tif beside it. Cells: 9 with a value, 3 nodata.
 */
async function diRasters(dir: string, name = 'di_m.tif', o: { noMask?: boolean; maskFromDi?: boolean } = {}): Promise<{ di: string; aoa?: string }> {
  const srs = '+proj=laea +lat_0=45 +lon_0=125 +datum=WGS84 +units=m';
  const { default: gdal } = await import('gdal-async');
  const wkt = gdal.SpatialReference.fromProj4(srs).toWKT();
  const grid = { width: 4, height: 3, bands: 1, geoTransform: [0, 1000, 0, 3000, 0, -1000] as [number, number, number, number, number, number], srsWkt: wkt };
  const di = [0.1, 0.2, 0.3, 0.6, 0.4, 0.5, 0.9, NaN, 0.05, NaN, 1.2, NaN];
  const meta = { SOCP_DI_THRESHOLD: '0.5' };
  const diPath = path.join(dir, name);
  const w = await createRaster(diPath, { ...grid, metadata: meta });
  await w.write(1, 0, 0, 4, 3, Float64Array.from(di));
  await w.close();
  if (o.noMask) return { di: diPath };
  const aoaPath = path.join(dir, name.replace(/^di_/, 'aoa_'));
  const m = await createRaster(aoaPath, { ...grid, dataType: 'Byte', nodata: 255, metadata: meta });
  await m.write(1, 0, 0, 4, 3, Float64Array.from(di, (v) => (Number.isNaN(v) ? NaN : v <= 0.5 ? 1 : 0)));
  await m.close();
  return { di: diPath, aoa: aoaPath };
}

describe('interpretation and applicability sections are present exactly when their data is given', () => {
  it('interactions: ranking only, no surface', async () => {
    const r = await renderReport({ interactions: [{ name: 'Hassink', rows: pairs }] });
    expect(r.sections).toEqual(['interactions']);
    expect(idsIn(r.html)).toEqual(['interactions']);
    const s = section(r.html, 'interactions');
    expect(s).toContain('aria-label="interaction strength of the strongest pairs, Hassink"');
    // the bar chart shows H beside each bar; strongest pair (by interaction RMS) first in the table
    expect(s).toContain('H 0.60');
    expect(s).toContain('H 0.40');
    const table = s.slice(s.indexOf('<table>'));
    expect(table.indexOf('elevation × mat')).toBeLessThan(table.indexOf('mat × ndvi'));
    expect(table).toContain('partial dependence flat over INPUT');
    expect(s).not.toContain('class="figures surfaces"');
    expect(r.warnings).toEqual([]);
  });

  it('interactions: surfaces only give heat maps with one rect per grid cell', async () => {
    const r = await renderReport({ interactions: [{ name: 'Hassink', surfaces: [surface] }] });
    expect(r.sections).toEqual(['interactions']);
    const s = section(r.html, 'interactions');
    const svg = s.slice(s.indexOf('class="figures surfaces"'));
    const heat = svg.match(/<g class="mark-rect role-mark[^"]*"[^>]*>(.*?)<\/g>/s);
    expect(heat).not.toBeNull();
    expect((heat![1].match(/<path /g) ?? []).length).toBe(12);
    expect(s).toContain('H = 0.400');
    expect(s).toContain('over a 4 × 3 grid');
    expect(s).toContain('PD (kg C m⁻²)');
  });

  it('sensitivity: overall only, predictors ranked by mean |change|, elasticity in the table', async () => {
    const r = await renderReport({ sensitivity: [{ name: 'Hassink', rows: sensAll }] });
    expect(r.sections).toEqual(['sensitivity']);
    const s = section(r.html, 'sensitivity');
    const table = s.slice(s.indexOf('<table>'));
    expect(table).toContain('Elasticity (mean)');
    expect(table).toContain('>0.12<');
    expect(table.indexOf('>mat<')).toBeLessThan(table.indexOf('>ndvi<')); // (2 + 2.5)/2 > (1 + 0.8)/2
    expect(table).toContain('+1 SD');
    expect(table).toContain('−1 SD');
    expect(s).not.toContain('Per ecosystem');
    expect(s).toContain('one SD of the change over the samples');
  });

  it('sensitivity per stratum: a panel per ecosystem and a per-ecosystem table', async () => {
    const r = await renderReport({ sensitivity: [{ name: 'Hassink', rows: sensStrata }] });
    const s = section(r.html, 'sensitivity');
    expect(s).toContain('Per ecosystem');
    expect(s).toMatch(/<text[^>]*>All samples<\/text>/);
    expect(s).toMatch(/<text[^>]*>forest<\/text>/);
  });

  it('sensitivity of a model set: ± SD over the repeat models', async () => {
    const rows = sensAll.map((x) => ({ ...x, models: 6, abs_change_mean_models_sd: 0.1 }));
    const r = await renderReport({ sensitivity: [{ name: 'H', rows }] });
    const s = section(r.html, 'sensitivity');
    expect(s).toContain('2.50 ± 0.10');
    expect(s).toContain('one SD over the repeat models');
  });

  it('applicability: DI map with its own ramp and threshold, mask map, share inside counted by hand', async () => {
    const d = tempDir();
    const { di } = await diRasters(d);
    const r = await renderReport({ applicability: [{ name: 'Hassink', path: di }] });
    expect(r.sections).toEqual(['applicability']);
    const s = section(r.html, 'applicability');
    // 9 cells with a value, each 1 km²; DI ≤ 0.5 in 6 of them
    expect(s).toContain('DI threshold 0.500;');
    expect(s).toContain('66.7 % of the mapped area inside the area of applicability (6 km² of 9 km²)');
    expect((s.match(/<img src="data:image\/png;base64,/g) ?? []).length).toBe(2);
    expect(s).toContain('inside the area of applicability · 66.7 %');
    expect(s).toContain('outside: the model extrapolates · 33.3 %');
    expect(s).toMatch(/<text[^>]*>threshold<\/text>/); // the threshold marked on the colour bar
    expect(s).toMatch(/<text[^>]*>Hassink: dissimilarity index<\/text>/); // no unit: DI is dimensionless
    expect(s).not.toContain('dissimilarity index (kg');
    expect(r.html).toContain('Hassink: area of applicability');
    expect(externalReferences(r.html)).toEqual([]);
    expect(r.warnings).toEqual([]);
  });

  it('applicability without a mask: share from DI ≤ threshold, no mask map', async () => {
    const d = tempDir();
    const { di } = await diRasters(d, 'di_x.tif', { noMask: true });
    expect(aoaBeside(di)).toBeUndefined();
    const r = await renderReport({ applicability: [{ name: 'X', path: di }] });
    const s = section(r.html, 'applicability');
    expect((s.match(/<img /g) ?? []).length).toBe(1);
    expect(s).toContain('66.7 % of the mapped area');
    expect(s).not.toContain('legend-classes');
  });

  it('all new sections with the others come in the study\'s order', async () => {
    const d = tempDir();
    const { di } = await diRasters(d);
    const data: ReportData = {
      describe: [{ group: 'all', field: 'soc', n: 3, mean: 20, min: 10, max: 30 }],
      partialDependence: [{ name: 'H', curves: [{ variable: 'mat', x: [0, 1, 2], mean: [1, 2, 3] }] }],
      interactions: [{ name: 'H', rows: pairs, surfaces: [surface] }],
      sensitivity: [{ name: 'H', rows: sensStrata }],
      applicability: [{ name: 'H', path: di }],
      table4: [{ input: 'H', zone_code: null, zone: 'Total', area_km2: 100, mean_kgC_m2: 7, total_TgC: 0.7 }],
    };
    const r = await renderReport(data);
    expect(r.sections).toEqual(['table-1', 'partial-dependence', 'interactions', 'sensitivity', 'applicability', 'table-4']);
    const toc = [...r.html.matchAll(/<li><a href="#([^"]+)"/g)].map((m) => m[1]);
    expect(toc).toEqual(r.sections);
    for (const s of SECTION_ORDER) if (!r.sections.includes(s.id)) expect(r.html).not.toContain(`id="${s.id}"`);
  });

  it('empty data gives no new section', async () => {
    const r = await renderReport({ interactions: [{ name: 'H', rows: [] }], sensitivity: [{ name: 'H', rows: [] }] });
    expect(r.sections).toEqual([]);
  });
});

describe('readers of brt:interactions and brt:sensitivity', () => {
  it('interactions CSV as the tool writes it (empty SD for one model)', () => {
    const d = tempDir();
    const f = writeFile(d, 'i.csv', 'rank,predictor_1,predictor_2,h,h_models_sd,h2,h2_models_sd,interaction_rms,interaction_rms_models_sd,pd_rms,pd_rms_models_sd,models,rows,note\n' +
      '1,elevation,ndvi,0.15,,0.0225,,0.65,,4.1,,1,293,\n2,twi,npp,,,,,0,,0,,1,293,partial dependence flat over INPUT\n');
    const rows = readInteractions(f);
    expect(rows[0]).toMatchObject({ rank: 1, predictor_1: 'elevation', predictor_2: 'ndvi', h: 0.15, interaction_rms: 0.65, pd_rms: 4.1, h_models_sd: undefined });
    expect(rows[1].h).toBeNaN();
    expect(rows[1].note).toBe('partial dependence flat over INPUT');
    const bad = writeFile(d, 'b.csv', 'a,b\n1,2\n');
    expect(() => readInteractions(bad)).toThrow(/lacks the columns predictor_1, predictor_2, h, interaction_rms.*brt:interactions/);
  });
  it('surfaces JSON: a mean of the wrong size is refused', () => {
    const d = tempDir();
    const ok = writeFile(d, 's.json', JSON.stringify({ algorithm: 'brt:interactions', surfaces: [{ ...surface, sd: surface.mean.map(() => null) }] }));
    expect(readInteractionSurfaces(ok)[0]).toMatchObject({ variables: ['mat', 'ndvi'], h: 0.4, grids: [gx, gy] });
    const bad = writeFile(d, 'b.json', JSON.stringify({ surfaces: [{ ...surface, mean: [1, 2, 3] }] }));
    expect(() => readInteractionSurfaces(bad)).toThrow(/"mean" holds 3 values for a 4 × 3 grid.*OUTPUT_SURFACES/);
    const none = writeFile(d, 'n.json', JSON.stringify({ curves: [] }));
    expect(() => readInteractionSurfaces(none)).toThrow(/no "surfaces"/);
  });
  it('sensitivity JSON takes method and delta from the document', () => {
    const d = tempDir();
    const f = writeFile(d, 's.json', JSON.stringify({ algorithm: 'brt:sensitivity', method: 'percent', delta: 10, models: 1, sensitivity: [
      { stratum: 'all', predictor: 'mat', direction: 'up', rank: 1, change_mean: 0.5, abs_change_mean: 0.6, elasticity_mean: 0.2 },
    ] }));
    expect(readSensitivity(f)[0]).toMatchObject({ stratum: 'all', predictor: 'mat', direction: 'up', method: 'percent', delta: 10, abs_change_mean: 0.6 });
  });
  it('the AOA mask is found beside the DI raster by name', async () => {
    const d = tempDir();
    const { di, aoa } = await diRasters(d, 'di_hassink.tif');
    expect(aoaBeside(di)).toBe(aoa);
    expect(path.basename(aoa!)).toBe('aoa_hassink.tif');
  });
});

describe('report:html with the new inputs', () => {
  it('reads the tools\' files, finds the mask, and lists the new sections', async () => {
    const d = tempDir();
    const { di } = await diRasters(d, 'di_hassink.tif');
    const inter = writeFile(d, 'hassink_interactions.json', JSON.stringify({ algorithm: 'brt:interactions', interactions: pairs.map((p) => ({ ...p, h: Number.isNaN(p.h) ? null : p.h, interaction_rms: Number.isNaN(p.interaction_rms) ? null : p.interaction_rms })) }));
    const surf = writeFile(d, 'hassink_surfaces.json', JSON.stringify({ algorithm: 'brt:interactions', surfaces: [surface] }));
    const sensF = writeFile(d, 'hassink_sensitivity.json', JSON.stringify({ algorithm: 'brt:sensitivity', method: 'sd', delta: 1, sensitivity: sensStrata }));
    const out = path.join(d, 'r.html');
    const r = await run('report:html', {
      INTERACTIONS: inter, INTERACTION_SURFACES: surf, INTERACTIONS_NAMES: 'Hassink', SENSITIVITY: sensF, SENSITIVITY_NAMES: 'Hassink',
      APPLICABILITY: di, APPLICABILITY_NAMES: 'Hassink', FIND_PROVENANCE: false, OUTPUT: out,
    });
    expect(r.results.SECTIONS).toEqual(['interactions', 'sensitivity', 'applicability']);
    const html = fs.readFileSync(out, 'utf8');
    expect(section(html, 'applicability')).toContain('aoa_hassink.tif');
    // the key results at the top give the share inside the area of applicability
    expect(plain(html)).toMatch(/<span class="label">Hassink: area of applicability<\/span>66\.7 % of the mapped area \(DI ≤ 0\.500\)/);
  });

  it('names the lists of the wrong length', async () => {
    const d = tempDir();
    const { di } = await diRasters(d, 'di_a.tif');
    const a = writeFile(d, 'a.json', JSON.stringify({ surfaces: [surface] }));
    const out = path.join(d, 'r.html');
    await expect(run('report:html', { INTERACTION_SURFACES: a, INTERACTIONS_NAMES: 'x,y', OUTPUT: out })).rejects.toThrow(/INTERACTIONS_NAMES: 2 names for 1 INTERACTIONS file/);
    await expect(run('report:html', { INTERACTIONS: [a, a], INTERACTION_SURFACES: a, OUTPUT: out })).rejects.toThrow(/INTERACTION_SURFACES: 1 files for 2 INTERACTIONS files/);
    await expect(run('report:html', { APPLICABILITY: di, AOA: [di, di], OUTPUT: out })).rejects.toThrow(/AOA: 2 masks for 1 APPLICABILITY raster/);
    await expect(run('report:html', { SENSITIVITY: a, SENSITIVITY_NAMES: 'x,y', OUTPUT: out })).rejects.toThrow(/SENSITIVITY_NAMES: 2 names for 1 SENSITIVITY file/);
    expect(listDir(d).filter((f) => f.startsWith('r.'))).toEqual([]);
  });

  it('a file that is not a brt:sensitivity output is refused with the tool named', async () => {
    const d = tempDir();
    const bad = writeFile(d, 'x.csv', 'predictor,influence_percent\nmat,50\n');
    await expect(run('report:html', { SENSITIVITY: bad, OUTPUT: path.join(d, 'r.html') })).rejects.toThrow(/x\.csv lacks the columns direction, change_mean, abs_change_mean.*brt:sensitivity/);
  });
});
