// SPDX-License-Identifier: GPL-2.0-or-later
// gdal-async loads xmlbuilder2 (≈ 150 files with its dependencies, ≈ 50 ms of CPU in every process)
// only for gdal.wrapVRT, which socp does not call. Imported for its effect before gdal-async by
// io/gdal.ts (the only module that imports gdal-async), this puts a stand-in into the require
// cache that loads the real package on first use of any of its exports, so code that does use it
// sees no difference.

import Module, { createRequire } from 'node:module';
import path from 'node:path';

try {
  const req = createRequire(import.meta.url);
  const fromGdal = createRequire(path.join(path.dirname(req.resolve('gdal-async')), 'wrapVRT.js'));
  const file = fromGdal.resolve('xmlbuilder2');
  if (!req.cache[file]) {
    let real: Record<string | symbol, unknown> | undefined;
    const load = (): Record<string | symbol, unknown> => {
      if (!real) {
        delete req.cache[file];
        real = fromGdal('xmlbuilder2') as Record<string | symbol, unknown>;
      }
      return real;
    };
    const placeholder = new Module(file);
    placeholder.filename = file;
    placeholder.loaded = true;
    // wrapVRT takes `fragment` as it loads: hand it a function that loads the package when called
    placeholder.exports = new Proxy({}, {
      get: (_t, key) => (key === 'fragment' && !real ? (...args: unknown[]) => (load().fragment as (...a: unknown[]) => unknown)(...args) : load()[key]),
      has: (_t, key) => key in load(),
    });
    req.cache[file] = placeholder;
  }
} catch {
  /* not laid out as expected: gdal-async loads xmlbuilder2 itself */
}
