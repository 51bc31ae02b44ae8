// SPDX-License-Identifier: GPL-2.0-or-later
// Test harness of the HTTP bridge: `socp serve` as a real child process on loopback (ephemeral
// port), a small fetch wrapper, and sample tables.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cliPath = path.join(repoRoot, 'dist', 'toolbox', 'cli', 'main.js');

/** A tiny sample table (0–30 cm), lon/lat in EPSG:4326. */
export const SAMPLE_CSV = [
  'id,lon,lat,soc,bd,fine,gravel',
  '1,125.10,45.20,20.5,1.25,55,2',
  '2,125.30,45.40,15.2,1.32,62,0',
  '3,126.00,46.10,30.1,1.10,48,5',
  '4,124.80,44.90,12.0,1.41,70,1',
].join('\n') + '\n';

/** Expected soc_density of row 1 by hand: 30 · 20.5 · 1.25 · (1 − 0.02) · 10⁻² = 7.53375. */
export const ROW1_DENSITY = 30 * 20.5 * 1.25 * 0.98 * 1e-2;

/** A table big enough that soil:potential runs for a few seconds (for cancel / shutdown tests). */
export function writeBigCsv(file: string, rows = 300_000): void {
  const parts: string[] = ['id,lon,lat,soc,bd,fine,gravel\n'];
  for (let i = 0; i < rows; i++) {
    parts.push(`${i},${(125 + (i % 1000) / 1000).toFixed(3)},${(45 + (i % 777) / 777).toFixed(3)},${(10 + (i % 200) / 10).toFixed(1)},${(1 + (i % 40) / 100).toFixed(2)},${40 + (i % 30)},${i % 5}\n`);
  }
  fs.writeFileSync(file, parts.join(''));
}

const made: string[] = [];

/** A temporary folder (removed by cleanupTempDirs()). */
export function tempDir(prefix = 'socp-srv-'): string {
  const d = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  made.push(d);
  return d;
}

export interface Served {
  url: string;
  token: string;
  ws: string;
  stateDir: string;
  proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** send a signal and wait for the exit */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface ServeOptions {
  ws?: string;
  extraWorkspaces?: string[];
  stateDir?: string;
  /** undefined: a fixed test token through SOCP_TOKEN; null: no token given (generated/stored) */
  token?: string | null;
  args?: string[];
  env?: NodeJS.ProcessEnv;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of running) p.kill('SIGKILL');
});

/** Remove the temporary folders made so far (call in afterAll; SOCP_KEEP_TMP=1 keeps them). */
export function cleanupTempDirs(): void {
  if (process.env.SOCP_KEEP_TMP) return;
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

export async function startServe(o: ServeOptions = {}): Promise<Served> {
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'server', 'serve.js'))) throw new Error('dist/server/serve.js is missing: run "npm run build" first');
  const ws = o.ws ?? tempDir();
  const stateDir = o.stateDir ?? tempDir('socp-state-');
  const env: NodeJS.ProcessEnv = { ...process.env, ...o.env };
  delete env.SOCP_TOKEN;
  const token = o.token === undefined ? 'test-token-' + Math.random().toString(36).slice(2) : o.token;
  if (token) env.SOCP_TOKEN = token;
  const args = [cliPath, 'serve', '--host', '127.0.0.1', '--port', '0', '--workspace', ws, ...(o.extraWorkspaces ?? []).flatMap((w) => ['--workspace', w]), '--state-dir', stateDir, ...(o.args ?? [])];
  const proc = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(proc);
  let out = '';
  let err = '';
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => proc.on('exit', (code, signal) => {
    running.delete(proc);
    r({ code, signal });
  }));
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`socp serve did not start in 30 s:\n${out}\n${err}`)), 30_000);
    const check = (): void => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(m[1]);
      }
    };
    proc.stdout!.on('data', check);
    void exited.then(({ code }) => {
      clearTimeout(t);
      reject(new Error(`socp serve exited with ${code}:\n${out}\n${err}`));
    });
  });
  let stored = token ?? '';
  // token null: the stored (generated) one, if the bridge was not given its tokens in args
  if (!stored && fs.existsSync(path.join(stateDir, 'token'))) stored = fs.readFileSync(path.join(stateDir, 'token'), 'utf8').trim();
  return {
    url, token: stored, ws, stateDir, proc,
    stdout: () => out,
    stderr: () => err,
    stop: async (signal = 'SIGTERM') => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

/** One request; body objects are sent as JSON, strings as they are. */
export async function call(s: { url: string; token?: string }, method: string, p: string, o: { body?: unknown; headers?: Record<string, string>; auth?: string | null } = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...o.headers };
  const auth = o.auth === undefined ? (s.token ? `Bearer ${s.token}` : undefined) : o.auth;
  if (auth) headers.Authorization = auth;
  let body: string | undefined;
  if (o.body !== undefined) {
    body = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
    headers['Content-Type'] ??= 'application/json';
  }
  const r = await fetch(s.url + p, { method, headers, body });
  const text = await r.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: r.status, headers: r.headers, text, json };
}

/** Poll a job until it is finished (or the timeout). */
export async function waitJob(s: { url: string; token?: string }, id: string, timeoutMs = 60_000): Promise<Reply> {
  const t0 = Date.now();
  for (;;) {
    const r = await call(s, 'GET', `/jobs/${id}`);
    if (r.status !== 200 || ['successful', 'failed', 'dismissed'].includes(r.json.status)) return r;
    if (Date.now() - t0 > timeoutMs) throw new Error(`job ${id} still ${r.json.status} after ${timeoutMs} ms`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

/** Wait until a job reports status "running". */
export async function waitRunning(s: { url: string; token?: string }, id: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const r = await call(s, 'GET', `/jobs/${id}`);
    if (r.json?.status === 'running') return;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`job ${id} never ran`);
}

export function potentialInputs(input: string, output: string): Record<string, unknown> {
  return { INPUT: input, SOC_FIELD: 'soc', BD_FIELD: 'bd', FINE_FIELD: 'fine', GRAVEL_FIELD: 'gravel', OUTPUT: output };
}
