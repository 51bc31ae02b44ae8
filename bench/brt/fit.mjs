// One Hassink-settings fit (1600 trees, depth 9, shrinkage 0.0025, minobs 10, bag 0.65) in socp.
// usage: node bench/brt/fit.mjs DATA_DIR [REPEATS]   prints the CPU ms of each fit (in process);
// with REPEATS > 5 a last line gives the median of the fits after the first five (warm: V8 has
// compiled the engine by then), which bench/brt/run.sh reads.
import { g, PARAMS, readTable, cpuMs } from './common.mjs';
const dir = process.argv[2] ?? '/tmp/socp-brt-bench';
const reps = Number(process.argv[3] ?? 1);
const { names, X, y } = readTable(`${dir}/train.csv`);
const times = [];
for (let r = 0; r < reps; r++) {
  const c0 = process.cpuUsage();
  const m = g.fitGbm(X, y, { ...PARAMS, predictorNames: names });
  times.push(cpuMs(c0));
  console.log(`socp fit cpu_ms ${times[r].toFixed(1)} trees ${m.nTrees}`);
}
if (reps > 5) {
  const warm = times.slice(5).sort((a, b) => a - b);
  console.log(`socp warm fit (median of fits 6-${reps}) cpu_ms ${warm[warm.length >> 1].toFixed(1)}`);
}
