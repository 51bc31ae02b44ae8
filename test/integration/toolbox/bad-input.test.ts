// SPDX-License-Identifier: GPL-2.0-or-later
// Every bad input of the foundation fails with a clear message naming what is wrong and where, and
// leaves no output behind (issue 2, item 7: one test per case).
import { describe, it, expect } from 'vitest';
import path from 'node:path';
import fs from 'node:fs';
import { run } from '../../../toolbox/run.js';
import { tempDir, writeFile, listDir, SAMPLE_CSV } from '../../helpers.js';

const params = { SOC_FIELD: 'soc', BD_FIELD: 'bd', FINE_FIELD: 'fine', GRAVEL_FIELD: 'gravel' };

async function failsWith(csv: string | null, extra: Record<string, unknown>, pattern: RegExp, kind?: string): Promise<void> {
  const dir = tempDir();
  const input = csv === null ? path.join(dir, 'nope.csv') : writeFile(dir, 's.csv', csv);
  const before = listDir(dir);
  const p = { INPUT: input, ...params, OUTPUT: path.join(dir, 'out.csv'), ...extra };
  const err = await run('soil:potential', p).then(() => null, (e: Error & { kind?: string }) => e);
  expect(err, 'the run should fail').not.toBeNull();
  expect(err!.message).toMatch(pattern);
  expect(err!.message.startsWith('soil:potential')).toBe(true);
  if (kind) expect(err!.kind).toBe(kind);
  expect(listDir(dir)).toEqual(before);
}

describe('bad input', () => {
  it('missing file', () => failsWith(null, {}, /INPUT: file .*nope\.csv does not exist; check the path/, 'usage'));
  it('unreadable file (a folder given as a file)', async () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'd.csv'));
    await expect(run('soil:potential', { INPUT: path.join(dir, 'd.csv'), ...params, OUTPUT: path.join(dir, 'o.csv') })).rejects.toThrow(/INPUT: .*d\.csv is not a regular file/);
  });
  it('corrupt file (a GeoPackage that is not one)', async () => {
    const dir = tempDir();
    const bad = writeFile(dir, 's.gpkg', 'this is not a geopackage\u0000\u0001');
    const err = await run('soil:potential', { INPUT: bad, ...params, OUTPUT: path.join(dir, 'o.csv') }).catch((e) => e);
    expect(err.message).toMatch(/cannot read .*s\.gpkg.*not damaged/);
    expect(listDir(dir)).toEqual(['s.gpkg']);
  });
  it('unknown algorithm, with a suggestion', async () => {
    await expect(run('soil:potentail', {})).rejects.toThrow(/unknown algorithm "soil:potentail"; did you mean "soil:potential"/);
  });
  it('unknown parameter, with a suggestion', () => failsWith(SAMPLE_CSV, { SOC_FILED: 'soc' }, /unknown parameter SOC_FILED; did you mean SOC_FIELD\?/, 'usage'));
  it('missing field, listing the fields', () => failsWith(SAMPLE_CSV, { BD_FIELD: 'bulk' }, /BD_FIELD: .*s\.csv has no field "bulk".*Its fields are: id, lon, lat, soc, bd, fine, gravel/));
  it('non-numeric value names field and row', () => failsWith(SAMPLE_CSV.replace(',15,1.2,', ',fifteen,1.2,'), {}, /field "soc" \(SOC_FIELD\), row 2: "fifteen" is not a number/, 'data'));
  it('bulk density in kg m⁻³ is recognised', () => failsWith(SAMPLE_CSV.replace(',1.3,', ',1300,'), {}, /field "bd" \(BD_FIELD\).*row 1: 1300.*looks like kg m⁻³; BD_FIELD expects g cm⁻³/));
  it('bulk density outside 0.1–2.65', () => failsWith(SAMPLE_CSV.replace(',1.3,', ',3.1,'), {}, /bulk density must be 0\.1–2\.65 g cm⁻³/));
  it('fine fraction outside 0–100 %', () => failsWith(SAMPLE_CSV.replace(',60,', ',160,'), {}, /field "fine" \(FINE_FIELD\).*row 1: 160.*percentage, 0–100/));
  it('gravel outside 0–100 %', () => failsWith(SAMPLE_CSV.replace(',70,10', ',70,-3'), {}, /field "gravel" \(GRAVEL_FIELD\).*row 3: -3.*0–100/));
  it('negative SOC', () => failsWith(SAMPLE_CSV.replace(',15,', ',-15,'), {}, /field "soc" \(SOC_FIELD\).*row 2: -15.*negative carbon is impossible/));
  it('depth ≤ 0 as a parameter', () => failsWith(SAMPLE_CSV, { DEPTH: 0 }, /DEPTH: 0 is too small: it must be > 0/, 'usage'));
  it('depth ≤ 0 in a field', () => failsWith('soc,bd,fine,d\n20,1.3,60,0\n', { GRAVEL_FIELD: undefined, DEPTH_FIELD: 'd' }, /field "d" \(DEPTH_FIELD\).*row 1: 0.*> 0 cm/));
  it('empty table', () => failsWith('id,soc,bd,fine,gravel\n', {}, /has no rows: the table is empty/, 'data'));
  it('empty file', () => failsWith('', {}, /empty/));
  it('output path equal to an input', async () => {
    const dir = tempDir();
    const input = writeFile(dir, 's.csv', SAMPLE_CSV);
    await expect(run('soil:potential', { INPUT: input, ...params, OUTPUT: input })).rejects.toThrow(/OUTPUT: .*s\.csv is also the input INPUT; inputs are never overwritten/);
    expect(fs.readFileSync(input, 'utf8')).toBe(SAMPLE_CSV);
  });
  it('output folder missing', () => failsWith(SAMPLE_CSV, { OUTPUT: '/nonexistent-folder-socp/out.csv' }, /OUTPUT: the folder \/nonexistent-folder-socp does not exist; create it first/));
  it('several problems are reported together', () => failsWith(SAMPLE_CSV, { DEPTH: -1, MODELS: 'hasink' }, /2 problems with the parameters:[\s\S]*DEPTH[\s\S]*MODELS: item 1: "hasink" is not one of hassink, elustondo/));
  it('a failure midway leaves no partial output (a test algorithm writes then fails)', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'o.csv');
    const { defineAlgorithm } = await import('../../../toolbox/algorithm.js');
    const { param } = await import('../../../toolbox/params.js');
    const alg = defineAlgorithm({
      id: 'test:fails', title: 't', group: 'test', help: '', outputs: [],
      inputs: [param.tableDestination('OUTPUT', 'o')],
      async run(p, ctx) {
        fs.writeFileSync(ctx.outputs.stage(p.OUTPUT), 'half');
        throw new Error('disk full');
      },
    });
    await expect(run(alg, { OUTPUT: out })).rejects.toThrow(/test:fails: disk full/);
    expect(listDir(dir)).toEqual([]);
  });
  it('cancellation removes staged outputs', async () => {
    const dir = tempDir();
    const { defineAlgorithm } = await import('../../../toolbox/algorithm.js');
    const { param } = await import('../../../toolbox/params.js');
    const ac = new AbortController();
    const alg = defineAlgorithm({
      id: 'test:slow', title: 't', group: 'test', help: '', outputs: [],
      inputs: [param.tableDestination('OUTPUT', 'o')],
      async run(p, ctx) {
        fs.writeFileSync(ctx.outputs.stage(p.OUTPUT), 'half');
        for (let i = 0; i < 100; i++) {
          if (i === 3) ac.abort();
          ctx.checkCancelled();
          await new Promise((r) => setTimeout(r, 1));
        }
        return {};
      },
    });
    const err = await run(alg, { OUTPUT: path.join(dir, 'o.csv') }, { signal: ac.signal }).catch((e) => e);
    expect(err.kind).toBe('cancelled');
    expect(listDir(dir)).toEqual([]);
  });
});
