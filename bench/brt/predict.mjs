// 1e6 rows x 1600 trees prediction in socp (model fitted first, not timed in the figure printed).
// usage: node bench/brt/predict.mjs DATA_DIR [ROWS]
import { g, PARAMS, readTable, predictionRows, cpuMs } from './common.mjs';
const dir = process.argv[2] ?? '/tmp/socp-brt-bench';
const rows = Number(process.argv[3] ?? 1e6);
const { names, X, y } = readTable(`${dir}/train.csv`);
const m = g.fitGbm(X, y, { ...PARAMS, predictorNames: names });
const XN = predictionRows(X, rows);
const c0 = process.cpuUsage();
const p = g.predict(m, XN);
const ms = cpuMs(c0);
let s = 0;
for (let i = 0; i < p.length; i++) s += p[i];
console.log(`socp predict cpu_ms ${ms.toFixed(0)} rows ${rows} trees ${m.nTrees} Mevals_per_cpu_s ${((rows * m.nTrees) / ms / 1e3).toFixed(1)} mean ${(s / rows).toFixed(6)}`);
