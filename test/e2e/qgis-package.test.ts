// SPDX-License-Identifier: GPL-2.0-or-later
// `npm run package:qgis` (scripts/package-qgis.mjs): an installable zip with socp/ at its root,
// metadata.txt declaring the Processing provider and the package version; unpacked into a fresh
// QGIS profile it is enabled and lists the socp algorithms (when QGIS is installed).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, startServe, tempDir, type Served, cleanupTempDirs } from './server-harness.js';

const QGIS_PROCESS = '/usr/bin/qgis_process.bin';
const PY = '/usr/bin/python3';

describe('QGIS plugin package', () => {
  const dir = tempDir('socp-pkg-');
  const zipFile = path.join(dir, 'socp.zip');
  let s: Served | undefined;
  beforeAll(() => {
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'package-qgis.mjs'), '--out', zipFile], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  });
  afterAll(async () => {
    await s?.stop();
  });

  it('holds socp/ with the plugin modules, metadata and licence', () => {
    const r = spawnSync(PY, ['-c', 'import json,sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(json.dumps({"names": z.namelist(), "meta": z.read("socp/metadata.txt").decode()}))', zipFile], { encoding: 'utf8', cwd: dir });
    expect(r.status, r.stderr).toBe(0);
    const { names, meta } = JSON.parse(r.stdout);
    expect(names).toEqual(expect.arrayContaining(['socp/__init__.py', 'socp/plugin.py', 'socp/provider.py', 'socp/algorithm.py', 'socp/bridge.py', 'socp/metadata.txt']));
    expect(names.every((n: string) => n.startsWith('socp/') && !n.includes('__pycache__'))).toBe(true);
    const version = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version;
    expect(meta).toMatch(/^hasProcessingProvider=yes$/m);
    expect(meta).toMatch(/^license=GPL-2\.0-or-later$/m);
    expect(meta).toMatch(new RegExp(`^version=${version.replace(/\./g, '\\.')}$`, 'm'));
    expect(meta).toMatch(/^qgisMinimumVersion=3\.22$/m);
  });

  it.skipIf(!fs.existsSync(QGIS_PROCESS))('installs into a fresh QGIS profile and lists the algorithms', async () => {
    s = await startServe();
    const profile = tempDir('socp-pkg-profile-');
    const plugins = path.join(profile, 'QGIS', 'QGIS3', 'profiles', 'default', 'python', 'plugins');
    fs.mkdirSync(plugins, { recursive: true });
    const x = spawnSync(PY, ['-c', 'import sys,zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])', zipFile, plugins], { encoding: 'utf8', cwd: dir });
    expect(x.status, x.stderr).toBe(0);
    const env = { ...process.env, XDG_DATA_HOME: profile, XDG_RUNTIME_DIR: profile, QT_QPA_PLATFORM: 'offscreen', SOCP_URL: s.url, SOCP_TOKEN: s.token, PYTHONDONTWRITEBYTECODE: '1' };
    expect(spawnSync(QGIS_PROCESS, ['plugins', 'enable', 'socp'], { env, cwd: profile, encoding: 'utf8' }).status).toBe(0);
    const list = spawnSync(QGIS_PROCESS, ['list'], { env, cwd: profile, encoding: 'utf8' });
    expect(list.stdout).toMatch(/socp:soil_potential/);
  });
});

afterAll(() => cleanupTempDirs());
