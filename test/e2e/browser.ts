// SPDX-License-Identifier: GPL-2.0-or-later
// Headless Chromium for the report tests: Debian's /usr/bin/chromium through playwright-core, and a
// page that records console errors, page errors and every request that is not the report itself
// (those are aborted: a self-contained report needs none).
import type { Browser, Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface WatchedPage {
  page: Page;
  errors: string[];
  requests: string[];
}

/** Opens `url` at `width` × 900 px; waits `settleMs` after the load event. */
export async function openWatched(browser: Browser, url: string, width: number, settleMs = 0): Promise<WatchedPage> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  const own = (u: string) => u === url || u.startsWith('data:') || u.startsWith('about:');
  page.on('request', (r) => {
    if (!own(r.url())) requests.push(r.url());
  });
  await page.route('**/*', (route) => {
    const u = route.request().url();
    if (own(u)) return route.continue();
    requests.push(u);
    return route.abort();
  });
  await page.goto(url, { waitUntil: 'load' });
  if (settleMs > 0) await page.waitForTimeout(settleMs);
  return { page, errors, requests };
}
