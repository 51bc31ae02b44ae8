// SPDX-License-Identifier: GPL-2.0-or-later
// GDAL as socp uses it. GDAL ≥ 3 follows each CRS's official axis order (latitude first for
// EPSG:4326) in coordinate transformations, and gdal-async cannot set the mapping per CRS; socp
// always means x = easting/longitude, y = northing/latitude, so the traditional GIS order is set
// once for the process before any CRS is made.

import './lazy-xmlbuilder2.js'; // before gdal-async
import gdal from 'gdal-async';

gdal.config.set('OSR_DEFAULT_AXIS_MAPPING_STRATEGY', 'TRADITIONAL_GIS_ORDER');

// GDAL's block cache defaults to 5 % of RAM and fills up on large rasters; socp reads and writes
// block-wise, so a modest cache keeps memory flat in raster size (a user's GDAL_CACHEMAX wins).
if (!process.env.GDAL_CACHEMAX) gdal.config.set('GDAL_CACHEMAX', '256');

export default gdal;
