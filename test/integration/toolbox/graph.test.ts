// SPDX-License-Identifier: GPL-2.0-or-later
// The step graph (toolbox/graph.ts) with small algorithms of the test's own that write real files:
// steps run in order with their outputs in the graph's folder, a collecting step gathers the files
// that exist (lists for list parameters, names beside them), `when` skips, parameters given as a
// function see earlier results, a second run reuses every step, progress rises to 100, and the
// layout and folders come from the same declaration.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineAlgorithm } from '../../../toolbox/algorithm.js';
import { foldersOf, layoutOf, outputOf, runGraph, type Step, type StepRecord } from '../../../toolbox/graph.js';
import { saveJson, saveText } from '../../../toolbox/io/outputs.js';
import { param } from '../../../toolbox/params.js';
import { run } from '../../../toolbox/run.js';
import { tempDir } from '../../helpers.js';

const write = defineAlgorithm({
  id: 'test:write', title: 'write a number', group: 'test', help: '',
  inputs: [param.number('VALUE', 'value'), param.fileDestination('OUTPUT', 'file'), param.fileDestination('OUTPUT_OPTIONAL', 'file', { optional: true })],
  outputs: [{ name: 'OUTPUT', kind: 'file', description: '' }],
  async run(p, ctx) {
    saveText(ctx, p.OUTPUT, String(p.VALUE));
    return { OUTPUT: p.OUTPUT, DOUBLE: 2 * p.VALUE };
  },
});

const gather = defineAlgorithm({
  id: 'test:gather', title: 'gather', group: 'test', help: '',
  inputs: [
    param.list('FILES', 'files', 'file', { optional: true }), param.list('NAMES', 'names', 'string', { optional: true }),
    param.file('FIRST', 'one file', { optional: true }), param.string('NOTE', 'note', { default: '' }), param.fileDestination('OUTPUT', 'json'),
  ],
  outputs: [{ name: 'OUTPUT', kind: 'file', description: '' }],
  async run(p, ctx) {
    saveJson(ctx, p.OUTPUT, { files: (p.FILES ?? []).map((f: string) => path.basename(f)), names: p.NAMES ?? [], first: p.FIRST && path.basename(p.FIRST), note: p.NOTE });
    return { OUTPUT: p.OUTPUT };
  },
});

function graph(skipB: boolean): Step[] {
  return [
    { name: 'a', algorithm: write, weight: 1, params: { VALUE: 1 }, outputs: [{ param: 'OUTPUT', file: 'x/a.txt', what: 'the first', collect: { as: 'FILES', name: 'A', nameAs: 'NAMES' } }] },
    {
      name: 'b', algorithm: write, weight: 3, when: () => !skipB, params: (done) => ({ VALUE: Number(done.get('a')!.DOUBLE) + 1 }),
      outputs: [
        { param: 'OUTPUT', file: 'x/y/b.txt', what: 'the second', collect: { as: 'FILES', name: 'B', nameAs: 'NAMES' } },
        { param: 'OUTPUT_OPTIONAL', file: 'x/never.txt', what: 'never written', collect: { as: 'FILES', name: 'never', nameAs: 'NAMES' } },
      ],
    },
    { name: 'c', algorithm: write, weight: 1, params: { VALUE: 7 }, outputs: [{ param: 'OUTPUT', file: 'c.txt', what: 'the third', collect: { as: 'FIRST' } }] },
    { name: 'all', algorithm: gather, weight: 1, collects: true, params: { NOTE: 'n' }, outputs: [{ param: 'OUTPUT', file: 'all.json', what: 'what was gathered' }] },
  ];
}

const composite = (skipB: boolean, records: StepRecord[], progress: number[]) => defineAlgorithm({
  id: 'test:composite', title: 'composite', group: 'test', help: '',
  inputs: [param.folderDestination('OUTPUT_DIR', 'folder')],
  outputs: [],
  async run(p, ctx) {
    const steps = graph(skipB);
    for (const d of ['', ...foldersOf(steps)]) fs.mkdirSync(path.join(p.OUTPUT_DIR, d), { recursive: true });
    await runGraph(steps, { root: p.OUTPUT_DIR, ctx, records });
    void progress;
    return {};
  },
});

describe('step graph', () => {
  it('layout and folders come from the declaration', () => {
    expect(layoutOf(graph(false), 12).split('\n')).toEqual([
      '  x/a.txt      the first', '  x/y/b.txt    the second', '  x/never.txt  never written', '  c.txt        the third', '  all.json     what was gathered',
    ]);
    expect(foldersOf(graph(false))).toEqual(['x', path.join('x', 'y')]);
    expect(outputOf('/r', graph(false), 'b')).toBe(path.join('/r', 'x/y/b.txt'));
    expect(() => outputOf('/r', graph(false), 'b', 'OUTPUT_SD')).toThrow(/no output OUTPUT_SD of step "b"/);
  });

  it('runs in order, collects the files that exist, skips by when, reuses on a second run', async () => {
    const dir = path.join(tempDir(), 'out');
    const records: StepRecord[] = [];
    const progress: number[] = [];
    await run(composite(false, records, progress), { OUTPUT_DIR: dir }, { onProgress: (p) => progress.push(p) });
    expect(fs.readFileSync(path.join(dir, 'x/y/b.txt'), 'utf8')).toBe('3'); // 2 · 1 + 1
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'all.json'), 'utf8'))).toEqual({ files: ['a.txt', 'b.txt'], names: ['A', 'B'], first: 'c.txt', note: 'n' });
    expect(records.map((r) => [r.step, r.reused])).toEqual([['a', false], ['b', false], ['c', false], ['all', false]]);
    for (const f of ['x/a.txt', 'x/y/b.txt', 'c.txt', 'all.json']) expect(fs.existsSync(path.join(dir, f + '.socp.json')), f).toBe(true);
    expect(progress.at(-1)).toBe(100);
    expect(progress.every((v, i) => i === 0 || v >= progress[i - 1])).toBe(true);
    // step b has weight 3 of 6: it ends at 4/6 of the range
    expect(progress.some((v) => Math.abs(v - (100 * 4) / 6) < 1e-9)).toBe(true);

    const again: StepRecord[] = [];
    await run(composite(false, again, []), { OUTPUT_DIR: dir });
    expect(again.every((r) => r.reused)).toBe(true);
    // a reused step answers with the results of the run that made its outputs (b saw a's DOUBLE)
    expect(fs.readFileSync(path.join(dir, 'x/y/b.txt'), 'utf8')).toBe('3');
    // an output the earlier run made, now deleted: that step runs again; it writes the same bytes,
    // so the gathering step, keyed by its inputs' checksums, is still up to date
    fs.rmSync(path.join(dir, 'x/y/b.txt'));
    const third: StepRecord[] = [];
    await run(composite(false, third, []), { OUTPUT_DIR: dir });
    expect(third.filter((r) => !r.reused).map((r) => r.step)).toEqual(['b']);

    // without b: nothing of b is gathered, and the gathering step recomputes (its inputs changed)
    const dir2 = path.join(tempDir(), 'out');
    const skipped: StepRecord[] = [];
    await run(composite(true, skipped, []), { OUTPUT_DIR: dir2 });
    expect(skipped.map((r) => r.step)).toEqual(['a', 'c', 'all']);
    expect(JSON.parse(fs.readFileSync(path.join(dir2, 'all.json'), 'utf8')).files).toEqual(['a.txt']);
  });
});
