// SPDX-License-Identifier: GPL-2.0-or-later
// Locations inside the installed package, valid both from sources (vitest runs .ts) and from dist/.
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import fs from 'node:fs';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The package root (the folder holding package.json). */
export const packageRoot: string = (() => {
  let dir = here;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`socp: package.json not found above ${here}`);
    dir = up;
  }
  return dir;
})();

/**
 * Path of a compiled module in dist/, given its path relative to the package root without
 * extension (e.g. 'toolbox/pool-worker'). worker_threads need JavaScript, so threads always load
 * dist/, even when the caller runs from TypeScript sources under vitest.
 */
export function compiledModule(relNoExt: string): string {
  const p = path.join(packageRoot, 'dist', relNoExt + '.js');
  if (!fs.existsSync(p)) {
    throw new Error(`socp: ${p} is missing; run "npm run build" first`);
  }
  return p;
}
