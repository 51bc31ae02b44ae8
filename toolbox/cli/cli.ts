// SPDX-License-Identifier: GPL-2.0-or-later
// The GDAL / qgis_process-style command line, as a function of argv and streams so tests can run it
// in-process as well as as a child process. It only parses, prints and maps errors to exit codes;
// the work is toolbox run().

import fs from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { describeAlgorithm, helpText } from '../describe.js';
import { isSocpError, messageOf } from '../errors.js';
import { getAlgorithm, listAlgorithms } from '../registry.js';
import type { Algorithm } from '../algorithm.js';
import type { TileMode } from '../context.js';
import { run, type RunResult } from '../run.js';
import { mergeParts, runPart, type TileOptions } from '../tiled.js';
import { socpVersion } from '../provenance.js';
import { TermProgress } from './progress.js';

export interface CliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** aborted on SIGINT by the executable */
  signal?: AbortSignal;
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_CANCELLED = 130;

interface RunFlags {
  json: boolean;
  quiet: boolean;
  paramsFile?: string;
  threads?: number;
  help: boolean;
  /** --tile I/N, auto/N or merge: one part of an array job, or the merge of the parts */
  tile?: string;
  tileSize?: number;
  /** --redis URL: submit the run as a BullMQ flow of tiles (toolbox/drivers/bullmq.ts) */
  redis?: string;
  queue?: string;
  tilesPerJob?: number;
  values: Record<string, unknown>;
}

/** Parse what follows `socp run <id>`: --NAME=value, --NAME value, --json, -q, --params f, --overwrite. */
export function parseRunArgs(args: string[]): RunFlags {
  const f: RunFlags = { json: false, quiet: false, help: false, values: {} };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--json') f.json = true;
    else if (a === '-q' || a === '--quiet') f.quiet = true;
    else if (a === '-h' || a === '--help') f.help = true;
    else if (a === '--overwrite') f.values.OVERWRITE = true; // GDAL style (ogr2ogr -overwrite) for OVERWRITE=true
    else if (a === '--params' || a.startsWith('--params=')) {
      f.paramsFile = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i];
      if (!f.paramsFile) throw new CliUsage('--params needs a JSON file');
    } else if (a === '--threads' || a.startsWith('--threads=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i];
      f.threads = Number(v);
      if (!Number.isInteger(f.threads) || f.threads < 1) throw new CliUsage(`--threads must be a whole number ≥ 1, got "${v}"`);
    } else if (a === '--tile' || a.startsWith('--tile=')) {
      f.tile = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i];
      if (!f.tile || !/^((\d+|auto)\/\d+|merge|prepare)$/.test(f.tile)) throw new CliUsage(`--tile takes I/N (part I of N, 0-based), auto/N (I from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID), merge, or prepare (workflows); got "${f.tile ?? ''}"`);
    } else if (a === '--tile-size' || a.startsWith('--tile-size=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i];
      f.tileSize = Number(v);
      if (!Number.isInteger(f.tileSize) || f.tileSize < 16) throw new CliUsage(`--tile-size must be a whole number of cells ≥ 16 (default 512), got "${v}"`);
    } else if (a === '--redis' || a.startsWith('--redis=')) {
      f.redis = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i];
      if (!f.redis) throw new CliUsage('--redis needs a URL, e.g. redis://127.0.0.1:6379');
    } else if (a === '--queue' || a.startsWith('--queue=')) {
      f.queue = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i];
      if (!f.queue || f.queue.includes(':')) throw new CliUsage(`--queue needs a name without ":" (default socp), got "${f.queue ?? ''}"`);
    } else if (a === '--tiles-per-job' || a.startsWith('--tiles-per-job=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i];
      f.tilesPerJob = Number(v);
      if (!Number.isInteger(f.tilesPerJob) || f.tilesPerJob < 1) throw new CliUsage(`--tiles-per-job must be a whole number ≥ 1 (default 1), got "${v}"`);
    } else if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 2) f.values[a.slice(2, eq)] = a.slice(eq + 1);
      else {
        const v = args[i + 1];
        if (v === undefined || (v.startsWith('--') && v.length > 2)) throw new CliUsage(`${a} needs a value: write ${a}=value`);
        f.values[a.slice(2)] = v;
        i++;
      }
    } else if (a === '--') {
      continue;
    } else if (/^[A-Z][A-Z0-9_]*=/.test(a)) {
      // qgis_process style NAME=value after "--"
      const eq = a.indexOf('=');
      f.values[a.slice(0, eq)] = a.slice(eq + 1);
    } else {
      throw new CliUsage(`unexpected argument "${a}"; parameters are given as --NAME=value`);
    }
  }
  return f;
}

class CliUsage extends Error {}

function readParamsFile(file: string, cwd: string): { values: Record<string, unknown>; dir: string } {
  const abs = path.resolve(cwd, file);
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch {
    throw new CliUsage(`--params: cannot read ${abs}; check the path`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CliUsage(`--params: ${abs} is not valid JSON (${messageOf(e)})`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new CliUsage(`--params: ${abs} must hold one JSON object of NAME: value pairs`);
  const obj = json as Record<string, unknown>;
  // qgis_process --json style {"inputs": {...}} is accepted too
  const values = obj.inputs && typeof obj.inputs === 'object' ? (obj.inputs as Record<string, unknown>) : obj;
  return { values, dir: path.dirname(abs) };
}

/** Paths in a params file are relative to the file; make them absolute against its folder. */
function anchorPaths(values: Record<string, unknown>, dir: string, cwd: string): Record<string, unknown> {
  if (dir === cwd) return values;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    if (typeof v === 'string' && (v.startsWith('./') || v.startsWith('../'))) out[k] = path.resolve(dir, v);
    else if (Array.isArray(v)) out[k] = v.map((x) => (typeof x === 'string' && (x.startsWith('./') || x.startsWith('../')) ? path.resolve(dir, x) : x));
    else out[k] = v;
  }
  return out;
}

async function runCommand(id: string, args: string[], io: CliIO): Promise<number> {
  const flags = parseRunArgs(args);
  const alg = await getAlgorithm(id);
  if (flags.help) {
    io.stdout(helpText(alg) + '\n');
    return EXIT_OK;
  }
  let values = flags.values;
  if (flags.paramsFile) {
    const file = readParamsFile(flags.paramsFile, io.cwd);
    values = { ...anchorPaths(file.values, file.dir, io.cwd), ...flags.values };
  }
  if (flags.tileSize !== undefined && !flags.tile && !flags.redis) throw new CliUsage('--tile-size applies to tiled runs: give --tile or --redis too');
  if (flags.redis && flags.tile) throw new CliUsage('--redis and --tile are two ways of spreading a run (a BullMQ flow, or array-job parts): give one of them');
  if (!flags.redis && (flags.queue || flags.tilesPerJob)) throw new CliUsage(`${flags.queue ? '--queue' : '--tiles-per-job'} applies to BullMQ runs: give --redis URL too`);
  const bar = new TermProgress(io.stderr);
  const options: TileOptions = {
    cwd: io.cwd,
    signal: io.signal,
    threads: flags.threads ?? (io.env.SOCP_THREADS ? Number(io.env.SOCP_THREADS) : undefined),
    onProgress: flags.quiet ? undefined : (p) => bar.update(p),
    onLog: (level, m) => {
      if (flags.quiet && level === 'info') return;
      const line = level === 'warning' ? `Warning: ${m}` : m;
      if (flags.quiet) io.stderr(line + '\n');
      else bar.log(line);
    },
    tileSize: flags.tileSize,
  };
  const submit = async (): Promise<RunResult> => {
    const { submitRun } = await import('../drivers/bullmq.js'); // loaded only for BullMQ runs
    const bull = { redis: flags.redis!, queue: flags.queue, tilesPerJob: flags.tilesPerJob };
    // a step graph runs here and sends its map steps to the workers, one flow each
    if (alg.composite) {
      return run(alg, values, {
        ...options,
        spread: (a, p, so = {}) => submitRun(a, p, { ...options, ...bull, cwd: io.cwd, threads: so.threads ?? options.threads, onProgress: so.onProgress, onLog: so.onLog }),
      });
    }
    return submitRun(alg, values, { ...options, ...bull, cwd: io.cwd });
  };
  const res = await (flags.redis ? submit() : runOrTile(alg, values, flags.tile, io.env, options)).catch((e) => {
    bar.interrupt();
    throw e;
  });
  if (!flags.quiet) bar.finish();
  if (flags.json) io.stdout(JSON.stringify({ algorithm: res.algorithm, results: res.results }) + '\n');
  else if (!flags.quiet) {
    for (const [k, v] of Object.entries(res.results)) {
      io.stdout(`${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}\n`);
    }
  }
  return EXIT_OK;
}

/** A run in this process, one part of a tiled run, or the merge of its parts (--tile). */
async function runOrTile(alg: Algorithm, values: Record<string, unknown>, tile: string | undefined, env: NodeJS.ProcessEnv, o: TileOptions): Promise<RunResult> {
  if (!tile) return run(alg, values, o);
  let part = 0;
  let parts = 1;
  if (tile !== 'merge' && tile !== 'prepare') {
    const [i, n] = tile.split('/');
    parts = Number(n);
    if (i === 'auto') {
      const from = env.JOB_COMPLETION_INDEX || env.SLURM_ARRAY_TASK_ID;
      if (from === undefined || !/^\d+$/.test(from)) throw new CliUsage('--tile auto/N reads the part from JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID (Slurm array); neither is set to a whole number here — give --tile I/N');
      part = Number(from);
    } else part = Number(i);
    if (parts < 1 || part >= parts) throw new CliUsage(`--tile ${tile}: the part must be 0…${parts - 1} (0-based) of N ≥ 1 parts`);
  }
  if (alg.composite) {
    // a step graph: its tiled steps are spread, the others run in the prepare and merge jobs
    const mode: TileMode = tile === 'prepare' ? { mode: 'prepare', tileSize: o.tileSize } : tile === 'merge' ? { mode: 'merge', tileSize: o.tileSize } : { mode: 'part', part, parts, tileSize: o.tileSize };
    return run(alg, values, { ...o, tile: mode });
  }
  if (tile === 'prepare') throw new CliUsage(`--tile prepare applies to workflows (step graphs); ${alg.id} needs no preparation: run --tile I/N, then --tile merge`);
  if (tile === 'merge') return mergeParts(alg, values, o);
  const r = await runPart(alg, values, part, parts, o);
  return { algorithm: alg.id, results: { PART: part, PARTS: parts, TILES: r.tiles.length, COMPUTED: r.computed, REUSED: r.reused, PARTS_FOLDER: r.folder }, seconds: 0 };
}

/** Run the CLI; returns the exit code. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const program = new Command();
  let code = EXIT_OK;
  program
    .name('socp')
    .description('Soil organic carbon sequestration potential toolbox: saturation models, gbm-exact boosted regression trees, terrain covariates, uncertainty maps and reports. Algorithms run the same from here, QGIS and HTTP.')
    .version(socpVersion)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: () => undefined })
    .showSuggestionAfterError(true);

  program.command('list').description('list the algorithms').option('--json', 'one JSON document with every algorithm and its parameters')
    .action(async (o: { json?: boolean }) => {
      const algs = await listAlgorithms();
      if (o.json) io.stdout(JSON.stringify({ socp: socpVersion, algorithms: algs.map(describeAlgorithm) }) + '\n');
      else {
        let group = '';
        for (const a of algs) {
          if (a.group !== group) {
            group = a.group;
            io.stdout(`${group}\n`);
          }
          io.stdout(`  ${a.id.padEnd(30)} ${a.title}\n`);
        }
      }
    });

  program.command('describe').argument('<id>', 'algorithm id, e.g. soil:potential').description('show an algorithm\'s help and parameters')
    .option('--json', 'the JSON usage document (parameters with JSON Schema and QGIS definitions)')
    .action(async (id: string, o: { json?: boolean }) => {
      const a = await getAlgorithm(id);
      io.stdout(o.json ? JSON.stringify(describeAlgorithm(a), null, 2) + '\n' : helpText(a) + '\n');
    });

  program.command('run').argument('<id>', 'algorithm id').argument('[parameters...]', '--NAME=value …')
    .description('run an algorithm: socp run <id> --NAME=value … [--params file.json] [--json] [-q] [--threads N] [--overwrite] [--tile I/N|auto/N|merge|prepare] [--tile-size 512] [--redis URL [--queue socp] [--tiles-per-job 1]]')
    .allowUnknownOption(true).helpOption(false)
    .action(async (id: string, rest: string[]) => {
      code = await runCommand(id, rest, io);
    });

  program.command('worker').description('take tiled runs from a BullMQ queue on Redis; see socp worker --help')
    .allowUnknownOption(true).helpOption(false).argument('[options...]')
    .action(async (rest: string[]) => {
      const { workerCommand } = await import('./worker.js');
      code = await workerCommand(rest, io);
    });

  program.command('serve').description('start the local HTTP bridge (OGC API – Processes); see socp serve --help')
    .allowUnknownOption(true).helpOption(false).argument('[options...]')
    .action(async (rest: string[]) => {
      const spec = '../../server/serve.js'; // resolved at run time: the bridge is optional in the build
      const mod = (await import(spec).catch(() => null)) as { serveCommand(args: string[], io: CliIO): Promise<number> } | null;
      if (!mod) throw new CliUsage('the HTTP bridge is not part of this build');
      code = await mod.serveCommand(rest, io);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT_OK;
      io.stderr(`ERROR: ${e.message.replace(/^error: /, '')}\n`);
      return EXIT_USAGE;
    }
    if (e instanceof CliUsage) {
      io.stderr(`ERROR: ${e.message}\n`);
      return EXIT_USAGE;
    }
    if (isSocpError(e)) {
      io.stderr(`ERROR: ${e.message}\n`);
      return e.kind === 'usage' ? EXIT_USAGE : e.kind === 'cancelled' ? EXIT_CANCELLED : EXIT_FAILURE;
    }
    io.stderr(`ERROR: ${messageOf(e)}\n`);
    if (io.env.SOCP_DEBUG) io.stderr(String((e as Error)?.stack) + '\n');
    return EXIT_FAILURE;
  }
}
