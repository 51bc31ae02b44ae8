// SPDX-License-Identifier: GPL-2.0-or-later
// GDAL round trips: rasters (nodata, band names, tiling, compression, CRS) and tables in every
// supported format (CSV, GeoPackage layers, GeoJSON, Shapefile) with their CRS.
import { describe, it, expect } from 'vitest';
import path from 'node:path';
import gdal from 'gdal-async';
import { createRaster, openRaster, readWindow, strips, writePamBandNames } from '../../../toolbox/io/raster.js';
import { readTable, writeTable, numericColumn } from '../../../toolbox/io/table.js';
import { tempDir, writeFile, SAMPLE_CSV } from '../../helpers.js';

describe('raster I/O', () => {
  it('writes a tiled compressed GeoTIFF with nodata and band names, reads it back', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'r.tif');
    const srs = gdal.SpatialReference.fromEPSG(32652).toWKT();
    const w = await createRaster(file, { width: 300, height: 200, bands: 2, geoTransform: [500000, 90, 0, 5000000, 0, -90], srsWkt: srs, bandNames: ['elevation', 'slope'] });
    const data = new Float64Array(300 * 200).map((_, i) => i % 7);
    data[5] = NaN;
    await w.write(1, 0, 0, 300, 200, data);
    await w.write(2, 0, 0, 300, 200, data.map((v) => v * 2));
    await w.close();
    const r = await openRaster(file);
    expect(r.bandNames).toEqual(['elevation', 'slope']);
    expect(r.width).toBe(300);
    expect(r.geoTransform).toEqual([500000, 90, 0, 5000000, 0, -90]);
    expect(gdal.SpatialReference.fromWKT(r.srsWkt).getAuthorityCode(null)).toBe('32652');
    const back = await readWindow(r, 1, 0, 0, 10, 1);
    expect(back[5]).toBeNaN();
    expect(back[6]).toBe(6);
    const info = gdal.info(r.ds, ['-json']);
    const j = JSON.parse(info);
    expect(j.metadata.IMAGE_STRUCTURE.COMPRESSION).toBe('DEFLATE');
    expect(j.bands[0].block).toEqual([256, 256]);
    r.ds.close();
  });
  it('band names of very large rasters go to the PAM sidecar, which GDAL reads', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'big.tif');
    const w = await createRaster(file, { width: 4, height: 4, bands: 1, geoTransform: [0, 1, 0, 4, 0, -1], srsWkt: '' });
    await w.close();
    writePamBandNames(file, ['prediction']);
    const r = await openRaster(file);
    expect(r.bandNames).toEqual(['prediction']);
    r.ds.close();
  });
  it('strips cover every row once', () => {
    const s = [...strips(1000, 256)];
    expect(s).toEqual([[0, 256], [256, 256], [512, 256], [768, 232]]);
  });
});

describe('table I/O', () => {
  for (const ext of ['.csv', '.gpkg', '.geojson', '.shp']) {
    it(`round trip ${ext} keeps values, missing values, points and CRS`, async () => {
      const dir = tempDir();
      const src = await readTable(writeFile(dir, 's.csv', SAMPLE_CSV.replace(',1.2,', ',,')));
      expect(src.srsWkt).toMatch(/WGS 84/); // lon/lat names → EPSG:4326
      const out = path.join(dir, 'o' + ext);
      await writeTable(out, src, 'o');
      const back = await readTable(out);
      expect(back.nRows).toBe(3);
      expect(numericColumn(back, 'soc')).toEqual([20, 15, 30]);
      expect(numericColumn(back, 'bd')[1]).toBeNaN();
      expect(Array.from(back.x!)).toEqual([125.1, 125.2, 125.3]);
      expect(Array.from(back.y!)).toEqual([45.2, 45.3, 45.4]);
      expect(back.srsWkt).toMatch(/WGS/);
    });
  }
  it('reads a named layer of a GeoPackage with several layers', async () => {
    const dir = tempDir();
    const t = await readTable(writeFile(dir, 's.csv', SAMPLE_CSV));
    const gpkg = path.join(dir, 'multi.gpkg');
    const ds = gdal.open(gpkg, 'w', 'GPKG');
    ds.layers.create('first', null, gdal.wkbNone);
    ds.close();
    // add a second layer by writing through OGR in update mode
    const up = gdal.open(gpkg, 'r+');
    const lyr = up.layers.create('samples', gdal.SpatialReference.fromEPSG(4326), gdal.wkbPoint);
    lyr.fields.add(new gdal.FieldDefn('soc', gdal.OFTReal));
    for (let i = 0; i < t.nRows; i++) {
      const f = new gdal.Feature(lyr);
      f.fields.set('soc', numericColumn(t, 'soc')[i]);
      f.setGeometry(new gdal.Point(t.x![i], t.y![i]));
      lyr.features.add(f);
    }
    up.close();
    const back = await readTable(`${gpkg}|layername=samples`);
    expect(back.layerName).toBe('samples');
    expect(numericColumn(back, 'soc')).toEqual([20, 15, 30]);
    await expect(readTable(`${gpkg}|layername=nothere`)).rejects.toThrow(/has no layer "nothere"; its layers are (first, samples|samples, first)/);
  });
  it('projected coordinates from x/y need a CRS; POINTS_CRS gives it', async () => {
    const dir = tempDir();
    const f = writeFile(dir, 'p.csv', 'x,y,v\n500000,5000000,1\n');
    expect((await readTable(f)).srsWkt).toBe('');
    const t = await readTable(f, { pointsCrs: 'EPSG:32652' });
    expect(t.srsWkt).toMatch(/UTM zone 52N/);
  });
});
