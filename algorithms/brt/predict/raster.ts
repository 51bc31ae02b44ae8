// SPDX-License-Identifier: GPL-2.0-or-later
// Prediction over a raster stack: bands matched to the model's predictors by name, read window by
// window (memory flat in raster size), predicted on the toolbox's worker pool, written as mean
// (and SD) rasters in window order. Nodata in any predictor band gives nodata.

import type { RunContext } from '../../../toolbox/context.js';
import { runOrdered } from '../../../toolbox/pool.js';
import { DataError } from '../../../toolbox/errors.js';
import { createRaster, openRaster, readWindow, type RasterWriter } from '../../../toolbox/io/raster.js';
import type { CompiledForest } from '../engine/predict.js';
import { meanSdTasks } from './ensemble-predict.js';

export interface RasterPredictOptions {
  stack: string;
  predictorNames: string[];
  forests: CompiledForest[];
  output: string; // staged path
  outputSd?: string; // staged path
  ctx: RunContext;
  threads: number;
  /** window size (pixels); default 512 × 256 */
  blockWidth?: number;
  blockHeight?: number;
}

export async function predictRaster(o: RasterPredictOptions): Promise<{ pixels: number; valid: number }> {
  const r = await openRaster(o.stack, 'STACK');
  try {
    const lower = r.bandNames.map((b) => b.toLowerCase());
    const bandOf = o.predictorNames.map((n) => lower.indexOf(n.toLowerCase()) + 1);
    const missing = o.predictorNames.filter((_, i) => bandOf[i] === 0);
    if (missing.length > 0) {
      throw new DataError(`${o.stack} lacks band${missing.length > 1 ? 's' : ''} named ${missing.join(', ')} that the model needs; its bands are ${r.bandNames.join(', ')} (name bands with covariates:stack NAMES)`);
    }
    const meta = { SOCP_PREDICTORS: o.predictorNames.join(','), SOCP_MODELS: String(o.forests.length) };
    const mk = (file: string, name: string) => createRaster(file, { width: r.width, height: r.height, bands: 1, dataType: 'Float32', geoTransform: r.geoTransform, srsWkt: r.srsWkt, bandNames: [name], metadata: meta });
    const outMean: RasterWriter = await mk(o.output, o.forests.length > 1 ? 'mean' : 'prediction');
    const outSd: RasterWriter | undefined = o.outputSd ? await mk(o.outputSd, 'sd') : undefined;
    const bw = Math.min(r.width, o.blockWidth ?? 512);
    const bh = Math.min(r.height, o.blockHeight ?? 256);
    const windows: [number, number, number, number][] = [];
    for (let y = 0; y < r.height; y += bh) for (let x = 0; x < r.width; x += bw) windows.push([x, y, Math.min(bw, r.width - x), Math.min(bh, r.height - y)]);
    let valid = 0;
    // the valid pixels of each window read and not yet written (at most maxInFlight of them)
    const cells = new Map<number, number[]>();
    const blocks = (async function* () {
      for (let id = 0; id < windows.length; id++) {
        o.ctx.checkCancelled();
        const [x, y, w, h] = windows[id];
        const bands = await Promise.all(bandOf.map((b) => readWindow(r, b, x, y, w, h)));
        const idx: number[] = [];
        for (let i = 0; i < w * h; i++) if (bands.every((b) => !Number.isNaN(b[i]))) idx.push(i);
        cells.set(id, idx);
        valid += idx.length;
        yield bands.map((b) => Float64Array.from(idx, (i) => b[i]));
      }
    })();
    // reading the next windows overlaps the threads' work; each thread has one window at a time
    const threads = Math.max(1, o.threads);
    await runOrdered(
      {
        handler: meanSdTasks, data: { forests: o.forests }, threads, count: windows.length, maxInFlight: threads + 2, signal: o.ctx.signal,
        label: (id) => `the window at column ${windows[id][0]}, row ${windows[id][1]}`,
      },
      blocks,
      async (res, id) => {
        const [x, y, w, h] = windows[id];
        const idx = cells.get(id)!;
        cells.delete(id);
        const mean = new Float32Array(w * h).fill(NaN);
        const sd = new Float32Array(w * h).fill(NaN);
        idx.forEach((pix, j) => {
          mean[pix] = res.mean[j];
          sd[pix] = res.sd[j];
        });
        await outMean.write(1, x, y, w, h, mean);
        if (outSd) await outSd.write(1, x, y, w, h, sd);
        o.ctx.progress((95 * (id + 1)) / windows.length);
      },
    );
    await outMean.close();
    if (outSd) await outSd.close();
    return { pixels: r.width * r.height, valid };
  } finally {
    r.ds.close();
  }
}
