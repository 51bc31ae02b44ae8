// SPDX-License-Identifier: GPL-2.0-or-later
// The data of a report and how it is read from the outputs of the other tools (helper module: no
// default export). Every reader accepts both formats a tool writes (CSV or JSON) and refuses a
// file that is not what the parameter expects, naming the file, what is missing and which tool
// writes such a file.

import fs from 'node:fs';
import path from 'node:path';
import { DataError } from '../../toolbox/errors.js';
import { parseCsv } from '../../toolbox/io/csv.js';

export type Row = Record<string, string | number | null>;

/** stats:describe, one row per field (and group). */
export interface DescribeRow {
  group?: string;
  field: string;
  n?: number; missing?: number; min?: number; q1?: number; median?: number; mean?: number; q3?: number; max?: number;
  sd?: number; cv_percent?: number; skewness?: number; kurtosis?: number; excess_kurtosis?: number;
}

/** stats:correlation: symmetric matrices over `fields`. */
export interface CorrelationData {
  fields: string[];
  r: number[][];
  p_value?: number[][];
  n?: number[][];
}

/** stats:pca JSON (the parts the report uses). */
export interface PcaData {
  variables: string[];
  components: { name: string; eigenvalue: number; variance_explained: number; cumulative: number }[];
  loadings?: { variable: string; eigenvector: number[]; loading: number[] }[];
  samples_used?: number;
  samples_total?: number;
  valid_pixels?: number;
  coverage?: { share: number; pixel_share: number; hull?: number[][]; occupied_cells?: number; covered_cells?: number } | null;
  scatter: { area: number[][]; samples: { row?: number; pc1: number; pc2: number }[] };
}

/** brt:cv OUTPUT_SUMMARY (Table 3). */
export interface CvSummaryRow {
  model?: string; stratum: string; metric: string;
  min: number; q1: number; median: number; mean: number; q3: number; max: number;
}

/** brt:cv OUTPUT_METRICS: one row per repeat and stratum. */
export interface CvMetricRow {
  repeat: number; stratum: string; n?: number;
  r?: number; r2?: number; R2?: number; rmse?: number; mae?: number; ccc?: number; bias?: number;
}

/** brt:cv OUTPUT_PREDICTIONS: out-of-fold predictions of every repeat. */
export interface CvPredictionRow {
  row: number; repeat: number; fold?: number; stratum?: string; observed: number; predicted: number;
}

/** Everything known about one cross-validated model. */
export interface CvModel {
  name: string;
  summary?: CvSummaryRow[];
  metrics?: CvMetricRow[];
  predictions?: CvPredictionRow[];
  folds?: number;
  repeats?: number;
}

/** brt:importance. */
export interface ImportanceRow {
  predictor: string; influence_percent: number; sd?: number; min?: number; max?: number; models?: number; rank?: number;
}

/** brt:partial-dependence, 1-D curves (2-D surfaces are not drawn). */
export interface PdCurve {
  variable: string;
  x: number[];
  mean: number[];
  sd?: number[];
}

export interface MapInput {
  path: string;
  name: string;
  /** colour scale group: maps of one kind share one scale; 'sd' gets the uncertainty ramp, 'di' the dissimilarity ramp */
  kind?: 'value' | 'sd' | 'di';
  units?: string;
  /** values the colour scale must reach (e.g. 0 and a threshold) */
  include?: number[];
  /** values marked on the colour bar, e.g. a threshold */
  marks?: { value: number; label: string }[];
}

/** A class of the 9-class zone map (maps:uncertainty-zones OUTPUT_TABLE, or class,label,area_km2). */
export interface ZoneClass {
  class: number;
  label: string;
  area_km2?: number;
  area_pct?: number;
  pixels?: number;
  color?: string;
  meaning?: string;
  socp_level?: string;
  uncertainty_level?: string;
  socp_range?: string;
  uncertainty_range?: string;
}

export interface ZonesInput {
  /** the zone raster (classes 1–9, 0 nodata); without it only the class table is shown */
  path?: string;
  classes?: ZoneClass[];
  /** K and thresholds when the table is the JSON of maps:uncertainty-zones */
  k?: number;
}

/** maps:zonal-summary (Table 4). */
export interface ZonalRow {
  input: string; zone_code: number | null; zone: string; cells?: number; area_km2: number;
  mean_kgC_m2: number | null; total_TgC: number; area_share_pct?: number | null; total_share_pct?: number | null;
}

/** A provenance record (<output>.socp.json) as toolbox/provenance.ts writes it. */
export interface ProvenanceRecord {
  algorithm: string;
  socp?: string; gdal?: string; node?: string;
  parameters?: Record<string, unknown>;
  seed?: number;
  inputs?: { parameter: string; path: string; bytes: number; sha256: string }[];
  started?: string; finished?: string; seconds?: number;
}

/** brt:interactions OUTPUT: one row per predictor pair. */
export interface InteractionRow {
  rank?: number;
  predictor_1: string;
  predictor_2: string;
  /** Friedman's H (mean over the models); NaN when undefined (flat or cancelling partial dependence) */
  h: number;
  h_models_sd?: number;
  h2?: number;
  /** unnormalised H in prediction units */
  interaction_rms: number;
  interaction_rms_models_sd?: number;
  /** size of the pair's joint partial dependence, prediction units */
  pd_rms?: number;
  models?: number;
  rows?: number;
  note?: string;
}

/** brt:interactions OUTPUT_SURFACES: one 2-D partial dependence surface of a pair. */
export interface InteractionSurface {
  rank?: number;
  variables: [string, string];
  h?: number;
  grids: [number[], number[]];
  /** mean[i0 + len0 * i1]: the first variable varies fastest */
  mean: number[];
  sd?: (number | null)[];
}

/** brt:sensitivity OUTPUT: one row per stratum × predictor × direction. */
export interface SensitivityRow {
  stratum: string;
  predictor: string;
  /** up, down or range */
  direction: string;
  rank?: number;
  method?: string;
  delta?: number;
  delta_x?: number;
  x_from?: number;
  x_to?: number;
  rows?: number;
  change_mean: number;
  change_sd?: number;
  abs_change_mean: number;
  abs_change_mean_models_sd?: number;
  elasticity_mean?: number;
  elasticity_median?: number;
  elasticity_rows?: number;
  beyond_training_share?: number;
  models?: number;
  note?: string;
}

/** maps:applicability: the dissimilarity-index raster and its area-of-applicability mask. */
export interface ApplicabilityInput {
  name: string;
  /** dissimilarity index raster (OUTPUT of maps:applicability) */
  path: string;
  /** 1 inside / 0 outside mask (OUTPUT_AOA); found beside the DI raster by name when not given */
  aoaPath?: string;
  /** DI threshold (metadata SOCP_DI_THRESHOLD of the rasters) */
  threshold?: number;
  /** share of the mapped area inside the area of applicability, 0–1 */
  shareInside?: number;
  areaInsideKm2?: number;
  areaKm2?: number;
}

/** All a report can show; every section appears only when its data is given. */
export interface ReportData {
  describe?: DescribeRow[];
  correlation?: CorrelationData;
  pca?: PcaData;
  cv?: CvModel[];
  importance?: { name: string; rows: ImportanceRow[] }[];
  partialDependence?: { name: string; curves: PdCurve[] }[];
  interactions?: { name: string; rows?: InteractionRow[]; surfaces?: InteractionSurface[] }[];
  sensitivity?: { name: string; rows: SensitivityRow[] }[];
  maps?: MapInput[];
  applicability?: ApplicabilityInput[];
  zones?: ZonesInput;
  table4?: ZonalRow[];
  provenance?: { file: string; record: ProvenanceRecord }[];
}

// ---------------------------------------------------------------- generic readers

function num(v: string): number | string | null {
  const t = v.trim();
  if (t === '' || /^(na|nan|null)$/i.test(t)) return null;
  const n = Number(t);
  return Number.isNaN(n) ? v : n;
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new DataError(`cannot read ${file}: ${(e as Error).message}`);
  }
}

export function readJson(file: string): unknown {
  try {
    return JSON.parse(readText(file));
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError(`${file} is not valid JSON (${(e as Error).message}); give the file the tool wrote, unchanged`);
  }
}

/** CSV rows as objects (numbers where the text is a number, empty/NA → null). */
export function readCsvRows(file: string): Row[] {
  const { header, rows } = parseCsv(readText(file), file);
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, num(r[i] ?? '')])));
}

const isJson = (f: string) => path.extname(f).toLowerCase() === '.json';

function need(file: string, rows: Row[], cols: string[], tool: string): void {
  if (rows.length === 0) throw new DataError(`${file} has no rows; it should be an output of ${tool}`);
  const lack = cols.filter((c) => !(c in rows[0]));
  if (lack.length) {
    throw new DataError(`${file} lacks the column${lack.length > 1 ? 's' : ''} ${lack.join(', ')}; give an output of ${tool} (its columns: ${cols.join(', ')})`);
  }
}

function rowsOf(file: string, key: string, tool: string): Row[] {
  if (!isJson(file)) return readCsvRows(file);
  const j = readJson(file) as Record<string, unknown> | unknown[];
  if (Array.isArray(j)) return j as Row[];
  if (j && typeof j === 'object' && Array.isArray((j as Record<string, unknown>)[key])) return (j as Record<string, Row[]>)[key];
  throw new DataError(`${file} holds no "${key}" list; give the JSON output of ${tool}`);
}

const numOrUndef = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const numOrNaN = (v: unknown): number => (typeof v === 'number' ? v : NaN);

// ---------------------------------------------------------------- one reader per input

export function readDescribe(file: string): DescribeRow[] {
  const rows = rowsOf(file, 'rows', 'stats:describe');
  need(file, rows, ['field', 'mean'], 'stats:describe');
  return rows.map((r) => ({ ...(r as unknown as DescribeRow), field: String(r.field), group: r.group === null || r.group === undefined ? 'all' : String(r.group) }));
}

export function readCorrelation(file: string): CorrelationData {
  if (isJson(file)) {
    const j = readJson(file) as Partial<CorrelationData> & { pairs?: Row[] };
    if (Array.isArray(j.fields) && Array.isArray(j.r)) {
      return { fields: j.fields.map(String), r: j.r.map((row) => row.map(numOrNaN)), p_value: j.p_value?.map((row) => row.map(numOrNaN)), n: j.n };
    }
    if (Array.isArray(j)) return correlationFromPairs(file, j as Row[]);
    throw new DataError(`${file} holds no "fields" and "r" matrix; give the output of stats:correlation`);
  }
  return correlationFromPairs(file, readCsvRows(file));
}

function correlationFromPairs(file: string, rows: Row[]): CorrelationData {
  need(file, rows, ['field_1', 'field_2', 'r'], 'stats:correlation');
  const fields: string[] = [];
  for (const r of rows) for (const f of [String(r.field_1), String(r.field_2)]) if (!fields.includes(f)) fields.push(f);
  const k = fields.length;
  const r = fields.map(() => Array<number>(k).fill(NaN));
  const p = fields.map(() => Array<number>(k).fill(NaN));
  const n = fields.map(() => Array<number>(k).fill(0));
  for (const row of rows) {
    const i = fields.indexOf(String(row.field_1));
    const j = fields.indexOf(String(row.field_2));
    r[i][j] = r[j][i] = numOrNaN(row.r);
    p[i][j] = p[j][i] = numOrNaN(row.p_value);
    n[i][j] = n[j][i] = numOrNaN(row.n);
  }
  for (let i = 0; i < k; i++) if (Number.isNaN(r[i][i])) r[i][i] = 1;
  return { fields, r, p_value: p, n };
}

export function readPca(file: string): PcaData {
  const j = readJson(file) as PcaData;
  if (!j || !Array.isArray(j.components) || !j.scatter || !Array.isArray(j.scatter.area)) {
    throw new DataError(`${file} is not the JSON OUTPUT of stats:pca (it needs "components" and "scatter")`);
  }
  return j;
}

export function readCvSummary(file: string): { rows: CvSummaryRow[]; model?: string; folds?: number; repeats?: number } {
  let meta: Record<string, unknown> = {};
  if (isJson(file)) {
    const j = readJson(file);
    if (j && typeof j === 'object' && !Array.isArray(j)) meta = j as Record<string, unknown>;
  }
  const rows = rowsOf(file, 'summary', 'brt:cv (OUTPUT_SUMMARY)');
  need(file, rows, ['stratum', 'metric', 'min', 'median', 'mean', 'max'], 'brt:cv (OUTPUT_SUMMARY)');
  const out = rows.map((r) => ({
    model: r.model === null || r.model === undefined ? undefined : String(r.model),
    stratum: String(r.stratum), metric: String(r.metric),
    min: numOrNaN(r.min), q1: numOrNaN(r.q1), median: numOrNaN(r.median), mean: numOrNaN(r.mean), q3: numOrNaN(r.q3), max: numOrNaN(r.max),
  }));
  return { rows: out, model: (meta.target as string | undefined) ?? out[0].model, folds: numOrUndef(meta.folds), repeats: numOrUndef(meta.repeats) };
}

export function readCvMetrics(file: string): CvMetricRow[] {
  const rows = rowsOf(file, 'metrics', 'brt:cv (OUTPUT_METRICS)');
  need(file, rows, ['repeat', 'rmse'], 'brt:cv (OUTPUT_METRICS)');
  return rows.map((r) => ({ ...(r as unknown as CvMetricRow), stratum: r.stratum === null || r.stratum === undefined ? 'all' : String(r.stratum) }));
}

export function readCvPredictions(file: string): CvPredictionRow[] {
  const rows = rowsOf(file, 'predictions', 'brt:cv (OUTPUT_PREDICTIONS)');
  need(file, rows, ['row', 'observed', 'predicted'], 'brt:cv (OUTPUT_PREDICTIONS)');
  return rows.map((r) => ({
    row: numOrNaN(r.row), repeat: numOrNaN(r.repeat ?? 1), fold: numOrUndef(r.fold),
    stratum: r.stratum === null || r.stratum === undefined ? '' : String(r.stratum),
    observed: numOrNaN(r.observed), predicted: numOrNaN(r.predicted),
  }));
}

export function readImportance(file: string): ImportanceRow[] {
  const rows = rowsOf(file, 'importance', 'brt:importance');
  need(file, rows, ['predictor', 'influence_percent'], 'brt:importance');
  return rows.map((r) => ({ ...(r as unknown as ImportanceRow), predictor: String(r.predictor), influence_percent: numOrNaN(r.influence_percent) }));
}

export function readPartialDependence(file: string): PdCurve[] {
  if (isJson(file)) {
    const j = readJson(file) as { curves?: { variables: string[]; grids: number[][]; mean: number[]; sd?: number[] }[] };
    if (!j || !Array.isArray(j.curves)) throw new DataError(`${file} holds no "curves"; give the output of brt:partial-dependence`);
    return j.curves.filter((c) => c.variables.length === 1).map((c) => ({ variable: c.variables[0], x: c.grids[0], mean: c.mean, sd: c.sd }));
  }
  const rows = readCsvRows(file);
  need(file, rows, ['variable', 'x', 'partial_dependence'], 'brt:partial-dependence');
  const curves = new Map<string, PdCurve>();
  for (const r of rows) {
    if (r.x2 !== null && r.x2 !== undefined) continue; // 2-D surfaces are not drawn
    const v = String(r.variable);
    let c = curves.get(v);
    if (!c) curves.set(v, (c = { variable: v, x: [], mean: [], sd: [] }));
    c.x.push(numOrNaN(r.x));
    c.mean.push(numOrNaN(r.partial_dependence));
    c.sd!.push(numOrNaN(r.sd));
  }
  return [...curves.values()];
}

export function readInteractions(file: string): InteractionRow[] {
  const tool = 'brt:interactions (OUTPUT)';
  const rows = rowsOf(file, 'interactions', tool);
  need(file, rows, ['predictor_1', 'predictor_2', 'h', 'interaction_rms'], tool);
  return rows.map((r) => ({
    rank: numOrUndef(r.rank), predictor_1: String(r.predictor_1), predictor_2: String(r.predictor_2),
    h: numOrNaN(r.h), h_models_sd: numOrUndef(r.h_models_sd), h2: numOrUndef(r.h2),
    interaction_rms: numOrNaN(r.interaction_rms), interaction_rms_models_sd: numOrUndef(r.interaction_rms_models_sd),
    pd_rms: numOrUndef(r.pd_rms), models: numOrUndef(r.models), rows: numOrUndef(r.rows),
    note: r.note === null || r.note === undefined ? '' : String(r.note),
  }));
}

export function readInteractionSurfaces(file: string): InteractionSurface[] {
  const j = readJson(file) as { surfaces?: unknown };
  const bad = (why: string) => new DataError(`${file} ${why}; give the OUTPUT_SURFACES JSON of brt:interactions`);
  if (!j || typeof j !== 'object' || !Array.isArray(j.surfaces)) throw bad('holds no "surfaces" list');
  return (j.surfaces as Record<string, unknown>[]).map((s, i) => {
    const vars = s.variables as unknown[];
    const grids = s.grids as unknown[][];
    const mean = s.mean as unknown[];
    if (!Array.isArray(vars) || vars.length !== 2 || !Array.isArray(grids) || grids.length !== 2 || !grids.every(Array.isArray) || !Array.isArray(mean)) {
      throw bad(`has a surface (number ${i + 1}) without two "variables", two "grids" and "mean"`);
    }
    if (mean.length !== grids[0].length * grids[1].length) {
      throw bad(`has a surface (${vars.join(':')}) whose "mean" holds ${mean.length} values for a ${grids[0].length} × ${grids[1].length} grid`);
    }
    return {
      rank: numOrUndef(s.rank), variables: [String(vars[0]), String(vars[1])], h: numOrUndef(s.h),
      grids: [grids[0].map(numOrNaN), grids[1].map(numOrNaN)], mean: mean.map(numOrNaN),
      sd: Array.isArray(s.sd) ? (s.sd as unknown[]).map((v) => (typeof v === 'number' ? v : null)) : undefined,
    };
  });
}

export function readSensitivity(file: string): SensitivityRow[] {
  const tool = 'brt:sensitivity (OUTPUT)';
  let meta: Record<string, unknown> = {};
  if (isJson(file)) {
    const j = readJson(file);
    if (j && typeof j === 'object' && !Array.isArray(j)) meta = j as Record<string, unknown>;
  }
  const rows = rowsOf(file, 'sensitivity', tool);
  need(file, rows, ['predictor', 'direction', 'change_mean', 'abs_change_mean'], tool);
  return rows.map((r) => ({
    stratum: r.stratum === null || r.stratum === undefined ? 'all' : String(r.stratum),
    predictor: String(r.predictor), direction: String(r.direction),
    rank: numOrUndef(r.rank), method: r.method === null || r.method === undefined ? (typeof meta.method === 'string' ? meta.method : undefined) : String(r.method),
    delta: numOrUndef(r.delta ?? meta.delta), delta_x: numOrUndef(r.delta_x), x_from: numOrUndef(r.x_from), x_to: numOrUndef(r.x_to),
    rows: numOrUndef(r.rows), change_mean: numOrNaN(r.change_mean), change_sd: numOrUndef(r.change_sd),
    abs_change_mean: numOrNaN(r.abs_change_mean), abs_change_mean_models_sd: numOrUndef(r.abs_change_mean_models_sd),
    elasticity_mean: numOrUndef(r.elasticity_mean), elasticity_median: numOrUndef(r.elasticity_median), elasticity_rows: numOrUndef(r.elasticity_rows),
    beyond_training_share: numOrUndef(r.beyond_training_share), models: numOrUndef(r.models ?? meta.models),
    note: r.note === null || r.note === undefined ? '' : String(r.note),
  }));
}

/** The area-of-applicability mask beside a dissimilarity-index raster: di_<x>.tif → aoa_<x>.tif. */
export function aoaBeside(diPath: string): string | undefined {
  const dir = path.dirname(diPath);
  const base = path.basename(diPath);
  const candidates = [
    base.replace(/^di_/i, 'aoa_'), base.replace(/^di([-.])/i, 'aoa$1'), base.replace(/_di(\.[^.]+)$/i, '_aoa$1'),
    base.replace(/dissimilarity(_index)?/i, 'aoa'),
  ].filter((c) => c !== base);
  for (const c of candidates) if (fs.existsSync(path.join(dir, c))) return path.join(dir, c);
  return undefined;
}

export function readZoneTable(file: string): { classes: ZoneClass[]; k?: number } {
  let k: number | undefined;
  if (isJson(file)) {
    const j = readJson(file) as Record<string, unknown>;
    if (j && typeof j === 'object' && !Array.isArray(j)) k = numOrUndef(j.K);
  }
  const rows = rowsOf(file, 'classes', 'maps:uncertainty-zones (OUTPUT_TABLE)');
  const classCol = rows.length && 'class' in rows[0] ? 'class' : 'value';
  need(file, rows, [classCol, 'label'], 'maps:uncertainty-zones (OUTPUT_TABLE), or a CSV with columns class,label,area_km2');
  return {
    k,
    classes: rows.map((r) => ({
      ...(r as unknown as ZoneClass),
      class: numOrNaN(r[classCol]), label: String(r.label),
      area_km2: numOrUndef(r.area_km2), area_pct: numOrUndef(r.area_pct), pixels: numOrUndef(r.pixels),
      color: typeof r.color === 'string' && /^#[0-9a-f]{6}$/i.test(r.color) ? r.color : undefined,
    })),
  };
}

export function readTable4(file: string): ZonalRow[] {
  const rows = rowsOf(file, 'rows', 'maps:zonal-summary');
  need(file, rows, ['zone', 'area_km2', 'total_TgC'], 'maps:zonal-summary');
  return rows.map((r) => ({
    ...(r as unknown as ZonalRow),
    input: r.input === null || r.input === undefined ? '' : String(r.input),
    zone: String(r.zone),
    zone_code: typeof r.zone_code === 'number' ? r.zone_code : null,
    area_km2: numOrNaN(r.area_km2), total_TgC: numOrNaN(r.total_TgC),
    mean_kgC_m2: typeof r.mean_kgC_m2 === 'number' ? r.mean_kgC_m2 : null,
  }));
}

export function readProvenance(file: string): ProvenanceRecord {
  const j = readJson(file) as ProvenanceRecord;
  if (!j || typeof j !== 'object' || typeof j.algorithm !== 'string') {
    throw new DataError(`${file} is not a socp provenance record (<output>.socp.json, with "algorithm", "parameters", "inputs")`);
  }
  return j;
}

/** Provenance records found beside files: <file>.socp.json (and provenance.socp.json in folders). */
export function sidecarRecords(files: string[]): string[] {
  const out: string[] = [];
  for (const f of files) {
    const side = f.split('|')[0] + '.socp.json';
    if (fs.existsSync(side) && !out.includes(side)) out.push(side);
  }
  return out;
}

/** Maps whose name or file name says SD / uncertainty get the uncertainty colour ramp. */
export function guessMapKind(name: string, file: string): 'value' | 'sd' {
  return /(^|[^a-z])(sd|std|stdev|uncertainty|unc)([^a-z]|$)/i.test(`${name} ${path.basename(file)}`) ? 'sd' : 'value';
}
