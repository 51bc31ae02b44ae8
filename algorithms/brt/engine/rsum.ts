/**
 * Sums the way R's `sum()` does for doubles, as closely as JavaScript allows: R accumulates in
 * `long double` (80-bit extended on x86-64) and rounds once at the end. A Neumaier-compensated
 * double sum carries about twice the precision of a double, so it gives the correctly rounded
 * sum in practice — the same double R prints except in rare, near-tie cases (a last-bit
 * difference at most).
 */
export function neumaierSum(a: ArrayLike<number>, from = 0, to = a.length): number {
  let s = 0;
  let c = 0;
  for (let i = from; i < to; i++) {
    const x = a[i]!;
    const t = s + x;
    if (Math.abs(s) >= Math.abs(x)) c += s - t + x;
    else c += x - t + s;
    s = t;
  }
  return s + c;
}
