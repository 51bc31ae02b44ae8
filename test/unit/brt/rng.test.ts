import { describe, it, expect } from 'vitest';
import { RMersenneTwister } from '../../../algorithms/brt/engine/rng.js';

function draws(seed: number, n: number): number[] {
  const r = new RMersenneTwister(seed);
  return Array.from({ length: n }, () => r.unifRand());
}

describe("R's Mersenne-Twister (set.seed / unif_rand)", () => {
  it('matches set.seed(42); runif(5)', () => {
    // Rscript -e 'set.seed(42); print(runif(5), digits=17)'   (R 4.2.2)
    expect(draws(42, 5)).toEqual([
      0.91480604349635541, 0.93707541329786181, 0.28613953478634357, 0.83044762606732547, 0.64174551889300346,
    ]);
  });

  it('matches across the 624-word state refill (set.seed(1))', () => {
    // Rscript -e 'set.seed(1); x<-runif(1000); print(x[c(1,2,624,625,626,1000)], digits=17)'
    const x = draws(1, 1000);
    expect([x[0], x[1], x[623], x[624], x[625], x[999]]).toEqual([
      0.26550866314209998, 0.37212389963679016, 0.13648758619092405, 0.32486514048650861, 0.62107629375532269,
      0.2655367199331522,
    ]);
  });

  it('fillUnif gives the same stream in blocks (set.seed(1), across the refill)', () => {
    const r = new RMersenneTwister(1);
    const a = new Float64Array(620);
    const b = new Float64Array(380);
    r.fillUnif(a, 620);
    r.fillUnif(b, 380);
    const x = [...a, ...b];
    expect([x[0], x[1], x[623], x[624], x[625], x[999]]).toEqual([
      0.26550866314209998, 0.37212389963679016, 0.13648758619092405, 0.32486514048650861, 0.62107629375532269,
      0.2655367199331522,
    ]);
  });

  it('matches negative, zero and extreme seeds', () => {
    // Rscript -e 'set.seed(-7); print(runif(3), digits=17)'
    expect(draws(-7, 3)).toEqual([0.32649485557340086, 0.53986111702397466, 0.25473622092977166]);
    // Rscript -e 'set.seed(2147483647); print(runif(3), digits=17)'
    expect(draws(2147483647, 3)).toEqual([0.68966742674820125, 0.98787517822347581, 0.19676422467455268]);
    // Rscript -e 'set.seed(0); print(runif(2), digits=17)'
    expect(draws(0, 2)).toEqual([0.8966972001362592, 0.26550866314209998]);
  });

  it('rejects seeds R cannot take', () => {
    expect(() => new RMersenneTwister(1.5)).toThrow(/whole number/);
    expect(() => new RMersenneTwister(2 ** 31)).toThrow(/between/);
  });
});
