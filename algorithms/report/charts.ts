// SPDX-License-Identifier: GPL-2.0-or-later
// The report's charts (helper module: no default export): each is a Vega-Lite specification built
// from the data, compiled to Vega and rendered to SVG in Node by Vega's headless view (no canvas,
// no browser, no network). No chart geometry is written by hand here: marks, scales, axes and
// legends all come from Vega-Lite.

import * as vl from 'vega-lite';
import * as vega from 'vega';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type VlSpec = Record<string, any>;

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif';

/** Shared look: system fonts (nothing to download), quiet axes, white background. */
const CONFIG = {
  font: FONT,
  background: 'white',
  padding: 6,
  view: { stroke: '#ddd' },
  axis: { labelFlush: false, labelFontSize: 11, titleFontSize: 12, titleFontWeight: 600, gridColor: '#eee', domainColor: '#888', tickColor: '#888' },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 320 },
  header: { labelFontSize: 12, labelFontWeight: 600 },
  title: { fontSize: 13, anchor: 'start' },
};

/** Colours of categories (ecosystems, models), colour-blind safe (Okabe & Ito 2008). */
export const CATEGORY_COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];

// Numbers in charts as in the tables: digit groups by a narrow no-break space, minus sign U+2212.
vega.formatLocale({ decimal: '.', thousands: '\u202f', grouping: [3], currency: ['', ''], minus: '\u2212' });

let counter = 0;

/** "172.7998747589154" → "172.8"; "-0.000002434668360071678" → "0". */
function roundCoordinate(n: string): string {
  const v = Math.round(Number(n) * 100) / 100;
  return Number.isFinite(v) ? String(v === 0 ? 0 : v) : n;
}

/** Vega-Lite's warnings (e.g. about a spec) are kept here instead of going to the console. */
export const chartWarnings: string[] = [];
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const quietLogger: any = {
  level: () => quietLogger,
  error: (...a: unknown[]) => { chartWarnings.push(a.map(String).join(' ')); return quietLogger; },
  warn: (...a: unknown[]) => { chartWarnings.push(a.map(String).join(' ')); return quietLogger; },
  info: () => quietLogger,
  debug: () => quietLogger,
};

/**
 * Render a Vega-Lite spec to an SVG string. The SVG gets a class, a role and an accessible
 * label, and keeps its viewBox so CSS can scale it to the page width.
 */
export async function renderChart(spec: VlSpec, label: string): Promise<string> {
  const full = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', config: CONFIG, ...spec };
  const compiled = vl.compile(full as vl.TopLevelSpec, { logger: quietLogger }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Error });
  try {
    const svg = await view.toSVG();
    const id = `chart-${++counter}`;
    const esc = label.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
    // ids of clip paths and gradients must be unique within the page
    const uniq = svg.replace(/id="([^"]+)"/g, `id="${id}-$1"`).replace(/url\(#([^)]+)\)/g, `url(#${id}-$1)`)
      // path coordinates to 1/100 px: Vega writes up to 17 digits, which makes dense charts several times larger
      .replace(/ (d|transform)="([^"]*)"/g, (_m, a: string, d: string) => ` ${a}="${d.replace(/-?\d*\.\d{3,}(?:e[-+]?\d+)?/gi, roundCoordinate)}"`);
    return uniq.replace(/^<svg /, `<svg role="img" aria-label="${esc}" class="chart" preserveAspectRatio="xMinYMin meet" `);
  } finally {
    view.finalize();
  }
}

// ---------------------------------------------------------------- the study's figures

/** Table 2 as a heat map: r in each cell, diverging colours from −1 to 1, stars for p. */
export function correlationSpec(fields: string[], r: number[][], p?: number[][]): VlSpec {
  const values: Record<string, unknown>[] = [];
  fields.forEach((a, i) => fields.forEach((b, j) => {
    const v = r[i][j];
    const pv = p?.[i]?.[j];
    const star = i === j || pv === undefined || Number.isNaN(pv) ? '' : pv < 0.01 ? '**' : pv < 0.05 ? '*' : '';
    values.push({ a, b, r: Number.isFinite(v) ? v : null, label: Number.isFinite(v) ? v.toFixed(2).replace('-', '−') + star : 'NA' });
  }));
  const cell = Math.max(26, Math.min(48, Math.floor(560 / Math.max(1, fields.length))));
  return {
    data: { values },
    width: cell * fields.length,
    height: cell * fields.length,
    encoding: {
      x: { field: 'b', type: 'nominal', sort: fields, title: null, axis: { labelAngle: -45, orient: 'top' } },
      y: { field: 'a', type: 'nominal', sort: fields, title: null },
    },
    layer: [
      {
        mark: { type: 'rect' },
        encoding: {
          color: {
            field: 'r', type: 'quantitative', title: 'Pearson r',
            scale: { scheme: 'blueorange', domain: [-1, 1], reverse: true },
            legend: { orient: 'bottom', gradientLength: Math.min(240, cell * fields.length), direction: 'horizontal' },
          },
        },
      },
      {
        mark: { type: 'text', fontSize: cell < 34 ? 8 : 10 },
        encoding: {
          text: { field: 'label' },
          color: { condition: { test: 'datum.r !== null && abs(datum.r) > 0.6', value: 'white' }, value: 'black' },
        },
      },
    ],
  };
}

/** Fig. 2: the study area's pixels and the samples in the PC1 × PC2 plane, with the samples' hull. */
export function pcaSpec(area: number[][], samples: { pc1: number; pc2: number }[], t1: string, t2: string, hull?: number[][]): VlSpec {
  const domain = ['study area (pixels)', 'soil samples'];
  const colour = { field: 'what', type: 'nominal', title: null, scale: { domain, range: ['#b8b8b8', '#D55E00'] }, legend: { orient: 'bottom' } };
  const x = { field: 'pc1', type: 'quantitative', title: t1 };
  const y = { field: 'pc2', type: 'quantitative', title: t2 };
  const layers: VlSpec[] = [
    { data: { values: area.map(([a, b]) => ({ pc1: a, pc2: b, what: domain[0] })) }, mark: { type: 'circle', size: 9, opacity: 0.5 }, encoding: { x, y, color: colour } },
    { data: { values: samples.map((s) => ({ pc1: s.pc1, pc2: s.pc2, what: domain[1] })) }, mark: { type: 'circle', size: 26, opacity: 0.85 }, encoding: { x, y, color: colour } },
  ];
  if (hull && hull.length >= 3) {
    const ring = [...hull, hull[0]].map(([x, y], i) => ({ x, y, i }));
    layers.push({
      data: { values: ring },
      mark: { type: 'line', color: '#D55E00', strokeDash: [4, 3], strokeWidth: 1.2 },
      encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, order: { field: 'i' } },
    });
  }
  return { width: 440, height: 360, layer: layers };
}

/** Fig. 3: histogram of the RMSE of each repeat. */
export function histogramSpec(values: number[], title: string): VlSpec {
  return {
    data: { values: values.map((v) => ({ v })) },
    width: 300, height: 180,
    layer: [
      {
        mark: { type: 'bar', color: '#0072B2', binSpacing: 1 },
        encoding: {
          x: { field: 'v', type: 'quantitative', bin: { maxbins: Math.max(5, Math.min(30, Math.round(Math.sqrt(values.length) * 2))) }, title },
          y: { aggregate: 'count', type: 'quantitative', title: 'repeats' },
        },
      },
      {
        mark: { type: 'rule', color: '#D55E00', strokeWidth: 2 },
        encoding: { x: { aggregate: 'mean', field: 'v', type: 'quantitative' } },
      },
    ],
  };
}

/** Observed vs predicted (mean over the repeats of each row), with the 1:1 line. */
export function observedPredictedSpec(rows: { observed: number; predicted: number; stratum: string }[], unit: string): VlSpec {
  const all = rows.flatMap((r) => [r.observed, r.predicted]).filter(Number.isFinite);
  const lo = all.reduce((a, b) => Math.min(a, b), Infinity);
  const hi = all.reduce((a, b) => Math.max(a, b), -Infinity);
  const strata = [...new Set(rows.map((r) => r.stratum || 'all'))];
  const u = unit ? ` (${unit})` : '';
  return {
    width: 300, height: 300,
    layer: [
      {
        data: { values: [{ x: lo, y: lo }, { x: hi, y: hi }] },
        mark: { type: 'line', color: '#555', strokeDash: [5, 4] },
        encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
      },
      {
        data: { values: rows.map((r) => ({ ...r, stratum: r.stratum || 'all' })) },
        mark: { type: 'circle', size: 26, opacity: 0.7 },
        encoding: {
          x: { field: 'observed', type: 'quantitative', title: `observed${u}`, scale: { domain: [lo, hi], nice: true } },
          y: { field: 'predicted', type: 'quantitative', title: `predicted, mean of repeats${u}`, scale: { domain: [lo, hi], nice: true } },
          color: { field: 'stratum', type: 'nominal', title: null, scale: { domain: strata, range: CATEGORY_COLOURS }, legend: strata.length > 1 ? { orient: 'bottom' } : null },
        },
      },
    ],
  };
}

/** Fig. 8: relative influence, largest first, with ± SD over the repeat models. */
export function importanceSpec(rows: { predictor: string; influence_percent: number; sd?: number }[]): VlSpec {
  const values = rows.map((r) => ({
    predictor: r.predictor, v: r.influence_percent,
    lo: Math.max(0, r.influence_percent - (r.sd ?? 0)), hi: r.influence_percent + (r.sd ?? 0),
  }));
  const hasSd = rows.some((r) => (r.sd ?? 0) > 0);
  const order = [...values].sort((a, b) => b.v - a.v).map((v) => v.predictor);
  const layers: VlSpec[] = [{
    mark: { type: 'bar', color: '#009E73' },
    encoding: {
      y: { field: 'predictor', type: 'nominal', sort: order, title: null, axis: { labelLimit: 200 } },
      x: { field: 'v', type: 'quantitative', title: 'relative influence (%)' },
    },
  }];
  if (hasSd) {
    layers.push({
      mark: { type: 'rule', color: '#333' },
      encoding: { y: { field: 'predictor', type: 'nominal', sort: order }, x: { field: 'lo', type: 'quantitative' }, x2: { field: 'hi' } },
    });
  }
  return { data: { values }, width: 260, height: { step: 18 }, layer: layers };
}

/** Partial dependence: one panel per predictor (own x scale), one line per model, ± SD band. */
export function partialDependenceSpec(sets: { name: string; curves: { variable: string; x: number[]; mean: number[]; sd?: number[] }[] }[], unit: string): VlSpec {
  const values: Record<string, unknown>[] = [];
  const variables: string[] = [];
  for (const s of sets) {
    for (const c of s.curves) {
      if (!variables.includes(c.variable)) variables.push(c.variable);
      c.x.forEach((x, i) => {
        const m = c.mean[i];
        const sd = c.sd?.[i] ?? 0;
        values.push({ model: s.name, variable: c.variable, x, y: m, lo: m - (Number.isFinite(sd) ? sd : 0), hi: m + (Number.isFinite(sd) ? sd : 0) });
      });
    }
  }
  const names = sets.map((s) => s.name);
  const colour = { field: 'model', type: 'nominal', title: null, scale: { domain: names, range: CATEGORY_COLOURS }, legend: names.length > 1 ? { orient: 'top', symbolType: 'stroke', symbolStrokeWidth: 3 } : null };
  return {
    data: { values },
    title: { text: `partial dependence${unit ? ` (${unit})` : ''}`, fontSize: 12, fontWeight: 600 },
    columns: 3,
    facet: { field: 'variable', type: 'nominal', sort: variables, title: null },
    resolve: { scale: { x: 'independent' } },
    spec: {
      width: 170, height: 110,
      layer: [
        { mark: { type: 'area', opacity: 0.18 }, encoding: { x: { field: 'x', type: 'quantitative', title: null }, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color: colour } },
        {
          mark: { type: 'line', strokeWidth: 1.8 },
          encoding: {
            x: { field: 'x', type: 'quantitative', title: null, scale: { zero: false } },
            y: { field: 'y', type: 'quantitative', title: null, scale: { zero: false } },
            color: colour,
          },
        },
      ],
    },
  };
}

/** Class areas of the 9-class zone map, bars in the class colours. */
export function zoneAreaSpec(classes: { label: string; area_km2: number; color: string }[]): VlSpec {
  return {
    data: { values: classes },
    width: 260, height: { step: 18 },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'label', type: 'nominal', sort: classes.map((c) => c.label), title: null, axis: { labelLimit: 260 } },
      x: { field: 'area_km2', type: 'quantitative', title: 'area (km²)' },
      color: { field: 'label', type: 'nominal', scale: { domain: classes.map((c) => c.label), range: classes.map((c) => c.color) }, legend: null },
      stroke: { value: '#999' },
    },
  };
}

/** A map's colour bar: the ramp over the value axis, drawn from the same stops as the map. */
export function colourBarSpec(lo: number, hi: number, stops: string[], title: string, marks?: { value: number; label: string }[]): VlSpec {
  const n = 64;
  const values = Array.from({ length: n }, (_, i) => ({ a: lo + ((hi - lo) * i) / n, b: lo + ((hi - lo) * (i + 1)) / n, c: lo + ((hi - lo) * (i + 0.5)) / n }));
  const domain = stops.map((_, i) => lo + ((hi - lo) * i) / (stops.length - 1));
  const x = { field: 'a', type: 'quantitative', title, scale: { domain: [lo, hi], nice: false, zero: false }, axis: { tickCount: 5, grid: false } };
  const bar = {
    mark: { type: 'rect' },
    encoding: {
      x, x2: { field: 'b' },
      color: { field: 'c', type: 'quantitative', scale: { domain, range: stops, interpolate: 'rgb' }, legend: null },
    },
  };
  const shown = (marks ?? []).filter((m) => Number.isFinite(m.value) && m.value >= lo && m.value <= hi);
  if (shown.length === 0) return { data: { values }, width: 300, height: 14, view: { stroke: null }, ...bar };
  // marked values (a threshold): a black tick across the bar, labelled above it
  const mx = { field: 'value', type: 'quantitative', scale: { domain: [lo, hi], nice: false, zero: false } };
  return {
    width: 300, height: 14,
    view: { stroke: null },
    layer: [
      { data: { values }, ...bar },
      { data: { values: shown }, mark: { type: 'rule', color: 'black', strokeWidth: 2, y: -4, y2: 18 }, encoding: { x: mx } },
      { data: { values: shown }, mark: { type: 'text', align: 'center', baseline: 'bottom', dy: -5, fontSize: 10, y: 0 }, encoding: { x: mx, text: { field: 'label' } } },
    ],
  };
}

/**
 * Interaction ranking: the strongest pairs by interaction_rms (unnormalised H, prediction units),
 * with ± SD over the repeat models, and Friedman's H written beside each bar.
 */
export function interactionRankSpec(rows: { pair: string; rms: number; sd?: number; hText: string }[], unit: string): VlSpec {
  const values = rows.map((r) => ({ ...r, lo: Math.max(0, r.rms - (r.sd ?? 0)), hi: r.rms + (r.sd ?? 0) }));
  const order = rows.map((r) => r.pair);
  const y = { field: 'pair', type: 'nominal', sort: order, title: null, axis: { labelLimit: 220 } };
  const layers: VlSpec[] = [
    {
      mark: { type: 'bar', color: '#CC79A7' },
      encoding: { y, x: { field: 'rms', type: 'quantitative', title: `interaction strength, RMS${unit ? ` (${unit})` : ''}`, scale: { zero: true } } },
    },
  ];
  if (rows.some((r) => (r.sd ?? 0) > 0)) {
    layers.push({ mark: { type: 'rule', color: '#333' }, encoding: { y, x: { field: 'lo', type: 'quantitative' }, x2: { field: 'hi' } } });
  }
  layers.push({
    mark: { type: 'text', align: 'left', dx: 4, fontSize: 10, color: '#333' },
    encoding: { y, x: { field: 'hi', type: 'quantitative' }, text: { field: 'hText' } },
  });
  return { data: { values }, width: 260, height: { step: 18 }, layer: layers };
}

/** Cell edges of a grid of points: midpoints between them, the ends half a step outside. */
function edges(g: number[]): number[] {
  if (g.length === 1) return [g[0] - 0.5, g[0] + 0.5];
  const e = [g[0] - (g[1] - g[0]) / 2];
  for (let i = 0; i < g.length - 1; i++) e.push((g[i] + g[i + 1]) / 2);
  e.push(g[g.length - 1] + (g[g.length - 1] - g[g.length - 2]) / 2);
  return e;
}

/** A 2-D partial dependence surface as a heat map of rect marks (first variable along x). */
export function surfaceSpec(s: { variables: [string, string]; grids: [number[], number[]]; mean: number[] }, unit: string): VlSpec {
  const [gx, gy] = s.grids;
  const ex = edges(gx);
  const ey = edges(gy);
  const values: Record<string, number | null>[] = [];
  for (let j = 0; j < gy.length; j++) {
    for (let i = 0; i < gx.length; i++) {
      const v = s.mean[i + gx.length * j];
      values.push({ x: +ex[i].toPrecision(6), x2: +ex[i + 1].toPrecision(6), y: +ey[j].toPrecision(6), y2: +ey[j + 1].toPrecision(6), v: Number.isFinite(v) ? +v.toPrecision(4) : null });
    }
  }
  const scale = { domain: [ex[0], ex[ex.length - 1]], nice: false, zero: false };
  const yscale = { domain: [ey[0], ey[ey.length - 1]], nice: false, zero: false };
  return {
    data: { values },
    width: 220, height: 180,
    // no per-cell aria label: hundreds of cells; the chart as a whole is labelled
    mark: { type: 'rect', aria: false },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: s.variables[0], scale, axis: { tickCount: 5, grid: false } },
      x2: { field: 'x2' },
      y: { field: 'y', type: 'quantitative', title: s.variables[1], scale: yscale, axis: { tickCount: 5, grid: false } },
      y2: { field: 'y2' },
      color: {
        field: 'v', type: 'quantitative', title: unit ? `PD (${unit})` : 'PD',
        scale: { scheme: 'viridis' }, legend: { orient: 'right', gradientLength: 140 },
      },
    },
  };
}

/**
 * Sensitivity: mean absolute change of the prediction per predictor, one bar per direction
 * (+Δ, −Δ), ± SD, ranked as in the first panel; one panel per stratum (all samples first).
 */
export function sensitivitySpec(
  rows: { stratum: string; predictor: string; direction: string; v: number; sd?: number }[],
  order: string[], strata: string[], directions: string[], unit: string,
): VlSpec {
  const values = rows.map((r) => ({ ...r, lo: Math.max(0, r.v - (r.sd ?? 0)), hi: r.v + (r.sd ?? 0) }));
  const colours = ['#0072B2', '#D55E00', '#009E73'];
  const y = { field: 'predictor', type: 'nominal', sort: order, title: null, axis: { labelLimit: 200 } };
  const yOffset = { field: 'direction', type: 'nominal', sort: directions, scale: { paddingInner: 0.05 } };
  const x = { field: 'v', type: 'quantitative', title: `mean |change|${unit ? ` (${unit})` : ''}` };
  const colour = { field: 'direction', type: 'nominal', title: null, sort: directions, scale: { domain: directions, range: colours.slice(0, directions.length) }, legend: { orient: 'top' } };
  const layers: VlSpec[] = [{ mark: { type: 'bar' }, encoding: { y, yOffset, x, color: colour } }];
  if (rows.some((r) => (r.sd ?? 0) > 0)) {
    layers.push({ mark: { type: 'rule', color: '#333' }, encoding: { y, yOffset, x: { field: 'lo', type: 'quantitative' }, x2: { field: 'hi' } } });
  }
  const inner = { width: 200, height: { step: directions.length > 1 ? 22 : 16 }, layer: layers };
  if (strata.length <= 1) return { data: { values }, ...inner };
  return {
    data: { values },
    columns: 3,
    // one x scale for every panel, so ecosystems compare by bar length
    facet: { field: 'stratum', type: 'nominal', sort: strata, title: null },
    resolve: { axis: { x: 'independent' } },
    spec: inner,
  };
}
