#!/usr/bin/env node
// SPDX-License-Identifier: GPL-2.0-or-later
// Load test of the HTTP bridge on loopback with autocannon, bounded in count and time:
//   1. GET /processes with 200 concurrent connections
//   2. POST /processes/soil:potential/execution (synchronous, a tiny table) with 50 concurrent
//      connections, each writing its own output
// Starts its own `socp serve` (dist/, so run `npm run build` first) on an ephemeral port with a
// temporary workspace; prints the figures (text, or JSON with --json) and exits 1 on any error.
//   node scripts/load-test.mjs [--requests 4000] [--executions 200] [--json]

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist', 'toolbox', 'cli', 'main.js');

const SAMPLE = 'id,lon,lat,soc,bd,fine,gravel\n1,125.1,45.2,20.5,1.25,55,2\n2,125.3,45.4,15.2,1.32,62,0\n3,126.0,46.1,30.1,1.10,48,5\n';

async function startBridge(ws, stateDir, token, extra) {
  const proc = spawn(process.execPath, [cli, 'serve', '--port', '0', '--workspace', ws, '--state-dir', stateDir, ...extra], {
    env: { ...process.env, SOCP_TOKEN: token }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stderr.on('data', (d) => (err += d));
  const url = await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`socp serve did not start:\n${err}`)), 30_000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(m[1]);
      }
    });
    proc.on('exit', (c) => reject(new Error(`socp serve exited with ${c}:\n${err}`)));
  });
  return { proc, url };
}

function figures(name, r) {
  return {
    test: name,
    connections: r.connections,
    requests: r.requests.total,
    ok2xx: r['2xx'],
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    seconds: r.duration,
    reqPerSec: Math.round(r.requests.average),
    latencyMs: { p50: r.latency.p50, p97_5: r.latency.p97_5, p99: r.latency.p99, max: r.latency.max },
  };
}

/** Run both load tests against a fresh bridge; resolves with their figures. */
export async function runLoadTest({ requests = 4000, executions = 200, listConnections = 200, execConnections = 50 } = {}) {
  const ws = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'socp-load-ws-')));
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'socp-load-state-'));
  fs.writeFileSync(path.join(ws, 'samples.csv'), SAMPLE);
  const token = 'load-' + Math.random().toString(36).slice(2);
  // queue sized so that every concurrent execution is accepted (the cap itself is tested elsewhere)
  const { proc, url } = await startBridge(ws, stateDir, token, ['--max-jobs', String(Math.max(2, Math.min(8, os.availableParallelism()))), '--max-queue', String(execConnections + 8)]);
  const auth = { authorization: `Bearer ${token}` };
  try {
    // warm up (first request loads every algorithm module)
    await fetch(`${url}/processes`, { headers: auth });
    const list = await autocannon({
      url: `${url}/processes`, connections: listConnections, amount: requests, timeout: 30, headers: auth,
    });
    let n = 0;
    const exec = await autocannon({
      url, connections: execConnections, amount: executions, timeout: 120,
      requests: [{
        method: 'POST',
        path: '/processes/soil:potential/execution',
        headers: { ...auth, 'content-type': 'application/json' },
        setupRequest: (req) => ({
          ...req,
          body: JSON.stringify({ inputs: { INPUT: 'samples.csv', SOC_FIELD: 'soc', BD_FIELD: 'bd', FINE_FIELD: 'fine', GRAVEL_FIELD: 'gravel', OUTPUT: `out-${n++}.csv` } }),
        }),
      }],
    });
    const written = fs.readdirSync(ws).filter((f) => /^out-\d+\.csv$/.test(f)).length;
    return { node: process.version, cpus: os.availableParallelism(), list: figures('GET /processes', list), exec: { ...figures('POST soil:potential (sync)', exec), outputsWritten: written } };
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
    fs.rmSync(ws, { recursive: true, force: true });
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
}

function arg(name, dflt) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const res = await runLoadTest({ requests: arg('--requests', 4000), executions: arg('--executions', 200) });
  if (process.argv.includes('--json')) console.log(JSON.stringify(res, null, 2));
  else {
    console.log(`node ${res.node}, ${res.cpus} CPUs, loopback`);
    console.log('| test | connections | requests | 2xx | non-2xx | errors | timeouts | req/s | p50 ms | p99 ms | max ms |');
    console.log('|---|---|---|---|---|---|---|---|---|---|---|');
    for (const f of [res.list, res.exec]) {
      console.log(`| ${f.test} | ${f.connections} | ${f.requests} | ${f.ok2xx} | ${f.non2xx} | ${f.errors} | ${f.timeouts} | ${f.reqPerSec} | ${f.latencyMs.p50} | ${f.latencyMs.p99} | ${f.latencyMs.max} |`);
    }
    console.log(`outputs written by the executions: ${res.exec.outputsWritten}`);
  }
  const bad = [res.list, res.exec].some((f) => f.errors || f.timeouts || f.non2xx) || res.exec.outputsWritten !== res.exec.requests;
  process.exitCode = bad ? 1 : 0;
}
