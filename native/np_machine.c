/*
 * lib/da's expression machine: a fused elementwise expression, compiled to a small bytecode
 * (lib/da/machine.ts), run over blocks of MACHINE_BLOCK elements of each line and folded into a
 * reduction (machineFold), into var/std's two sums (machineMoments) or written out as an array
 * (machineMap). numexpr's design (pydata/numexpr interpreter.cpp): every instruction is one tight
 * loop over a whole block, which the compiler vectorises, and a block's temporaries stay in
 * the L1 cache, so a chain of any length reads its leaves once and runs at vector speed.
 * Runs of cheap instructions each reading the one before (chain_at: x op y, abs/neg, a square
 * root or rounding, constants added and multiplied) run as one loop with the value kept in a
 * vector register, and the program's last such run goes straight into the fold (no store):
 * separate passes cost their loads and stores each, and a pass of square roots could not
 * overlap with its neighbours (Zen 4, one thread, sqrt(abs(x))*2+1 summed: 2.67 cycles per
 * element as four passes and a sum, 1.63 as one loop, the square root's own throughput).
 *
 * The folds add, compare and combine in exactly the order of the generated JavaScript kernel
 * (lib/da/fuse.ts, foldBandKernel), so every partial has the same bits as there, and a sum
 * NumPy's order over the chunk Dask makes of the expression (np_pairwise.h): a line folding
 * into one element is one run of NumPy's reduction, acc += the pairwise sum of each piece of
 * MACHINE_BUFSIZE from the line's start (fold_line, fold_piece: the piece through the program
 * in blocks of whole leaves of its tree, each leaf summed as NumPy's, by the last chain straight
 * from its source where there is one, TO_LEAVES); runs spanning several lines go through
 * machineMoments' first pass (moments_pass); lines folding into elements of their own (os != 0)
 * add element by element, as NumPy along a kept last axis. min and max follow the JavaScript
 * rule (`e < acc || e !== e`: a NaN replaces the accumulator, of equal values the first is
 * kept), checked per block with vector min/max and redone element by element where that
 * could differ (a NaN, or a zero that might be -0.0). Arithmetic, sqrt, abs,
 * floor, ceil, trunc, comparisons and float32 rounding are exact IEEE operations, the same bits
 * as V8's; exp, log, sin and cos are the C library's (NumPy's bits, as the eager native loops).
 * Whatever the machine does not run (no addon, operations without an instruction, small
 * slabs) stays with the generated JavaScript kernels, which are the reference for these bits.
 */
#include "np_common.h"
#include "np_pairwise.h"
#include <pthread.h>

/* Elements per block: a few temporaries of 8 KB each stay in a 32 KB L1 data cache. */
#define MACHINE_BLOCK 1024
/* NumPy reduces long runs in buffer-sized pieces: acc += pairwise(piece) (np_pairwise.h). */
#define MACHINE_BUFSIZE PW_BUFSIZE
/* The leaves of one piece's tree: 64 elements or more each but the last (pw_leaves). */
#define PIECE_LEAVES (MACHINE_BUFSIZE / 64 + 1)
#define MACHINE_MAX_REGS 64
#define MACHINE_MAX_LEAVES 32
/* Registers lie this many doubles apart: not a multiple of 4 KB, so a loop storing into one
 * register while loading another does not stall on 4K aliasing (an op reading a register 8 KB
 * below the one it writes ran ~3x slower measured). */
#define MACHINE_REG_STRIDE (MACHINE_BLOCK + 24)

/* Instruction codes (lib/da/machine.ts has the same table). Each instruction is four int32:
 * code, destination register, operand a, operand b. */
enum {
  M_ADD, M_SUB, M_MUL, M_DIV, M_NEG, M_ABS, M_SQRT, M_FLOOR, M_CEIL, M_EXP, M_LOG, M_SIN, M_COS,
  M_EQ, M_NE, M_LT, M_LE, M_GT, M_GE, M_ISNAN, M_NOT, M_BOOL, M_TRUNC, M_FROUND,
  M_I8, M_U8, M_I16, M_U16, M_I32, M_U32, M_IMUL, M_LAST = M_IMUL
};

/* JavaScript's ToUint32 (ECMA-262 7.1.7), which `x | 0`, `x >>> 0`, `x & 255` and the shifts
 * of lib/np/ufunc.ts's integer wraps apply first: NaN and infinities give 0, others are
 * truncated and taken modulo 2^32 (fmod is exact). */
static inline uint32_t js_uint32(double x) {
  if (x >= 0.0 && x < 4294967296.0) return (uint32_t)x;
  /* Truncated to int64, then taken modulo 2^32 by the unsigned conversion: exact below 2^63. */
  if (x > -9.2e18 && x < 9.2e18) return (uint32_t)(uint64_t)(int64_t)x;
  if (!isfinite(x)) return 0;
  double m = fmod(trunc(x), 4294967296.0);
  if (m < 0.0) m += 4294967296.0;
  return (uint32_t)m;
}
/* Reductions (lib/da/machine.ts: FOLD_CODES). */
enum { F_SUM, F_MIN, F_MAX };

/* Four float64 lanes (GCC/Clang vector extension): one AVX2 register, or two SSE2 ones. */
typedef double v4d __attribute__((vector_size(32)));

#define U(EXPR) for (int64_t i = 0; i < n; i++) { double x = a[i]; o[i] = EXPR; }
/* A constant operand (a register below nconst) is read as a scalar: no block of it streams
 * through the loop. */
#define B(EXPR) \
  if (cb) { double y = b[0]; for (int64_t i = 0; i < n; i++) { double x = a[i]; o[i] = EXPR; } } \
  else if (ca) { double x = a[0]; for (int64_t i = 0; i < n; i++) { double y = b[i]; o[i] = EXPR; } } \
  else for (int64_t i = 0; i < n; i++) { double x = a[i], y = b[i]; o[i] = EXPR; }

/*
 * One block through the program: r[d] = op(r[a], r[b]) over n elements per instruction. The
 * destination of an instruction is never one of its operands (machine.ts allocates it so), so
 * the loops are restrict and vectorise without overlap checks.
 */
/* Two arithmetic operations with constants, t = x OP1 k1 then t OP2 k2, in one loop: the same
 * two roundings (no contraction: -ffp-contract=off), one pass over the block instead of two. */
#define P2(E1, E2) { for (int64_t i = 0; i < n; i++) { double x = a[i], t = E1; o[i] = E2; } }
#define P1(E1) \
  switch (next[0]) { \
    case M_ADD: P2(E1, t + k2) break; \
    case M_SUB: P2(E1, t - k2) break; \
    case M_MUL: P2(E1, t * k2) break; \
    default: P2(E1, t / k2) break; \
  }
#define IS_ARITH(op) ((op) >= M_ADD && (op) <= M_DIV)

/*
 * Chains: a run of instructions each reading only the one before (and constants), of the
 * cheap kinds below, run as one loop over the block with the value in a vector register from
 * the first load to the last store, or folded straight into the reduction (no store at all).
 * Passes over an L1 block cost their loads and stores whatever the operation (~0.25-0.5
 * cycles/element each on Zen 4), and a pass of vsqrtpd (~2 cycles/element) could not overlap
 * with its neighbours (the reorder buffer holds ~60 of its iterations): one loop hides all the
 * rest behind the square root. Every operation stays the same IEEE operation in the same
 * order, so the same bits:
 *   t = (t & and1) ^ xor1     abs, neg and their compositions, before the core
 *   t = core(t)               sqrt, floor, ceil or trunc (or none)
 *   t = (t & and2) ^ xor2     the same after the core
 *   t = ((t + a0) * m1) + a2  the arithmetic with constants: adding -0.0 and multiplying by
 *                             1.0 give t itself (any t, -0.0 and NaN included), so absent
 *                             steps are those; t - k is t + (-k) exactly (k not NaN).
 * machine.ts reads every temporary in one instruction only, so the values between the steps
 * are never needed elsewhere.
 */
enum { CORE_NONE, CORE_SQRT, CORE_FLOOR, CORE_CEIL, CORE_TRUNC,
  /* A head alone, every other step the identity: skipped (each costs a vector operation). */
  CORE_PLAIN,
  /* A comparison with a constant as the only step after the head (if any): 1 or 0, as
   * `t < k ? 1 : 0` and the others (NaN compares unequal and unordered, as in JavaScript). */
  CORE_LT, CORE_LE, CORE_GT, CORE_GE, CORE_EQ, CORE_NE };
#define IS_CMP(core) ((core) >= CORE_LT)
/* A chain may start with an operation on two registers (its first instruction): t = x op y. */
enum { HEAD_NONE, HEAD_ADD, HEAD_SUB, HEAD_MUL, HEAD_DIV };
/* What a chain does with its values: store them, sum the leaves of NumPy's pairwise tree
 * (np_pairwise.h), add them into an output line (o[i] += t), or fold them into a vector max/min. */
enum { TO_STORE, TO_LEAVES, TO_ADD, TO_MAX, TO_MIN,
  /* TO_STORE with non-temporal stores (o 32-byte aligned): a large output written once
   * (machineMap), as the eager loops write theirs (np_common.h, STREAM_MIN). */
  TO_STREAM,
  /* o[i] = (((o[i] + t0) + t1) + ...) + t7: the chain's values at element i of FOLD_ROWS lines
   * (a's lines s->ra elements apart, b's s->rb), added to o in line order (fold_rows). */
  TO_ROWS };
/* Lines a TO_ROWS chain adds at once. */
#define FOLD_ROWS 8
#define SIGN_BIT 0x8000000000000000ull

typedef struct {
  int kind; /* STEP_INS, STEP_PAIR (x op k1 then op k2, one loop: P2) or STEP_CHAIN */
  const int32_t *ins;
  /* STEP_CHAIN: */
  int head, core;
  int32_t src, src2, dst;
  uint64_t and1, xor1, and2, xor2;
  double a0, m1, a2;
  double ck; /* the constant of CORE_LT..CORE_NE */
  int64_t ra, rb; /* TO_ROWS: elements from a line of a (of b) to the next */
} Step;
enum { STEP_INS, STEP_PAIR, STEP_CHAIN };

typedef uint64_t v4u __attribute__((vector_size(32)));
typedef long long v4l __attribute__((vector_size(32)));

/* One element of a chain: the tails of chain_* (at most a few elements a block), out of line
 * so that the ~100 loop bodies do not each carry a copy of its switches. */
__attribute__((noinline)) static double chain_scalar(const Step *s, double x, const double *y) {
  switch (s->head) {
    case HEAD_ADD: x = x + *y; break;
    case HEAD_SUB: x = x - *y; break;
    case HEAD_MUL: x = x * *y; break;
    case HEAD_DIV: x = x / *y; break;
  }
  uint64_t u;
  memcpy(&u, &x, 8);
  u = (u & s->and1) ^ s->xor1;
  memcpy(&x, &u, 8);
  switch (s->core) {
    case CORE_SQRT: x = sqrt(x); break;
    case CORE_FLOOR: x = floor(x); break;
    case CORE_CEIL: x = ceil(x); break;
    case CORE_TRUNC: x = trunc(x); break;
  }
  memcpy(&u, &x, 8);
  u = (u & s->and2) ^ s->xor2;
  memcpy(&x, &u, 8);
  x = ((x + s->a0) * s->m1) + s->a2;
  switch (s->core) {
    case CORE_LT: return x < s->ck ? 1.0 : 0.0;
    case CORE_LE: return x <= s->ck ? 1.0 : 0.0;
    case CORE_GT: return x > s->ck ? 1.0 : 0.0;
    case CORE_GE: return x >= s->ck ? 1.0 : 0.0;
    case CORE_EQ: return x == s->ck ? 1.0 : 0.0;
    case CORE_NE: return x != s->ck ? 1.0 : 0.0;
  }
  return x;
}

/* A chain starting at instruction c (of count): its steps into *s; returns how many
 * instructions it takes (0: none starts here). consts: the constant registers' values. */
static int64_t chain_at(const int32_t *code, int64_t count, int64_t nconst, const double *consts, int64_t c, Step *s) {
  int have_core = 0, ap = 0; /* ap: how far into ((t + a0) * m1) + a2 the steps are */
  int32_t cur = -1;
  int64_t len = 0;
  s->kind = STEP_CHAIN;
  s->head = HEAD_NONE;
  s->src2 = -1;
  s->core = CORE_NONE;
  s->and1 = s->and2 = ~0ull;
  s->xor1 = s->xor2 = 0;
  s->a0 = s->a2 = -0.0;
  s->m1 = 1.0;
  for (; c + len < count; len++) {
    const int32_t *ins = code + 4 * (c + len);
    int op = ins[0];
    int32_t a = ins[2], b = ins[3], x; /* x: the chain's value operand */
    double k = 0.;
    int unary = op == M_ABS || op == M_NEG || op == M_SQRT || op == M_FLOOR || op == M_CEIL || op == M_TRUNC;
    int compare = op >= M_EQ && op <= M_GE;
    if (IS_CMP(s->core)) break; /* a comparison ends the chain */
    if (unary) x = a;
    else if (len == 0 && a >= nconst && b >= nconst && op >= M_ADD && op <= M_DIV) {
      /* x op y of two registers: the head (only first). */
      s->head = op == M_ADD ? HEAD_ADD : op == M_SUB ? HEAD_SUB : op == M_MUL ? HEAD_MUL : HEAD_DIV;
      s->src = a;
      s->src2 = b;
      cur = ins[1];
      continue;
    } else if (op == M_ADD || op == M_MUL || op == M_SUB) {
      if (b < nconst && a >= nconst) x = a, k = consts[b];
      else if (a < nconst && b >= nconst && op != M_SUB) x = b, k = consts[a];
      else break;
      if (k != k) break; /* a NaN constant: which NaN comes out could depend on the order (and -k flips its sign bit) */
      if (op == M_SUB) k = -k;
    } else if (compare && !have_core && ap == 0 && s->and1 == ~0ull && s->xor1 == 0) {
      /* t cmp k, or k cmp t as the mirrored comparison (the same result for every t, NaN included). */
      int mirror = 0;
      if (b < nconst && a >= nconst) x = a, k = consts[b];
      else if (a < nconst && b >= nconst) x = b, k = consts[a], mirror = 1;
      else break;
      if (k != k) break;
      if (mirror) op = op == M_LT ? M_GT : op == M_LE ? M_GE : op == M_GT ? M_LT : op == M_GE ? M_LE : op;
      s->ck = k;
    } else break;
    if (len > 0 && x != cur) break;
    if (op == M_ABS || op == M_NEG) {
      if (ap > 0) break;
      uint64_t *an = have_core ? &s->and2 : &s->and1, *xo = have_core ? &s->xor2 : &s->xor1;
      if (op == M_ABS) { *an &= ~SIGN_BIT; *xo &= ~SIGN_BIT; }
      else *xo ^= SIGN_BIT;
    } else if (unary) {
      if (have_core || ap > 0) break;
      have_core = 1;
      s->core = op == M_SQRT ? CORE_SQRT : op == M_FLOOR ? CORE_FLOOR : op == M_CEIL ? CORE_CEIL : CORE_TRUNC;
    } else if (compare) {
      s->core = op == M_LT ? CORE_LT : op == M_LE ? CORE_LE : op == M_GT ? CORE_GT : op == M_GE ? CORE_GE : op == M_EQ ? CORE_EQ : CORE_NE;
    } else if (op == M_MUL) {
      if (ap > 1) break;
      s->m1 = k;
      ap = 2;
    } else {
      if (ap == 0) { s->a0 = k; ap = 1; }
      else if (ap <= 2) { s->a2 = k; ap = 3; }
      else break;
    }
    if (len == 0) s->src = x;
    cur = ins[1];
  }
  s->dst = cur;
  if (s->head != HEAD_NONE && s->core == CORE_NONE && s->and1 == ~0ull && s->xor1 == 0 && ap == 0) s->core = CORE_PLAIN;
  return len;
}

/* A chain's core over four lanes, per instruction set (CORE is a constant where it is used). */
#define VCORE_base(CORE, x) \
  ((CORE) == CORE_SQRT ? (v4d){ sqrt(x[0]), sqrt(x[1]), sqrt(x[2]), sqrt(x[3]) } \
   : (CORE) == CORE_FLOOR ? (v4d){ floor(x[0]), floor(x[1]), floor(x[2]), floor(x[3]) } \
   : (CORE) == CORE_CEIL ? (v4d){ ceil(x[0]), ceil(x[1]), ceil(x[2]), ceil(x[3]) } \
   : (CORE) == CORE_TRUNC ? (v4d){ trunc(x[0]), trunc(x[1]), trunc(x[2]), trunc(x[3]) } : x)
#define VMAX_base(x, m) ((v4d){ x[0] > m[0] ? x[0] : m[0], x[1] > m[1] ? x[1] : m[1], x[2] > m[2] ? x[2] : m[2], x[3] > m[3] ? x[3] : m[3] })
#define VMIN_base(x, m) ((v4d){ x[0] < m[0] ? x[0] : m[0], x[1] < m[1] ? x[1] : m[1], x[2] < m[2] ? x[2] : m[2], x[3] < m[3] ? x[3] : m[3] })
#ifdef LAZYLAB_X86
#define VSTREAM_base(p, x) do { _mm_stream_pd((p), (__m128d){ x[0], x[1] }); _mm_stream_pd((p) + 2, (__m128d){ x[2], x[3] }); } while (0)
#else
#define VSTREAM_base(p, x) memcpy((p), &(x), sizeof(x))
#endif
#ifdef LAZYLAB_X86
#define VCORE_avx2(CORE, x) \
  ((CORE) == CORE_SQRT ? (v4d)_mm256_sqrt_pd((__m256d)(x)) \
   : (CORE) == CORE_FLOOR ? (v4d)_mm256_round_pd((__m256d)(x), _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC) \
   : (CORE) == CORE_CEIL ? (v4d)_mm256_round_pd((__m256d)(x), _MM_FROUND_TO_POS_INF | _MM_FROUND_NO_EXC) \
   : (CORE) == CORE_TRUNC ? (v4d)_mm256_round_pd((__m256d)(x), _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC) : (x))
/* max_pd(x, m) is exactly `x > m ? x : m` (and min_pd `x < m ? x : m`). */
#define VMAX_avx2(x, m) ((v4d)_mm256_max_pd((__m256d)(x), (__m256d)(m)))
#define VMIN_avx2(x, m) ((v4d)_mm256_min_pd((__m256d)(x), (__m256d)(m)))
#define VSTREAM_avx2(p, x) _mm256_stream_pd((p), (__m256d)(x))

/*
 * Square roots on the FMA units (np_fast_sqrt: AVX-512VL and FMA). vsqrtpd runs on one unit
 * that is not fully pipelined: ~2.3 cycles per double on Zen 4 (0.61 ns/element at 2.6 GHz, a
 * C loop of sqrt(abs(x))*2+1 summed), so a chain with a square root runs at that unit's pace
 * while the FMA units mostly wait. sqrt_fma computes the same correctly rounded value with
 * multiplies and FMAs, and the chain loops give it one vector in three (one in four in std's
 * fused loop, which has more arithmetic of its own), the rest to vsqrtpd: the two kinds run
 * side by side. The same C loop: 0.43 ns/element one in three, 0.53 one in two, sqrt_fma alone
 * slower than vsqrtpd. On Intel the chains' share is one in five (np_tuning, np_addon.c:
 * measured on a Xeon, where larger shares slowed the reads from memory), std's one in four.
 *
 * For x in [2^-900, 2^900]: r ~ 1/sqrt(x) from vrsqrt14pd (relative error < 2^-14), two Newton
 * steps r += r (1/2 - (x/2) r^2) (~2^-50), y = x r, and one correction y += (x - y^2)(r/2)
 * (Markstein's). That y is nearly always the correctly rounded root (1.6 million test values,
 * ties' neighbours among them, found no other), and a test proves it for each lane: with u the
 * spacing of the doubles just below y (ulp(y), or half that when y is a power of two), if
 * |x - y^2| <= k y u with k < 1 - 2^-54, then sqrt(x) is within u/2 of y above it and u/2 (u/4
 * at a power of two) below it, so y is sqrt(x) rounded to nearest. (x - y^2 = d (sqrt(x) + y),
 * d = sqrt(x) - y; for d >= 0, d <= k u / 2; for d < 0, |d| (2y - |d|) grows with |d| and at
 * |d| = u/2 is y u (1 - u/4y) > k y u.) The residual is one FMA (relative error 2^-53) and the
 * bound y 2^e (1 - 2^-40) 2^-52 (2^e the exponent of y's predecessor) two multiplies, so the
 * effective k is below 1 - 2^-41. A vector with a lane that fails the test, or with a lane
 * outside the range (zeros, negatives, subnormals, infinities, NaN, the extremes, where the
 * steps could overflow or underflow), is computed by vsqrtpd instead. Either way the result is
 * IEEE sqrt's: the bits of vsqrtpd, of V8's Math.sqrt and of NumPy.
 */
#define FAST_SQRT_ATTR __attribute__((target("avx2,fma,avx512f,avx512vl")))
FAST_SQRT_ATTR static inline __m256d sqrt_fma(__m256d x) {
  const __m256i lo = _mm256_set1_epi64x(0x07b0000000000000ll); /* 2^-900 */
  const __m256i span = _mm256_set1_epi64x(0x7830000000000000ll - 0x07b0000000000000ll); /* up to 2^900 */
  /* Unsigned bits - lo <= span: positive, normal and in range (a sign bit or NaN lies above). */
  if (_mm256_cmp_epu64_mask(_mm256_sub_epi64(_mm256_castpd_si256(x), lo), span, _MM_CMPINT_LE) != 0xf) return _mm256_sqrt_pd(x);
  const __m256d half = _mm256_set1_pd(0.5), h = _mm256_mul_pd(half, x);
  __m256d r = _mm256_rsqrt14_pd(x);
  r = _mm256_fmadd_pd(r, _mm256_fnmadd_pd(_mm256_mul_pd(h, r), r, half), r);
  r = _mm256_fmadd_pd(r, _mm256_fnmadd_pd(_mm256_mul_pd(h, r), r, half), r);
  __m256d y = _mm256_mul_pd(x, r);
  y = _mm256_fmadd_pd(_mm256_fnmadd_pd(y, y, x), _mm256_mul_pd(half, r), y);
  const __m256i expo = _mm256_set1_epi64x(0x7ff0000000000000ll);
  const __m256d mag = _mm256_castsi256_pd(_mm256_set1_epi64x(0x7fffffffffffffffll));
  __m256d below = _mm256_castsi256_pd(_mm256_and_si256(_mm256_sub_epi64(_mm256_castpd_si256(y), _mm256_set1_epi64x(1)), expo));
  __m256d bound = _mm256_mul_pd(_mm256_mul_pd(y, below), _mm256_set1_pd((1.0 - 0x1p-40) * 0x1p-52));
  __m256d res = _mm256_and_pd(_mm256_fnmadd_pd(y, y, x), mag);
  if (_mm256_movemask_pd(_mm256_cmp_pd(res, bound, _CMP_LE_OQ)) != 0xf) return _mm256_sqrt_pd(x);
  return y;
}
/* o[i] = sqrt(a[i]) for i < n, each vector of four by sqrt_fma (js_sqrt_fma, for tests). */
FAST_SQRT_ATTR static void sqrt_fma_lines(const double *a, double *o, int64_t n) {
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) _mm256_storeu_pd(o + i, sqrt_fma(_mm256_loadu_pd(a + i)));
  for (; i < n; i++) o[i] = sqrt(a[i]);
}
#define VCORE_avx512 VCORE_avx2
#define VMAX_avx512 VMAX_avx2
#define VMIN_avx512 VMIN_avx2
#define VSTREAM_avx512 VSTREAM_avx2
/* The core of the vectors a loop gives to the FMA units (CHAIN_VEC2): a square root by sqrt_fma. */
#define VCORE2_avx512(CORE, x) ((CORE) == CORE_SQRT ? (v4d)sqrt_fma((__m256d)(x)) : VCORE_avx2(CORE, x))
#define VCORE2_avx2 VCORE_avx2
#endif
#define VCORE2_base VCORE_base
/* Whether the square-root loops give some vectors to sqrt_fma (CHAIN_BODY one in np_tuning.sqrt_group, FUSED_BODY one in 2 * np_tuning.fused_fma_period). */
#define PAIRED_base 0
#define PAIRED_avx2 0
#define PAIRED_avx512 1

/*
 * The chain over a[0..n): TO_STORE writes o[i]; TO_LEAVES sums the leaves of a pairwise tree
 * lying one after the other from a[0] (their lengths lens[0..], n elements in all) into o[0..],
 * each as np_pairwise_sum sums a leaf (fold_leaves); TO_ADD adds into o[i]; TO_MAX/TO_MIN (n >= 4) return the block's max/min as
 * np_block_minmax does, *special set when a value was NaN or infinite. o may be a (the same
 * element is read before it is written), so no restrict.
 */
/* x = the chain's value at elements i..i+3 (inside CHAIN_BODY: s's constants as vectors). */
#define CHAIN_VEC(SUFFIX, HEAD, CORE, x, i) CHAIN_VEC_BY(VCORE_##SUFFIX, HEAD, CORE, x, i)
/* The same with VCORE2 (the square root on the FMA units where PAIRED). */
#define CHAIN_VEC2(SUFFIX, HEAD, CORE, x, i) CHAIN_VEC_BY(VCORE2_##SUFFIX, HEAD, CORE, x, i)
#define CHAIN_VEC_BY(VCORE, HEAD, CORE, x, i) CHAIN_VEC_AB(VCORE, HEAD, CORE, x, i, i)
/* The same from a + ia and b + ib. */
#define CHAIN_VEC_AB(VCORE, HEAD, CORE, x, ia, ib) { \
    memcpy(&x, a + (ia), sizeof x); \
    if (HEAD != HEAD_NONE) { \
      v4d y_; \
      memcpy(&y_, b + (ib), sizeof y_); \
      x = HEAD == HEAD_ADD ? x + y_ : HEAD == HEAD_SUB ? x - y_ : HEAD == HEAD_MUL ? x * y_ : x / y_; \
    } \
    if (IS_CMP(CORE)) { \
      /* Only a comparison follows the head (chain_at): a vector compare, 1.0 where true. */ \
      v4d ck_ = { s->ck, s->ck, s->ck, s->ck }, one_ = { 1., 1., 1., 1. }; \
      v4l m_ = CORE == CORE_LT ? x < ck_ : CORE == CORE_LE ? x <= ck_ : CORE == CORE_GT ? x > ck_ : CORE == CORE_GE ? x >= ck_ : CORE == CORE_EQ ? x == ck_ : x != ck_; \
      x = (v4d)((v4u)m_ & (v4u)one_); \
    } else if (CORE != CORE_PLAIN) { \
      x = (v4d)(((v4u)x & A1) ^ X1); \
      x = VCORE(CORE, x); \
      /* Without a core every sign step is the first one (chain_at). */ \
      if (CORE != CORE_NONE) x = (v4d)(((v4u)x & A2) ^ X2); \
      x = ((x + a0) * m1) + a2; \
    } \
  }
/* What a chain does with x, its values at elements i..i+3 (MODE but TO_MAX/TO_MIN). */
#define CHAIN_PUT(SUFFIX, MODE, x, i) { \
    if (MODE == TO_STORE) memcpy(o + (i), &x, sizeof x); \
    else if (MODE == TO_STREAM) VSTREAM_##SUFFIX(o + (i), x); \
    else { v4d p_; memcpy(&p_, o + (i), sizeof p_); p_ += x; memcpy(o + (i), &p_, sizeof p_); } \
  }
/*
 * Whether what follows the n elements a chain or fused loop is given is read next, in this
 * thread: its caller sets it (reads_on) for each call where it knows, and it is 0 otherwise.
 * A loop that asks for its source ahead goes on asking past its end only then. Within a line
 * the machine's blocks of MACHINE_BLOCK follow each other; a line is followed by the next where
 * a band's parts sit side by side across a row, or a block spans whole rows. Stopping at every
 * end left each block's last `ahead` elements to the hardware. The Xeon (intel tuning), one
 * thread, 4000x4000 in 1000x1000 chunks, ns/element, medians of 30 computes, three rounds
 * taking turns, before -> after: (abs(x)-0.5).max() 0.75-0.80 -> 0.60; (x*3-1).mean(0)
 * 0.65-0.71 -> 0.58-0.63; (x > 0).sum() 0.57-0.61 -> 0.49-0.56; sqrt(abs(x)).std(-1)
 * 1.01-1.07 -> 0.91-0.97; the sqrt chain's sum 0.87-1.00 -> 0.83-0.87; min(-1), var(0) and
 * the (x**2).sum path the same. Where the next line is elsewhere, the prefetches past the end
 * would be up to 2 KB of lines nobody reads, per line: those stop.
 */
static _Thread_local int reads_on_;
static inline void reads_on(int on) { reads_on_ = on; }
/* Where the tuning says so (np_tuning.chain_ahead, in elements), a fold asks for its sources'
 * line `ahead` elements on, within the run (and past it where reads_on): on the Xeon the
 * hardware alone left the reads of a chain whose arithmetic fills the core (a square root)
 * waiting on memory. Not for stores: a chain written out was slower with it there. */
#define CHAIN_AHEAD(HEAD, i) \
  if (ahead_ && (i) + ahead_ < until_) { \
    __builtin_prefetch(AHEAD_ADDR(a, (i) + ahead_), 0, 3); \
    if (HEAD != HEAD_NONE && b != a) __builtin_prefetch(AHEAD_ADDR(b, (i) + ahead_), 0, 3); \
  }
#define CHAIN_BODY(SUFFIX, HEAD, CORE, MODE) { \
    const int64_t ahead_ = MODE == TO_STORE || MODE == TO_STREAM ? 0 : np_tuning.chain_ahead; \
    const int64_t until_ = reads_on_ ? INT64_MAX : n; \
    v4u A1 = { s->and1, s->and1, s->and1, s->and1 }, X1 = { s->xor1, s->xor1, s->xor1, s->xor1 }; \
    v4u A2 = { s->and2, s->and2, s->and2, s->and2 }, X2 = { s->xor2, s->xor2, s->xor2, s->xor2 }; \
    v4d a0 = { s->a0, s->a0, s->a0, s->a0 }, m1 = { s->m1, s->m1, s->m1, s->m1 }, a2 = { s->a2, s->a2, s->a2, s->a2 }; \
    v4d acc, z = { 0., 0., 0., 0. }; \
    int64_t i = 0; \
    if (MODE == TO_ROWS) { \
      /* The lines side by side, element i of each before element i + 4 of any: FOLD_ROWS \
       * streams read together. (Each line's values stored a piece at a time, 64 to 1024 \
       * elements, then added: the reads switching streams every piece ran at 0.7-1.0 \
       * ns/element, slower than fold_line's 0.64.) */ \
      const int64_t ra_ = s->ra, rb_ = s->rb; \
      for (; i + 4 <= n; i += 4) { \
        v4d x0, x1, x2, x3, x4, x5, x6, x7, p_; \
        CHAIN_VEC_AB(VCORE_##SUFFIX, HEAD, CORE, x0, i, i); \
        CHAIN_VEC_AB(VCORE_##SUFFIX, HEAD, CORE, x1, i + ra_, i + rb_); \
        CHAIN_VEC_AB(VCORE_##SUFFIX, HEAD, CORE, x2, i + 2 * ra_, i + 2 * rb_); \
        CHAIN_VEC_AB(VCORE_##SUFFIX, HEAD, CORE, x3, i + 3 * ra_, i + 3 * rb_); \
        CHAIN_VEC_AB(VCORE_##SUFFIX, HEAD, CORE, x4, i + 4 * ra_, i + 4 * rb_); \
        CHAIN_VEC_AB(VCORE_##SUFFIX, HEAD, CORE, x5, i + 5 * ra_, i + 5 * rb_); \
        CHAIN_VEC_AB(VCORE_##SUFFIX, HEAD, CORE, x6, i + 6 * ra_, i + 6 * rb_); \
        CHAIN_VEC_AB(VCORE_##SUFFIX, HEAD, CORE, x7, i + 7 * ra_, i + 7 * rb_); \
        memcpy(&p_, o + i, sizeof p_); \
        p_ = (((((((p_ + x0) + x1) + x2) + x3) + x4) + x5) + x6) + x7; \
        memcpy(o + i, &p_, sizeof p_); \
      } \
      for (; i < n; i++) { \
        double r_ = o[i]; \
        for (int k_ = 0; k_ < FOLD_ROWS; k_++) r_ += chain_scalar(s, a[i + k_ * ra_], HEAD != HEAD_NONE ? b + i + k_ * rb_ : a + i + k_ * ra_); \
        o[i] = r_; \
      } \
      return 0.; \
    } \
    if (MODE == TO_LEAVES) { \
      /* Each leaf as np_pairwise_sum's: eight running sums (two vectors, elements i % 8 < 4 \
       * and >= 4) combined ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)), then the tail (len % 8) in \
       * order; a leaf under 8 elements in order from 0. The sums start at -0.0, which adds \
       * nothing to any value (not even -0.0): each is its first value after one addition, as \
       * NumPy's start from the first values. Two chains of additions per 8 elements. */ \
      const v4d nz_ = { -0., -0., -0., -0. }; \
      const int group_ = np_tuning.sqrt_group; \
      (void)group_; \
      int64_t at_ = 0; \
      for (int li_ = 0; at_ < n; at_ += lens[li_], li_++) { \
        const int64_t end_ = at_ + lens[li_]; \
        double sv_ = 0.; \
        i = at_; \
        if (lens[li_] >= 8) { \
          v4d lo_ = nz_, hi_ = nz_, x, y; \
          /* One vector in np_tuning.sqrt_group to the FMA units, as the loops below give them: \
           * ten vectors a turn (the fifth and tenth there) for one in five, six (the third and \
           * sixth) for one in three, the pattern unrolled (a counter and its branches per \
           * vector cost ~5% of (sqrt(abs(x))*2+1).sum(-1)). */ \
          if (PAIRED_##SUFFIX && CORE == CORE_SQRT && group_ == 5) \
            for (; i + 40 <= end_; i += 40) { \
              v4d x2, y2, x3, y3, x4, y4; \
              CHAIN_AHEAD(HEAD, i) \
              CHAIN_AHEAD(HEAD, i + 8) \
              CHAIN_AHEAD(HEAD, i + 16) \
              CHAIN_AHEAD(HEAD, i + 24) \
              CHAIN_AHEAD(HEAD, i + 32) \
              CHAIN_VEC(SUFFIX, HEAD, CORE, x, i); \
              CHAIN_VEC(SUFFIX, HEAD, CORE, y, i + 4); \
              CHAIN_VEC(SUFFIX, HEAD, CORE, x2, i + 8); \
              CHAIN_VEC(SUFFIX, HEAD, CORE, y2, i + 12); \
              CHAIN_VEC2(SUFFIX, HEAD, CORE, x3, i + 16); \
              CHAIN_VEC(SUFFIX, HEAD, CORE, y3, i + 20); \
              CHAIN_VEC(SUFFIX, HEAD, CORE, x4, i + 24); \
              CHAIN_VEC(SUFFIX, HEAD, CORE, y4, i + 28); \
              lo_ += x; hi_ += y; lo_ += x2; hi_ += y2; lo_ += x3; hi_ += y3; lo_ += x4; hi_ += y4; \
              CHAIN_VEC(SUFFIX, HEAD, CORE, x, i + 32); \
              CHAIN_VEC2(SUFFIX, HEAD, CORE, y, i + 36); \
              lo_ += x; hi_ += y; \
            } \
          else if (PAIRED_##SUFFIX && CORE == CORE_SQRT && group_ == 3) \
            for (; i + 24 <= end_; i += 24) { \
              v4d x2, y2; \
              CHAIN_AHEAD(HEAD, i) \
              CHAIN_AHEAD(HEAD, i + 8) \
              CHAIN_AHEAD(HEAD, i + 16) \
              CHAIN_VEC(SUFFIX, HEAD, CORE, x, i); \
              CHAIN_VEC(SUFFIX, HEAD, CORE, y, i + 4); \
              CHAIN_VEC2(SUFFIX, HEAD, CORE, x2, i + 8); \
              CHAIN_VEC(SUFFIX, HEAD, CORE, y2, i + 12); \
              lo_ += x; hi_ += y; lo_ += x2; hi_ += y2; \
              CHAIN_VEC(SUFFIX, HEAD, CORE, x, i + 16); \
              CHAIN_VEC2(SUFFIX, HEAD, CORE, y, i + 20); \
              lo_ += x; hi_ += y; \
            } \
          for (; i + 8 <= end_; i += 8) { \
            CHAIN_AHEAD(HEAD, i) \
            CHAIN_VEC(SUFFIX, HEAD, CORE, x, i); \
            CHAIN_VEC(SUFFIX, HEAD, CORE, y, i + 4); \
            lo_ += x; \
            hi_ += y; \
          } \
          sv_ = ((lo_[0] + lo_[1]) + (lo_[2] + lo_[3])) + ((hi_[0] + hi_[1]) + (hi_[2] + hi_[3])); \
        } \
        for (; i < end_; i++) sv_ += chain_scalar(s, a[i], HEAD != HEAD_NONE ? b + i : a + i); \
        o[li_] = sv_; \
      } \
      return 0.; \
    } \
    if (MODE == TO_MAX || MODE == TO_MIN) { \
      /* Two accumulators of each (a max and its NaN/infinity check): neither waits on the \
       * other's latency; in which order lanes are combined does not matter for either. */ \
      v4d x, y, acc2, z2 = z; \
      CHAIN_VEC(SUFFIX, HEAD, CORE, x, 0); \
      acc = acc2 = x; \
      for (i = 4; i + 8 <= n; i += 8) { \
        CHAIN_AHEAD(HEAD, i) \
        CHAIN_VEC(SUFFIX, HEAD, CORE, x, i); \
        CHAIN_VEC(SUFFIX, HEAD, CORE, y, i + 4); \
        acc = MODE == TO_MAX ? VMAX_##SUFFIX(x, acc) : VMIN_##SUFFIX(x, acc); \
        acc2 = MODE == TO_MAX ? VMAX_##SUFFIX(y, acc2) : VMIN_##SUFFIX(y, acc2); \
        z += x - x; \
        z2 += y - y; \
      } \
      for (; i + 4 <= n; i += 4) { \
        CHAIN_VEC(SUFFIX, HEAD, CORE, x, i); \
        acc = MODE == TO_MAX ? VMAX_##SUFFIX(x, acc) : VMIN_##SUFFIX(x, acc); \
        z += x - x; \
      } \
      acc = MODE == TO_MAX ? VMAX_##SUFFIX(acc2, acc) : VMIN_##SUFFIX(acc2, acc); \
      z += z2; \
      double r = acc[0], zs = (z[0] + z[1]) + (z[2] + z[3]); \
      for (int j = 1; j < 4; j++) r = MODE == TO_MAX ? (acc[j] > r ? acc[j] : r) : (acc[j] < r ? acc[j] : r); \
      for (; i < n; i++) { double x = chain_scalar(s, a[i], HEAD != HEAD_NONE ? b + i : a + i); r = MODE == TO_MAX ? (x > r ? x : r) : (x < r ? x : r); zs += x - x; } \
      *special = zs != zs; \
      return r; \
    } \
    if (PAIRED_##SUFFIX && CORE == CORE_SQRT && np_tuning.sqrt_group == 5) \
      for (; i + 20 <= n; i += 20) { \
        /* Every vector is read before any is written (o may be a). */ \
        v4d x, y, z, w, u; \
        CHAIN_AHEAD(HEAD, i) \
        CHAIN_AHEAD(HEAD, i + 8) \
        CHAIN_AHEAD(HEAD, i + 16) \
        CHAIN_VEC(SUFFIX, HEAD, CORE, x, i); \
        CHAIN_VEC(SUFFIX, HEAD, CORE, y, i + 4); \
        CHAIN_VEC(SUFFIX, HEAD, CORE, z, i + 8); \
        CHAIN_VEC(SUFFIX, HEAD, CORE, w, i + 12); \
        CHAIN_VEC2(SUFFIX, HEAD, CORE, u, i + 16); \
        CHAIN_PUT(SUFFIX, MODE, x, i); \
        CHAIN_PUT(SUFFIX, MODE, y, i + 4); \
        CHAIN_PUT(SUFFIX, MODE, z, i + 8); \
        CHAIN_PUT(SUFFIX, MODE, w, i + 12); \
        CHAIN_PUT(SUFFIX, MODE, u, i + 16); \
      } \
    else if (PAIRED_##SUFFIX && CORE == CORE_SQRT) \
      for (; i + 12 <= n; i += 12) { \
        v4d x, y, z; \
        CHAIN_AHEAD(HEAD, i) \
        CHAIN_AHEAD(HEAD, i + 8) \
        CHAIN_VEC(SUFFIX, HEAD, CORE, x, i); \
        CHAIN_VEC(SUFFIX, HEAD, CORE, y, i + 4); \
        CHAIN_VEC2(SUFFIX, HEAD, CORE, z, i + 8); \
        CHAIN_PUT(SUFFIX, MODE, x, i); \
        CHAIN_PUT(SUFFIX, MODE, y, i + 4); \
        CHAIN_PUT(SUFFIX, MODE, z, i + 8); \
      } \
    for (; i + 4 <= n; i += 4) { \
      v4d x; \
      if ((i & 7) == 0) CHAIN_AHEAD(HEAD, i) \
      CHAIN_VEC(SUFFIX, HEAD, CORE, x, i); \
      CHAIN_PUT(SUFFIX, MODE, x, i); \
    } \
    for (; i < n; i++) { \
      double x = chain_scalar(s, a[i], HEAD != HEAD_NONE ? b + i : a + i); \
      if (MODE == TO_STORE || MODE == TO_STREAM) o[i] = x; \
      else o[i] += x; \
    } \
    return 0.; \
  }
/*
 * Which chains get a loop of their own, with head and core known to the compiler: those that
 * make up most expressions (any head with no core, a square root or no step but the head; a
 * comparison with a constant folded: alone by any reduction, any() and all() being max and
 * min, after a head by sum and mean). Every other chain (floor, ceil, trunc; a comparison
 * stored or written out, or after a head folded by min/max) runs through one loop per mode
 * that picks its head and core per four elements: predictable branches, the same operations
 * in the same order, so the same bits (test/da-machine's random chains reach both kinds), but
 * up to ~1.5x the time per element ((x*x > 1).sum() there: 0.52 ns/element CPU against 0.33,
 * which is why a head and a comparison summed have their loops). A loop for each of the
 * 5 heads x 12 cores x 6 modes made the addon 835 KB, two thirds of it chain_*; these ~160
 * made it 356 KB (413 KB with the 30 square-root loops of chain_sqrt_avx512). The base
 * instruction set runs on x86 only where AVX2 is missing (pre-2013 CPUs): there it keeps just
 * the general loops.
 */
#define CHAIN_KEY(HEAD, CORE) ((HEAD) * 16 + (CORE))
#define CHAIN_CASE(SUFFIX, HEAD, CORE, MODE) case CHAIN_KEY(HEAD, CORE): CHAIN_BODY(SUFFIX, HEAD, CORE, MODE)
#define CHAIN_HEAD_CASES(SUFFIX, HEAD, MODE) \
  CHAIN_CASE(SUFFIX, HEAD, CORE_NONE, MODE) \
  CHAIN_CASE(SUFFIX, HEAD, CORE_SQRT, MODE) \
  CHAIN_CASE(SUFFIX, HEAD, CORE_PLAIN, MODE)
#define CHAIN_CMP_CASES(SUFFIX, HEAD, MODE) \
  CHAIN_CASE(SUFFIX, HEAD, CORE_LT, MODE) \
  CHAIN_CASE(SUFFIX, HEAD, CORE_LE, MODE) \
  CHAIN_CASE(SUFFIX, HEAD, CORE_GT, MODE) \
  CHAIN_CASE(SUFFIX, HEAD, CORE_GE, MODE) \
  CHAIN_CASE(SUFFIX, HEAD, CORE_EQ, MODE) \
  CHAIN_CASE(SUFFIX, HEAD, CORE_NE, MODE)
#ifdef LAZYLAB_X86
#define CHAIN_SPECIALISE_base 0
#else
#define CHAIN_SPECIALISE_base 1
#endif
#define CHAIN_SPECIALISE_avx2 1
#define CHAIN_PICK(SUFFIX, MODE) { \
    const int head_ = s->head, core_ = s->core; \
    if (CHAIN_SPECIALISE_##SUFFIX) switch (CHAIN_KEY(head_, core_)) { \
      case CHAIN_KEY(HEAD_NONE, CORE_NONE): CHAIN_BODY(SUFFIX, HEAD_NONE, CORE_NONE, MODE) \
      case CHAIN_KEY(HEAD_NONE, CORE_SQRT): CHAIN_BODY(SUFFIX, HEAD_NONE, CORE_SQRT, MODE) \
      CHAIN_HEAD_CASES(SUFFIX, HEAD_ADD, MODE) \
      CHAIN_HEAD_CASES(SUFFIX, HEAD_SUB, MODE) \
      CHAIN_HEAD_CASES(SUFFIX, HEAD_MUL, MODE) \
      CHAIN_HEAD_CASES(SUFFIX, HEAD_DIV, MODE) \
      default: \
        if (MODE != TO_STORE && MODE != TO_STREAM) switch (CHAIN_KEY(head_, core_)) { CHAIN_CMP_CASES(SUFFIX, HEAD_NONE, MODE) } \
        if (MODE == TO_LEAVES || MODE == TO_ADD || MODE == TO_ROWS) switch (CHAIN_KEY(head_, core_)) { \
          CHAIN_CMP_CASES(SUFFIX, HEAD_ADD, MODE) \
          CHAIN_CMP_CASES(SUFFIX, HEAD_SUB, MODE) \
          CHAIN_CMP_CASES(SUFFIX, HEAD_MUL, MODE) \
          CHAIN_CMP_CASES(SUFFIX, HEAD_DIV, MODE) \
        } \
    } \
    CHAIN_BODY(SUFFIX, head_, core_, MODE) \
  }
#define DEFINE_CHAIN(SUFFIX, ATTR) \
  ATTR static double chain_##SUFFIX(const Step *s, const double *a, const double *b, double *o, int64_t n, int mode, const int32_t *lens, int *special) { \
    switch (mode) { \
      case TO_STORE: CHAIN_PICK(SUFFIX, TO_STORE) \
      case TO_LEAVES: CHAIN_PICK(SUFFIX, TO_LEAVES) \
      case TO_ADD: CHAIN_PICK(SUFFIX, TO_ADD) \
      case TO_STREAM: CHAIN_PICK(SUFFIX, TO_STREAM) \
      case TO_ROWS: CHAIN_PICK(SUFFIX, TO_ROWS) \
      case TO_MAX: CHAIN_PICK(SUFFIX, TO_MAX) \
      default: CHAIN_PICK(SUFFIX, TO_MIN) \
    } \
  }
FOR_EACH_ISA(DEFINE_CHAIN)
#ifdef LAZYLAB_X86
/* chain_* for the chains with a square root, one vector in np_tuning.sqrt_group on sqrt_fma: only those,
 * whatever the head; every other chain keeps chain_avx2 (CHAIN_OF). */
#define CHAIN_SQRT_PICK(MODE) { \
    switch (s->head) { \
      case HEAD_NONE: CHAIN_BODY(avx512, HEAD_NONE, CORE_SQRT, MODE) \
      case HEAD_ADD: CHAIN_BODY(avx512, HEAD_ADD, CORE_SQRT, MODE) \
      case HEAD_SUB: CHAIN_BODY(avx512, HEAD_SUB, CORE_SQRT, MODE) \
      case HEAD_MUL: CHAIN_BODY(avx512, HEAD_MUL, CORE_SQRT, MODE) \
      default: CHAIN_BODY(avx512, HEAD_DIV, CORE_SQRT, MODE) \
    } \
  }
FAST_SQRT_ATTR static double chain_sqrt_avx512(const Step *s, const double *a, const double *b, double *o, int64_t n, int mode, const int32_t *lens, int *special) {
  switch (mode) {
    case TO_STORE: CHAIN_SQRT_PICK(TO_STORE)
    case TO_LEAVES: CHAIN_SQRT_PICK(TO_LEAVES)
    case TO_ADD: CHAIN_SQRT_PICK(TO_ADD)
    case TO_STREAM: CHAIN_SQRT_PICK(TO_STREAM)
    case TO_ROWS: CHAIN_SQRT_PICK(TO_ROWS)
    case TO_MAX: CHAIN_SQRT_PICK(TO_MAX)
    default: CHAIN_SQRT_PICK(TO_MIN)
  }
}
/* The chain loop for s: a square root's on the FMA units too where np_fast_sqrt. */
#define CHAIN_OF(s) (np_fast_sqrt && (s)->core == CORE_SQRT ? chain_sqrt_avx512 : PICK(chain))
#else
#define CHAIN_OF(s) PICK(chain)
#endif

/* Asks for every cache line of the bytes [a0, a0 + bytes) into L2. Only a hint: nothing is read. */
static inline void prefetch_span(uintptr_t a0, uintptr_t bytes) {
  for (uintptr_t a = a0 & ~(uintptr_t)63; a < a0 + bytes; a += 64) __builtin_prefetch((const void *)a, 0, 2);
}

/*
 * chain_rows: the chain of s (one source, no head) over `rows` rows of w float64 elements, row r
 * at a + r*as, stored at o + r*w, asking for row r + ahead's lines (ahead > 0) as it goes. The
 * same loop as chain_*'s TO_STORE row by row (so the same values), with what chain_* decides per
 * call (the mode, the core, the constants as vectors) decided once for all the rows. For the
 * narrow strips of moments_strips on the Xeon (32 columns, (x*3-1).var(0), one thread) a call
 * per row took 1.11-1.12 ns/element, a call per block 0.95-0.98.
 */
#define CHAIN_ROW_FN(SUFFIX, ATTR) \
  ATTR static inline __attribute__((always_inline)) double chain_row_##SUFFIX(const Step *s, const double *a, double *o, int64_t n, const int CORE_) { \
    const double *b = NULL; \
    const int32_t *lens = NULL; \
    int *special = NULL; \
    (void)b; (void)lens; (void)special; \
    CHAIN_BODY(SUFFIX, HEAD_NONE, CORE_, TO_STORE) \
  }
#define CHAIN_ROWS_LOOP(SUFFIX, CORE) \
  for (int64_t r_ = 0; r_ < rows; r_++) { \
    if (ahead) prefetch_span((uintptr_t)(a + (r_ + ahead) * as), (uintptr_t)w * sizeof(double)); \
    chain_row_##SUFFIX(s, a + r_ * as, o + r_ * w, w, CORE); \
  }
#define DEFINE_CHAIN_ROWS(SUFFIX, ATTR) \
  CHAIN_ROW_FN(SUFFIX, ATTR) \
  ATTR static void chain_rows_##SUFFIX(const Step *s, const double *a, int64_t as, double *o, int64_t w, int64_t rows, int64_t ahead) { \
    if (CHAIN_SPECIALISE_##SUFFIX && s->core == CORE_NONE) CHAIN_ROWS_LOOP(SUFFIX, CORE_NONE) \
    else if (CHAIN_SPECIALISE_##SUFFIX && s->core == CORE_SQRT) CHAIN_ROWS_LOOP(SUFFIX, CORE_SQRT) \
    else CHAIN_ROWS_LOOP(SUFFIX, s->core) \
  }
FOR_EACH_ISA(DEFINE_CHAIN_ROWS)
#ifdef LAZYLAB_X86
CHAIN_ROW_FN(avx512, FAST_SQRT_ATTR)
FAST_SQRT_ATTR static void chain_rows_sqrt_avx512(const Step *s, const double *a, int64_t as, double *o, int64_t w, int64_t rows, int64_t ahead) {
  CHAIN_ROWS_LOOP(avx512, CORE_SQRT)
}
#define CHAIN_ROWS_OF(s) (np_fast_sqrt && (s)->core == CORE_SQRT ? chain_rows_sqrt_avx512 : PICK(chain_rows))
#else
#define CHAIN_ROWS_OF(s) PICK(chain_rows)
#endif

/*
 * Two neighbouring leaves of a pairwise sum (8 <= na, nb <= PW_BLOCKSIZE) of T(a[k]) and T(b[k]), their
 * loops in step (see dev_leaf_pair): eight running sums a leaf in two vectors, then the tail,
 * each leaf's additions in np_pairwise_sum's order. TV is T on a vector, TS on one double; `c`
 * is the deviations' centre (unused by plain sums).
 */
#define SUM_V(v) (v)
#define SUM_S(v) (v)
#define DEV_V(v) (((v) - cc) * ((v) - cc))
#define DEV_S(v) (((v) - c) * ((v) - c))
#define LEAF_PAIR(NAME, ATTR, TV, TS) \
  ATTR static void NAME(const double *a, int64_t na, const double *b, int64_t nb, double c, double *ra, double *rb) { \
    v4d alo, ahi, blo, bhi, x, y, cc = { c, c, c, c }; \
    (void)cc; \
    memcpy(&alo, a, sizeof alo); memcpy(&ahi, a + 4, sizeof ahi); \
    memcpy(&blo, b, sizeof blo); memcpy(&bhi, b + 4, sizeof bhi); \
    alo = TV(alo); ahi = TV(ahi); blo = TV(blo); bhi = TV(bhi); \
    int64_t ma = na - (na % 8), mb = nb - (nb % 8), m = ma < mb ? ma : mb, i; \
    for (i = 8; i < m; i += 8) { \
      memcpy(&x, a + i, sizeof x); alo += TV(x); \
      memcpy(&y, b + i, sizeof y); blo += TV(y); \
      memcpy(&x, a + i + 4, sizeof x); ahi += TV(x); \
      memcpy(&y, b + i + 4, sizeof y); bhi += TV(y); \
    } \
    for (int64_t k = i; k < ma; k += 8) { \
      memcpy(&x, a + k, sizeof x); alo += TV(x); \
      memcpy(&x, a + k + 4, sizeof x); ahi += TV(x); \
    } \
    for (int64_t k = i; k < mb; k += 8) { \
      memcpy(&y, b + k, sizeof y); blo += TV(y); \
      memcpy(&y, b + k + 4, sizeof y); bhi += TV(y); \
    } \
    double sa = ((alo[0] + alo[1]) + (alo[2] + alo[3])) + ((ahi[0] + ahi[1]) + (ahi[2] + ahi[3])); \
    double sb = ((blo[0] + blo[1]) + (blo[2] + blo[3])) + ((bhi[0] + bhi[1]) + (bhi[2] + bhi[3])); \
    for (int64_t k = ma; k < na; k++) sa += TS(a[k]); \
    for (int64_t k = mb; k < nb; k++) sb += TS(b[k]); \
    *ra = sa; \
    *rb = sb; \
  }
#define DEFINE_MACHINE(SUFFIX, ATTR) \
  ATTR static void run_block_##SUFFIX(const int32_t *code, int64_t count, int64_t nconst, const double *consts, double *const *r, int64_t n) { \
    for (int64_t c = 0; c < count; c++) { \
      const int32_t *ins = code + 4 * c; \
      Step s; \
      int64_t len = chain_at(code, count, nconst, consts, c, &s); \
      if (len >= 2) { \
        CHAIN_OF(&s)(&s, r[s.src], s.src2 >= 0 ? r[s.src2] : NULL, r[s.dst], n, TO_STORE, NULL, NULL); \
        c += len - 1; \
        continue; \
      } \
      double *restrict o = r[ins[1]]; \
      const double *restrict a = r[ins[2]]; \
      const double *restrict b = r[ins[3]]; \
      int ca = ins[2] < nconst, cb = ins[3] < nconst; \
      (void)ca; (void)cb; \
      /* `x op k` whose result only the next instruction reads, as `t op k` (machine.ts reads every \
       * temporary once): both in one pass, the temporary never stored. */ \
      const int32_t *next = ins + 4; \
      if (c + 1 < count && IS_ARITH(ins[0]) && cb && !ca && IS_ARITH(next[0]) && next[2] == ins[1] && next[3] < nconst && next[1] != ins[2]) { \
        double k1 = b[0], k2 = r[next[3]][0]; \
        o = r[next[1]]; \
        switch (ins[0]) { \
          case M_ADD: P1(x + k1) break; \
          case M_SUB: P1(x - k1) break; \
          case M_MUL: P1(x * k1) break; \
          default: P1(x / k1) break; \
        } \
        c++; \
        continue; \
      } \
      switch (ins[0]) { \
        case M_ADD: B(x + y); break; \
        case M_SUB: B(x - y); break; \
        case M_MUL: B(x * y); break; \
        case M_DIV: B(x / y); break; \
        case M_NEG: U(-x); break; \
        case M_ABS: U(fabs(x)); break; \
        case M_SQRT: U(sqrt(x)); break; \
        case M_FLOOR: U(floor(x)); break; \
        case M_CEIL: U(ceil(x)); break; \
        case M_EXP: \
          if (np_own_exp) np_vexp(a, o, n); \
          else U(exp(x)); \
          break; \
        case M_LOG: U(log(x)); break; \
        case M_SIN: U(sin(x)); break; \
        case M_COS: U(cos(x)); break; \
        case M_EQ: B(x == y ? 1.0 : 0.0); break; \
        case M_NE: B(x != y ? 1.0 : 0.0); break; \
        case M_LT: B(x < y ? 1.0 : 0.0); break; \
        case M_LE: B(x <= y ? 1.0 : 0.0); break; \
        case M_GT: B(x > y ? 1.0 : 0.0); break; \
        case M_GE: B(x >= y ? 1.0 : 0.0); break; \
        case M_ISNAN: U(x != x ? 1.0 : 0.0); break; \
        case M_NOT: U(x == 0.0 ? 1.0 : 0.0); break; \
        case M_BOOL: U(x != 0.0 ? 1.0 : 0.0); break; \
        case M_TRUNC: U(trunc(x)); break; \
        case M_FROUND: U((double)(float)x); break; \
        case M_I8: U((double)(int8_t)(uint8_t)js_uint32(x)); break; \
        case M_U8: U((double)(js_uint32(x) & 255u)); break; \
        case M_I16: U((double)(int16_t)(uint16_t)js_uint32(x)); break; \
        case M_U16: U((double)(js_uint32(x) & 65535u)); break; \
        case M_I32: U((double)(int32_t)js_uint32(x)); break; \
        case M_U32: U((double)js_uint32(x)); break; \
        case M_IMUL: B((double)(int32_t)(js_uint32(x) * js_uint32(y))); break; \
      } \
    } \
  } \
  LEAF_PAIR(sum_leaf_pair_##SUFFIX, ATTR, SUM_V, SUM_S) \
  /* The leaves of a pairwise tree lying one after the other in e (their lengths lens[0..], n \
   * elements in all) summed into out[0..], each as np_pairwise_sum sums a leaf, neighbouring \
   * leaves in step (sum_leaf_pair) where both have 8 or more: the same additions. */ \
  ATTR static void leaf_sums_##SUFFIX(const double *e, const int32_t *lens, int64_t n, double *out) { \
    for (int64_t at = 0, li = 0; at < n;) { \
      int64_t na = lens[li]; \
      if (at + na < n && na >= 8 && lens[li + 1] >= 8) { \
        sum_leaf_pair_##SUFFIX(e + at, na, e + at + na, lens[li + 1], 0., out + li, out + li + 1); \
        at += na + lens[li + 1]; \
        li += 2; \
      } else { \
        out[li++] = np_pairwise_sum(e + at, na); \
        at += na; \
      } \
    } \
  } \
  /* o[i*os] += e[i]: lines folding into elements of their own, element by element. */ \
  ATTR static void add_into_##SUFFIX(const double *restrict e, int64_t n, double *restrict o, int64_t os) { \
    if (os == 1) for (int64_t i = 0; i < n; i++) o[i] += e[i]; \
    else for (int64_t i = 0; i < n; i++) o[i * os] += e[i]; \
  }
FOR_EACH_ISA(DEFINE_MACHINE)

/*
 * The leaves of the pairwise tree (np_pairwise.h) over n elements, n <= MACHINE_BUFSIZE (every
 * leaf but a piece's last starts and ends on a multiple of 8). Their lengths are appended to
 * lens from index at; returns the index after the last.
 */
static int pw_leaves(int64_t n, int32_t *lens, int at) {
  if (n <= PW_BLOCKSIZE) {
    lens[at] = (int32_t)n;
    return at + 1;
  }
  int64_t n2 = pw_split(n);
  at = pw_leaves(n2, lens, at);
  return pw_leaves(n - n2, lens, at);
}

/* The tree's sum over n elements from its leaves' sums (vals, in order, from *i): each node adds its halves, left + right. */
static double pw_combine(int64_t n, const double *vals, int *i) {
  if (n <= PW_BLOCKSIZE) return vals[(*i)++];
  int64_t n2 = pw_split(n);
  double x = pw_combine(n2, vals, i);
  double y = pw_combine(n - n2, vals, i);
  return x + y;
}

/* The JavaScript kernel's min/max step over a block, element by element. */
static double extreme_exact(int is_max, const double *e, int64_t n, double acc) {
  if (is_max) {
    for (int64_t i = 0; i < n; i++) if (e[i] > acc || e[i] != e[i]) acc = e[i];
  } else {
    for (int64_t i = 0; i < n; i++) if (e[i] < acc || e[i] != e[i]) acc = e[i];
  }
  return acc;
}

/* acc folded with a block, as extreme_exact; the vector answer where it is the same. */
static double extreme_block(int is_max, const double *e, int64_t n, double acc) {
  if (n < 16) return extreme_exact(is_max, e, n, acc);
  int special;
  double m = np_block_minmax(is_max, e, n, &special);
  /* A NaN or an infinity flags the block: the exact loop decides it. */
  if (special || m == 0.) return extreme_exact(is_max, e, n, acc);
  /* No NaN in the block, m is its only extreme bit pattern: replaced iff strictly better (or acc is NaN:
   * then no element replaces it, since none is NaN and none compares). */
  return (is_max ? m > acc : m < acc) ? m : acc;
}

/* o[i*os] = better of o[i*os] and e[i], element by element (the kernel's `put`). */
static void extreme_into(int is_max, const double *e, int64_t n, double *o, int64_t os) {
  for (int64_t i = 0; i < n; i++) {
    double a = o[i * os], x = e[i];
    if (is_max ? (x > a || x != x) : (x < a || x != x)) o[i * os] = x;
  }
}

/* A leaf as the machine reads it: its data and element type. */
typedef struct {
  void *data;
  size_t length;
  napi_typedarray_type type;
  int64_t s, t; /* element stride, line stride */
} Leaf;

/* n elements of a typed array of T from d, stride s, as float64 into buf. */
#define LOAD_AS(T) { \
    const T *d = (const T *)l->data + p; \
    if (s == 1) for (int64_t i = 0; i < n; i++) buf[i] = d[i]; \
    else for (int64_t i = 0; i < n; i++) buf[i] = d[i * s]; \
    break; \
  }

/* Leaf elements p, p+s, ... (n of them) as float64 into buf, or a pointer straight into a contiguous float64 leaf. */
static double *load_leaf(const Leaf *l, int64_t p, int64_t n, double *buf) {
  int64_t s = l->s;
  switch (l->type) {
    case napi_float64_array: {
      const double *d = (const double *)l->data + p;
      if (s == 1) return (double *)d;
      for (int64_t i = 0; i < n; i++) buf[i] = d[i * s];
      break;
    }
    case napi_float32_array: LOAD_AS(float)
    case napi_int32_array: LOAD_AS(int32_t)
    case napi_uint32_array: LOAD_AS(uint32_t)
    case napi_int16_array: LOAD_AS(int16_t)
    case napi_uint16_array: LOAD_AS(uint16_t)
    case napi_int8_array: LOAD_AS(int8_t)
    default: LOAD_AS(uint8_t)
  }
  return buf;
}

/* Bytes per element of a storage leaf_type_ok accepts. */
static size_t leaf_size(napi_typedarray_type t) {
  switch (t) {
    case napi_float64_array: return 8;
    case napi_float32_array: case napi_int32_array: case napi_uint32_array: return 4;
    case napi_int16_array: case napi_uint16_array: return 2;
    default: return 1;
  }
}

/* The storages load_leaf reads (lib/np's, but for int64's and uint64's BigInt arrays: those are Float64Arrays there). */
static int leaf_type_ok(napi_typedarray_type t) {
  return t == napi_float64_array || t == napi_float32_array || t == napi_int32_array || t == napi_uint32_array || t == napi_int16_array ||
    t == napi_uint16_array || t == napi_int8_array || t == napi_uint8_array;
}

/* Everything one fold call needs (see js_machine_fold for the arguments). */
typedef struct {
  const int32_t *code;
  int64_t count, nconst, nregs, result;
  int k;
  Leaf leaves[MACHINE_MAX_LEAVES];
  int fold;
  double *o;
  int64_t os, ot;
  const double *consts;
  /* The program's last chain when it ends the program (count: none), which a fold takes
   * straight from its source register without storing the result (fold_line). */
  int64_t tail;
  Step tail_step;
} Machine;

/* Runs instructions [0, upto) of the program over elements [i0, i0+n) of one line (leaf i's line starts at p[i]). */
static void evaluate_upto(const Machine *M, double **r, double *store, const int64_t *p, int64_t i0, int64_t n, int64_t upto) {
  for (int i = 0; i < M->k; i++) {
    const Leaf *l = &M->leaves[i];
    int64_t reg = M->nconst + i;
    r[reg] = load_leaf(l, p[i] + i0 * l->s, n, store + reg * MACHINE_REG_STRIDE);
  }
  PICK(run_block)(M->code, upto, M->nconst, M->consts, r, n);
}

/* Runs the program over elements [i0, i0+n) of one line (leaf i's line starts at p[i]); returns the result block. */
static const double *evaluate(const Machine *M, double **r, double *store, const int64_t *p, int64_t i0, int64_t n) {
  evaluate_upto(M, r, store, p, i0, n, M->count);
  return r[M->result];
}

/* The chain that ends the program (M->tail): where run_block's own walk (a chain of two or
 * more, else a pair, else one instruction) leaves a last piece that is a chain writing the
 * result. */
static void find_tail(Machine *M) {
  M->tail = M->count;
  for (int64_t c = 0; c < M->count;) {
    Step s;
    int64_t len = chain_at(M->code, M->count, M->nconst, M->consts, c, &s);
    if (len >= 1 && c + len == M->count && s.dst == M->result) {
      M->tail = c;
      M->tail_step = s;
      return;
    }
    if (len >= 2) c += len;
    else c++;
  }
}

/* Runs the program but its tail chain over a block and folds the chain's values by mode
 * (TO_LEAVES with the leaves' lengths lens, TO_ADD, TO_MAX, TO_MIN: chain_*), the last values
 * never stored. */
static double evaluate_fold(const Machine *M, double **r, double *store, const int64_t *p, int64_t i0, int64_t n, int mode, double *o, const int32_t *lens, int *special) {
  evaluate_upto(M, r, store, p, i0, n, M->tail);
  const Step *s = &M->tail_step;
  return CHAIN_OF(s)(s, r[s->src], s->src2 >= 0 ? r[s->src2] : NULL, o, n, mode, lens, special);
}

/* pw_combine's additions as a postfix plan: 1 takes the next leaf's sum, 0 adds the last two
 * (left + right). Appended to plan from index at; returns the index after the last. */
static int pw_plan(int64_t n, int8_t *plan, int at) {
  if (n <= PW_BLOCKSIZE) {
    plan[at] = 1;
    return at + 1;
  }
  int64_t n2 = pw_split(n);
  at = pw_plan(n2, plan, at);
  at = pw_plan(n - n2, plan, at);
  plan[at] = 0;
  return at + 1;
}

/* pw_combine by its plan: the same additions without a call per node (a line of 1000 values
 * has 15 nodes; their calls cost ~5% of a fused sum of it). */
static double pw_run_plan(const int8_t *plan, int n, const double *vals) {
  double stack[32];
  int sp = 0;
  for (int t = 0; t < n; t++) {
    if (plan[t]) stack[sp++] = *vals++;
    else {
      sp--;
      stack[sp - 1] = stack[sp - 1] + stack[sp];
    }
  }
  return stack[0];
}

/* The trees of a line's pieces (pw_leaves, pw_plan): a whole piece's (the same for every line),
 * and the last piece's of a line of n elements (kept while lines have that length). */
typedef struct {
  int full_n, last_n, full_plan_n, last_plan_n;
  int64_t n;
  int32_t full[PIECE_LEAVES], last[PIECE_LEAVES];
  int8_t full_plan[2 * PIECE_LEAVES], last_plan[2 * PIECE_LEAVES];
} Pieces;

static void pieces_for(Pieces *T, int64_t n) {
  if (T->full_n == 0) {
    T->full_n = pw_leaves(MACHINE_BUFSIZE, T->full, 0);
    T->full_plan_n = pw_plan(MACHINE_BUFSIZE, T->full_plan, 0);
  }
  if (T->n == n) return;
  T->n = n;
  T->last_n = n % MACHINE_BUFSIZE ? pw_leaves(n % MACHINE_BUFSIZE, T->last, 0) : 0;
  T->last_plan_n = n % MACHINE_BUFSIZE ? pw_plan(n % MACHINE_BUFSIZE, T->last_plan, 0) : 0;
}

/* A block's chain may ask ahead past its end into the next block of the line, or the next line. */
#define READS_ON(i0, nb) reads_on((i0) + (nb) < n ? contiguous : then)

/*
 * NumPy's pairwise sum (np_pairwise.h) of the values of a line's piece [i0, i0 + pn) (pn <=
 * MACHINE_BUFSIZE, its tree's leaves lens[0..nleaves)): the piece goes through the program in
 * blocks of whole leaves (at most MACHINE_BLOCK elements), each leaf summed as NumPy sums a
 * leaf (by the tail chain straight from its source, TO_LEAVES, else from the result block,
 * leaf_sums), then the leaves' sums added up the tree (pw_combine's order: its plan). n: the
 * line's length.
 */
static double fold_piece(const Machine *M, double **r, double *store, const int64_t *p, int64_t i0, const int32_t *lens, int nleaves, const int8_t *plan, int nplan, int64_t n, int contiguous, int then) {
  double vals[PIECE_LEAVES];
  for (int li = 0; li < nleaves;) {
    int lj = li;
    int64_t nb = 0;
    while (lj < nleaves && nb + lens[lj] <= MACHINE_BLOCK) nb += lens[lj++];
    READS_ON(i0, nb);
    if (M->tail < M->count) evaluate_fold(M, r, store, p, i0, nb, TO_LEAVES, vals + li, lens + li, NULL);
    else PICK(leaf_sums)(evaluate(M, r, store, p, i0, nb), lens + li, nb, vals + li);
    i0 += nb;
    li = lj;
  }
  return pw_run_plan(plan, nplan, vals);
}

/* Folds one line of n elements (leaf i from p[i]) into the output at q; `then` says whether
 * every leaf's next line starts where this one ends (reads_on). T: the sums' trees. */
static void fold_line(const Machine *M, double **r, double *store, const int64_t *p, int64_t n, int64_t q, int contiguous, int then, Pieces *T) {
  double *o = M->o;
  int is_max = M->fold == F_MAX;
  int tail = M->tail < M->count;
  if (M->os != 0) {
    for (int64_t i0 = 0; i0 < n; i0 += MACHINE_BLOCK) {
      int64_t nb = n - i0 < MACHINE_BLOCK ? n - i0 : MACHINE_BLOCK;
      READS_ON(i0, nb);
      if (tail && M->fold == F_SUM && M->os == 1) {
        evaluate_fold(M, r, store, p, i0, nb, TO_ADD, o + q + i0, NULL, NULL);
        continue;
      }
      const double *e = evaluate(M, r, store, p, i0, nb);
      if (M->fold == F_SUM) PICK(add_into)(e, nb, o + q + i0 * M->os, M->os);
      else extreme_into(is_max, e, nb, o + q + i0 * M->os, M->os);
    }
    return;
  }
  if (M->fold == F_SUM) {
    /* The line is one run of NumPy's reduction (fuse.ts): acc += the pairwise sum of each
     * piece of MACHINE_BUFSIZE, in order, from the output's value. */
    double acc = o[q];
    pieces_for(T, n);
    for (int64_t i0 = 0; i0 < n; i0 += MACHINE_BUFSIZE) {
      int64_t pn = n - i0 < MACHINE_BUFSIZE ? n - i0 : MACHINE_BUFSIZE;
      acc += pn == MACHINE_BUFSIZE ? fold_piece(M, r, store, p, i0, T->full, T->full_n, T->full_plan, T->full_plan_n, n, contiguous, then)
                                   : fold_piece(M, r, store, p, i0, T->last, T->last_n, T->last_plan, T->last_plan_n, n, contiguous, then);
    }
    o[q] = acc;
    return;
  }
  double acc = o[q];
  for (int64_t i0 = 0; i0 < n; i0 += MACHINE_BLOCK) {
    int64_t nb = n - i0 < MACHINE_BLOCK ? n - i0 : MACHINE_BLOCK;
    if (tail && nb >= 16) {
      /* extreme_block with the chain's vector min/max: a block it cannot decide is stored and
       * looked at element by element (the chain's source is still there: nothing was written). */
      int special;
      READS_ON(i0, nb);
      double m = evaluate_fold(M, r, store, p, i0, nb, is_max ? TO_MAX : TO_MIN, NULL, NULL, &special);
      if (special || m == 0.) {
        const Step *s = &M->tail_step;
        CHAIN_OF(s)(s, r[s->src], s->src2 >= 0 ? r[s->src2] : NULL, r[s->dst], nb, TO_STORE, NULL, NULL);
        acc = extreme_exact(is_max, r[s->dst], nb, acc);
      } else if (is_max ? m > acc : m < acc) acc = m;
      continue;
    }
    acc = extreme_block(is_max, evaluate(M, r, store, p, i0, nb), nb, acc);
  }
  o[q] = acc;
}
#undef READS_ON

/*
 * Where a part's lines fold into one row of outputs (a sum over an outer axis: a band of blocks
 * summed along axis 0), FOLD_ROWS lines are added at once, o[x] = (((o[x] + v0[x]) + v1[x]) +
 * ...) + v7[x]: the additions fold_line makes a line at a time, in the same order, so the same
 * bits, with the outputs read and written once per FOLD_ROWS lines. A band of four 1000x1000
 * blocks has 32 KB of outputs, which left the L1 cache between two lines of a part (the band is
 * read line by line across its parts, memory order: a part's lines one after the other, 8 KB
 * 32 KB apart, measured 0.90 ns/element against 0.66), and `(x*3-1).sum(0)` over 4000x4000 ran
 * at 0.64-0.69 ns/element on one thread (EPYC, Zen 4), against 0.34-0.39 for `(x**2).sum(-1)`
 * and for a 16000x1000 array (8 KB of outputs); eight lines at a time, 0.38-0.45. The eager
 * sums of rows do the same (np_reduce.c, add_rows). For a program that is one chain straight
 * from its leaves, each read in place (float64, one element apart): the chain reads its lines
 * itself (TO_ROWS). Returns whether it can, and t: the chain with its lines' steps.
 */
static int fold_rows_of(const Machine *M, Step *t) {
  if (M->fold != F_SUM || M->os != 1 || M->ot != 0 || M->tail != 0 || M->count == 0) return 0;
  *t = M->tail_step;
  int32_t src[2] = { t->src, t->src2 };
  int64_t *step[2] = { &t->ra, &t->rb };
  t->rb = 0;
  for (int u = 0; u < 2; u++) {
    if (u == 1 && src[1] < 0) break;
    int64_t leaf = src[u] - M->nconst;
    if (leaf < 0 || leaf >= M->k || M->leaves[leaf].type != napi_float64_array || M->leaves[leaf].s != 1) return 0;
    *step[u] = M->leaves[leaf].t;
  }
  return 1;
}

/* fold_rows calls so far, by every thread (machineRowFolds: tests read it to know the path ran). */
static int64_t row_folds;

/* FOLD_ROWS lines of one part from line j0 (leaf i's line j at P[i] + j * t, n elements), into
 * the outputs at q; t: the tail chain with its lines' steps (fold_rows_of). */
static void fold_rows(const Machine *M, double **r, double *store, const Step *t, const int64_t *P, int64_t j0, int64_t n, int64_t q) {
  int64_t p[MACHINE_MAX_LEAVES];
  for (int i = 0; i < M->k; i++) p[i] = P[i] + j0 * M->leaves[i].t;
  /* The leaves' registers at line j0 (pointers into the leaves: nothing is copied). */
  evaluate_upto(M, r, store, p, 0, n, 0);
  CHAIN_OF(t)(t, r[t->src], t->src2 >= 0 ? r[t->src2] : NULL, M->o + q, n, TO_ROWS, NULL, NULL);
  __atomic_add_fetch(&row_folds, 1, __ATOMIC_RELAXED);
}

/* ---- std/var: NumPy's sums of a block ------------------------------------------------- */

#define MACHINE_MAX_DIMS 32

/*
 * A block walked in C order: r dimensions (those of length 1 left out), leaf i's element at
 * index (j0..jr-1) at off[i] + sum j_d * stride[i][d], its partial's at sum j_d * ostride[d]
 * (0 along reduced dimensions); the last t dimensions are reduced, the one before (if any) is
 * not.
 */
typedef struct {
  int r, t;
  int64_t shape[MACHINE_MAX_DIMS];
  int64_t off[MACHINE_MAX_LEAVES];
  int64_t stride[MACHINE_MAX_LEAVES][MACHINE_MAX_DIMS];
  int64_t ostride[MACHINE_MAX_DIMS];
} Walk;

/* Advances j[d] by one, moving each leaf's offset p[i] and the output offset *q with it; at the
 * end of the dimension it goes back to 0 (offsets too) and returns 0, for the next one to carry. */
static inline int step_dim(const Machine *M, const Walk *W, int d, int64_t *j, int64_t *p, int64_t *q) {
  if (++j[d] < W->shape[d]) {
    for (int i = 0; i < M->k; i++) p[i] += W->stride[i][d];
    *q += W->ostride[d];
    return 1;
  }
  for (int i = 0; i < M->k; i++) p[i] -= (W->shape[d] - 1) * W->stride[i][d];
  *q -= (W->shape[d] - 1) * W->ostride[d];
  j[d] = 0;
  return 0;
}

/* Advances the index j over dimensions [d0, d1) in C order, moving each leaf's offset p[i] and
 * the output offset *q with it; returns 0 after the last index. */
static int step_index(const Machine *M, const Walk *W, int64_t *j, int d0, int d1, int64_t *p, int64_t *q) {
  for (int d = d1 - 1; d >= d0; d--)
    if (step_dim(M, W, d, j, p, q)) return 1;
  return 0;
}

/*
 * moments_pass's sums of the expression's values where each output's trailing reduced elements
 * are one run of several lines (W->t > 0): NumPy's pieces of MACHINE_BUFSIZE from the run's
 * start, acc += the pairwise sum of each piece, runs added in C order. A piece's leaves that lie
 * within one line go through the program in blocks of whole leaves and are summed as
 * fold_piece sums them (the last chain straight from its source where there is one); a leaf
 * that runs across the end of a line is gathered from its lines into tmp (PW_BLOCKSIZE doubles)
 * and summed there. The same additions as summing the chunk: the same bits.
 */
static void sum_runs(const Machine *M, const Walk *W, double **r, double *store, double *tmp, double *out) {
  int rr = W->r, outer = rr - W->t;
  int64_t nl = W->shape[rr - 1], run = 1;
  for (int d = outer; d < rr; d++) run *= W->shape[d];
  int tail = M->tail < M->count;
  Pieces T = { .n = -1 };
  pieces_for(&T, run);
  int64_t j[MACHINE_MAX_DIMS] = { 0 }, p[MACHINE_MAX_LEAVES], q = 0;
  for (int i = 0; i < M->k; i++) p[i] = W->off[i];
  do {
    double acc = out[q];
    int64_t jl[MACHINE_MAX_DIMS], pl[MACHINE_MAX_LEAVES], ql = q, at = 0; /* the run's line and the place in it */
    for (int d = outer; d < rr; d++) jl[d] = 0;
    for (int i = 0; i < M->k; i++) pl[i] = p[i];
    for (int64_t ps = 0; ps < run; ps += MACHINE_BUFSIZE) {
      int64_t pn = run - ps < MACHINE_BUFSIZE ? run - ps : MACHINE_BUFSIZE;
      const int32_t *lens = pn == MACHINE_BUFSIZE ? T.full : T.last;
      int nleaves = pn == MACHINE_BUFSIZE ? T.full_n : T.last_n;
      double vals[PIECE_LEAVES];
      for (int li = 0; li < nleaves;) {
        if (at == nl) {
          step_index(M, W, jl, outer, rr - 1, pl, &ql);
                at = 0;
        }
        int lj = li;
        int64_t nb = 0;
        while (lj < nleaves && nb + lens[lj] <= MACHINE_BLOCK && at + nb + lens[lj] <= nl) nb += lens[lj++];
        if (lj > li) {
          if (tail) evaluate_fold(M, r, store, pl, at, nb, TO_LEAVES, vals + li, lens + li, NULL);
          else PICK(leaf_sums)(evaluate(M, r, store, pl, at, nb), lens + li, nb, vals + li);
          at += nb;
          li = lj;
          continue;
        }
        for (int64_t got = 0; got < lens[li];) {
          if (at == nl) {
            step_index(M, W, jl, outer, rr - 1, pl, &ql);
                    at = 0;
          }
          int64_t take = lens[li] - got < nl - at ? lens[li] - got : nl - at;
          memcpy(tmp + got, evaluate(M, r, store, pl, at, take), sizeof(double) * (size_t)take);
          got += take;
          at += take;
        }
        vals[li] = np_pairwise_sum(tmp, lens[li]);
        li++;
      }
      acc += pn == MACHINE_BUFSIZE ? pw_run_plan(T.full_plan, T.full_plan_n, vals) : pw_run_plan(T.last_plan, T.last_plan_n, vals);
    }
    out[q] = acc;
  } while (step_index(M, W, j, 0, outer, p, &q));
}

/*
 * One of var's two sums (the first: also a fused sum whose runs span lines), in the order
 * NumPy 1.24 sums the C-contiguous chunk that the JavaScript path makes of the block
 * (lib/np/float-sum.ts, floatSum): of the expression's values into out (center NULL), or of
 * (value - center)² (center: the means, laid out as out).
 * When the innermost dimension is reduced, each output's trailing reduced elements are one run
 * in C order, summed in pieces of MACHINE_BUFSIZE from its start (acc += pairwise(piece)), runs
 * added in C order; otherwise every element is added to its output in C order.
 */
static void moments_pass(const Machine *M, const Walk *W, double **r, double *store, double *piece, double *out, const double *center) {
  int rr = W->r, t = W->t;
  int64_t nl = W->shape[rr - 1];
  int64_t j[MACHINE_MAX_DIMS] = { 0 }, p[MACHINE_MAX_LEAVES], q = 0;
  for (int i = 0; i < M->k; i++) p[i] = W->off[i];
  if (t == 0) {
    int64_t os = W->ostride[rr - 1];
    do {
      for (int64_t i0 = 0; i0 < nl; i0 += MACHINE_BLOCK) {
        int64_t nb = nl - i0 < MACHINE_BLOCK ? nl - i0 : MACHINE_BLOCK;
        const double *e = evaluate(M, r, store, p, i0, nb);
        double *o = out + q + i0 * os;
        if (!center) for (int64_t i = 0; i < nb; i++) o[i * os] += e[i];
        else {
          const double *c = center + q + i0 * os;
          for (int64_t i = 0; i < nb; i++) { double d = e[i] - c[i * os]; o[i * os] += d * d; }
        }
      }
    } while (step_index(M, W, j, 0, rr - 1, p, &q));
    return;
  }
  if (!center) {
    sum_runs(M, W, r, store, piece, out);
    return;
  }
  int outer = rr - t;
  do {
    double acc = out[q], c = center ? center[q] : 0.;
    int64_t fill = 0, pl[MACHINE_MAX_LEAVES], jl[MACHINE_MAX_DIMS] = { 0 }, ql = q;
    for (int i = 0; i < M->k; i++) pl[i] = p[i];
    do {
      for (int64_t i0 = 0; i0 < nl;) {
        int64_t nb = nl - i0;
        if (nb > MACHINE_BLOCK) nb = MACHINE_BLOCK;
        if (nb > MACHINE_BUFSIZE - fill) nb = MACHINE_BUFSIZE - fill;
        const double *e = evaluate(M, r, store, pl, i0, nb);
        double *dst = piece + fill;
        if (!center) memcpy(dst, e, sizeof(double) * (size_t)nb);
        else for (int64_t i = 0; i < nb; i++) { double d = e[i] - c; dst[i] = d * d; }
        fill += nb;
        i0 += nb;
        if (fill == MACHINE_BUFSIZE) {
          acc += np_pairwise_sum(piece, fill);
          fill = 0;
        }
      }
    } while (step_index(M, W, jl, outer, rr - 1, pl, &ql));
    if (fill > 0) acc += np_pairwise_sum(piece, fill);
    out[q] = acc;
  } while (step_index(M, W, j, 0, outer, p, &q));
}

/* ---- std/var in one pass over memory ------------------------------------------------- */

/*
 * The expression's values of one output's elements (or of a strip of outputs) are evaluated
 * once into a scratch buffer the size of a core's L2 cache, and both sums read them from there:
 * the leaves are read once from memory and the chain runs once, where moments_pass reads them
 * twice and runs the chain twice. Each sum keeps the order of additions of moments_pass, so the
 * bits are the same; a block whose buffer would not fit keeps the two passes.
 *
 * MOMENTS_SCRATCH doubles (1 MB) per thread: allocated once, at the thread's first
 * machineMoments (lazily: the executor's warm-up runs no lazy var/std, so a cell's first one, or a
 * pool worker's first var/std task), its pages touched only as far as a block needs, and freed
 * when the thread exits. Fixed size: nothing grows with the data. Measured on a 4000x4000
 * float64 array in 1000x1000 chunks, var over axis 0 (1000 rows per strip), one thread, CPU
 * time per element on the EPYC (Zen 4, 1 MB L2 per core): 512 KB (64-column strips) 1.2 ns, 768
 * KB 0.92, 1 MB (128 columns) 0.81, the two passes 1.7, the fused sum over the same axis 0.66.
 * How much of it a strip takes is tuned per CPU family (np_tuning.strip_bytes, np_addon.c): on
 * the Xeon (2 MB L2, a slower L3) the 1 MB strip was 1.25-1.34 ns and a 256 KB one 0.93-0.98.
 */
#define MOMENTS_SCRATCH (1 << 17)
/* A strip narrower than this many columns would run the chain over too few elements at a time: two passes instead. */
#define MOMENTS_MIN_STRIP 16

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static void scratch_key_make(void) { pthread_key_create(&scratch_key, free); }

/* This thread's scratch buffer (MOMENTS_SCRATCH doubles), or NULL when out of memory. */
static double *moments_scratch(void) {
  pthread_once(&scratch_once, scratch_key_make);
  double *s = pthread_getspecific(scratch_key);
  if (!s && (s = aligned_alloc(64, sizeof(double) * MOMENTS_SCRATCH)) && pthread_setspecific(scratch_key, s) != 0) {
    free(s);
    s = NULL;
  }
  return s;
}

/* Whether the result register can point into the destination for a block (a temporary the last
 * instruction writes: as machineMap's direct output). */
static int result_direct(const Machine *M) {
  return M->count > 0 && M->result >= M->nconst + M->k && M->code[4 * (M->count - 1) + 1] == M->result;
}

/* The program over the registers as they are (leaves already loaded), n elements, into dst. */
static void run_into(const Machine *M, double **r, int64_t n, double *dst, int direct) {
  if (direct) {
    double *saved = r[M->result];
    r[M->result] = dst;
    PICK(run_block)(M->code, M->count, M->nconst, M->consts, r, n);
    r[M->result] = saved;
  } else {
    PICK(run_block)(M->code, M->count, M->nconst, M->consts, r, n);
    if (r[M->result] != dst) memcpy(dst, r[M->result], sizeof(double) * (size_t)n);
  }
}

/*
 * dev_pairwise: np_pairwise_sum of (a[i] - c)² without storing the squares: the same tree
 * (np_pairwise.h), so the same additions of the same squares.
 * rows_sum / rows_dev: acc[c] += the row's element c (or its squared deviation from mean[c]),
 * rows in order: moments_pass's order for outputs along a kept last dimension.
 */
#define DEFINE_MOMENTS(SUFFIX, ATTR) \
  /* A leaf of the tree (8 <= n <= PW_BLOCKSIZE): eight running sums in two vectors, then the tail. */ \
  ATTR static double dev_leaf_##SUFFIX(const double *a, int64_t n, double c) { \
    v4d lo, hi, x, cc = { c, c, c, c }; \
    memcpy(&lo, a, sizeof lo); \
    memcpy(&hi, a + 4, sizeof hi); \
    lo -= cc; hi -= cc; lo *= lo; hi *= hi; \
    int64_t i; \
    for (i = 8; i < n - (n % 8); i += 8) { \
      memcpy(&x, a + i, sizeof x); x -= cc; lo += x * x; \
      memcpy(&x, a + i + 4, sizeof x); x -= cc; hi += x * x; \
    } \
    double res = ((lo[0] + lo[1]) + (lo[2] + lo[3])) + ((hi[0] + hi[1]) + (hi[2] + hi[3])); \
    for (; i < n; i++) { double d = a[i] - c; res += d * d; } \
    return res; \
  } \
  /* Two neighbouring leaves (8 <= na, nb <= PW_BLOCKSIZE) as dev_leaf sums each, their loops in step: \
   * each leaf's running sums are a chain of dependent additions, so one leaf alone waits on \
   * the adder's latency; two interleaved keep twice as many additions in flight. The same \
   * additions in the same order per leaf, so the same bits. */ \
  LEAF_PAIR(dev_leaf_pair_##SUFFIX, ATTR, DEV_V, DEV_S) \
  ATTR static double dev_pairwise_##SUFFIX(const double *a, int64_t n, double c) { \
    if (n < 8) { \
      double res = 0.; \
      for (int64_t i = 0; i < n; i++) { double d = a[i] - c; res += d * d; } \
      return res; \
    } \
    if (n <= PW_BLOCKSIZE) return dev_leaf_##SUFFIX(a, n, c); \
    int64_t n2 = pw_split(n); \
    if (n - n2 <= PW_BLOCKSIZE) { /* both halves are leaves (n > PW_BLOCKSIZE: each has at least 64) */ \
      double x, y; \
      dev_leaf_pair_##SUFFIX(a, n2, a + n2, n - n2, c, &x, &y); \
      return x + y; \
    } \
    return dev_pairwise_##SUFFIX(a, n2, c) + dev_pairwise_##SUFFIX(a + n2, n - n2, c); \
  } \
  /* np_pairwise_sum's tree (np_reduce.c) over a run in the scratch buffer, its neighbouring \
   * leaves in step as dev_pairwise's (sum_leaf_pair, with the machine's loops): the same \
   * additions, so the same bits, without that function's prefetches far ahead (the run is in \
   * the cache; they cost it a third of its time). */ \
  ATTR static double run_pairwise_##SUFFIX(const double *a, int64_t n) { \
    if (n <= PW_BLOCKSIZE) return np_pairwise_sum(a, n); \
    int64_t n2 = pw_split(n); \
    if (n - n2 <= PW_BLOCKSIZE) { \
      double x, y; \
      sum_leaf_pair_##SUFFIX(a, n2, a + n2, n - n2, 0., &x, &y); \
      return x + y; \
    } \
    return run_pairwise_##SUFFIX(a, n2) + run_pairwise_##SUFFIX(a + n2, n - n2); \
  } \
  /* Sixteen columns at a time down all the rows, their sums in registers (a row at a time, each \
   * column's sum went through memory once per row); per column the same additions in the same \
   * order. */ \
  ATTR static void rows_sum_##SUFFIX(const double *restrict e, int64_t rows, int64_t w, double *restrict acc) { \
    int64_t c = 0; \
    for (; c + 16 <= w; c += 16) { \
      v4d s0, s1, s2, s3, x; \
      memcpy(&s0, acc + c, sizeof s0); memcpy(&s1, acc + c + 4, sizeof s1); \
      memcpy(&s2, acc + c + 8, sizeof s2); memcpy(&s3, acc + c + 12, sizeof s3); \
      for (int64_t j = 0; j < rows; j++) { \
        const double *r = e + j * w + c; \
        memcpy(&x, r, sizeof x); s0 += x; memcpy(&x, r + 4, sizeof x); s1 += x; \
        memcpy(&x, r + 8, sizeof x); s2 += x; memcpy(&x, r + 12, sizeof x); s3 += x; \
      } \
      memcpy(acc + c, &s0, sizeof s0); memcpy(acc + c + 4, &s1, sizeof s1); \
      memcpy(acc + c + 8, &s2, sizeof s2); memcpy(acc + c + 12, &s3, sizeof s3); \
    } \
    for (int64_t j = 0; j < rows; j++) \
      for (int64_t i = c; i < w; i++) acc[i] += e[j * w + i]; \
  } \
  ATTR static void rows_dev_##SUFFIX(const double *restrict e, int64_t rows, int64_t w, const double *restrict mean, double *restrict acc) { \
    int64_t c = 0; \
    for (; c + 16 <= w; c += 16) { \
      v4d s0, s1, s2, s3, m0, m1, m2, m3, x; \
      memcpy(&s0, acc + c, sizeof s0); memcpy(&s1, acc + c + 4, sizeof s1); \
      memcpy(&s2, acc + c + 8, sizeof s2); memcpy(&s3, acc + c + 12, sizeof s3); \
      memcpy(&m0, mean + c, sizeof m0); memcpy(&m1, mean + c + 4, sizeof m1); \
      memcpy(&m2, mean + c + 8, sizeof m2); memcpy(&m3, mean + c + 12, sizeof m3); \
      for (int64_t j = 0; j < rows; j++) { \
        const double *r = e + j * w + c; \
        memcpy(&x, r, sizeof x); x -= m0; s0 += x * x; memcpy(&x, r + 4, sizeof x); x -= m1; s1 += x * x; \
        memcpy(&x, r + 8, sizeof x); x -= m2; s2 += x * x; memcpy(&x, r + 12, sizeof x); x -= m3; s3 += x * x; \
      } \
      memcpy(acc + c, &s0, sizeof s0); memcpy(acc + c + 4, &s1, sizeof s1); \
      memcpy(acc + c + 8, &s2, sizeof s2); memcpy(acc + c + 12, &s3, sizeof s3); \
    } \
    for (int64_t j = 0; j < rows; j++) \
      for (int64_t i = c; i < w; i++) { double d = e[j * w + i] - mean[i]; acc[i] += d * d; } \
  }
FOR_EACH_ISA(DEFINE_MOMENTS)

/* A run's sum from its leaves' sums: its pieces of MACHINE_BUFSIZE added in order from 0. (moments_runs's order). */
static double pw_run_sum(int64_t run, const double *vals) {
  double s = 0.;
  int i = 0;
  for (int64_t at = 0; at < run; at += MACHINE_BUFSIZE) s += pw_combine(run - at < MACHINE_BUFSIZE ? run - at : MACHINE_BUFSIZE, vals, &i);
  return s;
}

/* Leaves of a fused run (at most MOMENTS_FUSED_RUN elements: at most 128 leaves in each piece of MACHINE_BUFSIZE, leaves of 64 or more but a piece's last). */
#define MOMENTS_FUSED_RUN (MOMENTS_SCRATCH / 2)
#define MOMENTS_FUSED_LEAVES ((MOMENTS_FUSED_RUN / MACHINE_BUFSIZE) * (MACHINE_BUFSIZE / 64) + 1)

/*
 * One line of a var/std run whose program is one chain with a square root, of a contiguous
 * float64 leaf (a): its values into cur, each leaf of their pairwise tree summed as np_pairwise_sum's leaf does
 * (eight running sums from the leaf's start, combined ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)), the
 * tail added in order; below 8 elements, in order from 0.), into svals; and in the same loop
 * the squared deviations of the previous run (prev, centre c) leaf by leaf as dev_pairwise's
 * leaves sum them, into dvals. Running sums start at -0.0, which adds nothing to any value
 * (not even a -0.0), so each is the leaf's first value after the first addition, as there.
 * The values are the chain's (chain_*'s CHAIN_VEC and chain_scalar, element by element).
 */
/* The chain's value at elements i..i+3; without TAIL its steps after the core are the identity
 * (sign bits kept, + -0.0, * 1, + -0.0: exact for every value), left out. */
#define FUSED_VEC(SUFFIX, CORE, TAIL, x, i) FUSED_VEC_BY(SUFFIX, VCORE_##SUFFIX, CHAIN_VEC, CORE, TAIL, x, i)
/* The same with VCORE2 (the square root on the FMA units where PAIRED). */
#define FUSED_VEC2(SUFFIX, CORE, TAIL, x, i) FUSED_VEC_BY(SUFFIX, VCORE2_##SUFFIX, CHAIN_VEC2, CORE, TAIL, x, i)
#define FUSED_VEC_BY(SUFFIX, VCORE, CHAIN_VEC_N, CORE, TAIL, x, i) { \
    if (TAIL) CHAIN_VEC_N(SUFFIX, HEAD_NONE, CORE, x, i) \
    else { \
      memcpy(&x, a + (i), sizeof x); \
      x = (v4d)(((v4u)x & A1) ^ X1); \
      x = VCORE(CORE, x); \
    } \
  }
#define FUSED_BODY(SUFFIX, CORE, TAIL) { \
    const double *b = NULL; \
    (void)b; \
    v4u A1 = { s->and1, s->and1, s->and1, s->and1 }, X1 = { s->xor1, s->xor1, s->xor1, s->xor1 }; \
    v4u A2 = { s->and2, s->and2, s->and2, s->and2 }, X2 = { s->xor2, s->xor2, s->xor2, s->xor2 }; \
    v4d a0 = { s->a0, s->a0, s->a0, s->a0 }, m1 = { s->m1, s->m1, s->m1, s->m1 }, a2 = { s->a2, s->a2, s->a2, s->a2 }; \
    v4d cc = { c, c, c, c }, nz = { -0., -0., -0., -0. }; \
    int64_t o = 0; \
    /* Every fused_fma_period-th iteration's second vector to the FMA units (PAIRED): one in \
     * four (np_addon.c). */ \
    const int period_ = np_tuning.fused_fma_period; \
    /* The line's values np_tuning.chain_ahead elements on asked for, as the chains' folds do \
     * (CHAIN_AHEAD; on the Xeon std(-1) 1.04 -> 0.95-0.97 ns/element one thread, 0.64-0.65 -> \
     * 0.56-0.59 two). */ \
    const int64_t ahead_ = np_tuning.chain_ahead, until_ = reads_on_ ? INT64_MAX : nl; \
    int turn = 0; \
    (void)turn; (void)period_; \
    for (int li = 0; li < nleaves; o += lens[li], li++) { \
      int64_t n = lens[li], i = o; \
      double sv, dv; \
      if (n < 8) { \
        sv = 0.; \
        dv = 0.; \
      } else { \
        v4d slo = nz, shi = nz, dlo = nz, dhi = nz; \
        for (; i < o + n - n % 8; i += 8) { \
          v4d x, y, p0, p1; \
          if (ahead_ && i + ahead_ < until_) __builtin_prefetch(AHEAD_ADDR(a, i + ahead_), 0, 3); \
          FUSED_VEC(SUFFIX, CORE, TAIL, x, i); \
          if (PAIRED_##SUFFIX && turn == 0) FUSED_VEC2(SUFFIX, CORE, TAIL, y, i + 4) \
          else FUSED_VEC(SUFFIX, CORE, TAIL, y, i + 4) \
          if (++turn == period_) turn = 0; \
          memcpy(cur + i, &x, sizeof x); \
          memcpy(cur + i + 4, &y, sizeof y); \
          slo += x; \
          shi += y; \
          memcpy(&p0, prev + i, sizeof p0); \
          memcpy(&p1, prev + i + 4, sizeof p1); \
          p0 -= cc; \
          p1 -= cc; \
          dlo += p0 * p0; \
          dhi += p1 * p1; \
        } \
        sv = ((slo[0] + slo[1]) + (slo[2] + slo[3])) + ((shi[0] + shi[1]) + (shi[2] + shi[3])); \
        dv = ((dlo[0] + dlo[1]) + (dlo[2] + dlo[3])) + ((dhi[0] + dhi[1]) + (dhi[2] + dhi[3])); \
      } \
      /* The tail (n % 8 elements, added in order): four values at a time where the line has \
       * them (past the leaf's end too: the next leaf makes those again), one at a time at its \
       * end, a scalar square root costing about what a vector does. */ \
      while (i < o + n) { \
        double v[4]; \
        int64_t m = o + n - i < 4 ? o + n - i : 4; \
        if (i + 4 <= nl) { \
          v4d x; \
          FUSED_VEC(SUFFIX, CORE, TAIL, x, i); \
          memcpy(v, &x, sizeof x); \
        } else for (int64_t k = 0; k < m; k++) v[k] = chain_scalar(s, a[i + k], a + i + k); \
        for (int64_t k = 0; k < m; k++, i++) { \
          cur[i] = v[k]; \
          sv += v[k]; \
          double d = prev[i] - c; \
          dv += d * d; \
        } \
      } \
      svals[li] = sv; \
      dvals[li] = dv; \
    } \
  }
#define DEFINE_MOMENTS_FUSED(SUFFIX, ATTR) \
  ATTR static void fused_line_##SUFFIX(const Step *s, const double *a, int64_t nl, double *cur, const double *prev, double c, const int32_t *lens, int nleaves, double *svals, double *dvals) { \
    uint64_t a0b, a2b; \
    memcpy(&a0b, &s->a0, 8); \
    memcpy(&a2b, &s->a2, 8); \
    if (s->and2 == ~0ull && s->xor2 == 0 && a0b == SIGN_BIT && s->m1 == 1.0 && a2b == SIGN_BIT) FUSED_BODY(SUFFIX, CORE_SQRT, 0) \
    else FUSED_BODY(SUFFIX, CORE_SQRT, 1) \
  }
FOR_EACH_ISA(DEFINE_MOMENTS_FUSED)
#ifdef LAZYLAB_X86
DEFINE_MOMENTS_FUSED(avx512, FAST_SQRT_ATTR)
#define FUSED_LINE (np_fast_sqrt && np_tuning.fused_fma_period > 0 ? fused_line_avx512 : PICK(fused_line))
#else
#define FUSED_LINE PICK(fused_line)
#endif

/* Asks for every cache line of a contiguous leaf's (stride 1 or -1) n elements from element p on
 * (p their last, going backwards) into L2. Only a hint: nothing is read. */
static void prefetch_row(const Leaf *l, int64_t p, int64_t n) {
  int64_t size = (int64_t)leaf_size(l->type), lo = p + (l->s < 0 ? 1 - n : 0);
  prefetch_span((uintptr_t)l->data + (uintptr_t)(lo * size), (uintptr_t)(n * size));
}

/*
 * moments_runs for a program that is one chain with a square root, of one contiguous float64
 * leaf, each run one line of at most MOMENTS_FUSED_RUN: the runs take turns in the scratch
 * buffer's halves, and one loop (fused_line) evaluates a run, sums its leaves and sums the
 * previous run's squared deviations' leaves. The sums are moments_runs's, leaf by leaf and tree
 * by tree, so the bits are the same. The square root bounds the loop (~9 cycles per 4 doubles
 * here) and the sums' additions run in the cycles it leaves the adders; as separate passes
 * after it (moments_runs) they took a fifth of a std(-1) band's time (perf of the pool threads:
 * 409 of 2200 samples). One thread, a band of std(-1) of sqrt(abs(x)) (four 1000x1000 blocks
 * of a 4000-wide float64 array), ns per element, p25 of 60 calls: 0.84-0.85 with the passes,
 * 0.74-0.76 so, 0.69-0.70 with the identity steps after the root left out (the fused sum
 * (sqrt(abs(x))*2+1).sum(-1): 0.66-0.67). Only a square root: a cheap chain ((x*3-1).std(-1))
 * is bound instead by the running sums' latency (each leaf's eight sums in one loop), 0.44-0.50
 * fused against 0.41-0.46 with the passes, which sum two leaves in step. Returns 0 (nothing
 * done) when the block does not qualify.
 */
static int moments_fused(const Machine *M, const Walk *W, double *scratch, double *total, double *m2, double count) {
  const Step *s = &M->tail_step;
  int rr = W->r, outer = rr - 1;
  int64_t nl = W->shape[rr - 1];
  if (W->t != 1 || nl > MOMENTS_FUSED_RUN || M->count == 0 || M->tail != 0 || s->head != HEAD_NONE || s->core != CORE_SQRT) return 0;
  if (s->src < M->nconst || s->src >= M->nconst + M->k) return 0;
  int li = (int)(s->src - M->nconst);
  const Leaf *L = &M->leaves[li];
  if (L->type != napi_float64_array || L->s != 1) return 0;
  for (int d = 0; d < outer; d++)
    if (W->ostride[d] == 0) return 0;
  int32_t lens[MOMENTS_FUSED_LEAVES];
  double svals[MOMENTS_FUSED_LEAVES], dvals[MOMENTS_FUSED_LEAVES];
  int nleaves = 0;
  for (int64_t at = 0; at < nl; at += MACHINE_BUFSIZE) nleaves = pw_leaves(nl - at < MACHINE_BUFSIZE ? nl - at : MACHINE_BUFSIZE, lens, nleaves);
  int64_t span = nl < MACHINE_BUFSIZE ? nl : MACHINE_BUFSIZE;
  int64_t j[MACHINE_MAX_DIMS] = { 0 }, p[MACHINE_MAX_LEAVES], q = 0, qprev = 0;
  for (int i = 0; i < M->k; i++) p[i] = W->off[i];
  const double *data = (const double *)L->data;
  double *prev = NULL, cprev = 0.;
  int half = 0;
  do {
    /* The next line asked for ahead unless it starts where this one ends (moments_runs). */
    int64_t jn[MACHINE_MAX_DIMS], pn[MACHINE_MAX_LEAVES], qn = q;
    memcpy(jn, j, sizeof(int64_t) * (size_t)rr);
    memcpy(pn, p, sizeof(int64_t) * (size_t)M->k);
    int more = step_index(M, W, jn, 0, outer, pn, &qn), follows = more && pn[li] == p[li] + nl;
    if (more && !follows) prefetch_row(L, pn[li], span);
    double *cur = scratch + half * MOMENTS_FUSED_RUN;
    reads_on(follows);
    FUSED_LINE(s, data + p[li], nl, cur, prev ? prev : cur, cprev, lens, nleaves, svals, dvals);
    reads_on(0);
    if (prev) m2[qprev] = pw_run_sum(nl, dvals);
    total[q] = pw_run_sum(nl, svals);
    cprev = total[q] / count;
    qprev = q;
    prev = cur;
    half ^= 1;
  } while (step_index(M, W, j, 0, outer, p, &q));
  double v = 0.;
  for (int64_t at = 0; at < nl; at += MACHINE_BUFSIZE) v += PICK(dev_pairwise)(prev + at, nl - at < MACHINE_BUFSIZE ? nl - at : MACHINE_BUFSIZE, cprev);
  m2[qprev] = v;
  return 1;
}

/*
 * Both of var's sums when each output's elements are one run (the reduced dimensions are
 * exactly the trailing ones) of at most MOMENTS_SCRATCH: the run is evaluated once into the
 * scratch buffer, then summed in moments_pass's pieces of MACHINE_BUFSIZE (acc += pairwise
 * (piece)), then its squared deviations the same way. Returns 0 (nothing done) otherwise.
 */
static int moments_runs(const Machine *M, const Walk *W, double **r, double *store, double *scratch, double *total, double *m2, double count) {
  int rr = W->r, outer = rr - W->t;
  int64_t nl = W->shape[rr - 1], run = 1;
  for (int d = 0; d < rr; d++) {
    if (d >= outer) run *= W->shape[d];
    else if (W->ostride[d] == 0) return 0;
  }
  if (W->t == 0 || run > MOMENTS_SCRATCH) return 0;
  if (moments_fused(M, W, scratch, total, m2, count)) return 1;
  int direct = result_direct(M);
  /* A run that is one contiguous line of each leaf: the next run's lines (their first
   * MACHINE_BUFSIZE elements: the hardware streams the rest) are asked for (into L2) before this
   * one is evaluated, so memory keeps streaming while the sums run on the buffer (std(-1) of a
   * 4000-wide array, 1000-element runs, one thread: 1.50 -> 1.20 ns per element). */
  int ahead = W->t == 1;
  for (int i = 0; i < M->k; i++) ahead &= M->leaves[i].s == 1;
  int64_t span = nl < MACHINE_BUFSIZE ? nl : MACHINE_BUFSIZE;
  int64_t j[MACHINE_MAX_DIMS] = { 0 }, p[MACHINE_MAX_LEAVES], q = 0;
  for (int i = 0; i < M->k; i++) p[i] = W->off[i];
  do {
    if (ahead) {
      int64_t jn[MACHINE_MAX_DIMS], pn[MACHINE_MAX_LEAVES], qn = q;
      memcpy(jn, j, sizeof(int64_t) * (size_t)rr);
      memcpy(pn, p, sizeof(int64_t) * (size_t)M->k);
      if (step_index(M, W, jn, 0, outer, pn, &qn))
        for (int i = 0; i < M->k; i++) {
          /* A next run that starts where this one ends (a band's row of blocks, read line by
           * line across them) is one stream the hardware already fetches ahead. */
          if (pn[i] != p[i] + nl) prefetch_row(&M->leaves[i], pn[i], span);
        }
    }
    /* Only the run's dimensions of jl are read (step_index over [outer, rr - 1)): zeroing all
     * MACHINE_MAX_DIMS of them per run cost as much as a tenth of the sums (perf, std(-1)). */
    int64_t fill = 0, pl[MACHINE_MAX_LEAVES], jl[MACHINE_MAX_DIMS], ql = q;
    for (int d = outer; d < rr; d++) jl[d] = 0;
    for (int i = 0; i < M->k; i++) pl[i] = p[i];
    do {
      for (int64_t i0 = 0; i0 < nl; i0 += MACHINE_BLOCK) {
        int64_t nb = nl - i0 < MACHINE_BLOCK ? nl - i0 : MACHINE_BLOCK;
        for (int i = 0; i < M->k; i++) {
          const Leaf *l = &M->leaves[i];
          int64_t reg = M->nconst + i;
          r[reg] = load_leaf(l, pl[i] + i0 * l->s, nb, store + reg * MACHINE_REG_STRIDE);
        }
        run_into(M, r, nb, scratch + fill, direct);
        fill += nb;
      }
    } while (step_index(M, W, jl, outer, rr - 1, pl, &ql));
    double s = 0.;
    for (int64_t at = 0; at < fill; at += MACHINE_BUFSIZE) s += PICK(run_pairwise)(scratch + at, fill - at < MACHINE_BUFSIZE ? fill - at : MACHINE_BUFSIZE);
    double c = s / count, v = 0.;
    for (int64_t at = 0; at < fill; at += MACHINE_BUFSIZE) v += PICK(dev_pairwise)(scratch + at, fill - at < MACHINE_BUFSIZE ? fill - at : MACHINE_BUFSIZE, c);
    total[q] = s;
    m2[q] = v;
  } while (step_index(M, W, j, 0, outer, p, &q));
  return 1;
}

/* Advances the index j over the listed dimensions (dims[0..nd), the last fastest) in C order,
 * moving the leaves' offsets p[i] and the output offset *q; returns 0 after the last index. */
static int step_dims(const Machine *M, const Walk *W, const int *dims, int nd, int64_t *j, int64_t *p, int64_t *q) {
  for (int x = nd - 1; x >= 0; x--)
    if (step_dim(M, W, dims[x], j, p, q)) return 1;
  return 0;
}

/*
 * Both of var's sums when the last dimension is kept (e.g. axis 0 of a 2-D block): moments_pass
 * adds every element to its output in C order, so each output's additions go over the reduced
 * dimensions' indices ("rows") in C order, and outputs are independent. For each index of the
 * kept dimensions before the last, the last dimension goes in strips of w columns: the strip's
 * values of all rows (rows × w, in the scratch buffer) are evaluated once, MACHINE_BLOCK
 * elements at a time (a block is several rows of the strip, gathered), each block's rows added
 * into the strip's sums as soon as they are evaluated; then the squared deviations from the
 * strip's means are summed row by row over the buffer. Returns 0 (nothing done) when a strip of
 * MOMENTS_MIN_STRIP columns of all rows would not fit in the buffer.
 */
static int moments_strips(const Machine *M, const Walk *W, double **r, double *store, double *scratch, double *total, double *m2, double count) {
  int rr = W->r, kept[MACHINE_MAX_DIMS], red[MACHINE_MAX_DIMS], nk = 0, nr = 0;
  if (W->t != 0) return 0;
  int64_t nl = W->shape[rr - 1], os = W->ostride[rr - 1], rows = 1;
  for (int d = 0; d < rr - 1; d++) {
    if (W->ostride[d] == 0) { red[nr++] = d; rows *= W->shape[d]; }
    else kept[nk++] = d;
  }
  /* The strip: np_tuning.strip_bytes of rows (at least MOMENTS_MIN_STRIP columns, at most what
   * the buffer holds). */
  int64_t w = (int64_t)(np_tuning.strip_bytes / sizeof(double)) / rows;
  if (w < MOMENTS_MIN_STRIP) w = MOMENTS_MIN_STRIP;
  if (w > MOMENTS_SCRATCH / rows) w = MOMENTS_SCRATCH / rows;
  if (w > MACHINE_BLOCK) w = MACHINE_BLOCK;
  if (w >= nl) w = nl;
  else if (w < MOMENTS_MIN_STRIP) return 0;
  else w -= w % 4;
  int64_t ahead = np_tuning.ahead_lines / ((w * (int64_t)sizeof(double) + 63) / 64);
  if (ahead < 1) ahead = 1;
  int direct = result_direct(M);
  const Step *cs = &M->tail_step;
  int one_leaf = (int)(cs->src - M->nconst);
  /* A program that is one chain of one contiguous float64 leaf runs on each row where it lies
   * (CHAIN_OF, the row's values straight into the buffer): without the copy into the registers
   * a block's rows of (x*3-1).var(0) (4000x4000 in 1000x1000 chunks, one thread) took 0.78-0.79
   * ns/element against 0.81-0.87 (15 rounds, medians). */
  int one = M->count > 0 && M->tail == 0 && cs->head == HEAD_NONE && cs->src >= M->nconst && cs->src < M->nconst + M->k &&
            M->leaves[one_leaf].type == napi_float64_array && M->leaves[one_leaf].s == 1;
  /* Rows of a strip are far apart (a whole line of the array): the hardware does not fetch the
   * next ones ahead, so each leaf's row `ahead` rows on along the innermost reduced dimension
   * is asked for (into L2) while this one is copied, every cache line it touches (lib/np's
   * arrays need not start on a line), where the row is contiguous (either way): about
   * np_tuning.ahead_lines lines ahead (EPYC, 128-column strips: 8 rows ahead 0.81 ns/element,
   * 16 rows 0.92; without, 1.37 with 64-column strips where 8 ahead gave 0.98. Xeon,
   * 32-column strips: 10 rows 1.04-1.12, 16 rows 0.96-1.11, 24 rows 0.96-0.98). Only a hint:
   * an address past the block is never read. */
  int64_t ahead_step[MACHINE_MAX_LEAVES];
  int pf = nr > 0;
  for (int i = 0; i < M->k; i++) ahead_step[i] = nr > 0 ? W->stride[i][red[nr - 1]] : 0;
  double sums[MACHINE_BLOCK] __attribute__((aligned(32))), centers[MACHINE_BLOCK] __attribute__((aligned(32)));
  int64_t jk[MACHINE_MAX_DIMS] = { 0 }, pk[MACHINE_MAX_LEAVES], qk = 0;
  for (int i = 0; i < M->k; i++) pk[i] = W->off[i];
  do {
    for (int64_t c0 = 0; c0 < nl; c0 += w) {
      int64_t wc = nl - c0 < w ? nl - c0 : w, g = MACHINE_BLOCK / wc;
      int64_t jr[MACHINE_MAX_DIMS] = { 0 }, pr[MACHINE_MAX_LEAVES], qr = 0;
      for (int i = 0; i < M->k; i++) pr[i] = pk[i] + c0 * M->leaves[i].s;
      /* The strip's rows into the scratch buffer (row ρ at ρ*wc), g rows per block, each block's
       * rows added into the strip's sums while they are still in L1 (rows in order: the same
       * additions as a pass over the whole strip, which cost another read of it from L2). */
      memset(sums, 0, sizeof(double) * (size_t)wc);
      int more = 1;
      for (int64_t row = 0; more; ) {
        int64_t nb = 0;
        while (nb < g && more) {
          if (one) {
            /* The rows left along the innermost reduced dimension (equally spaced), as many as
             * the block takes, in one call; then on to the last of them, for step_dims. */
            int d = nr > 0 ? red[nr - 1] : 0;
            int64_t run = nr > 0 ? W->shape[d] - jr[d] : 1;
            if (run > g - nb) run = g - nb;
            CHAIN_ROWS_OF(cs)(cs, (const double *)M->leaves[one_leaf].data + pr[one_leaf], ahead_step[one_leaf], scratch + row * wc, wc, run, pf ? ahead : 0);
            if (nr > 0) {
              jr[d] += run - 1;
              for (int i = 0; i < M->k; i++) pr[i] += (run - 1) * ahead_step[i];
            }
            nb += run;
            row += run;
          } else {
            for (int i = 0; i < M->k; i++) {
              int64_t reg = M->nconst + i;
              double *dst = store + reg * MACHINE_REG_STRIDE + nb * wc;
              if (pf && (M->leaves[i].s == 1 || M->leaves[i].s == -1)) prefetch_row(&M->leaves[i], pr[i] + ahead * ahead_step[i], wc);
              const double *src = load_leaf(&M->leaves[i], pr[i], wc, dst);
              if (src != dst) memcpy(dst, src, sizeof(double) * (size_t)wc);
            }
            nb++;
            row++;
          }
          more = step_dims(M, W, red, nr, jr, pr, &qr);
        }
        if (!one) {
          for (int i = 0; i < M->k; i++) r[M->nconst + i] = store + (M->nconst + i) * MACHINE_REG_STRIDE;
          run_into(M, r, nb * wc, scratch + (row - nb) * wc, direct);
        }
        PICK(rows_sum)(scratch + (row - nb) * wc, nb, wc, sums);
      }
      for (int64_t i = 0; i < wc; i++) {
        total[qk + (c0 + i) * os] = sums[i];
        centers[i] = sums[i] / count;
      }
      memset(sums, 0, sizeof(double) * (size_t)wc);
      PICK(rows_dev)(scratch, rows, wc, centers, sums);
      for (int64_t i = 0; i < wc; i++) m2[qk + (c0 + i) * os] = sums[i];
    }
  } while (step_dims(M, W, kept, nk, jk, pk, &qk));
  return 1;
}

/* ---- Elementwise results ------------------------------------------------------------- */

/* n values into a typed array of T at o, stride os, converted by CONV. */
#define STORE_AS(T, CONV) { \
    T *d = (T *)O + at; \
    if (os == 1) for (int64_t i = 0; i < n; i++) { double x = e[i]; d[i] = CONV; } \
    else for (int64_t i = 0; i < n; i++) { double x = e[i]; d[i * os] = CONV; } \
    break; \
  }

/* O[at + i*os] = e[i] for i < n, converted as a store into the typed array does in JavaScript
 * (Float32Array: rounded to nearest; the integer arrays: ToInt32/ToUint32 and wrapped). */
static void store_block(napi_typedarray_type type, void *O, int64_t at, int64_t os, const double *e, int64_t n) {
  switch (type) {
    case napi_float64_array:
      if (os == 1) {
        if ((double *)O + at != e) memcpy((double *)O + at, e, sizeof(double) * (size_t)n);
        break;
      }
      STORE_AS(double, x)
    case napi_float32_array: STORE_AS(float, (float)x)
    case napi_int32_array: STORE_AS(int32_t, (int32_t)js_uint32(x))
    case napi_uint32_array: STORE_AS(uint32_t, js_uint32(x))
    case napi_int16_array: STORE_AS(int16_t, (int16_t)(uint16_t)js_uint32(x))
    case napi_uint16_array: STORE_AS(uint16_t, (uint16_t)js_uint32(x))
    case napi_int8_array: STORE_AS(int8_t, (int8_t)(uint8_t)js_uint32(x))
    default: STORE_AS(uint8_t, (uint8_t)js_uint32(x))
  }
}

/* ---- N-API glue ---------------------------------------------------------------------- */

static int throw_range(napi_env env, const char *what) {
  napi_throw_range_error(env, NULL, what);
  return 0;
}

/* A JavaScript array of exactly `expect` integers. */
static int get_int_list(napi_env env, napi_value v, int64_t *out, uint32_t expect) {
  uint32_t len;
  if (napi_get_array_length(env, v, &len) != napi_ok || len != expect) {
    napi_throw_type_error(env, NULL, "lazylab expression machine: expected an array of integers of the right length");
    return 0;
  }
  for (uint32_t i = 0; i < len; i++) {
    napi_value e;
    if (napi_get_element(env, v, i, &e) != napi_ok || !get_int(env, e, out + i)) return 0;
  }
  return 1;
}

/* Whether element off + j*t + i*s (j < m, i < n) stays inside [0, length) for all of them. */
static int span_in(size_t length, int64_t off, int64_t m, int64_t t, int64_t n, int64_t s) {
  if (m <= 0 || n <= 0) return 1;
  int64_t lo = off, hi = off;
  if (t < 0) lo += (m - 1) * t; else hi += (m - 1) * t;
  if (s < 0) lo += (n - 1) * s; else hi += (n - 1) * s;
  return lo >= 0 && hi < (int64_t)length;
}

/*
 * The program (Int32Array [nconst, k, nregs, result, code...]) and its constants
 * (Float64Array, registers 0..nconst-1) into M, checked whole before anything runs: registers
 * in range, constants and leaves never written, no instruction writing its own operand.
 */
static int read_program(napi_env env, napi_value program, napi_value constants, Machine *M, const double **consts) {
  napi_typedarray_type type;
  size_t plen, clen;
  void *pdata;
  double *cdata;
  if (napi_get_typedarray_info(env, program, &type, &plen, &pdata, NULL, NULL) != napi_ok || type != napi_int32_array || plen < 4) {
    napi_throw_type_error(env, NULL, "lazylab expression machine: the program must be an Int32Array");
    return 0;
  }
  if (!get_f64(env, constants, &cdata, &clen)) return 0;
  const int32_t *prog = (const int32_t *)pdata;
  M->nconst = prog[0];
  M->k = prog[1];
  M->nregs = prog[2];
  M->result = prog[3];
  M->code = prog + 4;
  M->count = (int64_t)(plen - 4) / 4;
  if (M->nconst < 0 || (size_t)M->nconst != clen || M->k < 0 || M->k > MACHINE_MAX_LEAVES || M->nregs > MACHINE_MAX_REGS ||
      M->nregs < M->nconst + M->k || M->result < 0 || M->result >= M->nregs || (plen - 4) % 4 != 0)
    return throw_range(env, "lazylab expression machine: malformed program or arguments");
  for (int64_t c = 0; c < M->count; c++) {
    const int32_t *ins = M->code + 4 * c;
    if (ins[0] < 0 || ins[0] > M_LAST || ins[1] < M->nconst + M->k || ins[1] >= M->nregs || ins[2] < 0 || ins[2] >= M->nregs ||
        ins[3] < 0 || ins[3] >= M->nregs || ins[1] == ins[2] || ins[1] == ins[3])
      return throw_range(env, "lazylab expression machine: malformed instruction");
  }
  *consts = cdata;
  M->consts = cdata;
  find_tail(M);
  return 1;
}

/* The program's k leaves (a JavaScript array of typed arrays) into M->leaves (strides unset). */
static int read_leaves(napi_env env, napi_value list, Machine *M) {
  uint32_t nleaves;
  if (napi_get_array_length(env, list, &nleaves) != napi_ok || nleaves != (uint32_t)M->k) {
    napi_throw_type_error(env, NULL, "lazylab expression machine: expected one typed array per leaf");
    return 0;
  }
  for (int i = 0; i < M->k; i++) {
    napi_value e;
    Leaf *l = &M->leaves[i];
    if (napi_get_element(env, list, i, &e) != napi_ok || napi_get_typedarray_info(env, e, &l->type, &l->length, &l->data, NULL, NULL) != napi_ok ||
        !leaf_type_ok(l->type)) {
      napi_throw_type_error(env, NULL, "lazylab expression machine: a leaf must be a float or integer typed array (not a BigInt or clamped one)");
      return 0;
    }
  }
  return 1;
}

/* The registers' memory (free() it), with r[i] pointing at register i and the constants filled in; NULL with an error thrown. */
static double *make_registers(napi_env env, const Machine *M, const double *consts, double **r) {
  double *store = aligned_alloc(64, sizeof(double) * MACHINE_REG_STRIDE * (size_t)(M->nregs > 0 ? M->nregs : 1));
  if (!store) {
    napi_throw_error(env, NULL, "lazylab expression machine: out of memory");
    return NULL;
  }
  for (int64_t i = 0; i < M->nregs; i++) r[i] = store + i * MACHINE_REG_STRIDE;
  for (int64_t c = 0; c < M->nconst; c++)
    for (int64_t i = 0; i < MACHINE_BLOCK; i++) r[c][i] = consts[c];
  return store;
}

/*
 * machineFold(program, consts, fold, leaves, strides, P, N, R, m, O, os, ot): runs lib/da's
 * band kernel (fuse.ts, foldBandKernel) with the program in place of the generated expression.
 * program: Int32Array [nconst, k, nregs, result, code...]; consts: Float64Array (registers
 * 0..nconst-1); leaves: k typed arrays (registers nconst..nconst+k-1); strides: [s0, t0, s1,
 * t1, ...]; P: G*k line starts; N, R: G lengths and output starts; the parts' line j is folded
 * into O at R[g] + j*ot (one element when os is 0, else element i at + i*os).
 */
static napi_value js_machine_fold(napi_env env, napi_callback_info info) {
  size_t argc = 12;
  napi_value argv[12];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != 12) {
    napi_throw_type_error(env, NULL, "lazylab expression machine: machineFold takes 12 arguments");
    return NULL;
  }
  Machine M;
  const double *consts;
  size_t olen;
  int64_t fold, m, os, ot;
  if (!read_program(env, argv[0], argv[1], &M, &consts) || !get_int(env, argv[2], &fold) || !get_int(env, argv[8], &m) ||
      !get_f64(env, argv[9], &M.o, &olen) || !get_int(env, argv[10], &os) || !get_int(env, argv[11], &ot))
    return NULL;
  M.fold = (int)fold;
  M.os = os;
  M.ot = ot;
  if (fold < F_SUM || fold > F_MAX || m < 0) {
    throw_range(env, "lazylab expression machine: malformed program or arguments");
    return NULL;
  }
  if (!read_leaves(env, argv[3], &M)) return NULL;
  int64_t strides[2 * MACHINE_MAX_LEAVES];
  if (!get_int_list(env, argv[4], strides, 2 * M.k)) return NULL;
  for (int i = 0; i < M.k; i++) {
    M.leaves[i].s = strides[2 * i];
    M.leaves[i].t = strides[2 * i + 1];
  }
  uint32_t G;
  if (napi_get_array_length(env, argv[6], &G) != napi_ok) {
    napi_throw_type_error(env, NULL, "lazylab expression machine: expected an array of part lengths");
    return NULL;
  }
  int64_t *lists = malloc(sizeof(int64_t) * ((size_t)G * (M.k + 2) + 1));
  if (!lists) {
    napi_throw_error(env, NULL, "lazylab expression machine: out of memory");
    return NULL;
  }
  double *store = NULL;
  int64_t *P = lists, *N = P + (size_t)G * M.k, *R = N + G;
  if (!get_int_list(env, argv[5], P, G * M.k) || !get_int_list(env, argv[6], N, G) || !get_int_list(env, argv[7], R, G)) goto done;
  for (uint32_t g = 0; g < G; g++) {
    for (int i = 0; i < M.k; i++)
      if (!span_in(M.leaves[i].length, P[g * M.k + i], m, M.leaves[i].t, N[g], M.leaves[i].s)) {
        throw_range(env, "lazylab expression machine: a leaf's lines reach outside its array");
        goto done;
      }
    if (N[g] < 0 || !span_in(olen, R[g], m, ot, os == 0 ? 1 : N[g], os)) {
      throw_range(env, "lazylab expression machine: the output range is outside the array");
      goto done;
    }
  }
  double *r[MACHINE_MAX_REGS];
  if (!(store = make_registers(env, &M, consts, r))) goto done;
  int contiguous = 1;
  for (int i = 0; i < M.k; i++) contiguous &= M.leaves[i].s == 1;
  int64_t p[MACHINE_MAX_LEAVES], j_from = 0;
  Pieces pieces = { .n = -1 };
  Step rows;
  if (m >= FOLD_ROWS && fold_rows_of(&M, &rows)) {
    /* FOLD_ROWS lines of every part at a time, the parts in turn (memory order for each line). */
    reads_on(0);
    for (; j_from + FOLD_ROWS <= m; j_from += FOLD_ROWS)
      for (uint32_t g = 0; g < G; g++) fold_rows(&M, r, store, &rows, P + g * M.k, j_from, N[g], R[g]);
  }
  /* Line by line across the parts, as the JavaScript kernel walks a row of blocks (memory order). */
  for (int64_t j = j_from; j < m; j++)
    for (uint32_t g = 0; g < G; g++) {
      for (int i = 0; i < M.k; i++) p[i] = P[g * M.k + i] + j * M.leaves[i].t;
      /* The next line: the next part's, else the first part's next. */
      uint32_t gn = g + 1 < G ? g + 1 : 0;
      int64_t jn = g + 1 < G ? j : j + 1;
      int then = contiguous && jn < m;
      for (int i = 0; then && i < M.k; i++) then = P[gn * M.k + i] + jn * M.leaves[i].t == p[i] + N[g];
      fold_line(&M, r, store, p, N[g], R[g] + j * ot, contiguous, then, &pieces);
    }
done:
  reads_on(0);
  free(lists);
  free(store);
  return NULL;
}

/*
 * machineMoments(program, consts, leaves, offsets, strides, shape, ostrides, count, total, m2):
 * the partial of var/std over one block (lib/da/evaluate.ts, partialOf; Dask's moment_chunk)
 * without making the block: total = the sum of the values and m2 = sum of (value - total /
 * count)², each sum in NumPy's order over the block's C-contiguous chunk (moments_pass), so
 * both have the bits NumPy gets from the chunk; in one pass over the leaves where the values
 * fit the scratch buffer (moments_runs, moments_strips), else two. With an empty m2, only the
 * sums (moments_pass): a fused sum whose runs span lines (lib/da/fold-block.ts). The block has r
 * = shape.length dimensions, none of length 1; leaf i's element at index j is at offsets[i] +
 * sum j_d * strides[i*r + d]; ostrides: the partial's strides (0 along reduced dimensions);
 * total and m2 are the partials, overwritten.
 */
static napi_value js_machine_moments(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value argv[10];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != 10) {
    napi_throw_type_error(env, NULL, "lazylab expression machine: machineMoments takes 10 arguments");
    return NULL;
  }
  Machine M;
  Walk W;
  const double *consts;
  double *total, *m2, *centers = NULL;
  size_t mlen, m2len;
  uint32_t r;
  int64_t count;
  if (!read_program(env, argv[0], argv[1], &M, &consts) || !read_leaves(env, argv[2], &M) || !get_int(env, argv[7], &count) ||
      !get_f64(env, argv[8], &total, &mlen) || !get_f64(env, argv[9], &m2, &m2len))
    return NULL;
  if (napi_get_array_length(env, argv[5], &r) != napi_ok || r < 1 || r > MACHINE_MAX_DIMS || (m2len != 0 && mlen != m2len) || count < 1) {
    throw_range(env, "lazylab expression machine: malformed block for machineMoments");
    return NULL;
  }
  W.r = (int)r;
  int64_t offsets[MACHINE_MAX_LEAVES];
  int64_t *strides = malloc(sizeof(int64_t) * (size_t)(M.k * r + 1));
  if (!strides) {
    napi_throw_error(env, NULL, "lazylab expression machine: out of memory");
    return NULL;
  }
  double *store = NULL, *scratch = NULL;
  if (!get_int_list(env, argv[3], offsets, M.k) || !get_int_list(env, argv[4], strides, M.k * r) || !get_int_list(env, argv[5], W.shape, r) ||
      !get_int_list(env, argv[6], W.ostride, r))
    goto done;
  /* The trailing reduced run; every length above 1; the partial's and each leaf's extent inside their arrays. */
  W.t = 0;
  while (W.t < W.r && W.ostride[W.r - 1 - W.t] == 0) W.t++;
  int64_t ohi = 0, size = 1;
  for (int d = 0; d < W.r; d++) {
    if (W.shape[d] < 1 || W.ostride[d] < 0) {
      throw_range(env, "lazylab expression machine: malformed block for machineMoments");
      goto done;
    }
    ohi += (W.shape[d] - 1) * W.ostride[d];
    size *= W.shape[d];
  }
  if (ohi >= (int64_t)mlen) {
    throw_range(env, "lazylab expression machine: the output range is outside the array");
    goto done;
  }
  for (int i = 0; i < M.k; i++) {
    int64_t lo = offsets[i], hi = offsets[i];
    for (int d = 0; d < W.r; d++) {
      int64_t s = strides[i * r + d];
      W.stride[i][d] = s;
      if (s < 0) lo += (W.shape[d] - 1) * s; else hi += (W.shape[d] - 1) * s;
    }
    if (lo < 0 || hi >= (int64_t)M.leaves[i].length) {
      throw_range(env, "lazylab expression machine: a leaf's lines reach outside its array");
      goto done;
    }
    W.off[i] = offsets[i];
    M.leaves[i].s = W.stride[i][W.r - 1];
    M.leaves[i].t = 0;
  }
  (void)size;
  double *regs[MACHINE_MAX_REGS];
  if (!(store = make_registers(env, &M, consts, regs))) goto done;
  if (!(scratch = moments_scratch())) {
    napi_throw_error(env, NULL, "lazylab expression machine: out of memory");
    goto done;
  }
  memset(total, 0, sizeof(double) * mlen);
  memset(m2, 0, sizeof(double) * m2len);
  if (m2len == 0) {
    moments_pass(&M, &W, regs, store, scratch, total, NULL);
    goto done;
  }
  /* One pass over memory where the values fit the scratch buffer (its first MACHINE_BUFSIZE doubles are moments_pass's piece otherwise). */
  if (!moments_runs(&M, &W, regs, store, scratch, total, m2, (double)count) && !moments_strips(&M, &W, regs, store, scratch, total, m2, (double)count)) {
    if (!(centers = malloc(sizeof(double) * mlen))) {
      napi_throw_error(env, NULL, "lazylab expression machine: out of memory");
      goto done;
    }
    moments_pass(&M, &W, regs, store, scratch, total, NULL);
    for (size_t q = 0; q < mlen; q++) centers[q] = total[q] / (double)count;
    moments_pass(&M, &W, regs, store, scratch, m2, centers);
  }
done:
  free(centers);
  free(strides);
  free(store);
  return NULL;
}

/*
 * machineMap(program, consts, leaves, starts, O, oo, os, ot, n, m): lib/da's map slab kernel
 * (fuse.ts, mapSlabKernel) with the program in place of the generated expression:
 * O[oo + j*ot + i*os] = value at element i of line j (i < n, j < m), leaf i read from
 * starts[3i] + j*starts[3i+2] + i*starts[3i+1]. O: any typed array but the BigInt ones,
 * written as JavaScript's store into it converts.
 */
static napi_value js_machine_map(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value argv[10];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != 10) {
    napi_throw_type_error(env, NULL, "lazylab expression machine: machineMap takes 10 arguments");
    return NULL;
  }
  Machine M;
  const double *consts;
  napi_typedarray_type otype;
  size_t olen;
  void *O;
  int64_t oo, os, ot, n, m, starts[3 * MACHINE_MAX_LEAVES];
  if (!read_program(env, argv[0], argv[1], &M, &consts) || !read_leaves(env, argv[2], &M) || !get_int(env, argv[5], &oo) || !get_int(env, argv[6], &os) ||
      !get_int(env, argv[7], &ot) || !get_int(env, argv[8], &n) || !get_int(env, argv[9], &m))
    return NULL;
  if (napi_get_typedarray_info(env, argv[4], &otype, &olen, &O, NULL, NULL) != napi_ok || !leaf_type_ok(otype)) {
    napi_throw_type_error(env, NULL, "lazylab expression machine: the output must be a float or integer typed array (not a BigInt or clamped one)");
    return NULL;
  }
  if (!get_int_list(env, argv[3], starts, 3 * M.k)) return NULL;
  if (n < 0 || m < 0) return throw_range(env, "lazylab expression machine: malformed program or arguments"), NULL;
  for (int i = 0; i < M.k; i++) {
    M.leaves[i].s = starts[3 * i + 1];
    M.leaves[i].t = starts[3 * i + 2];
    if (!span_in(M.leaves[i].length, starts[3 * i], m, M.leaves[i].t, n, M.leaves[i].s))
      return throw_range(env, "lazylab expression machine: a leaf's lines reach outside its array"), NULL;
  }
  if (!span_in(olen, oo, m, ot, n, os)) return throw_range(env, "lazylab expression machine: the output range is outside the array"), NULL;
  double *r[MACHINE_MAX_REGS];
  double *store = make_registers(env, &M, consts, r);
  if (!store) return NULL;
  /* A float64 output written in order takes the last instruction's results straight into its
   * memory: the result register points there for the block (it is a temporary, never a leaf
   * or a constant, and nothing reads it after the last instruction). */
  int direct = otype == napi_float64_array && os == 1 && M.count > 0 && M.result >= M.nconst + M.k && M.code[4 * (M.count - 1) + 1] == M.result;
  /* ... unless the output shares memory with a leaf (earlier instructions may use the register as scratch). */
  for (int i = 0; i < M.k && direct; i++) {
    const char *a = (const char *)M.leaves[i].data, *b = (const char *)O;
    size_t la = M.leaves[i].length * leaf_size(M.leaves[i].type), lb = olen * sizeof(double);
    if (a < b + lb && b < a + la) direct = 0;
  }
  /* A large dense output never touched yet is faulted in with one system call (np_prefault), as
   * the eager loops do. */
  size_t esize = leaf_size(otype);
  if (os == 1 && ot == n && (size_t)(n * m) * esize >= (size_t)STREAM_MIN * 8) np_prefault((char *)O + oo * esize, (size_t)(n * m) * esize);
  /* A float64 output of STREAM_MIN elements or more written straight by a last chain gets
   * non-temporal stores (it would not stay in the cache; a plain store first reads the line). */
  int stream = direct && M.tail < M.count && n * m >= STREAM_MIN;
  int64_t p[MACHINE_MAX_LEAVES];
  for (int64_t j = 0; j < m; j++) {
    for (int i = 0; i < M.k; i++) p[i] = starts[3 * i] + j * M.leaves[i].t;
    int64_t q = oo + j * ot;
    for (int64_t i0 = 0; i0 < n; i0 += MACHINE_BLOCK) {
      int64_t nb = n - i0 < MACHINE_BLOCK ? n - i0 : MACHINE_BLOCK;
      double *saved = r[M.result];
      if (direct) r[M.result] = (double *)O + q + i0;
      if (stream && ((uintptr_t)((double *)O + q + i0) & 31) == 0) {
        /* The last chain's values streamed to the output, past the cache. */
        evaluate_fold(&M, r, store, p, i0, nb, TO_STREAM, (double *)O + q + i0, NULL, NULL);
        r[M.result] = saved;
        continue;
      }
      const double *e = evaluate(&M, r, store, p, i0, nb);
      r[M.result] = saved;
      store_block(otype, O, q + i0 * os, os, e, nb);
    }
  }
#ifdef LAZYLAB_X86
  if (stream) _mm_sfence(); /* the streamed stores are visible to whatever reads the output next (another thread) */
#endif
  free(store);
  return NULL;
}

/*
 * sqrtFma(a, o): o[i] = sqrt(a[i]) with every vector of four on sqrt_fma (the rest, under four,
 * by sqrt()); returns whether the machine uses sqrt_fma (np_fast_sqrt), and does nothing when it
 * does not. For tests: every value through the function the chains give a third of theirs.
 */
static napi_value js_sqrt_fma(napi_env env, napi_callback_info info) {
  size_t argc = 2, na, no;
  napi_value argv[2], r;
  double *a, *o;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 2) {
    napi_throw_type_error(env, NULL, "lazylab expression machine: sqrtFma takes 2 arguments");
    return NULL;
  }
  if (!get_f64(env, argv[0], &a, &na) || !get_f64(env, argv[1], &o, &no)) return NULL;
  if (no < na) {
    throw_range(env, "lazylab expression machine: sqrtFma's output is shorter than its input");
    return NULL;
  }
  int used = 0;
#ifdef LAZYLAB_X86
  if (np_fast_sqrt) {
    sqrt_fma_lines(a, o, (int64_t)na);
    used = 1;
  }
#endif
  napi_get_boolean(env, used, &r);
  return r;
}

/* machineRowFolds(): how many times lines were folded FOLD_ROWS at a time (fold_rows), by any thread. */
static napi_value js_machine_row_folds(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value r;
  napi_create_double(env, (double)__atomic_load_n(&row_folds, __ATOMIC_RELAXED), &r);
  return r;
}

void np_machine_register(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    { "sqrtFma", NULL, js_sqrt_fma, NULL, NULL, NULL, napi_default, NULL },
    { "machineFold", NULL, js_machine_fold, NULL, NULL, NULL, napi_default, NULL },
    { "machineMoments", NULL, js_machine_moments, NULL, NULL, NULL, napi_default, NULL },
    { "machineMap", NULL, js_machine_map, NULL, NULL, NULL, napi_default, NULL },
    { "machineRowFolds", NULL, js_machine_row_folds, NULL, NULL, NULL, napi_default, NULL },
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
