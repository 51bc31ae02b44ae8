// SPDX-License-Identifier: GPL-2.0-or-later
// A small seeded pseudo-random generator for the sampling tools: the seed is mixed by SplitMix32
// (after Steele, Lea & Flood 2014, "Fast splittable pseudorandom number generators") and the
// stream is Mulberry32 (T. Ettinger, public domain). Period 2^32, plenty for drawing pixel samples,
// initial centres and tie-breaking keys; every random step of sampling:fcm, sampling:purposive and
// stats:pca goes through one instance created from the SEED parameter, so runs are reproducible.

export class Rng {
  private state: number;

  constructor(seed: number) {
    // SplitMix32-style scrambling so that nearby seeds (1, 2, 3…) give unrelated streams.
    let z = (Math.trunc(seed) ^ 0x9e3779b9) >>> 0;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    this.state = (z ^ (z >>> 16)) >>> 0;
  }

  /** Uniform double in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}

/**
 * Reservoir sampling (Vitter's Algorithm R): offer items one at a time in a fixed order; after all
 * offers, `slots[0..size)` hold the positions of a uniform random sample of min(k, offered) items.
 * `offer()` returns the slot the current item must be written to, or -1 to skip it.
 */
export class Reservoir {
  offered = 0;
  constructor(readonly k: number, private readonly rng: Rng) {}

  offer(): number {
    const t = this.offered++;
    if (t < this.k) return t;
    const j = Math.floor(this.rng.next() * (t + 1));
    return j < this.k ? j : -1;
  }

  get size(): number {
    return Math.min(this.k, this.offered);
  }
}
