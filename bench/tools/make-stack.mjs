import { createRaster } from '../../dist/toolbox/io/raster.js';
import gdal from 'gdal-async';
const W = +process.argv[2], H = +process.argv[3];
const names = ['x1','x2','x3','x4','x5','x6','x7','x8','x9','x10'];
const w = await createRaster(process.argv[4], { width: W, height: H, bands: 10, geoTransform: [0, 90, 0, H*90, 0, -90], srsWkt: gdal.SpatialReference.fromEPSG(32652).toWKT(), bandNames: names });
const rows = 256;
for (let b = 1; b <= 10; b++) for (let y = 0; y < H; y += rows) { const h = Math.min(rows, H - y); const a = new Float32Array(W*h); for (let i=0;i<a.length;i++) a[i] = ((i*2654435761 + b*97 + y) % 1000)/1000; if (y===0 && b===3) a[5]=NaN; await w.write(b, 0, y, W, h, a); }
await w.close();
