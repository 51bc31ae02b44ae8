// SPDX-License-Identifier: GPL-2.0-or-later
// Shared test helpers: temporary folders, the CLI as a child process, listing a folder.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const cliPath = path.join(repoRoot, 'dist', 'toolbox', 'cli', 'main.js');

export function tempDir(prefix = 'socp-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function writeFile(dir: string, name: string, text: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the built `socp` executable (needs `npm run build`, which `npm test` does first). */
export function socp(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliResult {
  if (!fs.existsSync(cliPath)) throw new Error(`${cliPath} is missing: run "npm run build" first`);
  const r = spawnSync(process.execPath, [cliPath, ...args], {
    cwd: opts.cwd ?? repoRoot, env: { ...process.env, ...opts.env }, encoding: 'utf8', timeout: 600_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Files in a folder (names), for "nothing left behind" checks. */
export function listDir(dir: string): string[] {
  return fs.readdirSync(dir).sort();
}

/** The standard small sample table of the soil tests (hand-checkable values). */
export const SAMPLE_CSV = [
  'id,lon,lat,soc,bd,fine,gravel',
  '1,125.1,45.2,20,1.3,60,5',
  '2,125.2,45.3,15,1.2,50,0',
  '3,125.3,45.4,30,1.1,70,10',
].join('\n') + '\n';
