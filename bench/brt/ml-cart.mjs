// ml-cart 2.1.1 DecisionTreeRegression on the benchmark data: time per depth-4 tree, and the
// implied time of a 1600-tree fit (why it cannot be the boosting learner).
// usage: node bench/brt/ml-cart.mjs DATA_DIR [TREES]
import { createRequire } from 'node:module';
import { readTable, cpuMs } from './common.mjs';
const require = createRequire(import.meta.url);
const { DecisionTreeRegression } = require('ml-cart');
const dir = process.argv[2] ?? '/tmp/socp-brt-bench';
const nTrees = Number(process.argv[3] ?? 20);
const { X, y } = readTable(`${dir}/train.csv`);
const n = y.length;
const nBag = Math.floor(0.65 * n);
// one bag of rows, as one boosting iteration would use (first nBag rows of a fixed shuffle)
const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => ((a * 7919) % n) - ((b * 7919) % n)).slice(0, nBag);
const rows = order.map((i) => X.map((c) => c[i]));
const target = order.map((i) => y[i]);
new DecisionTreeRegression({ maxDepth: 4 }).train(rows, target); // warm-up
const c0 = process.cpuUsage();
for (let t = 0; t < nTrees; t++) new DecisionTreeRegression({ maxDepth: 4 }).train(rows, target);
const per = cpuMs(c0) / nTrees;
console.log(`ml-cart depth-4 tree (n=${nBag}, p=${X.length}) cpu_ms ${per.toFixed(1)} per tree; 1600 trees ~ ${(per * 1.6).toFixed(1)} s`);
