// SPDX-License-Identifier: GPL-2.0-or-later
// GDAL as socp uses it. GDAL ≥ 3 follows each CRS's official axis order (latitude first for
// EPSG:4326) in coordinate transformations, and gdal-async cannot set the mapping per CRS; socp
// always means x = easting/longitude, y = northing/latitude, so the traditional GIS order is set
// once for the process before any CRS is made.

import './lazy-xmlbuilder2.js'; // before gdal-async
import gdal from 'gdal-async';
import { NO_NETWORK_CONFIG } from './no-network.js';

gdal.config.set('OSR_DEFAULT_AXIS_MAPPING_STRATEGY', 'TRADITIONAL_GIS_ORDER');

// GDAL's block cache defaults to 5 % of RAM and fills up on large rasters; socp reads and writes
// block-wise, so a modest cache keeps memory flat in raster size (a user's GDAL_CACHEMAX wins).
if (!process.env.GDAL_CACHEMAX) gdal.config.set('GDAL_CACHEMAX', '256');

/**
 * Keep this process's GDAL off the network (the bridge's job workers): the run-time half of
 * no-network.ts; the drivers to skip come from the environment noNetworkEnv() made, because GDAL
 * reads GDAL_SKIP only when it registers its drivers. Throws when that environment is missing, so
 * a worker started any other way refuses to run rather than run open.
 */
export function disableNetwork(): void {
  if (process.env.SOCP_NO_NETWORK !== '1' || !/\bWMS\b/.test(process.env.GDAL_SKIP ?? '')) {
    throw new Error('this process must be started with the environment of noNetworkEnv() (toolbox/io/no-network.ts)');
  }
  for (const [k, v] of Object.entries(NO_NETWORK_CONFIG)) gdal.config.set(k, v);
}

export default gdal;
