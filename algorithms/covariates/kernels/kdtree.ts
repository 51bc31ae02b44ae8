// SPDX-License-Identifier: GPL-2.0-or-later
// A static 2-d tree (Bentley 1975, "Multidimensional binary search trees used for associative
// searching", CACM 18(9)) for k-nearest-neighbour queries within a radius, as used by station
// interpolation. Pure TypeScript: no GDAL, no toolbox.

export class KdTree {
  readonly n: number;
  private readonly px: Float64Array;
  private readonly py: Float64Array;
  /** point indices, arranged so that each [lo, hi) range is a subtree with its median at the middle */
  private readonly perm: Int32Array;
  // max-heap scratch for queries
  private heapD: Float64Array;
  private heapI: Int32Array;
  private size = 0;
  private k = 0;
  private r2 = Infinity;
  private qx = 0;
  private qy = 0;

  constructor(x: Float64Array, y: Float64Array) {
    if (x.length !== y.length) throw new Error('KdTree: x and y differ in length');
    this.n = x.length;
    this.px = x;
    this.py = y;
    this.perm = Int32Array.from({ length: this.n }, (_, i) => i);
    this.build(0, this.n, 0);
    this.heapD = new Float64Array(0);
    this.heapI = new Int32Array(0);
  }

  private build(lo: number, hi: number, depth: number): void {
    if (hi - lo <= 1) return;
    const c = depth % 2 === 0 ? this.px : this.py;
    const sub = Array.from(this.perm.subarray(lo, hi));
    sub.sort((a, b) => c[a] - c[b] || a - b);
    this.perm.set(sub, lo);
    const mid = (lo + hi) >> 1;
    this.build(lo, mid, depth + 1);
    this.build(mid + 1, hi, depth + 1);
  }

  /**
   * The k nearest points to (qx, qy) with squared distance ≤ maxR2, nearest first. Writes indices
   * and squared distances into outIdx / outD2 (length ≥ k) and returns how many were found.
   * Equal distances are ordered by point index, so results do not depend on the tree's shape.
   */
  nearest(qx: number, qy: number, k: number, maxR2: number, outIdx: Int32Array, outD2: Float64Array): number {
    k = Math.min(k, this.n);
    if (k <= 0) return 0;
    if (this.heapD.length < k) {
      this.heapD = new Float64Array(k);
      this.heapI = new Int32Array(k);
    }
    this.size = 0;
    this.k = k;
    this.r2 = maxR2;
    this.qx = qx;
    this.qy = qy;
    this.search(0, this.n, 0);
    // heap → sorted ascending (d2, then index)
    const m = this.size;
    const pairs: [number, number][] = [];
    for (let i = 0; i < m; i++) pairs.push([this.heapD[i], this.heapI[i]]);
    pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    for (let i = 0; i < m; i++) {
      outD2[i] = pairs[i][0];
      outIdx[i] = pairs[i][1];
    }
    return m;
  }

  /** worst (largest) accepted distance: the pruning bound */
  private bound(): number {
    return this.size < this.k ? this.r2 : this.heapD[0];
  }

  private worse(d: number, i: number, hd: number, hi: number): boolean {
    return d > hd || (d === hd && i > hi);
  }

  private offer(d: number, i: number): void {
    const hD = this.heapD;
    const hI = this.heapI;
    if (this.size < this.k) {
      let j = this.size++;
      while (j > 0) {
        const p = (j - 1) >> 1;
        if (!this.worse(d, i, hD[p], hI[p])) break;
        hD[j] = hD[p];
        hI[j] = hI[p];
        j = p;
      }
      hD[j] = d;
      hI[j] = i;
      return;
    }
    if (!this.worse(hD[0], hI[0], d, i)) return; // not better than the worst kept
    let j = 0;
    const n = this.size;
    for (;;) {
      const l = 2 * j + 1;
      if (l >= n) break;
      let c = l;
      if (l + 1 < n && this.worse(hD[l + 1], hI[l + 1], hD[l], hI[l])) c = l + 1;
      if (!this.worse(hD[c], hI[c], d, i)) break;
      hD[j] = hD[c];
      hI[j] = hI[c];
      j = c;
    }
    hD[j] = d;
    hI[j] = i;
  }

  private search(lo: number, hi: number, depth: number): void {
    if (hi <= lo) return;
    const mid = (lo + hi) >> 1;
    const p = this.perm[mid];
    const dx = this.px[p] - this.qx;
    const dy = this.py[p] - this.qy;
    const d2 = dx * dx + dy * dy;
    if (d2 <= this.r2) this.offer(d2, p);
    if (hi - lo === 1) return;
    const diff = depth % 2 === 0 ? this.qx - this.px[p] : this.qy - this.py[p];
    const [first, second] = diff <= 0 ? [[lo, mid], [mid + 1, hi]] : [[mid + 1, hi], [lo, mid]];
    this.search(first[0], first[1], depth + 1);
    if (diff * diff <= this.bound()) this.search(second[0], second[1], depth + 1);
  }
}
