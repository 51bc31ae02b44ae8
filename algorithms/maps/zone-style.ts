// SPDX-License-Identifier: GPL-2.0-or-later
// Class legends for categorical rasters (helper module: no default export): a GDAL colour table
// and category names set through gdal-async, a raster attribute table (RAT) written into the GDAL
// PAM sidecar <raster>.aux.xml (gdal-async 3.x cannot write RATs; GDAL and QGIS ≥ 3.30 read the
// PAM RAT), and a QGIS layer style <raster-basename>.qml (paletted renderer with the labels) that
// QGIS loads automatically with the raster. The sidecars are written beside the staged raster so
// the output transaction renames them with it.

import fs from 'node:fs';
import path from 'node:path';
import gdal from '../../toolbox/io/gdal.js';
import { finalNameOf } from '../../toolbox/io/atomic.js';

export interface ClassDef {
  value: number;
  label: string;
  /** #rrggbb */
  color: string;
  /** further RAT columns (strings or numbers), same keys for every class */
  extra?: Record<string, string | number>;
}

function rgb(hex: string): [number, number, number] {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`bad colour ${hex}`);
  return [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)];
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Colour table (nodata entry transparent) and category names on band 1 of an open dataset. */
export function applyColorTable(ds: gdal.Dataset, classes: ClassDef[], nodata: number): void {
  const band = ds.bands.get(1);
  const ct = new gdal.ColorTable(gdal.GPI_RGB);
  const max = Math.max(nodata, ...classes.map((c) => c.value));
  for (let i = 0; i <= max; i++) ct.set(i, { c1: 0, c2: 0, c3: 0, c4: 0 });
  for (const c of classes) {
    const [r, g, b] = rgb(c.color);
    ct.set(c.value, { c1: r, c2: g, c3: b, c4: 255 });
  }
  band.colorTable = ct;
  const names: string[] = Array(max + 1).fill('');
  for (const c of classes) names[c.value] = c.label;
  band.categoryNames = names;
}

/** GDAL PAM XML of a thematic raster attribute table. */
export function ratXml(classes: ClassDef[]): string {
  const extraKeys = classes[0]?.extra ? Object.keys(classes[0].extra) : [];
  // Type: 0 integer, 1 real, 2 string. Usage: 0 generic, 1 pixel count, 2 name, 5 min-max, 6–9 RGBA.
  const usageOf = (k: string) => (k === 'PixelCount' ? 1 : 0);
  const fields: [string, number, number][] = [
    ['Value', 0, 5], ['Label', 2, 2],
    ...extraKeys.map((k): [string, number, number] => {
      const vals = classes.map((c) => c.extra![k]);
      // counts are integers; other numbers (areas, shares) are real even when whole
      const type = vals.every((v) => typeof v === 'number') ? (k === 'PixelCount' ? 0 : 1) : 2;
      return [k, type, usageOf(k)];
    }),
    ['Red', 0, 6], ['Green', 0, 7], ['Blue', 0, 8], ['Alpha', 0, 9],
  ];
  const defs = fields.map(([n, t, u], i) => `      <FieldDefn index="${i}">\n        <Name>${esc(n)}</Name>\n        <Type>${t}</Type>\n        <Usage>${u}</Usage>\n      </FieldDefn>`);
  const rows = classes.map((c, r) => {
    const [R, G, B] = rgb(c.color);
    const vals = [c.value, c.label, ...extraKeys.map((k) => c.extra![k]), R, G, B, 255];
    return `      <Row index="${r}">\n${vals.map((v) => `        <F>${esc(String(v))}</F>`).join('\n')}\n      </Row>`;
  });
  return `    <GDALRasterAttributeTable tableType="thematic">\n${defs.join('\n')}\n${rows.join('\n')}\n    </GDALRasterAttributeTable>\n`;
}

/**
 * Add the RAT to the PAM sidecar of a closed raster file (creating the sidecar when GDAL wrote
 * none), inside the PAMRasterBand of band 1.
 */
export function writeRat(rasterFile: string, classes: ClassDef[]): string {
  const aux = rasterFile + '.aux.xml';
  const rat = ratXml(classes);
  let xml = fs.existsSync(aux) ? fs.readFileSync(aux, 'utf8') : '<PAMDataset>\n</PAMDataset>\n';
  xml = xml.replace(/\s*<GDALRasterAttributeTable[\s\S]*?<\/GDALRasterAttributeTable>/, '');
  if (/<PAMRasterBand band="1">/.test(xml)) {
    xml = xml.replace(/(<PAMRasterBand band="1">[\s\S]*?)(\s*<\/PAMRasterBand>)/, (_m, a: string, b: string) => `${a}\n${rat.trimEnd()}${b}`);
  } else {
    xml = xml.replace('</PAMDataset>', `  <PAMRasterBand band="1">\n${rat}  </PAMRasterBand>\n</PAMDataset>`);
  }
  fs.writeFileSync(aux, xml);
  return aux;
}

/** QGIS style file (paletted renderer) for a staged raster: <dir>/<basename>.qml. */
export function writeQml(rasterFile: string, classes: ClassDef[], title: string): string {
  const qml = rasterFile.replace(/\.[^.\/]+$/, '') + '.qml';
  const entries = classes.map((c) => `        <paletteEntry value="${c.value}" color="${c.color}" alpha="255" label="${esc(c.label)}"/>`);
  const text = `<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<!-- ${esc(title)} — written by socp; QGIS loads it with ${esc(path.basename(finalNameOf(rasterFile)))} -->
<qgis version="3.28.0" styleCategories="AllStyleCategories">
  <pipe>
    <rasterrenderer type="paletted" band="1" opacity="1" alphaBand="-1" nodataColor="">
      <rasterTransparency/>
      <colorPalette>
${entries.join('\n')}
      </colorPalette>
    </rasterrenderer>
    <brightnesscontrast brightness="0" contrast="0" gamma="1"/>
    <huesaturation saturation="0" colorizeOn="0" grayscaleMode="0" invertColors="0"/>
    <rasterresampler maxOversampling="2"/>
  </pipe>
  <blendMode>0</blendMode>
</qgis>
`;
  fs.writeFileSync(qml, text);
  return qml;
}
