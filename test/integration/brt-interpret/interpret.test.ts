// SPDX-License-Identifier: GPL-2.0-or-later
// brt:sensitivity and brt:interactions end to end through run(): a model from brt:train and a
// model set on generated data with a known structure (y = 2·x1 + sin(3·x2) + 3·x3·x4 + noise),
// CSV and JSON outputs, strata, mean and SD over repeat models, surfaces, and the bad inputs.
import { describe, it, expect, beforeAll } from 'vitest';
import path from 'node:path';
import fs from 'node:fs';
import { run } from '../../../toolbox/run.js';
import { fitGbm } from '../../../algorithms/brt/engine/fit.js';
import { saveModelSet } from '../../../algorithms/brt/model-set.js';
import { parseCsv } from '../../../toolbox/io/csv.js';
import { tempDir, writeFile, listDir } from '../../helpers.js';
import { additiveData, toCsv } from '../../unit/brt-interpret/data.js';

let dir: string;
let data: string;
let model: string;
let set: string;
const settings = { nTrees: 400, interactionDepth: 3, shrinkage: 0.05, nMinObsInNode: 10, bagFraction: 0.5 };
const LU = ['farmland', 'forest', 'grassland'];

function readCsv(file: string): Record<string, string>[] {
  const { header, rows } = parseCsv(fs.readFileSync(file, 'utf8'), file);
  return rows.map((r) => Object.fromEntries(header.map((h, j) => [h, r[j]])));
}

beforeAll(async () => {
  dir = tempDir('socp-interpret-');
  const d = additiveData(400);
  data = writeFile(dir, 'd.csv', toCsv(d.X, d.y, d.names, { name: 'landuse', values: Array.from({ length: 400 }, (_, i) => LU[i % 3]) }));
  model = path.join(dir, 'm.json');
  await run('brt:train', {
    INPUT: data, TARGET: 'y', PREDICTORS: 'x1,x2,x3,x4', N_TREES: settings.nTrees, INTERACTION_DEPTH: settings.interactionDepth,
    SHRINKAGE: settings.shrinkage, N_MINOBSINNODE: settings.nMinObsInNode, BAG_FRACTION: settings.bagFraction, SEED: 1, OUTPUT_MODEL: model,
  });
  set = path.join(dir, 'm.brtset');
  const models = [1, 2, 3].map((seed) => fitGbm(d.X, d.y, { ...settings, seed, predictorNames: d.names }));
  await saveModelSet(set, models, { algorithm: 'test' });
});

describe('brt:interactions', () => {
  it('ranks x3:x4 first with H > 0.3, the additive pairs below 0.1; CSV and surfaces', async () => {
    const out = path.join(dir, 'h.csv');
    const surf = path.join(dir, 'h-surfaces.json');
    const r = await run('brt:interactions', { MODEL: model, INPUT: data, OUTPUT: out, OUTPUT_SURFACES: surf, TOP: 2, GRID_POINTS: 7 });
    expect(r.results.TOP_PAIR).toBe('x3:x4');
    const rows = readCsv(out);
    expect(rows).toHaveLength(6);
    expect(rows[0]).toMatchObject({ rank: '1', predictor_1: 'x3', predictor_2: 'x4', models: '1', rows: '400', h_models_sd: '' });
    expect(Number(rows[0].h)).toBeGreaterThan(0.3);
    expect(Number(rows[0].h2)).toBeCloseTo(Number(rows[0].h) ** 2, 12);
    // unnormalised: H² = interaction_rms² / pd_rms²
    expect(Number(rows[0].h2)).toBeCloseTo((Number(rows[0].interaction_rms) / Number(rows[0].pd_rms)) ** 2, 12);
    // 3·x3·x4 with x3, x4 ~ U(−1, 1) has SD 1; a 400-tree fit on 400 rows recovers most of it
    expect(Number(rows[0].pd_rms)).toBeGreaterThan(0.6);
    expect(Number(rows[0].pd_rms)).toBeLessThan(1.1);
    for (const row of rows.slice(1)) expect(Number(row.h)).toBeLessThan(0.1);
    const s = JSON.parse(fs.readFileSync(surf, 'utf8'));
    expect(s.surfaces).toHaveLength(2);
    expect(s.surfaces[0].variables).toEqual(['x3', 'x4']);
    expect(s.surfaces[0].grids[0]).toHaveLength(7);
    expect(s.surfaces[0].mean).toHaveLength(49);
    // the surface of 3·x3·x4: corners (−,−) and (+,+) high, (+,−) and (−,+) low
    const at = (i0: number, i1: number) => s.surfaces[0].mean[i0 + 7 * i1];
    expect(at(0, 0)).toBeGreaterThan(at(6, 0) + 2);
    expect(at(6, 6)).toBeGreaterThan(at(0, 6) + 2);
  });

  it('equals brt:partial-dependence on the surface grid', async () => {
    const surf = path.join(dir, 'hs2.json');
    await run('brt:interactions', { MODEL: model, INPUT: data, PAIRS: 'x3:x4', OUTPUT: path.join(dir, 'h2.json'), OUTPUT_SURFACES: surf, TOP: 1, GRID_POINTS: 5 });
    const pdOut = path.join(dir, 'pd.json');
    await run('brt:partial-dependence', { MODEL: model, VARIABLES: 'x1', PAIRS: 'x3:x4', GRID_POINTS: 5, OUTPUT: pdOut });
    const a = JSON.parse(fs.readFileSync(surf, 'utf8')).surfaces[0].mean as number[];
    const b = JSON.parse(fs.readFileSync(pdOut, 'utf8')).curves[1].mean as number[];
    expect(a.length).toBe(25);
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 12));
  });

  it('a model set gives the mean and SD over the models (JSON)', async () => {
    const out = path.join(dir, 'hset.json');
    const r = await run('brt:interactions', { MODEL: set, INPUT: data, PAIRS: 'x1:x2,x4:x3', RANK_BY: 'interaction_rms', OUTPUT: out });
    expect(r.results.MODELS).toBe(3);
    const j = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(j.models).toBe(3);
    expect(j.interactions.map((x: { predictor_1: string }) => x.predictor_1)).toEqual(['x4', 'x1']);
    const top = j.interactions[0];
    expect(top.models).toBe(3);
    expect(top.h).toBeGreaterThan(0.3);
    expect(top.h_models_sd).toBeGreaterThan(0);
    expect(top.h_models_sd).toBeLessThan(0.2);
    expect(j.rank_by).toBe('interaction_rms');
    expect(top.interaction_rms).toBeGreaterThan(j.interactions[1].interaction_rms);
    expect(top.interaction_rms_models_sd).toBeGreaterThan(0);
    expect(j.interactions[1].h_models_sd).toBeGreaterThan(0);
  });

  it('bad inputs: an unknown predictor in PAIRS, data lacking a predictor, a constant predictor', async () => {
    const d = tempDir();
    await expect(run('brt:interactions', { MODEL: model, INPUT: data, PAIRS: 'x1:X9', OUTPUT: path.join(d, 'o.csv') }))
      .rejects.toThrow(/PAIRS: the model has no predictor "X9"; its predictors are x1, x2, x3, x4/);
    await expect(run('brt:interactions', { MODEL: model, INPUT: data, PAIRS: 'x1:X2', OUTPUT: path.join(d, 'o.csv') }))
      .rejects.toThrow(/did you mean "x2"/);
    await expect(run('brt:interactions', { MODEL: model, INPUT: data, PAIRS: 'x1-x2', OUTPUT: path.join(d, 'o.csv') }))
      .rejects.toThrow(/must look like a:b/);
    const lacking = writeFile(d, 'lack.csv', 'x1,x2,x4\n1,2,3\n2,3,4\n');
    await expect(run('brt:interactions', { MODEL: model, INPUT: lacking, OUTPUT: path.join(d, 'o.csv') }))
      .rejects.toThrow(/lacks the predictor field x3 that the model needs/);
    expect(listDir(d)).toEqual(['lack.csv']);
    const text = fs.readFileSync(data, 'utf8').split('\n');
    const constant = writeFile(d, 'const.csv', text.map((l, i) => (i === 0 || l === '' ? l : l.replace(/^([^,]*),([^,]*),([^,]*),/, '$1,$2,0.5,'))).join('\n'));
    const logs: string[] = [];
    const out = path.join(d, 'c.csv');
    await run('brt:interactions', { MODEL: model, INPUT: constant, OUTPUT: out }, { onLog: (lvl, m) => logs.push(`${lvl}: ${m}`) });
    expect(logs.join('\n')).toMatch(/warning: x2 is constant \(or missing\) in every row/);
    const rows = readCsv(out);
    for (const row of rows.filter((x) => x.predictor_1 === 'x2' || x.predictor_2 === 'x2')) {
      expect(row.h).toBe('');
      expect(row.note).toBe('x2 is constant in INPUT');
    }
    expect(rows[0].predictor_1 + rows[0].predictor_2).toBe('x3x4');
  });
});

describe('brt:sensitivity', () => {
  it('METHOD sd: the change of x1 is ≈ 2·SD(x1); overall and per land use (CSV)', async () => {
    const out = path.join(dir, 's.csv');
    const r = await run('brt:sensitivity', { MODEL: model, INPUT: data, STRATUM_FIELD: 'landuse', OUTPUT: out });
    expect(r.results.TOP).toBe('x1');
    const rows = readCsv(out);
    expect(rows).toHaveLength(4 * 4 * 2); // strata × predictors × directions
    expect([...new Set(rows.map((x) => x.stratum))]).toEqual(['all', ...LU]);
    const x1 = fs.readFileSync(data, 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[1]));
    const mean = x1.reduce((a, b) => a + b, 0) / x1.length;
    const sd = Math.sqrt(x1.reduce((a, b) => a + (b - mean) ** 2, 0) / (x1.length - 1));
    const up = rows.find((x) => x.stratum === 'all' && x.predictor === 'x1' && x.direction === 'up')!;
    expect(up).toMatchObject({ rank: '1', method: 'sd', delta: '1', rows: '400', models: '1', change_mean_models_sd: '' });
    expect(Number(up.delta_x)).toBeCloseTo(sd, 8);
    expect(Math.abs(Number(up.change_mean) / (2 * sd) - 1)).toBeLessThan(0.15);
    const down = rows.find((x) => x.stratum === 'all' && x.predictor === 'x1' && x.direction === 'down')!;
    expect(Math.abs(Number(down.change_mean) / (-2 * sd) - 1)).toBeLessThan(0.15);
    for (const lu of LU) {
      const s = rows.find((x) => x.stratum === lu && x.predictor === 'x1' && x.direction === 'up')!;
      expect(Number(s.rows)).toBeGreaterThan(130);
      expect(Math.abs(Number(s.change_mean) / (2 * sd) - 1)).toBeLessThan(0.25);
    }
  });

  it('METHOD range over a model set: mean and SD over the models (JSON)', async () => {
    const out = path.join(dir, 'sr.json');
    await run('brt:sensitivity', { MODEL: set, INPUT: data, METHOD: 'range', VARIABLES: 'x1,x2', OUTPUT: out });
    const j = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(j).toMatchObject({ method: 'range', delta: null, models: 3, strata: ['all'] });
    expect(j.sensitivity).toHaveLength(2);
    const x1 = j.sensitivity[0];
    expect(x1).toMatchObject({ predictor: 'x1', direction: 'range', rank: 1, models: 3 });
    // 2·(Q95 − Q05) within 15 % (a tree model flattens towards the ends of the data)
    expect(Math.abs(x1.change_mean / (2 * (x1.x_to - x1.x_from)) - 1)).toBeLessThan(0.15);
    expect(x1.change_mean_models_sd).toBeGreaterThan(0);
  });

  it('METHOD percent, DELTA 20 and N_TREES; warnings for negative values', async () => {
    const out = path.join(dir, 'sp.csv');
    const logs: string[] = [];
    await run('brt:sensitivity', { MODEL: model, INPUT: data, METHOD: 'percent', DELTA: 20, VARIABLES: 'x1', N_TREES: 200, OUTPUT: out }, { onLog: (l, m) => logs.push(`${l}: ${m}`) });
    expect(logs.join('\n')).toMatch(/warning: x1 has negative values/);
    const rows = readCsv(out);
    expect(rows.map((x) => x.direction)).toEqual(['up', 'down']);
    // linear in x1: Δŷ ≈ 2·0.2·x → elasticity (Δŷ/ŷ)/(0.2) ≈ 2x/ŷ; its median is finite
    expect(Number(rows[0].elasticity_rows)).toBeGreaterThan(300);
    expect(Number.isFinite(Number(rows[0].elasticity_median))).toBe(true);
  });

  it('bad inputs: data lacking a predictor, unknown VARIABLES, constant predictor, too many trees', async () => {
    const d = tempDir();
    const lacking = writeFile(d, 'lack.csv', 'x1,x2\n1,2\n2,3\n');
    await expect(run('brt:sensitivity', { MODEL: model, INPUT: lacking, OUTPUT: path.join(d, 'o.csv') }))
      .rejects.toThrow(/lacks the predictor fields x3, x4 that the model needs/);
    await expect(run('brt:sensitivity', { MODEL: model, INPUT: data, VARIABLES: 'x1,elevation', OUTPUT: path.join(d, 'o.csv') }))
      .rejects.toThrow(/VARIABLES: the model has no predictor "elevation"/);
    await expect(run('brt:sensitivity', { MODEL: model, INPUT: data, N_TREES: 401, OUTPUT: path.join(d, 'o.csv') }))
      .rejects.toThrow(/N_TREES=401 is more than the 400 trees of the model/);
    expect(listDir(d)).toEqual(['lack.csv']);
    const constant = writeFile(d, 'c.csv', 'x1,x2,x3,x4\n1,0.5,0.1,0.2\n2,0.5,0.3,0.4\n3,0.5,-0.2,0.1\n');
    const logs: string[] = [];
    const out = path.join(d, 'c.csv.out.csv');
    await run('brt:sensitivity', { MODEL: model, INPUT: constant, OUTPUT: out }, { onLog: (l, m) => logs.push(`${l}: ${m}`) });
    expect(logs.join('\n')).toMatch(/warning: x2: it is constant in INPUT \(0.5 in every row\), so its SD is 0; its sensitivity is left empty/);
    const rows = readCsv(out);
    const x2 = rows.filter((x) => x.predictor === 'x2');
    expect(x2.map((x) => [x.rank, x.rows, x.change_mean])).toEqual([['4', '0', ''], ['4', '0', '']]);
  });
});
