// SPDX-License-Identifier: GPL-2.0-or-later
// covariates:stack — align any number of rasters to one grid through GDAL's warper (gdalwarp:
// GDALWarp() via gdal-async warpAsync, written as warped VRTs and copied in row strips), with the
// resampling chosen per layer: bilinear for continuous covariates (the study resampled 1 km
// climate/NDVI/NPP layers to its 90 m grid bilinearly), nearest or mode for categorical ones.
// Output: one multi-band GeoTIFF with named bands, or a VRT referencing one warped VRT per input.

import fs from 'node:fs';
import path from 'node:path';
import gdal from '../../toolbox/io/gdal.js';
import { defineAlgorithm } from '../../toolbox/algorithm.js';
import { DataError, UsageError } from '../../toolbox/errors.js';
import { createRaster, rasterInfo, readWindow, stripRows, strips, type RasterInfo } from '../../toolbox/io/raster.js';
import { crsToWkt } from '../../toolbox/io/table.js';
import { param } from '../../toolbox/params.js';
import { checkGridParams, crsLabel, gridParams, layerNameOf, sameCrs, targetGrid, type Extent, type Grid } from './grid.js';

const METHODS = ['nearest', 'bilinear', 'cubic', 'cubicspline', 'lanczos', 'average', 'mode', 'min', 'max', 'med', 'q1', 'q3'] as const;
/** methods that create values between the input values: wrong for class codes */
const INTERPOLATING = new Set(['bilinear', 'cubic', 'cubicspline', 'lanczos', 'average']);
const NODATA = -3.4028234663852886e38;

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export default defineAlgorithm({
  id: 'covariates:stack',
  title: 'Stack covariates on one grid (align, resample, name bands)',
  group: 'covariates',
  help: 'Warps every raster of INPUTS to one grid — a REFERENCE raster, or CRS + RESOLUTION (+ EXTENT; default the ' +
    'extent of the first input, snapped to the cell size) — with GDAL\'s warper, and writes them as the bands of one ' +
    'raster (GeoTIFF, or VRT: a light file plus one warped VRT per input, read on the fly). Layers in another CRS are ' +
    'reprojected (said in the log); layers without a CRS take SOURCE_CRS. Band names: NAMES (one per input) or the file ' +
    'base names; a multi-band input keeps its band descriptions, else gets name_1, name_2, ….\n\n' +
    'RESAMPLING: one method for all continuous layers (default bilinear), or one per input. Layers listed in ' +
    'CATEGORICAL (by name), and layers with a colour table, are categorical: they get CATEGORICAL_RESAMPLING (nearest ' +
    'or mode) unless RESAMPLING names a method per input; an interpolating method (bilinear, cubic, cubicspline, ' +
    'lanczos, average) on a categorical layer is refused unless ALLOW_CATEGORICAL_INTERPOLATION is true, because it ' +
    'invents class codes. A layer that covers only part of the grid is warned about (its cells outside are nodata). ' +
    'Output bands are Float32; nodata is −3.4028235e38 in GeoTIFF, NaN in VRT.',
  inputs: [
    param.list('INPUTS', 'Rasters to align (comma-separated)', 'raster'),
    param.list('NAMES', 'Band names, one per input (default: file base names)', 'string', { optional: true }),
    gridParams.reference(), gridParams.crs(), gridParams.resolution(), gridParams.extent(),
    param.list('RESAMPLING', `One method for all continuous layers, or one per input: ${METHODS.join(', ')}`, 'string', { default: ['bilinear'], options: METHODS }),
    param.list('CATEGORICAL', 'Names of categorical layers (class codes: land use, soil type…)', 'string', { optional: true }),
    param.enum('CATEGORICAL_RESAMPLING', 'Resampling of categorical layers when RESAMPLING is one method', ['nearest', 'mode'] as const, { default: 'nearest' }),
    param.boolean('ALLOW_CATEGORICAL_INTERPOLATION', 'Allow an interpolating method on a categorical layer', { default: false, advanced: true }),
    param.string('SOURCE_CRS', 'CRS of inputs that have none, e.g. EPSG:4326 for a netCDF longitude/latitude grid', { optional: true }),
    param.rasterDestination('OUTPUT', 'The stack: GeoTIFF (.tif) or VRT (.vrt)', { extensions: ['.tif', '.tiff', '.vrt'] }),
  ],
  outputs: [
    { name: 'OUTPUT', kind: 'raster', description: 'the aligned multi-band stack' },
    { name: 'BANDS', kind: 'string', description: 'band names, comma-separated' },
  ],
  check(p) {
    const out = checkGridParams(p, false);
    const n = (p.INPUTS as string[]).length;
    if (n === 0) out.push('INPUTS: give at least one raster');
    if (p.NAMES && p.NAMES.length !== n) out.push(`NAMES has ${p.NAMES.length} names for ${n} INPUTS; give one per input`);
    const rs = p.RESAMPLING as string[];
    if (rs.length !== 1 && rs.length !== n) out.push(`RESAMPLING: give one method, or one per input (${n}); got ${rs.length}`);
    return out;
  },
  async run(p, ctx) {
    const files = p.INPUTS as string[];
    const names = (p.NAMES as string[] | undefined) ?? files.map(layerNameOf);
    const dupe = names.find((x, i) => names.indexOf(x) !== i);
    if (dupe) throw new UsageError(`two inputs are named "${dupe}"${p.NAMES ? '' : ' (from their file names)'}; give distinct NAMES`);
    const categorical = new Set<string>((p.CATEGORICAL as string[] | undefined) ?? []);
    for (const c of categorical) if (!names.includes(c)) throw new UsageError(`CATEGORICAL names "${c}", which is not a layer; the layers are ${names.join(', ')}`);
    const perLayer = (p.RESAMPLING as string[]).length > 1;
    const sourceCrs = p.SOURCE_CRS ? crsToWkt(p.SOURCE_CRS, 'SOURCE_CRS') : '';

    const srcs: gdal.Dataset[] = [];
    const warped: gdal.Dataset[] = [];
    const tempFiles: string[] = [];
    try {
      for (const f of files) {
        try {
          srcs.push(await gdal.openAsync(f));
        } catch (e) {
          throw new DataError(`cannot read ${f}: ${(e as Error).message.trim()}`);
        }
      }
      const srcWkts = srcs.map((ds, i) => {
        const wkt = ds.srs ? ds.srs.toWKT() : '';
        if (!wkt && !sourceCrs) throw new DataError(`${path.basename(files[i])} has no CRS; give SOURCE_CRS (e.g. EPSG:4326 for longitude/latitude grids) or assign one with gdal_edit.py -a_srs`);
        return wkt || sourceCrs;
      });
      const grid: Grid = await targetGrid(p, async () => {
        const o = gdal.suggestedWarpOutput({ src: srcs[0], s_srs: gdal.SpatialReference.fromWKT(srcWkts[0]), t_srs: gdal.SpatialReference.fromWKT(crsToWkt(p.CRS, 'CRS')) });
        const gt = o.geoTransform;
        return { xmin: gt[0], xmax: gt[0] + o.rasterSize.x * gt[1], ymin: gt[3] + o.rasterSize.y * gt[5], ymax: gt[3] } satisfies Extent;
      });
      const gt = grid.geoTransform;
      const te = [gt[0], gt[3] + grid.height * gt[5], gt[0] + grid.width * gt[1], gt[3]];
      const gridArea = (te[2] - te[0]) * (te[3] - te[1]);
      ctx.log(`target grid: ${grid.width} × ${grid.height} cells of ${gt[1]} × ${-gt[5]} in ${crsLabel(grid.srsWkt)}, extent ${te.join(', ')}`);

      // per-layer resampling and checks
      const methods: string[] = [];
      const bandNames: string[] = [];
      const layerBands: number[] = [];
      for (let i = 0; i < srcs.length; i++) {
        const ds = srcs[i];
        const b1 = ds.bands.get(1);
        const hasPalette = !!b1.colorTable || (b1.categoryNames?.length ?? 0) > 0;
        let isCat = categorical.has(names[i]);
        if (!isCat && hasPalette) {
          isCat = true;
          ctx.log(`${names[i]}: has a colour table / class names, treated as categorical (list it in CATEGORICAL to say so)`);
        }
        let m: string;
        if (perLayer) {
          m = (p.RESAMPLING as string[])[i];
          if (isCat && INTERPOLATING.has(m) && !p.ALLOW_CATEGORICAL_INTERPOLATION) {
            throw new UsageError(`${names[i]} is categorical but RESAMPLING gives it "${m}", which would invent class codes between classes; use nearest or mode, or set ALLOW_CATEGORICAL_INTERPOLATION=true if you really mean it`);
          }
          if (isCat && INTERPOLATING.has(m)) ctx.warn(`categorical-interpolated: ${names[i]} is categorical and resampled with ${m} as asked (ALLOW_CATEGORICAL_INTERPOLATION)`);
        } else {
          m = isCat ? p.CATEGORICAL_RESAMPLING : (p.RESAMPLING as string[])[0];
        }
        methods.push(m);
        const nb = ds.bands.count();
        layerBands.push(nb);
        for (let b = 1; b <= nb; b++) {
          const d = ds.bands.get(b).description?.trim();
          bandNames.push(nb === 1 ? names[i] : d ? d : `${names[i]}_${b}`);
        }
        if (!sameCrs(srcWkts[i], grid.srsWkt)) ctx.log(`${names[i]}: reprojected from ${crsLabel(srcWkts[i])} to ${crsLabel(grid.srsWkt)} (${m})`);
        else ctx.log(`${names[i]}: ${m}`);
        // footprint coverage
        try {
          const o = gdal.suggestedWarpOutput({ src: ds, s_srs: gdal.SpatialReference.fromWKT(srcWkts[i]), t_srs: gdal.SpatialReference.fromWKT(grid.srsWkt) });
          const g2 = o.geoTransform;
          const bx0 = g2[0];
          const bx1 = g2[0] + o.rasterSize.x * g2[1];
          const by1 = g2[3];
          const by0 = g2[3] + o.rasterSize.y * g2[5];
          const ix = Math.max(0, Math.min(te[2], bx1) - Math.max(te[0], bx0));
          const iy = Math.max(0, Math.min(te[3], by1) - Math.max(te[1], by0));
          const frac = (ix * iy) / gridArea;
          if (frac === 0) throw new DataError(`${names[i]} (${path.basename(files[i])}) does not overlap the target grid at all; check its CRS${srcs[i].srs ? '' : ' (SOURCE_CRS)'} and the grid`);
          if (frac < 0.999) ctx.warn(`partial-coverage: ${names[i]} covers only about ${(frac * 100).toFixed(1)} % of the grid; cells outside it are nodata`);
        } catch (e) {
          if (e instanceof DataError) throw e;
        }
      }
      const dupBand = bandNames.find((x, i) => bandNames.indexOf(x) !== i);
      if (dupBand) throw new UsageError(`two bands would be named "${dupBand}"; give distinct NAMES`);

      const isVrt = path.extname(p.OUTPUT).toLowerCase() === '.vrt';
      const outDir = path.dirname(p.OUTPUT);
      const outBase = path.basename(p.OUTPUT, path.extname(p.OUTPUT));
      // one warped VRT per input
      const layerVrts: string[] = [];
      for (let i = 0; i < srcs.length; i++) {
        ctx.checkCancelled();
        let dst: string;
        if (isVrt) {
          const finalName = path.join(outDir, `${outBase}.${i + 1}_${names[i].replace(/[^A-Za-z0-9_-]/g, '_')}.vrt`);
          dst = ctx.outputs.stage(finalName);
          layerVrts.push(path.basename(finalName));
        } else {
          // a real warp (not a warped VRT): GDAL's warper computes the resampling kernel's scale per
          // chunk, and a warped VRT works block by block, so only a full warp equals gdalwarp exactly
          // a work file named like the output's temporaries: removed by a later run if this one is killed
          dst = ctx.outputs.scratch(path.join(outDir, `${outBase}.tif`), `w${i}`);
          tempFiles.push(dst);
        }
        // warped VRTs read back from a file turn the -FLT_MAX nodata into -inf: use NaN there
        const args = ['-of', isVrt ? 'VRT' : 'GTiff', '-t_srs', grid.srsWkt, '-te', ...te.map(String), '-ts', String(grid.width), String(grid.height),
          '-r', methods[i], '-ot', 'Float32', '-dstnodata', isVrt ? 'nan' : String(NODATA), '-overwrite'];
        if (!isVrt) args.push('-co', 'TILED=YES', '-co', 'BIGTIFF=IF_SAFER');
        if (!srcs[i].srs) args.push('-s_srs', sourceCrs);
        try {
          warped.push(await gdal.warpAsync(dst, null, [srcs[i]], args));
        } catch (e) {
          throw new DataError(`cannot warp ${path.basename(files[i])} to the grid: ${(e as Error).message.trim()}`);
        }
        ctx.progress(((i + 1) / srcs.length) * (isVrt ? 90 : 20));
      }

      if (isVrt) {
        for (const w of warped) w.close();
        warped.length = 0;
        const bandsXml: string[] = [];
        let k = 0;
        for (let i = 0; i < srcs.length; i++) {
          for (let b = 1; b <= layerBands[i]; b++) {
            k++;
            bandsXml.push(`  <VRTRasterBand dataType="Float32" band="${k}">
    <Description>${xmlEscape(bandNames[k - 1])}</Description>
    <NoDataValue>nan</NoDataValue>
    <SimpleSource><SourceFilename relativeToVRT="1">${xmlEscape(layerVrts[i])}</SourceFilename><SourceBand>${b}</SourceBand>
      <SrcRect xOff="0" yOff="0" xSize="${grid.width}" ySize="${grid.height}"/><DstRect xOff="0" yOff="0" xSize="${grid.width}" ySize="${grid.height}"/></SimpleSource>
  </VRTRasterBand>`);
          }
        }
        fs.writeFileSync(ctx.outputs.stage(p.OUTPUT), `<VRTDataset rasterXSize="${grid.width}" rasterYSize="${grid.height}">
  <SRS>${xmlEscape(grid.srsWkt)}</SRS>
  <GeoTransform>${gt.join(', ')}</GeoTransform>
  <Metadata><MDI key="SOCP_RESAMPLING">${xmlEscape(names.map((n, i) => `${n}=${methods[i]}`).join(' '))}</MDI></Metadata>
${bandsXml.join('\n')}
</VRTDataset>
`);
        return { OUTPUT: p.OUTPUT, BANDS: bandNames.join(',') };
      }

      const out = await createRaster(ctx.outputs.stage(p.OUTPUT), {
        width: grid.width, height: grid.height, bands: bandNames.length, geoTransform: gt, srsWkt: grid.srsWkt, bandNames,
        nodata: NODATA, metadata: { SOCP_RESAMPLING: names.map((n, i) => `${n}=${methods[i]}`).join(' ') },
      });
      try {
        const infos: RasterInfo[] = warped.map((w, i) => rasterInfo(w, names[i]));
        const rows = stripRows(grid.width, 2, 64 * 2 ** 20);
        let done = 0;
        const total = bandNames.length * grid.height;
        let k = 0;
        const empty: string[] = [];
        for (let i = 0; i < infos.length; i++) {
          for (let b = 1; b <= layerBands[i]; b++) {
            k++;
            let valid = 0;
            for (const [y0, nr] of strips(grid.height, rows)) {
              ctx.checkCancelled();
              const buf = await readWindow(infos[i], b, 0, y0, grid.width, nr);
              for (let j = 0; j < buf.length; j++) if (!Number.isNaN(buf[j])) valid++;
              await out.write(k, 0, y0, grid.width, nr, buf);
              done += nr;
              ctx.progress(20 + (done / total) * 75);
            }
            if (valid === 0) empty.push(bandNames[k - 1]);
          }
        }
        if (empty.length) ctx.warn(`empty-bands: ${empty.join(', ')} have no valid cell on the grid`);
      } finally {
        await out.close();
      }
      return { OUTPUT: p.OUTPUT, BANDS: bandNames.join(',') };
    } finally {
      for (const w of warped) {
        try { w.close(); } catch { /* closed */ }
      }
      for (const s of srcs) s.close();
      for (const t of tempFiles) {
        fs.rmSync(t, { force: true });
        fs.rmSync(t + '.aux.xml', { force: true });
      }
    }
  },
});
