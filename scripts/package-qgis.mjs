#!/usr/bin/env node
// SPDX-License-Identifier: GPL-2.0-or-later
// Builds the installable QGIS plugin zip (Plugins ▸ Manage and Install ▸ Install from ZIP):
// dist/socp-qgis-<version>.zip holding the folder socp/ with qgis/*.py, metadata.txt (its version
// set from package.json) and the licence. No external tools: a small store/deflate zip writer.
//   node scripts/package-qgis.mjs [--out file.zip]

import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const src = path.join(root, 'qgis');

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf) {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function dosTime(d) {
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    date: ((d.getFullYear() - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

/** A zip archive of [name, Buffer] entries (deflated), as one Buffer. */
export function zip(entries, when = new Date()) {
  const { time, date } = dosTime(when);
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const nameBuf = Buffer.from(name, 'utf8');
    const deflated = zlib.deflateRawSync(data, { level: 9 });
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(deflated.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, nameBuf, deflated);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x0314, 4); // made by: Unix, 2.0
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(time, 12);
    central.writeUInt16LE(date, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(deflated.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE(((0o100644 << 16) >>> 0), 38); // -rw-r--r--
    central.writeUInt32LE(offset, 42);
    centrals.push(central, nameBuf);
    offset += 30 + nameBuf.length + deflated.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** The plugin's files as zip entries under socp/. */
export function pluginEntries() {
  const entries = [];
  const walk = (dir, rel) => {
    for (const d of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (d.name === '__pycache__' || d.name.startsWith('.') || d.name.endsWith('.pyc')) continue;
      const p = path.join(dir, d.name);
      const r = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) walk(p, r);
      else if (d.isFile()) entries.push([r, fs.readFileSync(p)]);
    }
  };
  walk(src, '');
  const meta = entries.find(([n]) => n === 'metadata.txt');
  if (!meta) throw new Error('qgis/metadata.txt is missing');
  const text = meta[1].toString('utf8');
  if (!/^hasProcessingProvider=yes$/m.test(text)) throw new Error('qgis/metadata.txt must say hasProcessingProvider=yes');
  meta[1] = Buffer.from(text.replace(/^version=.*$/m, `version=${pkg.version}`), 'utf8');
  const licence = path.join(root, 'LICENSE');
  if (fs.existsSync(licence) && !entries.some(([n]) => n === 'LICENSE')) entries.push(['LICENSE', fs.readFileSync(licence)]);
  return entries.map(([n, b]) => [`socp/${n}`, b]);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--out');
  const out = i >= 0 ? path.resolve(process.argv[i + 1]) : path.join(root, 'dist', `socp-qgis-${pkg.version}.zip`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const entries = pluginEntries();
  const tmp = `${out}.tmp`;
  fs.writeFileSync(tmp, zip(entries));
  fs.renameSync(tmp, out);
  console.log(`${path.relative(process.cwd(), out) || out}: ${entries.length} files (${entries.map(([n]) => n).join(', ')})`);
}
