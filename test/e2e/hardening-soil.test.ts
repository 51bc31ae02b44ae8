// SPDX-License-Identifier: GPL-2.0-or-later
// Issue 17, items 9 and 10: a fine fraction given as a 0–1 fraction and a depth of 1e308 were
// accepted (negative potentials, "Infinity" written); both are refused with the parameter, the
// file and the fix, and nothing is written.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listDir, socp, tempDir, writeFile } from '../helpers.js';

const FRACTION_CSV = ['id,lon,lat,soc,bd,fine,gravel', '1,125.1,45.2,20,1.3,0.60,5', '2,125.2,45.3,15,1.2,0.5,0', '3,125.3,45.4,30,1.1,,10'].join('\n') + '\n';

describe('soil: unit mistakes are refused', () => {
  it.each(['soil:potential', 'soil:saturation'])('%s: FINE_FIELD whose largest value is ≤ 1 looks like a fraction', (id) => {
    const dir = tempDir();
    const input = writeFile(dir, 's.csv', FRACTION_CSV);
    const before = fs.readFileSync(input);
    const soc = id === 'soil:potential' ? ['--SOC_FIELD=soc'] : [];
    const r = socp(['run', id, `--INPUT=${input}`, ...soc, '--BD_FIELD=bd', '--FINE_FIELD=fine', '--GRAVEL_FIELD=gravel', `--OUTPUT=${path.join(dir, 'o.csv')}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ERROR: .*s\.csv: field "fine" \(FINE_FIELD\): every value is ≤ 1 \(largest 0\.6\): it looks like a fraction; FINE_FIELD expects % < 50 µm, 0–100 \(multiply by 100\)/);
    expect(listDir(dir)).toEqual(['s.csv']);
    expect(fs.readFileSync(input)).toEqual(before);
  });

  it('a fine fraction of 1.5 % somewhere is accepted (only a column entirely ≤ 1 is a fraction)', () => {
    const dir = tempDir();
    const input = writeFile(dir, 's.csv', FRACTION_CSV.replace('0.5,0', '1.5,0'));
    const out = path.join(dir, 'o.csv');
    const r = socp(['run', 'soil:saturation', `--INPUT=${input}`, '--FINE_FIELD=fine', '--BD_FIELD=bd', '--GRAVEL_FIELD=gravel', `--OUTPUT=${out}`]);
    expect(r.code, r.stderr).toBe(0);
    // row 2 by hand: 30 · (4.09 + 0.37 · 1.5) · 1.2 · (1 − 0) · 10⁻² = 1.67238
    const row2 = fs.readFileSync(out, 'utf8').trim().split('\n')[2].split(',');
    expect(Number(row2.at(-1))).toBeCloseTo(30 * (4.09 + 0.37 * 1.5) * 1.2 * 1e-2, 10);
  });

  it.each(['1e308', '1001'])('DEPTH=%s is refused like DEPTH_FIELD beyond 1000 cm', (depth) => {
    const dir = tempDir();
    const input = writeFile(dir, 's.csv', FRACTION_CSV.replace(/0\.60|0\.5,/g, (m) => (m === '0.60' ? '60' : '50,')));
    const r = socp(['run', 'soil:density', `--INPUT=${input}`, '--SOC_FIELD=soc', '--BD_FIELD=bd', `--DEPTH=${depth}`, `--OUTPUT=${path.join(dir, 'o.csv')}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`ERROR: soil:density: DEPTH: ${Number(depth)} is too large: it must be ≤ 1000`);
    expect(listDir(dir)).toEqual(['s.csv']);
  });
});
