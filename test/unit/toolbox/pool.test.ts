// SPDX-License-Identifier: GPL-2.0-or-later
// toolbox/pool.ts with real worker threads (handlers in test/fixtures/pool/handlers.mjs): results in
// submission order whatever the durations, the in-flight bound, abort, a throwing task, a thread
// that exits, and no thread left afterwards — counted by the pool from the threads' 'exit' events
// and by the operating system (/proc/self/status). Needs `npm run build` (threads load dist/).
import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import { CancelledError, DataError } from '../../../toolbox/errors.js';
import { liveWorkerThreads, mapOrdered, runOrdered, runsInThread } from '../../../toolbox/pool.js';
import { testTasks } from '../../fixtures/pool/handlers.mjs';

interface Task { i: number; ms?: number; fail?: boolean; crash?: boolean; exit?: number; values?: Float64Array }
interface Out { i: number; value: number; thread: number; values?: Float64Array }

const osThreads = () => Number(/Threads:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))![1]);
const pool = (threads: number, extra: object = {}) => ({ handler: testTasks, data: { scale: 10 }, threads, ...extra });

/** The OS thread count once it settles back to `base` (threads are joined as they exit). */
async function threadsBackTo(base: number): Promise<number> {
  for (let k = 0; k < 50 && osThreads() > base; k++) await new Promise((r) => setTimeout(r, 20));
  return osThreads();
}

// a seeded LCG: the same "random" durations every run
function durations(n: number, max: number, seed = 7): number[] {
  let s = seed;
  return Array.from({ length: n }, () => (s = (s * 1103515245 + 12345) % 2147483648) % (max + 1));
}

describe('toolbox/pool', () => {
  it('delivers results in submission order with tasks of random durations, on several threads', async () => {
    await mapOrdered(pool(2), [{ i: 0 }, { i: 1 }]); // warm-up: threads V8 starts once per process
    const base = osThreads();
    const tasks: Task[] = durations(40, 12).map((ms, i) => ({ i, ms }));
    const seen: number[] = [];
    let peak = 0;
    const out = await mapOrdered<{ scale: number }, Task, Out>(pool(3), tasks, (r, i) => {
      seen.push(i);
      peak = Math.max(peak, osThreads() - base);
    });
    expect(out.map((r) => r.i)).toEqual(tasks.map((t) => t.i));
    expect(out.map((r) => r.value)).toEqual(tasks.map((t) => t.i * 10));
    expect(seen).toEqual(tasks.map((t) => t.i));
    expect(new Set(out.map((r) => r.thread)).size).toBe(3); // really spread over three threads
    expect(peak).toBe(3);
    expect(liveWorkerThreads()).toBe(0);
    expect(await threadsBackTo(base)).toBe(base);
  });

  it('gives the same results in this thread (threads = 1) as on threads', async () => {
    const tasks: Task[] = durations(12, 3).map((ms, i) => ({ i, ms }));
    expect(runsInThread({ threads: 1 })).toBe(true);
    expect(runsInThread({ threads: 4, count: 1 })).toBe(true);
    expect(runsInThread({ threads: 1, inThread: false })).toBe(false);
    const a = await mapOrdered<{ scale: number }, Task, Out>(pool(1), tasks);
    const b = await mapOrdered<{ scale: number }, Task, Out>(pool(3), tasks);
    expect(a.map((r) => r.value)).toEqual(b.map((r) => r.value));
    expect(new Set(a.map((r) => r.thread))).toEqual(new Set([0])); // the main thread's id
  });

  it('takes no more tasks than maxInFlight ahead of the last delivered one, also behind a slow consumer', async () => {
    for (const [threads, maxInFlight] of [[2, 3], [3, undefined]] as const) {
      let taken = 0;
      let delivered = 0;
      let most = 0;
      const inputs = (function* () {
        for (let i = 0; i < 60; i++) {
          taken++;
          most = Math.max(most, taken - delivered);
          yield { i, ms: i % 7 === 0 ? 15 : 1 };
        }
      })();
      const n = await runOrdered<{ scale: number }, Task, Out>(pool(threads, { maxInFlight }), inputs, async (r, i) => {
        expect(r.i).toBe(i);
        await new Promise((res) => setTimeout(res, 2)); // a slow writer
        delivered++;
      });
      expect(n).toBe(60);
      expect(most).toBe(maxInFlight ?? 4 * threads);
    }
    expect(liveWorkerThreads()).toBe(0);
  });

  it('an abort drops the pending tasks, terminates the running ones and leaves no thread', async () => {
    const base = osThreads();
    const ac = new AbortController();
    let taken = 0;
    const inputs = (function* () {
      for (let i = 0; i < 100; i++) {
        taken++;
        yield { i, ms: i < 4 ? 5 : 10_000 }; // tasks 4… would each block their thread for 10 s
      }
    })();
    const got: number[] = [];
    const t0 = Date.now();
    const p = runOrdered<{ scale: number }, Task, Out>(pool(2, { signal: ac.signal }), inputs, (r, i) => {
      got.push(i);
      if (i === 3) setTimeout(() => ac.abort(), 50); // once tasks 4 and 5 are running
    });
    await expect(p).rejects.toBeInstanceOf(CancelledError);
    expect(Date.now() - t0).toBeLessThan(5000); // the 10 s tasks were stopped, not awaited
    expect(got).toEqual([0, 1, 2, 3]);
    expect(taken).toBeLessThanOrEqual(4 + 8); // delivered + the default bound (4 × threads); the rest was never taken
    expect(liveWorkerThreads()).toBe(0);
    expect(await threadsBackTo(base)).toBe(base);
    // an aborted signal starts nothing
    await expect(mapOrdered(pool(2, { signal: ac.signal }), [{ i: 0 }])).rejects.toThrow(/cancelled/);
    expect(liveWorkerThreads()).toBe(0);
  });

  it('a throwing task fails the run with an error naming it, of the same kind, on threads and in this thread', async () => {
    const base = osThreads();
    const tasks: Task[] = Array.from({ length: 20 }, (_, i) => ({ i, ms: 2, fail: i === 6 }));
    const label = (i: number) => `block ${i + 1} of 20`;
    for (const threads of [3, 1]) {
      const e = await mapOrdered(pool(threads, { label }), tasks).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(DataError);
      expect((e as Error).message).toBe('block 7 of 20: value 6 is out of range');
    }
    const bug = await mapOrdered(pool(2), [{ i: 0 }, { i: 1, crash: true }]).catch((x: unknown) => x);
    expect((bug as Error).message).toBe('task 2: a plain bug');
    expect(bug).not.toBeInstanceOf(DataError);
    expect(liveWorkerThreads()).toBe(0);
    expect(await threadsBackTo(base)).toBe(base);
  });

  it('a thread that exits (process.exit inside the worker) fails the run naming its task', async () => {
    const base = osThreads();
    const tasks: Task[] = Array.from({ length: 12 }, (_, i) => ({ i, ms: 3, exit: i === 4 ? 3 : undefined }));
    await expect(mapOrdered(pool(2), tasks)).rejects.toThrow(/^task 5: its worker thread stopped \(exit code 3\)$/);
    expect(liveWorkerThreads()).toBe(0);
    expect(await threadsBackTo(base)).toBe(base);
  });

  it('an error of the input or of the consumer ends the run with it, threads stopped', async () => {
    const inputs = (function* () {
      yield { i: 0 };
      yield { i: 1 };
      throw new Error('cannot read block 3');
    })();
    await expect(runOrdered(pool(2), inputs, () => undefined)).rejects.toThrow('cannot read block 3');
    await expect(runOrdered(pool(2), [{ i: 0 }, { i: 1 }, { i: 2 }], (_r, i) => {
      if (i === 1) throw new Error('disk full');
    })).rejects.toThrow('disk full');
    await expect(mapOrdered({ ...pool(2), handler: { ...testTasks, exportName: 'notAHandler' } }, [{ i: 0 }, { i: 1 }]))
      .rejects.toThrow(/handlers\.mjs exports no task handler named notAHandler/);
    expect(liveWorkerThreads()).toBe(0);
  });

  it('copies typed arrays both ways: the caller\'s buffers stay attached', async () => {
    const tasks: Task[] = Array.from({ length: 6 }, (_, i) => ({ i, values: Float64Array.of(i, i + 0.5) }));
    const out = await mapOrdered<{ scale: number }, Task, Out>(pool(2), tasks);
    for (const [k, t] of tasks.entries()) {
      expect(t.values!.byteLength).toBe(16);
      expect(Array.from(out[k].values!)).toEqual([k * 10, (k + 0.5) * 10]);
      expect(out[k].values).toBeInstanceOf(Float64Array);
    }
  });
});
