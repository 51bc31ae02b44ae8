// SPDX-License-Identifier: GPL-2.0-or-later
// Descriptions generated from the one declaration of each algorithm: a JSON usage document (CLI
// `describe --json`), JSON Schema per input (OGC API – Processes) and QGIS parameter definitions
// in the shape of QgsProcessingParameterDefinition::toVariantMap().

import type { Algorithm } from './algorithm.js';
import type { JsonSchema, ParamDef } from './params.js';

export function jsonSchema(p: ParamDef): JsonSchema {
  const base: JsonSchema = {};
  if (p.default !== undefined) base.default = p.default;
  switch (p.kind) {
    case 'number':
    case 'integer': {
      const s: JsonSchema = { type: p.kind === 'integer' ? 'integer' : 'number', ...base };
      if (p.min !== undefined) s[p.exclusiveMin ? 'exclusiveMinimum' : 'minimum'] = p.min;
      if (p.max !== undefined) s.maximum = p.max;
      return s;
    }
    case 'enum':
      return { type: 'string', enum: [...p.options!], ...base };
    case 'boolean':
      return { type: 'boolean', ...base };
    case 'list': {
      const item: JsonSchema =
        p.itemKind === 'number' ? { type: 'number' } : p.itemKind === 'integer' ? { type: 'integer' } : { type: 'string' };
      if (p.options) item.enum = [...p.options];
      if (p.itemKind === 'raster' || p.itemKind === 'vector' || p.itemKind === 'file') item.format = 'uri-reference';
      return { oneOf: [{ type: 'array', items: item }, { type: 'string', description: 'comma-separated' }], ...base };
    }
    case 'raster':
    case 'vector':
    case 'file':
      return { type: 'string', format: 'uri-reference', contentMediaType: mediaType(p), ...base };
    case 'folder':
      return { type: 'string', format: 'uri-reference', ...base };
    case 'rasterDestination':
    case 'vectorDestination':
    case 'tableDestination':
    case 'fileDestination':
    case 'folderDestination':
      return { type: 'string', format: 'uri-reference', ...base };
    default:
      return { type: 'string', ...base };
  }
}

function mediaType(p: ParamDef): string {
  if (p.kind === 'raster') return 'image/tiff; application=geotiff';
  if (p.kind === 'vector') return 'application/geopackage+sqlite3';
  return 'application/octet-stream';
}

// QGIS flags (QgsProcessingParameterDefinition::Flag)
const FLAG_ADVANCED = 2;
const FLAG_OPTIONAL = 8;

/**
 * The toVariantMap() dict of the QGIS parameter that represents p (QGIS 3.22). Every kind is
 * rebuilt by QgsProcessingParameters.parameterFromVariantMap() in QGIS 3.22 (test/integration/
 * qgis-definitions.test.ts). Enums use QGIS's static strings (3.18+), so QGIS passes the option
 * names themselves (MODEL=hassink, MODELS=hassink,elustondo), exactly as the socp CLI takes them.
 */
export function qgisDefinition(p: ParamDef): Record<string, unknown> {
  const flags = (p.optional ? FLAG_OPTIONAL : 0) | (p.advanced ? FLAG_ADVANCED : 0);
  const m: Record<string, unknown> = {
    name: p.name,
    description: p.description,
    help: p.description,
    default: p.default ?? null,
    flags,
    metadata: {},
  };
  // Destinations: an optional output is not created unless asked for (QGIS shows "[Skip output]"),
  // so a dialog never sends a temporary path outside the bridge's workspace for it.
  switch (p.kind) {
    case 'raster':
      return { ...m, parameter_type: 'raster' };
    case 'vector':
      // QgsProcessing::TypeVector (5): vector layers with or without geometry, so geometry-less
      // tables (CSV) are offered too; -1 (TypeVectorAnyGeometry) would hide them.
      return { ...m, parameter_type: 'vector', data_types: [5] };
    case 'field':
      return { ...m, parameter_type: 'field', parent_layer: p.parent, data_type: p.fieldType === 'numeric' ? 0 : p.fieldType === 'string' ? 1 : -1, allow_multiple: false, default_to_all_fields: false };
    case 'number':
    case 'integer':
      return {
        ...m, parameter_type: 'number', data_type: p.kind === 'integer' ? 0 : 1,
        min: p.min !== undefined ? (p.exclusiveMin ? p.min + (p.kind === 'integer' ? 1 : 1e-9) : p.min) : -1.7976931348623157e308,
        max: p.max ?? 1.7976931348623157e308,
      };
    case 'enum':
      return { ...m, parameter_type: 'enum', options: [...p.options!], allow_multiple: false, uses_static_strings: true, default: p.default ?? null };
    case 'boolean':
      return { ...m, parameter_type: 'boolean' };
    case 'string':
    case 'expression':
      return { ...m, parameter_type: 'string', multiline: false };
    case 'list':
      if (p.itemKind === 'raster' || p.itemKind === 'vector' || p.itemKind === 'file') {
        // QgsProcessing::SourceType: TypeRaster 3, TypeFile 4, TypeVector 5 (with or without geometry)
        return { ...m, parameter_type: 'multilayer', layer_type: p.itemKind === 'raster' ? 3 : p.itemKind === 'file' ? 4 : 5, min_inputs: 0 };
      }
      if (p.options) {
        // a list of choices: a multiple-choice enum of static strings
        return { ...m, parameter_type: 'enum', options: [...p.options], allow_multiple: true, uses_static_strings: true, default: Array.isArray(p.default) ? [...(p.default as unknown[])] : p.default ?? null };
      }
      if (p.itemKind === 'field' && p.parent) {
        return { ...m, parameter_type: 'field', parent_layer: p.parent, data_type: 0, allow_multiple: true, default_to_all_fields: false, default: Array.isArray(p.default) ? (p.default as unknown[]).join(';') : null };
      }
      return { ...m, parameter_type: 'string', multiline: false, default: Array.isArray(p.default) ? (p.default as unknown[]).join(',') : p.default ?? null };
    case 'file':
      return { ...m, parameter_type: 'file', behavior: 0, extension: '', filefilter: p.extensions ? `Files (${p.extensions.map((e) => '*' + e).join(' ')})` : 'All files (*.*)' };
    case 'folder':
      return { ...m, parameter_type: 'file', behavior: 1, extension: '', filefilter: '' };
    case 'rasterDestination':
      return { ...m, parameter_type: 'rasterDestination', supports_non_file_outputs: false, create_by_default: !p.optional };
    case 'vectorDestination':
      return { ...m, parameter_type: 'vectorDestination', supports_non_file_outputs: false, create_by_default: !p.optional, data_type: -1 };
    case 'tableDestination':
    case 'fileDestination':
      return { ...m, parameter_type: 'fileDestination', supports_non_file_outputs: false, create_by_default: !p.optional, file_filter: p.extensions ? `Files (${p.extensions.map((e) => '*' + e).join(' ')})` : 'All files (*.*)' };
    case 'folderDestination':
      return { ...m, parameter_type: 'folderDestination', supports_non_file_outputs: false, create_by_default: !p.optional };
  }
}

export interface ParamUsage {
  name: string;
  kind: string;
  description: string;
  optional: boolean;
  default?: unknown;
  options?: readonly string[];
  min?: number;
  max?: number;
  parent?: string;
  schema: JsonSchema;
  qgis: Record<string, unknown>;
}

/** The JSON usage document of an algorithm (socp describe --json, socp list --json). */
export function describeAlgorithm(a: Algorithm): Record<string, unknown> {
  return {
    id: a.id,
    title: a.title,
    group: a.group,
    help: a.help,
    inputs: a.inputs.map((p): ParamUsage => ({
      name: p.name, kind: p.kind, description: p.description, optional: p.optional,
      ...(p.default !== undefined ? { default: p.default } : {}),
      ...(p.options ? { options: p.options } : {}),
      ...(p.min !== undefined ? { min: p.min } : {}),
      ...(p.max !== undefined ? { max: p.max } : {}),
      ...(p.parent ? { parent: p.parent } : {}),
      schema: jsonSchema(p),
      qgis: qgisDefinition(p),
    })),
    outputs: a.outputs.map((o) => ({ name: o.name, kind: o.kind, description: o.description })),
    split: a.composite ? { kind: 'steps' } : a.split ?? { kind: 'global' },
  };
}

/** One line on how the algorithm splits into tiles (socp run --tile). */
export function splitText(a: Algorithm): string {
  const s = a.split;
  if (a.composite) return `Splits: by steps — a step graph whose tiled steps spread over machines: socp run ${a.id} … --tile prepare, then --tile I/N on each machine, then --tile merge (docs/scale-out.md).`;
  if (!s) return 'Splits: global — runs whole on one node (no --tile).';
  const how = s.kind === 'pixel' ? 'pixel by pixel' : `by neighbourhood (a halo of ${s.halo} cell${s.halo > 1 ? 's' : ''}; the grid's edges stay exact)`;
  return `Splits: ${s.kind} — into tiles of the grid of ${s.grid}, ${how}: socp run ${a.id} … --tile I/N on each machine, then --tile merge.`;
}

/** Human-readable help for `socp describe <id>` and `socp run <id> --help`. */
export function helpText(a: Algorithm): string {
  const lines: string[] = [`${a.id} — ${a.title}`, '', ...wrap(a.help, 78), '', 'Parameters:'];
  for (const p of a.inputs) {
    const bits: string[] = [p.kind];
    if (p.options) bits.push(`one of ${p.options.join(' | ')}`);
    if (p.min !== undefined || p.max !== undefined) bits.push(`${p.min ?? '−∞'}${p.exclusiveMin ? ' <' : ' ≤'} x ≤ ${p.max ?? '∞'}`);
    if (p.parent) bits.push(`field of ${p.parent}`);
    if (p.default !== undefined) bits.push(`default ${Array.isArray(p.default) ? p.default.join(',') : String(p.default)}`);
    else if (p.optional) bits.push('optional');
    else bits.push('required');
    lines.push(`  --${p.name}=…  (${bits.join('; ')})`);
    for (const l of wrap(p.description, 72)) lines.push(`      ${l}`);
  }
  lines.push('', 'Outputs:');
  for (const o of a.outputs) lines.push(`  ${o.name} (${o.kind}): ${o.description}`);
  lines.push('', ...wrap(splitText(a), 78));
  lines.push('', `Example: socp run ${a.id} ${a.inputs.filter((p) => !p.optional).map((p) => `--${p.name}=…`).join(' ')}`);
  return lines.join('\n');
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const para of text.split(/\n/)) {
    if (para.startsWith('  ')) {
      out.push(para); // an indented line (a layout, a table) stays as written
      continue;
    }
    let line = '';
    for (const w of para.split(/\s+/).filter(Boolean)) {
      if (line && line.length + 1 + w.length > width) {
        out.push(line);
        line = w;
      } else line = line ? `${line} ${w}` : w;
    }
    out.push(line);
  }
  return out;
}
