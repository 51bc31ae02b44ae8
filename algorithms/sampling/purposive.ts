// SPDX-License-Identifier: GPL-2.0-or-later
// sampling:purposive — survey sites at the most typical locations of fuzzy landscape units (Zhu et
// al. 2008; Yang et al. 2013), with a minimum distance between sites; the study's 8–10 sites per
// unit.

import { defineAlgorithm } from '../../toolbox/algorithm.js';
import { param } from '../../toolbox/params.js';
import { DataError, UsageError } from '../../toolbox/errors.js';
import { gridMismatch, openRaster, readWindow, strips, stripRows, type RasterInfo } from '../../toolbox/io/raster.js';
import { saveTable } from '../../toolbox/io/outputs.js';
import type { Table } from '../../toolbox/io/table.js';
import { Rng } from './core/prng.js';
import { candidateOrder, parseSitesPerClass, placeSites, sitesWanted, type PlacementMethod } from './core/purposive.js';
import { pixelCentre } from './stack.js';

/** Band (1-based) of each class in the membership raster: by name membership_<k>, else band k. */
function membershipBands(m: RasterInfo, maxClass: number): Map<number, number> {
  const map = new Map<number, number>();
  m.bandNames.forEach((name, i) => {
    const hit = /^membership_(\d+)$/i.exec(name);
    if (hit) map.set(Number(hit[1]), i + 1);
  });
  if (map.size === 0) for (let k = 1; k <= Math.min(maxClass, m.bandCount); k++) map.set(k, k);
  return map;
}

export default defineAlgorithm({
  id: 'sampling:purposive',
  title: 'Purposive survey sites per landscape unit',
  group: 'sampling',
  help: 'Places survey sites in the landscape units of sampling:fcm at their most typical locations — the pixels ' +
    'where the membership of the unit is highest (purposive sampling, Zhu et al. 2008) — keeping at least ' +
    'MIN_DISTANCE (map units of the rasters\' CRS) between any two sites, and never on nodata. A pixel is a ' +
    'candidate for class k when its hard class is k and its membership of k has data. SITES_PER_CLASS is a number ' +
    '("9": every class gets 9), a range ("8-10": sites proportional to class area — its pixel count — with every ' +
    'class kept within the range; the total is TOTAL_SITES, by default classes × the middle of the range) or ' +
    '"proportional" (TOTAL_SITES proportional to class area, at least one per class; by largest remainder). ' +
    'METHOD highest takes the candidates from the highest membership down (equal memberships in a seeded random ' +
    'order); METHOD random-top draws them at random (seeded) among the top TOP_FRACTION of each class\'s ' +
    'memberships, then continues from the highest remaining. Classes are served from the fewest candidates to the ' +
    'most, so small units pick first. When the minimum distance leaves fewer locations than wanted, the sites ' +
    'that fit are kept and a warning says how many each short class got (SHORT_CLASSES in the results); it is an ' +
    'error only when a class that has pixels gets no site at all. Classes with no pixels get no sites (warning). ' +
    'Output: points (GeoPackage or any vector format) with site, class, membership, x, y in the rasters\' CRS.',
  inputs: [
    param.raster('INPUT', 'Class raster of sampling:fcm (classes 1…n, nodata outside)'),
    param.raster('MEMBERSHIP', 'Membership raster of sampling:fcm (band membership_<k> per class k, or band k)'),
    param.string('SITES_PER_CLASS', 'Sites per class: a number ("9"), a range allocated by area ("8-10") or "proportional" (with TOTAL_SITES)', { default: '8-10' }),
    param.integer('TOTAL_SITES', 'Total number of sites for a range or proportional allocation (range default: classes × middle of the range)', { optional: true, min: 1 }),
    param.number('MIN_DISTANCE', 'Minimum distance between any two sites, in map units of the rasters (metres for a projected CRS)', { default: 0, min: 0 }),
    param.enum('METHOD', 'highest: highest membership first; random-top: at random among the top TOP_FRACTION of memberships', ['highest', 'random-top'] as const, { default: 'highest' }),
    param.number('TOP_FRACTION', 'random-top: the fraction of each class\'s candidates (highest memberships) to draw from', { default: 0.1, min: 0, exclusiveMin: true, max: 1, advanced: true }),
    param.number('MIN_MEMBERSHIP', 'Candidates need at least this membership of their class', { default: 0, min: 0, max: 1, advanced: true }),
    param.integer('SEED', 'Seed of the random tie-breaking and random-top draws', { default: 1 }),
    param.vectorDestination('OUTPUT', 'Sites as points (GeoPackage, GeoJSON, Shapefile or CSV) with site, class, membership, x, y'),
  ],
  outputs: [
    { name: 'OUTPUT', kind: 'vector', description: 'the sites' },
    { name: 'SITES', kind: 'number', description: 'sites placed' },
    { name: 'SITES_WANTED', kind: 'number', description: 'sites asked for' },
    { name: 'CLASSES', kind: 'number', description: 'classes with pixels' },
    { name: 'SHORT_CLASSES', kind: 'string', description: 'classes that got fewer sites than wanted, as class:placed/wanted' },
  ],
  check(p) {
    const out: string[] = [];
    const spec = parseSitesPerClass(String(p.SITES_PER_CLASS));
    if (typeof spec === 'string') out.push(spec);
    else if (spec.kind === 'proportional' && p.TOTAL_SITES === undefined) out.push('SITES_PER_CLASS "proportional" needs TOTAL_SITES');
    else if (spec.kind === 'fixed' && p.TOTAL_SITES !== undefined) out.push(`TOTAL_SITES cannot be combined with a fixed SITES_PER_CLASS (${spec.n}); give a range such as 8-10 or "proportional"`);
    return out;
  },
  async run(p, ctx) {
    const spec = parseSitesPerClass(String(p.SITES_PER_CLASS));
    if (typeof spec === 'string') throw new UsageError(spec);
    const cr = await openRaster(p.INPUT, 'INPUT');
    const mr = await openRaster(p.MEMBERSHIP, 'MEMBERSHIP');
    try {
      const mismatch = gridMismatch(cr, mr);
      if (mismatch) throw new DataError(`INPUT and MEMBERSHIP must be on the same grid: ${mismatch}; use the two outputs of one sampling:fcm run`);

      // 1. pass over the rasters: candidate pixels per class with their membership
      ctx.progress(0, 'reading classes and memberships');
      const rows = stripRows(cr.width, 2 + mr.bandCount);
      let bandOf: Map<number, number> | undefined;
      const idx = new Map<number, number[]>();
      const mem = new Map<number, number[]>();
      const pixels = new Map<number, number>();
      const memBufs = new Map<number, Float64Array>();
      const bad: string[] = [];
      for (const [y0, h] of strips(cr.height, rows)) {
        ctx.checkCancelled();
        const len = cr.width * h;
        const cls = await readWindow(cr, 1, 0, y0, cr.width, h);
        // classes in this strip
        const present = new Set<number>();
        for (let i = 0; i < len; i++) {
          const v = cls[i];
          if (Number.isNaN(v)) continue;
          if (!Number.isInteger(v) || v < 1) {
            if (bad.length < 3) bad.push(`${v} at row ${y0 + Math.floor(i / cr.width) + 1}, column ${(i % cr.width) + 1}`);
            continue;
          }
          present.add(v);
        }
        if (bad.length) throw new DataError(`INPUT ${p.INPUT} holds values that are not classes 1, 2, …: ${bad.join('; ')}; give the class raster of sampling:fcm`);
        if (present.size === 0) continue;
        bandOf ??= membershipBands(mr, Math.max(...present));
        for (const k of present) {
          const b = bandOf.get(k);
          if (b === undefined) throw new DataError(`MEMBERSHIP ${p.MEMBERSHIP} has no band for class ${k} (bands ${mr.bandNames.join(', ')}); give the membership raster of the same sampling:fcm run`);
          memBufs.set(k, await readWindow(mr, b, 0, y0, cr.width, h));
        }
        for (let i = 0; i < len; i++) {
          const k = cls[i];
          if (Number.isNaN(k)) continue;
          pixels.set(k, (pixels.get(k) ?? 0) + 1);
          const u = memBufs.get(k)![i];
          if (Number.isNaN(u)) continue;
          if (u < -1e-6 || u > 1 + 1e-6) {
            throw new DataError(`MEMBERSHIP ${p.MEMBERSHIP}, band ${bandOf.get(k)} (class ${k}) holds ${u} at row ${y0 + Math.floor(i / cr.width) + 1}, column ${(i % cr.width) + 1}: memberships lie in 0–1; give the membership raster (OUTPUT_MEMBERSHIP) of sampling:fcm`);
          }
          if (u < p.MIN_MEMBERSHIP) continue;
          let a = idx.get(k);
          if (!a) {
            a = [];
            idx.set(k, a);
            mem.set(k, []);
          }
          a.push(y0 * cr.width + i);
          mem.get(k)!.push(u);
        }
        memBufs.clear();
        ctx.progress(((y0 + h) / cr.height) * 50);
      }
      const classes = [...pixels.keys()].sort((a, b) => a - b);
      if (classes.length === 0) throw new DataError(`INPUT ${p.INPUT} is nodata everywhere: there are no classes to place sites in`);
      const maxClass = classes[classes.length - 1];
      const missing: number[] = [];
      for (let k = 1; k <= maxClass; k++) if (!pixels.has(k)) missing.push(k);
      if (missing.length) ctx.warn(`class${missing.length > 1 ? 'es' : ''} ${missing.join(', ')} ${missing.length > 1 ? 'have' : 'has'} no pixels in ${p.INPUT}; no sites there`);

      // 2. how many sites per class
      const areas = classes.map((k) => pixels.get(k)!);
      if (spec.kind !== 'fixed' && p.TOTAL_SITES !== undefined) {
        const lo = spec.kind === 'range' ? spec.min : 1;
        const hi = spec.kind === 'range' ? spec.max : p.TOTAL_SITES;
        if (p.TOTAL_SITES < classes.length * lo || p.TOTAL_SITES > classes.length * hi) {
          throw new UsageError(`TOTAL_SITES = ${p.TOTAL_SITES} cannot be shared by ${classes.length} classes with ${lo}–${hi} sites each; give between ${classes.length * lo} and ${classes.length * hi}`);
        }
      }
      const wanted = sitesWanted(spec, areas, p.TOTAL_SITES);
      if (!(p.MIN_DISTANCE > 0)) ctx.log('MIN_DISTANCE is 0: the sites of a class may be neighbouring pixels; give a minimum distance in map units to spread them');

      // 3. candidates in preference order, placement
      const rng = new Rng(p.SEED);
      const gt = cr.geoTransform;
      const perClass = classes.map((k, q) => {
        const ix = idx.get(k) ?? [];
        const u = Float64Array.from(mem.get(k) ?? []);
        const x = new Float64Array(ix.length);
        const y = new Float64Array(ix.length);
        for (let i = 0; i < ix.length; i++) [x[i], y[i]] = pixelCentre(gt, ix[i] % cr.width, Math.floor(ix[i] / cr.width));
        const order = candidateOrder(u, p.METHOD as PlacementMethod, p.TOP_FRACTION, wanted[q], rng);
        return { k, x, y, u, order, wanted: wanted[q] };
      });
      ctx.checkCancelled();
      const serve = perClass.map((_, q) => q).sort((a, b) => perClass[a].order.length - perClass[b].order.length || perClass[a].k - perClass[b].k);
      const placed = placeSites(perClass, p.MIN_DISTANCE, serve);
      ctx.progress(90, 'writing sites');

      // 4. shortfalls
      const short: string[] = [];
      const none: number[] = [];
      perClass.forEach((cl, q) => {
        if (placed[q].length < cl.wanted) short.push(`${cl.k}:${placed[q].length}/${cl.wanted}`);
        if (placed[q].length === 0) none.push(cl.k);
      });
      if (none.length) {
        throw new DataError(
          `no site could be placed in class${none.length > 1 ? 'es' : ''} ${none.join(', ')} ` +
          `(${none.map((k) => `${idx.get(k)?.length ?? 0} candidate pixels`).join(', ')}): every candidate is closer than MIN_DISTANCE = ${p.MIN_DISTANCE} to another site` +
          `${p.MIN_MEMBERSHIP > 0 ? ' or below MIN_MEMBERSHIP' : ''}; lower MIN_DISTANCE` +
          (short.length ? `. Placed/wanted per short class: ${short.join(', ')}` : ''),
        );
      }
      if (short.length) {
        ctx.warn(`SITES_PER_CLASS cannot be met with MIN_DISTANCE = ${p.MIN_DISTANCE}: class:placed/wanted ${short.join(', ')}; lower MIN_DISTANCE to place them all`);
      }

      // 5. output table (in site order: class, then preference rank)
      const site: number[] = [];
      const klass: number[] = [];
      const membership: number[] = [];
      const xs: number[] = [];
      const ys: number[] = [];
      perClass.forEach((cl, q) => {
        for (const i of placed[q]) {
          site.push(site.length + 1);
          klass.push(cl.k);
          membership.push(cl.u[i]);
          xs.push(cl.x[i]);
          ys.push(cl.y[i]);
        }
      });
      const t: Table = {
        source: p.OUTPUT, layerName: 'sites', fields: ['site', 'class', 'membership', 'x', 'y'],
        columns: new Map([['site', site], ['class', klass], ['membership', membership], ['x', xs], ['y', ys]]),
        nRows: site.length, x: Float64Array.from(xs), y: Float64Array.from(ys), coordFields: { x: 'x', y: 'y' },
        srsWkt: cr.srsWkt,
      };
      if (t.nRows === 0) throw new DataError('no site was placed');
      const out = await saveTable(ctx, p.OUTPUT, t);
      const totalWanted = wanted.reduce((s, v) => s + v, 0);
      ctx.log(`${site.length} of ${totalWanted} sites placed in ${classes.length} classes (${wanted.length ? `${Math.min(...wanted)}–${Math.max(...wanted)}` : 0} wanted per class)`);
      return { OUTPUT: out, SITES: site.length, SITES_WANTED: totalWanted, CLASSES: classes.length, SHORT_CLASSES: short.join(',') };
    } finally {
      cr.ds.close();
      mr.ds.close();
    }
  },
});
