// SPDX-License-Identifier: GPL-2.0-or-later
// Workspace confinement and the start-up guards of the HTTP bridge: traversal with "..", absolute
// paths outside, symbolic links leading out (files and folders), device files, FIFOs, URLs and GDAL
// virtual file systems — for inputs and outputs; nothing is ever written outside the workspace.

import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, cliPath, potentialInputs, SAMPLE_CSV, startServe, tempDir, type Served, cleanupTempDirs } from './server-harness.js';

describe('socp serve: paths are confined to the workspace', () => {
  let s: Served;
  let outside: string;
  beforeAll(async () => {
    outside = tempDir('socp-outside-');
    fs.writeFileSync(path.join(outside, 'secret.csv'), SAMPLE_CSV);
    const ws2 = tempDir('socp-ws2-');
    fs.writeFileSync(path.join(ws2, 'second.csv'), SAMPLE_CSV);
    s = await startServe({ extraWorkspaces: [ws2] });
    fs.writeFileSync(path.join(s.ws, 'samples.csv'), SAMPLE_CSV);
    fs.mkdirSync(path.join(s.ws, 'sub'));
    fs.symlinkSync(path.join(outside, 'secret.csv'), path.join(s.ws, 'link-out.csv'));
    fs.symlinkSync('/dev/zero', path.join(s.ws, 'zero.csv'));
    fs.symlinkSync(outside, path.join(s.ws, 'dir-out'));
    fs.symlinkSync(path.join(s.ws, 'samples.csv'), path.join(s.ws, 'link-in.csv'));
    fs.symlinkSync(path.join(outside, 'new.csv'), path.join(s.ws, 'dangling-out.csv'));
    execFileSync('mkfifo', [path.join(s.ws, 'fifo.csv')]);
    (s as Served & { ws2: string }).ws2 = ws2;
  });
  afterAll(async () => {
    await s.stop();
  });

  const exec = (inputs: Record<string, unknown>) => call(s, 'POST', '/processes/soil:potential/execution', { body: { inputs } });

  it.each([
    ['.. in a relative input', '../secret.csv', /"\.\." is not allowed/],
    ['.. inside a path', 'sub/../../secret.csv', /"\.\." is not allowed/],
    ['an absolute path outside', '/etc/passwd', /outside the workspace/],
    ['a device file', '/dev/zero', /outside the workspace/],
    ['a symlink to a file outside', 'link-out.csv', /symbolic link/],
    ['a symlink to a device', 'zero.csv', /symbolic link/],
    ['a file through a symlinked folder', 'dir-out/secret.csv', /symbolic link/],
    ['a FIFO', 'fifo.csv', /not a regular file/],
    ['a URL', 'http://example.org/a.csv', /URLs and GDAL virtual file systems/],
    ['a GDAL virtual file system', '/vsicurl/http://example.org/a.csv', /URLs and GDAL virtual file systems/],
    ['a file: URL outside', { href: 'file:///etc/passwd' }, /outside the workspace/],
    ['an http reference', { href: 'https://example.org/a.csv' }, /only file: references/],
  ])('refuses as input %s', async (_what, input, msg) => {
    const r = await exec(potentialInputs(input as string, 'o.csv'));
    expect(r.status).toBe(400);
    expect(r.json.type).toMatch(/invalid-parameter/);
    expect(r.json.detail).toMatch(msg);
    expect(fs.existsSync(path.join(s.ws, 'o.csv'))).toBe(false);
  });

  it.each([
    ['.. in the output', '../escaped.csv', /"\.\." is not allowed/],
    ['an absolute output outside', '__OUTSIDE__/escaped.csv', /outside the workspace/],
    ['an output through a symlinked folder', 'dir-out/escaped.csv', /symbolic link/],
    ['an output that is a symlink', 'dangling-out.csv', /symbolic link/],
    ['an output onto a device', '/dev/null', /outside the workspace/],
    ['the workspace itself as output', '__WS__', /is the workspace folder itself, which cannot be an output file/],
  ])('refuses %s', async (_what, output, msg) => {
    const out = (output as string).replace('__OUTSIDE__', outside).replace('__WS__', s.ws);
    const r = await exec(potentialInputs('samples.csv', out));
    expect(r.status).toBe(400);
    expect(r.json.detail).toMatch(msg);
    expect(fs.readdirSync(outside).sort()).toEqual(['secret.csv']);
  });

  it('confines folder inputs and lists of files too (report:html TEMPLATE, CV_SUMMARY)', async () => {
    const ids = (await call(s, 'GET', '/processes')).json.processes.map((p: { id: string }) => p.id);
    expect(ids).toContain('report:html');
    const rep = (inputs: Record<string, unknown>) => call(s, 'POST', '/processes/report:html/execution', { body: { inputs: { OUTPUT: 'r.html', ...inputs } } });
    for (const [inputs, msg] of [
      [{ TEMPLATE: outside }, /outside the workspace/],
      [{ TEMPLATE: '../x' }, /"\.\." is not allowed/],
      [{ TEMPLATE: 'dir-out' }, /symbolic link/],
      [{ CV_SUMMARY: ['samples.csv', '/etc/passwd'] }, /outside the workspace/],
      [{ CV_SUMMARY: 'samples.csv,../secret.csv' }, /"\.\." is not allowed/],
      [{ CV_SUMMARY: ['link-out.csv'] }, /symbolic link/],
    ] as [Record<string, unknown>, RegExp][]) {
      const r = await rep(inputs);
      expect(r.status, JSON.stringify(inputs)).toBe(400);
      expect(r.json.detail).toMatch(msg);
    }
    expect(fs.existsSync(path.join(s.ws, 'r.html'))).toBe(false);
  });

  it('accepts paths inside any workspace, symlinks that stay inside, and absolute paths', async () => {
    const ws2 = (s as Served & { ws2: string }).ws2;
    const a = await exec(potentialInputs('link-in.csv', 'sub/ok.csv'));
    expect(a.status).toBe(200);
    expect(fs.existsSync(path.join(s.ws, 'sub', 'ok.csv'))).toBe(true);
    const b = await exec(potentialInputs(path.join(ws2, 'second.csv'), path.join(ws2, 'out.csv')));
    expect(b.status).toBe(200);
    expect(fs.existsSync(path.join(ws2, 'out.csv'))).toBe(true);
  });

  it('never lets a process id or job id walk the file system', async () => {
    expect((await call(s, 'GET', '/processes/..%2F..%2Fetc%2Fpasswd')).status).toBe(404);
    expect((await call(s, 'GET', '/jobs/..%2F..%2Ftoken')).status).toBe(404);
    expect((await call(s, 'GET', '/jobs/%2e%2e%2ftoken')).status).toBe(404);
    expect((await call(s, 'DELETE', '/jobs/..%2F..%2Fserve.pid')).status).toBe(404);
    expect(fs.existsSync(path.join(s.stateDir, 'serve.pid'))).toBe(true);
  });
});

describe('socp serve: start-up guards', () => {
  it('refuses a non-loopback host without --allow-remote', () => {
    const r = spawnSync(process.execPath, [cliPath, 'serve', '--host', '0.0.0.0', '--port', '0', '--state-dir', tempDir()], { encoding: 'utf8', env: { ...process.env, SOCP_TOKEN: 't' } });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/not a loopback address/);
  });

  it('refuses a missing workspace and unknown options', () => {
    const a = spawnSync(process.execPath, [cliPath, 'serve', '--port', '0', '--workspace', '/nonexistent/ws', '--state-dir', tempDir()], { encoding: 'utf8', env: { ...process.env, SOCP_TOKEN: 't' } });
    expect(a.status).not.toBe(0);
    expect(a.stderr).toMatch(/does not exist/);
    const b = spawnSync(process.execPath, [cliPath, 'serve', '--bogus'], { encoding: 'utf8' });
    expect(b.status).toBe(2);
    expect(b.stderr).toMatch(/unknown option "--bogus"/);
    const h = spawnSync(process.execPath, [cliPath, 'serve', '--help'], { encoding: 'utf8' });
    expect(h.status).toBe(0);
    expect(h.stdout).toMatch(/--workspace DIR/);
  });

  it('generates a token on first start, stored readable by the user only, and reuses it', async () => {
    const stateDir = tempDir('socp-state-');
    const a = await startServe({ token: null, stateDir });
    const file = path.join(stateDir, 'token');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(a.token.length).toBeGreaterThanOrEqual(40);
    expect((await call(a, 'GET', '/processes')).status).toBe(200);
    expect((await call({ url: a.url, token: 'guess' }, 'GET', '/processes')).status).toBe(401);
    await a.stop();
    const b = await startServe({ token: null, stateDir });
    expect(b.token).toBe(a.token);
    expect((await call(b, 'GET', '/conformance')).status).toBe(200);
    // a second bridge on the same state folder is refused
    const c = spawnSync(process.execPath, [cliPath, 'serve', '--port', '0', '--state-dir', stateDir], { encoding: 'utf8', env: { ...process.env, SOCP_TOKEN: 't' }, timeout: 20_000 });
    expect(c.status).toBe(2);
    expect(c.stderr).toMatch(/another socp serve/);
    await b.stop();
  });
});

afterAll(() => cleanupTempDirs());
