// SPDX-License-Identifier: GPL-2.0-or-later
// workflow:socp on the northeast demo landscape (few repeats to keep it quick): every documented
// output exists, Table 4's Total rows are the sums of the zones, a re-run reuses every step, a
// changed input recomputes what depends on it, and a bad input stops before any work.
import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { run } from '../../../toolbox/run.js';
import type { TileMode } from '../../../toolbox/context.js';
import { parseCsv } from '../../../toolbox/io/csv.js';
import { tempDir, repoRoot } from '../../helpers.js';
import gdalForTest from 'gdal-async';

const openRasterForTest = (f: string) => gdalForTest.openAsync(f);

const demo = path.join(repoRoot, 'samples/northeast');
const params = (out: string, samples = path.join(demo, 'samples.csv')) => ({
  ...JSON.parse(fs.readFileSync(path.join(demo, 'workflow.json'), 'utf8')),
  SAMPLES: samples, COVARIATES: path.join(demo, 'covariates.tif'), LANDUSE: path.join(demo, 'landuse.tif'),
  OUTPUT_DIR: out, REPEATS: 2, FOLDS: 3, REPORT: false,
});

describe('workflow:socp', () => {
  it('runs the study, then reuses every step; a changed input recomputes', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'out');
    await run('workflow:socp', params(out));
    for (const f of ['samples/potential.csv', 'samples/training.csv', 'tables/table1_describe.csv', 'tables/table2_correlation.json',
      'cv/hassink/summary.csv', 'cv/elustondo/models.brtset', 'importance/hassink.csv', 'partial-dependence/elustondo.json',
      'maps/socp_hassink_mean.tif', 'maps/socp_hassink_sd.tif', 'maps/socp_elustondo_mean.tif', 'maps/socp_ensemble_mean.tif',
      'maps/socp_ensemble_weighted.tif', 'maps/zones.tif', 'tables/table4.csv']) {
      expect(fs.existsSync(path.join(out, f)), f).toBe(true);
      expect(fs.existsSync(path.join(out, f + '.socp.json')), f + '.socp.json').toBe(true);
    }
    const t4 = parseCsv(fs.readFileSync(path.join(out, 'tables/table4.csv'), 'utf8'), 't4');
    const c = (n: string) => t4.header.indexOf(n);
    for (const input of ['hassink', 'elustondo', 'mean', 'weighted_mean']) {
      const rows = t4.rows.filter((r) => r[c('input')] === input);
      const total = rows.find((r) => r[c('zone')] === 'Total')!;
      const zones = rows.filter((r) => r[c('zone')] !== 'Total');
      expect(zones.map((r) => r[c('zone')])).toEqual(['farmland', 'forest', 'grassland', 'other']);
      const sum = zones.reduce((a, r) => a + Number(r[c('total_TgC')]), 0);
      expect(Number(total[c('total_TgC')])).toBeCloseTo(sum, 9);
      expect(Number(total[c('area_km2')])).toBe(16135 * 49);
    }
    const steps1 = JSON.parse(fs.readFileSync(path.join(out, 'steps.json'), 'utf8'));
    expect(steps1.every((s: { reused: boolean }) => !s.reused)).toBe(true);

    await run('workflow:socp', params(out));
    const steps2 = JSON.parse(fs.readFileSync(path.join(out, 'steps.json'), 'utf8'));
    expect(steps2.filter((s: { reused: boolean }) => !s.reused).map((s: { step: string }) => s.step)).toEqual([]);

    // one sample's SOC changed: everything downstream of the samples recomputes
    const text = fs.readFileSync(path.join(demo, 'samples.csv'), 'utf8').split('\n');
    const cols = text[0].split(',');
    const row = text[1].split(',');
    row[cols.indexOf('soc')] = String(Number(row[cols.indexOf('soc')]) + 1);
    text[1] = row.join(',');
    const changed = path.join(dir, 'samples.csv');
    fs.writeFileSync(changed, text.join('\n'));
    fs.copyFileSync(path.join(demo, 'samples.prj'), path.join(dir, 'samples.prj'));
    await run('workflow:socp', params(out, changed));
    const steps3 = JSON.parse(fs.readFileSync(path.join(out, 'steps.json'), 'utf8'));
    const recomputed = steps3.filter((s: { reused: boolean }) => !s.reused).map((s: { step: string }) => s.step);
    expect(recomputed).toContain('potential');
    expect(recomputed).toContain('cv hassink');
    expect(recomputed).toContain('table4');
  });

  it('tiled (--tile prepare, two parts, merge): Table 4 and the zones are byte-identical to the run in one process (issue 16, item 5)', async () => {
    const dir = tempDir();
    const whole = path.join(dir, 'whole');
    const tiled = path.join(dir, 'tiled');
    await run('workflow:socp', params(whole));
    const tile = (t: TileMode) => run('workflow:socp', params(tiled), { tile: t });
    await expect(tile({ mode: 'part', part: 0, parts: 2, tileSize: 64 })).rejects.toThrow(/step "potential" \(soil:potential\) has not run yet; run the same command with --tile prepare first/);
    await tile({ mode: 'prepare', tileSize: 64 });
    expect(fs.existsSync(path.join(tiled, 'cv/hassink/models.brtset'))).toBe(true);
    expect(fs.existsSync(path.join(tiled, 'maps/socp_hassink_mean.tif'))).toBe(false);
    await expect(tile({ mode: 'merge', tileSize: 64 })).rejects.toThrow(/tile 0 of 9 is missing|tiles 0, 1, 2, 3, 4, 5, 6, 7, … \(9 in all\) of 9 are missing/);
    await tile({ mode: 'part', part: 1, parts: 2, tileSize: 64 });
    await tile({ mode: 'part', part: 0, parts: 2, tileSize: 64 });
    await tile({ mode: 'merge', tileSize: 64 });
    for (const f of ['tables/table4.csv', 'maps/zones.csv', 'maps/zones.tif']) {
      expect(fs.readFileSync(path.join(tiled, f)).equals(fs.readFileSync(path.join(whole, f))), f).toBe(true);
    }
    expect(fs.readdirSync(path.join(tiled, 'maps')).filter((f) => f.endsWith('.parts'))).toEqual([]);
  });

  it('cancelling midway stops with a cancellation and leaves no half-written file', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'out');
    const ac = new AbortController();
    const err = await run('workflow:socp', params(out), { signal: ac.signal, onProgress: (p) => { if (p > 12) ac.abort(); } }).catch((e) => e);
    expect(err.kind).toBe('cancelled');
    const all: string[] = [];
    const walk = (d: string) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) { if (e.isDirectory()) walk(path.join(d, e.name)); else all.push(e.name); } };
    walk(out);
    expect(all.filter((n) => n.includes('.socp-') || n.includes('.tmp'))).toEqual([]);
    // finished steps are complete files with their provenance
    expect(all).toContain('potential.csv.socp.json');
  });

  it('a stack lacking a predictor stops before any step', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'out');
    await expect(run('workflow:socp', { ...params(out), PREDICTORS: 'elevation,soil_type' })).rejects.toThrow(/COVARIATES lacks band soil_type; its bands are elevation, slope/);
    expect(fs.existsSync(out)).toBe(false); // not even an empty folder tree
  });

  it('a LANDUSE raster that cannot serve for Table 4 stops before any step (issue 17, item 16)', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'out');
    // a continuous map given as land use: float values that are not class codes (cell 6 of row 1: 1 + 5 mod 4 + 0.25 = 2.25)
    const cont = path.join(dir, 'continuous.tif');
    const src = await openRasterForTest(path.join(demo, 'covariates.tif'));
    const w = src.rasterSize.x;
    const h = src.rasterSize.y;
    const ds = gdalForTest.open(cont, 'w', 'GTiff', w, h, 1, gdalForTest.GDT_Float32);
    ds.geoTransform = src.geoTransform;
    ds.srs = src.srs;
    const vals = new Float32Array(w * h).map((_v, i) => 1 + (i % 4) + (i === 5 ? 0.25 : 0));
    ds.bands.get(1).pixels.write(0, 0, w, h, vals);
    ds.close();
    src.close();
    await expect(run('workflow:socp', { ...params(out), LANDUSE: cont })).rejects.toThrow(/LANDUSE continuous\.tif holds 2\.25 \(row 1, column 6\), not a whole number/);
    expect(fs.existsSync(out)).toBe(false);
    await expect(run('workflow:socp', { ...params(out), LABELS: '1=farmland,forest' })).rejects.toThrow(/LABELS: "forest" is not code=label/);
    expect(fs.existsSync(out)).toBe(false);
  });
});
