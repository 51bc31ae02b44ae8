// SPDX-License-Identifier: GPL-2.0-or-later
// Tiled runs (issue 16, items 3 and 4, array-job driver): for algorithms that split pixel by pixel
// or by neighbourhood, the merged result of any number of parts and any tile size decodes to the
// same pixels (values and nodata mask), band names and grid as the run in one process; a missing,
// foreign or damaged tile is an error that names it, never a hole; a part killed mid-tile is
// finished by running it again; an algorithm that needs the whole grid refuses --tile.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import gdal from 'gdal-async';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../toolbox/run.js';
import { mergeParts, runPart } from '../../../toolbox/tiled.js';
import { cliPath, repoRoot, socp, tempDir } from '../../helpers.js';

const covariates = path.join(repoRoot, 'samples/northeast/covariates.tif');
const dem = path.join(repoRoot, 'test/fixtures/terrain/olinda/dem.tif');
const demo = path.join(repoRoot, 'samples/northeast');

interface Decoded {
  width: number;
  height: number;
  geoTransform: number[];
  bands: { name: string; nodata: number | null; values: Float64Array; type: string }[];
}

function decode(file: string): Decoded {
  const ds = gdal.open(file);
  const w = ds.rasterSize.x;
  const h = ds.rasterSize.y;
  const bands = [];
  for (let i = 1; i <= ds.bands.count(); i++) {
    const b = ds.bands.get(i);
    bands.push({ name: b.description, nodata: b.noDataValue, type: String(b.dataType), values: b.pixels.read(0, 0, w, h, new Float64Array(w * h)) as Float64Array });
  }
  const out = { width: w, height: h, geoTransform: ds.geoTransform ?? [], bands };
  ds.close();
  return out;
}

/** Same pixels: every value equal (NaN equal to NaN), same nodata, names, types and grid. */
function expectSamePixels(tiledFile: string, wholeFile: string): void {
  const a = decode(tiledFile);
  const b = decode(wholeFile);
  expect([a.width, a.height, a.geoTransform]).toEqual([b.width, b.height, b.geoTransform]);
  expect(a.bands.map((x) => [x.name, x.nodata, x.type])).toEqual(b.bands.map((x) => [x.name, x.nodata, x.type]));
  for (let i = 0; i < a.bands.length; i++) {
    let differ = 0;
    const [x, y] = [a.bands[i].values, b.bands[i].values];
    for (let k = 0; k < x.length; k++) if (!(x[k] === y[k] || (Number.isNaN(x[k]) && Number.isNaN(y[k])))) differ++;
    expect(differ, `band ${i + 1}: cells that differ`).toBe(0);
  }
}

/** All parts of a tiled run in turn, then the merge. */
async function tiled(id: string, params: Record<string, unknown>, parts: number, tileSize: number) {
  for (let i = 0; i < parts; i++) await runPart(id, params, i, parts, { tileSize });
  return mergeParts(id, params, { tileSize });
}

describe('tiled runs are identical to the run in one process', () => {
  let dir: string;
  let set: string;
  beforeAll(async () => {
    dir = tempDir();
    // a small repeat-model set on the demo samples, for brt:predict (mean and SD)
    const samples = path.join(dir, 'samples.csv');
    await run('covariates:extract', {
      POINTS: path.join(demo, 'samples.csv'), STACK: covariates, OUTPUT: samples,
      POINTS_CRS: JSON.parse(fs.readFileSync(path.join(demo, 'workflow.json'), 'utf8')).POINTS_CRS,
    });
    set = path.join(dir, 'm.brtset');
    await run('brt:cv', {
      INPUT: samples, TARGET: 'soc', PREDICTORS: 'elevation,slope,mat,map,ndvi', N_TREES: 60, INTERACTION_DEPTH: 3, SHRINKAGE: 0.05,
      N_MINOBSINNODE: 5, BAG_FRACTION: 0.5, FOLDS: 2, REPEATS: 3, SEED: 3, OUTPUT_SUMMARY: path.join(dir, 's.csv'), OUTPUT_MODELS: set,
    });
  }, 120_000);

  it.each([[1, 64], [3, 64], [2, 16], [5, 100]])('raster:calculator with nodata: %i parts, tiles of %i', async (parts, size) => {
    const expr = { INPUTS: covariates, EXPRESSION: 'covariates_1 * 2 + covariates_3' };
    await run('raster:calculator', { ...expr, OUTPUT: path.join(dir, `calc_whole_${parts}_${size}.tif`) });
    const r = await tiled('raster:calculator', { ...expr, OUTPUT: path.join(dir, `calc_${parts}_${size}.tif`) }, parts, size);
    expectSamePixels(path.join(dir, `calc_${parts}_${size}.tif`), path.join(dir, `calc_whole_${parts}_${size}.tif`));
    expect(r.results.TILES).toBe(Math.ceil(130 / size) * Math.ceil(180 / size));
    // the sum of the tiles' nodata counts is the whole run's
    const whole = await run('raster:calculator', { ...expr, OUTPUT: path.join(dir, `calc_again_${parts}_${size}.tif`) });
    expect(r.results.NODATA_CELLS).toBe(whole.results.NODATA_CELLS);
    expect(fs.existsSync(path.join(dir, `calc_${parts}_${size}.tif.parts`))).toBe(false);
    expect(fs.existsSync(path.join(dir, `calc_${parts}_${size}.tif.socp.json`))).toBe(true);
  });

  it.each([[2, 16, true], [3, 40, true], [1, 111, false], [4, 17, false]])('terrain:slope (neighbourhood, edges %#): %i parts, tiles of %i', async (parts, size, edges) => {
    const p = { INPUT: dem, COMPUTE_EDGES: edges };
    const whole = path.join(dir, `slope_whole_${parts}_${size}.tif`);
    const out = path.join(dir, `slope_${parts}_${size}.tif`);
    await run('terrain:slope', { ...p, OUTPUT: whole });
    await tiled('terrain:slope', { ...p, OUTPUT: out }, parts, size);
    expectSamePixels(out, whole);
  });

  it('terrain:curvature, both outputs: 3 parts, tiles of 32', async () => {
    const w = { OUTPUT_PLAN: path.join(dir, 'plc_w.tif'), OUTPUT_PROFILE: path.join(dir, 'prc_w.tif') };
    const t = { OUTPUT_PLAN: path.join(dir, 'plc_t.tif'), OUTPUT_PROFILE: path.join(dir, 'prc_t.tif') };
    await run('terrain:curvature', { INPUT: dem, ...w });
    await tiled('terrain:curvature', { INPUT: dem, ...t }, 3, 32);
    expectSamePixels(t.OUTPUT_PLAN, w.OUTPUT_PLAN);
    expectSamePixels(t.OUTPUT_PROFILE, w.OUTPUT_PROFILE);
  });

  it('brt:predict of a repeat-model set, mean and SD: 2 parts, tiles of 48', async () => {
    const w = { OUTPUT: path.join(dir, 'mean_w.tif'), OUTPUT_SD: path.join(dir, 'sd_w.tif') };
    const t = { OUTPUT: path.join(dir, 'mean_t.tif'), OUTPUT_SD: path.join(dir, 'sd_t.tif') };
    const whole = await run('brt:predict', { MODEL: set, INPUT: covariates, ...w });
    const r = await tiled('brt:predict', { MODEL: set, INPUT: covariates, ...t }, 2, 48);
    expectSamePixels(t.OUTPUT, w.OUTPUT);
    expectSamePixels(t.OUTPUT_SD, w.OUTPUT_SD);
    expect(r.results.VALID_PIXELS).toBe(whole.results.VALID_PIXELS);
    expect(r.results.MODELS).toBe(3);
  });

  it('maps:ensemble of two maps: 2 parts, tiles of 50', async () => {
    const a = path.join(dir, 'mean_w.tif');
    const b = path.join(dir, 'calc_whole_1_64.tif');
    await run('maps:ensemble', { INPUTS: [a, b], METHOD: 'mean', OUTPUT: path.join(dir, 'ens_w.tif') });
    await tiled('maps:ensemble', { INPUTS: [a, b], METHOD: 'mean', OUTPUT: path.join(dir, 'ens_t.tif') }, 2, 50);
    expectSamePixels(path.join(dir, 'ens_t.tif'), path.join(dir, 'ens_w.tif'));
  });
});

describe('tiled runs: what cannot be merged is an error that names it', () => {
  const expr = { INPUTS: covariates, EXPRESSION: 'covariates_2 + 1' };

  it('a missing part names its tiles and leaves no output', async () => {
    const dir = tempDir();
    const p = { ...expr, OUTPUT: path.join(dir, 'o.tif') };
    await runPart('raster:calculator', p, 0, 3, { tileSize: 32 });
    await runPart('raster:calculator', p, 2, 3, { tileSize: 32 });
    // 5 × 6 = 30 tiles; part 1 of 3 holds tiles 10…19
    await expect(mergeParts('raster:calculator', p, { tileSize: 32 })).rejects.toThrow(/tiles 10, 11, 12, 13, 14, 15, 16, 17, … \(10 in all\) of 30 are missing; run the parts that hold them \(--tile I\/N\) again/);
    expect(fs.existsSync(p.OUTPUT)).toBe(false);
  });

  it('a tile of another run, another tile size or a damaged tile is refused', async () => {
    const dir = tempDir();
    const p = { ...expr, OUTPUT: path.join(dir, 'o.tif') };
    await runPart('raster:calculator', p, 0, 1, { tileSize: 64 });
    await expect(mergeParts('raster:calculator', { ...p, EXPRESSION: 'covariates_2 + 2' }, { tileSize: 64 })).rejects.toThrow(/tile 0 belongs to another run/);
    await expect(mergeParts('raster:calculator', p, { tileSize: 32 })).rejects.toThrow(/tile 0 was computed on another grid or tile size/);
    const tile = path.join(dir, 'o.tif.parts', 'tile-000004.OUTPUT.tif');
    const bytes = fs.readFileSync(tile);
    bytes[bytes.length - 10] ^= 0xff;
    fs.writeFileSync(tile, bytes);
    await expect(mergeParts('raster:calculator', p, { tileSize: 64 })).rejects.toThrow(/tile-000004\.OUTPUT\.tif of tile 4 does not match its checksum/);
    expect(fs.existsSync(p.OUTPUT)).toBe(false);
  });

  it('an algorithm that needs the whole grid refuses --tile; inputs on another grid are named', async () => {
    const dir = tempDir();
    const r = socp(['run', 'terrain:twi', `--INPUT=${dem}`, `--OUTPUT=${path.join(dir, 't.tif')}`, '--tile', '0/2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ERROR: terrain:twi runs whole on one node/);
    await expect(runPart('maps:ensemble', { INPUTS: [covariates, dem], OUTPUT: path.join(dir, 'e.tif') }, 0, 1)).rejects.toThrow(/INPUTS item 2 \(dem\.tif\) is on another grid than INPUTS/);
  });

  it('--tile auto/N reads the array index; without one it says where it looks', () => {
    const dir = tempDir();
    const args = ['run', 'raster:calculator', `--INPUTS=${covariates}`, '--EXPRESSION=covariates_2 + 1', `--OUTPUT=${path.join(dir, 'o.tif')}`, '--tile-size', '64', '--json', '-q'];
    const none = socp([...args, '--tile', 'auto/2'], { env: { ...process.env, JOB_COMPLETION_INDEX: '', SLURM_ARRAY_TASK_ID: '' } });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/JOB_COMPLETION_INDEX \(Kubernetes Indexed Job\) or SLURM_ARRAY_TASK_ID/);
    const k8s = socp([...args, '--tile', 'auto/2'], { env: { ...process.env, JOB_COMPLETION_INDEX: '1' } });
    expect(k8s.code, k8s.stderr).toBe(0);
    expect(JSON.parse(k8s.stdout).results).toMatchObject({ PART: 1, PARTS: 2, TILES: 5 }); // 3 × 3 tiles of 64: part 1 of 2 holds tiles 4…8
    const slurm = socp([...args, '--tile', 'auto/2'], { env: { ...process.env, SLURM_ARRAY_TASK_ID: '0' } });
    expect(JSON.parse(slurm.stdout).results).toMatchObject({ PART: 0, TILES: 4 });
    const merged = socp([...args, '--tile', 'merge']);
    expect(merged.code, merged.stderr).toBe(0);
    expect(JSON.parse(merged.stdout).results).toMatchObject({ TILES: 9 });
  });

  it('a part killed with SIGKILL mid-tile is finished by running it again; the merge is identical', async () => {
    const dir = tempDir();
    const big = path.join(dir, 'big.tif');
    // a 1200 × 1200 DEM (the Olinda DEM tiled 11 × 11 by a VRT, then copied) so that one part takes a while
    const vrt = path.join(dir, 'big.vrt');
    const sources: string[] = [];
    for (let r = 0; r < 11; r++) for (let c = 0; c < 11; c++) {
      sources.push(`<SimpleSource><SourceFilename relativeToVRT="0">${dem}</SourceFilename><SourceBand>1</SourceBand><SrcRect xOff="0" yOff="0" xSize="111" ySize="111"/><DstRect xOff="${c * 111}" yOff="${r * 111}" xSize="111" ySize="111"/></SimpleSource>`);
    }
    fs.writeFileSync(vrt, `<VRTDataset rasterXSize="1221" rasterYSize="1221"><SRS>EPSG:32725</SRS><GeoTransform>280000, 30, 0, 9120000, 0, -30</GeoTransform><VRTRasterBand dataType="Float32" band="1">${sources.join('')}</VRTRasterBand></VRTDataset>`);
    gdal.translate(big, gdal.open(vrt), ['-of', 'GTiff']).close();
    const args = ['run', 'terrain:slope', `--INPUT=${big}`, `--OUTPUT=${path.join(dir, 's.tif')}`, '--tile-size', '64', '-q'];
    const child = spawn(process.execPath, [cliPath, ...args, '--tile', '0/1'], { stdio: 'ignore' });
    const parts = path.join(dir, 's.tif.parts');
    // kill once a few tiles are done and the next one is being written
    await new Promise<void>((resolve, reject) => {
      const t0 = Date.now();
      const poll = setInterval(() => {
        const done = fs.existsSync(parts) ? fs.readdirSync(parts).filter((f) => /^tile-\d+\.json$/.test(f)).length : 0;
        if (done >= 5) {
          clearInterval(poll);
          child.kill('SIGKILL');
          resolve();
        } else if (Date.now() - t0 > 60_000) {
          clearInterval(poll);
          reject(new Error('the part never got going'));
        }
      }, 5);
    });
    await new Promise((r) => child.on('exit', r));
    const doneBefore = fs.readdirSync(parts).filter((f) => /^tile-\d+\.json$/.test(f)).length; // finished manifests only, not the hidden temporary one being written
    expect(doneBefore).toBeLessThan(400); // 20 × 20 tiles: it was really cut short
    const early = socp([...args, '--tile', 'merge']);
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/are missing/);
    const again = socp([...args, '--tile', '0/1', '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).results.REUSED).toBeGreaterThanOrEqual(doneBefore);
    expect(socp([...args, '--tile', 'merge']).code).toBe(0);
    await run('terrain:slope', { INPUT: big, OUTPUT: path.join(dir, 'whole.tif') });
    expectSamePixels(path.join(dir, 's.tif'), path.join(dir, 'whole.tif'));
  }, 180_000);
});
