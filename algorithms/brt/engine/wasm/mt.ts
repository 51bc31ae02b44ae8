/**
 * R's default uniform generator (Mersenne-Twister, `RNGkind("Mersenne-Twister")`) exactly as
 * `set.seed(seed)` leaves it, so that after rngSeed(s) the values rngUnif() returns are the very
 * numbers `set.seed(s); runif(n)` returns in R (R >= 1.7, any version since: the default kind).
 * AssemblyScript, compiled into the engine's WebAssembly module (see grower.ts); the host-side
 * class is ../rng.ts.
 *
 * Follows R's src/main/RNG.c:
 *  - `RNG_Init`: the seed (a 32-bit integer) is scrambled 50 times by the LCG
 *    `seed = 69069 * seed + 1` (mod 2^32), then each of the 625 state words (`dummy[0]` = mti,
 *    then mt[0..623]) is filled with the next LCG value;
 *  - `FixupSeeds(initial = TRUE)`: `dummy[0] = 624`, so the first draw regenerates the block;
 *  - `MT_genrand`: the 1998 Matsumoto–Nishimura generator, tempering, times 2.3283064365386963e-10;
 *  - `unif_rand`: `fixup()` keeps the value strictly inside (0, 1).
 */

const N = 624;
const M = 397;
const MATRIX_A: u32 = 0x9908b0df;
const UPPER_MASK: u32 = 0x80000000;
const LOWER_MASK: u32 = 0x7fffffff;
const TEMPERING_MASK_B: u32 = 0x9d2c5680;
const TEMPERING_MASK_C: u32 = 0xefc60000;
/** R's i2_32m1 = 1 / (2^32 - 1). */
const I2_32M1: f64 = 2.328306437080797e-10;

/** the 624 state words */
const mt: usize = memory.data(4 * N, 8);
let mti: i32 = N + 1;

@inline function word(k: i32): u32 {
  return load<u32>(mt + (<usize>k << 2));
}
@inline function setWord(k: i32, v: u32): void {
  store<u32>(mt + (<usize>k << 2), v);
}

/** `set.seed(seed)`. */
export function rngSeed(seed: i32): void {
  let s = <u32>seed;
  for (let j = 0; j < 50; j++) s = 69069 * s + 1;
  // dummy[0] (mti) takes the first value, mt[0..623] the next 624; FixupSeeds resets mti
  s = 69069 * s + 1;
  for (let j = 0; j < N; j++) {
    s = 69069 * s + 1;
    setWord(j, s);
  }
  mti = N;
}

/** R's `MT_genrand()`: a double in [0, 1). */
function genrand(): f64 {
  let y: u32;
  if (mti >= N) {
    let kk = 0;
    for (; kk < N - M; kk++) {
      y = (word(kk) & UPPER_MASK) | (word(kk + 1) & LOWER_MASK);
      setWord(kk, word(kk + M) ^ (y >> 1) ^ (-(y & 1) & MATRIX_A));
    }
    for (; kk < N - 1; kk++) {
      y = (word(kk) & UPPER_MASK) | (word(kk + 1) & LOWER_MASK);
      setWord(kk, word(kk + (M - N)) ^ (y >> 1) ^ (-(y & 1) & MATRIX_A));
    }
    y = (word(N - 1) & UPPER_MASK) | (word(0) & LOWER_MASK);
    setWord(N - 1, word(M - 1) ^ (y >> 1) ^ (-(y & 1) & MATRIX_A));
    mti = 0;
  }
  y = word(mti++);
  y ^= y >> 11;
  y ^= (y << 7) & TEMPERING_MASK_B;
  y ^= (y << 15) & TEMPERING_MASK_C;
  y ^= y >> 18;
  return <f64>y * 2.3283064365386963e-10;
}

/** R's `unif_rand()`: `fixup(MT_genrand())`, a double strictly inside (0, 1). */
export function rngUnif(): f64 {
  const x = genrand();
  if (x <= 0) return 0.5 * I2_32M1;
  if (1 - x <= 0) return 1 - 0.5 * I2_32M1;
  return x;
}

/** The next `count` values of rngUnif() into the f64 array at byte offset `out`. */
export function rngFill(out: usize, count: i32): void {
  for (let i = 0; i < count; i++) store<f64>(out + (<usize>i << 3), rngUnif());
}

/** A scratch array of RNG_SCRATCH doubles for the host's rngFill() calls. */
export const RNG_SCRATCH = 4096;
const scratch: usize = memory.data(8 * RNG_SCRATCH, 8);
export function rngScratch(): usize {
  return scratch;
}
