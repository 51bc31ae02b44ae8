// SPDX-License-Identifier: GPL-2.0-or-later
// The study's report as workflow:socp writes it: the whole workflow on the northeast demo
// (samples/northeast/workflow.json with absolute paths; 3-fold CV × 2 repeats to keep it quick)
// into a temporary folder, then its report.html opened in headless Chromium (/usr/bin/chromium via
// playwright-core): every section of the study is present and visible — Table 1, the Table 2 heat
// map, PCA, Table 3, RMSE histograms, observed vs predicted, importance overall and per ecosystem,
// partial dependence, interactions, sensitivity, maps, area of applicability, zones, Table 4 and
// provenance — with marks in its charts and decoded map images; no console error, no network
// request, under 5 MB. Needs `npm run build` (brt workers run from dist/).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, openWatched, type WatchedPage } from './browser.js';
import { run } from '../../toolbox/run.js';
import { tempDir, repoRoot } from '../helpers.js';

const DEMO = path.join(repoRoot, 'samples/northeast');

/** The sections of the study in their order, and what each must show. */
const STUDY: { id: string; charts?: number; maps?: number; text?: RegExp }[] = [
  { id: 'table-1', text: /soc_density/ },
  { id: 'table-2', charts: 1 },
  { id: 'fig-2', charts: 1 },
  { id: 'table-3', text: /RMSE \(kg C m⁻²\)/ },
  { id: 'fig-3', charts: 2 },
  { id: 'observed-predicted', charts: 2 },
  { id: 'fig-8', charts: 2, text: /Farmland/ },
  { id: 'partial-dependence', charts: 1 },
  { id: 'interactions', charts: 2, text: /Friedman/ },
  { id: 'sensitivity', charts: 2, text: /Elasticity/ },
  { id: 'maps', charts: 1, maps: 7 },
  { id: 'applicability', charts: 2, maps: 4, text: /DI threshold/ },
  { id: 'zones', charts: 1, maps: 1 },
  { id: 'table-4', text: /Total \(Tg C\)/ },
  { id: 'provenance', text: /workflow|brt:cv/ },
];

let out: string;
let report: string;
let url: string;
let browser: Browser;

beforeAll(async () => {
  expect(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium`).toBe(true);
  const params = JSON.parse(fs.readFileSync(path.join(DEMO, 'workflow.json'), 'utf8')) as Record<string, unknown>;
  out = path.join(tempDir('socp-report-workflow-'), 'out');
  // the parameter file's relative paths are relative to its folder
  for (const k of ['SAMPLES', 'COVARIATES', 'LANDUSE']) params[k] = path.resolve(DEMO, String(params[k]));
  const r = await run('workflow:socp', { ...params, OUTPUT_DIR: out, REPEATS: 2, FOLDS: 3, THREADS: 2 });
  report = r.results.OUTPUT_REPORT as string;
  url = pathToFileURL(report).href;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}, 900_000);

afterAll(async () => {
  await browser?.close();
});

function open(): Promise<WatchedPage> {
  return openWatched(browser, url, 1200, 300);
}

describe('workflow:socp report in Chromium', () => {
  it('is written beside the outputs, under 5 MB, with its provenance', () => {
    expect(report).toBe(path.join(out, 'report.html'));
    expect(fs.statSync(report).size).toBeLessThan(5 * 1024 * 1024);
    expect(fs.existsSync(report + '.socp.json')).toBe(true);
    // the inputs the new sections are built from, as the workflow's layout documents them
    for (const f of ['interpretation/hassink_interactions.csv', 'interpretation/elustondo_surfaces.json', 'interpretation/hassink_sensitivity.csv', 'maps/di_elustondo.tif', 'maps/aoa_hassink.tif']) {
      expect(fs.existsSync(path.join(out, f)), f).toBe(true);
    }
  });

  it('has every section of the study, visible, in order, with marks and maps; no console error and no request', async () => {
    const { page, errors, requests } = await open();
    try {
      const ids = await page.$$eval('main section.report-section', (els) => els.map((e) => e.id));
      expect(ids).toEqual(STUDY.map((s) => s.id));
      for (const s of STUDY) {
        const sec = page.locator(`section#${s.id}`);
        expect(await sec.isVisible(), `${s.id} visible`).toBe(true);
        expect((await sec.boundingBox())!.height, `${s.id} height`).toBeGreaterThan(40);
        if (s.text) await expect(sec.innerText(), `${s.id} text`).resolves.toMatch(s.text);
        if (s.charts) {
          const charts = await page.$$eval(`section#${s.id} svg.chart`, (svgs) => svgs.map((x) => ({
            marks: x.querySelectorAll('.role-mark path, .role-mark line, .role-mark rect, .role-mark circle').length,
            w: x.getBoundingClientRect().width,
          })));
          expect(charts.length, `charts in ${s.id}`).toBeGreaterThanOrEqual(s.charts);
          for (const c of charts) {
            expect(c.marks, `marks of a chart in ${s.id}`).toBeGreaterThan(0);
            expect(c.w, `width of a chart in ${s.id}`).toBeGreaterThan(50);
          }
        }
        if (s.maps) {
          const imgs = await page.$$eval(`section#${s.id} .map img`, (els) => (els as HTMLImageElement[]).map((i) => i.complete && i.naturalWidth > 0 && i.src.startsWith('data:image/png;base64,')));
          expect(imgs, `maps in ${s.id}`).toEqual(Array(s.maps).fill(true));
        }
      }
      // importance per ecosystem: the overall sets and one per land use with enough samples
      expect(await page.locator('section#fig-8 figure').count()).toBeGreaterThan(2);
      // 2-D partial dependence heat maps: the workflow's default 5 top pairs of 25 × 25 cells, per model
      const heat = await page.$$eval('section#interactions .surfaces svg.chart', (svgs) => svgs.map((x) => x.querySelectorAll('.mark-rect.role-mark path').length));
      expect(heat.length).toBe(10);
      for (const n of heat) expect(n).toBe(625);
      // sensitivity per ecosystem: panels for all samples and each land use
      const panels = await page.$$eval('section#sensitivity svg.chart', (svgs) => svgs.map((x) => Array.from(x.querySelectorAll('.role-title-text text')).map((t) => t.textContent)));
      expect(panels.length).toBe(2);
      for (const p of panels) expect(p).toEqual(expect.arrayContaining(['All samples', 'farmland', 'forest']));
      // the area of applicability: threshold, share inside, two-class legend of the mask
      await expect(page.locator('section#applicability').innerText()).resolves.toMatch(/inside the area of applicability · [\d.]+\s%/);
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
