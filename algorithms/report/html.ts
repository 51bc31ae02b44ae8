// SPDX-License-Identifier: GPL-2.0-or-later
// report:html — one self-contained HTML report from the outputs of any run: the study's tables
// and figures, maps and provenance, each section present when its data is given.

import fs from 'node:fs';
import path from 'node:path';
import { defineAlgorithm } from '../../toolbox/algorithm.js';
import { param, ParamValueError, type ParamDef } from '../../toolbox/params.js';
import { saveText } from '../../toolbox/io/outputs.js';
import { UsageError } from '../../toolbox/errors.js';
import { parseUnits, prettyUnit } from './format.js';
import {
  aoaBeside, guessMapKind, readCorrelation, readCvMetrics, readCvPredictions, readCvSummary, readDescribe, readImportance,
  readInteractionSurfaces, readInteractions, readPartialDependence, readPca, readProvenance, readSensitivity, readTable4, readZoneTable,
  sidecarRecords, type CvModel, type ReportData,
} from './inputs.js';
import { renderReport, templateFiles } from './render.js';

/** A template folder: confined like every input path; it must hold layout.hbs or partials/. */
function folderParam(name: string, description: string): ParamDef<string> {
  const p: ParamDef<string> = {
    ...param.folder(name, description, { optional: true }),
    parse(raw, ctx) {
      if (typeof raw !== 'string' || raw.trim() === '') throw new ParamValueError('no folder given');
      let abs = path.resolve(ctx.cwd, raw.trim());
      ctx.checkPath?.(abs, p, 'input');
      if (fs.existsSync(abs) && fs.statSync(abs).isFile() && abs.endsWith('.hbs')) {
        abs = path.basename(path.dirname(abs)) === 'partials' ? path.dirname(path.dirname(abs)) : path.dirname(abs);
      }
      if (!fs.existsSync(abs) || !fs.statSync(abs).isDirectory()) throw new ParamValueError(`${abs} is not a folder; give the folder holding layout.hbs and partials/`);
      if (!fs.existsSync(path.join(abs, 'layout.hbs')) && !fs.existsSync(path.join(abs, 'partials'))) {
        throw new ParamValueError(`${abs} holds neither layout.hbs nor partials/; copy the templates/ folder of socp and edit it`);
      }
      return abs;
    },
  };
  return p;
}

const tableFile = (name: string, what: string) => param.file(name, what, { optional: true, extensions: ['.csv', '.json'] });
const tableList = (name: string, what: string) => param.list(name, what, 'file', { optional: true });
const nameList = (name: string, what: string) => param.list(name, what, 'string', { optional: true });

const stem = (f: string) => path.basename(f.split('|')[0]).replace(/\.(csv|json)$/i, '');

/** Names for a list of files: given, or from the files themselves, or from the file names. */
function namesFor(files: string[], given: string[] | undefined, own: (f: string, i: number) => string | undefined): string[] {
  const names = files.map((f, i) => given?.[i] ?? own(f, i) ?? stem(f));
  // the same name twice (e.g. two models with the same target) → add the file name
  return names.map((n, i) => (names.indexOf(n) !== i || names.lastIndexOf(n) !== i ? `${n} (${stem(files[i])})` : n));
}

export default defineAlgorithm({
  id: 'report:html',
  title: 'HTML report (tables, charts, maps, provenance)',
  group: 'report',
  help: 'Writes one self-contained HTML file to share with colleagues who have no GIS: inline CSS, charts as inline SVG ' +
    '(Vega-Lite rendered in Node), map previews as PNG made by GDAL and embedded, no network request, readable on a phone ' +
    'and printable. Every input is optional and each section appears only when its data is given, in the study\'s ' +
    'order: Table 1 (DESCRIBE, from stats:describe), Table 2 as a heat map (CORRELATION, stats:correlation), Fig. 2 ' +
    '(PCA, stats:pca), Table 3 per model and ecosystem (CV_SUMMARY, brt:cv), Fig. 3 RMSE histograms (CV_METRICS), ' +
    'observed vs predicted with the 1:1 line (CV_PREDICTIONS, mean over the repeats per sample), Fig. 8 relative ' +
    'importance (IMPORTANCE, brt:importance), partial dependence (PARTIAL_DEPENDENCE), maps of mean and SD with legend, ' +
    'units and scale bar (MAPS; maps named with "sd" or "uncertainty" get the uncertainty ramp; maps of one kind share ' +
    'a colour scale), the 9-class uncertainty zones with their areas (ZONES, ZONES_TABLE from maps:uncertainty-zones), ' +
    'Table 4 with totals (TABLE4, maps:zonal-summary), interactions (INTERACTIONS from brt:interactions: the strongest pairs ranked by ' +
    'interaction RMS with Friedman\'s H; INTERACTION_SURFACES: its OUTPUT_SURFACES, the 2-D partial dependence of the top pairs as heat maps), ' +
    'sensitivity (SENSITIVITY from brt:sensitivity: mean absolute change of the prediction per covariate for +Δ and −Δ, overall and per ' +
    'stratum, with elasticity), the area of applicability (APPLICABILITY: dissimilarity-index rasters of maps:applicability, with the ' +
    'threshold from their metadata, the share of the area inside, and the mask aoa_<x> found beside di_<x> or given as AOA) and provenance (PROVENANCE records, and with FIND_PROVENANCE the ' +
    '<file>.socp.json records found beside every input). Lists of models are named by MODEL_NAMES (the same order for ' +
    'CV_SUMMARY, CV_METRICS, CV_PREDICTIONS), IMPORTANCE_NAMES (e.g. per ecosystem), PD_NAMES, MAP_NAMES, INTERACTIONS_NAMES (for ' +
    'INTERACTIONS and INTERACTION_SURFACES, one file per model in the same order), SENSITIVITY_NAMES and APPLICABILITY_NAMES. TEMPLATE ' +
    'takes your own template folder (layout.hbs and partials/*.hbs, as socp\'s templates/ folder); files it lacks come ' +
    'from the defaults.',
  inputs: [
    param.string('TITLE', 'Title of the report', { default: 'Soil organic carbon sequestration potential (SOCp)' }),
    param.string('SUBTITLE', 'A line under the title (study area, data, author)', { optional: true }),
    tableFile('DESCRIBE', 'Descriptive statistics from stats:describe (.csv or .json) → Table 1'),
    param.string('UNITS', 'Units of Table 1 fields as field=unit pairs, e.g. soc=g kg-1,bd=g cm-3 (study fields have built-in units)', { optional: true, advanced: true }),
    tableFile('CORRELATION', 'Correlations from stats:correlation (.json or .csv) → Table 2 heat map'),
    param.file('PCA', 'PCA result from stats:pca (OUTPUT .json) → Fig. 2', { optional: true, extensions: ['.json'] }),
    tableList('CV_SUMMARY', 'brt:cv OUTPUT_SUMMARY files, one per model → Table 3'),
    tableList('CV_METRICS', 'brt:cv OUTPUT_METRICS files, one per model, same order → RMSE histograms (Fig. 3)'),
    tableList('CV_PREDICTIONS', 'brt:cv OUTPUT_PREDICTIONS files, one per model, same order → observed vs predicted'),
    nameList('MODEL_NAMES', 'Names of the models, in the order of the CV_* lists (default: the target of each file)'),
    tableList('IMPORTANCE', 'brt:importance outputs (one per model or per ecosystem) → Fig. 8'),
    nameList('IMPORTANCE_NAMES', 'Names of the IMPORTANCE files, e.g. farmland,forest,grassland'),
    tableList('PARTIAL_DEPENDENCE', 'brt:partial-dependence outputs (one per model) → partial dependence curves'),
    nameList('PD_NAMES', 'Names of the PARTIAL_DEPENDENCE files (models)'),
    param.list('MAPS', 'Maps to show: SOCp mean and SD rasters (band 1) of each model and the ensemble', 'raster', { optional: true }),
    nameList('MAP_NAMES', 'Names of the MAPS, e.g. "Hassink mean,Hassink SD" (default: file names)'),
    param.string('VALUE_UNIT', 'Unit of the modelled variable and its maps', { default: 'kg C m⁻²' }),
    tableList('INTERACTIONS', 'brt:interactions outputs (OUTPUT, .csv or .json), one per model → ranking of the strongest pairs'),
    param.list('INTERACTION_SURFACES', 'brt:interactions OUTPUT_SURFACES (.json), one per model in the order of INTERACTIONS → 2-D partial dependence heat maps', 'file', { optional: true }),
    nameList('INTERACTIONS_NAMES', 'Names of the INTERACTIONS (and INTERACTION_SURFACES) files (models)'),
    tableList('SENSITIVITY', 'brt:sensitivity outputs (.csv or .json), one per model → ranking by mean absolute change, elasticity'),
    nameList('SENSITIVITY_NAMES', 'Names of the SENSITIVITY files (models)'),
    param.list('APPLICABILITY', 'Dissimilarity-index rasters of maps:applicability (OUTPUT), one per model → area of applicability', 'raster', { optional: true }),
    nameList('APPLICABILITY_NAMES', 'Names of the APPLICABILITY rasters (models)'),
    param.list('AOA', 'Area-of-applicability masks (OUTPUT_AOA of maps:applicability), in the order of APPLICABILITY (default: aoa_<x> found beside di_<x>)', 'raster', { optional: true }),
    param.raster('ZONES', 'The 9-class uncertainty-zone raster of maps:uncertainty-zones', { optional: true }),
    tableFile('ZONES_TABLE', 'Class table of maps:uncertainty-zones (OUTPUT_TABLE), or a CSV with columns class,label,area_km2'),
    tableFile('TABLE4', 'maps:zonal-summary output → Table 4 with totals'),
    tableList('PROVENANCE', 'Provenance records (*.socp.json) of the runs to list'),
    param.boolean('FIND_PROVENANCE', 'Also list the provenance record <file>.socp.json found beside each input', { default: true }),
    folderParam('TEMPLATE', 'Your own template folder: layout.hbs and/or partials/*.hbs, as socp\'s templates/ (default: the built-in templates)'),
    param.integer('MAP_MAX_PIXELS', 'Longest side of a map preview in pixels (larger maps are averaged down)', { default: 900, min: 64, max: 4000, advanced: true }),
    param.fileDestination('OUTPUT', 'The report (.html)', { extensions: ['.html', '.htm'] }),
  ],
  outputs: [
    { name: 'OUTPUT', kind: 'html', description: 'the report' },
    { name: 'SECTIONS', kind: 'json', description: 'ids of the sections in the report' },
    { name: 'BYTES', kind: 'number', description: 'size of the report in bytes' },
  ],
  check(p) {
    const out: string[] = [];
    const data = ['DESCRIBE', 'CORRELATION', 'PCA', 'CV_SUMMARY', 'CV_METRICS', 'CV_PREDICTIONS', 'IMPORTANCE', 'PARTIAL_DEPENDENCE', 'INTERACTIONS',
      'INTERACTION_SURFACES', 'SENSITIVITY', 'MAPS', 'APPLICABILITY', 'ZONES', 'ZONES_TABLE', 'TABLE4', 'PROVENANCE'];
    if (!data.some((k) => p[k] !== undefined && (!Array.isArray(p[k]) || p[k].length > 0))) {
      out.push(`give at least one input to report on: ${data.join(', ')}`);
    }
    const len = (k: string) => (Array.isArray(p[k]) ? p[k].length : 0);
    const cvMax = Math.max(len('CV_SUMMARY'), len('CV_METRICS'), len('CV_PREDICTIONS'));
    for (const k of ['CV_SUMMARY', 'CV_METRICS', 'CV_PREDICTIONS']) {
      if (len(k) > 0 && len(k) !== cvMax) out.push(`${k}: ${len(k)} files but ${cvMax} in another CV_* list; give one file per model in each CV_* list, in the same order`);
    }
    const interMax = Math.max(len('INTERACTIONS'), len('INTERACTION_SURFACES'));
    if (len('INTERACTIONS') > 0 && len('INTERACTION_SURFACES') > 0 && len('INTERACTIONS') !== len('INTERACTION_SURFACES')) {
      out.push(`INTERACTION_SURFACES: ${len('INTERACTION_SURFACES')} files for ${len('INTERACTIONS')} INTERACTIONS files; give one surfaces file per model, in the order of INTERACTIONS`);
    }
    if (len('AOA') > 0 && len('AOA') !== len('APPLICABILITY')) {
      out.push(`AOA: ${len('AOA')} masks for ${len('APPLICABILITY')} APPLICABILITY rasters; give one mask per dissimilarity-index raster, in the same order (or none: aoa_<x> is found beside di_<x>)`);
    }
    const pairs: [string, string][] = [
      ['MODEL_NAMES', 'CV_*'], ['IMPORTANCE_NAMES', 'IMPORTANCE'], ['PD_NAMES', 'PARTIAL_DEPENDENCE'], ['MAP_NAMES', 'MAPS'],
      ['INTERACTIONS_NAMES', 'INTERACTIONS'], ['SENSITIVITY_NAMES', 'SENSITIVITY'], ['APPLICABILITY_NAMES', 'APPLICABILITY'],
    ];
    for (const [names, files] of pairs) {
      const n = files === 'CV_*' ? cvMax : files === 'INTERACTIONS' ? interMax : len(files);
      if (p[names] && len(names) !== n) out.push(`${names}: ${len(names)} names for ${n} ${files} file${n === 1 ? '' : 's'}; give one name per file, in the same order`);
    }
    try {
      parseUnits(p.UNITS);
    } catch (e) {
      out.push((e as Error).message);
    }
    return out;
  },
  async run(p, ctx) {
    const data: ReportData = {};
    const inputs: string[] = [];
    ctx.progress(0, 'reading the inputs');
    if (p.DESCRIBE) {
      data.describe = readDescribe(p.DESCRIBE);
      inputs.push(p.DESCRIBE);
    }
    if (p.CORRELATION) {
      data.correlation = readCorrelation(p.CORRELATION);
      inputs.push(p.CORRELATION);
    }
    if (p.PCA) {
      data.pca = readPca(p.PCA);
      inputs.push(p.PCA);
    }
    const sums: string[] = p.CV_SUMMARY ?? [];
    const mets: string[] = p.CV_METRICS ?? [];
    const preds: string[] = p.CV_PREDICTIONS ?? [];
    const nModels = Math.max(sums.length, mets.length, preds.length);
    if (nModels > 0) {
      const summaries = sums.map(readCvSummary);
      const files = Array.from({ length: nModels }, (_, i) => sums[i] ?? mets[i] ?? preds[i]);
      const names = namesFor(files, p.MODEL_NAMES, (_f, i) => summaries[i]?.model);
      data.cv = names.map((name, i): CvModel => ({
        name,
        summary: summaries[i]?.rows,
        folds: summaries[i]?.folds,
        repeats: summaries[i]?.repeats,
        metrics: mets[i] ? readCvMetrics(mets[i]) : undefined,
        predictions: preds[i] ? readCvPredictions(preds[i]) : undefined,
      }));
      inputs.push(...sums, ...mets, ...preds);
    }
    if (p.IMPORTANCE?.length) {
      const names = namesFor(p.IMPORTANCE, p.IMPORTANCE_NAMES, () => undefined);
      data.importance = (p.IMPORTANCE as string[]).map((f, i) => ({ name: names[i], rows: readImportance(f) }));
      inputs.push(...p.IMPORTANCE);
    }
    if (p.PARTIAL_DEPENDENCE?.length) {
      const names = namesFor(p.PARTIAL_DEPENDENCE, p.PD_NAMES, () => undefined);
      data.partialDependence = (p.PARTIAL_DEPENDENCE as string[]).map((f, i) => ({ name: names[i], curves: readPartialDependence(f) }));
      inputs.push(...p.PARTIAL_DEPENDENCE);
    }
    const inter: string[] = p.INTERACTIONS ?? [];
    const surf: string[] = p.INTERACTION_SURFACES ?? [];
    if (inter.length || surf.length) {
      const files = Array.from({ length: Math.max(inter.length, surf.length) }, (_, i) => inter[i] ?? surf[i]);
      const names = namesFor(files, p.INTERACTIONS_NAMES, () => undefined);
      data.interactions = names.map((name, i) => ({
        name,
        rows: inter[i] ? readInteractions(inter[i]) : undefined,
        surfaces: surf[i] ? readInteractionSurfaces(surf[i]) : undefined,
      }));
      inputs.push(...inter, ...surf);
    }
    if (p.SENSITIVITY?.length) {
      const names = namesFor(p.SENSITIVITY, p.SENSITIVITY_NAMES, () => undefined);
      data.sensitivity = (p.SENSITIVITY as string[]).map((f, i) => ({ name: names[i], rows: readSensitivity(f) }));
      inputs.push(...p.SENSITIVITY);
    }
    if (p.APPLICABILITY?.length) {
      const names = namesFor(p.APPLICABILITY, p.APPLICABILITY_NAMES, (f) => path.basename(f, path.extname(f)));
      data.applicability = (p.APPLICABILITY as string[]).map((f, i) => ({ name: names[i], path: f, aoaPath: p.AOA?.[i] ?? aoaBeside(f) }));
      inputs.push(...p.APPLICABILITY);
      for (const a of data.applicability) if (a.aoaPath && !inputs.includes(a.aoaPath)) inputs.push(a.aoaPath);
    }
    if (p.MAPS?.length) {
      const names = namesFor(p.MAPS, p.MAP_NAMES, (f) => path.basename(f, path.extname(f)));
      data.maps = (p.MAPS as string[]).map((f, i) => ({ path: f, name: names[i], kind: guessMapKind(names[i], f) }));
      inputs.push(...p.MAPS);
    }
    if (p.ZONES || p.ZONES_TABLE) {
      const t = p.ZONES_TABLE ? readZoneTable(p.ZONES_TABLE) : undefined;
      data.zones = { path: p.ZONES, classes: t?.classes, k: t?.k };
      if (p.ZONES) inputs.push(p.ZONES);
      if (p.ZONES_TABLE) inputs.push(p.ZONES_TABLE);
    }
    if (p.TABLE4) {
      data.table4 = readTable4(p.TABLE4);
      inputs.push(p.TABLE4);
    }
    const records: string[] = [...(p.PROVENANCE ?? [])].map((f: string) => f.split('|')[0]);
    if (p.FIND_PROVENANCE) for (const f of sidecarRecords(inputs)) if (!records.includes(f)) records.push(f);
    for (const f of records) if (fs.existsSync(f)) ctx.steps.confine(f, 'input'); // side records, too, stay inside the workspace
    if (records.length) data.provenance = records.map((f) => ({ file: f, record: readProvenance(f) }));
    ctx.checkCancelled();
    ctx.progress(10, 'charts and maps');
    const units = parseUnits(p.UNITS);
    // each template file is read under the run's confinement (a partial that is a link out of the workspace is refused)
    if (p.TEMPLATE) for (const f of templateFiles(p.TEMPLATE)) ctx.steps.confine(f, 'input');
    const r = await renderReport(data, {
      title: p.TITLE, subtitle: p.SUBTITLE, templateDir: p.TEMPLATE, valueUnit: prettyUnit(p.VALUE_UNIT),
      fieldUnits: units, maxPixels: p.MAP_MAX_PIXELS, signal: ctx.signal,
    }).catch((e) => {
      if ((e as Error).name === 'AbortError') ctx.checkCancelled();
      throw e;
    });
    for (const w of r.warnings) ctx.warn(w);
    if (r.sections.length === 0) throw new UsageError('none of the inputs gave a section; check that they are outputs of socp tools');
    saveText(ctx, p.OUTPUT, r.html);
    ctx.log(`report with ${r.sections.length} section${r.sections.length === 1 ? '' : 's'} (${r.sections.join(', ')}), ${(r.bytes / 1e3).toFixed(0)} kB`);
    return { OUTPUT: p.OUTPUT, SECTIONS: r.sections, BYTES: r.bytes };
  },
});
