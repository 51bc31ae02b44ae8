// SPDX-License-Identifier: GPL-2.0-or-later
// `socp serve`: start the local HTTP bridge. Options, the tokens (--token, --token-file,
// SOCP_TOKEN, or one generated on first start and stored readable by the user only), the state
// folder (job records, token, pid lock), graceful shutdown on SIGTERM / SIGINT.

import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createBridge } from './bridge.js';
import { tokenProblem, WEAK_TOKEN } from './tokens.js';
import { cliOptions } from '../toolbox/cli/args.js';

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

Usage: socp serve [--host 127.0.0.1] [--port ${DEFAULT_PORT}] [--token T]… [--workspace DIR]… [options]

  --host H          address to listen on (default 127.0.0.1, loopback only; anything else
                    exposes your files to the network and needs --allow-remote)
  --port N          port (default ${DEFAULT_PORT}; 0 picks a free one, printed at start)
  --token T         bearer token clients must send (repeatable; default: SOCP_TOKEN, which
                    may list several separated by commas, else the token stored in
                    <state-dir>/token, generated on first start, readable by you only)
  --token-file F    read the tokens from file F, one a line (# comments); with --token too,
                    both count. Unlike --token, a file keeps them out of the process list
  --workspace DIR   folder whose files may be read and written (repeatable; default: the
                    current folder). Relative paths are resolved against the first one.
  --state-dir DIR   job records, token and lock (default: SOCP_STATE_DIR, else
                    $XDG_STATE_HOME/socp or ~/.local/state/socp)
  --max-jobs N      jobs running at once (default 4)
  --max-queue N     jobs waiting (default 64); beyond that, requests get 429
  --body-limit S    largest JSON request body (default 256kb)
  --threads N       worker threads per job
  --redis URL       run jobs of algorithms that split into tiles (socp describe: "Splits") as
                    BullMQ flows on Redis, computed by socp worker --redis URL on any machine
                    that sees the workspace at the same path; the others run here as usual
  --queue NAME      the BullMQ queue (default socp)
  --access-log      print one line per request on stderr
  --allow-remote    allow a non-loopback --host
  --print-token     print the token (each token) on stdout at start

Clients send "Authorization: Bearer <token>" on every request except the landing page (never
in the URL). With one token, whoever holds it sees every job: its status, log and results,
which name the input and output files. With several tokens (one per person or client), each
token sees, reads and dismisses only the jobs it submitted; another token's job answers 404
as if it did not exist. All tokens may read and write every workspace folder.
SIGTERM or SIGINT stop accepting requests, cancel running jobs and exit.`;

class ServeUsage extends Error {}

interface ServeFlags {
  host: string;
  port: number;
  tokens: string[];
  tokenFiles: string[];
  workspaces: string[];
  stateDir?: string;
  maxJobs: number;
  maxQueue: number;
  bodyLimit: string;
  threads?: number;
  redis?: string;
  queue?: string;
  accessLog: boolean;
  allowRemote: boolean;
  printToken: boolean;
  help: boolean;
}

function parseServeArgs(args: string[]): ServeFlags {
  const f: ServeFlags = { host: '127.0.0.1', port: DEFAULT_PORT, tokens: [], tokenFiles: [], workspaces: [], maxJobs: 4, maxQueue: 64, bodyLimit: '256kb', accessLog: false, allowRemote: false, printToken: false, help: false };
  const int = (name: string, v: string, min: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new ServeUsage(`${name} must be a whole number ≥ ${min}, got "${v}"`);
    return n;
  };
  for (const o of cliOptions(args, (name) => new ServeUsage(`${name} needs a value`))) {
    const a = o.name;
    const val = o.value;
    switch (a) {
      case '--host': f.host = val(); break;
      case '--port': f.port = int('--port', val(), 0); if (f.port > 65535) throw new ServeUsage('--port must be ≤ 65535'); break;
      case '--token': f.tokens.push(val()); break;
      case '--token-file': f.tokenFiles.push(val()); break;
      case '--workspace': f.workspaces.push(val()); break;
      case '--state-dir': f.stateDir = val(); break;
      case '--max-jobs': f.maxJobs = int('--max-jobs', val(), 1); break;
      case '--max-queue': f.maxQueue = int('--max-queue', val(), 0); break;
      case '--body-limit': f.bodyLimit = val(); if (!/^\d+(b|kb|mb)?$/i.test(f.bodyLimit)) throw new ServeUsage('--body-limit looks like 256kb or 1mb'); break;
      case '--threads': f.threads = int('--threads', val(), 1); break;
      case '--redis': f.redis = val(); break;
      case '--queue': f.queue = val(); if (f.queue.includes(':')) throw new ServeUsage('--queue: a name without ":"'); break;
      case '--access-log': f.accessLog = true; break;
      case '--allow-remote': f.allowRemote = true; break;
      case '--print-token': f.printToken = true; break;
      case '-h': case '--help': f.help = true; break;
      default: throw new ServeUsage(`unknown option "${o.given}"; see socp serve --help`);
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

/** Tokens of one source, each checked (the message names the source and, for a file, the line). */
function checked(list: { token: string; where: string }[]): string[] {
  for (const { token, where } of list) {
    const why = tokenProblem(token);
    if (why) throw new ServeUsage(`the token ${where} ${why}`);
  }
  return list.map((t) => t.token);
}

function readTokenFile(file: string, cwd: string): { token: string; where: string }[] {
  const abs = path.resolve(cwd, file);
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch (e) {
    throw new ServeUsage(`cannot read --token-file ${abs}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const out = text.split(/\r?\n/).map((l, i) => ({ token: l.trim(), where: `on line ${i + 1} of ${abs}` })).filter((t) => t.token !== '' && !t.token.startsWith('#'));
  if (out.length === 0) throw new ServeUsage(`--token-file ${abs} holds no token; write one a line`);
  return out;
}

/** The tokens: given (--token, --token-file), from the environment, stored, or generated and stored (mode 0600). */
function resolveTokens(f: ServeFlags, env: NodeJS.ProcessEnv, stateDir: string, cwd: string): { tokens: string[]; source: string } {
  if (f.tokens.length > 0 || f.tokenFiles.length > 0) {
    const tokens = [
      ...checked(f.tokens.map((token, i) => ({ token, where: `of --token number ${i + 1}` }))),
      ...f.tokenFiles.flatMap((file) => checked(readTokenFile(file, cwd))),
    ];
    return { tokens, source: [f.tokens.length > 0 ? '--token' : '', ...f.tokenFiles.map((x) => path.resolve(cwd, x))].filter(Boolean).join(', ') };
  }
  if (env.SOCP_TOKEN) {
    return { tokens: checked(env.SOCP_TOKEN.split(',').map((token, i, a) => ({ token: token.trim(), where: a.length > 1 ? `number ${i + 1} in SOCP_TOKEN` : 'in SOCP_TOKEN' }))), source: 'SOCP_TOKEN' };
  }
  const file = path.join(stateDir, 'token');
  if (fs.existsSync(file)) {
    const st = fs.statSync(file);
    if ((st.mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
    const t = fs.readFileSync(file, 'utf8').trim();
    if (t) return { tokens: checked([{ token: t, where: `in ${file}` }]), source: file };
  }
  const token = crypto.randomBytes(32).toString('base64url');
  const fd = fs.openSync(file, 'w', 0o600);
  fs.writeSync(fd, token + '\n');
  fs.closeSync(fd);
  fs.chmodSync(file, 0o600);
  return { tokens: [token], source: `${file} (new)` };
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
    if (f.redis) await (await import('../toolbox/drivers/bullmq.js')).reachRedis(f.redis);
    fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    release = takeLock(stateDir);
    const tk = resolveTokens(f, io.env, stateDir, io.cwd);
    const n = new Set(tk.tokens).size;
    tokenSource = n > 1 ? `${n} tokens from ${tk.source}; each sees only the jobs it submitted` : tk.source;
    const weak = [...new Set(tk.tokens)].filter((t) => t.length < WEAK_TOKEN).length;
    if (weak > 0) io.stderr(`Warning: ${weak === 1 && n === 1 ? 'the token is' : `${weak} of the tokens are`} shorter than ${WEAK_TOKEN} characters, easy to guess; use ${weak === 1 && n === 1 ? 'a long random one' : 'long random ones'} (e.g. openssl rand -hex 16), or give none and socp serve generates one\n`);
    bridge = createBridge({
      tokens: tk.tokens,
      workspaces: (f.workspaces.length > 0 ? f.workspaces : ['.']).map((w) => path.resolve(io.cwd, w)),
      jobsDir: path.join(stateDir, 'jobs'),
      maxRunning: f.maxJobs,
      maxQueued: f.maxQueue,
      bodyLimit: f.bodyLimit,
      threads: f.threads,
      redis: f.redis ? { url: f.redis, queue: f.queue } : undefined,
      log: f.accessLog ? (l) => io.stderr(l + '\n') : undefined,
    });
    url = await bridge.listen(f.host, f.port);
    if (f.printToken) for (const t of new Set(tk.tokens)) io.stdout(`token: ${t}\n`);
  } catch (e) {
    release?.();
    const code = (e as NodeJS.ErrnoException).code;
    const msg = code === 'EADDRINUSE' ? `port ${f.port} on ${f.host} is in use; give another --port (0 picks a free one)` : (e as Error).message;
    io.stderr(`ERROR: ${msg}\n`);
    return e instanceof ServeUsage || code === 'EADDRINUSE' ? 2 : 1;
  }
  io.stdout(`socp bridge listening on ${url}\n`);
  io.stderr(`workspace: ${bridge.workspaces.dirs.join(', ')}\ntoken: ${tokenSource}\nstate: ${stateDir}\n${f.redis ? `tiled jobs: BullMQ queue "${f.queue ?? 'socp'}" at ${f.redis.replace(/:[^:@/]*@/, ':***@')}\n` : ''}stop with Ctrl-C or SIGTERM\n`);

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
    // before the executable's own handlers (toolbox/cli/main.ts), which abort io.signal on either
    // signal: the first to call stop() names the signal
    process.prependListener('SIGTERM', onTerm);
    process.prependListener('SIGINT', onInt);
    io.signal?.addEventListener('abort', () => stop(typeof io.signal?.reason === 'string' ? io.signal.reason : 'stop requested'), { once: true });
  });
}
