// Summarises bench/brt/run.sh's log into the "BRT" section of bench/README.md.
// usage: node bench/brt/report.mjs LOG MLCART_TXT ROWS README [XGBOOST_TXT]
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
const [logFile, mlFile, rowsArg, readme, xgbFile] = process.argv.slice(2);
const rows = Number(rowsArg);
const rec = {};
for (const line of readFileSync(logFile, 'utf8').trim().split('\n')) {
  const [label, ms, cpu, wall] = line.split(/\s+/);
  (rec[label] ??= []).push({ ms: Number(ms), cpu: Number(cpu), wall: Number(wall) });
}
const med = (a) => { const s = [...a].sort((x, y) => x - y); const k = s.length >> 1; return s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2; };
const m = (label, key) => med(rec[label].map((r) => r[key]));
// pairwise ratios R / socp (runs alternate)
const pr = (a, b, key) => med(rec[a].map((r, i) => rec[b][i][key] / r[key]));
const f = (x, d = 2) => x.toFixed(d);
const evals = (ms) => (rows * 1600) / ms / 1e3;
const ml = readFileSync(mlFile, 'utf8').trim();
const cores = os.cpus().length;
const cvRow = (label, name) => {
  if (!rec[label]) return '';
  const r = rec[label][0];
  return `| CV protocol, ${name}: ${r.ms} fits via \`socp run brt:cv\` (10-fold × ${r.ms / 10}, ${cores} threads), whole process | wall ${f(r.wall, 1)} s, CPU ${f(r.cpu, 1)} s (${f((1000 * r.cpu) / r.ms, 1)} ms CPU per fit) | – | – |\n`;
};
const cvRows = cvRow('cv_hassink', 'Hassink settings') + cvRow('cv_elustondo', 'Elustondo settings (1850 trees, depth 8, bag 0.6)');
const cvTotal = rec.cv_hassink && rec.cv_elustondo
  ? `\nThe whole CV protocol (both settings, ${rec.cv_hassink[0].ms + rec.cv_elustondo[0].ms} fits) took ${f(rec.cv_hassink[0].wall + rec.cv_elustondo[0].wall, 1)} s wall and ${f(rec.cv_hassink[0].cpu + rec.cv_elustondo[0].cpu, 1)} s CPU (load average at the end of the run: ${os.loadavg().map((x) => x.toFixed(1)).join(', ')}).\n`
  : '';
// XGBoost (optional): "xgboost 1.7.4 predict cpu_ms … mean_leaves 9.2 …"
const xgbText = rec.xgb_pred && xgbFile && existsSync(xgbFile) ? readFileSync(xgbFile, 'utf8') : '';
const xgbVersion = /xgboost (\S+)/.exec(xgbText)?.[1] ?? '?';
const xgbLeaves = /mean_leaves (\S+)/.exec(xgbText)?.[1] ?? '?';
const xgbRow = rec.xgb_pred
  ? `| predict, XGBoost ${xgbVersion} (Debian python3-xgboost, one thread), a forest of the same shape (1600 trees of ≤ 10 leaves, mean ${xgbLeaves}, \`bench/brt/xgboost_predict.py\`), CPU of predict alone | socp as above | XGBoost: ${f(m('xgb_pred', 'ms') / 1000)} s (${f(evals(m('xgb_pred', 'ms')), 1)} M/s) | XGBoost ÷ socp: ${f(pr('socp_pred', 'xgb_pred', 'ms'))} |\n`
  : '';
const date = new Date().toISOString().slice(0, 10);
const body = `<!-- BRT:start (written by bench/brt/run.sh; edit the script, not this section) -->
## BRT

socp's boosting engine (\`algorithms/brt/engine\`: TypeScript, its tree grower AssemblyScript compiled to WebAssembly) against R gbm ${'2.1.8'} on the same data
and settings; runs alternate socp / R, figures are medians over ${rec.socp_fit.length} fits and
${rec.socp_pred.length} prediction runs; ratios are R ÷ socp taken run by run (higher = socp faster).
Measured ${date} on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}. Shared machines are noisy:
quote ratios, not absolute times. Regenerate with \`bash bench/brt/run.sh\`.

| task | socp | R gbm | R ÷ socp |
|---|---|---|---|
| fit, Hassink settings (293 × 10, 1600 trees, depth 9), first fit in a fresh process (cold), CPU of the fit alone | ${f(m('socp_fit', 'ms'), 1)} ms | ${f(m('r_fit', 'ms'), 1)} ms | ${f(pr('socp_fit', 'r_fit', 'ms'))} |
${rec.socp_fitw ? `| fit, warm: median of fits 6–${process.env.WARM_FITS ?? 20} in one process (each fit of brt:cv, brt:tune, workflow:socp after the first few), CPU of the fit alone | ${f(m('socp_fitw', 'ms'), 1)} ms | ${f(m('r_fitw', 'ms'), 1)} ms | ${f(pr('socp_fitw', 'r_fitw', 'ms'))} |\n` : ''}| fit, whole process CPU (start-up and data included) | ${f(m('socp_fit', 'cpu'))} s | ${f(m('r_fit', 'cpu'))} s | ${f(pr('socp_fit', 'r_fit', 'cpu'))} |
| predict ${rows.toExponential(0)} rows × 1600 trees, CPU of predict alone | ${f(m('socp_pred', 'ms') / 1000)} s (${f(evals(m('socp_pred', 'ms')), 1)} M tree evaluations/s) | ${f(m('r_pred', 'ms') / 1000)} s (${f(evals(m('r_pred', 'ms')), 1)} M/s) | ${f(pr('socp_pred', 'r_pred', 'ms'))} |
| predict, whole process CPU (includes one fit and building the rows) | ${f(m('socp_pred', 'cpu'))} s | ${f(m('r_pred', 'cpu'))} s | ${f(pr('socp_pred', 'r_pred', 'cpu'))} |
${xgbRow}${cvRows}${cvTotal}
ml-cart 2.1.1 (\`bench/brt/ml-cart.mjs\`, same data): ${ml.replace(/^ml-cart /, '')}.

Both engines give bit-identical trees, fitted values and predictions (\`test/unit/brt/parity.test.ts\`).
<!-- BRT:end -->`;
let text = existsSync(readme) ? readFileSync(readme, 'utf8') : '# Benchmarks\n\nRun by hand, not by CI.\n';
const re = /<!-- BRT:start[\s\S]*?<!-- BRT:end -->/;
text = re.test(text) ? text.replace(re, body) : `${text.trimEnd()}\n\n${body}\n`;
writeFileSync(readme, text);
console.log(body);
