/*
 * NumPy's pairwise summation tree (pairwise_sum in NumPy's loops_utils.h.src), described once:
 * every float sum in np_reduce.c and np_machine.c follows it, so that each has NumPy's bits.
 *
 *   - fewer than 8 elements: added in order from the first;
 *   - up to PW_BLOCKSIZE elements (a leaf): eight running sums r0..r7 over the multiples of 8,
 *     combined ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)), then the tail in order;
 *   - more: the two halves split at pw_split(n), summed the same way, left + right.
 *
 * A line longer than PW_BUFSIZE is reduced in pieces of that many elements, acc += tree(piece),
 * as NumPy's reduction loop hands its inner loop one buffer at a time.
 */
#ifndef LAZYLAB_NP_PAIRWISE_H
#define LAZYLAB_NP_PAIRWISE_H

#include <stdint.h>

#define PW_BLOCKSIZE 128
#define PW_BUFSIZE 8192

/* Where the tree splits n > PW_BLOCKSIZE elements: n/2 rounded down to a multiple of 8. */
static inline int64_t pw_split(int64_t n) {
  int64_t n2 = n / 2;
  return n2 - n2 % 8;
}

#endif
