// SPDX-License-Identifier: GPL-2.0-or-later
// stats:pca end to end on a generated 2-covariate stack (plus a constant band, dropped with a
// warning): with two standardised variables of correlation r the components explain (1 ± r)/2 with
// eigenvectors (1, ±1)/√2 — r computed here from the written pixels. Samples given as lon/lat
// (CSV, and a GeoPackage in EPSG:4326 with its authority latitude-first axis order) are reprojected
// to the stack's UTM grid, and their scores equal the hand formula.
import { describe, it, expect, beforeAll } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import gdal from 'gdal-async';
import { run } from '../../../toolbox/run.js';
import { writeTable } from '../../../toolbox/io/table.js';
import pca from '../../../algorithms/stats/pca.js';
import { createRaster } from '../../../toolbox/io/raster.js';
import { tempDir } from '../../helpers.js';

const W = 40;
const H = 30;
const GT: [number, number, number, number, number, number] = [600000, 250, 0, 5100000, 0, -250];
const UTM = gdal.SpatialReference.fromEPSG(32652).toWKT();

describe('stats:pca', () => {
  let dir: string;
  let stack: string;
  let a: Float64Array;
  let b: Float64Array;
  let stats: { ma: number; mb: number; sa: number; sb: number; r: number };
  const picks = [[3, 4], [10, 20], [25, 7], [39, 29], [0, 0], [20, 15]];
  let lonlat: [number, number][];

  beforeAll(async () => {
    dir = tempDir('socp-pca-');
    stack = path.join(dir, 'stack.tif');
    a = new Float64Array(W * H);
    b = new Float64Array(W * H);
    let s = 12345;
    const u = (): number => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 4294967296;
    };
    for (let i = 0; i < W * H; i++) {
      a[i] = 100 + 50 * u();
      b[i] = 0.5 * a[i] + 20 * u();
    }
    const c = new Float64Array(W * H).fill(3);
    const w = await createRaster(stack, { width: W, height: H, bands: 3, dataType: 'Float64', geoTransform: GT, srsWkt: UTM, bandNames: ['elevation', 'map', 'flat'] });
    await w.write(1, 0, 0, W, H, a);
    await w.write(2, 0, 0, W, H, b);
    await w.write(3, 0, 0, W, H, c);
    await w.close();
    const n = W * H;
    const ma = a.reduce((x, v) => x + v, 0) / n;
    const mb = b.reduce((x, v) => x + v, 0) / n;
    let saa = 0;
    let sbb = 0;
    let sab = 0;
    for (let i = 0; i < n; i++) {
      saa += (a[i] - ma) ** 2;
      sbb += (b[i] - mb) ** 2;
      sab += (a[i] - ma) * (b[i] - mb);
    }
    stats = { ma, mb, sa: Math.sqrt(saa / (n - 1)), sb: Math.sqrt(sbb / (n - 1)), r: sab / Math.sqrt(saa * sbb) };
    // pixel centres → lon/lat (PROJ longlat: x = longitude, y = latitude)
    const ct = new gdal.CoordinateTransformation(gdal.SpatialReference.fromEPSG(32652), gdal.SpatialReference.fromProj4('+proj=longlat +datum=WGS84 +no_defs'));
    lonlat = picks.map(([col, row]) => {
      const p = ct.transformPoint(GT[0] + (col + 0.5) * GT[1], GT[3] + (row + 0.5) * GT[5]);
      return [p.x, p.y];
    });
    expect(lonlat[0][0]).toBeGreaterThan(127); // sanity: UTM 52N near 129° E
    expect(lonlat[0][0]).toBeLessThan(132);
  });

  const expectedScore = (col: number, row: number): [number, number] => {
    const i = row * W + col;
    const za = (a[i] - stats.ma) / stats.sa;
    const zb = (b[i] - stats.mb) / stats.sb;
    return [(za + zb) / Math.SQRT2, (za - zb) / Math.SQRT2];
  };

  it('variance explained, eigenvectors and loadings match the 2-variable closed form; samples from a lon/lat CSV', async () => {
    const csv = path.join(dir, 'samples.csv');
    fs.writeFileSync(csv, 'id,lon,lat\n' + lonlat.map(([x, y], i) => `${i + 1},${x},${y}`).join('\n') + '\n7,10.0,50.0\n');
    const logs: string[] = [];
    const out = path.join(dir, 'pca.json');
    const table = path.join(dir, 'loadings.csv');
    const res = await run(pca, { STACK: stack, INPUT: csv, OUTPUT: out, OUTPUT_TABLE: table, SEED: 1 }, { onLog: (l, m) => l === 'warning' && logs.push(m) });
    expect(stats.r).toBeGreaterThan(0.5);
    expect(res.results.PC1_VARIANCE as number).toBeCloseTo((1 + stats.r) / 2, 10);
    expect(res.results.PC2_VARIANCE as number).toBeCloseTo((1 - stats.r) / 2, 10);
    expect(res.results.SAMPLES_USED).toBe(6);
    expect(logs.some((m) => m.includes('"flat"') && m.includes('constant'))).toBe(true);
    expect(logs.some((m) => m.includes('1 of 7 samples lie outside') && m.includes('rows 7'))).toBe(true);

    const j = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(j.variables).toEqual(['elevation', 'map']);
    expect(j.dropped).toEqual(['flat']);
    expect(j.sampled_pixels).toBe(W * H);
    expect(j.components[0].eigenvalue).toBeCloseTo(1 + stats.r, 10);
    expect(j.components[1].cumulative).toBeCloseTo(1, 12);
    expect(j.loadings[0].eigenvector[0]).toBeCloseTo(Math.SQRT1_2, 10);
    expect(j.loadings[1].eigenvector[0]).toBeCloseTo(Math.SQRT1_2, 10);
    expect(j.loadings[0].loading[0]).toBeCloseTo(Math.sqrt((1 + stats.r) / 2), 10);
    expect(j.standardisation.elevation.mean).toBeCloseTo(stats.ma, 9);
    expect(j.standardisation.elevation.sd).toBeCloseTo(stats.sa, 9);
    expect(j.scatter.area).toHaveLength(2000 > W * H ? W * H : 2000);
    expect(j.scatter.samples.map((s: { row: number }) => s.row)).toEqual([1, 2, 3, 4, 5, 6]);
    picks.forEach(([col, row], i) => {
      const [e1, e2] = expectedScore(col, row);
      expect(j.scatter.samples[i].pc1).toBeCloseTo(e1, 4);
      // PC2's sign: the largest-magnitude coefficient positive; with equal magnitudes the first
      expect(Math.abs(j.scatter.samples[i].pc2)).toBeCloseTo(Math.abs(e2), 4);
    });
    expect(j.coverage.grid_bins).toBe(50);
    expect(j.coverage.share).toBeGreaterThan(0);
    expect(j.coverage.share).toBeLessThanOrEqual(1);
    expect(res.results.COVERAGE).toBe(j.coverage.share);

    const lines = fs.readFileSync(table, 'utf8').trim().split(/\r?\n/);
    expect(lines[0]).toBe('variable,PC1,PC2,r_PC1,r_PC2');
    expect(lines[1].split(',')[0]).toBe('elevation');
    expect(Number(lines[1].split(',')[3])).toBeCloseTo(Math.sqrt((1 + stats.r) / 2), 9);
  });

  it('samples in a GeoPackage in EPSG:4326 (latitude-first authority axes) give the same scores', async () => {
    const gpkg = path.join(dir, 'samples.gpkg');
    await writeTable(gpkg, {
      source: gpkg, layerName: 'samples', fields: ['id'], columns: new Map([['id', picks.map((_, i) => i + 1)]]),
      nRows: picks.length, x: Float64Array.from(lonlat.map((p) => p[0])), y: Float64Array.from(lonlat.map((p) => p[1])),
      srsWkt: gdal.SpatialReference.fromEPSG(4326).toWKT(),
    });
    const out = path.join(dir, 'pca-gpkg.json');
    const res = await run(pca, { STACK: stack, INPUT: gpkg, BANDS: 'elevation,map', OUTPUT: out });
    expect(res.results.SAMPLES_USED).toBe(picks.length);
    const j = JSON.parse(fs.readFileSync(out, 'utf8'));
    picks.forEach(([col, row], i) => expect(j.scatter.samples[i].pc1).toBeCloseTo(expectedScore(col, row)[0], 4));
  });

  it('coverage: samples at the extremes of PC space cover more than samples in one corner', async () => {
    // choose pixels with extreme PC1/PC2 scores (computed here) vs. pixels near the centre
    const sc = Array.from({ length: W * H }, (_, i) => expectedScore(i % W, Math.floor(i / W)));
    const ext = [0, 1].flatMap((c) => [sc.reduce((m, v, i) => (v[c] < sc[m][c] ? i : m), 0), sc.reduce((m, v, i) => (v[c] > sc[m][c] ? i : m), 0)]);
    const near = sc.map((v, i) => [Math.hypot(v[0], v[1]), i]).sort((p, q) => p[0] - q[0]).slice(0, 5).map((p) => p[1]);
    const write = (name: string, idx: number[]): string => {
      const f = path.join(dir, name);
      fs.writeFileSync(f, 'x,y\n' + idx.map((i) => `${GT[0] + ((i % W) + 0.5) * GT[1]},${GT[3] + (Math.floor(i / W) + 0.5) * GT[5]}`).join('\n') + '\n');
      return f;
    };
    const wide = await run(pca, { STACK: stack, INPUT: write('wide.csv', ext), POINTS_CRS: 'EPSG:32652', OUTPUT: path.join(dir, 'w.json') });
    const narrow = await run(pca, { STACK: stack, INPUT: write('narrow.csv', near), POINTS_CRS: 'EPSG:32652', OUTPUT: path.join(dir, 'n.json') });
    expect(wide.results.COVERAGE as number).toBeGreaterThan(0.5);
    expect(narrow.results.COVERAGE as number).toBeLessThan(0.1);
    expect(wide.results.COVERAGE_PIXELS as number).toBeGreaterThan(narrow.results.COVERAGE_PIXELS as number);
  });

  it('without samples: the area PCA alone; bad inputs', async () => {
    const res = await run(pca, { STACK: stack, OUTPUT: path.join(dir, 'area.json'), SAMPLE_SIZE: 500, SEED: 4 });
    expect(res.results.COVERAGE).toBeUndefined();
    expect(res.results.PC1_VARIANCE as number).toBeGreaterThan(0.7);
    const j = JSON.parse(fs.readFileSync(path.join(dir, 'area.json'), 'utf8'));
    expect(j.sampled_pixels).toBe(500);
    // x/y without a CRS
    const noCrs = path.join(dir, 'nocrs.csv');
    fs.writeFileSync(noCrs, 'x,y\n600100,5099900\n');
    await expect(run(pca, { STACK: stack, INPUT: noCrs, OUTPUT: path.join(dir, 'e.json') })).rejects.toThrow(/POINTS_CRS/);
    // all samples outside
    const away = path.join(dir, 'away.csv');
    fs.writeFileSync(away, 'lon,lat\n10,50\n11,51\n');
    await expect(run(pca, { STACK: stack, INPUT: away, OUTPUT: path.join(dir, 'e.json') })).rejects.toThrow(/none of the 2 samples/);
    expect(fs.existsSync(path.join(dir, 'e.json'))).toBe(false);
  });
});
