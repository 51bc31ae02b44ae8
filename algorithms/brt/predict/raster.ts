// SPDX-License-Identifier: GPL-2.0-or-later
// Prediction over a raster stack: bands matched to the model's predictors by name, read window by
// window (memory flat in raster size), predicted on worker threads, written as mean (and SD)
// rasters. Nodata in any predictor band gives nodata.

import { Worker } from 'node:worker_threads';
import { compiledModule } from '../../../toolbox/paths.js';
import type { RunContext } from '../../../toolbox/context.js';
import { DataError } from '../../../toolbox/errors.js';
import { createRaster, openRaster, readWindow, type RasterWriter } from '../../../toolbox/io/raster.js';
import type { CompiledForest } from '../engine/predict.js';
import { predictMeanSd } from './ensemble-predict.js';

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
    const threads = Math.max(1, Math.min(o.threads, windows.length));
    const workers: Worker[] = [];
    let valid = 0;
    const pending = new Map<number, (v: { mean: Float64Array; sd: Float64Array }) => void>();
    const rejects = new Map<number, (e: Error) => void>();
    const file = threads > 1 ? compiledModule('algorithms/brt/predict/worker') : '';
    for (let t = 0; t < (threads > 1 ? threads : 0); t++) {
      const w = new Worker(file, { workerData: { forests: o.forests } });
      w.on('message', (m: { id: number; mean: Float64Array; sd: Float64Array; error?: string }) => {
        if (m.error) rejects.get(m.id)?.(new Error(m.error));
        else pending.get(m.id)?.(m);
      });
      w.on('error', (e) => { for (const rej of rejects.values()) rej(e); });
      workers.push(w);
    }
    const compute = (id: number, X: Float64Array[]): Promise<{ mean: Float64Array; sd: Float64Array }> => {
      if (threads === 1) return Promise.resolve(predictMeanSd(o.forests, X));
      return new Promise((resolve, reject) => {
        pending.set(id, resolve);
        rejects.set(id, reject);
        workers[id % threads].postMessage({ id, X });
      });
    };
    const doWindow = async (id: number) => {
      o.ctx.checkCancelled();
      const [x, y, w, h] = windows[id];
      const bands = await Promise.all(bandOf.map((b) => readWindow(r, b, x, y, w, h)));
      const idx: number[] = [];
      for (let i = 0; i < w * h; i++) if (bands.every((b) => !Number.isNaN(b[i]))) idx.push(i);
      const X = bands.map((b) => Float64Array.from(idx, (i) => b[i]));
      const res = idx.length ? await compute(id, X) : { mean: new Float64Array(0), sd: new Float64Array(0) };
      const mean = new Float32Array(w * h).fill(NaN);
      const sd = new Float32Array(w * h).fill(NaN);
      idx.forEach((pix, j) => {
        mean[pix] = res.mean[j];
        sd[pix] = res.sd[j];
      });
      valid += idx.length;
      await outMean.write(1, x, y, w, h, mean);
      if (outSd) await outSd.write(1, x, y, w, h, sd);
      pending.delete(id);
      rejects.delete(id);
    };
    try {
      let next = 0;
      let done = 0;
      const lanes = Array.from({ length: threads }, async () => {
        while (next < windows.length) {
          const id = next++;
          await doWindow(id);
          o.ctx.progress((95 * ++done) / windows.length);
        }
      });
      await Promise.all(lanes);
    } finally {
      await Promise.all(workers.map((w) => w.terminate()));
    }
    await outMean.close();
    if (outSd) await outSd.close();
    return { pixels: r.width * r.height, valid };
  } finally {
    r.ds.close();
  }
}
