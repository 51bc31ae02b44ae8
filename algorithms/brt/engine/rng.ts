/**
 * R's default uniform generator (Mersenne-Twister, `RNGkind("Mersenne-Twister")`) exactly as
 * `set.seed(seed)` leaves it, so that `new RMersenneTwister(s).unifRand()` returns the very
 * numbers `set.seed(s); runif(n)` returns in R (R >= 1.7, any version since: the default kind).
 *
 * Follows R's src/main/RNG.c:
 *  - `RNG_Init`: the seed (a 32-bit integer) is scrambled 50 times by the LCG
 *    `seed = 69069 * seed + 1` (mod 2^32), then each of the 625 state words (`dummy[0]` = mti,
 *    then mt[0..623]) is filled with the next LCG value;
 *  - `FixupSeeds(initial = TRUE)`: `dummy[0] = 624`, so the first draw regenerates the block;
 *  - `MT_genrand`: the 1998 Matsumoto–Nishimura generator, tempering, times 2.3283064365386963e-10;
 *  - `unif_rand`: `fixup()` keeps the value strictly inside (0, 1).
 *
 * Used by the boosting engine for gbm's bagging (one `unifRand()` per training row and tree).
 */

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const TEMPERING_MASK_B = 0x9d2c5680;
const TEMPERING_MASK_C = 0xefc60000;
/** R's i2_32m1 = 1 / (2^32 - 1). */
const I2_32M1 = 2.328306437080797e-10;

/** R's `fixup()`: keeps a draw strictly inside (0, 1). */
function fixup(x: number): number {
  if (x <= 0) return 0.5 * I2_32M1;
  if (1 - x <= 0) return 1 - 0.5 * I2_32M1;
  return x;
}

export class RMersenneTwister {
  private readonly mt = new Uint32Array(N);
  private mti = N + 1;

  /** Seeds like R's `set.seed(seed)`; `seed` must be an integer in the int32 range. */
  constructor(seed: number) {
    this.setSeed(seed);
  }

  setSeed(seed: number): void {
    if (!Number.isInteger(seed) || seed < -2147483648 || seed > 2147483647) {
      throw new Error(`seed must be a whole number between -2147483648 and 2147483647, got ${seed}`);
    }
    let s = seed >>> 0;
    for (let j = 0; j < 50; j++) s = (Math.imul(69069, s) + 1) >>> 0;
    // dummy[0] (mti) takes the first value, mt[0..623] the next 624; FixupSeeds resets mti.
    s = (Math.imul(69069, s) + 1) >>> 0;
    for (let j = 0; j < N; j++) {
      s = (Math.imul(69069, s) + 1) >>> 0;
      this.mt[j] = s;
    }
    this.mti = N;
  }

  /** R's `MT_genrand()`: a double in [0, 1). */
  private genrand(): number {
    const mt = this.mt;
    let y: number;
    if (this.mti >= N) {
      let kk = 0;
      for (; kk < N - M; kk++) {
        y = (mt[kk]! & UPPER_MASK) | (mt[kk + 1]! & LOWER_MASK);
        mt[kk] = mt[kk + M]! ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
      }
      for (; kk < N - 1; kk++) {
        y = (mt[kk]! & UPPER_MASK) | (mt[kk + 1]! & LOWER_MASK);
        mt[kk] = mt[kk + (M - N)]! ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
      }
      y = (mt[N - 1]! & UPPER_MASK) | (mt[0]! & LOWER_MASK);
      mt[N - 1] = mt[M - 1]! ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
      this.mti = 0;
    }
    y = mt[this.mti++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & TEMPERING_MASK_B;
    y ^= (y << 15) & TEMPERING_MASK_C;
    y ^= y >>> 18;
    return (y >>> 0) * 2.3283064365386963e-10;
  }

  /**
   * The next `count` values of unifRand() into out[0..count) (one call instead of one per value:
   * a double returned from a call that is not inlined costs a heap allocation).
   */
  fillUnif(out: Float64Array, count: number): void {
    for (let i = 0; i < count; i++) out[i] = fixup(this.genrand());
  }

  /** R's `unif_rand()`: a double strictly inside (0, 1). */
  unifRand(): number {
    return fixup(this.genrand());
  }
}
