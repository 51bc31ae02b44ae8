// toolbox/io/crs.ts: x = longitude/easting, y = latitude/northing, whatever the CRS's official axis order.
import { describe, it, expect } from 'vitest';
import gdal from '../../../toolbox/io/gdal.js';
import { transformer, transformXY } from '../../../toolbox/io/crs.js';

const wgs84 = gdal.SpatialReference.fromEPSG(4326).toWKT();
const utm32 = gdal.SpatialReference.fromEPSG(32632).toWKT();

describe('coordinate transformation', () => {
  it('maps lon/lat on the central meridian of UTM 32N to easting 500000 (closed form)', () => {
    const tr = transformer(wgs84, utm32)!;
    const x = Float64Array.from([9, 9]);
    const y = Float64Array.from([0, 45]);
    expect(tr(x, y)).toBe(0);
    expect(x[0]).toBeCloseTo(500000, 3);
    expect(y[0]).toBeCloseTo(0, 3);
    // 0.9996 × the WGS84 meridian arc from the equator to 45° N (4 984 944.378 m) = 4 982 950.400 m
    expect(x[1]).toBeCloseTo(500000, 3);
    expect(Math.abs(y[1]! - 4982950.4)).toBeLessThan(0.01);
  });

  it('returns null for the same CRS or a missing one, and keeps the inputs of transformXY', () => {
    expect(transformer(utm32, utm32)).toBeNull();
    expect(transformer('', utm32)).toBeNull();
    const x = Float64Array.from([9, NaN]);
    const y = Float64Array.from([45, 1]);
    const out = transformXY(x, y, wgs84, utm32);
    expect(Array.from(x)).toEqual([9, NaN]);
    expect(out.x[0]).toBeCloseTo(500000, 3);
    expect(out.x[1]).toBeNaN();
    expect(out.y[1]).toBeNaN();
  });
});
