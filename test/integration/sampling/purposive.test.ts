// SPDX-License-Identifier: GPL-2.0-or-later
// sampling:purposive end to end: sampling:fcm on a generated stack, then sites per class — counts
// exact, minimum distances respected (checked pairwise here), every site on a valid pixel of its
// class with the membership read back from the raster; range and proportional allocation;
// impossible minimum distances reported per class; bad inputs.
import { describe, it, expect, beforeAll } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import gdal from 'gdal-async';
import { run } from '../../../toolbox/run.js';
import { readTable, numericColumn } from '../../../toolbox/io/table.js';
import fcm from '../../../algorithms/sampling/fcm.js';
import purposive from '../../../algorithms/sampling/purposive.js';
import pca from '../../../algorithms/stats/pca.js';
import { tempDir, listDir, repoRoot } from '../../helpers.js';
import { makeStack, readAll, GT, type Fixture } from './fixture.js';

interface Sites { cls: number[]; mem: number[]; x: number[]; y: number[] }

async function readSites(file: string): Promise<Sites> {
  const t = await readTable(file);
  return { cls: numericColumn(t, 'class'), mem: numericColumn(t, 'membership'), x: Array.from(t.x!), y: Array.from(t.y!) };
}

function minPairDistance(s: Sites): number {
  let m = Infinity;
  for (let i = 0; i < s.x.length; i++) for (let j = i + 1; j < s.x.length; j++) m = Math.min(m, Math.hypot(s.x[i] - s.x[j], s.y[i] - s.y[j]));
  return m;
}

function countPerClass(s: Sites): Map<number, number> {
  const m = new Map<number, number>();
  for (const c of s.cls) m.set(c, (m.get(c) ?? 0) + 1);
  return m;
}

describe('sampling:purposive', () => {
  let dir: string;
  let fx: Fixture;
  let classes: string;
  let membership: string;
  let cls: Float64Array;
  let mem: Float64Array[];
  beforeAll(async () => {
    dir = tempDir('socp-purposive-');
    fx = await makeStack(dir, { noise: 0.15 });
    classes = path.join(dir, 'classes.tif');
    membership = path.join(dir, 'membership.tif');
    await run(fcm, { STACK: fx.file, CLASSES: 4, SEED: 2, OUTPUT: classes, OUTPUT_MEMBERSHIP: membership });
    cls = (await readAll(classes)).data;
    mem = [];
    for (let b = 1; b <= 4; b++) mem.push((await readAll(membership, b)).data);
  });

  /** pixel index of a site (pixel centre coordinates) */
  const pixelOf = (x: number, y: number): number => {
    const col = Math.floor((x - GT[0]) / GT[1]);
    const row = Math.floor((y - GT[3]) / GT[5]);
    return row * fx.width + col;
  };

  it('fixed 6 sites per class, 400 m apart, at high memberships, never on nodata', async () => {
    const out = path.join(dir, 'sites.gpkg');
    const res = await run(purposive, { INPUT: classes, MEMBERSHIP: membership, SITES_PER_CLASS: '6', MIN_DISTANCE: 400, SEED: 1, OUTPUT: out });
    expect(res.results.SITES).toBe(24);
    expect(res.results.SITES_WANTED).toBe(24);
    expect(res.results.SHORT_CLASSES).toBe('');
    const s = await readSites(out);
    expect([...countPerClass(s).entries()].sort()).toEqual([[1, 6], [2, 6], [3, 6], [4, 6]]);
    expect(minPairDistance(s)).toBeGreaterThanOrEqual(400);
    for (let i = 0; i < s.x.length; i++) {
      const px = pixelOf(s.x[i], s.y[i]);
      expect(fx.truth[px]).toBeGreaterThanOrEqual(0); // not on nodata
      expect(cls[px]).toBe(s.cls[i]);
      expect(s.mem[i]).toBeCloseTo(mem[s.cls[i] - 1][px], 6);
      // pixel centre
      expect((s.x[i] - GT[0]) / GT[1] % 1).toBeCloseTo(0.5, 9);
    }
    // highest membership first: each class's first site is its most typical pixel
    for (let k = 1; k <= 4; k++) {
      let best = 0;
      for (let i = 0; i < cls.length; i++) if (cls[i] === k && mem[k - 1][i] > best) best = mem[k - 1][i];
      expect(Math.max(...s.mem.filter((_, i) => s.cls[i] === k))).toBeCloseTo(best, 6);
    }
    // the GeoPackage carries the CRS
    const ds = gdal.open(out);
    expect(ds.layers.get(0).srs!.getAuthorityCode(null)).toBe('32652');
    expect(ds.layers.get(0).fields.getNames()).toEqual(['site', 'class', 'membership', 'x', 'y']);
    ds.close();
  });

  it('range 8-10 allocated by area (TOTAL_SITES) and proportional; random-top is seeded', async () => {
    const out = path.join(dir, 'range.gpkg');
    const res = await run(purposive, { INPUT: classes, MEMBERSHIP: membership, SITES_PER_CLASS: '8-10', TOTAL_SITES: 35, MIN_DISTANCE: 200, OUTPUT: out });
    expect(res.results.SITES).toBe(35);
    const s = await readSites(out);
    const counts = countPerClass(s);
    const areas = [1, 2, 3, 4].map((k) => cls.filter((v) => v === k).length);
    for (const [k, n] of counts) {
      expect(n).toBeGreaterThanOrEqual(8);
      expect(n).toBeLessThanOrEqual(10);
      // the largest class gets at least as many as any other
      if (areas[k - 1] === Math.max(...areas)) expect(n).toBe(Math.max(...counts.values()));
    }
    expect(minPairDistance(s)).toBeGreaterThanOrEqual(200);
    // default total = classes × middle of the range = 4 × 9
    const def = await run(purposive, { INPUT: classes, MEMBERSHIP: membership, SITES_PER_CLASS: '8-10', OUTPUT: path.join(dir, 'def.csv') });
    expect(def.results.SITES).toBe(36);

    const prop = path.join(dir, 'prop.geojson');
    const rp = await run(purposive, { INPUT: classes, MEMBERSHIP: membership, SITES_PER_CLASS: 'proportional', TOTAL_SITES: 20, METHOD: 'random-top', TOP_FRACTION: 0.2, SEED: 9, OUTPUT: prop });
    expect(rp.results.SITES).toBe(20);
    const rp2 = await run(purposive, { INPUT: classes, MEMBERSHIP: membership, SITES_PER_CLASS: 'proportional', TOTAL_SITES: 20, METHOD: 'random-top', TOP_FRACTION: 0.2, SEED: 9, OUTPUT: path.join(dir, 'prop2.geojson') });
    expect(rp2.results.SITES).toBe(20);
    const a = await readSites(prop);
    const b = await readSites(path.join(dir, 'prop2.geojson'));
    expect(a.x).toEqual(b.x);
    // every random-top site lies in the top 20 % of its class's memberships
    for (let i = 0; i < a.x.length; i++) {
      const k = a.cls[i];
      const us = [];
      for (let p = 0; p < cls.length; p++) if (cls[p] === k) us.push(mem[k - 1][p]);
      us.sort((u, v) => v - u);
      expect(a.mem[i]).toBeGreaterThanOrEqual(us[Math.ceil(0.2 * us.length) - 1] - 1e-6);
    }
  });

  it('an impossible minimum distance places what fits and says how many per class', async () => {
    const logs: string[] = [];
    const out = path.join(dir, 'short.gpkg');
    // the stack is 6 km × 4.8 km, each class ~3 km × 2.4 km: at 1500 m apart only a few sites fit
    const res = await run(purposive, { INPUT: classes, MEMBERSHIP: membership, SITES_PER_CLASS: '9', MIN_DISTANCE: 1500, OUTPUT: out }, { onLog: (l, m) => l === 'warning' && logs.push(m) });
    expect(res.results.SITES as number).toBeLessThan(36);
    expect(res.results.SHORT_CLASSES).toMatch(/^(\d:\d\/9,?)+$/);
    expect(logs.some((m) => m.includes('cannot be met with MIN_DISTANCE = 1500') && m.includes('/9'))).toBe(true);
    const s = await readSites(out);
    expect(minPairDistance(s)).toBeGreaterThanOrEqual(1500);
    expect(countPerClass(s).size).toBe(4);
  });

  it('a class that gets no site at all is an error naming it; nothing is written', async () => {
    const sub = tempDir('socp-purposive-none-');
    await expect(run(purposive, { INPUT: classes, MEMBERSHIP: membership, SITES_PER_CLASS: '2', MIN_DISTANCE: 100000, OUTPUT: path.join(sub, 'x.gpkg') }))
      .rejects.toThrow(/no site could be placed in classes? [\d, ]+.*lower MIN_DISTANCE/s);
    expect(listDir(sub)).toEqual([]);
  });

  it('bad parameters', async () => {
    const o = path.join(dir, 'bad.gpkg');
    await expect(run(purposive, { INPUT: classes, MEMBERSHIP: membership, SITES_PER_CLASS: 'proportional', OUTPUT: o })).rejects.toThrow(/needs TOTAL_SITES/);
    await expect(run(purposive, { INPUT: classes, MEMBERSHIP: membership, SITES_PER_CLASS: 'lots', OUTPUT: o })).rejects.toThrow(/not a number/);
    await expect(run(purposive, { INPUT: classes, MEMBERSHIP: membership, SITES_PER_CLASS: '8-10', TOTAL_SITES: 50, OUTPUT: o })).rejects.toThrow(/give between 32 and 40/);
    await expect(run(purposive, { INPUT: classes, MEMBERSHIP: fx.file, OUTPUT: o })).rejects.toThrow(/has no band for class 4 \(bands elevation, mat, ndvi\)/);
    const four = await makeStack(dir, { name: 'four.tif', means: [[100, 10, 0.2, 5], [300, 10, 0.8, 6], [100, 30, 0.8, 7], [300, 30, 0.2, 8]] });
    await expect(run(purposive, { INPUT: classes, MEMBERSHIP: four.file, OUTPUT: o })).rejects.toThrow(/memberships lie in 0–1/);
    await expect(run(purposive, { INPUT: fx.file, MEMBERSHIP: membership, OUTPUT: o })).rejects.toThrow(/not classes 1, 2/);
  });
});

describe('demo landscape (samples/northeast), when present', () => {
  const demoDir = path.join(repoRoot, 'samples', 'northeast');
  // the demo's covariate stack: covariates.tif, or else the first GeoTIFF named like a covariate stack
  const tifs = fs.existsSync(demoDir) ? fs.readdirSync(demoDir).filter((f) => /\.tiff?$/i.test(f)).sort() : [];
  const name = tifs.find((f) => /^covariates\.tiff?$/i.test(f)) ?? tifs.find((f) => /covariate|stack/i.test(f));
  const stack = name ? path.join(demoDir, name) : undefined;
  it.skipIf(!stack)('sampling:fcm with 27 classes, then sampling:purposive 8-10 per class', async () => {
    const dir = tempDir('socp-demo-sampling-');
    const classesOut = path.join(dir, 'units.tif');
    const memOut = path.join(dir, 'membership.tif');
    // FUZZINESS 1.5: with the default 2, fuzzy c-means in 10 dimensions merges most of the 27 centres
    // on this landscape (10 non-empty units, 3 distinct centroids; see the DISTINCT_CENTROIDS warning)
    const f = await run(fcm, { STACK: stack!, CLASSES: 27, FUZZINESS: 1.5, SEED: 1, OUTPUT: classesOut, OUTPUT_MEMBERSHIP: memOut, OUTPUT_CENTROIDS: path.join(dir, 'centroids.csv') });
    expect(f.results.CLASSES_FOUND).toBe(27);
    expect(f.results.DISTINCT_CENTROIDS).toBe(27);
    const p = await run(purposive, { INPUT: classesOut, MEMBERSHIP: memOut, SITES_PER_CLASS: '8-10', SEED: 1, OUTPUT: path.join(dir, 'sites.gpkg') });
    const s = await readSites(path.join(dir, 'sites.gpkg'));
    const counts = countPerClass(s);
    expect(counts.size).toBe(27);
    for (const n of counts.values()) {
      expect(n).toBeGreaterThanOrEqual(8);
      expect(n).toBeLessThanOrEqual(10);
    }
    expect(p.results.SHORT_CLASSES).toBe('');
    // the environmental-space PCA of the demo with these sites
    const pc = await run(pca, { STACK: stack!, INPUT: path.join(dir, 'sites.gpkg'), OUTPUT: path.join(dir, 'pca.json') });
    expect(pc.results.SAMPLES_USED).toBe(s.x.length);
    expect(pc.results.COVERAGE as number).toBeGreaterThan(0);
  });
});
