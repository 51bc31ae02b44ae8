// SPDX-License-Identifier: GPL-2.0-or-later
// `socp serve`: start the local HTTP bridge. Options, the token (--token, SOCP_TOKEN, or generated
// on first start and stored readable by the user only), the state folder (job records, token,
// pid lock), graceful shutdown on SIGTERM / SIGINT.

import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createBridge } from './bridge.js';

/** The CLI's io object (toolbox/cli/cli.ts CliIO), restated to keep the bridge optional. */
interface ServeIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  cwd: string;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

export const DEFAULT_PORT = 8177;

export const SERVE_HELP = `socp serve — the local HTTP bridge (OGC API – Processes 1.0) used by the QGIS plugin

Usage: socp serve [--host 127.0.0.1] [--port ${DEFAULT_PORT}] [--token T] [--workspace DIR]… [options]

  --host H          address to listen on (default 127.0.0.1, loopback only; anything else
                    exposes your files to the network and needs --allow-remote)
  --port N          port (default ${DEFAULT_PORT}; 0 picks a free one, printed at start)
  --token T         bearer token clients must send (default: SOCP_TOKEN, else the token stored
                    in <state-dir>/token, generated on first start, readable by you only)
  --workspace DIR   folder whose files may be read and written (repeatable; default: the
                    current folder). Relative paths are resolved against the first one.
  --state-dir DIR   job records, token and lock (default: SOCP_STATE_DIR, else
                    $XDG_STATE_HOME/socp or ~/.local/state/socp)
  --max-jobs N      jobs running at once (default 4)
  --max-queue N     jobs waiting (default 64); beyond that, requests get 429
  --body-limit S    largest JSON request body (default 256kb)
  --threads N       worker threads per job
  --access-log      print one line per request on stderr
  --allow-remote    allow a non-loopback --host
  --print-token     print the token on stdout at start

Clients send "Authorization: Bearer <token>" on every request except the landing page.
SIGTERM or SIGINT stop accepting requests, cancel running jobs and exit.`;

class ServeUsage extends Error {}

interface ServeFlags {
  host: string;
  port: number;
  token?: string;
  workspaces: string[];
  stateDir?: string;
  maxJobs: number;
  maxQueue: number;
  bodyLimit: string;
  threads?: number;
  accessLog: boolean;
  allowRemote: boolean;
  printToken: boolean;
  help: boolean;
}

function parseServeArgs(args: string[]): ServeFlags {
  const f: ServeFlags = { host: '127.0.0.1', port: DEFAULT_PORT, workspaces: [], maxJobs: 4, maxQueue: 64, bodyLimit: '256kb', accessLog: false, allowRemote: false, printToken: false, help: false };
  const int = (name: string, v: string, min: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new ServeUsage(`${name} must be a whole number ≥ ${min}, got "${v}"`);
    return n;
  };
  for (let i = 0; i < args.length; i++) {
    let a = args[i];
    let v: string | undefined;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 2) {
      v = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const val = (): string => {
      if (v !== undefined) return v;
      const n = args[++i];
      if (n === undefined) throw new ServeUsage(`${a} needs a value`);
      return n;
    };
    switch (a) {
      case '--host': f.host = val(); break;
      case '--port': f.port = int('--port', val(), 0); if (f.port > 65535) throw new ServeUsage('--port must be ≤ 65535'); break;
      case '--token': f.token = val(); break;
      case '--workspace': f.workspaces.push(val()); break;
      case '--state-dir': f.stateDir = val(); break;
      case '--max-jobs': f.maxJobs = int('--max-jobs', val(), 1); break;
      case '--max-queue': f.maxQueue = int('--max-queue', val(), 0); break;
      case '--body-limit': f.bodyLimit = val(); if (!/^\d+(b|kb|mb)?$/i.test(f.bodyLimit)) throw new ServeUsage('--body-limit looks like 256kb or 1mb'); break;
      case '--threads': f.threads = int('--threads', val(), 1); break;
      case '--access-log': f.accessLog = true; break;
      case '--allow-remote': f.allowRemote = true; break;
      case '--print-token': f.printToken = true; break;
      case '-h': case '--help': f.help = true; break;
      default: throw new ServeUsage(`unknown option "${args[i]}"; see socp serve --help`);
    }
  }
  return f;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function defaultStateDir(env: NodeJS.ProcessEnv): string {
  if (env.SOCP_STATE_DIR) return env.SOCP_STATE_DIR;
  const xdg = env.XDG_STATE_HOME || path.join(os.homedir(), '.local', 'state');
  return path.join(xdg, 'socp');
}

/** The token: given, from the environment, stored, or generated and stored (mode 0600). */
function resolveToken(given: string | undefined, env: NodeJS.ProcessEnv, stateDir: string): { token: string; source: string } {
  if (given) return { token: given, source: '--token' };
  if (env.SOCP_TOKEN) return { token: env.SOCP_TOKEN, source: 'SOCP_TOKEN' };
  const file = path.join(stateDir, 'token');
  if (fs.existsSync(file)) {
    const st = fs.statSync(file);
    if ((st.mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
    const t = fs.readFileSync(file, 'utf8').trim();
    if (t) return { token: t, source: file };
  }
  const token = crypto.randomBytes(32).toString('base64url');
  const fd = fs.openSync(file, 'w', 0o600);
  fs.writeSync(fd, token + '\n');
  fs.closeSync(fd);
  fs.chmodSync(file, 0o600);
  return { token, source: `${file} (new)` };
}

/** A pid lock so that two bridges never share (and corrupt) one state folder. */
function takeLock(stateDir: string): () => void {
  const lock = path.join(stateDir, 'serve.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx', mode: 0o600 });
      return () => fs.rmSync(lock, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(fs.readFileSync(lock, 'utf8').trim());
      let alive = false;
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid) {
        try {
          process.kill(pid, 0);
          alive = true;
        } catch (err) {
          alive = (err as NodeJS.ErrnoException).code === 'EPERM';
        }
      }
      if (alive) throw new ServeUsage(`another socp serve (pid ${pid}) uses the state folder ${stateDir}; stop it or give --state-dir`);
      fs.rmSync(lock, { force: true }); // stale: its owner crashed
    }
  }
  throw new ServeUsage(`cannot lock ${lock}`);
}

/** Entry point of `socp serve` (called by toolbox/cli/cli.ts); resolves with the exit code on shutdown. */
export async function serveCommand(args: string[], io: ServeIO): Promise<number> {
  let f: ServeFlags;
  try {
    f = parseServeArgs(args);
  } catch (e) {
    io.stderr(`ERROR: ${(e as Error).message}\n`);
    return 2;
  }
  if (f.help) {
    io.stdout(SERVE_HELP + '\n');
    return 0;
  }
  if (!isLoopback(f.host) && !f.allowRemote) {
    io.stderr(`ERROR: --host ${f.host} is not a loopback address: the bridge would expose your workspace to the network. Add --allow-remote if you really mean it.\n`);
    return 2;
  }
  const stateDir = path.resolve(io.cwd, f.stateDir ?? defaultStateDir(io.env));
  let release: (() => void) | undefined;
  let bridge: ReturnType<typeof createBridge>;
  let url: string;
  let tokenSource: string;
  try {
    fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    release = takeLock(stateDir);
    const tk = resolveToken(f.token, io.env, stateDir);
    tokenSource = tk.source;
    bridge = createBridge({
      token: tk.token,
      workspaces: (f.workspaces.length > 0 ? f.workspaces : ['.']).map((w) => path.resolve(io.cwd, w)),
      jobsDir: path.join(stateDir, 'jobs'),
      maxRunning: f.maxJobs,
      maxQueued: f.maxQueue,
      bodyLimit: f.bodyLimit,
      threads: f.threads,
      log: f.accessLog ? (l) => io.stderr(l + '\n') : undefined,
    });
    url = await bridge.listen(f.host, f.port);
    if (f.printToken) io.stdout(`token: ${tk.token}\n`);
  } catch (e) {
    release?.();
    const code = (e as NodeJS.ErrnoException).code;
    const msg = code === 'EADDRINUSE' ? `port ${f.port} on ${f.host} is in use; give another --port (0 picks a free one)` : (e as Error).message;
    io.stderr(`ERROR: ${msg}\n`);
    return e instanceof ServeUsage || code === 'EADDRINUSE' ? 2 : 1;
  }
  io.stdout(`socp bridge listening on ${url}\n`);
  io.stderr(`workspace: ${bridge.workspaces.dirs.join(', ')}\ntoken: ${tokenSource}\nstate: ${stateDir}\nstop with Ctrl-C or SIGTERM\n`);

  return await new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (why: string): void => {
      if (stopping) return;
      stopping = true;
      io.stderr(`${why}: stopping the bridge, cancelling running jobs…\n`);
      void bridge.close().then(() => {
        release?.();
        process.off('SIGTERM', onTerm);
        process.off('SIGINT', onInt);
        io.stderr('bridge stopped\n');
        resolve(0);
      });
    };
    const onTerm = (): void => stop('SIGTERM');
    const onInt = (): void => stop('SIGINT');
    process.on('SIGTERM', onTerm);
    if (io.signal) io.signal.addEventListener('abort', () => stop('SIGINT'), { once: true });
    else process.on('SIGINT', onInt);
  });
}
