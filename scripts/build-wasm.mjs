#!/usr/bin/env node
// Compiles the WebAssembly parts of the engine (AssemblyScript sources) for `npm run build`.
// Each module is written beside its source (what the tests import) and into dist/ (what the CLI,
// the server and the worker threads import). Usage: node scripts/build-wasm.mjs
import asc from 'assemblyscript/asc';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const modules = ['algorithms/brt/engine/wasm/grower'];

for (const m of modules) {
  const out = join(root, `${m}.wasm`);
  const { error, stderr } = await asc.main([
    join(root, `${m}.ts`),
    '--outFile', out,
    '--optimizeLevel', '3',
    '--shrinkLevel', '0',
    // AssemblyScript's smallest runtime (a bump allocator, no garbage collector): the engine
    // lays out its memory itself and allocates nothing
    '--runtime', 'stub',
    '--noAssert',
    '--importMemory',
    '--initialMemory', '1',
    '--enable', 'simd',
  ]);
  if (error) {
    console.error(stderr.toString());
    console.error(`build-wasm: ${m}.ts failed: ${error.message}`);
    process.exit(1);
  }
  const dist = join(root, 'dist', `${m}.wasm`);
  mkdirSync(dirname(dist), { recursive: true });
  copyFileSync(out, dist);
}
