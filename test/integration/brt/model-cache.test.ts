// SPDX-License-Identifier: GPL-2.0-or-later
// brt:predict keeps the last model set it loaded for the next run in the process (the tiles of a
// tiled run): the same file gives the same loaded models; a file written again is loaded again.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModelsCached } from '../../../algorithms/brt/model-set.js';
import { run } from '../../../toolbox/run.js';
import { repoRoot, tempDir } from '../../helpers.js';

describe('model cache', () => {
  it('returns the loaded set for the same file and reloads a changed one', async () => {
    const dir = tempDir();
    const samples = path.join(repoRoot, 'samples/northeast/samples.csv');
    const model = path.join(dir, 'm.json');
    const train = (trees: number) => run('brt:train', { INPUT: samples, TARGET: 'soc', PREDICTORS: 'bd,fine', N_TREES: trees, INTERACTION_DEPTH: 2, SHRINKAGE: 0.1, N_MINOBSINNODE: 5, SEED: 1, OUTPUT_MODEL: model });
    await train(20);
    const a = await loadModelsCached(model);
    expect(await loadModelsCached(model)).toBe(a);
    expect(a.models[0].trees.length).toBe(20);
    const before = fs.statSync(model).mtimeMs;
    await new Promise((r) => setTimeout(r, 20));
    await train(30);
    expect(fs.statSync(model).mtimeMs).not.toBe(before);
    const b = await loadModelsCached(model);
    expect(b).not.toBe(a);
    expect(b.models[0].trees.length).toBe(30);
    await expect(loadModelsCached(path.join(dir, 'none.json'))).rejects.toThrow(/cannot read model file .*none\.json/);
  });
});
