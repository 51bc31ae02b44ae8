// SPDX-License-Identifier: GPL-2.0-or-later
// sampling:fcm end to end on generated GeoTIFF stacks: recovers the generated regions (adjusted
// Rand index ≥ 0.95), nodata where any band is nodata, memberships summing to 1, centroids in
// original units, a constant band dropped with a named warning, deterministic per seed; bad inputs.
import { describe, it, expect, beforeAll } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { run } from '../../../toolbox/run.js';
import fcm from '../../../algorithms/sampling/fcm.js';
import { tempDir, listDir } from '../../helpers.js';
import { adjustedRandIndex } from '../../unit/sampling/ari.js';
import { makeStack, readAll, type Fixture } from './fixture.js';

function ariOnValid(truth: Int32Array, classes: Float64Array): number {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < truth.length; i++) {
    if (truth[i] < 0) continue;
    a.push(truth[i]);
    b.push(classes[i]);
  }
  return adjustedRandIndex(a, b);
}

describe('sampling:fcm', () => {
  let dir: string;
  let fx: Fixture;
  beforeAll(async () => {
    dir = tempDir('socp-fcm-');
    fx = await makeStack(dir, { constantBand: true });
  });

  it('recovers 4 generated regions, writes classes, memberships and centroids', async () => {
    const logs: [string, string][] = [];
    const res = await run(fcm, {
      STACK: fx.file, CLASSES: 4, SEED: 3,
      OUTPUT: path.join(dir, 'classes.tif'), OUTPUT_MEMBERSHIP: path.join(dir, 'membership.tif'),
      OUTPUT_CENTROIDS: path.join(dir, 'centroids.csv'),
    }, { onLog: (l, m) => logs.push([l, m]) });
    const r = res.results;
    expect(r.CLASSES_FOUND).toBe(4);
    expect(r.DROPPED_BANDS).toBe('const');
    expect(r.BANDS_USED).toBe('elevation,mat,ndvi');
    expect(logs.some(([l, m]) => l === 'warning' && m.includes('"const"') && m.includes('constant'))).toBe(true);
    expect(r.CONVERGED).toBe('true');
    expect(r.PARTITION_COEFFICIENT as number).toBeGreaterThan(0.6);
    expect(r.PARTITION_COEFFICIENT as number).toBeLessThanOrEqual(1);
    expect(r.VALID_PIXELS).toBe(60 * 48 - 20);
    expect(r.ITERATIONS as number).toBeGreaterThan(0);

    const cls = await readAll(path.join(dir, 'classes.tif'));
    expect(cls.dataType).toBe('Byte');
    expect(cls.nodata).toBe(255);
    for (let i = 0; i < fx.truth.length; i++) {
      if (fx.truth[i] < 0) expect(cls.data[i]).toBeNaN();
      else expect([1, 2, 3, 4]).toContain(cls.data[i]);
    }
    expect(ariOnValid(fx.truth, cls.data)).toBeGreaterThanOrEqual(0.95);

    const m1 = await readAll(path.join(dir, 'membership.tif'), 1);
    expect(m1.count).toBe(4);
    expect(m1.names).toEqual(['membership_1', 'membership_2', 'membership_3', 'membership_4']);
    const bands = [m1.data];
    for (let b = 2; b <= 4; b++) bands.push((await readAll(path.join(dir, 'membership.tif'), b)).data);
    for (let i = 0; i < fx.truth.length; i++) {
      if (fx.truth[i] < 0) {
        expect(bands[0][i]).toBeNaN();
        continue;
      }
      const s = bands.reduce((acc, bnd) => acc + bnd[i], 0);
      expect(s).toBeCloseTo(1, 5);
      // the hard class is the largest membership
      const best = bands.map((bnd) => bnd[i]).indexOf(Math.max(...bands.map((bnd) => bnd[i])));
      expect(cls.data[i]).toBe(best + 1);
    }

    // centroids in original units: each generated region mean is matched by one centroid
    const lines = fs.readFileSync(path.join(dir, 'centroids.csv'), 'utf8').trim().split(/\r?\n/);
    expect(lines[0].split(',')).toEqual(['class', 'pixels', 'share', 'elevation', 'mat', 'ndvi', 'const']);
    const rows = lines.slice(1).map((l) => l.split(',').map(Number));
    expect(rows).toHaveLength(4);
    expect(rows.reduce((s, row) => s + row[1], 0)).toBe(60 * 48 - 20);
    // classes are numbered by size: pixels non-increasing
    for (let i = 1; i < 4; i++) expect(rows[i][1]).toBeLessThanOrEqual(rows[i - 1][1]);
    for (const m of fx.means) {
      const hit = rows.find((row) => Math.abs(row[3] - m[0]) < 10 && Math.abs(row[4] - m[1]) < 1 && Math.abs(row[5] - m[2]) < 0.05);
      expect(hit, `a centroid near ${m}`).toBeDefined();
      expect(hit![6]).toBe(7); // the constant band's value
    }
    // provenance beside each output
    expect(fs.existsSync(path.join(dir, 'classes.tif.socp.json'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'membership.tif.socp.json'))).toBe(true);
  });

  it('fits on a pixel sample (SAMPLE_SIZE), chosen BANDS, and is deterministic per SEED', async () => {
    const a = path.join(dir, 'a.tif');
    const b = path.join(dir, 'b.tif');
    const p = { STACK: fx.file, CLASSES: 4, SEED: 5, SAMPLE_SIZE: 300, BANDS: 'elevation,mat,ndvi' };
    const ra = await run(fcm, { ...p, OUTPUT: a });
    await run(fcm, { ...p, OUTPUT: b });
    expect(ra.results.SAMPLED_PIXELS).toBe(300);
    expect(ra.results.DROPPED_BANDS).toBe('');
    const ca = await readAll(a);
    const cb = await readAll(b);
    expect(Array.from(ca.data)).toEqual(Array.from(cb.data));
    expect(ariOnValid(fx.truth, ca.data)).toBeGreaterThanOrEqual(0.95);
  });

  it('27 classes on a 3 × 3 × 3 generated landscape (the study\'s setting)', async () => {
    const means: number[][] = [];
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) means.push([i * 100, j * 10, k * 0.3]);
    // 27 regions as 9 × 3 blocks of 10 × 12 pixels
    const f27 = await makeStack(dir, { name: 's27.tif', width: 90, height: 36, rx: 9, ry: 3, means, noise: 0.02, nodata: 'none' });
    const out = path.join(dir, 'c27.tif');
    const res = await run(fcm, { STACK: f27.file, OUTPUT: out, SEED: 1 });
    expect(res.results.CLASSES_FOUND).toBe(27);
    const cls = await readAll(out);
    expect(new Set(Array.from(cls.data)).size).toBe(27);
    expect(ariOnValid(f27.truth, cls.data)).toBeGreaterThanOrEqual(0.95);
  });
});

describe('sampling:fcm bad input', () => {
  it('CLASSES larger than the valid pixels: a clear error, nothing left behind', async () => {
    const dir = tempDir('socp-fcm-bad-');
    const fx = await makeStack(dir, { width: 3, height: 3, nodata: 'none', means: [[1, 2, 3]], rx: 1, ry: 1 });
    await expect(run(fcm, { STACK: fx.file, CLASSES: 10, OUTPUT: path.join(dir, 'out.tif') }))
      .rejects.toThrow(/only 9 pixels with data in every band, fewer than CLASSES = 10/);
    expect(listDir(dir)).toEqual(['stack.tif']);
  });
  it('a stack that is nodata everywhere: names the empty band', async () => {
    const dir = tempDir('socp-fcm-bad-');
    const fx = await makeStack(dir, { width: 8, height: 8, nodata: 'all' });
    await expect(run(fcm, { STACK: fx.file, CLASSES: 2, OUTPUT: path.join(dir, 'out.tif') }))
      .rejects.toThrow(/no pixel with data in every band.*bands with no data at all: elevation/);
    expect(listDir(dir)).toEqual(['stack.tif']);
  });
  it('every band constant: nothing to cluster', async () => {
    const dir = tempDir('socp-fcm-bad-');
    const fx = await makeStack(dir, { width: 8, height: 8, nodata: 'none', noise: 0, means: [[5, 6]], rx: 1, ry: 1 });
    await expect(run(fcm, { STACK: fx.file, CLASSES: 2, OUTPUT: path.join(dir, 'out.tif') }))
      .rejects.toThrow(/every band .* is constant/);
  });
  it('unknown band names and SAMPLE_SIZE < CLASSES are usage errors', async () => {
    const dir = tempDir('socp-fcm-bad-');
    const fx = await makeStack(dir, { width: 8, height: 8 });
    await expect(run(fcm, { STACK: fx.file, BANDS: 'elevaton', CLASSES: 2, OUTPUT: path.join(dir, 'out.tif') }))
      .rejects.toThrow(/no band "elevaton" \(did you mean "elevation"\?\)/);
    await expect(run(fcm, { STACK: fx.file, CLASSES: 30, SAMPLE_SIZE: 10, OUTPUT: path.join(dir, 'out.tif') }))
      .rejects.toThrow(/SAMPLE_SIZE \(10\) must be at least CLASSES \(30\)/);
    await expect(run(fcm, { STACK: fx.file, FUZZINESS: 1, OUTPUT: path.join(dir, 'out.tif') }))
      .rejects.toThrow(/FUZZINESS/);
  });
});
