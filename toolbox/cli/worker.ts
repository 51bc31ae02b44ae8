// SPDX-License-Identifier: GPL-2.0-or-later
// `socp worker`: parse the options and run a BullMQ worker (toolbox/drivers/bullmq.ts) until
// SIGINT / SIGTERM.

import { UsageError } from '../errors.js';
import { DEFAULT_QUEUE, LOCK_DURATION_S, MAX_STALLED_COUNT, runWorker, STALLED_INTERVAL_S } from '../drivers/bullmq.js';
import type { CliIO } from './cli.js';
import { cliOptions } from './args.js';

export const WORKER_HELP = `socp worker — compute tiled runs taken from a BullMQ queue on Redis

Usage: socp worker --redis URL [--concurrency 1] [--queue ${DEFAULT_QUEUE}] [--threads N] [options]

Start one (or more) on every machine that should compute; submit with
  socp run <id> --NAME=value … --redis URL [--tile-size 512]
A run is a BullMQ flow: its tiles are child jobs, the mosaic is the parent job, run by
whichever worker is free once every tile is done. Every machine must see the input and
output files at the same paths (a shared file system: NFS, CephFS, Lustre…), and run the
same socp version as the submitter: a job of another version is refused.

  --redis URL            redis://[user:password@]host:6379[/db], or rediss:// for TLS
  --concurrency N        jobs at once in this process (default 1: socp's tiles are CPU-bound,
                         so start one worker per core, or give --threads)
  --queue NAME           queue name (default ${DEFAULT_QUEUE}; the submitter's --queue)
  --threads N            worker threads per job, for algorithms that use them (brt:predict)
  --lock-duration S      seconds a job's lock lasts, renewed every S/2 (default ${LOCK_DURATION_S})
  --stalled-interval S   seconds between checks for jobs whose worker died (default ${STALLED_INTERVAL_S});
                         a killed worker's tile is computed again after at most both times
  --max-stalled N        stalls allowed before a tile fails (default ${MAX_STALLED_COUNT})

Ctrl-C or SIGTERM: take no new jobs, finish the running ones, exit; a second Ctrl-C quits at
once (the tile goes back to the queue when its lock expires). Redis for production needs
maxmemory-policy noeviction and persistence (AOF or RDB): see docs/scale-out.md.`;

export async function workerCommand(args: string[], io: CliIO): Promise<number> {
  let redis: string | undefined;
  let queue: string | undefined;
  const nums: Record<string, number> = {};
  for (const o of cliOptions(args, (name) => new UsageError(`${name} needs a value; see socp worker --help`))) {
    const a = o.name;
    const val = o.value;
    const num = (min: number): void => {
      const x = val();
      const n = Number(x);
      if (!Number.isInteger(n) || n < min) throw new UsageError(`${a} must be a whole number ≥ ${min}, got "${x}"`);
      nums[a] = n;
    };
    switch (a) {
      case '-h': case '--help': io.stdout(WORKER_HELP + '\n'); return 0;
      case '--redis': redis = val(); break;
      case '--queue': queue = val(); if (queue.includes(':')) throw new UsageError('--queue: a name without ":"'); break;
      case '--concurrency': case '--threads': case '--lock-duration': case '--stalled-interval': num(1); break;
      case '--max-stalled': num(0); break;
      default: throw new UsageError(`unknown option "${o.given}"; see socp worker --help`);
    }
  }
  if (!redis) throw new UsageError('socp worker needs --redis URL (e.g. redis://127.0.0.1:6379); see socp worker --help');
  await runWorker({
    redis, queue,
    concurrency: nums['--concurrency'], threads: nums['--threads'],
    lockDuration: nums['--lock-duration'], stalledInterval: nums['--stalled-interval'], maxStalledCount: nums['--max-stalled'],
    signal: io.signal,
    log: (line) => io.stderr(`${new Date().toISOString().slice(11, 19)} ${line}\n`),
  });
  return 0;
}
