// SPDX-License-Identifier: GPL-2.0-or-later
// sampling:fcm — landscape units by fuzzy c-means of the standardised covariate stack (Bezdek 1981;
// the study's sampling design: 27 units of its 10 covariates, after Zhu et al. 2008).

import path from 'node:path';
import { defineAlgorithm } from '../../toolbox/algorithm.js';
import { param } from '../../toolbox/params.js';
import { DataError } from '../../toolbox/errors.js';
import { createRaster, openRaster, readWindow, strips, stripRows } from '../../toolbox/io/raster.js';
import { saveRows } from '../../toolbox/io/outputs.js';
import { Rng } from './core/prng.js';
import { distinctCentroids, distinctPoints, fuzzyCMeans, pointMemberships, powFn } from './core/fcm.js';
import { checkAnyValid, constantBands, resolveBands, scanStack } from './stack.js';

export default defineAlgorithm({
  id: 'sampling:fcm',
  title: 'Landscape units by fuzzy c-means',
  group: 'sampling',
  help: 'Fuzzy c-means clustering (Bezdek 1981) of a covariate stack into CLASSES landscape units, as the study ' +
    'did to design its survey (27 units of 10 covariates, fuzziness 2). Each band is standardised to mean 0 and ' +
    'standard deviation 1 over the pixels where every band has data; a band that is constant there is dropped with ' +
    'a warning. The clusters are fitted on a seeded uniform random sample of SAMPLE_SIZE such pixels (all of them ' +
    'when there are fewer), starting from k-means++ centres, alternating the membership and centroid updates until ' +
    'no membership changes by more than TOLERANCE or MAX_ITERATIONS is reached; then every pixel gets its ' +
    'memberships u_i = 1 / Σ_j (d_i / d_j)^(2/(m−1)) (d: Euclidean distance in standardised units) and the class of ' +
    'its largest membership. Classes are numbered 1…CLASSES from the largest (most sampled pixels) to the smallest. ' +
    'Outputs: the hard class raster (nodata where any band is nodata), optionally one membership band per class ' +
    '(membership_1 …), and the class centroids in the covariates\' original units. The partition coefficient ' +
    '(1/n Σ Σ u², from 1/CLASSES for no structure to 1 for crisp classes) and the partition entropy measure how ' +
    'distinct the units are.',
  inputs: [
    param.raster('STACK', 'Covariate stack: a multi-band raster on one grid (e.g. from covariates:stack), one covariate per band'),
    param.list('BANDS', 'Bands to cluster, by name (band description) or number; all bands when empty', 'string', { optional: true }),
    param.integer('CLASSES', 'Number of classes (landscape units)', { default: 27, min: 2, max: 65534 }),
    param.number('FUZZINESS', 'Fuzziness exponent m (> 1; 2 is the usual choice and the study\'s)', { default: 2, min: 1, exclusiveMin: true, max: 10 }),
    param.integer('SEED', 'Seed of the random pixel sample and the initial centres (same seed, same result)', { default: 1 }),
    param.number('TOLERANCE', 'Convergence: stop when no membership changes by more than this between iterations', { default: 1e-4, min: 0, exclusiveMin: true, advanced: true }),
    param.integer('MAX_ITERATIONS', 'Iteration cap', { default: 500, min: 1, advanced: true }),
    param.integer('SAMPLE_SIZE', 'Fit on a random sample of at most this many valid pixels (then applied to all pixels)', { default: 20000, min: 2, advanced: true }),
    param.rasterDestination('OUTPUT', 'Hard class raster (GeoTIFF; classes 1…CLASSES, nodata where any band is nodata)', { extensions: ['.tif', '.tiff'] }),
    param.rasterDestination('OUTPUT_MEMBERSHIP', 'Membership raster: one Float32 band per class, named membership_<class> (sampling:purposive needs it)', { optional: true, extensions: ['.tif', '.tiff'] }),
    param.tableDestination('OUTPUT_CENTROIDS', 'Class centroids in the covariates\' original units, with pixel counts (CSV or JSON)', { optional: true, extensions: ['.csv', '.json'] }),
  ],
  outputs: [
    { name: 'OUTPUT', kind: 'raster', description: 'hard class raster' },
    { name: 'OUTPUT_MEMBERSHIP', kind: 'raster', description: 'membership raster (when asked for)' },
    { name: 'OUTPUT_CENTROIDS', kind: 'table', description: 'class centroids (when asked for)' },
    { name: 'CLASSES_FOUND', kind: 'number', description: 'classes that are the largest membership of at least one pixel' },
    { name: 'DISTINCT_CENTROIDS', kind: 'number', description: 'centroids more than 0.01 standard deviations apart (fewer than CLASSES: merged clusters, lower FUZZINESS)' },
    { name: 'PARTITION_COEFFICIENT', kind: 'number', description: 'Bezdek\'s fuzzy partition coefficient of the fitted sample' },
    { name: 'PARTITION_ENTROPY', kind: 'number', description: 'partition entropy of the fitted sample' },
    { name: 'ITERATIONS', kind: 'number', description: 'iterations run' },
    { name: 'CONVERGED', kind: 'string', description: 'true when TOLERANCE was reached before MAX_ITERATIONS' },
    { name: 'OBJECTIVE', kind: 'number', description: 'final objective J_m on the fitted sample (standardised units)' },
    { name: 'VALID_PIXELS', kind: 'number', description: 'pixels with data in every band' },
    { name: 'SAMPLED_PIXELS', kind: 'number', description: 'pixels the clusters were fitted on' },
    { name: 'BANDS_USED', kind: 'string', description: 'bands used (comma-separated)' },
    { name: 'DROPPED_BANDS', kind: 'string', description: 'constant bands dropped (comma-separated)' },
  ],
  check(p) {
    const out: string[] = [];
    if (p.SAMPLE_SIZE < p.CLASSES) out.push(`SAMPLE_SIZE (${p.SAMPLE_SIZE}) must be at least CLASSES (${p.CLASSES})`);
    return out;
  },
  async run(p, ctx) {
    const r = await openRaster(p.STACK, 'STACK');
    try {
      const c: number = p.CLASSES;
      const m: number = p.FUZZINESS;
      const bands = resolveBands(r, p.BANDS);
      const rng = new Rng(p.SEED);

      // 1. one pass: valid pixels, standardisation, random sample
      ctx.progress(0, 'reading the stack');
      const scan = await scanStack(r, bands, p.SAMPLE_SIZE, rng, ctx.sub(0, 20));
      checkAnyValid(scan, p.STACK);
      if (scan.validCount < c) {
        throw new DataError(`${p.STACK} has only ${scan.validCount} pixel${scan.validCount === 1 ? '' : 's'} with data in every band, fewer than CLASSES = ${c}; lower CLASSES or use a larger stack`);
      }
      const dropped = constantBands(scan);
      for (const j of dropped) {
        ctx.warn(`band "${scan.names[j]}" (band ${bands[j]}) is constant (${scan.mean[j]}) over the valid pixels; it is dropped from the clustering`);
      }
      const keep = scan.names.map((_, j) => j).filter((j) => !dropped.includes(j));
      if (keep.length === 0) {
        throw new DataError(`every band of ${p.STACK} is constant over its valid pixels (${scan.names.join(', ')}); there is nothing to cluster`);
      }
      const nb = bands.length;
      const d = keep.length;
      const n = scan.sampleSize;
      const z = new Float64Array(n * d);
      for (let k = 0; k < n; k++) {
        for (let q = 0; q < d; q++) {
          const j = keep[q];
          z[k * d + q] = (scan.sample[k * nb + j] - scan.mean[j]) / scan.sd[j];
        }
      }
      const distinctPts = distinctPoints(z, n, d, c);
      if (distinctPts < c) {
        throw new DataError(`the sampled pixels of ${p.STACK} have only ${distinctPts} distinct combinations of covariate values, fewer than CLASSES = ${c}; lower CLASSES${n < scan.validCount ? ' or raise SAMPLE_SIZE' : ''}`);
      }
      ctx.log(`fitting ${c} classes on ${n} of ${scan.validCount} valid pixels, ${d} covariates (${keep.map((j) => scan.names[j]).join(', ')}), m = ${m}`);

      // 2. fit
      const fitCtx = ctx.sub(20, 60);
      const fit = fuzzyCMeans(z, n, d, {
        classes: c, fuzziness: m, tolerance: p.TOLERANCE, maxIterations: p.MAX_ITERATIONS, rng,
        onIteration(it) {
          fitCtx.checkCancelled();
          fitCtx.progress((it / p.MAX_ITERATIONS) * 100);
        },
      });
      if (!fit.converged) {
        ctx.warn(`fuzzy c-means did not converge within MAX_ITERATIONS = ${p.MAX_ITERATIONS} (last largest membership change ${fit.maxChange.toExponential(2)} > TOLERANCE ${p.TOLERANCE}); raise MAX_ITERATIONS or TOLERANCE`);
      }
      ctx.log(`converged: ${fit.converged} after ${fit.iterations} iterations; partition coefficient ${fit.partitionCoefficient.toFixed(4)}, partition entropy ${fit.partitionEntropy.toFixed(4)}`);

      const distinct = distinctCentroids(fit.centroids, c, d, 0.01);
      if (distinct < c) {
        ctx.warn(`only ${distinct} of the ${c} class centroids are distinct (the others coincide within 0.01 standard deviations): ` +
          `with FUZZINESS = ${m} in ${d} dimensions fuzzy c-means merges clusters (Winkler, Klawonn & Kruse 2011); ` +
          'lower FUZZINESS (e.g. 1.5) or CLASSES to get distinct units');
      }

      // 3. classes numbered by size in the sample (largest first)
      const counts = new Array<number>(c).fill(0);
      for (let k = 0; k < n; k++) {
        let best = 0;
        for (let i = 1; i < c; i++) if (fit.memberships[k * c + i] > fit.memberships[k * c + best]) best = i;
        counts[best]++;
      }
      const order = counts.map((_, i) => i).sort((a, b) => counts[b] - counts[a] || a - b);
      const V = new Float64Array(c * d);
      order.forEach((old, i) => V.set(fit.centroids.subarray(old * d, old * d + d), i * d));

      // 4. apply to every pixel, strip by strip
      const classType = c <= 254 ? 'Byte' : 'UInt16';
      const meta = {
        SOCP_ALGORITHM: 'sampling:fcm', SOCP_CLASSES: String(c), SOCP_FUZZINESS: String(m),
        SOCP_BANDS: keep.map((j) => scan.names[j]).join(','),
      };
      const clsW = await createRaster(ctx.outputs.stage(p.OUTPUT), {
        width: r.width, height: r.height, bands: 1, dataType: classType, geoTransform: r.geoTransform,
        srsWkt: r.srsWkt, bandNames: ['class'], metadata: meta,
      });
      const memW = p.OUTPUT_MEMBERSHIP
        ? await createRaster(ctx.outputs.stage(p.OUTPUT_MEMBERSHIP), {
          width: r.width, height: r.height, bands: c, dataType: 'Float32', geoTransform: r.geoTransform,
          srsWkt: r.srsWkt, bandNames: Array.from({ length: c }, (_, i) => `membership_${i + 1}`), metadata: meta,
        })
        : undefined;
      const pixelCounts = new Array<number>(c).fill(0);
      const uncertain = { sum: 0 };
      try {
        const rows = stripRows(r.width, nb + 2 + (memW ? c : 0));
        const bufs: Float64Array[] = bands.map(() => new Float64Array(0));
        const applyCtx = ctx.sub(60, 100);
        const zp = new Float64Array(d);
        const u = new Float64Array(c);
        const d2 = new Float64Array(c);
        const powE = powFn(1 / (m - 1));
        for (const [y0, h] of strips(r.height, rows)) {
          applyCtx.checkCancelled();
          const len = r.width * h;
          for (let j = 0; j < nb; j++) bufs[j] = await readWindow(r, bands[j], 0, y0, r.width, h, bufs[j].length === len ? bufs[j] : undefined);
          const cls = new Float64Array(len);
          const mem = memW ? Array.from({ length: c }, () => new Float64Array(len)) : [];
          for (let i = 0; i < len; i++) {
            let ok = true;
            for (let j = 0; j < nb; j++) if (Number.isNaN(bufs[j][i])) ok = false;
            if (!ok) {
              cls[i] = NaN;
              for (const b of mem) b[i] = NaN;
              continue;
            }
            for (let q = 0; q < d; q++) zp[q] = (bufs[keep[q]][i] - scan.mean[keep[q]]) / scan.sd[keep[q]];
            pointMemberships(zp, 0, V, c, d, m, u, 0, d2, powE);
            let best = 0;
            for (let q = 1; q < c; q++) if (u[q] > u[best]) best = q;
            cls[i] = best + 1;
            pixelCounts[best]++;
            uncertain.sum += u[best];
            for (let q = 0; q < mem.length; q++) mem[q][i] = u[q];
          }
          await clsW.write(1, 0, y0, r.width, h, cls);
          for (let q = 0; q < mem.length; q++) await memW!.write(q + 1, 0, y0, r.width, h, mem[q]);
          applyCtx.progress(((y0 + h) / r.height) * 100);
        }
      } finally {
        await clsW.close();
        if (memW) await memW.close();
      }
      const empty = pixelCounts.map((v, i) => (v === 0 ? i + 1 : 0)).filter((v) => v > 0);
      if (empty.length) ctx.warn(`class${empty.length > 1 ? 'es' : ''} ${empty.join(', ')} ${empty.length > 1 ? 'are' : 'is'} the largest membership of no pixel (an empty unit); consider fewer CLASSES`);

      // 5. centroids in original units
      if (p.OUTPUT_CENTROIDS) {
        const cols = ['class', 'pixels', 'share', ...scan.names];
        const rowsOut = Array.from({ length: c }, (_, i) => {
          const row: Record<string, unknown> = { class: i + 1, pixels: pixelCounts[i], share: pixelCounts[i] / scan.validCount };
          scan.names.forEach((name, j) => {
            const q = keep.indexOf(j);
            row[name] = q >= 0 ? V[i * d + q] * scan.sd[j] + scan.mean[j] : scan.mean[j];
          });
          return row;
        });
        saveRows(ctx, p.OUTPUT_CENTROIDS, cols, rowsOut);
      }
      ctx.log(`${scan.validCount} pixels classified; mean largest membership ${(uncertain.sum / scan.validCount).toFixed(3)}; output ${path.basename(p.OUTPUT)}`);
      return {
        OUTPUT: p.OUTPUT,
        OUTPUT_MEMBERSHIP: p.OUTPUT_MEMBERSHIP,
        OUTPUT_CENTROIDS: p.OUTPUT_CENTROIDS,
        CLASSES_FOUND: c - empty.length,
        DISTINCT_CENTROIDS: distinct,
        PARTITION_COEFFICIENT: fit.partitionCoefficient,
        PARTITION_ENTROPY: fit.partitionEntropy,
        ITERATIONS: fit.iterations,
        CONVERGED: String(fit.converged),
        OBJECTIVE: fit.objective,
        VALID_PIXELS: scan.validCount,
        SAMPLED_PIXELS: n,
        BANDS_USED: keep.map((j) => scan.names[j]).join(','),
        DROPPED_BANDS: dropped.map((j) => scan.names[j]).join(','),
      };
    } finally {
      r.ds.close();
    }
  },
});
