// SPDX-License-Identifier: GPL-2.0-or-later
// Issue 17, the I/O items through the HTTP bridge: OVERWRITE and ENCODING are inputs of the process
// descriptions (derived from the toolbox's one declaration) and work as on the command line; a
// damaged GeoTIFF is a 422 naming the file, not a 500.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import gdal from '../../toolbox/io/gdal.js';
import { call, cleanupTempDirs, potentialInputs, SAMPLE_CSV, startServe, type Served } from './server-harness.js';

describe('socp serve: I/O hardening (issue 17 items 5, 11, 14)', () => {
  let s: Served;
  beforeAll(async () => {
    s = await startServe();
    fs.writeFileSync(path.join(s.ws, 'samples.csv'), SAMPLE_CSV);
  });
  afterAll(async () => {
    await s.stop('SIGTERM');
    cleanupTempDirs();
  });

  it('OVERWRITE and ENCODING are optional inputs of soil:potential; terrain:slope has neither', async () => {
    const d = await call(s, 'GET', '/processes/soil:potential');
    expect(d.status).toBe(200);
    const inputs = d.json.inputs as Record<string, { schema: Record<string, unknown>; minOccurs?: number }>;
    expect(inputs.OVERWRITE.schema).toMatchObject({ type: 'boolean' });
    expect(inputs.ENCODING.schema).toMatchObject({ type: 'string', enum: expect.arrayContaining(['utf-8', 'latin1', 'gb18030']) });
    const slope = await call(s, 'GET', '/processes/terrain:slope');
    expect(Object.keys(slope.json.inputs)).not.toContain('OVERWRITE');
    expect(Object.keys(slope.json.inputs)).not.toContain('ENCODING');
  });

  it('a layer into an existing GeoPackage keeps the others; the same layer again is a 400 unless OVERWRITE', async () => {
    const gpkg = path.join(s.ws, 'project.gpkg');
    const ds = gdal.open(gpkg, 'w', 'GPKG');
    const keep = ds.layers.create('keep', null, gdal.wkbNone);
    keep.fields.add(new gdal.FieldDefn('v', gdal.OFTInteger));
    const f = new gdal.Feature(keep);
    f.fields.set('v', 7);
    keep.features.add(f);
    ds.close();
    const inputs = potentialInputs('samples.csv', 'project.gpkg|layername=pot');
    const first = await call(s, 'POST', '/processes/soil:potential/execution', { body: { inputs } });
    expect(first.status).toBe(200);
    const again = await call(s, 'POST', '/processes/soil:potential/execution', { body: { inputs } });
    expect(again.status).toBe(400);
    expect(again.json.detail).toMatch(/already has a layer "pot"; set OVERWRITE=true/);
    const over = await call(s, 'POST', '/processes/soil:potential/execution', { body: { inputs: { ...inputs, OVERWRITE: true } } });
    expect(over.status).toBe(200);
    const back = gdal.open(gpkg);
    expect(back.layers.map((l) => l.name).sort()).toEqual(['keep', 'pot']);
    expect(back.layers.get('keep').features.get(1).fields.get('v')).toBe(7);
    expect(back.layers.get('pot').features.count()).toBe(4);
    back.close();
  });

  it('a Latin-1 CSV is a 422 with its line; ENCODING=latin1 reads it', async () => {
    const bytes = Buffer.from(SAMPLE_CSV.replace('id,', 'site,').replace('\n1,', '\nK\xf6ln,'), 'latin1');
    fs.writeFileSync(path.join(s.ws, 'latin1.csv'), bytes);
    const inputs = potentialInputs('latin1.csv', 'l.csv');
    const refused = await call(s, 'POST', '/processes/soil:potential/execution', { body: { inputs } });
    expect(refused.status).toBe(400); // found while the parameters are checked: ENCODING is the fix
    expect(refused.json.detail).toMatch(/latin1\.csv is not valid UTF-8: line 2 has the byte 0xF6 at position 2, .*ENCODING=latin1/);
    const ok = await call(s, 'POST', '/processes/soil:potential/execution', { body: { inputs: { ...inputs, ENCODING: 'latin1' } } });
    expect(ok.status).toBe(200);
    expect(fs.readFileSync(path.join(s.ws, 'l.csv'), 'utf8').split('\n')[1]).toMatch(/^Köln,/);
  });

  it('a truncated GeoTIFF is a 422 naming the file as damaged (it was a 500)', async () => {
    const whole = path.join(s.ws, 'whole.tif');
    const ds = gdal.open(whole, 'w', 'GTiff', 256, 256, 1, gdal.GDT_Float32, ['TILED=YES', 'COMPRESS=DEFLATE']);
    ds.geoTransform = [500000, 30, 0, 5000000, 0, -30];
    ds.srs = gdal.SpatialReference.fromEPSG(32652);
    const a = new Float32Array(256 * 256);
    for (let i = 0; i < a.length; i++) a[i] = (i * 7919) % 1000;
    ds.bands.get(1).pixels.write(0, 0, 256, 256, a);
    ds.close();
    fs.writeFileSync(path.join(s.ws, 'cut.tif'), fs.readFileSync(whole).subarray(0, Math.floor(fs.statSync(whole).size / 2)));
    const r = await call(s, 'POST', '/processes/terrain:slope/execution', { body: { inputs: { INPUT: 'cut.tif', OUTPUT: 'slope.tif' } } });
    expect(r.status).toBe(422);
    expect(r.json.detail).toMatch(/cut\.tif is damaged \(truncated or corrupt\): GDAL cannot read its pixels; re-copy or re-create the file/);
    expect(fs.existsSync(path.join(s.ws, 'slope.tif'))).toBe(false);
  });
});
