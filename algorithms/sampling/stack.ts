// SPDX-License-Identifier: GPL-2.0-or-later
// Shared raster helpers of the sampling and PCA tools (no default export, so the registry skips
// it): choose bands by name, one streaming pass over a covariate stack that counts valid pixels,
// computes each band's mean and standard deviation over them (Welford 1962) and draws a seeded
// uniform random sample of them (reservoir sampling, Vitter 1985 Algorithm R), plus pixel-centre
// coordinates. A pixel is valid when every chosen band has data there.

import { DataError, UsageError } from '../../toolbox/errors.js';
import { readWindow, strips, stripRows, type GeoTransform, type RasterInfo } from '../../toolbox/io/raster.js';
import type { RunContext } from '../../toolbox/context.js';
import { suggest } from '../../toolbox/suggest.js';
import { Reservoir, type Rng } from './core/prng.js';

/** 1-based band numbers for BANDS (names, or 1-based numbers), all bands when absent. */
export function resolveBands(r: RasterInfo, wanted: string[] | undefined, param = 'BANDS'): number[] {
  if (!wanted || wanted.length === 0) return Array.from({ length: r.bandCount }, (_, i) => i + 1);
  const out: number[] = [];
  const problems: string[] = [];
  for (const w of wanted) {
    let b = r.bandNames.findIndex((n) => n === w) + 1;
    if (b === 0) b = r.bandNames.findIndex((n) => n.toLowerCase() === w.toLowerCase()) + 1;
    if (b === 0 && /^\d+$/.test(w) && Number(w) >= 1 && Number(w) <= r.bandCount) b = Number(w);
    if (b === 0) {
      const hint = suggest(w, r.bandNames);
      problems.push(`"${w}"${hint ? ` (did you mean "${hint}"?)` : ''}`);
    } else if (out.includes(b)) {
      problems.push(`"${w}" is given twice`);
    } else {
      out.push(b);
    }
  }
  if (problems.length) {
    throw new UsageError(`${param}: ${r.path} has no band ${problems.join(', ')}; its bands are ${r.bandNames.join(', ')}`);
  }
  return out;
}

export interface StackScan {
  bands: number[];
  names: string[];
  width: number;
  height: number;
  /** pixels where every chosen band has data */
  validCount: number;
  /** pixels with data, per band */
  bandValid: number[];
  mean: Float64Array;
  sd: Float64Array;
  min: Float64Array;
  max: Float64Array;
  /** sampled valid pixels, row-major sampleSize × bands (original units) */
  sample: Float64Array;
  /** pixel index (row * width + col) of each sampled pixel */
  sampleIndex: Float64Array;
  sampleSize: number;
}

/** One pass over the stack: statistics of the valid pixels and a uniform random sample of them. */
export async function scanStack(
  r: RasterInfo, bands: number[], sampleSize: number, rng: Rng, ctx: RunContext,
): Promise<StackScan> {
  const nb = bands.length;
  const { width, height } = r;
  const rows = stripRows(width, nb + 1);
  const bufs: Float64Array[] = bands.map(() => new Float64Array(0));
  const k = Math.max(1, sampleSize);
  const sample = new Float64Array(Math.min(k, width * height) * nb);
  const sampleIndex = new Float64Array(Math.min(k, width * height));
  const res = new Reservoir(k, rng);
  const mean = new Float64Array(nb);
  const m2 = new Float64Array(nb);
  const min = new Float64Array(nb).fill(Infinity);
  const max = new Float64Array(nb).fill(-Infinity);
  const bandValid = new Array<number>(nb).fill(0);
  let n = 0;
  for (const [y0, h] of strips(height, rows)) {
    ctx.checkCancelled();
    for (let j = 0; j < nb; j++) {
      bufs[j] = await readWindow(r, bands[j], 0, y0, width, h, bufs[j].length === width * h ? bufs[j] : undefined);
      const b = bufs[j];
      let c = 0;
      for (let i = 0; i < b.length; i++) if (b[i] === b[i]) c++;
      bandValid[j] += c;
    }
    const len = width * h;
    for (let i = 0; i < len; i++) {
      let ok = true;
      for (let j = 0; j < nb; j++) {
        if (Number.isNaN(bufs[j][i])) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      n++;
      for (let j = 0; j < nb; j++) {
        const v = bufs[j][i];
        const delta = v - mean[j];
        mean[j] += delta / n;
        m2[j] += delta * (v - mean[j]);
        if (v < min[j]) min[j] = v;
        if (v > max[j]) max[j] = v;
      }
      const slot = res.offer();
      if (slot >= 0) {
        for (let j = 0; j < nb; j++) sample[slot * nb + j] = bufs[j][i];
        sampleIndex[slot] = y0 * width + i;
      }
    }
    ctx.progress(((y0 + h) / height) * 100);
  }
  const sd = new Float64Array(nb);
  for (let j = 0; j < nb; j++) sd[j] = n > 1 ? Math.sqrt(m2[j] / (n - 1)) : 0;
  const size = res.size;
  return {
    bands, names: bands.map((b) => r.bandNames[b - 1]), width, height, validCount: n, bandValid,
    mean, sd, min, max, sample: sample.subarray(0, size * nb), sampleIndex: sampleIndex.subarray(0, size), sampleSize: size,
  };
}

/** Error when no pixel has data in every band, naming the bands that are empty. */
export function checkAnyValid(scan: StackScan, file: string): void {
  if (scan.validCount > 0) return;
  const empty = scan.names.filter((_, j) => scan.bandValid[j] === 0);
  throw new DataError(
    `${file} has no pixel with data in every band (${scan.width} × ${scan.height} pixels, all nodata` +
    `${empty.length ? `; bands with no data at all: ${empty.join(', ')}` : ' where the bands overlap'}) — ` +
    'check the nodata values and that the bands cover the same area, or choose other BANDS',
  );
}

/**
 * Bands whose values do not vary over the valid pixels (they carry no information and would divide
 * by a zero standard deviation): their positions in `scan.bands`.
 */
export function constantBands(scan: StackScan): number[] {
  const out: number[] = [];
  for (let j = 0; j < scan.bands.length; j++) {
    if (!(scan.sd[j] > 1e-12 * Math.max(1, Math.abs(scan.mean[j]))) || scan.max[j] === scan.min[j]) out.push(j);
  }
  return out;
}

/** Centre of pixel (col, row) in map coordinates. */
export function pixelCentre(gt: GeoTransform, col: number, row: number): [number, number] {
  const px = col + 0.5;
  const py = row + 0.5;
  return [gt[0] + px * gt[1] + py * gt[2], gt[3] + px * gt[4] + py * gt[5]];
}
