/**
 * R's default uniform generator (Mersenne-Twister) exactly as `set.seed(seed)` leaves it, so that
 * `new RMersenneTwister(s).unifRand()` returns the very numbers `set.seed(s); runif(n)` returns in
 * R. The generator itself is wasm/mt.ts (R's src/main/RNG.c, in the engine's WebAssembly module,
 * where the fit's bagging draws from it too); each RMersenneTwister has an instance of its own.
 *
 * Used for gbm's bagging (inside the fit) and for cross-validation folds.
 */
import { engineInstance, type EngineExports } from './wasm-module.js';

/** Throws unless `seed` is a whole number in R's seed range (int32). */
export function checkSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < -2147483648 || seed > 2147483647) {
    throw new Error(`seed must be a whole number between -2147483648 and 2147483647, got ${String(seed)}`);
  }
}

export class RMersenneTwister {
  private readonly g: EngineExports;
  /** the module's scratch array for rngFill(): its offset and a view of it */
  private readonly scratchAt: number;
  private readonly scratch: Float64Array;

  /** Seeds like R's `set.seed(seed)`; `seed` must be an integer in the int32 range. */
  constructor(seed: number) {
    const inst = engineInstance()!;
    this.g = inst.exports;
    this.scratchAt = this.g.rngScratch();
    this.scratch = new Float64Array(inst.memory.buffer, this.scratchAt, this.g.RNG_SCRATCH.value as number);
    this.setSeed(seed);
  }

  setSeed(seed: number): void {
    checkSeed(seed);
    this.g.rngSeed(seed);
  }

  /** The next `count` values of unifRand() into out[0..count). */
  fillUnif(out: Float64Array, count: number): void {
    const s = this.scratch;
    for (let at = 0; at < count; at += s.length) {
      const k = Math.min(s.length, count - at);
      this.g.rngFill(this.scratchAt, k);
      out.set(k === s.length ? s : s.subarray(0, k), at);
    }
  }

  /** R's `unif_rand()`: a double strictly inside (0, 1). */
  unifRand(): number {
    return this.g.rngUnif();
  }
}
