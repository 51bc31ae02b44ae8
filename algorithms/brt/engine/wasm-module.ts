/**
 * The engine's WebAssembly module (wasm/grower.ts with wasm/mt.ts, AssemblyScript compiled by
 * `npm run build`), compiled once per thread on first use. Each user (a fit's tree grower, an
 * RMersenneTwister) takes an instance of its own, with its own memory.
 */
import { readFileSync } from 'node:fs';

/** What the module exports (offsets are byte offsets into `memory`). */
export interface EngineExports {
  memory: WebAssembly.Memory;
  // grower.ts
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
  // mt.ts
  rngSeed(seed: number): void;
  rngUnif(): number;
  rngFill(out: number, count: number): void;
  rngScratch(): number;
  RNG_SCRATCH: WebAssembly.Global;
}

let compiled: WebAssembly.Module | undefined;

/** A new instance of the engine module. */
export function engineInstance(): EngineExports {
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
  return new WebAssembly.Instance(compiled, {}).exports as unknown as EngineExports;
}
