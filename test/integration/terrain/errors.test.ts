// SPDX-License-Identifier: GPL-2.0-or-later
// Bad inputs of the terrain algorithms: a clear error or a named warning, and nothing half-written.

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { slopeAspect } from '../../../algorithms/terrain/kernels/index.js';
import { demPath, identical, leftovers, readOut, readRaster, runLogged, tmpDir, withoutCrs, writeDem } from './helpers.js';

const ALL = ['terrain:slope', 'terrain:aspect', 'terrain:curvature', 'terrain:twi', 'terrain:covariates'] as const;
const outParams = (id: string, dir: string): Record<string, string> =>
  id === 'terrain:curvature' ? { OUTPUT_PLAN: path.join(dir, 'plan.tif'), OUTPUT_PROFILE: path.join(dir, 'profile.tif') } : { OUTPUT: path.join(dir, 'out.tif') };

describe('terrain algorithms — bad inputs', () => {
  it('DEM without CRS: named warning, cell size taken as metres, results as for the projected DEM', async () => {
    const dir = tmpDir('nocrs');
    const dem = withoutCrs(demPath('olinda'), path.join(dir, 'olinda_nocrs.tif'));
    for (const id of ALL) {
      const r = await runLogged(id, { INPUT: dem, ...outParams(id, dir) });
      const w = r.warnings.filter((m) => m.startsWith('no-crs:'));
      expect(w.length, id).toBe(1);
      expect(w[0]).toMatch(/has no CRS; its cell size 89\.99\d* × 89\.99\d* is assumed to be in metres/);
    }
    const s = readOut(path.join(dir, 'out.tif'), 2).data; // covariates: slope band
    const d = readRaster('olinda', 'dem.tif');
    const ref = slopeAspect({ data: d.data, width: d.width, height: d.height, dx: d.geoTransform[1]!, dy: -d.geoTransform[5]! }).slope;
    expect(identical(s, ref).differ).toBe(0);
  });

  it('DEM in degrees without CRS: the warning says it looks like degrees', async () => {
    const dir = tmpDir('nocrs-deg');
    const dem = withoutCrs(demPath('luxembourg'), path.join(dir, 'lux.tif'));
    const r = await runLogged('terrain:slope', { INPUT: dem, OUTPUT: path.join(dir, 's.tif') });
    expect(r.warnings[0]).toMatch(/^no-crs: .*looks like degrees.*gdal_edit\.py -a_srs EPSG:4326/);
  });

  it('DEM smaller than 3 × 3: clear error, nothing written', async () => {
    const dir = tmpDir('tiny');
    const dem = writeDem(path.join(dir, 'tiny.tif'), 5, 2, (r, c) => r + c);
    for (const id of ALL) {
      await expect(runLogged(id, { INPUT: dem, ...outParams(id, dir) }), id).rejects.toThrow(/is 5 × 2 cells; .* must be at least 3 × 3 cells/);
    }
    expect(leftovers(dir, ['tiny.tif'])).toEqual([]);
  });

  it('all-nodata DEM: clear error, nothing written (also after strips were written)', async () => {
    const dir = tmpDir('nodata');
    const dem = writeDem(path.join(dir, 'empty.tif'), 40, 30, () => NaN);
    for (const id of ALL) {
      await expect(runLogged(id, { INPUT: dem, ...outParams(id, dir), ...(id === 'terrain:twi' ? {} : { STRIP_ROWS: 4 }) }), id)
        .rejects.toThrow(/has no valid cells: every cell is nodata \(-9999\)/);
    }
    expect(leftovers(dir, ['empty.tif'])).toEqual([]);
  });

  it('TWI over the memory budget: refused up front with the figures and what to do', async () => {
    const dir = tmpDir('mem');
    for (const id of ['terrain:twi', 'terrain:covariates']) {
      await expect(runLogged(id, { INPUT: demPath('olinda'), OUTPUT: path.join(dir, 'twi.tif'), MAX_MEMORY_GB: 0.0001 }))
        .rejects.toThrow(/need the whole DEM in memory: 111 × 111 cells × ~40 bytes = .* more than the budget MAX_MEMORY_GB.*about 51 × 51 cells fit/);
    }
    expect(leftovers(dir)).toEqual([]);
  });

  it('cancel during strip processing: CancelledError, nothing left', async () => {
    const dir = tmpDir('cancel');
    const ac = new AbortController();
    const p = runLogged('terrain:covariates', { INPUT: demPath('olinda'), OUTPUT: path.join(dir, 'c.tif'), STRIP_ROWS: 1 }, {
      signal: ac.signal, onProgress: (x) => { if (x > 70) ac.abort(); },
    });
    await expect(p).rejects.toThrow(/cancelled/);
    expect(leftovers(dir)).toEqual([]);
  });

  it('parameter mistakes: no curvature output, FLAT_VALUE that is an azimuth', async () => {
    const dir = tmpDir('params');
    await expect(runLogged('terrain:curvature', { INPUT: demPath('olinda') })).rejects.toThrow(/give OUTPUT_PLAN, OUTPUT_PROFILE or both/);
    await expect(runLogged('terrain:aspect', { INPUT: demPath('olinda'), OUTPUT: path.join(dir, 'a.tif'), FLAT_VALUE: 0 })).rejects.toThrow(/FLAT_VALUE 0 is a valid azimuth/);
    await expect(runLogged('terrain:slope', { INPUT: demPath('olinda'), OUTPUT: path.join(dir, 'a.tif'), BAND: 2 })).rejects.toThrow(/has 1 band; BAND 2 does not exist/);
    expect(leftovers(dir)).toEqual([]);
  });
});
