// SPDX-License-Identifier: GPL-2.0-or-later
// Issue 17, the I/O items: each case reproduces the defect first (real GDAL files in a temporary
// folder), then checks what socp does now. Expected values are written by hand.
import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { spawn, spawnSync } from 'node:child_process';
import gdal from '../../../toolbox/io/gdal.js';
import { run } from '../../../toolbox/run.js';
import { defineAlgorithm } from '../../../toolbox/algorithm.js';
import { param } from '../../../toolbox/params.js';
import { getAlgorithm } from '../../../toolbox/registry.js';
import { describeAlgorithm, helpText } from '../../../toolbox/describe.js';
import { readTable, numericColumn } from '../../../toolbox/io/table.js';
import { saveTable } from '../../../toolbox/io/outputs.js';
import { cliPath, listDir, socp, tempDir, writeFile, SAMPLE_CSV } from '../../helpers.js';

const soil = { SOC_FIELD: 'soc', BD_FIELD: 'bd', FINE_FIELD: 'fine', GRAVEL_FIELD: 'gravel' };
const sha = (f: string) => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');
const temporaries = (dir: string) => fs.readdirSync(dir).filter((n) => n.includes('.socp-'));

/** A GeoPackage with two layers of its own: "sites" (2 points with a name) and "notes" (no geometry). */
function gpkgWithTwoLayers(file: string): void {
  const ds = gdal.open(file, 'w', 'GPKG');
  const sites = ds.layers.create('sites', gdal.SpatialReference.fromEPSG(4326), gdal.wkbPoint);
  sites.fields.add(new gdal.FieldDefn('name', gdal.OFTString));
  for (const [n, x, y] of [['north', 125, 46], ['south', 125, 44]] as const) {
    const f = new gdal.Feature(sites);
    f.fields.set('name', n);
    f.setGeometry(new gdal.Point(x, y));
    sites.features.add(f);
  }
  const notes = ds.layers.create('notes', null, gdal.wkbNone);
  notes.fields.add(new gdal.FieldDefn('text', gdal.OFTString));
  const f = new gdal.Feature(notes);
  f.fields.set('text', 'keep me');
  notes.features.add(f);
  ds.close();
}

function layersOf(file: string): string[] {
  const ds = gdal.open(file);
  try {
    return ds.layers.map((l) => l.name).sort();
  } finally {
    ds.close();
  }
}

/** A Float32 GeoTIFF (UTM 52N, 30 m) whose value at (col, row) is f(col, row). */
function writeTif(file: string, w: number, h: number, f: (c: number, r: number) => number, co = ['TILED=YES', 'COMPRESS=DEFLATE']): void {
  const ds = gdal.open(file, 'w', 'GTiff', w, h, 1, gdal.GDT_Float32, co);
  ds.geoTransform = [500000, 30, 0, 5000000, 0, -30];
  ds.srs = gdal.SpatialReference.fromEPSG(32652);
  const a = new Float32Array(w * h);
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) a[r * w + c] = f(c, r);
  ds.bands.get(1).pixels.write(0, 0, w, h, a);
  ds.close();
}

describe('issue 17 item 5: one layer into an existing GeoPackage', () => {
  it('adds the layer and keeps the other layers (the file used to be replaced whole)', async () => {
    const dir = tempDir();
    const gpkg = path.join(dir, 'project.gpkg');
    gpkgWithTwoLayers(gpkg);
    const input = writeFile(dir, 's.csv', SAMPLE_CSV);
    const r = await run('soil:potential', { INPUT: input, ...soil, OUTPUT: `${gpkg}|layername=potential` });
    expect(r.results.OUTPUT).toBe(gpkg);
    expect(layersOf(gpkg)).toEqual(['notes', 'potential', 'sites']);
    const sites = await readTable(`${gpkg}|layername=sites`);
    expect(sites.columns.get('name')).toEqual(['north', 'south']);
    expect(Array.from(sites.y!)).toEqual([46, 44]);
    expect((await readTable(`${gpkg}|layername=notes`)).columns.get('text')).toEqual(['keep me']);
    const pot = await readTable(`${gpkg}|layername=potential`);
    expect(pot.nRows).toBe(3);
    // row 1: 30 · 20 · 1.3 · 0.95 / 100 = 7.41 kg C m⁻²
    expect(numericColumn(pot, 'soc_density')[0]).toBeCloseTo(7.41, 12);
    expect(temporaries(dir)).toEqual([]);
  });

  it('refuses to replace an existing layer without OVERWRITE, before computing, and leaves the file as it was', async () => {
    const dir = tempDir();
    const gpkg = path.join(dir, 'project.gpkg');
    gpkgWithTwoLayers(gpkg);
    const before = sha(gpkg);
    const input = writeFile(dir, 's.csv', SAMPLE_CSV);
    const err = await run('soil:potential', { INPUT: input, ...soil, OUTPUT: `${gpkg}|layername=Sites` }).catch((e) => e);
    expect(err.kind).toBe('usage');
    expect(err.message).toMatch(/OUTPUT: .*project\.gpkg already has a layer "sites"; set OVERWRITE=true \(on the command line --overwrite\) to replace it/);
    expect(sha(gpkg)).toBe(before);
    expect(listDir(dir)).toEqual(['project.gpkg', 's.csv']);
  });

  it('OVERWRITE replaces only the named layer', async () => {
    const dir = tempDir();
    const gpkg = path.join(dir, 'project.gpkg');
    gpkgWithTwoLayers(gpkg);
    const input = writeFile(dir, 's.csv', SAMPLE_CSV);
    await run('soil:density', { INPUT: input, SOC_FIELD: 'soc', BD_FIELD: 'bd', OUTPUT: `${gpkg}|layername=sites`, OVERWRITE: true });
    expect(layersOf(gpkg)).toEqual(['notes', 'sites']);
    const sites = await readTable(`${gpkg}|layername=sites`);
    expect(sites.nRows).toBe(3);
    expect(sites.fields).toContain('soc_density');
    expect((await readTable(`${gpkg}|layername=notes`)).columns.get('text')).toEqual(['keep me']);
    expect(temporaries(dir)).toEqual([]);
  });

  it('a failed run leaves the GeoPackage untouched', async () => {
    const dir = tempDir();
    const gpkg = path.join(dir, 'project.gpkg');
    gpkgWithTwoLayers(gpkg);
    const before = sha(gpkg);
    const input = writeFile(dir, 's.csv', SAMPLE_CSV.replace(',1.3,', ',1300,'));
    await expect(run('soil:density', { INPUT: input, SOC_FIELD: 'soc', BD_FIELD: 'bd', OUTPUT: `${gpkg}|layername=new` })).rejects.toThrow(/looks like kg m⁻³/);
    expect(sha(gpkg)).toBe(before);
    expect(listDir(dir)).toEqual(['project.gpkg', 's.csv']);
  });

  it('OVERWRITE is one declaration of the toolbox: every algorithm with a GeoPackage destination has it, in --help, JSON Schema and QGIS', async () => {
    for (const id of ['soil:potential', 'covariates:extract', 'sampling:purposive', 'brt:predict']) {
      const a = await getAlgorithm(id);
      const d = describeAlgorithm(a).inputs as { name: string; schema: unknown; qgis: Record<string, unknown> }[];
      const o = d.find((p) => p.name === 'OVERWRITE');
      expect(o, id).toBeDefined();
      expect(o!.schema).toEqual({ type: 'boolean' });
      expect(o!.qgis).toMatchObject({ parameter_type: 'boolean', name: 'OVERWRITE', flags: 8 | 2 });
      expect(helpText(a)).toMatch(/--OVERWRITE=…\s+\(boolean; optional\)\s+Replace a layer that already exists in a destination GeoPackage/);
    }
    for (const id of ['terrain:slope', 'stats:describe', 'brt:cv']) {
      expect((await getAlgorithm(id)).inputs.map((p) => p.name), id).not.toContain('OVERWRITE');
    }
  });

  it('CLI: --overwrite is OVERWRITE=true; without it, exit 2 naming the layer', () => {
    const dir = tempDir();
    const gpkg = path.join(dir, 'p.gpkg');
    gpkgWithTwoLayers(gpkg);
    const input = writeFile(dir, 's.csv', SAMPLE_CSV);
    const args = ['run', 'soil:density', `--INPUT=${input}`, '--SOC_FIELD=soc', '--BD_FIELD=bd', `--OUTPUT=${gpkg}|layername=notes`, '-q'];
    const refused = socp(args);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^ERROR: soil:density: OUTPUT: .*p\.gpkg already has a layer "notes"; set OVERWRITE=true \(on the command line --overwrite\)/);
    const ok = socp([...args, '--overwrite']);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(layersOf(gpkg)).toEqual(['notes', 'sites']);
    expect(socp(['run', 'soil:density', '--help']).stdout).toMatch(/--OVERWRITE=…/);
  });
});

describe('issue 17 item 6: side files of the old output do not survive an overwrite', () => {
  it('a stale .aux.xml (old statistics), .ovr and .msk are removed; the new provenance replaces the old; other files stay', async () => {
    const dir = tempDir();
    const a = path.join(dir, 'a.tif');
    writeTif(a, 40, 30, (c) => c); // 0 … 39
    const out = path.join(dir, 'out.tif');
    await run('raster:calculator', { INPUTS: a, EXPRESSION: 'a * 100', OUTPUT: out });
    // the old output gets statistics in its PAM sidecar, overviews and a mask, as a user's GDAL would
    const old = gdal.open(out);
    old.bands.get(1).computeStatistics(false);
    old.buildOverviews('NEAREST', [2]);
    old.close();
    fs.writeFileSync(out + '.msk', 'stale mask');
    fs.writeFileSync(path.join(dir, 'out.tif.notes.txt'), 'mine');
    expect(fs.existsSync(out + '.aux.xml')).toBe(true);
    expect(fs.existsSync(out + '.ovr')).toBe(true);
    expect(fs.readFileSync(out + '.aux.xml', 'utf8')).toMatch(/STATISTICS_MAXIMUM">3900</);

    await run('raster:calculator', { INPUTS: a, EXPRESSION: 'a + 1', OUTPUT: out });
    expect(fs.existsSync(out + '.aux.xml')).toBe(false);
    expect(fs.existsSync(out + '.ovr')).toBe(false);
    expect(fs.existsSync(out + '.msk')).toBe(false);
    const ds = gdal.open(out);
    const st = ds.bands.get(1).getStatistics(false, true);
    ds.close();
    expect(st.min).toBe(1);
    expect(st.max).toBe(40);
    expect(JSON.parse(fs.readFileSync(out + '.socp.json', 'utf8')).parameters.EXPRESSION).toBe('a + 1');
    expect(fs.readFileSync(path.join(dir, 'out.tif.notes.txt'), 'utf8')).toBe('mine');
  });

  it('without a provenance record the old one is removed, and a Shapefile\'s stale .qix / .cpg go with it', async () => {
    const dir = tempDir();
    const input = writeFile(dir, 's.csv', 'lon,lat,soc,bd\n125,45,20,1.3\n');
    const alg = defineAlgorithm({
      id: 'test:copy', title: 't', group: 'test', help: '', outputs: [],
      inputs: [param.vector('INPUT', 'i'), param.tableDestination('OUTPUT', 'o')],
      async run(p, ctx) {
        return { OUTPUT: await saveTable(ctx, p.OUTPUT, await readTable(p.INPUT)) };
      },
    });
    const shp = path.join(dir, 'o.shp');
    await run(alg, { INPUT: input, OUTPUT: shp });
    fs.writeFileSync(path.join(dir, 'o.qix'), 'stale index');
    fs.writeFileSync(path.join(dir, 'o.cpg'), 'LATIN1');
    expect(fs.existsSync(shp + '.socp.json')).toBe(true);
    await run(alg, { INPUT: input, OUTPUT: shp }, { provenance: false });
    expect(listDir(dir).filter((n) => n.startsWith('o.'))).toEqual(['o.dbf', 'o.prj', 'o.shp', 'o.shx']);
  });
});

describe('issue 17 item 7: temporaries of a writer killed with kill -9', () => {
  it('carry the writer\'s pid; a later run of the same output removes them and says so in its log', async () => {
    const dir = tempDir();
    const big = path.join(dir, 'big.tif');
    writeTif(big, 2000, 2000, (c, r) => (c + r) % 97);
    const out = path.join(dir, 'out.tif');
    const child = spawn(process.execPath, [cliPath, 'run', 'raster:calculator', `--INPUTS=${big}`, '--EXPRESSION=sqrt(big) * 2 + big ^ 2', `--OUTPUT=${out}`, '-q'], { stdio: 'ignore' });
    const pid = child.pid!;
    const exited = new Promise<NodeJS.Signals | null>((res) => child.on('exit', (_c, sig) => res(sig)));
    // kill -9 as soon as the writer has its temporary file
    let left: string[] = [];
    for (let i = 0; i < 3000 && left.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
      left = temporaries(dir);
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(left.length).toBeGreaterThan(0);
    left = temporaries(dir);
    expect(left.length).toBeGreaterThan(0);
    for (const n of left) expect(n).toMatch(new RegExp(`^\\.out\\.socp-[0-9a-f]{6}-${pid}-[0-9a-f]{8}\\.tif`));
    expect(fs.existsSync(out)).toBe(false);

    // a temporary of a writer that still runs (this process) is left alone
    const alive = left[0].replace(`-${pid}-`, `-${process.pid}-`);
    fs.writeFileSync(path.join(dir, alive), 'busy');

    const logs: string[] = [];
    await run('raster:calculator', { INPUTS: big, EXPRESSION: 'big * 0 + 1', OUTPUT: out }, { onLog: (_l, m) => logs.push(m) });
    for (const n of left) expect(logs).toContain(`removed stale temporary file ${path.join(dir, n)} left by process ${pid}`);
    expect(temporaries(dir)).toEqual([alive]);
    expect(fs.existsSync(out)).toBe(true);
  });

  it('work files beside an output (covariates:stack\'s warps) are named the same way and cleaned the same way', async () => {
    const dir = tempDir();
    const a = path.join(dir, 'a.tif');
    const b = path.join(dir, 'b.tif');
    writeTif(a, 20, 10, (c) => c);
    writeTif(b, 20, 10, (_c, r) => r);
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const pid = Number(gone.stdout);
    const host = crypto.createHash('sha256').update(os.hostname()).digest('hex').slice(0, 6);
    const stale = `.stack.socp-${host}-${pid}-0badc0de-w0.tif`;
    writeFile(dir, stale, 'half a warp');
    const logs: string[] = [];
    await run('covariates:stack', { INPUTS: `${a},${b}`, REFERENCE: a, OUTPUT: path.join(dir, 'stack.tif') }, { onLog: (_l, m) => logs.push(m) });
    expect(logs).toContain(`removed stale temporary file ${path.join(dir, stale)} left by process ${pid}`);
    expect(temporaries(dir)).toEqual([]);
    expect(fs.existsSync(path.join(dir, 'stack.tif'))).toBe(true);
  });

  it('the CLI prints the removal on stderr', () => {
    const dir = tempDir();
    const input = writeFile(dir, 's.csv', SAMPLE_CSV);
    // a writer that is gone: a finished child process
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const pid = Number(gone.stdout);
    const host = crypto.createHash('sha256').update(os.hostname()).digest('hex').slice(0, 6);
    const stale = `.o.socp-${host}-${pid}-0badc0de.csv`;
    writeFile(dir, stale, 'id,so');
    const r = socp(['run', 'soil:density', `--INPUT=${input}`, '--SOC_FIELD=soc', '--BD_FIELD=bd', `--OUTPUT=${path.join(dir, 'o.csv')}`]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`removed stale temporary file ${path.join(dir, stale)} left by process ${pid}`);
    expect(listDir(dir)).toEqual(['o.csv', 'o.csv.socp.json', 's.csv']);
  });
});

describe('issue 17 item 11: CSV numbers, encodings and quotes', () => {
  it('numbers are decimal only: 0b11, 0o17, 0x1F, 1_000 and Infinity are text, and as a number field an error naming the row', async () => {
    const dir = tempDir();
    const f = writeFile(dir, 't.csv', 'a,b,c,d,e,f\n0b11,0o17,0x1F,1_000, Infinity,1e3\n2,3,4,5,6,.5\nNA,,NaN,7,8,-2.5E-1\n');
    const t = await readTable(f);
    expect(t.columns.get('a')).toEqual(['0b11', '2', null]);
    expect(t.columns.get('b')).toEqual(['0o17', '3', null]);
    expect(t.columns.get('c')).toEqual(['0x1F', '4', null]);
    expect(t.columns.get('d')).toEqual(['1_000', '5', '7']);
    expect(t.columns.get('e')).toEqual(['Infinity', '6', '8']);
    expect(t.columns.get('f')).toEqual([1000, 0.5, -0.25]);
    expect(() => numericColumn(t, 'a', 'SOC_FIELD')).toThrow(/field "a" \(SOC_FIELD\), row 1: "0b11" is not a number/);
    const input = writeFile(dir, 's.csv', SAMPLE_CSV.replace('1,125.1,45.2,20,', '1,125.1,45.2,0x14,'));
    await expect(run('soil:density', { INPUT: input, SOC_FIELD: 'soc', BD_FIELD: 'bd', OUTPUT: path.join(dir, 'o.csv') }))
      .rejects.toThrow(/field "soc" \(SOC_FIELD\), row 1: "0x14" is not a number/);
    // the same rule for parameter values
    await expect(run('soil:density', { INPUT: input, SOC_FIELD: 'soc', BD_FIELD: 'bd', DEPTH: '0x1E', OUTPUT: path.join(dir, 'o.csv') }))
      .rejects.toThrow(/DEPTH: "0x1E" is not a number \(numbers are decimal/);
  });

  it('a Latin-1 file is refused with its line and the fix; ENCODING=latin1 decodes it', async () => {
    const dir = tempDir();
    const latin1 = Buffer.concat([Buffer.from('id,site,soc,bd\n1,Harbin,20,1.3\n2,M'), Buffer.from([0xfc]), Buffer.from('nster,15,1.2\n')]);
    const input = path.join(dir, 's.csv');
    fs.writeFileSync(input, latin1);
    const out = path.join(dir, 'o.csv');
    const err = await run('soil:density', { INPUT: input, SOC_FIELD: 'soc', BD_FIELD: 'bd', OUTPUT: out }).catch((e) => e);
    expect(err.message).toMatch(/s\.csv is not valid UTF-8: line 3 has the byte 0xFC at position 4, .*re-save it as UTF-8 or give ENCODING=latin1/);
    expect(err.message.match(/not valid UTF-8/g)).toHaveLength(1);
    expect(listDir(dir)).toEqual(['s.csv']);
    await run('soil:density', { INPUT: input, SOC_FIELD: 'soc', BD_FIELD: 'bd', OUTPUT: out, ENCODING: 'latin1' });
    // 30 cm · 15 g kg⁻¹ · 1.2 g cm⁻³ / 100 = 5.4 kg C m⁻²
    const row = fs.readFileSync(out, 'utf8').split('\n')[2].split(',');
    expect(row.slice(0, 4)).toEqual(['2', 'Münster', '15', '1.2']);
    expect(Number(row[4])).toBeCloseTo(5.4, 12);
    expect(fs.readFileSync(input).equals(latin1)).toBe(true); // the input is never modified
  });

  it('ENCODING reaches every table input (gb18030); a UTF-16 file with a byte-order mark needs none', async () => {
    const dir = tempDir();
    const gb = Buffer.concat([Buffer.from('id,site,soc,bd\n1,'), Buffer.from([0xb9, 0xfe, 0xb6, 0xfb, 0xb1, 0xf5]), Buffer.from(',20,1.3\n')]); // 哈尔滨
    const input = path.join(dir, 'gb.csv');
    fs.writeFileSync(input, gb);
    await expect(run('stats:describe', { INPUT: input, FIELDS: 'soc,bd', OUTPUT: path.join(dir, 'd.csv') })).rejects.toThrow(/line 2 has the byte 0xB9 at position 3/);
    const r = await run('soil:density', { INPUT: input, SOC_FIELD: 'soc', BD_FIELD: 'bd', OUTPUT: path.join(dir, 'o.csv'), ENCODING: 'gb18030' });
    expect(r.results.ROWS).toBe(1);
    expect(fs.readFileSync(path.join(dir, 'o.csv'), 'utf8').split('\n')[1]).toMatch(/^1,哈尔滨,20,1\.3,7\.8/);
    const u16 = path.join(dir, 'u16.csv');
    fs.writeFileSync(u16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('id,site,soc,bd\n1,Zürich,20,1.3\n', 'utf16le')]));
    await run('soil:density', { INPUT: u16, SOC_FIELD: 'soc', BD_FIELD: 'bd', OUTPUT: path.join(dir, 'u.csv') });
    expect(fs.readFileSync(path.join(dir, 'u.csv'), 'utf8').split('\n')[1]).toMatch(/^1,Zürich,20,1\.3,7\.8/);
    // a byte-order mark wins over ENCODING: a UTF-8 file with a BOM stays UTF-8 under ENCODING=latin1
    const u8 = writeFile(dir, 'u8.csv', '\ufeffid,site,soc,bd\n1,Zürich,20,1.3\n');
    await run('soil:density', { INPUT: u8, SOC_FIELD: 'soc', BD_FIELD: 'bd', OUTPUT: path.join(dir, 'u8o.csv'), ENCODING: 'latin1' });
    expect(fs.readFileSync(path.join(dir, 'u8o.csv'), 'utf8').split('\n')[1]).toMatch(/^1,Zürich,20,1\.3,7\.8/);
  });

  it('a quote inside an unquoted field is a literal character (RFC 4180, lenient); quoted fields still hold delimiters', async () => {
    const dir = tempDir();
    const f = writeFile(dir, 'q.csv', 'id,note,v\n1,5" pipe,2\n2,say "hi" twice,3\n3,"a, b",4\n4, "spaced",5\n5,"say ""yes""",6\n');
    const t = await readTable(f);
    expect(t.columns.get('note')).toEqual(['5" pipe', 'say "hi" twice', 'a, b', 'spaced', 'say "yes"']);
    expect(t.columns.get('v')).toEqual([2, 3, 4, 5, 6]);
  });

  it('ENCODING is declared once by the toolbox for every algorithm that reads tables', async () => {
    for (const id of ['soil:potential', 'stats:describe', 'covariates:extract', 'brt:cv', 'brt:predict', 'workflow:socp']) {
      const a = await getAlgorithm(id);
      const e = a.inputs.find((p) => p.name === 'ENCODING');
      expect(e, id).toBeDefined();
      expect(e!.options).toContain('latin1');
      expect(e!.optional).toBe(true);
    }
    expect((await getAlgorithm('terrain:slope')).inputs.map((p) => p.name)).not.toContain('ENCODING');
    const cli = socp(['describe', 'soil:potential']);
    expect(cli.stdout).toMatch(/--ENCODING=…\s+\(enum; one of utf-8 \| latin1 \|/);
  });
});

describe('issue 17 item 12: Shapefile field names', () => {
  it('soil:potential refuses .shp before computing, naming OUTPUT and the long fields, never a temporary file', async () => {
    const dir = tempDir();
    // BD in kg m⁻³ would fail the computation: the refusal comes first
    const input = writeFile(dir, 's.csv', SAMPLE_CSV.replace(',1.3,', ',1300,'));
    const err = await run('soil:potential', { INPUT: input, ...soil, MODELS: 'hassink', OUTPUT: path.join(dir, 'p.shp') }).catch((e) => e);
    expect(err.kind).toBe('usage');
    expect(err.message).toBe('soil:potential: OUTPUT: soil:potential cannot write p.shp: Shapefile field names are limited to 10 characters and these fields are longer: soc_density, socsat_hassink, socp_hassink; write a GeoPackage (.gpkg), GeoJSON or CSV instead');
    expect(listDir(dir)).toEqual(['s.csv']);
    const cli = socp(['run', 'soil:saturation', `--INPUT=${input}`, '--FINE_FIELD=fine', '--BD_FIELD=bd', `--OUTPUT=${path.join(dir, 'p.shp')}`]);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(/OUTPUT: soil:saturation cannot write p\.shp: .*longer: socsat_hassink;/);
  });

  it('a long field of the input is named too (soil:density copies the input fields)', async () => {
    const dir = tempDir();
    const input = writeFile(dir, 's.csv', 'sample_number,soc,bd\n1,20,1.3\n');
    await expect(run('soil:density', { INPUT: input, SOC_FIELD: 'soc', BD_FIELD: 'bd', OUTPUT: path.join(dir, 'd.shp') }))
      .rejects.toThrow(/these fields are longer: sample_number, soc_density;/);
  });

  it('any table written to .shp with a long field name is refused naming the final file, not the temporary one', async () => {
    const dir = tempDir();
    const input = writeFile(dir, 's.csv', 'id,organic_carbon\n1,20\n');
    const alg = defineAlgorithm({
      id: 'test:copy', title: 't', group: 'test', help: '', outputs: [],
      inputs: [param.vector('INPUT', 'i'), param.tableDestination('OUTPUT', 'o')],
      async run(p, ctx) {
        return { OUTPUT: await saveTable(ctx, p.OUTPUT, await readTable(p.INPUT)) };
      },
    });
    const err = await run(alg, { INPUT: input, OUTPUT: path.join(dir, 'c.shp') }).catch((e) => e);
    expect(err.message).toBe(`test:copy: cannot write ${path.join(dir, 'c.shp')}: Shapefile field names are limited to 10 characters and this field is longer: organic_carbon; write a GeoPackage (.gpkg), GeoJSON or CSV instead`);
    expect(err.message).not.toMatch(/\.socp-[0-9a-f]{6}/);
    expect(listDir(dir)).toEqual(['s.csv']);
  });
});

describe('issue 17 item 13: folders and names the system refuses', () => {
  it('a read-only output folder: exit 2, saying so and how to fix it', () => {
    const dir = tempDir();
    const input = writeFile(dir, 's.csv', SAMPLE_CSV);
    const ro = path.join(dir, 'ro');
    fs.mkdirSync(ro);
    fs.chmodSync(dir, 0o755);
    fs.chmodSync(input, 0o644);
    const args = ['run', 'soil:density', `--INPUT=${input}`, '--SOC_FIELD=soc', '--BD_FIELD=bd', `--OUTPUT=${path.join(ro, 'o.csv')}`];
    let r;
    if (process.getuid?.() === 0) {
      // root writes everywhere: the folder belongs to root and the run is another user's
      fs.chmodSync(ro, 0o755);
      const p = spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', uid: 65534, gid: 65534, cwd: '/' });
      r = { code: p.status, stderr: p.stderr };
    } else {
      fs.chmodSync(ro, 0o555);
      r = socp(args);
    }
    expect(r.stderr).toMatch(/^ERROR: soil:density: OUTPUT: the folder .*\/ro is not writable \(permission denied\); choose an output folder you can write to or change its permissions/);
    expect(r.code).toBe(2);
    expect(fs.readdirSync(ro)).toEqual([]);
  });

  it('output names of 241–245 bytes work (the temporary name is shortened); 246–255 are refused up front', async () => {
    const dir = tempDir();
    const input = writeFile(dir, 's.csv', SAMPLE_CSV);
    for (const n of [241, 245]) {
      const name = 'a'.repeat(n - 4) + '.csv';
      const r = await run('soil:density', { INPUT: input, SOC_FIELD: 'soc', BD_FIELD: 'bd', OUTPUT: path.join(dir, name) });
      expect(r.results.ROWS).toBe(3);
      expect(fs.existsSync(path.join(dir, name + '.socp.json'))).toBe(true);
    }
    // 122 two-byte characters: 244 bytes
    const wide = 'é'.repeat(120) + '.csv';
    await run('soil:density', { INPUT: input, SOC_FIELD: 'soc', BD_FIELD: 'bd', OUTPUT: path.join(dir, wide) });
    expect(fs.existsSync(path.join(dir, wide))).toBe(true);
    for (const n of [246, 255]) {
      const err = await run('soil:density', { INPUT: input, SOC_FIELD: 'soc', BD_FIELD: 'bd', OUTPUT: path.join(dir, 'b'.repeat(n - 4) + '.csv') }).catch((e) => e);
      expect(err.kind).toBe('usage');
      expect(err.message).toMatch(new RegExp(`OUTPUT: the file name b+… is ${n} bytes long; output names are limited to 245 bytes .*shorten it`));
    }
    expect(temporaries(dir)).toEqual([]);
  });

  it('a name over 255 bytes and a path over 4095 bytes say so (not "does not exist"); exit 2', () => {
    const dir = tempDir();
    const input = writeFile(dir, 's.csv', SAMPLE_CSV);
    const longName = path.join(dir, 'x'.repeat(300), 'o.csv');
    const deep = path.join(dir, ...Array(22).fill('d'.repeat(200)), 'o.csv');
    const base = ['run', 'soil:density', '--SOC_FIELD=soc', '--BD_FIELD=bd', '-q'];
    const r1 = socp([...base, `--INPUT=${input}`, `--OUTPUT=${longName}`]);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/OUTPUT: a name in the path .*… is 300 bytes long \("x+…"\); file and folder names are limited to 255 bytes — shorten it/);
    const r2 = socp([...base, `--INPUT=${input}`, `--OUTPUT=${deep}`]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/OUTPUT: the path .*… is \d{4} bytes long, more than the 4095 bytes the system accepts; use a shorter folder or file name/);
    const r3 = socp([...base, `--INPUT=${deep}`, `--OUTPUT=${path.join(dir, 'o.csv')}`]);
    expect(r3.code).toBe(2);
    expect(r3.stderr).toMatch(/INPUT: the path .* bytes long, more than the 4095 bytes/);
    expect(r3.stderr).not.toMatch(/does not exist/);
  });
});

describe('issue 17 item 14: a truncated GeoTIFF', () => {
  it('is a data error naming the file, saying it is damaged and how to fix it (was GDAL\'s raw "IReadBlock failed")', async () => {
    const dir = tempDir();
    const whole = path.join(dir, 'whole.tif');
    writeTif(whole, 512, 512, (c, r) => ((c * 7919 + r * 104729) % 1000) / 10);
    const cut = path.join(dir, 'dem.tif');
    fs.writeFileSync(cut, fs.readFileSync(whole).subarray(0, Math.floor(fs.statSync(whole).size / 2)));
    fs.rmSync(whole);
    for (const [id, p] of [
      ['raster:calculator', { INPUTS: cut, EXPRESSION: 'dem * 2', OUTPUT: path.join(dir, 'c.tif') }],
      ['terrain:slope', { INPUT: cut, OUTPUT: path.join(dir, 's.tif') }],
    ] as const) {
      const err = await run(id, p).catch((e) => e);
      expect(err.kind, id).toBe('data');
      expect(err.message).toMatch(new RegExp(`^${id}: ${cut.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is damaged \\(truncated or corrupt\\): GDAL cannot read its pixels; re-copy or re-create the file`));
      expect(listDir(dir)).toEqual(['dem.tif']);
    }
    const cli = socp(['run', 'terrain:slope', `--INPUT=${cut}`, `--OUTPUT=${path.join(dir, 's.tif')}`, '-q']);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/^ERROR: terrain:slope: .*dem\.tif is damaged \(truncated or corrupt\)/);
  });
});

describe('issue 17 item 15: each message once; compressed data said to be compressed', () => {
  const cases: [string, (dir: string) => string, RegExp][] = [
    ['an empty CSV', (d) => writeFile(d, 'e.csv', ''), /INPUT: .*e\.csv is empty: it needs a header line and at least one row/],
    ['a GeoTIFF given as a table', (d) => {
      writeTif(path.join(d, 'r.tif'), 4, 4, () => 1);
      return path.join(d, 'r.tif');
    }, /INPUT: .*r\.tif holds no vector layer: it is a raster; give a table/],
    ['a missing GeoPackage layer', (d) => {
      gpkgWithTwoLayers(path.join(d, 'g.gpkg'));
      return `${path.join(d, 'g.gpkg')}|layername=samples`;
    }, /INPUT: .*g\.gpkg has no layer "samples"; its layers are (sites, notes|notes, sites)/],
    ['gzip data given as a CSV', (d) => {
      const f = path.join(d, 's.csv');
      fs.writeFileSync(f, zlib.gzipSync(SAMPLE_CSV));
      return f;
    }, /INPUT: .*s\.csv is gzip-compressed data, not CSV text; decompress it first \(gunzip -k .*s\.csv\) and give the \.csv/],
  ];
  for (const [what, make, pattern] of cases) {
    it(what, () => {
      const dir = tempDir();
      const input = make(dir);
      const r = socp(['run', 'soil:potential', `--INPUT=${input}`, '--SOC_FIELD=soc', '--BD_FIELD=bd', '--FINE_FIELD=fine', `--OUTPUT=${path.join(dir, 'o.csv')}`]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(pattern);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/problems with the parameters|columns/);
      expect(fs.existsSync(path.join(dir, 'o.csv'))).toBe(false);
    });
  }
});
