// SPDX-License-Identifier: GPL-2.0-or-later
// Load test of the bridge on loopback (autocannon, bounded): 200 concurrent connections on
// /processes and 50 concurrent small synchronous executions, with zero errors. The figures in the
// README ("HTTP bridge") come from `npm run test:load` (scripts/load-test.mjs, the same code).

import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module without type declarations
import { runLoadTest } from '../../scripts/load-test.mjs';

interface Fig { requests: number; ok2xx: number; non2xx: number; errors: number; timeouts: number; connections: number; outputsWritten?: number }

describe('socp serve under load', () => {
  it('holds 200 concurrent requests to /processes and 50 concurrent executions with zero errors', async () => {
    const r = (await runLoadTest({ requests: 2000, executions: 100, listConnections: 200, execConnections: 50 })) as { list: Fig; exec: Fig };
    expect(r.list.connections).toBe(200);
    expect(r.list).toMatchObject({ requests: 2000, ok2xx: 2000, non2xx: 0, errors: 0, timeouts: 0 });
    expect(r.exec.connections).toBe(50);
    expect(r.exec).toMatchObject({ requests: 100, ok2xx: 100, non2xx: 0, errors: 0, timeouts: 0, outputsWritten: 100 });
  }, 300_000);
});
