// SPDX-License-Identifier: GPL-2.0-or-later
// The covariate tools from the command line, as a child process of the compiled CLI.

import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, readBand, readRaw, tmpDir } from './helpers.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../..');
const main = path.join(root, 'dist/toolbox/cli/main.js');

describe('socp run covariates:* (child process)', () => {
  beforeAll(() => {
    // build; errors in other folders do not stop tsc from emitting our files
    spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: root, encoding: 'utf8' });
  }, 180_000);

  it('covariates:ndvi with --json: one JSON document, GDAL-style progress, the NDVI by hand', () => {
    const dir = tmpDir('cli');
    const out = path.join(dir, 'ndvi.tif');
    const l7 = path.join(FIXTURES, 'olinda_L7_ETMs_crop.tif');
    const r = spawnSync('node', [main, 'run', 'covariates:ndvi', `--RED=${l7}`, '--RED_BAND=3', `--NIR=${l7}`, '--NIR_BAND=4', `--OUTPUT=${out}`, '--json'], { cwd: dir, encoding: 'utf8' });
    expect(r.stderr).toContain('100 - done.');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.algorithm).toBe('covariates:ndvi');
    expect(doc.results.OUTPUT).toBe(out);
    const red = readRaw(l7, 3).data;
    const nir = readRaw(l7, 4).data;
    const i = 5 * 120 + 7;
    expect(readBand(out).data[i]).toBeCloseTo((nir[i] - red[i]) / (nir[i] + red[i]), 6);
  });

  it('a failure exits non-zero with ERROR: and leaves no file', () => {
    const dir = tmpDir('cli-bad');
    const out = path.join(dir, 'mean.tif');
    const nc = path.join(FIXTURES, 'bcsd_obs_1999.nc');
    const r = spawnSync('node', [main, 'run', 'covariates:temporal-mean', `--INPUTS=${nc}`, '--VARIABLE=pr', '--WEIGHTS=1,2,3', `--OUTPUT=${out}`], { cwd: dir, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/ERROR: .*WEIGHTS has 3 values but the series has 12 layers/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
