// One Hassink-settings fit (1600 trees, depth 9, shrinkage 0.0025, minobs 10, bag 0.65) in socp.
// usage: node bench/brt/fit.mjs DATA_DIR [REPEATS]   prints the CPU ms of each fit (in process)
import { g, PARAMS, readTable, cpuMs } from './common.mjs';
const dir = process.argv[2] ?? '/tmp/socp-brt-bench';
const reps = Number(process.argv[3] ?? 1);
const { names, X, y } = readTable(`${dir}/train.csv`);
for (let r = 0; r < reps; r++) {
  const c0 = process.cpuUsage();
  const m = g.fitGbm(X, y, { ...PARAMS, predictorNames: names });
  console.log(`socp fit cpu_ms ${cpuMs(c0).toFixed(1)} trees ${m.nTrees}`);
}
