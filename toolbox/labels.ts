// SPDX-License-Identifier: GPL-2.0-or-later
// Class labels written as code=label pairs ("1=farmland,2=forest"), as the LABELS parameters of
// maps:zonal-summary and workflow:socp take them.

import { UsageError } from './errors.js';

/** Parse "1=farmland,2=forest" (also ';' separated, ':' instead of '='). */
export function parseLabels(s: string | undefined): Map<number, string> {
  const out = new Map<number, string>();
  if (!s || s.trim() === '') return out;
  for (const part of s.split(/[,;]/)) {
    const t = part.trim();
    if (t === '') continue;
    const m = /^(-?\d+)\s*[=:]\s*(.+)$/.exec(t);
    if (!m) throw new UsageError(`LABELS: "${t}" is not code=label; write e.g. 1=farmland,2=forest,3=grassland,4=other`);
    const code = Number(m[1]);
    if (out.has(code)) throw new UsageError(`LABELS: code ${code} is labelled twice`);
    out.set(code, m[2].trim());
  }
  return out;
}
