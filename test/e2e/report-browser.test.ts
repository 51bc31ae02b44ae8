// SPDX-License-Identifier: GPL-2.0-or-later
// report:html opened in real headless Chromium (Debian's /usr/bin/chromium through playwright-core):
// the report built from real tool outputs loads offline with no console error and no request,
// shows every section, its charts have marks, its maps decode, it is not blank, it prints to
// PDF, and at phone width (375 px) nothing overflows horizontally. Needs `npm run build`.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import gdal from 'gdal-async';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, openWatched, type WatchedPage } from './browser.js';
import { run } from '../../toolbox/run.js';
import { tempDir } from '../helpers.js';
import { buildDemoOutputs } from './report-fixture.js';

const ALL_SECTIONS = [
  'table-1', 'table-2', 'fig-2', 'table-3', 'fig-3', 'observed-predicted', 'fig-8', 'partial-dependence', 'interactions', 'sensitivity',
  'maps', 'applicability', 'zones', 'table-4', 'provenance',
];
/** Sections drawn as charts (inline SVG), and those with map images. */
const CHART_SECTIONS = ['table-2', 'fig-2', 'fig-3', 'observed-predicted', 'fig-8', 'partial-dependence', 'interactions', 'sensitivity', 'maps', 'applicability', 'zones'];
const MAP_SECTIONS = ['maps', 'applicability', 'zones'];

let dir: string;
let report: string;
let url: string;
let sections: string[];
let browser: Browser;

/** A page of the report (`url`: the test below swaps in a tampered copy) at `width` px. */
function open(width: number): Promise<WatchedPage> {
  return openWatched(browser, url, width);
}

/** Mean and variance of the grey values of a PNG (read by GDAL). */
async function pixelStats(png: Buffer): Promise<{ mean: number; variance: number }> {
  const f = `/vsimem/shot-${process.pid}-${Date.now()}.png`;
  gdal.vsimem.set(png, f);
  try {
    const ds = gdal.open(f);
    const { x: w, y: h } = ds.rasterSize;
    const bands = [1, 2, 3].map((b) => ds.bands.get(b).pixels.read(0, 0, w, h));
    ds.close();
    let s = 0;
    let s2 = 0;
    const n = w * h;
    for (let i = 0; i < n; i++) {
      const g = (bands[0][i] + bands[1][i] + bands[2][i]) / 3;
      s += g;
      s2 += g * g;
    }
    const mean = s / n;
    return { mean, variance: s2 / n - mean * mean };
  } finally {
    gdal.vsimem.release(f);
  }
}

beforeAll(async () => {
  expect(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium`).toBe(true);
  dir = tempDir('socp-report-');
  const demo = await buildDemoOutputs(dir);
  report = path.join(dir, 'report.html');
  const r = await run('report:html', { ...demo.params, OUTPUT: report });
  sections = r.results.SECTIONS as string[];
  url = pathToFileURL(report).href;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}, 600_000);

afterAll(async () => {
  await browser?.close();
});

describe('report:html in Chromium', () => {
  it('has every section of the study and stays well under 5 MB', () => {
    expect(sections).toEqual(ALL_SECTIONS);
    const bytes = fs.statSync(report).size;
    expect(bytes).toBeLessThan(5 * 1024 * 1024);
    expect(fs.existsSync(report + '.socp.json')).toBe(true);
  });

  it('loads with no console error and no network request', async () => {
    const w = await open(1200);
    try {
      // give late requests (fonts, lazy images) a moment
      await w.page.waitForTimeout(300);
      expect(w.errors).toEqual([]);
      expect(w.requests).toEqual([]);
      expect(await w.page.title()).toBe('SOCp of the northeast demo landscape');
    } finally {
      await w.page.close();
    }
  });

  it('the harness itself catches a request: a copy with an external image is flagged', async () => {
    const bad = path.join(dir, 'bad.html');
    fs.writeFileSync(bad, fs.readFileSync(report, 'utf8').replace('</main>', '<img src="http://example.invalid/x.png" alt="x"></main>'));
    const saved = url;
    url = pathToFileURL(bad).href;
    try {
      const w = await open(800);
      await w.page.waitForTimeout(200);
      // the page's Content-Security-Policy blocks it (a console error) or the route aborts it (a request)
      expect(w.errors.length + w.requests.length).toBeGreaterThan(0);
      await w.page.close();
    } finally {
      url = saved;
    }
  });

  it('shows every section with data; charts have marks; maps decode', async () => {
    const w = await open(1200);
    try {
      const { page } = w;
      for (const id of sections) {
        const s = page.locator(`section#${id}`);
        await expect(s.isVisible(), `section ${id} visible`).resolves.toBe(true);
        const box = await s.boundingBox();
        expect(box!.height, `section ${id} height`).toBeGreaterThan(40);
      }
      for (const id of CHART_SECTIONS) {
        const marks = await page.$$eval(`section#${id} svg.chart`, (svgs) => svgs.map((s) => ({
          marks: s.querySelectorAll('path, rect, circle, line').length,
          w: s.getBoundingClientRect().width,
        })));
        expect(marks.length, `charts in ${id}`).toBeGreaterThan(0);
        for (const m of marks) {
          expect(m.marks, `marks of a chart in ${id}`).toBeGreaterThan(3);
          expect(m.w).toBeGreaterThan(50);
        }
      }
      // the data points themselves, not only axes: the observed vs predicted charts hold one symbol per sample
      const points = await page.$$eval('section#observed-predicted svg.chart', (svgs) => svgs.map((s) => s.querySelectorAll('.mark-symbol.role-mark path').length));
      for (const n of points) expect(n).toBe(293);
      for (const id of MAP_SECTIONS) {
        const imgs = await page.$$eval(`section#${id} .map img`, (els) => (els as HTMLImageElement[]).map((i) => ({ ok: i.complete && i.naturalWidth > 0, src: i.src.slice(0, 22) })));
        expect(imgs.length).toBeGreaterThan(0);
        for (const i of imgs) expect(i).toEqual({ ok: true, src: 'data:image/png;base64,' });
      }
      // interactions: a ranking per model, and the 2-D partial dependence of the TOP 3 pairs as 20 × 20 rect heat maps
      await expect(page.locator('section#interactions figure.ranking').count()).resolves.toBe(2);
      const heat = await page.$$eval('section#interactions .surfaces svg.chart', (svgs) => svgs.map((s) => s.querySelectorAll('.mark-rect.role-mark path').length));
      expect(heat).toEqual([400, 400, 400, 400, 400, 400]);
      // sensitivity: bars for +Δ and −Δ of 10 covariates in each panel (all samples and each land use), per model
      const bars = await page.$$eval('section#sensitivity svg.chart', (svgs) => svgs.map((s) => s.querySelectorAll('.mark-rect.role-mark path').length));
      expect(bars.length).toBe(2);
      for (const n of bars) expect(n, 'sensitivity bars').toBeGreaterThanOrEqual(40);
      await expect(page.locator('section#sensitivity').innerText()).resolves.toMatch(/Elasticity \(mean\)/);
      // applicability: the DI map and the mask of each model, the threshold on the colour bar, the share inside
      expect(await page.locator('section#applicability .map img').count()).toBe(4);
      expect(await page.locator('section#applicability svg.chart text', { hasText: 'threshold' }).count()).toBe(2);
      await expect(page.locator('section#applicability').innerText()).resolves.toMatch(/DI threshold [\d.]+; [\d.]+\s%\sof the mapped area inside/);
      expect(await page.locator('section#maps figure').count()).toBe(5);
      expect(await page.locator('section#maps .scalebar').count()).toBe(5);
      expect(await page.locator('section#table-4 tr.total').count()).toBe(3);
      // numbers carry their units
      await expect(page.locator('section#table-3').innerText()).resolves.toMatch(/RMSE \(kg C m⁻²\)/);
      await expect(page.locator('section#table-4').innerText()).resolves.toMatch(/Total \(Tg C\)/);
    } finally {
      await w.page.close();
    }
  });

  it('is not blank: screenshots of the page and of the maps have contrast', async () => {
    const w = await open(1200);
    try {
      const full = await pixelStats(await w.page.screenshot({ fullPage: false }));
      expect(full.variance).toBeGreaterThan(100);
      const maps = await pixelStats(await w.page.locator('section#maps figure').first().screenshot());
      expect(maps.variance).toBeGreaterThan(300);
      const zones = await pixelStats(await w.page.locator('section#zones .map').screenshot());
      expect(zones.variance).toBeGreaterThan(100);
    } finally {
      await w.page.close();
    }
  });

  it('prints to PDF', async () => {
    const w = await open(1200);
    try {
      const pdf = await w.page.pdf({ format: 'A4', printBackground: true });
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
      expect(pages).toBeGreaterThan(5);
      expect(w.errors).toEqual([]);
    } finally {
      await w.page.close();
    }
  });

  it('fits a phone: at 375 px nothing overflows the page horizontally', async () => {
    const w = await open(375);
    try {
      const m = await w.page.evaluate(() => {
        const vw = document.documentElement.clientWidth;
        const wide: string[] = [];
        for (const el of Array.from(document.querySelectorAll('body *'))) {
          if (el.closest('.table-wrap')) continue; // wide tables scroll inside their own box
          const r = el.getBoundingClientRect();
          if (r.width > 0 && (r.right > vw + 0.5 || r.left < -0.5)) wide.push(`${el.tagName.toLowerCase()}.${(el as HTMLElement).className?.toString?.() ?? ''} ${Math.round(r.left)}–${Math.round(r.right)}`);
        }
        const wraps = Array.from(document.querySelectorAll('.table-wrap')).map((e) => e.getBoundingClientRect().right);
        return { vw, scroll: document.documentElement.scrollWidth, body: document.body.scrollWidth, wide: wide.slice(0, 10), wrapRight: Math.max(...wraps) };
      });
      expect(m.vw).toBe(375);
      expect(m.wide).toEqual([]);
      expect(m.scroll).toBeLessThanOrEqual(375);
      expect(m.body).toBeLessThanOrEqual(375);
      expect(m.wrapRight).toBeLessThanOrEqual(375);
      expect(w.errors).toEqual([]);
    } finally {
      await w.page.close();
    }
  });
});
