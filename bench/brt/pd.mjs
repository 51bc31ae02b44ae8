// SPDX-License-Identifier: GPL-2.0-or-later
// Benchmark of partial dependence (gbm's weighted traversal, as plot.gbm) on a model with the
// study's Hassink settings (1600 trees, interaction depth 9, shrinkage 0.0025, n.minobsinnode 10,
// bag fraction 0.65) fitted on the 293 × 10 'hassink' table (the data of bench/brt/make-data.mjs):
// the engine's partialDependence (grid values grouped by interval, leaf terms cached per tree and
// box) against partialDependenceReference (one plain traversal per grid point and tree, the former
// implementation), for all 10 predictors × 100 grid points and for 2-D surfaces of 100 × 100; both
// must agree bit for bit. Then a set of models through setPartialDependence (brt:partial-dependence's
// core) on 1 and on 2 worker threads, which must give identical sums.
// CPU times from process.cpuUsage (this process, worker threads included); medians of RUNS runs of
// the per-point traversal and of 2·RUNS + 1 runs of partialDependence, after warm-up runs.
//
//   npx tsc -p tsconfig.json && node bench/brt/pd.mjs [train.csv from make-data.mjs] [RUNS=5] [SET_MODELS=8]
import { readFileSync } from 'node:fs';
import { fitGbm } from '../../dist/algorithms/brt/engine/gbm.js';
import { partialDependence, partialDependenceReference, rSeq } from '../../dist/algorithms/brt/engine/partial-dependence.js';
import { setPartialDependence } from '../../dist/algorithms/brt/pd/set-pd.js';

const csv = process.argv[2] && process.argv[2] !== '-' ? process.argv[2] : undefined;
const RUNS = Number(process.argv[3] ?? 5);
const SET_MODELS = Number(process.argv[4] ?? 8);
const PARAMS = { nTrees: 1600, interactionDepth: 9, shrinkage: 0.0025, nMinObsInNode: 10, bagFraction: 0.65, seed: 42 };

function readData() {
  if (csv) {
    const [head, ...rows] = readFileSync(csv, 'utf8').trim().split('\n');
    const names = head.split(',');
    const cols = names.map(() => new Float64Array(rows.length));
    rows.forEach((r, i) => r.split(',').forEach((v, j) => (cols[j][i] = v === 'NA' ? NaN : Number(v))));
    return { names: names.slice(0, -1), X: cols.slice(0, -1), y: cols[cols.length - 1] };
  }
  const f = JSON.parse(readFileSync(new URL('../../test/fixtures/brt/hassink.json', import.meta.url), 'utf8'));
  return { names: f.varNames, X: f.varNames.map((n) => Float64Array.from(f.x[n], (v) => (v === null ? NaN : v))), y: Float64Array.from(f.y) };
}
const cpuMs = (c0) => { const c = process.cpuUsage(c0); return (c.user + c.system) / 1000; };
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
function timed(fn, runs) {
  const t = [];
  let r;
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    r = fn();
    t.push(cpuMs(c0));
  }
  return { ms: median(t), min: Math.min(...t), max: Math.max(...t), result: r };
}
function sameBits(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

const { names, X, y } = readData();
const p = names.length;
let c0 = process.cpuUsage();
const model = fitGbm(X, y, { ...PARAMS, predictorNames: names });
console.log(`data: ${y.length} rows × ${p} predictors; fit ${PARAMS.nTrees} trees, depth ${PARAMS.interactionDepth}: ${cpuMs(c0).toFixed(0)} ms CPU`);

// 1-D: every predictor on plot.gbm's 100-point grid
const all1d = (f) => () => Array.from({ length: p }, (_, v) => f(model, [v], { gridPoints: 100 }).values);
for (let i = 0; i < 5; i++) all1d(partialDependence)(); // warm-up (JIT)
all1d(partialDependenceReference)();
const ref1 = timed(all1d(partialDependenceReference), RUNS);
const fast1 = timed(all1d(partialDependence), 2 * RUNS + 1);
const ok1 = ref1.result.every((v, i) => sameBits(v, fast1.result[i]));
// 2-D: surfaces of 100 × 100 grid points
const pairs = [[0, 1], [2, 3]];
const all2d = (f) => () => pairs.map((pr) => f(model, pr, { gridPoints: 100 }).values);
const ref2 = timed(all2d(partialDependenceReference), Math.min(RUNS, 3));
all2d(partialDependence)();
const fast2 = timed(all2d(partialDependence), 2 * RUNS + 1);
const ok2 = ref2.result.every((v, i) => sameBits(v, fast2.result[i]));

const row = (what, r, f, ok) =>
  `| ${what} | ${r.ms.toFixed(1)} ms (${r.min.toFixed(1)}–${r.max.toFixed(1)}) | ${f.ms.toFixed(1)} ms (${f.min.toFixed(1)}–${f.max.toFixed(1)}) | ${(r.ms / f.ms).toFixed(1)} | ${ok ? 'yes' : 'NO'} |`;
console.log('\n| what | per-point traversal (before) | partialDependence (after) | speed-up | bit-identical |');
console.log('|---|---|---|---|---|');
console.log(row(`1-D, all ${p} predictors × 100 points`, ref1, fast1, ok1));
console.log(row(`2-D, ${pairs.length} surfaces of 100 × 100`, ref2, fast2, ok2));

// a model set: SET_MODELS models (seeds 1..), all 1-D curves and the 2-D surfaces, 1 and 2 threads
if (SET_MODELS > 0) {
  const models = Array.from({ length: SET_MODELS }, (_, i) => fitGbm(X, y, { ...PARAMS, seed: i + 1, predictorNames: names }));
  const jobs = [...Array.from({ length: p }, (_, v) => [v]), ...pairs].map((vars) => ({
    vars, grids: vars.map((v) => rSeq(Math.min(...models.map((m) => m.training.min[v])), Math.max(...models.map((m) => m.training.max[v])), 100)),
  }));
  const sums = [];
  console.log(`\nmodel set: ${SET_MODELS} models × (${p} curves + ${pairs.length} surfaces of 100 × 100)`);
  for (const threads of [1, 2]) {
    c0 = process.cpuUsage();
    sums.push(await setPartialDependence(models, jobs, { threads }));
    console.log(`  ${threads} thread${threads > 1 ? 's' : ' '}: ${cpuMs(c0).toFixed(0)} ms CPU (all threads of the process)`);
  }
  const same = sums[0].sum.every((s, b) => sameBits(s, sums[1].sum[b]) && sameBits(sums[0].sq[b], sums[1].sq[b]));
  console.log(`  sums identical for 1 and 2 threads: ${same ? 'yes' : 'NO'}`);
  if (!same) process.exitCode = 1;
}
if (!ok1 || !ok2) process.exitCode = 1;
