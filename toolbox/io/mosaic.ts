// SPDX-License-Identifier: GPL-2.0-or-later
// GDAL's side of tiled runs: a window of a raster as a small VRT (nothing copied), a tile cut out of
// a larger result (the halo dropped), and the mosaic of tiles: a VRT over the parts, then a
// Cloud-Optimised GeoTIFF. Band names and dataset metadata of the tiles are carried over.

import fs from 'node:fs';
import path from 'node:path';
import gdal from './gdal.js';
import { DataError } from '../errors.js';
import { gtiffOptions, xmlEscape } from './raster.js';
import type { Window } from '../tiling.js';

const srcwin = (w: Window) => ['-srcwin', String(w.x), String(w.y), String(w.width), String(w.height)];

/** A VRT that shows one window of `src` (its band names, nodata and metadata with it). */
export async function windowVrt(src: string, w: Window, dest: string): Promise<void> {
  const ds = await gdal.openAsync(src);
  try {
    const out = await gdal.translateAsync(dest, ds, ['-of', 'VRT', ...srcwin(w)]);
    out.close();
  } finally {
    ds.close();
  }
}

/** COG's PREDICTOR for a band data type: as gtiffOptions() chooses for GeoTIFFs. */
function cogPredictor(dataType: string): string {
  return dataType.startsWith('Float') ? 'FLOATING_POINT' : dataType === 'Byte' ? 'NO' : 'STANDARD';
}

/** `src` cut to window `w`, as a GeoTIFF at `dest` (band names and metadata kept). */
export async function cropRaster(src: string, w: Window, dest: string): Promise<void> {
  const ds = await gdal.openAsync(src);
  try {
    const out = await gdal.translateAsync(dest, ds, ['-of', 'GTiff', ...srcwin(w), ...gtiffOptions(ds.bands.get(1).dataType ?? '').flatMap((c) => ['-co', c])]);
    out.close();
  } finally {
    ds.close();
  }
}

/**
 * The mosaic of tiles (GeoTIFFs of one grid, in any order) as a Cloud-Optimised GeoTIFF at `dest`:
 * a VRT over the tiles, then GDAL's COG driver. The grid is the union of the tiles; band names,
 * nodata and dataset metadata come from the first tile.
 */
export async function mosaicCog(tiles: string[], dest: string): Promise<void> {
  if (tiles.length === 0) throw new DataError('a mosaic needs at least one tile');
  const vrtFile = path.join(path.dirname(dest), `.${path.basename(dest)}.mosaic-${process.pid}.vrt`);
  const first = await gdal.openAsync(tiles[0]);
  try {
    const built = await gdal.buildVRTAsync(vrtFile, tiles, ['-resolution', 'highest']);
    built.close();
    // gdal-async cannot set band descriptions: they go into the VRT's XML, which the COG copies
    let xml = fs.readFileSync(vrtFile, 'utf8');
    let band = 0;
    xml = xml.replace(/<VRTRasterBand\b[^>]*>/g, (open) => {
      const b = first.bands.get(++band);
      const cats = b.categoryNames ?? [];
      const desc = b.description ? `<Description>${xmlEscape(b.description)}</Description>` : '';
      const catXml = cats.length ? `<CategoryNames>${cats.map((c) => `<Category>${xmlEscape(c)}</Category>`).join('')}</CategoryNames>` : '';
      return open + desc + catXml;
    });
    const meta = first.getMetadata();
    if (meta && Object.keys(meta).length) {
      xml = xml.replace(/<VRTDataset\b[^>]*>/, (open) => `${open}<Metadata>${Object.entries(meta).map(([k, v]) => `<MDI key="${xmlEscape(k)}">${xmlEscape(String(v))}</MDI>`).join('')}</Metadata>`);
    }
    fs.writeFileSync(vrtFile, xml);
    const vrt = await gdal.openAsync(vrtFile);
    try {
      const cog = await gdal.translateAsync(dest, vrt, [
        '-of', 'COG', '-co', 'COMPRESS=DEFLATE', '-co', 'LEVEL=1', '-co', `PREDICTOR=${cogPredictor(first.bands.get(1).dataType ?? '')}`,
        '-co', 'BIGTIFF=IF_SAFER', '-co', 'BLOCKSIZE=512',
      ]);
      cog.close();
    } finally {
      vrt.close();
    }
  } finally {
    first.close();
    fs.rmSync(vrtFile, { force: true });
  }
}
