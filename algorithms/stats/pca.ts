// SPDX-License-Identifier: GPL-2.0-or-later
// stats:pca — principal components of the environmental (covariate) space of the study area and the
// samples projected into it, to show how representative the samples are (the study's Fig. 2: PC1
// 41.52 %, PC2 21.81 %). PCA of standardised variables (Pearson 1901; Hotelling 1933) with mathjs.

import { defineAlgorithm } from '../../toolbox/algorithm.js';
import { param } from '../../toolbox/params.js';
import { DataError } from '../../toolbox/errors.js';
import { openRaster } from '../../toolbox/io/raster.js';
import { readTable } from '../../toolbox/io/table.js';
import { saveJson, saveRows } from '../../toolbox/io/outputs.js';
import { Rng } from '../sampling/core/prng.js';
import { checkAnyValid, constantBands, resolveBands, scanStack } from '../sampling/stack.js';
import { checkPointCrs, valuesAtPoints } from '../sampling/points.js';
import { transformXY } from '../../toolbox/io/crs.js';
import { coverage, covarianceOfCentred, pcaOfMatrix, scores, type Point2 } from './core/pca.js';

const round = (v: number, digits = 6): number => Number(v.toPrecision(digits));

export default defineAlgorithm({
  id: 'stats:pca',
  title: 'PCA of the environmental space and sample representativeness',
  group: 'stats',
  help: 'Principal component analysis of the covariates over the study area, as in the study\'s check that its ' +
    'samples represent the environmental space. The bands of STACK are standardised (mean 0, SD 1 over the pixels ' +
    'where every band has data); a constant band is dropped with a warning. The correlation matrix of a seeded ' +
    'random sample of SAMPLE_SIZE such pixels (all of them when fewer) is decomposed with mathjs\' eigs; ' +
    'components come largest first, each eigenvector with its largest coefficient positive. The samples (INPUT ' +
    'points, reprojected to the stack\'s CRS) take the values of the pixels they fall in and are projected into the ' +
    'same components; points outside the stack or on nodata are left out with a warning. Coverage: the PC1 × PC2 ' +
    'range of the sampled area pixels is cut into GRID_BINS × GRID_BINS cells; COVERAGE is the share of the cells ' +
    'holding area pixels whose centre lies inside the convex hull of the samples, COVERAGE_PIXELS the share of area ' +
    'pixels inside it. OUTPUT (JSON) holds the components (eigenvalue, variance explained, cumulative), the ' +
    'eigenvectors and loadings (correlations of each variable with each component = eigenvector × √eigenvalue), ' +
    'the standardisation, the coverage with the hull, and the points for a scatter plot: SCATTER_POINTS area pixels ' +
    'and every sample in PC1/PC2. OUTPUT_TABLE has one row per variable: eigenvector coefficients PC1… and loadings ' +
    'r_PC1….',
  inputs: [
    param.raster('STACK', 'Covariate stack: a multi-band raster, one covariate per band'),
    param.list('BANDS', 'Bands to analyse, by name or number; all bands when empty', 'string', { optional: true }),
    param.vector('INPUT', 'Sample points (CSV with coordinates, GeoPackage, GeoJSON, Shapefile); optional — without it only the area PCA', { optional: true }),
    param.field('X_FIELD', 'CSV: column of x / longitude (found by name when not given)', { parent: 'INPUT', optional: true }),
    param.field('Y_FIELD', 'CSV: column of y / latitude (found by name when not given)', { parent: 'INPUT', optional: true }),
    param.string('POINTS_CRS', 'CRS of CSV coordinates (EPSG:4326 for lon/lat columns by default)', { optional: true }),
    param.integer('SAMPLE_SIZE', 'Area pixels (random, seeded) the PCA is computed from', { default: 20000, min: 3 }),
    param.integer('SEED', 'Seed of the random pixel sample', { default: 1 }),
    param.integer('GRID_BINS', 'Cells per axis of the PC1 × PC2 grid of the coverage figure', { default: 50, min: 2, max: 1000, advanced: true }),
    param.integer('SCATTER_POINTS', 'Area pixels written to OUTPUT for a scatter plot', { default: 2000, min: 0, advanced: true }),
    param.fileDestination('OUTPUT', 'Result as JSON (components, variance, loadings, coverage, scatter points)', { extensions: ['.json'] }),
    param.tableDestination('OUTPUT_TABLE', 'Eigenvectors and loadings per variable (CSV or JSON)', { optional: true, extensions: ['.csv', '.json'] }),
  ],
  outputs: [
    { name: 'OUTPUT', kind: 'json', description: 'the PCA result' },
    { name: 'OUTPUT_TABLE', kind: 'table', description: 'eigenvectors and loadings (when asked for)' },
    { name: 'PC1_VARIANCE', kind: 'number', description: 'share of variance of PC1 (0–1)' },
    { name: 'PC2_VARIANCE', kind: 'number', description: 'share of variance of PC2 (0–1)' },
    { name: 'COVERAGE', kind: 'number', description: 'share of occupied PC1 × PC2 cells inside the samples\' hull (0–1; absent without INPUT)' },
    { name: 'COVERAGE_PIXELS', kind: 'number', description: 'share of sampled area pixels inside the samples\' hull' },
    { name: 'SAMPLES_USED', kind: 'number', description: 'samples with data in every band' },
  ],
  check(p) {
    const out: string[] = [];
    if (!p.INPUT && (p.X_FIELD || p.Y_FIELD || p.POINTS_CRS)) out.push('X_FIELD, Y_FIELD and POINTS_CRS need INPUT');
    return out;
  },
  async run(p, ctx) {
    const r = await openRaster(p.STACK, 'STACK');
    try {
      const bands = resolveBands(r, p.BANDS);
      const rng = new Rng(p.SEED);
      ctx.progress(0, 'reading the stack');
      const scan = await scanStack(r, bands, p.SAMPLE_SIZE, rng, ctx.sub(0, 60));
      checkAnyValid(scan, p.STACK);
      const dropped = constantBands(scan);
      for (const j of dropped) ctx.warn(`band "${scan.names[j]}" (band ${bands[j]}) is constant (${scan.mean[j]}) over the valid pixels; it is dropped from the PCA`);
      const keep = scan.names.map((_, j) => j).filter((j) => !dropped.includes(j));
      if (keep.length === 0) throw new DataError(`every band of ${p.STACK} is constant over its valid pixels; there is nothing to analyse`);
      const names = keep.map((j) => scan.names[j]);
      const nb = bands.length;
      const d = keep.length;
      const n = scan.sampleSize;
      if (n < 3) throw new DataError(`${p.STACK} has only ${n} pixel${n === 1 ? '' : 's'} with data in every band; a PCA needs at least 3`);

      // standardised sample, centred on its own mean for the correlation matrix
      const z = new Float64Array(n * d);
      for (let k = 0; k < n; k++) for (let q = 0; q < d; q++) z[k * d + q] = (scan.sample[k * nb + keep[q]] - scan.mean[keep[q]]) / scan.sd[keep[q]];
      const zc = Float64Array.from(z);
      for (let q = 0; q < d; q++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += z[k * d + q];
        const mu = s / n;
        for (let k = 0; k < n; k++) zc[k * d + q] -= mu;
      }
      const cov = covarianceOfCentred(zc, n, d);
      // correlation matrix: divide by the sample's own SDs (equals cov when the sample is all pixels)
      const sds = cov.map((row, a) => Math.sqrt(row[a]));
      const corr = cov.map((row, a) => row.map((v, b) => (a === b ? 1 : v / (sds[a] * sds[b]))));
      ctx.checkCancelled();
      const pca = pcaOfMatrix(corr);
      ctx.progress(70, 'projecting');
      const k2 = Math.min(2, d);
      const areaScores = scores(z, n, d, pca, k2);

      // samples
      let sampleOut: { row: number; pc1: number; pc2: number }[] = [];
      let cov2: ReturnType<typeof coverage> | undefined;
      let samplesUsed: number | undefined;
      let samplesTotal = 0;
      if (p.INPUT) {
        const t = await readTable(p.INPUT, { xField: p.X_FIELD, yField: p.Y_FIELD, pointsCrs: p.POINTS_CRS, requirePoints: true });
        checkPointCrs(t.srsWkt, r.srsWkt, t.source);
        samplesTotal = t.nRows;
        const xy = transformXY(t.x!, t.y!, t.srsWkt, r.srsWkt);
        const { values, inside } = await valuesAtPoints(r, bands, xy.x, xy.y);
        const outside: number[] = [];
        const nodata: number[] = [];
        const zs: number[] = [];
        const rowsUsed: number[] = [];
        for (let i = 0; i < t.nRows; i++) {
          if (!inside[i]) {
            outside.push(i + 1);
            continue;
          }
          let ok = true;
          for (let j = 0; j < nb; j++) if (Number.isNaN(values[i * nb + j])) ok = false;
          if (!ok) {
            nodata.push(i + 1);
            continue;
          }
          for (const j of keep) zs.push((values[i * nb + j] - scan.mean[j]) / scan.sd[j]);
          rowsUsed.push(i + 1);
        }
        const list = (a: number[]): string => a.slice(0, 10).join(', ') + (a.length > 10 ? ', …' : '');
        if (outside.length) ctx.warn(`${outside.length} of ${t.nRows} samples lie outside ${p.STACK} and are left out (rows ${list(outside)}); check POINTS_CRS`);
        if (nodata.length) ctx.warn(`${nodata.length} of ${t.nRows} samples fall on nodata in some band and are left out (rows ${list(nodata)})`);
        samplesUsed = rowsUsed.length;
        if (samplesUsed === 0) throw new DataError(`none of the ${t.nRows} samples of ${t.source} has data in every band of ${p.STACK}; check that they overlap (POINTS_CRS?)`);
        const ss = scores(Float64Array.from(zs), samplesUsed, d, pca, k2);
        sampleOut = rowsUsed.map((row, i) => ({ row, pc1: ss[i * k2], pc2: k2 > 1 ? ss[i * k2 + 1] : 0 }));
        if (k2 < 2) ctx.warn('only one covariate varies: no PC1 × PC2 plane, coverage not computed');
        else {
          const areaPts: Point2[] = Array.from({ length: n }, (_, i) => [areaScores[i * 2], areaScores[i * 2 + 1]]);
          cov2 = coverage(areaPts, sampleOut.map((s) => [s.pc1, s.pc2] as Point2), p.GRID_BINS);
          if (cov2.hull.length < 3) ctx.warn(`the ${samplesUsed} usable samples do not span an area in the PC1 × PC2 plane (fewer than 3 points or all on a line); coverage is 0`);
          ctx.log(`coverage: ${cov2.covered} of ${cov2.occupied} occupied PC1 × PC2 cells (${(100 * cov2.share).toFixed(1)} %) lie within the samples' hull; ${(100 * cov2.pointShare).toFixed(1)} % of the area pixels`);
        }
      }

      const components = pca.eigenvalues.map((ev, c) => ({
        name: `PC${c + 1}`, eigenvalue: ev, variance_explained: pca.explained[c],
        cumulative: pca.explained.slice(0, c + 1).reduce((s, v) => s + v, 0),
      }));
      const loadings = names.map((name, j) => ({
        variable: name,
        eigenvector: pca.vectors.map((v) => v[j]),
        loading: pca.vectors.map((v, c) => v[j] * Math.sqrt(pca.eigenvalues[c])),
      }));
      ctx.log(components.slice(0, 4).map((c) => `${c.name} ${(100 * c.variance_explained).toFixed(2)} %`).join(', '));

      // scatter subsample of area points (the first SCATTER_POINTS of a random sample are random)
      const nScatter = Math.min(p.SCATTER_POINTS, n);
      const areaScatter: number[][] = [];
      for (let i = 0; i < nScatter; i++) areaScatter.push([round(areaScores[i * k2]), k2 > 1 ? round(areaScores[i * k2 + 1]) : 0]);

      const result = {
        algorithm: 'stats:pca',
        stack: p.STACK,
        samples: p.INPUT ?? null,
        variables: names,
        dropped: dropped.map((j) => scan.names[j]),
        valid_pixels: scan.validCount,
        sampled_pixels: n,
        seed: p.SEED,
        standardisation: Object.fromEntries(keep.map((j) => [scan.names[j], { mean: scan.mean[j], sd: scan.sd[j] }])),
        components,
        loadings,
        correlation: corr,
        samples_total: samplesTotal,
        samples_used: samplesUsed ?? 0,
        coverage: cov2
          ? {
            grid_bins: cov2.bins, pc1_range: [cov2.xmin, cov2.xmax], pc2_range: [cov2.ymin, cov2.ymax],
            occupied_cells: cov2.occupied, covered_cells: cov2.covered, share: cov2.share, pixel_share: cov2.pointShare,
            hull: cov2.hull,
          }
          : null,
        scatter: {
          area: areaScatter,
          samples: sampleOut.map((s) => ({ row: s.row, pc1: round(s.pc1), pc2: round(s.pc2) })),
        },
      };
      saveJson(ctx, p.OUTPUT, result);
      if (p.OUTPUT_TABLE) {
        const cols = ['variable', ...components.map((c) => c.name), ...components.map((c) => `r_${c.name}`)];
        saveRows(ctx, p.OUTPUT_TABLE, cols, loadings.map((l) => {
          const row: Record<string, unknown> = { variable: l.variable };
          components.forEach((c, i) => {
            row[c.name] = l.eigenvector[i];
            row[`r_${c.name}`] = l.loading[i];
          });
          return row;
        }));
      }
      return {
        OUTPUT: p.OUTPUT,
        OUTPUT_TABLE: p.OUTPUT_TABLE,
        PC1_VARIANCE: pca.explained[0],
        PC2_VARIANCE: pca.explained[1] ?? 0,
        COVERAGE: cov2?.share,
        COVERAGE_PIXELS: cov2?.pointShare,
        SAMPLES_USED: samplesUsed,
      };
    } finally {
      r.ds.close();
    }
  },
});
