// SPDX-License-Identifier: GPL-2.0-or-later
// Synthetic benchmark DEM: N × N Float32, 90 m cells, UTM 32N, sum of sines plus a few octaves
// of deterministic value noise (fractal), with some closed depressions.
// Usage: node bench/terrain/make_dem.mjs OUT.tif [N=4000]
import gdal from 'gdal-async';

const out = process.argv[2];
const n = Number(process.argv[3] ?? 4000);
if (!out) throw new Error('usage: make_dem.mjs OUT.tif [N]');
const L = 90;
let seed = 12345;
const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
const lattice = (size) => Float64Array.from({ length: (size + 2) * (size + 2) }, rand);
const octaves = [16, 64, 256, 1024].map((s) => ({ cell: Math.max(2, Math.round(n / s)), amp: 400 / Math.sqrt(s), grid: null }));
for (const o of octaves) {
  o.size = Math.ceil(n / o.cell) + 1;
  o.grid = lattice(o.size);
}
const data = new Float32Array(n * n);
for (let r = 0; r < n; r++) {
  for (let c = 0; c < n; c++) {
    let z = 800 + 300 * Math.sin((2 * Math.PI * r) / n) * Math.cos((3 * Math.PI * c) / n) + 120 * Math.sin((11 * Math.PI * (r + 0.7 * c)) / n);
    for (const o of octaves) {
      const fy = r / o.cell, fx = c / o.cell;
      const y0 = Math.floor(fy), x0 = Math.floor(fx);
      const ty = fy - y0, tx = fx - x0;
      const sy = ty * ty * (3 - 2 * ty), sx = tx * tx * (3 - 2 * tx);
      const s = o.size + 2;
      const v00 = o.grid[y0 * s + x0], v01 = o.grid[y0 * s + x0 + 1], v10 = o.grid[(y0 + 1) * s + x0], v11 = o.grid[(y0 + 1) * s + x0 + 1];
      z += o.amp * ((v00 * (1 - sx) + v01 * sx) * (1 - sy) + (v10 * (1 - sx) + v11 * sx) * sy - 0.5);
    }
    data[r * n + c] = z;
  }
}
const ds = gdal.open(out, 'w', 'GTiff', n, n, 1, gdal.GDT_Float32, ['TILED=YES']);
ds.srs = gdal.SpatialReference.fromEPSG(32632);
ds.geoTransform = [300000, L, 0, 5000000, 0, -L];
ds.bands.get(1).pixels.write(0, 0, n, n, data);
ds.bands.get(1).noDataValue = -9999;
ds.close();
