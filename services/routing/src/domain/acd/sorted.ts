// Sorted arrays kept in order by binary search: the waiting lines and the timers of a site.

/** The index where `item` stands or would stand in `items`, which are sorted by `before`. */
export function lowerBound<T>(items: readonly T[], item: T, before: (a: T, b: T) => boolean): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(items[mid]!, item)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
