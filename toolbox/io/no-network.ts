// SPDX-License-Identifier: GPL-2.0-or-later
// GDAL without network access, for processes that run other people's requests (the HTTP bridge's
// job workers). By configuration, not by looking at file names: drivers that fetch what they
// describe are skipped when GDAL registers its drivers (GDAL_SKIP, read from the environment when
// gdal-async loads), every libcurl transfer of GDAL goes to a proxy that refuses at once, /vsicurl/
// and the cloud file systems built on it accept no file name, PROJ stays offline, and VRT Python
// pixel functions are off. The proxy variables of the environment are dropped so that none of
// them (NO_PROXY above all) can route around GDAL_HTTP_PROXY.

/** Drivers that open network services or databases (GDAL 3.6 names). */
const NETWORK_DRIVERS = [
  'WMS', 'WMTS', 'WCS', 'WFS', 'OAPIF', 'OGCAPI', 'CSW', 'HTTP', 'PLScenes', 'EEDA', 'EEDAI', 'DAAS', 'NGW',
  'Elasticsearch', 'Carto', 'AmigoCloud', 'PostgreSQL', 'PostGISRaster', 'MySQL', 'ODBC', 'MSSQLSpatial', 'OCI',
  'MongoDBv3', 'GNMDatabase', 'SOSI', 'TileDB', 'Rasterlite', 'WEBP_REMOTE',
];

/** Configuration options that keep GDAL off the network (set in the environment and at run time). */
export const NO_NETWORK_CONFIG: Readonly<Record<string, string>> = {
  GDAL_HTTP_PROXY: '127.0.0.1:1', // nothing listens on port 1: every transfer is refused at once
  GDAL_HTTP_TIMEOUT: '1',
  GDAL_HTTP_CONNECTTIMEOUT: '1',
  GDAL_HTTP_MAX_RETRY: '0',
  CPL_VSIL_CURL_ALLOWED_EXTENSIONS: '.socp-no-network', // /vsicurl/, /vsis3/, …: no name is allowed
  CPL_VSIL_CURL_ALLOWED_FILENAME: '/vsicurl/socp-no-network',
  GDAL_DISABLE_READDIR_ON_OPEN: 'EMPTY_DIR',
  GDAL_VRT_ENABLE_PYTHON: 'NO',
  PROJ_NETWORK: 'OFF',
};

const PROXY_VARS = ['http_proxy', 'https_proxy', 'ftp_proxy', 'all_proxy', 'no_proxy'];

/** The environment of a process whose GDAL must not reach the network. */
export function noNetworkEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) if (!PROXY_VARS.includes(k.toLowerCase())) env[k] = v;
  const skip = new Set([...(base.GDAL_SKIP ?? '').split(/[ ,]+/).filter(Boolean), ...NETWORK_DRIVERS]);
  env.GDAL_SKIP = [...skip].join(' ');
  Object.assign(env, NO_NETWORK_CONFIG);
  env.SOCP_NO_NETWORK = '1';
  return env;
}
