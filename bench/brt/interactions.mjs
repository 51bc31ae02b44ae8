// SPDX-License-Identifier: GPL-2.0-or-later
// Benchmark of brt:interactions' numerical core: Friedman's H-statistic (Friedman & Popescu 2008)
// for all 45 pairs of 10 predictors of a 1600-tree, interaction.depth 9 gbm model (the study's
// Hassink settings) on 293 rows, with gbm's weighted-traversal partial dependence evaluated at the
// rows (algorithms/brt/interpret/pd-boxes.ts). Also times the straightforward alternative — the
// engine's traversal (engine/partial-dependence.ts) called once per row — on a few pairs, and
// checks that both give the same partial dependence.
//
//   npm run build && node bench/brt/interactions.mjs [rows=293] [trees=1600] [depth=9]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { modelToJson } from '../../dist/algorithms/brt/engine/model-file.js';
import { run } from '../../dist/toolbox/run.js';
import { fitGbm } from '../../dist/algorithms/brt/engine/fit.js';
import { partialDependence } from '../../dist/algorithms/brt/engine/partial-dependence.js';
import { allPairs, hStatistics } from '../../dist/algorithms/brt/interpret/h-statistic.js';
import { evalPdBoxes, pdBoxes } from '../../dist/algorithms/brt/interpret/pd-boxes.js';

const n = Number(process.argv[2] ?? 293);
const nTrees = Number(process.argv[3] ?? 1600);
const depth = Number(process.argv[4] ?? 9);
const p = 10;
let s = 20260101;
const u = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
const X = Array.from({ length: p }, () => new Float64Array(n));
const y = new Float64Array(n);
for (let i = 0; i < n; i++) {
  for (let j = 0; j < p; j++) X[j][i] = u();
  const x = X.map((c) => c[i]);
  y[i] = 3 * x[0] + Math.sin(6 * x[1]) + 4 * x[2] * x[3] + 2 * (x[4] - 0.5) ** 2 + x[5] * x[6] + 0.3 * (u() - 0.5);
}
const names = Array.from({ length: p }, (_, j) => `x${j + 1}`);
let t0 = performance.now();
const model = fitGbm(X, y, { nTrees, interactionDepth: depth, shrinkage: 0.0025, nMinObsInNode: 10, bagFraction: 0.65, seed: 1, predictorNames: names });
const fitS = (performance.now() - t0) / 1000;

// first (cold, includes JIT compilation) and then warm runs of all 45 pairs
const pairs = allPairs(p);
t0 = performance.now();
hStatistics(model, X, pairs);
const coldS = (performance.now() - t0) / 1000;
const times = [];
let res;
for (let r = 0; r < 3; r++) {
  t0 = performance.now();
  res = hStatistics(model, X, pairs);
  times.push((performance.now() - t0) / 1000);
}
times.sort((a, b) => a - b);

// the engine's traversal, one call per row (1-D and 2-D PDs of 3 pairs), to compare speed and values
t0 = performance.now();
let maxDiff = 0;
const check = [[2, 3], [0, 1], [5, 6]];
for (const [j, k] of check) {
  const fast = evalPdBoxes(pdBoxes(model, [j, k]), [X[j], X[k]]);
  for (let i = 0; i < n; i++) {
    const v = partialDependence(model, [j, k], { grids: [Float64Array.of(X[j][i]), Float64Array.of(X[k][i])] }).values[0];
    maxDiff = Math.max(maxDiff, Math.abs(v - fast[i]));
  }
}
const engineS = (performance.now() - t0) / 1000;

// end to end: brt:interactions through run() on a model file and a CSV (all pairs, 5 surfaces)
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'socp-bench-h-'));
fs.writeFileSync(path.join(dir, 'm.json'), modelToJson(model, {}));
fs.writeFileSync(path.join(dir, 'd.csv'), [names.join(','), ...Array.from({ length: n }, (_, i) => X.map((c) => c[i]).join(','))].join('\n') + '\n');
// a first run loads the algorithm registry (and GDAL); the second is timed
const h = { MODEL: path.join(dir, 'm.json'), INPUT: path.join(dir, 'd.csv'), OUTPUT: path.join(dir, 'h.csv'), OUTPUT_SURFACES: path.join(dir, 's.json') };
t0 = performance.now();
await run('brt:interactions', h);
const e2eFirstS = (performance.now() - t0) / 1000;
t0 = performance.now();
await run('brt:interactions', { MODEL: path.join(dir, 'm.json'), INPUT: path.join(dir, 'd.csv'), OUTPUT: path.join(dir, 'h.csv'), OUTPUT_SURFACES: path.join(dir, 's.json') });
const e2eS = (performance.now() - t0) / 1000;
fs.rmSync(dir, { recursive: true });

const top = [...res].sort((a, b) => (b.h || 0) - (a.h || 0)).slice(0, 5);
console.log(`model: ${nTrees} trees, interaction depth ${depth}, ${p} predictors, ${n} rows (fit ${fitS.toFixed(1)} s)`);
console.log(`H-statistic, all ${pairs.length} pairs: first run ${coldS.toFixed(3)} s; then median ${times[1].toFixed(3)} s (runs: ${times.map((t) => t.toFixed(3)).join(', ')} s)`);
console.log(`engine traversal per row, 2-D PD of ${check.length} pairs only: ${engineS.toFixed(2)} s; max |difference| ${maxDiff.toExponential(2)}`);
console.log(`brt:interactions through run() (read model and CSV, 45 pairs, 5 surfaces 25 × 25, write): ${e2eS.toFixed(2)} s (first run in the process, loading the registry and GDAL: ${e2eFirstS.toFixed(2)} s)`);
console.log(`${os.cpus()[0]?.model ?? 'cpu'}, ${os.availableParallelism()} threads, load average ${os.loadavg()[0].toFixed(1)}, node ${process.version}`);
console.log('strongest pairs: ' + top.map((r) => `${names[r.j]}:${names[r.k]} H=${r.h.toFixed(3)}`).join(', '));
