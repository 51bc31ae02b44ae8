// SPDX-License-Identifier: GPL-2.0-or-later
// Pure kernels: the k-d tree against brute force, IDW against hand values, and the expression
// compiler against mathjs's own evaluate() (an independent evaluator of the same syntax).

import { describe, expect, it } from 'vitest';
import { evaluate } from 'mathjs';
import { KdTree } from '../../../algorithms/covariates/kernels/kdtree.js';
import { Estimator } from '../../../algorithms/covariates/kernels/idw.js';
import { compileExpression, ExpressionError } from '../../../algorithms/raster/kernels/expression.js';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('KdTree', () => {
  it('k nearest within a radius equal brute force (incl. duplicates and ties)', () => {
    const r = lcg(7);
    const n = 500;
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = Math.round(r() * 100);
      y[i] = Math.round(r() * 100);
    }
    const t = new KdTree(x, y);
    const idx = new Int32Array(20);
    const d2 = new Float64Array(20);
    for (let q = 0; q < 300; q++) {
      const qx = r() * 110 - 5;
      const qy = r() * 110 - 5;
      const k = 1 + Math.floor(r() * 20);
      const maxR2 = r() < 0.5 ? Infinity : (r() * 30) ** 2;
      const m = t.nearest(qx, qy, k, maxR2, idx, d2);
      const all = Array.from({ length: n }, (_, i) => [(x[i] - qx) ** 2 + (y[i] - qy) ** 2, i])
        .filter(([d]) => d <= maxR2).sort((a, b) => a[0] - b[0] || a[1] - b[1]).slice(0, k);
      expect(m).toBe(all.length);
      expect(Array.from(idx.subarray(0, m))).toEqual(all.map((a) => a[1]));
      expect(Array.from(d2.subarray(0, m))).toEqual(all.map((a) => a[0]));
    }
  });
});

describe('IDW estimator', () => {
  const x = Float64Array.from([0, 10, 0]);
  const y = Float64Array.from([0, 0, 10]);
  const z = Float64Array.from([1, 2, 3]);
  it('power 1 and 2 by hand at (5, 0)', () => {
    // distances 5, 5, sqrt(125)
    const e2 = new Estimator(x, y, z, { method: 'idw', power: 2, radius: 0, maxPoints: 0, minPoints: 1 });
    expect(e2.at(5, 0)).toBeCloseTo((1 / 25 + 2 / 25 + 3 / 125) / (1 / 25 + 1 / 25 + 1 / 125), 12);
    const e1 = new Estimator(x, y, z, { method: 'idw', power: 1, radius: 0, maxPoints: 0, minPoints: 1 });
    const s = Math.sqrt(125);
    expect(e1.at(5, 0)).toBeCloseTo((1 / 5 + 2 / 5 + 3 / s) / (2 / 5 + 1 / s), 12);
  });
  it('power 0 is the plain mean; MIN_POINTS gives NaN', () => {
    const e0 = new Estimator(x, y, z, { method: 'idw', power: 0, radius: 0, maxPoints: 0, minPoints: 1 });
    expect(e0.at(3, 3)).toBeCloseTo(2, 12);
    const er = new Estimator(x, y, z, { method: 'idw', power: 2, radius: 6, maxPoints: 0, minPoints: 2 });
    expect(er.at(5, 0)).toBeCloseTo(1.5, 12);
    expect(er.at(0, 9)).toBeNaN();
  });
});

describe('expression compiler', () => {
  const names = ['soc', 'bd', 'g'];
  const cases = [
    'soc * bd', '30 * soc * bd * (1 - g / 100) / 100', 'soc ^ 2 - bd', '-soc^2', 'soc > 10 ? soc : -1',
    'max(soc, bd, g) - min(soc, 2)', 'log(soc) + log(bd, 10) + log10(g + 1) + exp(bd / 10)',
    'sqrt(abs(soc - bd))', 'mod(soc, 3) + soc % 4', 'round(soc / 7) + floor(bd) + ceil(g / 3)',
    '(soc > 5 and bd < 1.5) or not (g == 0)', 'pi * e + sin(soc) * cos(bd) + atan2(soc, bd)', 'soc xor bd',
    '2.5e-3 * soc', 'square(bd) + cube(2) + hypot(soc, bd) + sign(-g) + fix(-2.7)',
  ];
  const r = lcg(3);
  const rows = Array.from({ length: 40 }, () => [r() * 40 - 5, 0.8 + r(), Math.floor(r() * 30)]);
  for (const expr of cases) {
    it(`${expr} equals mathjs evaluate`, () => {
      const c = compileExpression(expr, names);
      const cols = c.used.map((u) => Float64Array.from(rows, (row) => row[names.indexOf(u)]));
      const out = new Float64Array(rows.length);
      c.evaluate(cols, rows.length, out);
      rows.forEach((row, i) => {
        let v = evaluate(expr, { soc: row[0], bd: row[1], g: row[2] });
        if (typeof v === 'boolean') v = v ? 1 : 0;
        if (typeof v !== 'number' || !Number.isFinite(v)) expect(out[i]).toBeNaN(); // complex / infinite → nodata
        else expect(out[i]).toBeCloseTo(v, 9);
      });
    });
  }
  it('NaN in a used input gives NaN; non-finite results are counted', () => {
    const c = compileExpression('soc / bd', names);
    const out = new Float64Array(3);
    const bad = c.evaluate([Float64Array.from([1, NaN, 1]), Float64Array.from([2, 1, 0])], 3, out);
    expect(out[0]).toBe(0.5);
    expect(out[1]).toBeNaN();
    expect(out[2]).toBeNaN();
    expect(bad).toBe(1);
    expect(c.used).toEqual(['soc', 'bd']);
  });
  it('refuses unknown variables, functions and code', () => {
    expect(() => compileExpression('soc * bdd', names, () => 'bd')).toThrow(/unknown variable "bdd".*did you mean "bd"/);
    for (const bad of ['soc.constructor', 'f(x) = x', 'a = 1', 'evaluate("1")', 'import({})', '[1,2]', '"text"', 'soc[1]', 'x => 1']) {
      expect(() => compileExpression(bad, names), bad).toThrow(ExpressionError);
    }
  });
});
