#!/usr/bin/env node
// SPDX-License-Identifier: GPL-2.0-or-later
// Generator of the "northeast" demo landscape: a synthetic, deterministic miniature of the study
// area of the 2026 Catena SOCp study of Northeast China (ten covariates with the ranges and skew of
// its Table 1, land use with its shares, 293 soil sites in 27 landscape units with SOC, BD, fine
// fraction and gravel from a documented generating process). Everything is drawn from one seeded
// generator, so re-running writes byte-identical files. See README.md for the equations.
//
//   node samples/northeast/generate.mjs [OUT_DIR]  (from the package root; needs gdal-async;
//                                                    OUT_DIR defaults to this folder)
//
// Terrain derivatives follow Horn (1981) for slope and aspect, Zevenbergen & Thorne (1987) for
// plan and profile curvature, and Beven & Kirkby (1979) for TWI = ln(a / tan β) with D8 flow
// accumulation (O'Callaghan & Mark 1984). Landscape units: k-means (Lloyd) on the standardised
// covariates, seeded k-means++ initialisation.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import gdal from 'gdal-async';

const HERE = process.argv[2] ? path.resolve(process.argv[2]) : path.dirname(fileURLToPath(import.meta.url));
const SEED = 20260105;

// ------------------------------------------------------------------ grid
// Albers equal-area conic for Northeast China; 7 km cells; 130 × 180 cells (910 × 1260 km).
export const CRS = '+proj=aea +lat_0=46 +lon_0=125 +lat_1=41 +lat_2=51 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs';
const CELL = 7000;
const W = 130;
const H = 180;
const X0 = -(W / 2) * CELL;
const Y0 = (H / 2) * CELL;
const GT = [X0, CELL, 0, Y0, 0, -CELL];
// Number of land cells: 16 135 × 49 km² = 790 615 km² ≈ the study's 790 605 km².
const N_LAND = 16135;
const NODATA = -9999;
const N_SITES = 293;
const N_UNITS = 27;

// ------------------------------------------------------------------ seeded random numbers
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(SEED);
function normal() {
  // Box–Muller; one value per call (the second is discarded to keep the stream simple)
  const u = 1 - rand();
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

// Smooth value noise: random lattice values every `scale` cells, smoothstep interpolation.
function valueNoise(scale) {
  const gw = Math.ceil(W / scale) + 2;
  const gh = Math.ceil(H / scale) + 2;
  const lattice = Float64Array.from({ length: gw * gh }, () => rand() * 2 - 1);
  const s = (t) => t * t * (3 - 2 * t);
  const out = new Float64Array(W * H);
  for (let r = 0; r < H; r++) {
    for (let c = 0; c < W; c++) {
      const gx = c / scale;
      const gy = r / scale;
      const ix = Math.floor(gx);
      const iy = Math.floor(gy);
      const fx = s(gx - ix);
      const fy = s(gy - iy);
      const L = (i, j) => lattice[(iy + j) * gw + ix + i];
      const top = L(0, 0) * (1 - fx) + L(1, 0) * fx;
      const bot = L(0, 1) * (1 - fx) + L(1, 1) * fx;
      out[r * W + c] = top * (1 - fy) + bot * fy;
    }
  }
  return out;
}
function fbm(scales) {
  const out = new Float64Array(W * H);
  let amp = 1;
  let norm = 0;
  for (const sc of scales) {
    const n = valueNoise(sc);
    for (let i = 0; i < out.length; i++) out[i] += amp * n[i];
    norm += amp;
    amp *= 0.5;
  }
  for (let i = 0; i < out.length; i++) out[i] /= norm;
  return out;
}

// ------------------------------------------------------------------ helpers
const xkm = (c) => (X0 + (c + 0.5) * CELL) / 1000;
const ykm = (r) => (Y0 - (r + 0.5) * CELL) / 1000;
const round = (v, d) => Number(v.toFixed(d));

/** Linear rescale of the land cells to [lo, hi]. */
function rescale(a, land, lo, hi) {
  let mn = Infinity;
  let mx = -Infinity;
  for (let i = 0; i < a.length; i++) if (land[i]) { mn = Math.min(mn, a[i]); mx = Math.max(mx, a[i]); }
  return a.map((v) => lo + ((v - mn) / (mx - mn)) * (hi - lo));
}
function zscore(a, land) {
  let s = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) if (land[i]) { s += a[i]; n++; }
  const m = s / n;
  let v = 0;
  for (let i = 0; i < a.length; i++) if (land[i]) v += (a[i] - m) ** 2;
  const sd = Math.sqrt(v / n);
  return a.map((x) => (x - m) / sd);
}
/** Indices of the n largest scores among the cells where ok[i] (ties broken by index). */
function topN(score, ok, n) {
  const idx = [];
  for (let i = 0; i < score.length; i++) if (ok[i]) idx.push(i);
  idx.sort((a, b) => score[b] - score[a] || a - b);
  return idx.slice(0, n);
}

// ------------------------------------------------------------------ study area mask
function studyArea() {
  const edge = fbm([30, 12]);
  const score = new Float64Array(W * H);
  for (let r = 0; r < H; r++) {
    for (let c = 0; c < W; c++) {
      const dx = xkm(c) / 470;
      const dy = ykm(r) / 640;
      // a rounded, slightly tilted blob with a ragged noisy edge
      const rr = Math.pow(Math.abs(dx + 0.15 * dy) ** 2.6 + Math.abs(dy) ** 2.6, 1 / 2.6);
      score[r * W + c] = -rr + 0.22 * edge[r * W + c];
    }
  }
  const land = new Uint8Array(W * H);
  for (const i of topN(score, new Uint8Array(W * H).fill(1), N_LAND)) land[i] = 1;
  return land;
}

// ------------------------------------------------------------------ elevation
function gauss(d, s) {
  return Math.exp(-(d * d) / (2 * s * s));
}
function elevationSurface(land) {
  const rough = fbm([16, 8, 4, 2]);
  const broad = fbm([40, 20]);
  const z = new Float64Array(W * H);
  for (let r = 0; r < H; r++) {
    for (let c = 0; c < W; c++) {
      const x = xkm(c);
      const y = ykm(r);
      const i = r * W + c;
      // Greater Khingan: ridge in the west running NNE (x ≈ −300 + 0.25 y)
      const gk = 900 * gauss(x - (-300 + 0.25 * y), 110);
      // Lesser Khingan: ridge in the north running NW–SE through (80, 380)
      const lk = 550 * gauss((x - 80) * 0.6 + (y - 380) * 0.8, 90) * gauss((x - 80) * 0.8 - (y - 380) * 0.6, 260);
      // Changbai mountains: broad massif in the southeast around (260, −380)
      const cb = 1150 * gauss(Math.hypot(x - 260, (y + 380) * 0.8), 190);
      const mountains = (gk + lk + cb) * (0.75 + 0.5 * rough[i]);
      const plains = 120 + 70 * broad[i];
      z[i] = plains + mountains + 60 * rough[i];
    }
  }
  // Table 1 range 50–1500 m over the land, right-skewed (plains dominate)
  const zr = rescale(z, land, 0, 1).map((v) => 50 + 1450 * Math.pow(Math.max(0, v), 1.35));
  return zr;
}

// ------------------------------------------------------------------ terrain derivatives
function terrain(z) {
  const at = (r, c) => z[Math.min(H - 1, Math.max(0, r)) * W + Math.min(W - 1, Math.max(0, c))];
  const slope = new Float64Array(W * H);
  const aspect = new Float64Array(W * H);
  const plan = new Float64Array(W * H);
  const prof = new Float64Array(W * H);
  const L = CELL;
  for (let r = 0; r < H; r++) {
    for (let c = 0; c < W; c++) {
      const z1 = at(r - 1, c - 1), z2 = at(r - 1, c), z3 = at(r - 1, c + 1);
      const z4 = at(r, c - 1), z5 = at(r, c), z6 = at(r, c + 1);
      const z7 = at(r + 1, c - 1), z8 = at(r + 1, c), z9 = at(r + 1, c + 1);
      // Horn (1981)
      const dzdx = (z3 + 2 * z6 + z9 - (z1 + 2 * z4 + z7)) / (8 * L);
      const dzdy = (z1 + 2 * z2 + z3 - (z7 + 2 * z8 + z9)) / (8 * L); // towards north
      const i = r * W + c;
      slope[i] = (Math.atan(Math.hypot(dzdx, dzdy)) * 180) / Math.PI;
      aspect[i] = dzdx === 0 && dzdy === 0 ? 0 : ((Math.atan2(-dzdx, -dzdy) * 180) / Math.PI + 360) % 360;
      // Zevenbergen & Thorne (1987), 1/m
      const D = ((z4 + z6) / 2 - z5) / (L * L);
      const E = ((z2 + z8) / 2 - z5) / (L * L);
      const F = (-z1 + z3 + z7 - z9) / (4 * L * L);
      const G = (-z4 + z6) / (2 * L);
      const Hh = (z2 - z8) / (2 * L);
      const g2 = G * G + Hh * Hh;
      prof[i] = g2 > 0 ? (-2 * (D * G * G + E * Hh * Hh + F * G * Hh)) / g2 : 0;
      plan[i] = g2 > 0 ? (2 * (D * Hh * Hh + E * G * G - F * G * Hh)) / g2 : 0;
    }
  }
  // TWI: D8 accumulation in order of decreasing elevation, a = cells × L (specific catchment area)
  const order = Array.from({ length: W * H }, (_, i) => i).sort((a, b) => z[b] - z[a] || a - b);
  const acc = new Float64Array(W * H).fill(1);
  for (const i of order) {
    const r = Math.floor(i / W);
    const c = i % W;
    let best = -1;
    let drop = 0;
    for (let dr = -1; dr <= 1; dr++) {
      for (let dc = -1; dc <= 1; dc++) {
        if (!dr && !dc) continue;
        const rr = r + dr;
        const cc = c + dc;
        if (rr < 0 || rr >= H || cc < 0 || cc >= W) continue;
        const d = (z[i] - z[rr * W + cc]) / (dr && dc ? Math.SQRT2 : 1);
        if (d > drop) { drop = d; best = rr * W + cc; }
      }
    }
    if (best >= 0) acc[best] += acc[i];
  }
  const twi = new Float64Array(W * H);
  for (let i = 0; i < W * H; i++) {
    const tanb = Math.max(Math.tan((slope[i] * Math.PI) / 180), 0.001);
    twi[i] = Math.log((acc[i] * L) / tanb);
  }
  return { slope, aspect, plan, prof, twi };
}

// ------------------------------------------------------------------ climate and vegetation
function climate(z, land) {
  const n1 = fbm([24, 12]);
  const n2 = fbm([24, 12]);
  const n3 = fbm([10, 5]);
  const n4 = fbm([10, 5]);
  const mat = new Float64Array(W * H);
  const map = new Float64Array(W * H);
  for (let r = 0; r < H; r++) {
    for (let c = 0; c < W; c++) {
      const i = r * W + c;
      const x = xkm(c);
      const y = ykm(r);
      mat[i] = 2.0 - 0.0105 * y - 0.0055 * (z[i] - 100) + 0.6 * n1[i]; // colder north and uphill
      map[i] = 560 + 0.34 * x - 0.12 * y + 0.10 * (z[i] - 200) + 45 * n2[i]; // wetter east/southeast and uphill
    }
  }
  const MAT = rescale(mat, land, -5, 8);
  const MAP = rescale(map, land, 350, 900);
  const ndvi = new Float64Array(W * H);
  for (let i = 0; i < W * H; i++) {
    const wet = (MAP[i] - 350) / 550;
    const forested = 1 / (1 + Math.exp(-(z[i] - 380) / 120));
    ndvi[i] = 0.35 * wet + 0.45 * forested + 0.08 * n3[i];
  }
  const NDVI = rescale(ndvi, land, 0.2, 0.9);
  const npp = new Float64Array(W * H);
  for (let i = 0; i < W * H; i++) npp[i] = NDVI[i] * (1 + 0.05 * MAT[i]) + 0.05 * n4[i];
  const NPP = rescale(npp, land, 200, 900);
  return { MAT, MAP, NDVI, NPP };
}

// ------------------------------------------------------------------ land use
const LANDUSE = [
  { code: 1, name: 'farmland', share: 0.393, color: [240, 228, 130] },
  { code: 2, name: 'forest', share: 0.428, color: [40, 120, 60] },
  { code: 3, name: 'grassland', share: 0.043, color: [160, 200, 100] },
  { code: 4, name: 'other', share: 0.137, color: [120, 150, 200] },
];
function landUse(land, cov) {
  const zE = zscore(cov.elevation, land);
  const zN = zscore(cov.ndvi, land);
  const zS = zscore(cov.slope, land);
  const zP = zscore(cov.map, land);
  const zT = zscore(cov.twi, land);
  const patch1 = fbm([12, 6]);
  const patch2 = fbm([6, 3]);
  const lu = new Uint8Array(W * H);
  const nForest = Math.round(0.428 * N_LAND);
  const nGrass = Math.round(0.043 * N_LAND);
  const nOther = Math.round(0.137 * N_LAND);
  const free = () => Uint8Array.from(land, (v, i) => (v && lu[i] === 0 ? 1 : 0));
  const forest = zE.map((v, i) => v + zN[i] + 0.5 * zS[i] + 1.2 * patch1[i]);
  for (const i of topN(forest, free(), nForest)) lu[i] = 2;
  const grass = zP.map((v, i) => -v + 1.0 * patch1[i]);
  for (const i of topN(grass, free(), nGrass)) lu[i] = 3;
  const other = zT.map((v, i) => 0.6 * v + 2.0 * patch2[i]);
  for (const i of topN(other, free(), nOther)) lu[i] = 4;
  for (let i = 0; i < W * H; i++) if (land[i] && lu[i] === 0) lu[i] = 1;
  return lu;
}

// ------------------------------------------------------------------ landscape units (k-means)
function kmeans(X, k, iters = 50) {
  const n = X.length;
  const d = X[0].length;
  const dist2 = (a, b) => { let s = 0; for (let j = 0; j < d; j++) s += (a[j] - b[j]) ** 2; return s; };
  // k-means++ seeding
  const centres = [X[Math.floor(rand() * n)].slice()];
  const best = new Float64Array(n).fill(Infinity);
  while (centres.length < k) {
    let sum = 0;
    for (let i = 0; i < n; i++) { best[i] = Math.min(best[i], dist2(X[i], centres[centres.length - 1])); sum += best[i]; }
    let u = rand() * sum;
    let pick = n - 1;
    for (let i = 0; i < n; i++) { u -= best[i]; if (u <= 0) { pick = i; break; } }
    centres.push(X[pick].slice());
  }
  const label = new Int32Array(n);
  for (let it = 0; it < iters; it++) {
    let changed = 0;
    for (let i = 0; i < n; i++) {
      let bj = 0;
      let bd = Infinity;
      for (let j = 0; j < k; j++) { const dd = dist2(X[i], centres[j]); if (dd < bd) { bd = dd; bj = j; } }
      if (label[i] !== bj) { label[i] = bj; changed++; }
    }
    const sums = Array.from({ length: k }, () => new Float64Array(d));
    const counts = new Float64Array(k);
    for (let i = 0; i < n; i++) { counts[label[i]]++; for (let j = 0; j < d; j++) sums[label[i]][j] += X[i][j]; }
    for (let j = 0; j < k; j++) if (counts[j] > 0) centres[j] = Array.from(sums[j], (s) => s / counts[j]);
    if (changed === 0 && it > 0) break;
  }
  return label;
}

// ------------------------------------------------------------------ soil generating process
const LU_EFFECT = { 1: -0.10, 2: 0.15, 3: 0.05 };
function soil(cv, luCode) {
  // cv: standardised covariates at the site (z-scores over the land cells)
  const lnSoc = Math.log(8.5) + 0.30 * cv.ndvi + 0.18 * cv.map + 0.12 * cv.twi - 0.20 * cv.mat + LU_EFFECT[luCode] + 0.20 * normal();
  const soc = Math.min(150, Math.max(2, Math.exp(lnSoc)));
  const bd = Math.min(1.70, Math.max(0.70, 1.62 - 0.20 * Math.log(soc / 5) + 0.05 * normal()));
  const fine = Math.min(92, Math.max(8, 68 - 9 * cv.elevation - 4 * cv.slope + 3 * cv.map + 5 * normal()));
  const gravel = Math.min(40, Math.max(0, 1.5 + 2.5 * cv.slope + 2.0 * cv.elevation + 1.5 * normal()));
  return { soc, bd, fine, gravel };
}

// ------------------------------------------------------------------ writing
function xml(s) {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
async function writeStack(file, bands, names, land, srs) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'socp-ne-'));
  try {
    const raw = path.join(tmp, 'raw.tif');
    const ds = await gdal.drivers.get('GTiff').createAsync(raw, W, H, bands.length, 'Float32');
    ds.geoTransform = GT;
    ds.srs = srs;
    for (let b = 0; b < bands.length; b++) {
      const band = ds.bands.get(b + 1);
      band.noDataValue = NODATA;
      const buf = new Float32Array(W * H);
      for (let i = 0; i < W * H; i++) buf[i] = land[i] ? bands[b][i] : NODATA;
      await band.pixels.writeAsync(0, 0, W, H, buf);
    }
    ds.close();
    const vrt = `<VRTDataset rasterXSize="${W}" rasterYSize="${H}">
  <SRS>${xml(srs.toWKT())}</SRS>
  <GeoTransform>${GT.join(', ')}</GeoTransform>
${names.map((n, b) => `  <VRTRasterBand dataType="Float32" band="${b + 1}">
    <Description>${xml(n)}</Description>
    <NoDataValue>${NODATA}</NoDataValue>
    <SimpleSource><SourceFilename relativeToVRT="0">${xml(raw)}</SourceFilename><SourceBand>${b + 1}</SourceBand></SimpleSource>
  </VRTRasterBand>`).join('\n')}
</VRTDataset>`;
    const vrtFile = path.join(tmp, 'stack.vrt');
    fs.writeFileSync(vrtFile, vrt);
    const src = await gdal.openAsync(vrtFile);
    const out = await gdal.translateAsync(file, src, ['-co', 'TILED=YES', '-co', 'COMPRESS=DEFLATE', '-co', 'PREDICTOR=3', '-co', 'ZLEVEL=9', '-co', 'INTERLEAVE=BAND']);
    out.close();
    src.close();
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
async function writeLandUse(file, lu, srs) {
  const ds = await gdal.drivers.get('GTiff').createAsync(file, W, H, 1, 'Byte', ['TILED=YES', 'COMPRESS=DEFLATE', 'ZLEVEL=9']);
  ds.geoTransform = GT;
  ds.srs = srs;
  const b = ds.bands.get(1);
  b.noDataValue = 0;
  const ct = new gdal.ColorTable(gdal.GPI_RGB);
  ct.set(0, { c1: 0, c2: 0, c3: 0, c4: 0 });
  for (const l of LANDUSE) ct.set(l.code, { c1: l.color[0], c2: l.color[1], c3: l.color[2], c4: 255 });
  b.colorTable = ct;
  await b.pixels.writeAsync(0, 0, W, H, lu);
  ds.close();
}

// ------------------------------------------------------------------ main
async function main() {
  const srs = gdal.SpatialReference.fromProj4(CRS);
  const land = studyArea();
  const elevation = elevationSurface(land);
  const t = terrain(elevation);
  const clim = climate(elevation, land);
  const q = (a, d) => a.map((v) => round(v, d));
  const cov = {
    elevation: q(elevation, 1),
    slope: q(t.slope, 4),
    aspect: q(t.aspect, 2),
    plan_curvature: t.plan.map((v) => Number(v.toPrecision(4))),
    profile_curvature: t.prof.map((v) => Number(v.toPrecision(4))),
    twi: q(t.twi, 3),
    mat: q(clim.MAT, 2),
    map: q(clim.MAP, 1),
    ndvi: q(clim.NDVI, 4),
    npp: q(clim.NPP, 1),
  };
  const names = Object.keys(cov);
  const lu = landUse(land, { elevation: cov.elevation, ndvi: cov.ndvi, slope: cov.slope, map: cov.map, twi: cov.twi });

  // landscape units: k-means on the standardised covariates of the land cells
  const Z = Object.fromEntries(names.map((n) => [n, zscore(cov[n], land)]));
  const cells = [];
  for (let i = 0; i < W * H; i++) if (land[i]) cells.push(i);
  const X = cells.map((i) => names.map((n) => Z[n][i]));
  const unitOf = kmeans(X, N_UNITS);
  const members = Array.from({ length: N_UNITS }, () => []);
  cells.forEach((cell, k) => { if (lu[cell] >= 1 && lu[cell] <= 3) members[unitOf[k]].push(cell); });
  // 293 sites: 10 per unit (270) + 1 more in the 23 units with the most soil cells → 10–11 per unit
  const bySize = members.map((m, u) => [u, m.length]).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const quota = new Array(N_UNITS).fill(10);
  for (let j = 0; j < N_SITES - 10 * N_UNITS; j++) quota[bySize[j][0]]++;
  const rows = [];
  for (let u = 0; u < N_UNITS; u++) {
    const pool = members[u].slice();
    for (let s = 0; s < quota[u] && pool.length > 0; s++) {
      const cell = pool.splice(Math.floor(rand() * pool.length), 1)[0];
      const r = Math.floor(cell / W);
      const c = cell % W;
      const x = X0 + (c + 0.1 + 0.8 * rand()) * CELL;
      const y = Y0 - (r + 0.1 + 0.8 * rand()) * CELL;
      const cv = Object.fromEntries(names.map((n) => [n, Z[n][cell]]));
      const sv = soil(cv, lu[cell]);
      rows.push({ unit: u + 1, x, y, landuse: LANDUSE[lu[cell] - 1].name, ...sv });
    }
  }
  rows.sort((a, b) => a.unit - b.unit || b.y - a.y || a.x - b.x);
  const header = 'site,unit,x,y,landuse,soc,bd,fine,gravel,depth';
  const lines = rows.map((r, k) => [
    `NE${String(k + 1).padStart(3, '0')}`, r.unit, r.x.toFixed(1), r.y.toFixed(1), r.landuse,
    r.soc.toFixed(2), r.bd.toFixed(3), r.fine.toFixed(1), r.gravel.toFixed(1), 30,
  ].join(','));
  fs.writeFileSync(path.join(HERE, 'samples.csv'), [header, ...lines].join('\n') + '\n');
  fs.writeFileSync(path.join(HERE, 'samples.prj'), srs.toWKT() + '\n');
  await writeStack(path.join(HERE, 'covariates.tif'), names.map((n) => cov[n]), names, land, srs);
  await writeLandUse(path.join(HERE, 'landuse.tif'), lu, srs);

  // a summary for the README (printed, not written)
  const counts = [1, 2, 3, 4].map((c) => lu.filter((v) => v === c).length);
  console.log(`land cells ${N_LAND} (${N_LAND * 49} km²); land use ${LANDUSE.map((l, j) => `${l.name} ${(100 * counts[j] / N_LAND).toFixed(1)} %`).join(', ')}`);
  for (const n of names) {
    const v = cells.map((i) => cov[n][i]);
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    const sd = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
    const sk = v.reduce((a, b) => a + ((b - m) / sd) ** 3, 0) / v.length;
    console.log(`${n.padEnd(18)} min ${Math.min(...v).toPrecision(4)} max ${Math.max(...v).toPrecision(4)} mean ${m.toPrecision(4)} sd ${sd.toPrecision(4)} skew ${sk.toFixed(2)}`);
  }
  const perUnit = quota.join(' ');
  console.log(`${rows.length} sites in ${N_UNITS} units (per unit: ${perUnit}); sites per land use: ${['farmland', 'forest', 'grassland'].map((l) => `${l} ${rows.filter((r) => r.landuse === l).length}`).join(', ')}`);
  const hass = rows.map((r) => 30 * (4.09 + 0.37 * r.fine) * r.bd * (1 - r.gravel / 100) * 0.01 - 30 * r.soc * r.bd * (1 - r.gravel / 100) * 0.01);
  const elus = rows.map((r) => 30 * (9.04 + 0.27 * r.fine) * r.bd * (1 - r.gravel / 100) * 0.01 - 30 * r.soc * r.bd * (1 - r.gravel / 100) * 0.01);
  const mean = (a) => a.reduce((x, y) => x + y, 0) / a.length;
  console.log(`SOC mean ${mean(rows.map((r) => r.soc)).toFixed(2)} g/kg; SOCp at sites: Hassink mean ${mean(hass).toFixed(2)}, Elustondo mean ${mean(elus).toFixed(2)} kg C m⁻²; negative: ${hass.filter((v) => v < 0).length} / ${elus.filter((v) => v < 0).length}`);
}

await main();
