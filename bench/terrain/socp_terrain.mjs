// SPDX-License-Identifier: GPL-2.0-or-later
// socp side of the terrain benchmark: read a DEM with gdal-async, run one kernel, write GeoTIFF.
// Usage: node bench/terrain/socp_terrain.mjs KERNELS_DIR slope|curvature|twi IN.tif OUT_PREFIX
// KERNELS_DIR holds algorithms/terrain/kernels compiled by tsc (run.sh does it).
import gdal from 'gdal-async';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [kdir, task, input, outPrefix] = process.argv.slice(2);
const k = await import(pathToFileURL(path.join(kdir, 'index.js')).href);

const src = gdal.open(input);
const band = src.bands.get(1);
const { x: w, y: h } = src.rasterSize;
const data = new Float32Array(w * h);
band.pixels.read(0, 0, w, h, data);
const nd = band.noDataValue;
if (nd !== null) {
  const f = Math.fround(nd);
  for (let i = 0; i < data.length; i++) if (data[i] === f) data[i] = NaN;
}
const gt = src.geoTransform;
const geographic = src.srs ? src.srs.isGeographic() : false;
const sizes = geographic ? k.geographicCellSizes(gt, h) : { dx: gt[1], dy: -gt[5] };
const grid = { data, width: w, height: h, dx: sizes.dx, dy: sizes.dy };

function write(file, arr) {
  const ds = gdal.open(file, 'w', 'GTiff', w, h, 1, gdal.GDT_Float32, ['TILED=YES']);
  ds.srs = src.srs;
  ds.geoTransform = gt;
  const b = ds.bands.get(1);
  b.noDataValue = NaN;
  b.pixels.write(0, 0, w, h, arr instanceof Float32Array ? arr : Float32Array.from(arr));
  ds.close();
}

if (task === 'slope') {
  write(`${outPrefix}_slope.tif`, k.slopeAspect(grid, { aspect: false }).slope);
} else if (task === 'curvature') {
  const c = k.curvature(grid);
  write(`${outPrefix}_plan.tif`, c.plan);
  write(`${outPrefix}_profile.tif`, c.profile);
} else if (task === 'twi') {
  write(`${outPrefix}_twi.tif`, k.twiChain(grid).twi);
} else {
  throw new Error(`unknown task ${task}`);
}
