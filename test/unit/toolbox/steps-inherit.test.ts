// SPDX-License-Identifier: GPL-2.0-or-later
// Issue 17, item 1: an algorithm runs another only through ctx.steps, which inherits the run's
// folder, workspace confinement and cancel signal. A direct import of toolbox/run.ts (or of
// reuse.ts, whose parse would skip the confinement) from an algorithm is the way around it.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../helpers.js';

function sources(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => path.join(dir, f));
}

describe('sub-runs inherit the run options', () => {
  it('no algorithm imports toolbox/run or toolbox/reuse', () => {
    const offenders = sources(path.join(repoRoot, 'algorithms')).filter((f) => /from ['"][./]+toolbox\/(run|reuse)\.js['"]/.test(fs.readFileSync(f, 'utf8')));
    expect(offenders.map((f) => path.relative(repoRoot, f))).toEqual([]);
  });

  it('the check itself finds such an import', () => {
    expect(/from ['"][./]+toolbox\/(run|reuse)\.js['"]/.test("import { run } from '../../toolbox/run.js';")).toBe(true);
  });
});
