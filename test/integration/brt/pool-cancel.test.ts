// SPDX-License-Identifier: GPL-2.0-or-later
// Cancelling brt:cv, brt:partial-dependence and brt:predict (raster) while their tasks run on the
// worker pool (toolbox/pool.ts; threads load dist/, so build first): a CancelledError naming the
// algorithm, no output left behind, no thread left running.
import { describe, it, expect, beforeAll } from 'vitest';
import path from 'node:path';
import gdal from 'gdal-async';
import { run } from '../../../toolbox/run.js';
import { CancelledError } from '../../../toolbox/errors.js';
import { createRaster } from '../../../toolbox/io/raster.js';
import { liveWorkerThreads } from '../../../toolbox/pool.js';
import { tempDir, writeFile, listDir } from '../../helpers.js';

let dir: string;
let data: string;
let set: string;
const small = { PREDICTORS: 'a,b,c', N_TREES: 80, INTERACTION_DEPTH: 3, SHRINKAGE: 0.05, N_MINOBSINNODE: 5 };

beforeAll(async () => {
  dir = tempDir('socp-pool-cancel-');
  let s = 3;
  const u = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const lines = ['a,b,c,y'];
  for (let i = 0; i < 100; i++) {
    const a = u(), b = u(), c = u();
    lines.push(`${a},${b},${c},${2 * a + b * c + 0.1 * u()}`);
  }
  data = writeFile(dir, 'd.csv', lines.join('\n'));
  set = path.join(dir, 'm.brtset');
  await run('brt:cv', { INPUT: data, TARGET: 'y', ...small, FOLDS: 3, REPEATS: 8, SEED: 5, OUTPUT_SUMMARY: path.join(dir, 's.csv'), OUTPUT_MODELS: set });
});

/** Run with THREADS 2 and abort once progress passes `at` percent. */
async function cancelled(id: string, params: Record<string, unknown>, at: number): Promise<unknown> {
  const ac = new AbortController();
  const onProgress = (p: number) => {
    if (p > at) ac.abort();
  };
  return run(id, { ...params, THREADS: 2 }, { signal: ac.signal, onProgress }).then(() => 'finished', (e: unknown) => e);
}

describe('cancelling the pool\'s users', () => {
  it('brt:cv', async () => {
    const out = tempDir();
    const e = await cancelled('brt:cv', { INPUT: data, TARGET: 'y', ...small, FOLDS: 5, REPEATS: 20, OUTPUT_SUMMARY: path.join(out, 's.csv'), OUTPUT_MODELS: path.join(out, 'm.brtset') }, 10);
    expect(e).toBeInstanceOf(CancelledError);
    expect((e as Error).message).toBe('brt:cv: cancelled');
    expect(listDir(out)).toEqual([]);
    expect(liveWorkerThreads()).toBe(0);
  });

  it('brt:partial-dependence', async () => {
    const out = tempDir();
    const e = await cancelled('brt:partial-dependence', { MODEL: set, PAIRS: 'a:b', OUTPUT: path.join(out, 'pd.json') }, 20);
    expect(e).toBeInstanceOf(CancelledError);
    expect((e as Error).message).toBe('brt:partial-dependence: cancelled');
    expect(listDir(out)).toEqual([]);
    expect(liveWorkerThreads()).toBe(0);
  });

  it('brt:predict over a raster of several windows', async () => {
    const out = tempDir();
    const stack = path.join(dir, 'stack.tif');
    const W = 600, H = 800; // 2 × 4 windows of 512 × 256
    const w = await createRaster(stack, { width: W, height: H, bands: 3, geoTransform: [0, 10, 0, H * 10, 0, -10], srsWkt: gdal.SpatialReference.fromEPSG(3035).toWKT(), bandNames: ['a', 'b', 'c'] });
    for (let b = 1; b <= 3; b++) await w.write(b, 0, 0, W, H, new Float64Array(W * H).map((_, i) => ((i * 31 + b * 7) % 101) / 101));
    await w.close();
    const e = await cancelled('brt:predict', { MODEL: set, INPUT: stack, OUTPUT: path.join(out, 'mean.tif'), OUTPUT_SD: path.join(out, 'sd.tif') }, 20);
    expect(e).toBeInstanceOf(CancelledError);
    expect((e as Error).message).toBe('brt:predict: cancelled');
    expect(listDir(out)).toEqual([]);
    expect(liveWorkerThreads()).toBe(0);
  });
});
