// SPDX-License-Identifier: GPL-2.0-or-later
import { describe, expect, it } from 'vitest';
import { sagaWetnessIndex } from '../../../algorithms/terrain/kernels/saga-wetness.js';
import type { Grid } from '../../../algorithms/terrain/kernels/grid.js';
import { DEMS, agreement, readRaster, type DemName } from './fixtures.js';

function load(dem: DemName, file = 'dem.tif'): Grid {
  const d = readRaster(dem, file);
  const L = readRaster(dem, 'saga_filled.tif').geoTransform[1]!;
  return { data: d.data, width: d.width, height: d.height, dx: L, dy: L };
}

describe('sagaWetnessIndex — options', () => {
  it('refuses a suction below 1 (the modified area would grow without bound)', () => {
    const g: Grid = { data: new Float64Array(9).fill(1), width: 3, height: 3, dx: 10, dy: 10 };
    expect(() => sagaWetnessIndex(g, { suction: 0.5 })).toThrow(/suction/);
  });

  it('a flat grid: area = one cell, catchment slope 0, SWI = ln((L² / L) / tan 0.1°)', () => {
    const g: Grid = { data: new Float64Array(25).fill(7), width: 5, height: 5, dx: 10, dy: 10 };
    const r = sagaWetnessIndex(g);
    for (let i = 0; i < 25; i++) {
      expect(r.area[i]).toBe(100);
      expect(r.slope[i]).toBe(0);
      expect(r.areaMod[i]).toBe(100);
      expect(r.swi[i]).toBe(Math.fround(Math.log(10 / Math.tan((0.1 * Math.PI) / 180))));
    }
  });
});

describe('SAGA Wetness Index — agreement with SAGA 8.5 ta_hydrology 15 (defaults)', () => {
  // Measured (fixtures of make_references.sh, dem.tif and SAGA's filled DEM): catchment area,
  // catchment slope and modified catchment area within 2.9e-7 relative on every cell (SAGA sums
  // float32 grids in its own order of equal-height cells), 87–99 % bit-identical; SWI within
  // 1.3e-7 relative (|Δ| ≤ 2e-6) on gorillas and olinda, 94–98 % bit-identical. luxembourg is
  // processed in degrees as SAGA sees it: catchment slopes are then within 0.1° of 90°, tan is
  // ill-conditioned there and SAGA's SWI is NaN (tan < 0) on all but 122 (filled: 304) cells;
  // on those the SWI agrees within 1.2e-4 relative.
  for (const dem of DEMS) {
    for (const input of ['dem.tif', 'saga_filled.tif']) {
      it(`${dem} (${input}): every grid within the stated tolerance, on every cell, same nodata`, () => {
        const res = sagaWetnessIndex(load(dem, input));
        const checks: [string, ArrayLike<number>, number][] = input === 'dem.tif'
          ? [['saga_swi_area.tif', res.area, 3e-7], ['saga_swi_slope.tif', res.slope, 3e-7], ['saga_swi_area_mod.tif', res.areaMod, 3e-7],
            ['saga_swi.tif', res.swi, dem === 'luxembourg' ? 1.5e-4 : 2e-7]]
          : [['saga_swi_filled.tif', res.swi, dem === 'luxembourg' ? 1.5e-4 : 2e-7]];
        for (const [file, ours, tol] of checks) {
          const a = agreement(readRaster(dem, file).data, ours);
          expect(a.nodataMismatch, file).toBe(0);
          expect(a.n, file).toBeGreaterThan(100);
          expect(a.maxRel, file).toBeLessThanOrEqual(tol);
          expect(a.exact / a.n, file).toBeGreaterThan(0.7);
        }
      });
    }
  }
});
