// Shared by the Node benchmark scripts: the compiled engine (run.sh compiles it with tsc into
// $SOCP_BRT_ENGINE, default /tmp/brt-engine) and the CSV reader.
import { readFileSync } from 'node:fs';
export const engineDir = process.env.SOCP_BRT_ENGINE ?? '/tmp/brt-engine';
export const g = await import(`${engineDir}/gbm.js`);
export const PARAMS = { nTrees: 1600, interactionDepth: 9, shrinkage: 0.0025, nMinObsInNode: 10, bagFraction: 0.65, seed: 42 };
export function readTable(file) {
  const [head, ...rows] = readFileSync(file, 'utf8').trim().split('\n');
  const names = head.split(',');
  const cols = names.map(() => new Float64Array(rows.length));
  rows.forEach((r, i) => r.split(',').forEach((v, j) => (cols[j][i] = v === 'NA' ? NaN : Number(v))));
  return { names: names.slice(0, -1), X: cols.slice(0, -1), y: cols[cols.length - 1] };
}
/** Prediction rows: training rows picked by the golden-ratio sequence (same formula in R), scaled by a tiny jitter. */
export function predictionRows(X, n) {
  const m = X[0].length;
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = Math.floor(((i * 0.6180339887498949) % 1) * m);
  return X.map((c) => { const o = new Float64Array(n); for (let i = 0; i < n; i++) o[i] = c[idx[i]] * (1 + ((i % 7) - 3) * 1e-4); return o; });
}
export function cpuMs(c0) { const c = process.cpuUsage(c0); return (c.user + c.system) / 1000; }
