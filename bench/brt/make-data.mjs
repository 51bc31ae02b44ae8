// Writes the benchmark training table (the 'hassink' parity fixture: 293 rows x 10 predictors,
// generated in R, see test/fixtures/brt/make_fixtures.R) as CSV for R and Node alike.
// usage: node bench/brt/make-data.mjs OUT_DIR
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
const out = process.argv[2] ?? '/tmp/socp-brt-bench';
mkdirSync(out, { recursive: true });
const f = JSON.parse(readFileSync(new URL('../../test/fixtures/brt/hassink.json', import.meta.url), 'utf8'));
const names = [...f.varNames, 'y'];
const cols = [...f.varNames.map((n) => f.x[n]), f.y];
const lines = [names.join(',')];
for (let i = 0; i < f.y.length; i++) lines.push(cols.map((c) => (c[i] === null ? 'NA' : String(c[i]))).join(','));
writeFileSync(`${out}/train.csv`, lines.join('\n') + '\n');
console.log(`wrote ${out}/train.csv (${f.y.length} rows, ${f.varNames.length} predictors)`);
