// SPDX-License-Identifier: GPL-2.0-or-later
// socp — soil organic carbon sequestration potential toolbox.
// Copyright (C) 2026 the socp authors. This program is free software: you can redistribute it
// and/or modify it under the terms of the GNU General Public License as published by the Free
// Software Foundation, either version 2 of the License, or (at your option) any later version.
// It is distributed WITHOUT ANY WARRANTY; see <https://www.gnu.org/licenses/>.
//
// A binary min-heap of (priority: float64, cell: int32) pairs over typed arrays, used by the
// priority-flood sink filling (Wang & Liu 2006).
//
// push/pop follow the sift-up and "hole to the bottom, then sift up" (Floyd) steps of the C++
// standard library's std::push_heap/std::pop_heap as GNU libstdc++ implements them, with the
// comparison a.priority > b.priority. Cells of equal priority therefore leave the heap in exactly
// the order they leave SAGA's std::priority_queue, which makes the filled surface (minimum-slope
// increments on flats) identical to SAGA ta_preprocessor 4, not just equivalent.

export class CellHeap {
  private prio: Float64Array;
  private cell: Int32Array;
  private n = 0;

  /** @param capacity maximum number of entries held at once (12 bytes each). */
  constructor(capacity: number) {
    this.prio = new Float64Array(Math.max(1, capacity));
    this.cell = new Int32Array(Math.max(1, capacity));
  }

  get size(): number {
    return this.n;
  }

  /** Priority of the top entry (undefined behaviour when empty). */
  topPriority(): number {
    return this.prio[0]!;
  }

  push(priority: number, cell: number): void {
    if (this.n === this.prio.length) this.grow();
    const prio = this.prio, cells = this.cell;
    let hole = this.n++;
    let parent = (hole - 1) >> 1;
    while (hole > 0 && prio[parent]! > priority) {
      prio[hole] = prio[parent]!;
      cells[hole] = cells[parent]!;
      hole = parent;
      parent = (hole - 1) >> 1;
    }
    prio[hole] = priority;
    cells[hole] = cell;
  }

  /** Remove the entry of lowest priority and return its cell (−1 when empty). */
  pop(): number {
    const n = this.n;
    if (n === 0) return -1;
    const prio = this.prio, cells = this.cell;
    const top = cells[0]!;
    const len = n - 1;
    this.n = len;
    if (len === 0) return top;
    // value taken from the back, hole at the root moved to a leaf along the smaller children
    const vPrio = prio[len]!;
    const vCell = cells[len]!;
    let hole = 0;
    let second = 0;
    const half = ((len - 1) / 2) | 0;
    while (second < half) {
      second = 2 * (second + 1);
      if (prio[second]! > prio[second - 1]!) second--;
      prio[hole] = prio[second]!;
      cells[hole] = cells[second]!;
      hole = second;
    }
    if ((len & 1) === 0 && second === ((len - 2) / 2 | 0)) {
      second = 2 * (second + 1);
      prio[hole] = prio[second - 1]!;
      cells[hole] = cells[second - 1]!;
      hole = second - 1;
    }
    // sift the value up from the hole
    let parent = (hole - 1) >> 1;
    while (hole > 0 && prio[parent]! > vPrio) {
      prio[hole] = prio[parent]!;
      cells[hole] = cells[parent]!;
      hole = parent;
      parent = (hole - 1) >> 1;
    }
    prio[hole] = vPrio;
    cells[hole] = vCell;
    return top;
  }

  private grow(): void {
    const cap = this.prio.length * 2;
    const p = new Float64Array(cap);
    p.set(this.prio);
    const c = new Int32Array(cap);
    c.set(this.cell);
    this.prio = p;
    this.cell = c;
  }
}
