// SPDX-License-Identifier: GPL-2.0-or-later
// Number, unit and time formatting of the HTML report (helper module: no default export). One
// place decides how a number is shown, so every table and caption rounds the same way:
// - a missing value (null, NaN, ±∞) is an en dash "–", never 0;
// - the minus sign is U+2212 "−"; −0 is 0;
// - digits are grouped by a narrow no-break space from 10 000 on (SI style: 790 605);
// - a value and its unit are joined by a no-break space (7.38 kg C m⁻²); percent is "41.5 %";
// - a column (or row) of numbers gets one number of decimals, chosen from its largest magnitude
//   so that it shows about three significant digits (decimalsFor).

export const MISSING = '–';
const NNBSP = '\u202f'; // narrow no-break space: digit groups
const NBSP = '\u00a0'; // no-break space: value and unit
const MINUS = '\u2212';

export type Num = number | null | undefined;

export function isNum(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** Decimals that show `sig` significant digits of |v| (0 for large values), capped at `max`. */
export function decimalsForValue(v: number, sig = 3, max = 6): number {
  if (!isNum(v) || v === 0) return 0;
  const mag = Math.floor(Math.log10(Math.abs(v)));
  return Math.min(max, Math.max(0, sig - 1 - mag));
}

/**
 * One number of decimals for a set of values shown together (a table column or row): enough for
 * `sig` significant digits of the largest magnitude; 0 when every value is a whole number.
 */
export function decimalsFor(values: Num[], sig = 3, max = 4): number {
  const v = values.filter(isNum);
  if (v.length === 0) return 0;
  if (v.every((x) => Number.isInteger(x))) return 0;
  const m = v.reduce((a, x) => Math.max(a, Math.abs(x)), 0);
  if (m === 0) return 0;
  return decimalsForValue(m, sig, max);
}

function group(intPart: string): string {
  if (intPart.length <= 4) return intPart; // 1000–9999 stay ungrouped, as SI allows
  return intPart.replace(/\B(?=(\d{3})+(?!\d))/g, NNBSP);
}

export interface NumberFormat {
  /** fixed number of decimals */
  decimals?: number;
  /** significant digits (when decimals is not given; default 3) */
  sig?: number;
  /** group digits (default true) */
  grouping?: boolean;
}

/** A number as text with sensible rounding; missing values give "–". */
export function formatNumber(v: Num, o: NumberFormat = {}): string {
  if (!isNum(v)) return MISSING;
  const d = o.decimals ?? decimalsForValue(v, o.sig ?? 3);
  let s = Math.abs(v).toFixed(d);
  if (/^0(\.0*)?$/.test(s)) return s; // rounds to zero: no sign
  const [i, f] = s.split('.');
  s = (o.grouping === false ? i : group(i)) + (f !== undefined ? '.' + f : '');
  return v < 0 ? MINUS + s : s;
}

/** "7.38 kg C m⁻²"; no unit → the number alone. */
export function formatWithUnit(v: Num, unit: string | undefined, o: NumberFormat = {}): string {
  const s = formatNumber(v, o);
  return unit && s !== MISSING ? `${s}${NBSP}${unit}` : s;
}

/** Percent of a share already in percent (41.52 → "41.5 %"). */
export function formatPercent(v: Num, decimals = 1): string {
  return formatWithUnit(v, '%', { decimals });
}

/** Percent of a fraction (0.4152 → "41.5 %"). */
export function formatFraction(v: Num, decimals = 1): string {
  return isNum(v) ? formatPercent(100 * v, decimals) : MISSING;
}

/** Whole numbers (counts): grouped, no decimals. */
export function formatCount(v: Num): string {
  return formatNumber(v, { decimals: 0 });
}

/** A run time: "0.42 s", "12.3 s", "4 min 05 s", "1 h 02 min". */
export function formatDuration(seconds: Num): string {
  if (!isNum(seconds) || seconds < 0) return MISSING;
  if (seconds < 60) return formatWithUnit(seconds, 's', { sig: seconds < 1 ? 2 : 3 });
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}${NBSP}h ${String(m).padStart(2, '0')}${NBSP}min`;
  return `${m}${NBSP}min ${String(s).padStart(2, '0')}${NBSP}s`;
}

/** File sizes: "912 B", "48.2 kB", "3.41 MB" (SI, 1 kB = 1000 B). */
export function formatBytes(n: Num): string {
  if (!isNum(n)) return MISSING;
  if (n < 1000) return formatWithUnit(n, 'B', { decimals: 0 });
  if (n < 1e6) return formatWithUnit(n / 1e3, 'kB', { sig: 3 });
  if (n < 1e9) return formatWithUnit(n / 1e6, 'MB', { sig: 3 });
  return formatWithUnit(n / 1e9, 'GB', { sig: 3 });
}

/** A length for a scale bar: metres below 1 km, km above ("500 m", "200 km"). */
export function formatDistance(metres: number): string {
  if (metres < 1000) return formatWithUnit(metres, 'm', { decimals: 0 });
  return formatWithUnit(metres / 1000, 'km', { decimals: metres % 1000 === 0 ? 0 : 1 });
}

/** The largest 1, 2 or 5 × 10^k not above x (scale bar lengths). */
export function niceFloor(x: number): number {
  if (!(x > 0)) return 0;
  const p = 10 ** Math.floor(Math.log10(x));
  const m = x / p;
  return (m >= 5 ? 5 : m >= 2 ? 2 : 1) * p;
}

/** ISO time as "2026-01-05 14:03:12 UTC". */
export function formatTime(iso: string | undefined): string {
  if (!iso) return MISSING;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

// ---------------------------------------------------------------- units of the study's variables

/** Units of the study's fields by name (Table 1); a user's UNITS parameter overrides them. */
const FIELD_UNITS: [RegExp, string][] = [
  [/^(soc_density|density|socd)$/i, 'kg C m⁻²'],
  [/^(socp|socsat)(_|$)/i, 'kg C m⁻²'],
  [/^soc$/i, 'g C kg⁻¹'],
  [/^bd$|bulk/i, 'g cm⁻³'],
  [/^(fine|clay|silt|sand|gravel|ce)(_|$)/i, '%'],
  [/^(elev|elevation|dem)$/i, 'm'],
  [/^(slope|sg|aspect|sa)$/i, '°'],
  [/^(plan_curvature|profile_curvature|plc|prc|curvature)$/i, 'm⁻¹'],
  [/^(mat|temperature)$/i, '°C'],
  [/^(map|precipitation)$/i, 'mm'],
  [/^npp$/i, 'g C m⁻² yr⁻¹'],
  [/^(ndvi|twi)$/i, '–'],
  [/^depth/i, 'cm'],
];

export function unitOfField(field: string, overrides?: Map<string, string>): string {
  const o = overrides?.get(field) ?? overrides?.get(field.toLowerCase());
  if (o !== undefined) return o;
  for (const [re, u] of FIELD_UNITS) if (re.test(field)) return u;
  return '';
}

/** "soc=g kg-1,bd=g cm-3" → map; ASCII exponents (m-2, m^-2) become superscripts. */
export function parseUnits(text: string | undefined): Map<string, string> {
  const m = new Map<string, string>();
  if (!text) return m;
  for (const part of text.split(/[,;]/)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new Error(`UNITS: "${part.trim()}" must look like field=unit, e.g. soc=g kg-1`);
    m.set(part.slice(0, eq).trim(), prettyUnit(part.slice(eq + 1).trim()));
  }
  return m;
}

const SUP: Record<string, string> = { '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹' };

/** "kg C m-2" or "kg C m^-2" → "kg C m⁻²"; "deg" → "°"; "percent" → "%". */
export function prettyUnit(u: string): string {
  return u
    .replace(/([A-Za-zµ])\^?(-?\d+)\b/g, (_m, unit: string, e: string) => unit + [...e].map((c) => SUP[c] ?? c).join(''))
    .replace(/\bdeg(rees?)?\b/g, '°')
    .replace(/\bpercent\b/g, '%');
}

/** Metric names of brt:cv with their display names; unit tells whether the target's unit applies. */
export const METRIC_LABELS: Record<string, { label: string; unit: boolean; decimals?: number }> = {
  r: { label: 'Pearson r', unit: false, decimals: 3 },
  r2: { label: 'r² (squared Pearson r)', unit: false, decimals: 3 },
  R2: { label: 'R² (1 − SSE/SST)', unit: false, decimals: 3 },
  rmse: { label: 'RMSE', unit: true },
  mae: { label: 'MAE', unit: true },
  ccc: { label: 'Lin\'s CCC', unit: false, decimals: 3 },
  bias: { label: 'Bias (predicted − observed)', unit: true },
};
