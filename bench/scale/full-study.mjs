// SPDX-License-Identifier: GPL-2.0-or-later
// The full study area, extrapolated from tiles predicted for real (issue 16, item 6): a generated
// 10-band covariate stack of the study's size at 90 m (≈ 790 600 km², 9 880 × 9 880 cells) as a VRT
// that upsamples the demo stack on the fly, K tiles of 512 × 512 spread evenly over the grid, each
// predicted with the paper's 200 repeat models (the Hassink and Elustondo sets of a full demo run:
// 100 repeats each, 1600 / 1850 trees) exactly as `socp run brt:predict … --tile` does, CPU time
// measured for the whole process (all threads). The per-tile figure × the number of tiles gives
// the core-hours of the maps; wall time on M machines of C cores is core-hours / (M × C).
//
//   npm run build && node bench/scale/full-study.mjs OUT_DIR_OF_A_DEMO_RUN [K=6] [THREADS=1]
// (OUT_DIR holds cv/hassink/models.brtset and cv/elustondo/models.brtset: `npm run demo`.)

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { default: gdal } = await import(path.join(root, 'dist/toolbox/io/gdal.js'));
const { runTileList } = await import(path.join(root, 'dist/toolbox/tiled.js'));
const { tiling, tileAt } = await import(path.join(root, 'dist/toolbox/tiling.js'));

const out = process.argv[2] ?? path.join(root, 'samples/northeast/output');
const K = Number(process.argv[3] ?? 6);
const threads = Number(process.argv[4] ?? 1);
const sets = ['hassink', 'elustondo'].map((m) => path.join(out, 'cv', m, 'models.brtset'));
for (const s of sets) if (!fs.existsSync(s)) throw new Error(`${s} is missing: run the demo (npm run demo) or give its OUTPUT_DIR`);

const STUDY_KM2 = 790_605;
const CELL = 90;
const side = Math.round(Math.sqrt((STUDY_KM2 * 1e6) / (CELL * CELL))); // 9 880
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'socp-fullstudy-'));
const upsampled = path.join(work, 'demo_90m.vrt');
const stack = path.join(work, 'study_90m.vrt');
{
  // the demo's 130 × 180 cells of 7 km cover 910 × 1260 km: upsampled to 90 m on the fly, then a
  // 9 880² window of it (the study's area); bands keep their names
  const src = gdal.open(path.join(root, 'samples/northeast/covariates.tif'));
  gdal.translate(upsampled, src, ['-of', 'VRT', '-r', 'bilinear', '-outsize', String(Math.round((130 * 7000) / CELL)), String(Math.round((180 * 7000) / CELL))]).close();
  src.close();
  gdal.translate(stack, gdal.open(upsampled), ['-of', 'VRT', '-srcwin', '0', '0', String(side), String(side)]).close();
}
const t = tiling(side, side, 512);
const picks = Array.from({ length: K }, (_, i) => Math.floor(((i + 0.5) * t.count) / K));
const cells = picks.reduce((a, i) => a + tileAt(t, i).width * tileAt(t, i).height, 0);

const rows = [];
let cpuAll = 0;
for (const [m, set] of sets.entries()) {
  const raw = { MODEL: set, INPUT: stack, OUTPUT: path.join(work, `mean_${m}.tif`), OUTPUT_SD: path.join(work, `sd_${m}.tif`), THREADS: threads };
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  await runTileList('brt:predict', raw, picks, { tileSize: 512, threads });
  const c = process.cpuUsage(c0);
  const cpu = (c.user + c.system) / 1e6;
  const wall = (performance.now() - w0) / 1000;
  cpuAll += cpu;
  rows.push({ set: path.basename(path.dirname(set)), tiles: picks.length, cells, cpu_s: cpu.toFixed(1), wall_s: wall.toFixed(1), cpu_per_tile_s: (cpu / picks.length).toFixed(2) });
}
const perTile = cpuAll / picks.length; // both model sets: the study's 200 repeat models
const coreHours = (perTile * t.count) / 3600;
console.log(`grid ${side} × ${side} at ${CELL} m = ${(side * side / 1e6).toFixed(1)} M cells, ${t.count} tiles of 512²; ${K} tiles predicted (${cells} cells), ${threads} thread(s)`);
console.table(rows);
console.log(`200 repeat models: ${perTile.toFixed(1)} CPU s per tile → ${coreHours.toFixed(1)} core-hours for the study area`);
for (const machines of [1, 16, 100]) console.log(`  ${machines} machine(s) × 16 cores: ${(coreHours / (machines * 16)).toFixed(2)} h of map prediction (wall, ideal)`);
fs.rmSync(work, { recursive: true, force: true });
