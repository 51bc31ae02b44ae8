/**
 * The engine's WebAssembly module (wasm/grower.ts with wasm/mt.ts, AssemblyScript compiled by
 * `npm run build`), compiled once per thread on first use. Each user (a fit's tree grower, an
 * RMersenneTwister) takes an instance of its own with a memory of its own, made as large as it
 * will ever need: a WebAssembly memory that grows detaches its old ArrayBuffer, and after one
 * detached ArrayBuffer V8 checks every typed-array access of the process for detachment (measured:
 * prediction 24 % slower for the rest of the process).
 */
import { readFileSync } from 'node:fs';

/** What the module exports (offsets are byte offsets into the instance's memory). */
export interface EngineExports {
  // grower.ts
  bytesNeeded(nTrain: number, nRows: number, nVars: number, depth: number, minObs: number, keepTrees: number): number;
  init(nTrain: number, nRows: number, nVars: number, depth: number, minObs: number, keepTrees: number): void;
  start(initF: number): void;
  step(nBag: number, shrinkage: number, keep: boolean): number;
  ptrX(): number;
  ptrOrder(): number;
  ptrY(): number;
  ptrW(): number;
  ptrF(): number;
  ptrTrees(): number;
  ptrTreeNodes(): number;
  treeBytes(): number;
  clearTrees(): void;
  // mt.ts
  rngSeed(seed: number): void;
  rngUnif(): number;
  rngFill(out: number, count: number): void;
  rngScratch(): number;
  RNG_SCRATCH: WebAssembly.Global;
}

export interface EngineInstance {
  exports: EngineExports;
  memory: WebAssembly.Memory;
}

/** WebAssembly pages (64 KiB) a 32-bit memory can have. */
const MAX_PAGES = 65536;

let compiled: WebAssembly.Module | undefined;
let sizer: EngineExports | undefined;

function engineModule(): WebAssembly.Module {
  if (!compiled) {
    const file = new URL('./wasm/grower.wasm', import.meta.url);
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = new Uint8Array(readFileSync(file));
    } catch (e) {
      throw new Error(`the boosting engine's WebAssembly file ${file.pathname} is missing: run \`npm run build\` (${(e as Error).message})`);
    }
    compiled = new WebAssembly.Module(bytes);
  }
  return compiled;
}

/**
 * A new instance of the engine module with a memory of at least `bytes` bytes (the static data
 * needs less than one page); null when that is more than a 32-bit memory holds or the system
 * refuses it.
 */
export function engineInstance(bytes = 0): EngineInstance | null {
  const pages = Math.max(1, Math.ceil(bytes / 65536));
  if (pages > MAX_PAGES) return null;
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: pages });
  } catch {
    return null;
  }
  const exports = new WebAssembly.Instance(engineModule(), { env: { memory } }).exports as unknown as EngineExports;
  return { exports, memory };
}

/** The memory a tree grower for these sizes needs, in bytes (see grower.ts bytesNeeded). */
export function growerBytes(nTrain: number, nRows: number, nVars: number, depth: number, minObs: number, keepTrees: number): number {
  sizer ??= engineInstance()!.exports;
  return sizer.bytesNeeded(nTrain, nRows, nVars, depth, minObs, keepTrees);
}
