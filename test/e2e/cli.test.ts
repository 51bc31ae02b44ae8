// SPDX-License-Identifier: GPL-2.0-or-later
// The socp executable as a child process: list, describe, run with --json / -q / --params,
// GDAL-style progress on stderr, exit codes and ERROR lines.
import { describe, it, expect } from 'vitest';
import path from 'node:path';
import fs from 'node:fs';
import { socp, tempDir, writeFile, listDir, SAMPLE_CSV } from '../helpers.js';

describe('socp CLI', () => {
  it('list --json lists every algorithm with its parameters', () => {
    const r = socp(['list', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    const ids = j.algorithms.map((a: { id: string }) => a.id);
    for (const id of ['soil:density', 'soil:saturation', 'soil:potential', 'stats:describe', 'stats:correlation']) expect(ids).toContain(id);
    const pot = j.algorithms.find((a: { id: string }) => a.id === 'soil:potential');
    const names = pot.inputs.map((p: { name: string }) => p.name);
    expect(names).toEqual(expect.arrayContaining(['INPUT', 'SOC_FIELD', 'BD_FIELD', 'FINE_FIELD', 'GRAVEL_FIELD', 'DEPTH', 'DEPTH_FIELD', 'MODELS', 'OUTPUT']));
    const depth = pot.inputs.find((p: { name: string }) => p.name === 'DEPTH');
    expect(depth.schema).toEqual({ type: 'number', default: 30, exclusiveMinimum: 0, maximum: 1000 });
    expect(depth.qgis).toMatchObject({ parameter_type: 'number', name: 'DEPTH', data_type: 1, default: 30 });
  });

  it('list prints a readable catalogue; describe shows help', () => {
    expect(socp(['list']).stdout).toMatch(/soil:potential\s+SOC sequestration potential/);
    const d = socp(['describe', 'soil:potential']);
    expect(d.code).toBe(0);
    expect(d.stdout).toMatch(/--BD_FIELD=…\s+\(field; field of INPUT; required\)/);
    expect(d.stdout).toMatch(/--DEPTH=…\s+\(number; 0 < x ≤ 1000; default 30\)/);
    expect(socp(['run', 'soil:density', '--help']).stdout).toMatch(/SOC density at samples/);
  });

  it('run --json prints exactly one JSON document; progress goes to stderr', () => {
    const dir = tempDir();
    const input = writeFile(dir, 's.csv', SAMPLE_CSV);
    const out = path.join(dir, 'o.csv');
    const r = socp(['run', 'soil:potential', `--INPUT=${input}`, '--SOC_FIELD=soc', '--BD_FIELD', 'bd', '--FINE_FIELD=fine', '--GRAVEL_FIELD=gravel', `--OUTPUT=${out}`, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toEqual({ algorithm: 'soil:potential', results: expect.objectContaining({ OUTPUT: out, ROWS: 3 }) });
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/0\.\.\.10\.\.\.20\.\.\.30\.\.\.40\.\.\.50\.\.\.60\.\.\.70\.\.\.80\.\.\.90\.\.\.100 - done\./);
    expect(fs.readFileSync(out, 'utf8').split('\n')[0]).toBe('id,lon,lat,soc,bd,fine,gravel,soc_density,socsat_hassink,socp_hassink,socsat_elustondo,socp_elustondo');
  });

  it('-q prints nothing on success', () => {
    const dir = tempDir();
    const input = writeFile(dir, 's.csv', SAMPLE_CSV);
    const r = socp(['run', 'soil:density', `--INPUT=${input}`, '--SOC_FIELD=soc', '--BD_FIELD=bd', `--OUTPUT=${path.join(dir, 'o.csv')}`, '-q']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('');
  });

  it('--params reads a JSON file (paths relative to it); flags override it', () => {
    const dir = tempDir();
    writeFile(dir, 's.csv', SAMPLE_CSV);
    const pf = writeFile(dir, 'p.json', JSON.stringify({ INPUT: './s.csv', SOC_FIELD: 'soc', BD_FIELD: 'bd', DEPTH: 30, OUTPUT: './o.csv' }));
    const r = socp(['run', 'soil:density', '--params', pf, '--DEPTH=15', '--json'], { cwd: '/' });
    expect(r.code).toBe(0);
    const rows = fs.readFileSync(path.join(dir, 'o.csv'), 'utf8').trim().split('\n');
    // 15 cm · 20 · 1.3 · 0.95?  no gravel field given → 0 %: 15 · 20 · 1.3 / 100 = 3.9
    expect(Number(rows[1].split(',').at(-1))).toBeCloseTo(3.9, 12);
  });

  it('failures print ERROR: on stderr, exit non-zero, leave nothing', () => {
    const dir = tempDir();
    const input = writeFile(dir, 's.csv', SAMPLE_CSV.replace(',1.3,', ',1300,'));
    const r = socp(['run', 'soil:density', `--INPUT=${input}`, '--SOC_FIELD=soc', '--BD_FIELD=bd', `--OUTPUT=${path.join(dir, 'o.csv')}`, '--json']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^ERROR: soil:density: .*s\.csv: field "bd" \(BD_FIELD\).*looks like kg m⁻³/m);
    expect(listDir(dir)).toEqual(['s.csv']);
  });

  it('SIGTERM / Ctrl-C cancel a long run: exit 130, nothing left behind', async () => {
    const dir = tempDir();
    const lines = ['a,b,y'];
    for (let i = 0; i < 200; i++) lines.push(`${i % 17},${(i * 7) % 13},${i}`);
    const input = writeFile(dir, 'd.csv', lines.join('\n'));
    const { spawn } = await import('node:child_process');
    const { cliPath } = await import('../helpers.js');
    const child = spawn(process.execPath, [cliPath, 'run', 'brt:cv', `--INPUT=${input}`, '--TARGET=y', '--PREDICTORS=a,b', '--REPEATS=1000', `--OUTPUT_SUMMARY=${path.join(dir, 's.csv')}`, '--OUTPUT_MODELS=' + path.join(dir, 'm.brtset')]);
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    await new Promise((r) => setTimeout(r, 2500));
    child.kill('SIGTERM');
    const code = await new Promise((r) => child.on('close', r));
    expect(code).toBe(130);
    expect(stderr).toMatch(/cancelling and removing partial outputs/);
    expect(listDir(dir)).toEqual(['d.csv']);
  });

  it('usage errors exit 2: unknown algorithm, unknown parameter, missing value', () => {
    const a = socp(['run', 'soil:potentail']);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/ERROR: unknown algorithm "soil:potentail"; did you mean "soil:potential"\?/);
    const b = socp(['run', 'soil:density', '--INPUT=/nope.csv', '--SOC_FIELD=soc', '--BD_FIELD=bd', '--OUTPUT=/tmp/x.csv', '--COLOUR=red']);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/unknown parameter COLOUR/);
    expect(b.stderr).toMatch(/INPUT: file \/nope\.csv does not exist/);
    const c = socp(['run', 'soil:density', '--INPUT']);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/--INPUT needs a value/);
    expect(socp(['frobnicate']).code).toBe(2);
  });
});
