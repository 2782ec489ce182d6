/**
 * NumPy 1.24's `partition` on contiguous lines: introselect, ported step for step from
 * numpy/core/src/npysort/selection.cpp (median-of-3 quickselect, falling back to a
 * median-of-medians-of-5 pivot when it recurses too deep, an O(n·k) selection for small k,
 * a stack of found pivots shared by the kth values of one line) and the loop over kth of
 * numpy/core/src/multiarray/item_selection.c.
 *
 * Why a port rather than any O(n) selection: the values at the kth positions are the same
 * whatever the algorithm, but not which of two equal elements lands there, and -0.0 == 0.0.
 * `np.quantile(..., method="lower")` returns the element itself, so its sign is NumPy's only
 * when the swaps are NumPy's. NaN sorts last, as in NumPy (its `LT`: a < b, or b is NaN and a
 * is not).
 */
import type { Storage } from "./dtype";
import { ValueError } from "./errors";

/** NumPy's NPY_MAX_PIVOT_STACK. */
const MAX_PIVOT_STACK = 50;

/** The pivots found so far on one line (NumPy's `pivots`/`npiv`), or null where NumPy passes NULL. */
interface Pivots {
  at: number[];
  n: number;
}

/** NumPy's `Tag::less` for floats; for integers it is plain `<` (b !== b is never true). */
function lt(a: number, b: number): boolean {
  return a < b || (b !== b && a === a);
}

function swap(v: Storage, i: number, j: number): void {
  const t = v[i];
  v[i] = v[j];
  v[j] = t;
}

/** NumPy's npy_get_msb: the index of the highest set bit. */
function msb(n: number): number {
  let depth = 0;
  while ((n = Math.floor(n / 2)) > 0) depth++;
  return depth;
}

function storePivot(pivot: number, kth: number, p: Pivots | null): void {
  if (p === null) return;
  // The kth itself overwrites the top of a full stack; otherwise only pivots above kth are kept.
  if (pivot === kth && p.n === MAX_PIVOT_STACK) p.at[p.n - 1] = pivot;
  else if (pivot >= kth && p.n < MAX_PIVOT_STACK) p.at[p.n++] = pivot;
}

/** Median of 3 (low, mid, high): the median moves to low, the smallest to low + 1. */
function median3Swap(v: Storage, o: number, low: number, mid: number, high: number): void {
  if (lt(v[o + high], v[o + mid])) swap(v, o + high, o + mid);
  if (lt(v[o + high], v[o + low])) swap(v, o + high, o + low);
  if (lt(v[o + low], v[o + mid])) swap(v, o + low, o + mid);
  swap(v, o + mid, o + low + 1);
}

/** The index (0-4) of the median of the five elements at o. */
function median5(v: Storage, o: number): number {
  if (lt(v[o + 1], v[o])) swap(v, o + 1, o);
  if (lt(v[o + 4], v[o + 3])) swap(v, o + 4, o + 3);
  if (lt(v[o + 3], v[o])) swap(v, o + 3, o);
  if (lt(v[o + 4], v[o + 1])) swap(v, o + 4, o + 1);
  if (lt(v[o + 2], v[o + 1])) swap(v, o + 2, o + 1);
  if (lt(v[o + 3], v[o + 2])) return lt(v[o + 3], v[o + 1]) ? 1 : 3;
  return 2;
}

function medianOfMedian5(v: Storage, o: number, num: number, inexact: boolean): number {
  const nmed = Math.floor(num / 5);
  for (let i = 0, sub = 0; i < nmed; i++, sub += 5) swap(v, o + sub + median5(v, o + sub), o + i);
  if (nmed > 2) introselect(v, o, nmed, Math.floor(nmed / 2), null, inexact);
  return Math.floor(nmed / 2);
}

/** Selection sort of the first kth + 1 positions: O(n·k), for k close to the start. */
function dumbSelect(v: Storage, o: number, num: number, kth: number): void {
  for (let i = 0; i <= kth; i++) {
    let minidx = i;
    let minval = v[o + i];
    for (let k = i + 1; k < num; k++) {
      if (lt(v[o + k], minval)) {
        minidx = k;
        minval = v[o + k];
      }
    }
    swap(v, o + i, o + minidx);
  }
}

/** NumPy's introselect_ on v[o .. o + num), placing the kth smallest at o + kth. */
function introselect(v: Storage, o: number, num: number, kth: number, p: Pivots | null, inexact: boolean): void {
  let low = 0;
  let high = num - 1;
  while (p !== null && p.n > 0) {
    const top = p.at[p.n - 1];
    if (top > kth) {
      high = top - 1;
      break;
    }
    if (top === kth) return;
    low = top + 1;
    p.n--;
  }
  if (kth - low < 3) {
    dumbSelect(v, o + low, high - low + 1, kth - low);
    storePivot(kth, kth, p);
    return;
  }
  if (inexact && kth === num - 1) {
    // NumPy's shortcut for partition(d, (..., -1)), which medians use to find a NaN: the last maximum.
    let maxidx = low;
    let maxval = v[o + low];
    for (let k = low + 1; k < num; k++) {
      if (!lt(v[o + k], maxval)) {
        maxidx = k;
        maxval = v[o + k];
      }
    }
    swap(v, o + kth, o + maxidx);
    return;
  }
  let depthLimit = msb(num) * 2;
  while (low + 1 < high) {
    let ll = low + 1;
    let hh = high;
    if (depthLimit > 0 || hh - ll < 5) {
      median3Swap(v, o, low, low + Math.floor((high - low) / 2), high);
    } else {
      const mid = ll + medianOfMedian5(v, o + ll, hh - ll, inexact);
      swap(v, o + mid, o + low);
      ll--;
      hh++;
    }
    depthLimit--;
    // Unguarded partition around the pivot at low: the swaps above put sentinels at both ends.
    const pivot = v[o + low];
    for (;;) {
      do ll++;
      while (lt(v[o + ll], pivot));
      do hh--;
      while (lt(pivot, v[o + hh]));
      if (hh < ll) break;
      swap(v, o + ll, o + hh);
    }
    swap(v, o + low, o + hh);
    if (hh !== kth) storePivot(hh, kth, p);
    if (hh >= kth) high = hh - 1;
    if (hh <= kth) low = ll;
  }
  if (high === low + 1 && lt(v[o + high], v[o + low])) swap(v, o + high, o + low);
  storePivot(kth, kth, p);
}

/**
 * NumPy's kth preparation (partition_prep_kth_array): negative values count from the end,
 * each must lie in [0, n) unless the array is empty, and they are sorted so that the
 * partitions do not trample on each other. Duplicates stay, as in NumPy.
 */
export function prepareKth(kth: readonly number[], n: number, empty: boolean): number[] {
  const out = kth.map((k) => (k < 0 ? k + n : k));
  for (const k of out) if (!empty && (k < 0 || k >= n)) throw new ValueError(`kth(=${k}) out of bounds (${n})`);
  return out.sort((a, b) => a - b);
}

/**
 * Partitions `lines` contiguous lines of n elements starting at `data[0]`, each as NumPy's
 * `a.partition(kth)` does its lines (`kth` from {@link prepareKth}); `inexact` for float data.
 */
export function partitionLines(data: Storage, lines: number, n: number, kth: readonly number[], inexact: boolean): void {
  if (n <= 1) return;
  const pivots: Pivots = { at: new Array<number>(MAX_PIVOT_STACK).fill(0), n: 0 };
  for (let j = 0; j < lines; j++) {
    pivots.n = 0;
    for (const k of kth) introselect(data, j * n, n, k, pivots, inexact);
  }
}
