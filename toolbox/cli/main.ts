#!/usr/bin/env node
// SPDX-License-Identifier: GPL-2.0-or-later
// The `socp` executable: wires process argv, streams, SIGINT and the exit code to cli.ts.

import { main } from './cli.js';

const ac = new AbortController();
let interrupted = false;
const stop = (signal: string) => {
  if (interrupted) process.exit(130);
  interrupted = true;
  process.stderr.write(`\n${signal}: cancelling and removing partial outputs… (again to quit at once)\n`);
  ac.abort();
};
process.on('SIGINT', () => stop('Interrupted'));
process.on('SIGTERM', () => stop('Terminated'));

const code = await main(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  cwd: process.cwd(),
  env: process.env,
  signal: ac.signal,
});
process.exitCode = code;
