// SPDX-License-Identifier: GPL-2.0-or-later
// The files a dataset makes GDAL read besides itself. A GDAL VRT (raster <VRTDataset> or OGR
// <OGRVRTDataSource>) names its sources inside: GDAL opens them when the VRT is read, wherever
// they are, whatever the VRT file is called (GDAL recognises a VRT by its content, not its name).
// The bridge checks every such reference by the rules of the path itself; this module only finds
// them. Side files (.aux.xml, .ovr, .msk) are not references: they lie beside the dataset.
//
// Read conservatively: what cannot be read for certain (a DOCTYPE that could define entities, a
// source that is a connection string or a GDAL virtual file system, a descriptor of a network
// service) is reported as refused rather than guessed.

import fs from 'node:fs';
import path from 'node:path';

export interface DatasetReferences {
  /** referenced local files, absolute (nested VRTs are followed by the caller) */
  files: string[];
  /** references that cannot be confined to local files, with why */
  refused: string[];
}

const SNIFF_BYTES = 1 << 16;

/** XML descriptors of network services and other drivers that fetch what they describe. */
const REMOTE_DESCRIPTORS = /<(GDAL_WMS|GDAL_WMTS|WMTS_Capabilities|WCS_GDAL|OGRWFSDataSource|OGRAPISDataSource|GDAL_WCS|Service|PLScenes)\b/i;

function decodeEntities(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_m, e: string) => {
    const k = e.toLowerCase();
    if (k === 'lt') return '<';
    if (k === 'gt') return '>';
    if (k === 'amp') return '&';
    if (k === 'quot') return '"';
    if (k === 'apos') return "'";
    return String.fromCodePoint(k.startsWith('#x') ? parseInt(k.slice(2), 16) : parseInt(k.slice(1), 10));
  });
}

const truthy = (v: string | undefined) => v !== undefined && /^(1|true|yes|on)$/i.test(v.trim());

/** The first bytes of a file as text (enough to tell a VRT). */
function head(file: string): string {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const n = fs.readSync(fd, buf, 0, SNIFF_BYTES, 0);
    return buf.subarray(0, n).toString('latin1');
  } finally {
    fs.closeSync(fd);
  }
}

/** Does this file hold XML that GDAL reads as a VRT or as a service descriptor? */
export function isIndirectDataset(file: string): boolean {
  let text: string;
  try {
    text = head(file);
  } catch {
    return false;
  }
  return /<(VRTDataset|OGRVRTDataSource)\b/i.test(text) || REMOTE_DESCRIPTORS.test(text);
}

/**
 * The references of one dataset file: for a VRT, every source file (SourceFilename of raster
 * sources, overviews and masks; SrcDataSource of OGR VRT layers), resolved against the VRT's
 * folder when relativeToVRT says so. Inline VRTs inside a source are read in place.
 */
export function datasetReferences(file: string): DatasetReferences {
  const out: DatasetReferences = { files: [], refused: [] };
  let text: string;
  try {
    const st = fs.statSync(file);
    text = head(file);
    if (!/<(VRTDataset|OGRVRTDataSource)\b/i.test(text) && !REMOTE_DESCRIPTORS.test(text)) return out;
    text = st.size > SNIFF_BYTES ? fs.readFileSync(file, 'latin1') : text;
  } catch {
    return out; // unreadable: opening it reports that
  }
  scanXml(text, path.dirname(file), out, 0);
  return out;
}

function scanXml(text: string, baseDir: string, out: DatasetReferences, depth: number): void {
  if (depth > 8) {
    out.refused.push('VRTs nested more than 8 deep');
    return;
  }
  const remote = REMOTE_DESCRIPTORS.exec(text);
  if (remote) out.refused.push(`a <${remote[1]}> descriptor (GDAL would fetch it over the network)`);
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) out.refused.push('a DOCTYPE or entity declaration');
  if (/<!\[CDATA\[/i.test(text)) out.refused.push('a CDATA section');
  // GDAL's Python pixel functions run code: never through the bridge
  if (/<PixelFunctionLanguage>\s*Python/i.test(text) || /<PixelFunctionCode\b/i.test(text)) out.refused.push('a Python pixel function');
  const element = /<(SourceFilename|SrcDataSource|SourceDataset)\b([^>]*)>([\s\S]*?)<\/\1\s*>/gi;
  const opened = (text.match(/<(SourceFilename|SrcDataSource|SourceDataset)\b/gi) ?? []).length;
  let found = 0;
  for (let m = element.exec(text); m; m = element.exec(text)) {
    found++;
    const attrs = m[2];
    const rel = /relativeToVRT\s*=\s*"([^"]*)"|relativeToVRT\s*=\s*'([^']*)'/i.exec(attrs);
    const relative = truthy(rel ? rel[1] ?? rel[2] : undefined);
    const value = decodeEntities(m[3]).trim();
    if (value.startsWith('<')) {
      scanXml(value, baseDir, out, depth + 1); // an inline VRT as a source
      continue;
    }
    classify(value, relative ? baseDir : undefined, out);
  }
  if (found !== opened) out.refused.push('a source element that could not be read');
}

function classify(source: string, baseDir: string | undefined, out: DatasetReferences): void {
  let s = source;
  const vrtUrl = /^vrt:\/\/([^?]*)/i.exec(s); // vrt://file?bands=1 (GDAL ≥ 3.1)
  if (vrtUrl) s = vrtUrl[1];
  if (s === '') {
    out.refused.push('an empty source');
    return;
  }
  if (/^\/vsi/i.test(s)) {
    out.refused.push(`the source ${source} (a GDAL virtual file system)`);
    return;
  }
  // scheme:… and driver connection strings (NETCDF:"f":v, GPKG:f:t, HDF5:…, PG:…, http://…)
  if (/^[A-Za-z][A-Za-z0-9+._-]*:/.test(s)) {
    out.refused.push(`the source ${source} (a URL or a driver connection string)`);
    return;
  }
  out.files.push(path.resolve(baseDir ?? process.cwd(), s));
}
