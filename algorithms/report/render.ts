// SPDX-License-Identifier: GPL-2.0-or-later
// renderReport(): report data → one self-contained HTML page (helper module: no default export).
// This is the library entry point that report:html and any other algorithm (workflow:socp,
// brt:cv OUTPUT_REPORT, stats:*, maps:zonal-summary) call. Templates are Handlebars: a layout
// (templates/layout.hbs) and one partial per section (templates/partials/*.hbs); a user's template
// folder with the same structure overrides any of them, the rest come from the defaults.

import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { packageRoot } from '../../toolbox/paths.js';
import { socpVersion } from '../../toolbox/provenance.js';
import { DataError } from '../../toolbox/errors.js';
import { buildSections, keyResults, SECTION_ORDER, type SectionViews } from './sections.js';
import { formatNumber, formatPercent, formatTime, formatWithUnit } from './format.js';
import { aoaBeside, type ReportData } from './inputs.js';
import { applicabilityStats } from './maps.js';

export const DEFAULT_TEMPLATE_DIR = path.join(packageRoot, 'templates');
export const MAX_REPORT_BYTES = 5 * 1024 * 1024;

export interface RenderOptions {
  /** page title (default "Soil organic carbon sequestration potential (SOCp)") */
  title?: string;
  /** a line under the title, e.g. the study area or the run */
  subtitle?: string;
  /** a folder with layout.hbs and/or partials/*.hbs overriding the default templates */
  templateDir?: string;
  /** unit of the modelled variable (default kg C m⁻²) */
  valueUnit?: string;
  /** units of Table 1's fields by name, overriding the built-in ones */
  fieldUnits?: Map<string, string> | Record<string, string>;
  /** longest side of map previews in pixels (default 900) */
  maxPixels?: number;
  /** small maps are enlarged by a whole factor up to this size (default 480) */
  minPixels?: number;
  /** time stamp shown in the report (default now) */
  generated?: Date;
  signal?: AbortSignal;
}

export interface RenderedReport {
  html: string;
  /** ids of the sections present, in order (e.g. ["table-1", "fig-3", …]) */
  sections: string[];
  bytes: number;
  /** things the caller should tell the user (size over 5 MB, external references in a template) */
  warnings: string[];
}

/** The template files of a folder that the report reads (layout.hbs, partials/*.hbs). */
export function templateFiles(dir: string): string[] {
  const files: string[] = [];
  const layout = path.join(dir, 'layout.hbs');
  if (fs.existsSync(layout)) files.push(layout);
  const pdir = path.join(dir, 'partials');
  if (fs.existsSync(pdir)) for (const f of fs.readdirSync(pdir).filter((x) => x.endsWith('.hbs')).sort()) files.push(path.join(pdir, f));
  return files;
}

function readTemplates(dir: string, into: Map<string, string>): void {
  for (const f of templateFiles(dir)) {
    into.set(path.basename(f) === 'layout.hbs' && path.dirname(f) === dir ? 'layout' : `partials/${path.basename(f, '.hbs')}`, fs.readFileSync(f, 'utf8'));
  }
}

/** The templates in effect: defaults, overridden by a user's folder. */
export function loadTemplates(templateDir?: string): Map<string, string> {
  const t = new Map<string, string>();
  readTemplates(DEFAULT_TEMPLATE_DIR, t);
  if (!t.has('layout')) throw new Error(`socp: the default report templates are missing from ${DEFAULT_TEMPLATE_DIR}`);
  if (templateDir) {
    if (!fs.existsSync(templateDir) || !fs.statSync(templateDir).isDirectory()) {
      throw new DataError(`TEMPLATE ${templateDir} is not a folder; give a folder holding layout.hbs and/or partials/*.hbs`);
    }
    const user = new Map<string, string>();
    readTemplates(templateDir, user);
    if (user.size === 0) throw new DataError(`TEMPLATE ${templateDir} holds neither layout.hbs nor partials/*.hbs; copy ${DEFAULT_TEMPLATE_DIR} and edit it`);
    for (const [k, v] of user) t.set(k, v);
  }
  return t;
}

/** A Handlebars environment with the report's helpers, for the default and users' templates. */
export function handlebarsEnv(templates: Map<string, string>): typeof Handlebars {
  const hb = Handlebars.create();
  for (const [k, v] of templates) if (k.startsWith('partials/')) hb.registerPartial(k.slice(9), v);
  // {{num value 2}} → rounded number; {{unit value "kg C m⁻²" 2}}; {{pct 41.52}} → "41.5 %"
  hb.registerHelper('num', (v: unknown, d: unknown) => formatNumber(typeof v === 'number' ? v : Number(v), typeof d === 'number' ? { decimals: d } : {}));
  hb.registerHelper('unit', (v: unknown, u: unknown, d: unknown) => formatWithUnit(typeof v === 'number' ? v : Number(v), String(u), typeof d === 'number' ? { decimals: d } : {}));
  hb.registerHelper('pct', (v: unknown, d: unknown) => formatPercent(typeof v === 'number' ? v : Number(v), typeof d === 'number' ? d : 1));
  hb.registerHelper('time', (v: unknown) => formatTime(String(v)));
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  return hb;
}

/** Links and sources that would make the browser fetch something. */
export function externalReferences(html: string): string[] {
  const re = /(?:\b(?:src|href|srcset|poster|data|action)\s*=\s*["']?\s*(?!data:|#|about:)([a-z][a-z0-9+.-]*:\/\/[^"'\s>]+|\/\/[^"'\s>]+))|url\(\s*["']?(?!data:|#)([^"')]+)|@import/gi;
  const out: string[] = [];
  for (const m of html.matchAll(re)) out.push(m[1] ?? m[2] ?? m[0]);
  return out;
}

/** Applicability entries completed from their rasters: the mask beside the DI raster, threshold, share inside. */
async function withApplicabilityStats(data: ReportData, signal?: AbortSignal): Promise<ReportData> {
  if (!data.applicability?.length) return data;
  const applicability = [];
  for (const a of data.applicability) {
    const aoaPath = a.aoaPath ?? aoaBeside(a.path);
    const known = a.threshold !== undefined && a.shareInside !== undefined;
    const st = known ? {} : await applicabilityStats(a.path, aoaPath, signal);
    applicability.push({ ...st, ...Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined)), aoaPath } as typeof a);
  }
  return { ...data, applicability };
}

/**
 * Render the report. Each section appears only when its data is in `data`. Map previews are
 * made with GDAL from the files named in data.maps and data.zones.path.
 */
export async function renderReport(data: ReportData, options: RenderOptions = {}): Promise<RenderedReport> {
  const fieldUnits = options.fieldUnits instanceof Map ? options.fieldUnits : new Map(Object.entries(options.fieldUnits ?? {}));
  const so = {
    valueUnit: options.valueUnit ?? 'kg C m⁻²', fieldUnits,
    maxPixels: options.maxPixels, minPixels: options.minPixels, signal: options.signal,
  };
  const templates = loadTemplates(options.templateDir);
  const hb = handlebarsEnv(templates);
  data = await withApplicabilityStats(data, options.signal);
  const views: SectionViews = await buildSections(data, so);
  const present = SECTION_ORDER.filter((s) => views[s.key] !== undefined);
  const generated = options.generated ?? new Date();
  const context = {
    title: options.title ?? 'Soil organic carbon sequestration potential (SOCp)',
    subtitle: options.subtitle,
    generated: formatTime(generated.toISOString()),
    generatedIso: generated.toISOString(),
    version: socpVersion,
    toc: present.map((s) => ({ id: s.id, title: s.title })),
    keyResults: keyResults(data, so),
    empty: present.length === 0,
    ...views,
  };
  let html: string;
  try {
    html = hb.compile(templates.get('layout')!, { strict: false })(context);
  } catch (e) {
    throw new DataError(`the report template failed: ${(e as Error).message}${options.templateDir ? ` — check the templates in ${options.templateDir}` : ''}`);
  }
  const warnings: string[] = [];
  const ext = externalReferences(html);
  if (ext.length) warnings.push(`the report refers to ${ext.length} external resource${ext.length > 1 ? 's' : ''} (${ext.slice(0, 3).join(', ')}); it will not be self-contained offline — check the template`);
  const bytes = Buffer.byteLength(html);
  if (bytes > MAX_REPORT_BYTES) warnings.push(`the report is ${(bytes / 1e6).toFixed(1)} MB, over 5 MB; lower MAP_MAX_PIXELS or give fewer maps to make it easier to share`);
  return { html, sections: present.map((s) => s.id), bytes, warnings };
}
