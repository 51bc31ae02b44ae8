// SPDX-License-Identifier: GPL-2.0-or-later
// From report data to the view of each section (helper module: no default export): tables with
// every number already rounded and given its unit, charts as SVG, maps as data URIs. The templates
// only lay these out, so a user restyling them never has to format a number. A section is built
// only when its data is there; an absent section is undefined and its partial is not rendered.

import path from 'node:path';
import {
  correlationSpec, histogramSpec, importanceSpec, interactionRankSpec, observedPredictedSpec, partialDependenceSpec, pcaSpec,
  renderChart, sensitivitySpec, surfaceSpec, zoneAreaSpec,
} from './charts.js';
import {
  METRIC_LABELS, MISSING, decimalsFor, formatBytes, formatCount, formatDuration, formatFraction, formatNumber,
  formatPercent, formatTime, formatWithUnit, isNum, unitOfField,
} from './format.js';
import type { ApplicabilityInput, CvModel, ReportData, SensitivityRow, ZonalRow } from './inputs.js';
import { AOA_CLASSES, classPreview, continuousPreviews, type ClassPreview, type MapPreview, type PreviewOptions } from './maps.js';

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
  interactions?: {
    id: string; title: string;
    models: { name: string; ranking?: Figure; surfaces: Figure[]; table?: TableView }[];
    note: string;
  };
  sensitivity?: { id: string; title: string; models: { name: string; figure: Figure; table: TableView; strataTable?: TableView }[]; note: string };
  maps?: { id: string; title: string; previews: MapPreview[]; note: string };
  applicability?: {
    id: string; title: string;
    models: { name: string; di: MapPreview; aoa?: ClassPreview & { legend: { label: string; color: string; share: string }[] }; summary: string }[];
    table: TableView;
    note: string;
  };
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
  { key: 'interactions', id: 'interactions', title: 'Interactions between covariates (Friedman\'s H)' },
  { key: 'sensitivity', id: 'sensitivity', title: 'Sensitivity of the predictions to each covariate' },
  { key: 'maps', id: 'maps', title: 'Figs. 4–6 · Maps of SOCp: mean and uncertainty' },
  { key: 'applicability', id: 'applicability', title: 'Area of applicability: where the models extrapolate' },
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

/** How many of the strongest pairs the ranking chart shows. */
const TOP_PAIRS = 10;

function pairName(r: { predictor_1: string; predictor_2: string }): string {
  return `${r.predictor_1} × ${r.predictor_2}`;
}

async function interactionsView(sets: NonNullable<ReportData['interactions']>, o: SectionOptions): Promise<SectionViews['interactions']> {
  const unit = o.valueUnit ?? '';
  const models: NonNullable<SectionViews['interactions']>['models'] = [];
  let multi = false;
  for (const s of sets) {
    let ranking: Figure | undefined;
    let table: TableView | undefined;
    const rows = (s.rows ?? []).filter((r) => isNum(r.interaction_rms));
    if (rows.length) {
      multi ||= rows.some((r) => (r.models ?? 1) > 1);
      const top = [...rows].sort((a, b) => b.interaction_rms - a.interaction_rms).slice(0, TOP_PAIRS);
      const dh = 2;
      ranking = {
        name: s.name,
        svg: await renderChart(interactionRankSpec(top.map((r) => ({
          pair: pairName(r), rms: r.interaction_rms, sd: isNum(r.interaction_rms_models_sd) ? r.interaction_rms_models_sd : undefined,
          hText: `H ${formatNumber(r.h, { decimals: dh })}`,
        })), unit), `interaction strength of the strongest pairs, ${s.name}`),
        caption: `The ${top.length} strongest of ${formatCount(rows.length)} pairs by interaction RMS; H (0–1) beside each bar.`,
      };
      const dr = decimalsFor(rows.map((r) => r.interaction_rms), 3);
      const sdText = (v: number | undefined, d: number) => (isNum(v) && v > 0 ? ` ± ${formatNumber(v, { decimals: d })}` : '');
      const byRms = [...s.rows!].sort((a, b) => (isNum(b.interaction_rms) ? b.interaction_rms : -1) - (isNum(a.interaction_rms) ? a.interaction_rms : -1));
      table = {
        head: [
          { text: 'Pair' }, { text: 'H', num: true }, { text: 'H²', num: true },
          { text: `Interaction RMS${unit ? ` (${unit})` : ''}`, num: true }, { text: `Joint PD RMS${unit ? ` (${unit})` : ''}`, num: true }, { text: 'Note' },
        ],
        rows: byRms.map((r) => ({
          cells: [
            { text: pairName(r), head: true },
            numCell(formatNumber(r.h, { decimals: 3 }) + sdText(r.h_models_sd, 3)),
            numCell(formatNumber(r.h2, { decimals: 3 })),
            numCell(formatNumber(r.interaction_rms, { decimals: dr }) + sdText(r.interaction_rms_models_sd, dr)),
            numCell(formatNumber(r.pd_rms, { decimals: dr })),
            { text: r.note ?? '' },
          ],
        })),
      };
    }
    const surfaces: Figure[] = [];
    for (const sf of s.surfaces ?? []) {
      if (!sf.mean.some(isNum)) continue;
      const h = isNum(sf.h) ? sf.h : rows.find((r) => (r.predictor_1 === sf.variables[0] && r.predictor_2 === sf.variables[1]) || (r.predictor_1 === sf.variables[1] && r.predictor_2 === sf.variables[0]))?.h;
      const v = sf.mean.filter(isNum);
      const lo = v.reduce((a, b) => Math.min(a, b));
      const hi = v.reduce((a, b) => Math.max(a, b));
      const d = decimalsFor([lo, hi], 3);
      surfaces.push({
        name: `${sf.variables[0]} × ${sf.variables[1]}`,
        svg: await renderChart(surfaceSpec(sf, unit), `2-D partial dependence of ${sf.variables[0]} and ${sf.variables[1]}, ${s.name}`),
        caption: `${s.name}${isNum(h) ? `; H = ${formatNumber(h, { decimals: 3 })}` : ''}; partial dependence ${formatNumber(lo, { decimals: d })} to ${formatWithUnit(hi, unit, { decimals: d })} over a ${sf.grids[0].length} × ${sf.grids[1].length} grid.`,
      });
    }
    if (ranking || surfaces.length) models.push({ name: s.name, ranking, surfaces, table });
  }
  if (models.length === 0) return undefined;
  return {
    ...titleOf('interactions'),
    models,
    note: 'Friedman\'s H-statistic (Friedman & Popescu 2008) of each pair of covariates, as R gbm\'s interact.gbm: the share of the variance of the pair\'s joint ' +
      'partial dependence not explained by the sum of the two single ones (0 = none, 1 = only interaction), at the samples. Pairs are ranked by the interaction RMS, ' +
      `the same quantity unnormalised, in prediction units${unit ? ` (${unit})` : ''}, so a large share of a tiny effect does not rank first` +
      (multi ? '; ± one SD over the repeat models' : '') + '. Heat maps: the 2-D partial dependence of the strongest pairs, other covariates averaged out; ' +
      'an interaction shows as colour bands that are not parallel to the axes. H below about 0.1 is usually noise of the fit.',
  };
}

const DIRECTION_ORDER: Record<string, number> = { up: 0, down: 1, range: 2 };

function directionLabel(r: SensitivityRow): string {
  const d = isNum(r.delta) ? String(+r.delta.toPrecision(3)) : 'Δ';
  if (r.direction === 'range') return 'Q05 → Q95';
  const sign = r.direction === 'up' ? '+' : r.direction === 'down' ? '−' : `${r.direction} `;
  if (r.method === 'percent') return `${sign}${d}\u00a0%`;
  if (r.method === 'sd') return `${sign}${d}\u00a0SD`;
  return `${sign}Δ`;
}

const stratumLabel = (s: string) => (s === 'all' ? 'All samples' : s);

async function sensitivityView(sets: NonNullable<ReportData['sensitivity']>, o: SectionOptions): Promise<SectionViews['sensitivity']> {
  const unit = o.valueUnit ?? '';
  const models: NonNullable<SectionViews['sensitivity']>['models'] = [];
  let modelSd = false;
  let rowSd = false;
  let method: string | undefined;
  for (const s of sets) {
    const rows = s.rows.filter((r) => isNum(r.abs_change_mean));
    if (rows.length === 0) continue;
    method ??= rows[0].method;
    const strata = [...new Set(rows.map((r) => r.stratum))].sort((a, b) => STRATUM_ORDER(a).localeCompare(STRATUM_ORDER(b)));
    const first = strata[0];
    // predictors in the order of the first stratum (all samples): mean |change| over the directions
    const score = new Map<string, number[]>();
    for (const r of rows.filter((x) => x.stratum === first)) score.set(r.predictor, [...(score.get(r.predictor) ?? []), r.abs_change_mean]);
    const order = [...score.entries()].sort((a, b) => b[1].reduce((x, y) => x + y, 0) / b[1].length - a[1].reduce((x, y) => x + y, 0) / a[1].length).map(([p]) => p);
    for (const r of rows) if (!order.includes(r.predictor)) order.push(r.predictor);
    const dirs = [...new Set(rows.map((r) => r.direction))].sort((a, b) => (DIRECTION_ORDER[a] ?? 9) - (DIRECTION_ORDER[b] ?? 9));
    const labelOf = new Map(dirs.map((d) => [d, directionLabel(rows.find((r) => r.direction === d)!)]));
    const many = rows.some((r) => (r.models ?? 1) > 1 && isNum(r.abs_change_mean_models_sd));
    modelSd ||= many;
    rowSd ||= !many && rows.some((r) => isNum(r.change_sd));
    const sdOf = (r: SensitivityRow) => (many ? r.abs_change_mean_models_sd : r.change_sd);
    const chartRows = rows.map((r) => ({ stratum: stratumLabel(r.stratum), predictor: r.predictor, direction: labelOf.get(r.direction)!, v: r.abs_change_mean, sd: isNum(sdOf(r)) ? sdOf(r) : undefined }));
    const figure: Figure = {
      name: s.name,
      svg: await renderChart(sensitivitySpec(chartRows, order, strata.map(stratumLabel), dirs.map((d) => labelOf.get(d)!), unit), `sensitivity of the predictions, ${s.name}`),
      caption: `Mean absolute change of the prediction when each covariate moves ${dirs.map((d) => labelOf.get(d)).join(' or ')}, ` +
        `${many ? '± one SD over the repeat models' : '± the SD of the change over the samples'}${strata.length > 1 ? '; one panel per ecosystem' : ''}.`,
    };
    const d = decimalsFor(rows.map((r) => r.abs_change_mean), 3);
    const tableFor = (sel: SensitivityRow[], withStratum: boolean): TableView => {
      const sorted = [...sel].sort((a, b) => (withStratum ? STRATUM_ORDER(a.stratum).localeCompare(STRATUM_ORDER(b.stratum)) : 0) || order.indexOf(a.predictor) - order.indexOf(b.predictor) || (DIRECTION_ORDER[a.direction] ?? 9) - (DIRECTION_ORDER[b.direction] ?? 9));
      return {
        head: [
          ...(withStratum ? [{ text: 'Ecosystem' }] : []), { text: 'Covariate' }, { text: 'Move' },
          { text: `Mean change${unit ? ` (${unit})` : ''}`, num: true }, { text: 'SD of change', num: true },
          { text: `Mean |change|${unit ? ` (${unit})` : ''}`, num: true }, { text: 'Elasticity (mean)', num: true }, { text: 'Elasticity (median)', num: true },
          { text: 'Moved beyond training range', num: true },
        ],
        rows: sorted.map((r, i) => {
          const newStratum = withStratum && (i === 0 || sorted[i - 1].stratum !== r.stratum);
          const newPred = i === 0 || sorted[i - 1].predictor !== r.predictor || newStratum;
          return {
            groupStart: newStratum,
            cells: [
              ...(withStratum ? [{ text: newStratum ? stratumLabel(r.stratum) : '', head: true, cls: 'stratum' }] : []),
              withStratum ? { text: newPred ? r.predictor : '' } : { text: newPred ? r.predictor : '', head: true },
              { text: labelOf.get(r.direction) ?? r.direction },
              numCell(formatNumber(r.change_mean, { decimals: d })),
              numCell(formatNumber(r.change_sd, { decimals: d })),
              numCell(formatNumber(r.abs_change_mean, { decimals: d }) + (many && isNum(r.abs_change_mean_models_sd) ? ` ± ${formatNumber(r.abs_change_mean_models_sd, { decimals: d })}` : '')),
              numCell(formatNumber(r.elasticity_mean, { decimals: 2 })),
              numCell(formatNumber(r.elasticity_median, { decimals: 2 })),
              numCell(isNum(r.beyond_training_share) ? formatFraction(r.beyond_training_share, 0) : MISSING),
            ],
          };
        }),
      };
    };
    const rest = rows.filter((r) => r.stratum !== first);
    models.push({ name: s.name, figure, table: tableFor(rows.filter((r) => r.stratum === first), false), strataTable: rest.length ? tableFor(rest, true) : undefined });
  }
  if (models.length === 0) return undefined;
  const how = method === 'percent' ? 'by ± DELTA %' : method === 'range' ? 'from its 5 % to its 95 % quantile' : method === 'sd' ? 'by ± DELTA standard deviations (over the samples)' : 'up and down';
  return {
    ...titleOf('sensitivity'),
    models,
    note: `One at a time, each covariate is moved ${how} at every sample, the other covariates kept at their observed values, and the prediction is made again ` +
      `(brt:sensitivity). Bars: mean absolute change of the prediction; whiskers: ${[modelSd && 'one SD over the repeat models', rowSd && 'one SD of the change over the samples'].filter(Boolean).join(' or ') || 'none'}. ` +
      'Elasticity = (Δŷ/ŷ)/(Δx/x), the relative change of the prediction per relative change of the covariate (unstable where x or ŷ is near 0). ' +
      'A tree model is flat beyond its training range, so moves there understate the effect.',
  };
}

async function applicabilityView(list: ApplicabilityInput[], o: SectionOptions): Promise<SectionViews['applicability']> {
  const di = await continuousPreviews(list.map((a) => ({
    path: a.path, name: `${a.name}: dissimilarity index`, kind: 'di' as const, units: '', include: isNum(a.threshold) ? [0, 1.2 * a.threshold] : [0],
    marks: isNum(a.threshold) ? [{ value: a.threshold, label: 'threshold' }] : undefined,
  })), o);
  const models: NonNullable<SectionViews['applicability']>['models'] = [];
  for (let i = 0; i < list.length; i++) {
    const a = list[i];
    let aoa: NonNullable<SectionViews['applicability']>['models'][number]['aoa'];
    if (a.aoaPath) {
      const p = await classPreview(a.aoaPath, `${a.name}: area of applicability`, AOA_CLASSES, o);
      const share = (c: number) => (isNum(a.shareInside) ? formatFraction(c === 1 ? a.shareInside : 1 - a.shareInside) : '');
      aoa = { ...p, legend: p.classes.map((c) => ({ label: c.label, color: c.color, share: share(c.class) })) };
    }
    const parts = [];
    if (isNum(a.threshold)) parts.push(`DI threshold ${formatNumber(a.threshold, { sig: 3 })}`);
    if (isNum(a.shareInside)) parts.push(`${formatFraction(a.shareInside)} of the mapped area inside the area of applicability${isNum(a.areaInsideKm2) ? ` (${formatWithUnit(a.areaInsideKm2, 'km²', { decimals: 0 })} of ${formatWithUnit(a.areaKm2, 'km²', { decimals: 0 })})` : ''}`);
    models.push({ name: a.name, di: di[i], aoa, summary: parts.join('; ') + (parts.length ? '.' : '') });
  }
  const table: TableView = {
    head: [{ text: 'Model' }, { text: 'DI threshold', num: true }, { text: 'Area inside (km²)', num: true }, { text: 'Mapped area (km²)', num: true }, { text: 'Share inside', num: true }],
    rows: list.map((a) => ({
      cells: [
        { text: a.name, head: true }, numCell(formatNumber(a.threshold, { sig: 3 })),
        numCell(formatNumber(a.areaInsideKm2, { decimals: 0 })), numCell(formatNumber(a.areaKm2, { decimals: 0 })), numCell(formatFraction(a.shareInside)),
      ],
    })),
  };
  return {
    ...titleOf('applicability'),
    models, table,
    note: 'Dissimilarity index (DI, dimensionless; Meyer & Pebesma 2021, as R CAST::aoa, from maps:applicability): the distance of each pixel to the nearest ' +
      'training sample in the standardised covariate space weighted by relative importance, divided by the mean distance between training samples. ' +
      'The threshold (black tick on the colour bar) is the upper whisker of the cross-validated DI of the training samples; pixels above it lie outside the ' +
      'area of applicability, where predictions are extrapolations and the maps above should be read with care. Shares are area-weighted.',
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
  if (data.interactions?.length) v.interactions = await interactionsView(data.interactions, o);
  if (data.sensitivity?.length) v.sensitivity = await sensitivityView(data.sensitivity, o);
  step();
  if (data.maps?.length) {
    v.maps = {
      ...titleOf('maps'),
      previews: await continuousPreviews(data.maps.map((m) => ({ ...m, units: m.units ?? o.valueUnit })), o),
      note: 'Mean and standard deviation of the predictions of the repeat models. Maps of one kind share one colour scale.',
    };
  }
  step();
  if (data.applicability?.length) v.applicability = await applicabilityView(data.applicability, o);
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
  for (const a of data.applicability ?? []) {
    if (!isNum(a.shareInside)) continue;
    out.push({ label: `${a.name}: area of applicability`, value: `${formatFraction(a.shareInside)} of the mapped area${isNum(a.threshold) ? ` (DI ≤ ${formatNumber(a.threshold, { sig: 3 })})` : ''}` });
  }
  const hot = data.zones?.classes?.find((c) => c.class === 7);
  if (hot && isNum(hot.area_km2)) out.push({ label: 'Priority hotspots (High SOCp – Low uncertainty)', value: formatWithUnit(hot.area_km2, 'km²', { decimals: 0 }) + (isNum(hot.area_pct) ? ` (${formatPercent(hot.area_pct)})` : '') });
  return out;
}
