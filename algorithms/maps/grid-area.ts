// SPDX-License-Identifier: GPL-2.0-or-later
// Cell areas of a raster grid in km², exact for any CRS (helper module: no default export).
//
// - Geographic grids (lon/lat): the area of a cell between latitudes φ1 < φ2 and spanning Δλ on an
//   ellipsoid of revolution (semi-major axis a, eccentricity e) is, in closed form,
//       A = (a² Δλ / 2) · (q(φ2) − q(φ1)),
//       q(φ) = (1 − e²) · [ sin φ / (1 − e² sin² φ) + (1 / (2e)) · ln((1 + e sin φ) / (1 − e sin φ)) ],
//   i.e. A = R_q² Δλ (sin β2 − sin β1) with the authalic latitude β = asin(q(φ) / q(90°)) and the
//   authalic radius R_q² = a² q(90°) / 2 (Snyder 1987, "Map projections — a working manual",
//   USGS PP 1395, eq. 3-11, 3-12 and 14-15). For a sphere (e = 0) q(φ) = 2 sin φ. All cells of one
//   row have the same area, so areas are computed per row.
// - Projected equal-area grids (Albers, Lambert azimuthal / cylindrical equal area, Mollweide,
//   sinusoidal, Eckert IV/VI, Equal Earth…): the cell size |det(geotransform)| in the CRS's linear
//   unit, the same for every cell.
// - Other projected grids (UTM, Lambert conformal, Web Mercator…): each cell's four corners are
//   transformed to a Lambert azimuthal equal-area projection on the same ellipsoid centred on the
//   grid, and the quadrilateral's planar area there is the cell's ellipsoidal area (edge curvature
//   between projections is negligible at cell scale).

import gdal from '../../toolbox/io/gdal.js';
import { DataError } from '../../toolbox/errors.js';
import type { RasterInfo } from '../../toolbox/io/raster.js';

export const WGS84 = { a: 6378137, invf: 298.257223563 } as const;
export const GRS80 = { a: 6378137, invf: 298.257222101 } as const;

export interface Ellipsoid {
  /** semi-major axis in metres */
  a: number;
  /** inverse flattening; 0 for a sphere */
  invf: number;
}

/** First eccentricity of an ellipsoid (0 for a sphere). */
export function eccentricity(el: Ellipsoid): number {
  if (!el.invf || !Number.isFinite(el.invf)) return 0;
  const f = 1 / el.invf;
  return Math.sqrt(f * (2 - f));
}

/** Snyder's q(φ) (eq. 3-12), φ in radians; q(φ) = 2 sin φ on a sphere. */
export function authalicQ(phi: number, e: number): number {
  const s = Math.sin(phi);
  if (e === 0) return 2 * s;
  const es = e * s;
  return (1 - e * e) * (s / (1 - es * es) + (1 / (2 * e)) * Math.log((1 + es) / (1 - es)));
}

/** Authalic latitude β (radians) of geodetic latitude φ (radians). */
export function authalicLatitude(phi: number, e: number): number {
  const qp = authalicQ(Math.PI / 2, e);
  return Math.asin(Math.max(-1, Math.min(1, authalicQ(phi, e) / qp)));
}

/** Authalic radius R_q in metres: the sphere of the same surface area as the ellipsoid. */
export function authalicRadius(el: Ellipsoid): number {
  return el.a * Math.sqrt(authalicQ(Math.PI / 2, eccentricity(el)) / 2);
}

/**
 * Area in m² of the ellipsoidal quadrangle between latitudes lat1 and lat2 (degrees, any order)
 * spanning dLon degrees of longitude. Pure function of the ellipsoid; exact (closed form).
 */
export function quadrangleArea(lat1Deg: number, lat2Deg: number, dLonDeg: number, el: Ellipsoid = WGS84): number {
  const e = eccentricity(el);
  const clamp = (d: number) => (Math.max(-90, Math.min(90, d)) * Math.PI) / 180;
  const q1 = authalicQ(clamp(lat1Deg), e);
  const q2 = authalicQ(clamp(lat2Deg), e);
  return ((el.a * el.a) / 2) * Math.abs((Math.abs(dLonDeg) * Math.PI) / 180) * Math.abs(q2 - q1);
}

/** Total surface area of the ellipsoid in m². */
export function ellipsoidArea(el: Ellipsoid = WGS84): number {
  return quadrangleArea(-90, 90, 360, el);
}

/** How the cell areas of a grid are obtained, and the areas themselves, per strip of rows. */
export interface CellAreas {
  /** 'geographic' | 'equal-area' | 'projected' | 'no-crs' */
  method: 'geographic' | 'equal-area' | 'projected' | 'no-crs';
  /** one sentence for the log and the metadata */
  description: string;
  /** area of one cell in km² when all cells are equal (equal-area and no-crs grids) */
  constant?: number;
  /** areas in km² of the cells of rows y0 … y0+rows−1, row-major, length rows × width */
  strip(y0: number, rows: number): Float64Array;
}

const EQUAL_AREA = /equal_area|equal area|mollweide|sinusoidal|eckert_iv|eckert_vi|eckert iv|eckert vi|equal_earth|equal earth|goode|quartic_authalic|behrmann|gall_peters|healpix|igh/i;

function ellipsoidOf(srs: gdal.SpatialReference): Ellipsoid {
  const a = Number(srs.getAttrValue('SPHEROID', 1));
  const invf = Number(srs.getAttrValue('SPHEROID', 2));
  if (!Number.isFinite(a) || a <= 0) throw new DataError('the raster\'s CRS names no ellipsoid; cell areas cannot be computed');
  return { a, invf: Number.isFinite(invf) ? invf : 0 };
}

/** Cell areas (km²) for the grid of a raster; see the module comment for the methods. */
export function cellAreas(r: Pick<RasterInfo, 'width' | 'height' | 'geoTransform' | 'srsWkt' | 'path'>): CellAreas {
  const gt = r.geoTransform;
  const w = r.width;
  const det = Math.abs(gt[1] * gt[5] - gt[2] * gt[4]);
  const rotated = gt[2] !== 0 || gt[4] !== 0;
  const fill = (value: number) => (y0: number, rows: number) => new Float64Array(rows * w).fill(value);
  if (!r.srsWkt) {
    const km2 = det * 1e-6;
    return {
      method: 'no-crs', constant: km2, strip: fill(km2),
      description: `${r.path} has no CRS: cells taken as ${Math.abs(gt[1])} × ${Math.abs(gt[5])} m (${km2} km²); assign the CRS for exact areas`,
    };
  }
  const srs = gdal.SpatialReference.fromWKT(r.srsWkt);
  if (srs.isGeographic()) {
    if (rotated) throw new DataError(`${r.path} is a rotated geographic grid; warp it to a north-up grid first (gdalwarp)`);
    const el = ellipsoidOf(srs);
    const toDeg = (srs.getAngularUnits().value * 180) / Math.PI; // angular unit → degrees
    const dLon = Math.abs(gt[1]) * toDeg;
    const cache = new Map<number, number>();
    const rowArea = (y: number): number => {
      let v = cache.get(y);
      if (v === undefined) {
        const top = (gt[3] + y * gt[5]) * toDeg;
        const bottom = (gt[3] + (y + 1) * gt[5]) * toDeg;
        v = quadrangleArea(top, bottom, dLon, el) * 1e-6;
        if (cache.size < 1_000_000) cache.set(y, v);
      }
      return v;
    };
    return {
      method: 'geographic',
      description: `geographic grid: cell areas per row on the ellipsoid (a = ${el.a} m, 1/f = ${el.invf}), closed form via the authalic latitude`,
      strip(y0, rows) {
        const out = new Float64Array(rows * w);
        for (let j = 0; j < rows; j++) out.fill(rowArea(y0 + j), j * w, (j + 1) * w);
        return out;
      },
    };
  }
  const unit = srs.getLinearUnits().value || 1; // metres per CRS unit
  const projection = srs.getAttrValue('PROJECTION') ?? '';
  if (EQUAL_AREA.test(projection)) {
    const km2 = det * unit * unit * 1e-6;
    return {
      method: 'equal-area', constant: km2, strip: fill(km2),
      description: `equal-area projection (${projection}): every cell ${km2} km²`,
    };
  }
  // General projected CRS: corners into a local Lambert azimuthal equal-area projection.
  const geog = gdal.SpatialReference.fromProj4(srs.cloneGeogCS().toProj4()); // lon/lat axis order
  const toGeog = new gdal.CoordinateTransformation(srs, geog);
  const cx = gt[0] + (w / 2) * gt[1] + (r.height / 2) * gt[2];
  const cy = gt[3] + (w / 2) * gt[4] + (r.height / 2) * gt[5];
  const c = toGeog.transformPoint(cx, cy);
  const ellps = geog.toProj4().replace('+proj=longlat', '').trim();
  const laea = gdal.SpatialReference.fromProj4(`+proj=laea +lat_0=${c.y} +lon_0=${c.x} +x_0=0 +y_0=0 ${ellps}`);
  const toLaea = new gdal.CoordinateTransformation(srs, laea);
  const corners = (y: number): Float64Array => {
    const out = new Float64Array(2 * (w + 1));
    for (let i = 0; i <= w; i++) {
      const p = toLaea.transformPoint(gt[0] + i * gt[1] + y * gt[2], gt[3] + i * gt[4] + y * gt[5]);
      out[2 * i] = p.x;
      out[2 * i + 1] = p.y;
    }
    return out;
  };
  return {
    method: 'projected',
    description: `projection ${projection || '(unnamed)'} is not equal-area: each cell's corners transformed to a Lambert azimuthal equal-area projection centred on the grid (${c.y.toFixed(4)}°, ${c.x.toFixed(4)}°)`,
    strip(y0, rows) {
      const out = new Float64Array(rows * w);
      let top = corners(y0);
      for (let j = 0; j < rows; j++) {
        const bottom = corners(y0 + j + 1);
        for (let i = 0; i < w; i++) {
          // shoelace over (top i, top i+1, bottom i+1, bottom i)
          const x1 = top[2 * i], y1 = top[2 * i + 1], x2 = top[2 * i + 2], y2 = top[2 * i + 3];
          const x3 = bottom[2 * i + 2], y3 = bottom[2 * i + 3], x4 = bottom[2 * i], y4 = bottom[2 * i + 1];
          const a2 = x1 * y2 - x2 * y1 + x2 * y3 - x3 * y2 + x3 * y4 - x4 * y3 + x4 * y1 - x1 * y4;
          out[j * w + i] = Math.abs(a2) / 2 * 1e-6;
        }
        top = bottom;
      }
      return out;
    },
  };
}
