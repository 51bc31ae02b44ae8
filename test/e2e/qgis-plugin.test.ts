// SPDX-License-Identifier: GPL-2.0-or-later
// QGIS 3.22 end to end, headless: the plugin installed in an isolated profile (XDG_DATA_HOME),
// enabled with `qgis_process.bin plugins enable socp`, lists the socp algorithms and runs them
// through a running bridge (SOCP_URL / SOCP_TOKEN) with `qgis_process.bin --json run`.
// Skipped, with a message, only when /usr/bin/qgis_process.bin is absent.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, repoRoot, ROW1_DENSITY, SAMPLE_CSV, startServe, tempDir, writeBigCsv, type Served, cleanupTempDirs } from './server-harness.js';

const QGIS_PROCESS = '/usr/bin/qgis_process.bin';
const hasQgis = fs.existsSync(QGIS_PROCESS);
if (!hasQgis) console.warn(`SKIPPED QGIS end-to-end tests: ${QGIS_PROCESS} is absent (apt-get install qgis python3-qgis qgis-providers)`);

describe.skipIf(!hasQgis)('QGIS 3.22 plugin through the bridge', () => {
  let s: Served;
  let profileRoot: string;
  let env: NodeJS.ProcessEnv;
  let processIds: string[] = [];

  const qp = (args: string[]) => {
    // cwd outside the checkout: its qgis/ folder would shadow the qgis Python package
    const r = spawnSync(QGIS_PROCESS, args, { env, cwd: profileRoot, encoding: 'utf8', timeout: 300_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  beforeAll(async () => {
    s = await startServe();
    fs.writeFileSync(path.join(s.ws, 'samples.csv'), SAMPLE_CSV);
    profileRoot = tempDir('socp-qgis-profile-');
    const plugins = path.join(profileRoot, 'QGIS', 'QGIS3', 'profiles', 'default', 'python', 'plugins');
    fs.mkdirSync(plugins, { recursive: true });
    fs.symlinkSync(path.join(repoRoot, 'qgis'), path.join(plugins, 'socp'));
    env = { ...process.env, XDG_DATA_HOME: profileRoot, QT_QPA_PLATFORM: 'offscreen', SOCP_URL: s.url, SOCP_TOKEN: s.token, XDG_RUNTIME_DIR: profileRoot, PYTHONDONTWRITEBYTECODE: '1' };
    const en = qp(['plugins', 'enable', 'socp']);
    expect(en.code, en.stderr).toBe(0);
    processIds = (await call(s, 'GET', '/processes')).json.processes.map((p: { id: string }) => p.id);
  });
  afterAll(async () => {
    await s?.stop();
  });

  it('lists the socp algorithms (one per bridge process, QGIS-style names)', () => {
    const r = qp(['list']);
    expect(r.code, r.stderr).toBe(0);
    const names = [...r.stdout.matchAll(/^\s*socp:(\S+)/gm)].map((m) => m[1]);
    for (const n of ['soil_density', 'soil_saturation', 'soil_potential']) expect(names).toContain(n);
    expect(names.sort()).toEqual(processIds.map((id) => id.replace(/[:-]/g, '_')).sort());
    for (const n of names) expect(n).toMatch(/^[a-z0-9_]+$/);
  });

  it('shows help built from the parameter definitions', () => {
    const r = qp(['help', 'socp:soil_potential']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/SOC_FIELD/);
    expect(r.stdout).toMatch(/socp id: soil:potential/);
  });

  it('runs socp:soil_potential through the bridge and writes the output', () => {
    const out = path.join(s.ws, 'qgis-potential.csv');
    const r = qp(['--json', 'run', 'socp:soil_potential', '--', `INPUT=${path.join(s.ws, 'samples.csv')}`, 'SOC_FIELD=soc', 'BD_FIELD=bd', 'FINE_FIELD=fine', 'GRAVEL_FIELD=gravel', `OUTPUT=${out}`]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const j = JSON.parse(r.stdout.slice(r.stdout.indexOf('{')));
    expect(j.results.OUTPUT).toBe(out);
    expect(j.results.ROWS).toBe(4);
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('id,lon,lat,soc,bd,fine,gravel,soc_density,socsat_hassink,socp_hassink,socsat_elustondo,socp_elustondo');
    expect(Number(lines[1].split(',')[7])).toBeCloseTo(ROW1_DENSITY, 10);
  });

  it('passes enums as option names and numbers as numbers (MODELS=hassink, DEPTH=20)', () => {
    const out = path.join(s.ws, 'qgis-hassink.csv');
    const r = qp(['--json', 'run', 'socp:soil_potential', '--', `INPUT=${path.join(s.ws, 'samples.csv')}`, 'SOC_FIELD=soc', 'BD_FIELD=bd', 'FINE_FIELD=fine', 'MODELS=hassink', 'DEPTH=20', `OUTPUT=${out}`]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const header = fs.readFileSync(out, 'utf8').split('\n')[0];
    expect(header).toBe('id,lon,lat,soc,bd,fine,gravel,soc_density,socsat_hassink,socp_hassink');
    const row1 = fs.readFileSync(out, 'utf8').split('\n')[1].split(',');
    expect(Number(row1[7])).toBeCloseTo(20 * 20.5 * 1.25 * 1e-2, 10); // no gravel field given: 0 %
    const sat = path.join(s.ws, 'qgis-sat.csv');
    const r2 = qp(['--json', 'run', 'socp:soil_saturation', '--', `INPUT=${path.join(s.ws, 'samples.csv')}`, 'FINE_FIELD=fine', 'BD_FIELD=bd', 'MODEL=elustondo', `OUTPUT=${sat}`]);
    expect(r2.code, r2.stderr + r2.stdout).toBe(0);
    expect(fs.readFileSync(sat, 'utf8').split('\n')[0]).toMatch(/socsat_elustondo$/);
  });

  it('reports the bridge\'s error (workspace confinement, bad data) and fails', () => {
    const outside = path.join(tempDir('socp-out-'), 'x.csv');
    const r = qp(['run', 'socp:soil_potential', '--', `INPUT=${path.join(s.ws, 'samples.csv')}`, 'SOC_FIELD=soc', 'BD_FIELD=bd', 'FINE_FIELD=fine', `OUTPUT=${outside}`]);
    expect(r.code).not.toBe(0);
    expect(r.stderr + r.stdout).toMatch(/outside the workspace/);
    expect(fs.existsSync(outside)).toBe(false);
    fs.writeFileSync(path.join(s.ws, 'kgm3.csv'), SAMPLE_CSV.replace('1.25,55', '1250,55'));
    const d = qp(['run', 'socp:soil_potential', '--', `INPUT=${path.join(s.ws, 'kgm3.csv')}`, 'SOC_FIELD=soc', 'BD_FIELD=bd', 'FINE_FIELD=fine', `OUTPUT=${path.join(s.ws, 'bad.csv')}`]);
    expect(d.code).not.toBe(0);
    expect(d.stderr + d.stdout).toMatch(/kg m⁻³/);
  });

  it('runs asynchronously with progress, and a cancel in QGIS dismisses the bridge job (DELETE)', async () => {
    writeBigCsv(path.join(s.ws, 'big.csv'));
    const plugins = path.join(profileRoot, 'QGIS', 'QGIS3', 'profiles', 'default', 'python', 'plugins');
    const script = `
import json, sys
sys.path.insert(0, ${JSON.stringify(plugins)})
from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingFeedback, QgsProcessingException
app = QgsApplication([], False)
app.initQgis()
from socp.bridge import Client
from socp.algorithm import SocpAlgorithm
ws = ${JSON.stringify(s.ws)}
alg = SocpAlgorithm(Client().process('soil:potential'))
alg.initAlgorithm({})
def params(inp, out):
    return {'INPUT': ws + '/' + inp, 'SOC_FIELD': 'soc', 'BD_FIELD': 'bd', 'FINE_FIELD': 'fine', 'OUTPUT': ws + '/' + out}
report = {}
fb = QgsProcessingFeedback()
progress = []
fb.progressChanged.connect(lambda p: progress.append(p))
res = alg.processAlgorithm(params('samples.csv', 'py-ok.csv'), QgsProcessingContext(), fb)
report['ok'] = {'results': res, 'progress': progress[-1] if progress else None}
class CancelOnSubmit(QgsProcessingFeedback):
    # the user presses Cancel as soon as the job is on the bridge
    def pushInfo(self, info):
        super().pushInfo(info)
        if info.startswith('socp job '):
            self.cancel()
fb2 = CancelOnSubmit()
try:
    alg.processAlgorithm(params('big.csv', 'py-cancel.csv'), QgsProcessingContext(), fb2)
    report['cancel'] = 'not cancelled'
except QgsProcessingException as e:
    report['cancel'] = str(e)
print('REPORT ' + json.dumps(report))
`;
    const r = spawnSync('/usr/bin/python3', ['-c', script], { env, cwd: profileRoot, encoding: 'utf8', timeout: 120_000 });
    const line = r.stdout.split('\n').find((l) => l.startsWith('REPORT '));
    expect(line, r.stderr + r.stdout).toBeDefined();
    const rep = JSON.parse(line!.slice(7));
    expect(rep.ok.results.OUTPUT).toBe(path.join(s.ws, 'py-ok.csv'));
    expect(rep.ok.progress).toBe(100);
    expect(rep.cancel).toMatch(/cancelled; the job was stopped/);
    expect(fs.existsSync(path.join(s.ws, 'py-cancel.csv'))).toBe(false);
    // the cancelled job was dismissed on the bridge: no job of it is left
    const jobs = (await call(s, 'GET', '/jobs')).json.jobs as { status: string }[];
    expect(jobs.filter((j) => j.status === 'running' || j.status === 'accepted')).toEqual([]);
  });

  it('starts a local socp serve itself when configured to (and stops it on unload)', () => {
    const home = tempDir('socp-home-');
    const ws = tempDir('socp-local-ws-');
    // the "socp command" setting: a launcher of this checkout's CLI (what `npm i -g socp` installs)
    fs.mkdirSync(path.join(home, 'bin'));
    const launcher = path.join(home, 'bin', 'socp');
    fs.writeFileSync(launcher, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(repoRoot, 'dist', 'toolbox', 'cli', 'main.js'))} "$@"\n`, { mode: 0o755 });
    const plugins = path.join(profileRoot, 'QGIS', 'QGIS3', 'profiles', 'default', 'python', 'plugins');
    const script = `
import json, sys
sys.path.insert(0, ${JSON.stringify(plugins)})
from qgis.core import QgsApplication, QgsSettings
app = QgsApplication([], False)
app.initQgis()
s = QgsSettings()
s.setValue('socp/SOCP_START_LOCAL', True)
s.setValue('socp/SOCP_COMMAND', ${JSON.stringify(launcher)})
s.setValue('socp/SOCP_WORKSPACES', ${JSON.stringify(ws)})
from socp import bridge
url, token = bridge.connection()
ids = [p['id'] for p in bridge.Client(url, token).processes()]
proc = bridge._local['proc']
bridge.stop_local_bridge()
print('REPORT ' + json.dumps({'url': url, 'ids': ids, 'exit': proc.returncode}))
`;
    const localEnv: NodeJS.ProcessEnv = { ...env, HOME: home, XDG_CONFIG_HOME: home, XDG_STATE_HOME: home };
    delete localEnv.SOCP_URL;
    delete localEnv.SOCP_TOKEN;
    const r = spawnSync('/usr/bin/python3', ['-c', script], { env: localEnv, cwd: home, encoding: 'utf8', timeout: 120_000 });
    const line = r.stdout.split('\n').find((l) => l.startsWith('REPORT '));
    expect(line, r.stderr + r.stdout).toBeDefined();
    const rep = JSON.parse(line!.slice(7));
    expect(rep.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(rep.ids).toContain('soil:potential');
    expect(rep.exit).toBe(0); // SIGTERM: a graceful stop
    expect(fs.existsSync(path.join(home, 'socp', 'jobs'))).toBe(true); // its state folder (the token came from the plugin)
    expect(fs.existsSync(path.join(home, 'socp', 'serve.pid'))).toBe(false); // stopped cleanly
  });

  it('turns HTML report outputs into QGIS HTML outputs (linked in the Results Viewer)', () => {
    const withHtml = processIds.filter((id) => id === 'report:html' || id === 'workflow:socp');
    expect(withHtml).toEqual(['report:html', 'workflow:socp']);
    const plugins = path.join(profileRoot, 'QGIS', 'QGIS3', 'profiles', 'default', 'python', 'plugins');
    const script = `
import json, sys
sys.path.insert(0, ${JSON.stringify(plugins)})
from qgis.core import QgsApplication
app = QgsApplication([], False)
app.initQgis()
from socp.bridge import Client
from socp.algorithm import SocpAlgorithm
out = {}
for pid in ${JSON.stringify(withHtml)}:
    a = SocpAlgorithm(Client().process(pid))
    a.initAlgorithm({})
    out[pid] = {o.name(): type(o).__name__ for o in a.outputDefinitions()}
print('REPORT ' + json.dumps(out))
`;
    const r = spawnSync('/usr/bin/python3', ['-c', script], { env, cwd: profileRoot, encoding: 'utf8', timeout: 120_000 });
    const line = r.stdout.split('\n').find((l) => l.startsWith('REPORT '));
    expect(line, r.stderr + r.stdout).toBeDefined();
    const rep = JSON.parse(line!.slice(7));
    for (const pid of withHtml) expect(Object.values(rep[pid])).toContain('QgsProcessingOutputHtml');
  });

  it('runs brt:cv through the bridge', () => {
    expect(processIds).toContain('brt:cv');
    // a small training table: y depends on x1 and x2
    const rows = ['id,x1,x2,x3,landuse,y'];
    for (let i = 0; i < 60; i++) {
      const x1 = (i * 37) % 100 / 10;
      const x2 = (i * 53) % 70 / 7;
      const x3 = (i * 11) % 13;
      rows.push(`${i},${x1},${x2},${x3},${['farmland', 'forest', 'grassland'][i % 3]},${(2 * x1 + Math.sin(x2) + (i % 5) / 10).toFixed(3)}`);
    }
    const input = path.join(s.ws, 'train.csv');
    fs.writeFileSync(input, rows.join('\n') + '\n');
    const summary = path.join(s.ws, 'cv-summary.csv');
    const r = qp(['--json', 'run', 'socp:brt_cv', '--', `INPUT=${input}`, 'TARGET=y', 'PREDICTORS=x1;x2;x3', 'N_TREES=50', 'INTERACTION_DEPTH=2', 'SHRINKAGE=0.1',
      'N_MINOBSINNODE=3', 'BAG_FRACTION=0.8', 'FOLDS=3', 'REPEATS=2', 'STRATUM_FIELD=landuse', 'SEED=7', `OUTPUT_SUMMARY=${summary}`]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const j = JSON.parse(r.stdout.slice(r.stdout.indexOf('{')));
    expect(j.results.OUTPUT_SUMMARY).toBe(summary);
    const text = fs.readFileSync(summary, 'utf8');
    expect(text.length).toBeGreaterThan(20);
    expect(text).toMatch(/rmse|RMSE/);
  });
});

afterAll(() => cleanupTempDirs());
