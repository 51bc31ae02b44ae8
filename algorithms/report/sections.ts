// SPDX-License-Identifier: GPL-2.0-or-later
// From report data to the view of each section (helper module: no default export): tables with
// every number already rounded and given its unit, charts as SVG, maps as data URIs. The templates
// only lay these out, so a user restyling them never has to format a number. A section is built
// only when its data is there; an absent section is undefined and its partial is not rendered.

import path from 'node:path';
import {
  correlationSpec, histogramSpec, importanceSpec, observedPredictedSpec, partialDependenceSpec, pcaSpec,
  renderChart, zoneAreaSpec,
} from './charts.js';
import {
  METRIC_LABELS, MISSING, decimalsFor, formatBytes, formatCount, formatDuration, formatFraction, formatNumber,
  formatPercent, formatTime, formatWithUnit, isNum, unitOfField,
} from './format.js';
import type { CvModel, ReportData, ZonalRow } from './inputs.js';
import { classPreview, continuousPreviews, type ClassPreview, type MapPreview, type PreviewOptions } from './maps.js';

// ---------------------------------------------------------------- view types (what templates see)

export interface Cell {
  text: string;
  /** right-aligned numeric cell */
  num?: boolean;
  /** row header (first column) */
  head?: boolean;
  /** extra CSS class */
  cls?: string;
  /** colour swatch before the text */
  swatch?: string;
}

export interface TableView {
  head: { text: string; num?: boolean }[];
  rows: { cells: Cell[]; total?: boolean; groupStart?: boolean }[];
}

export interface Figure {
  name: string;
  svg: string;
  caption?: string;
}

export interface SectionViews {
  describe?: { id: string; title: string; tables: { group: string; table: TableView }[]; note: string };
  correlation?: { id: string; title: string; svg: string; note: string };
  pca?: { id: string; title: string; svg: string; table: TableView; note: string };
  cvSummary?: { id: string; title: string; models: { name: string; intro: string; table: TableView }[]; note: string };
  cvMetrics?: { id: string; title: string; figures: Figure[]; note: string };
  cvPredictions?: { id: string; title: string; figures: Figure[]; note: string };
  importance?: { id: string; title: string; figures: Figure[]; table: TableView; note: string };
  partialDependence?: { id: string; title: string; svg: string; note: string };
  maps?: { id: string; title: string; previews: MapPreview[]; note: string };
  zones?: { id: string; title: string; preview?: ClassPreview; areaSvg?: string; table: TableView; note: string };
  table4?: { id: string; title: string; tables: { input: string; table: TableView }[]; note: string };
  provenance?: { id: string; title: string; records: ProvenanceView[]; note: string };
}

export interface ProvenanceView {
  algorithm: string;
  output: string;
  started: string;
  duration: string;
  seed: string;
  versions: string;
  parameters: { name: string; value: string }[];
  inputs: { parameter: string; path: string; size: string; sha256: string }[];
}

/** The order of the sections in the report (the study's order) with their ids and titles. */
export const SECTION_ORDER: { key: keyof SectionViews; id: string; title: string }[] = [
  { key: 'describe', id: 'table-1', title: 'Table 1 · Descriptive statistics' },
  { key: 'correlation', id: 'table-2', title: 'Table 2 · Pearson correlations' },
  { key: 'pca', id: 'fig-2', title: 'Fig. 2 · Environmental space: samples vs study area (PCA)' },
  { key: 'cvSummary', id: 'table-3', title: 'Table 3 · Cross-validation of the models' },
  { key: 'cvMetrics', id: 'fig-3', title: 'Fig. 3 · RMSE over the cross-validation repeats' },
  { key: 'cvPredictions', id: 'observed-predicted', title: 'Observed vs predicted (out of fold)' },
  { key: 'importance', id: 'fig-8', title: 'Fig. 8 · Relative importance of the covariates' },
  { key: 'partialDependence', id: 'partial-dependence', title: 'Partial dependence' },
  { key: 'maps', id: 'maps', title: 'Figs. 4–6 · Maps of SOCp: mean and uncertainty' },
  { key: 'zones', id: 'zones', title: 'Uncertainty zones: SOCp level × uncertainty level' },
  { key: 'table4', id: 'table-4', title: 'Table 4 · SOC per land use' },
  { key: 'provenance', id: 'provenance', title: 'Provenance' },
];

const titleOf = (k: keyof SectionViews) => SECTION_ORDER.find((s) => s.key === k)!;

export interface SectionOptions extends PreviewOptions {
  /** unit of the modelled variable (SOCp): CV errors, predictions, partial dependence, maps */
  valueUnit?: string;
  /** units of Table 1 fields, overriding the built-in guesses */
  fieldUnits?: Map<string, string>;
}

const numCell = (text: string): Cell => ({ text, num: true });

// ---------------------------------------------------------------- the sections

function describeView(d: NonNullable<ReportData['describe']>, o: SectionOptions): SectionViews['describe'] {
  const groups = [...new Set(d.map((r) => r.group ?? 'all'))];
  const hasKurt = d.some((r) => isNum(r.kurtosis));
  const head = [
    { text: 'Variable' }, { text: 'Unit' }, { text: 'n', num: true }, { text: 'Min', num: true }, { text: 'Q1', num: true },
    { text: 'Median', num: true }, { text: 'Mean', num: true }, { text: 'Q3', num: true }, { text: 'Max', num: true },
    { text: 'SD', num: true }, { text: 'CV (%)', num: true }, { text: 'Skewness', num: true },
    ...(hasKurt ? [{ text: 'Kurtosis', num: true }] : []),
  ];
  const tables = groups.map((g) => ({
    group: g,
    table: {
      head,
      rows: d.filter((r) => (r.group ?? 'all') === g).map((r) => {
        const dec = decimalsFor([r.min, r.q1, r.median, r.mean, r.q3, r.max], 3);
        const f = (v: number | undefined) => numCell(formatNumber(v, { decimals: dec }));
        const sdDec = decimalsFor([r.sd], 3);
        return {
          cells: [
            { text: r.field, head: true }, { text: unitOfField(r.field, o.fieldUnits) || MISSING },
            numCell(formatCount(r.n)), f(r.min), f(r.q1), f(r.median), f(r.mean), f(r.q3), f(r.max),
            numCell(formatNumber(r.sd, { decimals: Math.max(dec, sdDec) })),
            numCell(formatNumber(r.cv_percent, { decimals: 1 })),
            numCell(formatNumber(r.skewness, { decimals: 2 })),
            ...(hasKurt ? [numCell(formatNumber(r.kurtosis, { decimals: 2 }))] : []),
          ],
        };
      }),
    },
  }));
  const missing = d.filter((r) => isNum(r.missing) && r.missing! > 0);
  return {
    ...titleOf('describe'),
    tables,
    note: 'Quartiles as R\'s quantile type 7; SD with n − 1; CV = SD / mean; skewness g₁' +
      (hasKurt ? '; kurtosis non-excess (Pearson, b₂ = m₄/m₂²; 3 for a normal distribution, about 1.8 for a uniform one), as in the study' : '') + '.' +
      (missing.length ? ` Missing values left out: ${missing.map((r) => `${r.field} ${formatCount(r.missing)}`).join(', ')}.` : ''),
  };
}

async function correlationView(c: NonNullable<ReportData['correlation']>): Promise<SectionViews['correlation']> {
  const nRange = c.n ? c.n.flat().filter((x) => isNum(x) && x > 0) : [];
  return {
    ...titleOf('correlation'),
    svg: await renderChart(correlationSpec(c.fields, c.r, c.p_value), 'correlation heat map'),
    note: 'Pearson r with pairwise-complete observations' +
      (nRange.length ? ` (n = ${formatCount(Math.min(...nRange))}${Math.min(...nRange) !== Math.max(...nRange) ? `–${formatCount(Math.max(...nRange))}` : ''})` : '') +
      (c.p_value ? '; * p < 0.05, ** p < 0.01 (two-sided t test, H₀: r = 0)' : '') + '.',
  };
}

async function pcaView(p: NonNullable<ReportData['pca']>): Promise<SectionViews['pca']> {
  const comp = p.components;
  const axis = (i: number) => comp[i] ? `${comp[i].name} (${formatFraction(comp[i].variance_explained)})` : `PC${i + 1}`;
  const hull = p.coverage?.hull;
  const table: TableView = {
    head: [{ text: 'Component' }, { text: 'Eigenvalue', num: true }, { text: 'Variance explained', num: true }, { text: 'Cumulative', num: true }],
    rows: comp.slice(0, Math.min(comp.length, 5)).map((c) => ({
      cells: [{ text: c.name, head: true }, numCell(formatNumber(c.eigenvalue, { decimals: 3 })), numCell(formatFraction(c.variance_explained)), numCell(formatFraction(c.cumulative))],
    })),
  };
  const parts = [`PCA of the standardised covariates (${p.variables.join(', ')})`];
  if (isNum(p.valid_pixels)) parts.push(`over ${formatCount(p.valid_pixels)} pixels of the study area`);
  let note = parts.join(' ') + '.';
  if (isNum(p.samples_used)) note += ` ${formatCount(p.samples_used)}${isNum(p.samples_total) ? ` of ${formatCount(p.samples_total)}` : ''} samples projected into the same components.`;
  if (p.coverage) note += ` The samples' convex hull (dashed) covers ${formatFraction(p.coverage.share)} of the occupied PC1 × PC2 grid cells and ${formatFraction(p.coverage.pixel_share)} of the area pixels.`;
  return {
    ...titleOf('pca'),
    svg: await renderChart(pcaSpec(p.scatter.area, p.scatter.samples, axis(0), axis(1), hull), 'PCA scatter of samples and study area'),
    table,
    note,
  };
}

const STRATUM_ORDER = (s: string) => (s === 'all' ? '' : s);

function cvSummaryView(models: CvModel[], o: SectionOptions): SectionViews['cvSummary'] {
  const unit = o.valueUnit ?? '';
  const out = models.filter((m) => m.summary?.length).map((m) => {
    const rows: TableView['rows'] = [];
    const strata = [...new Set(m.summary!.map((r) => r.stratum))].sort((a, b) => STRATUM_ORDER(a).localeCompare(STRATUM_ORDER(b)));
    for (const s of strata) {
      const sel = m.summary!.filter((r) => r.stratum === s);
      // errors in the target's unit (RMSE, MAE, bias) share the decimals of RMSE
      const rmse = sel.find((x) => x.metric === 'rmse');
      const unitDecimals = rmse ? decimalsFor([rmse.min, rmse.median, rmse.max], 3) : undefined;
      const metrics = Object.keys(METRIC_LABELS).filter((k) => sel.some((r) => r.metric === k));
      for (const r of sel) if (!metrics.includes(r.metric)) metrics.push(r.metric);
      metrics.forEach((k, i) => {
        const r = sel.find((x) => x.metric === k)!;
        const lab = METRIC_LABELS[k];
        const vals = [r.min, r.q1, r.median, r.mean, r.q3, r.max];
        const d = lab?.decimals ?? (lab?.unit ? unitDecimals : undefined) ?? decimalsFor(vals, 3);
        rows.push({
          groupStart: i === 0,
          cells: [
            { text: i === 0 ? (s === 'all' ? 'All samples' : s) : '', head: true, cls: 'stratum' },
            { text: (lab?.label ?? k) + (lab?.unit && unit ? ` (${unit})` : '') },
            ...vals.map((v) => numCell(formatNumber(v, { decimals: d }))),
          ],
        });
      });
    }
    const k = m.folds ?? (m.predictions?.length ? m.predictions.reduce((a, x) => Math.max(a, x.fold ?? 0), 0) : 0);
    const folds = k > 0 ? `${k}-fold` : 'k-fold';
    const reps = m.repeats ?? (m.metrics ? new Set(m.metrics.map((x) => x.repeat)).size : undefined);
    return {
      name: m.name,
      intro: `${folds} cross-validation${reps ? `, repeated ${formatCount(reps)} times` : ''}: statistics of each metric over the repeats.`,
      table: {
        head: [{ text: 'Ecosystem' }, { text: 'Metric' }, ...['Min', 'Q1', 'Median', 'Mean', 'Q3', 'Max'].map((t) => ({ text: t, num: true }))],
        rows,
      },
    };
  });
  if (out.length === 0) return undefined;
  return {
    ...titleOf('cvSummary'),
    models: out,
    note: 'Pearson r, its square r² and the coefficient of determination R² = 1 − SSE/SST are given under their own names (the study\'s "R²", its Eq. 9, is Pearson\'s r). ' +
      'Per ecosystem, the metrics are those of the out-of-fold predictions of its samples.',
  };
}

async function cvMetricsView(models: CvModel[], o: SectionOptions): Promise<SectionViews['cvMetrics']> {
  const unit = o.valueUnit ?? '';
  const figures: Figure[] = [];
  for (const m of models) {
    if (!m.metrics?.length) continue;
    const v = m.metrics.filter((r) => r.stratum === 'all' && isNum(r.rmse)).map((r) => r.rmse!);
    if (v.length === 0) continue;
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const d = decimalsFor([mean], 3) + 1;
    figures.push({
      name: m.name,
      svg: await renderChart(histogramSpec(v, `RMSE${unit ? ` (${unit})` : ''}`), `RMSE histogram of ${m.name}`),
      caption: `${formatCount(v.length)} repeats; RMSE ${formatNumber(v.reduce((a, b) => Math.min(a, b)), { decimals: d })}–${formatWithUnit(v.reduce((a, b) => Math.max(a, b)), unit, { decimals: d })}, mean ${formatWithUnit(mean, unit, { decimals: d })} (red line).`,
    });
  }
  return figures.length ? { ...titleOf('cvMetrics'), figures, note: 'RMSE of the out-of-fold predictions of each repeat, all samples.' } : undefined;
}

async function cvPredictionsView(models: CvModel[], o: SectionOptions): Promise<SectionViews['cvPredictions']> {
  const unit = o.valueUnit ?? '';
  const figures: Figure[] = [];
  for (const m of models) {
    if (!m.predictions?.length) continue;
    const byRow = new Map<number, { observed: number; sum: number; k: number; stratum: string }>();
    for (const p of m.predictions) {
      if (!isNum(p.predicted)) continue;
      const e = byRow.get(p.row);
      if (e) {
        e.sum += p.predicted;
        e.k++;
      } else byRow.set(p.row, { observed: p.observed, sum: p.predicted, k: 1, stratum: p.stratum ?? '' });
    }
    const rows = [...byRow.values()].map((e) => ({ observed: e.observed, predicted: e.sum / e.k, stratum: e.stratum }));
    const reps = new Set(m.predictions.map((p) => p.repeat)).size;
    figures.push({
      name: m.name,
      svg: await renderChart(observedPredictedSpec(rows, unit), `observed vs predicted of ${m.name}`),
      caption: `${formatCount(rows.length)} samples; each point is the mean of its out-of-fold predictions over ${formatCount(reps)} repeat${reps === 1 ? '' : 's'}. Dashed: the 1:1 line.`,
    });
  }
  return figures.length ? { ...titleOf('cvPredictions'), figures, note: 'Points below the 1:1 line are under-predicted.' } : undefined;
}

async function importanceView(sets: NonNullable<ReportData['importance']>): Promise<SectionViews['importance']> {
  const figures: Figure[] = [];
  for (const s of sets) {
    figures.push({ name: s.name, svg: await renderChart(importanceSpec(s.rows), `relative importance, ${s.name}`) });
  }
  // one table: predictors × sets, ranked by the first set
  const preds = [...sets[0].rows].sort((a, b) => b.influence_percent - a.influence_percent).map((r) => r.predictor);
  for (const s of sets) for (const r of s.rows) if (!preds.includes(r.predictor)) preds.push(r.predictor);
  const table: TableView = {
    head: [{ text: 'Covariate' }, ...sets.map((s) => ({ text: `${s.name} (%)`, num: true }))],
    rows: preds.map((p) => ({
      cells: [{ text: p, head: true }, ...sets.map((s) => {
        const r = s.rows.find((x) => x.predictor === p);
        return numCell(r ? formatNumber(r.influence_percent, { decimals: 1 }) + (isNum(r.sd) && r.sd! > 0 ? ` ± ${formatNumber(r.sd, { decimals: 1 })}` : '') : MISSING);
      })],
    })),
  };
  const sd = sets.some((s) => s.rows.some((r) => isNum(r.sd) && r.sd! > 0));
  return {
    ...titleOf('importance'),
    figures, table,
    note: 'Relative influence as R gbm\'s summary.gbm (Friedman 2001), in % of the total' + (sd ? '; ± one SD over the repeat models (black lines).' : '.'),
  };
}

async function pdView(sets: NonNullable<ReportData['partialDependence']>, o: SectionOptions): Promise<SectionViews['partialDependence']> {
  const usable = sets.filter((s) => s.curves.length > 0);
  if (usable.length === 0) return undefined;
  const k = usable.reduce((a, s) => Math.max(a, s.curves.length), 0);
  return {
    ...titleOf('partialDependence'),
    svg: await renderChart(partialDependenceSpec(usable, o.valueUnit ?? ''), 'partial dependence curves'),
    note: `Partial dependence of the prediction on each of ${k} covariates (Friedman 2001, gbm's weighted traversal), other covariates averaged out; ` +
      'shaded: ± one SD over the repeat models.',
  };
}

async function zonesView(z: NonNullable<ReportData['zones']>, o: SectionOptions): Promise<SectionViews['zones']> {
  const preview = z.path ? await classPreview(z.path, 'Uncertainty zones', z.classes, o) : undefined;
  const classes = preview?.classes ?? (z.classes ?? []).map((c) => ({ ...c, color: c.color ?? '#999999', present: true }));
  if (classes.length === 0) return undefined;
  const withArea = classes.filter((c) => isNum(c.area_km2));
  const total = withArea.reduce((a, c) => a + c.area_km2!, 0);
  const d = decimalsFor(withArea.map((c) => c.area_km2), 3, 1);
  const hasMeaning = classes.some((c) => c.meaning);
  const table: TableView = {
    head: [{ text: 'Class' }, { text: 'Zone' }, ...(hasMeaning ? [{ text: 'Meaning' }] : []), { text: 'Area (km²)', num: true }, { text: 'Share', num: true }],
    rows: classes.map((c) => ({
      cells: [
        { text: String(c.class), swatch: c.color, head: true }, { text: c.label },
        ...(hasMeaning ? [{ text: c.meaning ?? '' }] : []),
        numCell(formatNumber(c.area_km2, { decimals: d })),
        numCell(isNum(c.area_pct) ? formatPercent(c.area_pct) : isNum(c.area_km2) && total > 0 ? formatPercent((100 * c.area_km2!) / total) : MISSING),
      ],
    })),
  };
  if (withArea.length) {
    table.rows.push({ total: true, cells: [{ text: 'Total', head: true }, { text: '' }, ...(hasMeaning ? [{ text: '' }] : []), numCell(formatNumber(total, { decimals: d })), numCell(formatPercent(100))] });
  }
  const areaSvg = withArea.length
    ? await renderChart(zoneAreaSpec(withArea.map((c) => ({ label: c.label, area_km2: c.area_km2!, color: c.color }))), 'area of each uncertainty zone')
    : undefined;
  return {
    ...titleOf('zones'),
    preview, areaSvg, table,
    note: `Each map is cut into low, medium and high at its mean ± K·SD${isNum(z.k) ? ` (K = ${formatNumber(z.k, { sig: 3 })})` : ''}; ` +
      'the SOCp level and the uncertainty level give nine classes. "High SOCp – Low uncertainty" marks priority hotspots: a high potential that is reliably predicted.',
  };
}

function table4View(rows: ZonalRow[]): SectionViews['table4'] {
  const inputs = [...new Set(rows.map((r) => r.input))];
  const tables = inputs.map((input) => {
    const sel = rows.filter((r) => r.input === input);
    const da = decimalsFor(sel.map((r) => r.area_km2), 4, 1);
    const dt = decimalsFor(sel.map((r) => r.total_TgC), 4, 2);
    return {
      input: input || 'map',
      table: {
        head: [{ text: 'Land use' }, { text: 'Area (km²)', num: true }, { text: 'Area share', num: true }, { text: 'Mean (kg C m⁻²)', num: true }, { text: 'Total (Tg C)', num: true }, { text: 'Share of total', num: true }],
        rows: sel.map((r) => ({
          total: r.zone === 'Total' && r.zone_code === null,
          cells: [
            { text: r.zone, head: true },
            numCell(formatNumber(r.area_km2, { decimals: da })),
            numCell(formatPercent(r.area_share_pct)),
            numCell(formatNumber(r.mean_kgC_m2, { decimals: 2 })),
            numCell(formatNumber(r.total_TgC, { decimals: dt })),
            numCell(formatPercent(r.total_share_pct)),
          ],
        })),
      },
    };
  });
  return {
    ...titleOf('table4'),
    tables,
    note: 'Total = Σ cell value × cell area (kg C m⁻² × km² × 10⁻³ = Tg C); mean = total / area, area-weighted. Cell areas exact for the map\'s CRS.',
  };
}

function paramText(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) return v.map(paramText).join(', ');
  if (typeof v === 'number') return String(v);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function provenanceView(recs: NonNullable<ReportData['provenance']>): SectionViews['provenance'] {
  // one run writes one record per output (brt:cv: summary, metrics, predictions…): show each run once
  const runs = new Map<string, { files: string[]; record: (typeof recs)[number]['record'] }>();
  for (const { file, record } of recs) {
    const key = JSON.stringify([record.algorithm, record.started, record.finished, record.parameters]);
    const out = path.basename(file).replace(/\.socp\.json$/, '');
    const hit = runs.get(key);
    if (hit) {
      if (!hit.files.includes(out)) hit.files.push(out);
    } else runs.set(key, { files: [out], record });
  }
  const records = [...runs.values()].map(({ files, record: r }) => ({
    algorithm: r.algorithm,
    output: files.join(', '),
    started: formatTime(r.started),
    duration: formatDuration(r.seconds),
    seed: r.seed === undefined ? MISSING : String(r.seed),
    versions: [r.socp && `socp ${r.socp}`, r.gdal && `GDAL ${r.gdal}`, r.node && `Node.js ${r.node.replace(/^v/, '')}`].filter(Boolean).join(', '),
    parameters: Object.entries(r.parameters ?? {}).map(([name, value]) => ({ name, value: paramText(value) })),
    inputs: (r.inputs ?? []).map((i) => ({ parameter: i.parameter, path: i.path, size: formatBytes(i.bytes), sha256: i.sha256 })),
  }));
  return { ...titleOf('provenance'), records, note: 'From the provenance records (.socp.json) written beside each output: each run with its outputs, parameters and the SHA-256 checksums of its inputs.' };
}

/** Every section with data, each as the view its partial renders. */
export async function buildSections(data: ReportData, o: SectionOptions = {}): Promise<SectionViews> {
  const v: SectionViews = {};
  const step = () => {
    if (o.signal?.aborted) throw Object.assign(new Error('cancelled'), { name: 'AbortError' });
  };
  if (data.describe?.length) v.describe = describeView(data.describe, o);
  if (data.correlation?.fields.length) v.correlation = await correlationView(data.correlation);
  step();
  if (data.pca) v.pca = await pcaView(data.pca);
  if (data.cv?.length) {
    v.cvSummary = cvSummaryView(data.cv, o);
    v.cvMetrics = await cvMetricsView(data.cv, o);
    v.cvPredictions = await cvPredictionsView(data.cv, o);
  }
  step();
  if (data.importance?.length) v.importance = await importanceView(data.importance);
  if (data.partialDependence?.length) v.partialDependence = await pdView(data.partialDependence, o);
  step();
  if (data.maps?.length) {
    v.maps = {
      ...titleOf('maps'),
      previews: await continuousPreviews(data.maps.map((m) => ({ ...m, units: m.units ?? o.valueUnit })), o),
      note: 'Mean and standard deviation of the predictions of the repeat models. Maps of one kind share one colour scale.',
    };
  }
  step();
  if (data.zones && (data.zones.path || data.zones.classes?.length)) v.zones = await zonesView(data.zones, o);
  if (data.table4?.length) v.table4 = table4View(data.table4);
  if (data.provenance?.length) v.provenance = provenanceView(data.provenance);
  return v;
}

/** Headline numbers for the top of the report. */
export function keyResults(data: ReportData, o: SectionOptions = {}): { label: string; value: string }[] {
  const out: { label: string; value: string }[] = [];
  const unit = o.valueUnit ?? '';
  for (const r of data.table4 ?? []) {
    if (r.zone !== 'Total' || r.zone_code !== null) continue;
    out.push({
      label: `${r.input || 'Total'}: total`,
      value: `${formatWithUnit(r.total_TgC, 'Tg C', { decimals: 2 })} over ${formatWithUnit(r.area_km2, 'km²', { decimals: 0 })}, mean ${formatWithUnit(r.mean_kgC_m2, 'kg C m⁻²', { decimals: 2 })}`,
    });
  }
  for (const m of data.cv ?? []) {
    const all = (k: string) => m.summary?.find((s) => s.stratum === 'all' && s.metric === k)?.mean;
    if (!m.summary) continue;
    const parts = [];
    if (isNum(all('R2'))) parts.push(`R² ${formatNumber(all('R2'), { decimals: 3 })}`);
    if (isNum(all('r'))) parts.push(`r ${formatNumber(all('r'), { decimals: 3 })}`);
    if (isNum(all('rmse'))) parts.push(`RMSE ${formatWithUnit(all('rmse'), unit, { sig: 3 })}`);
    if (parts.length) out.push({ label: `${m.name}: cross-validation (mean)`, value: parts.join(', ') });
  }
  const hot = data.zones?.classes?.find((c) => c.class === 7);
  if (hot && isNum(hot.area_km2)) out.push({ label: 'Priority hotspots (High SOCp – Low uncertainty)', value: formatWithUnit(hot.area_km2, 'km²', { decimals: 0 }) + (isNum(hot.area_pct) ? ` (${formatPercent(hot.area_pct)})` : '') });
  return out;
}
