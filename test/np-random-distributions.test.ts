/**
 * The distributions of NumPy's Generator (`default_rng`: choice, permutation, shuffle,
 * exponential, poisson, binomial, lognormal, gamma, beta, chisquare) and of its legacy
 * RandomState (np.random.*) against the installed NumPy: long sequences of calls on one
 * generator, every branch of every sampler visited, each result compared bit for bit
 * (float64 bytes, dtype and shape) and the generator's state compared after each call;
 * then the errors, word for word; then the pieces that must be NumPy's and glibc's (the
 * exponential ziggurat tables, the C library's log, exp and pow); then the addon's whole-array
 * fills (native/np_distributions.c) against the one-sample-at-a-time JavaScript samplers
 * (distributions.ts) on long runs of every branch, bits and final state.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { np } from "../lib";
import { NDArray } from "../lib/np";
import type { Generator, RandomState } from "../lib/np/rng";
import { hasNativeDistributions, NATIVE_DIST_MIN, useNativeDistributions } from "../lib/np/random/distribution-fill";
import { exp, HAS_LIBM, log, pow } from "../lib/np/random/libm";
import { exponentialTables } from "../lib/np/random/ziggurat-exp";
import { pythonJson } from "./oracle";
import { assertSame, b64, type Enc, fromB64, legacyState, type LState, numpy } from "./numpy-draws";

/** One call in Python (on `g`) and here. */
type Case<G> = [py: string, ts: (g: G) => unknown];

function shuffled<T extends NDArray | unknown[]>(g: { shuffle(x: T, axis?: number | { axis?: number }): void }, x: T, axis?: number): T {
  g.shuffle(x, axis === undefined ? undefined : { axis });
  return x;
}

const arange = (n: number, shape?: number[]): NDArray => (shape ? np.arange(n).reshape(...shape) : np.arange(n));

/**
 * Generator: every method and branch. Poisson: lam 0, below 10 (multiplication) and from
 * 10 (PTRS), arrays; binomial: n = 0, p = 0, p = 1, n·p ≤ 30 (inversion) and above (BTPE,
 * its squeeze and Stirling bound at large n), p > 0.5 of both; gamma: shape 0, < 1, 1, > 1;
 * beta: Johnk and gammas; choice: with and without replacement, p, Floyd's algorithm and
 * the tail shuffle, axis; shuffles along axes; broadcast parameters against size.
 */
const GENERATOR: Case<Generator>[] = [
  ["g.standard_exponential(1000)", (g) => g.standardExponential(1000)],
  ["g.standard_exponential()", (g) => g.standardExponential()],
  ["g.standard_exponential(7, method='inv')", (g) => g.standardExponential(7, { method: "inv" })],
  ["g.random(3)", (g) => g.random(3)],
  ["g.exponential(2.5, 1001)", (g) => g.exponential(2.5, 1001)],
  ["g.exponential()", (g) => g.exponential()],
  ["g.exponential([1, 2, 3])", (g) => g.exponential([1, 2, 3])],
  ["g.exponential([[1], [2]], size=(2, 3))", (g) => g.exponential([[1], [2]], { size: [2, 3] })],
  ["g.exponential(0, 3)", (g) => g.exponential(0, 3)],
  ["g.exponential(size=())", (g) => g.exponential({ size: [] })],
  ["g.poisson(0, 5)", (g) => g.poisson(0, 5)],
  ["g.poisson(0.5, 1000)", (g) => g.poisson(0.5, 1000)],
  ["g.poisson(3.2, 1000)", (g) => g.poisson(3.2, 1000)],
  ["g.poisson(9.99, 500)", (g) => g.poisson(9.99, 500)],
  ["g.poisson(10, 500)", (g) => g.poisson(10, 500)],
  ["g.poisson(55.5, 1000)", (g) => g.poisson(55.5, 1000)],
  ["g.poisson(1e6, 300)", (g) => g.poisson(1e6, 300)],
  ["g.poisson(7.5)", (g) => g.poisson(7.5)],
  ["g.poisson()", (g) => g.poisson()],
  ["g.poisson([1, 20, 300])", (g) => g.poisson([1, 20, 300])],
  ["g.poisson(lam=[[0.5], [50]], size=(2, 3))", (g) => g.poisson({ lam: [[0.5], [50]], size: [2, 3] })],
  ["g.binomial(0, 0.5, 5)", (g) => g.binomial(0, 0.5, 5)],
  ["g.binomial(10, 0, 5)", (g) => g.binomial(10, 0, 5)],
  ["g.binomial(10, 1, 5)", (g) => g.binomial(10, 1, 5)],
  ["g.binomial(20, 0.3, 1000)", (g) => g.binomial(20, 0.3, 1000)],
  ["g.binomial(100, 0.29, 1000)", (g) => g.binomial(100, 0.29, 1000)],
  ["g.binomial(1000, 0.3, 1000)", (g) => g.binomial(1000, 0.3, 1000)],
  ["g.binomial(1000, 0.7, 1000)", (g) => g.binomial(1000, 0.7, 1000)],
  ["g.binomial(40, 0.9, 1000)", (g) => g.binomial(40, 0.9, 1000)],
  ["g.binomial(10**6, 0.5, 2000)", (g) => g.binomial(10 ** 6, 0.5, 2000)],
  ["g.binomial(10**9, 1e-6, 500)", (g) => g.binomial(10 ** 9, 1e-6, 500)],
  ["g.binomial(7, 0.4)", (g) => g.binomial(7, 0.4)],
  ["g.binomial(10.7, 0.5)", (g) => g.binomial(10.7, 0.5)],
  ["g.binomial([10, 100, 1000], [0.1, 0.5, 0.9])", (g) => g.binomial([10, 100, 1000], [0.1, 0.5, 0.9])],
  ["g.binomial(50, [[0.2], [0.8]], size=(2, 4))", (g) => g.binomial(50, [[0.2], [0.8]], { size: [2, 4] })],
  ["g.lognormal(0.5, 2, 1000)", (g) => g.lognormal(0.5, 2, 1000)],
  ["g.lognormal()", (g) => g.lognormal()],
  ["g.lognormal([0, 1], [1, 0.5])", (g) => g.lognormal([0, 1], [1, 0.5])],
  ["g.lognormal(0, 0, 3)", (g) => g.lognormal(0, 0, 3)],
  ["g.lognormal(-1, 0.25, 20)", (g) => g.lognormal(-1, 0.25, 20)],
  ["g.standard_gamma(0.5, 1000)", (g) => g.standardGamma(0.5, 1000)],
  ["g.standard_gamma(1, 100)", (g) => g.standardGamma(1, 100)],
  ["g.standard_gamma(2.5, 1000)", (g) => g.standardGamma(2.5, 1000)],
  ["g.standard_gamma(0, 3)", (g) => g.standardGamma(0, 3)],
  ["g.standard_gamma(1e-3, 200)", (g) => g.standardGamma(1e-3, 200)],
  ["g.standard_gamma(100.5, 200)", (g) => g.standardGamma(100.5, 200)],
  ["g.standard_gamma([0.5, 1, 3])", (g) => g.standardGamma([0.5, 1, 3])],
  ["g.standard_gamma(3)", (g) => g.standardGamma(3)],
  ["g.gamma(2, 3, 1000)", (g) => g.gamma(2, 3, 1000)],
  ["g.gamma(0.3, 2, 100)", (g) => g.gamma(0.3, 2, 100)],
  ["g.gamma([1, 2], [[1], [3]])", (g) => g.gamma([1, 2], [[1], [3]])],
  ["g.beta(0.5, 0.3, 1000)", (g) => g.beta(0.5, 0.3, 1000)],
  ["g.beta(2, 3, 1000)", (g) => g.beta(2, 3, 1000)],
  ["g.beta(1, 1, 100)", (g) => g.beta(1, 1, 100)],
  ["g.beta(0.5, 4, 100)", (g) => g.beta(0.5, 4, 100)],
  ["g.beta(1e-3, 1e-3, 100)", (g) => g.beta(1e-3, 1e-3, 100)],
  ["g.beta(0.7, 0.9)", (g) => g.beta(0.7, 0.9)],
  ["g.chisquare(3, 1000)", (g) => g.chisquare(3, 1000)],
  ["g.chisquare(0.5, 100)", (g) => g.chisquare(0.5, 100)],
  ["g.chisquare(2, 10)", (g) => g.chisquare(2, 10)],
  ["g.chisquare([1, 10])", (g) => g.chisquare([1, 10])],
  ["g.standard_normal(5)", (g) => g.standardNormal(5)],
  ["g.choice(10, 20)", (g) => g.choice(10, 20)],
  ["g.choice(7)", (g) => g.choice(7)],
  ["g.choice(100, 20, replace=False)", (g) => g.choice(100, 20, { replace: false })],
  ["g.choice(100, 20, replace=False, shuffle=False)", (g) => g.choice(100, 20, { replace: false, shuffle: false })],
  ["g.choice(20000, 1000, replace=False)", (g) => g.choice(20000, 1000, { replace: false })],
  ["g.choice(20000, 500, replace=False, shuffle=False)", (g) => g.choice(20000, 500, { replace: false, shuffle: false })],
  ["g.choice(20000, 100, replace=False)", (g) => g.choice(20000, 100, { replace: false })],
  ["g.choice(2**40, 5, replace=False)", (g) => g.choice(2 ** 40, 5, { replace: false })],
  ["g.choice(5, 5, replace=False)", (g) => g.choice(5, 5, { replace: false })],
  ["g.choice(5, replace=False)", (g) => g.choice(5, { replace: false })],
  ["g.choice(5, 10, p=[0.1, 0.2, 0.3, 0.2, 0.2])", (g) => g.choice(5, 10, { p: [0.1, 0.2, 0.3, 0.2, 0.2] })],
  ["g.choice(5, 3, replace=False, p=[0.1, 0.2, 0.3, 0.2, 0.2])", (g) => g.choice(5, 3, { replace: false, p: [0.1, 0.2, 0.3, 0.2, 0.2] })],
  ["g.choice(8, (2, 3), False, [0.3, 0.3, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05])", (g) => g.choice(8, [2, 3], false, [0.3, 0.3, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05])],
  ["g.choice([1.5, 2.5, 3.5], (2, 2))", (g) => g.choice([1.5, 2.5, 3.5], [2, 2])],
  ["g.choice(['a', 'b', 'c'], 5)", (g) => g.choice(["a", "b", "c"], 5)],
  ["g.choice(['a', 'b', 'c'])", (g) => g.choice(["a", "b", "c"])],
  ["g.choice(np.arange(12).reshape(4, 3), 2)", (g) => g.choice(arange(12, [4, 3]), 2)],
  ["g.choice(np.arange(12).reshape(4, 3), 5, axis=1)", (g) => g.choice(arange(12, [4, 3]), 5, { axis: 1 })],
  ["g.choice(np.arange(12).reshape(4, 3), 2, replace=False, axis=1)", (g) => g.choice(arange(12, [4, 3]), 2, { replace: false, axis: 1 })],
  ["g.permutation(30)", (g) => g.permutation(30)],
  ["g.permutation(np.arange(12).reshape(4, 3))", (g) => g.permutation(arange(12, [4, 3]))],
  ["g.permutation(np.arange(12).reshape(4, 3), axis=1)", (g) => g.permutation(arange(12, [4, 3]), { axis: 1 })],
  ["g.permutation([1.5, 2.5, 3.5])", (g) => g.permutation([1.5, 2.5, 3.5])],
  ["g.permutation(['a', 'b', 'c', 'd'])", (g) => g.permutation(["a", "b", "c", "d"])],
  ["shuffled(g, np.arange(20.))", (g) => shuffled(g, np.arange(20, { dtype: "float64" }))],
  ["shuffled(g, np.arange(12).reshape(4, 3))", (g) => shuffled(g, arange(12, [4, 3]))],
  ["shuffled(g, np.arange(24).reshape(2, 3, 4), axis=2)", (g) => shuffled(g, arange(24, [2, 3, 4]), 2)],
  ["shuffled(g, np.arange(40)[::2])", (g) => shuffled(g, np.arange(40).get("::2"))],
  ["shuffled(g, list(range(10)))", (g) => shuffled(g, Array.from({ length: 10 }, (_, i) => i))],
  ["g.integers(0, 10, 3)", (g) => g.integers(0, 10, 3)],
  ["g.poisson(4, 100000)", (g) => g.poisson(4, 100000)],
  ["g.exponential(1, 100000)", (g) => g.exponential(1, 100000)],
  ["g.standard_gamma(0.8, 50000)", (g) => g.standardGamma(0.8, 50000)],
  ["g.binomial(200, 0.4, 50000)", (g) => g.binomial(200, 0.4, 50000)],
  ["g.random()", (g) => g.random()],
  // below the addon's threshold (NATIVE_DIST_MIN = 8: one sample at a time), at it, and long runs through it
  ["g.exponential(2, 7)", (g) => g.exponential(2, 7)],
  ["g.exponential(2, 8)", (g) => g.exponential(2, 8)],
  ["g.poisson(4.5, 3)", (g) => g.poisson(4.5, 3)],
  ["g.poisson(40, 8)", (g) => g.poisson(40, 8)],
  ["g.binomial(20, 0.3, 2)", (g) => g.binomial(20, 0.3, 2)],
  ["g.binomial(20, 0.3, 9)", (g) => g.binomial(20, 0.3, 9)],
  ["g.gamma(2, 3, 3)", (g) => g.gamma(2, 3, 3)],
  ["g.beta(2, 3, 9)", (g) => g.beta(2, 3, 9)],
  ["g.standard_exponential(100000, method='inv')", (g) => g.standardExponential(100000, { method: "inv" })],
  ["g.poisson(40, 100000)", (g) => g.poisson(40, 100000)],
  ["g.binomial(20, 0.3, 100000)", (g) => g.binomial(20, 0.3, 100000)],
  ["g.binomial(100, 0.9, 50000)", (g) => g.binomial(100, 0.9, 50000)],
  ["g.gamma(2, 3, 100000)", (g) => g.gamma(2, 3, 100000)],
  ["g.lognormal(0, 1, 100000)", (g) => g.lognormal(0, 1, 100000)],
  ["g.beta(0.5, 0.5, 50000)", (g) => g.beta(0.5, 0.5, 50000)],
  ["g.chisquare(0.7, 50000)", (g) => g.chisquare(0.7, 50000)],
];

/** RandomState: the legacy variants (polar-method normals, `-log(1 - u)`, no n = 0 shortcut in binomial). */
const LEGACY: Case<RandomState>[] = [
  ["g.standard_exponential(1000)", (g) => g.standardExponential(1000)],
  ["g.standard_exponential()", (g) => g.standardExponential()],
  ["g.exponential(2.5, 1001)", (g) => g.exponential(2.5, 1001)],
  ["g.exponential()", (g) => g.exponential()],
  ["g.exponential([[1], [2]], size=(2, 3))", (g) => g.exponential([[1], [2]], { size: [2, 3] })],
  ["g.randn(3)", (g) => g.randn(3)],
  ["g.poisson(0, 5)", (g) => g.poisson(0, 5)],
  ["g.poisson(0.5, 1000)", (g) => g.poisson(0.5, 1000)],
  ["g.poisson(9.99, 500)", (g) => g.poisson(9.99, 500)],
  ["g.poisson(10, 500)", (g) => g.poisson(10, 500)],
  ["g.poisson(55.5, 1000)", (g) => g.poisson(55.5, 1000)],
  ["g.poisson(1e6, 300)", (g) => g.poisson(1e6, 300)],
  ["g.poisson(7.5)", (g) => g.poisson(7.5)],
  ["g.poisson([1, 20, 300])", (g) => g.poisson([1, 20, 300])],
  ["g.binomial(0, 0.5, 5)", (g) => g.binomial(0, 0.5, 5)],
  ["g.binomial(10, 0, 5)", (g) => g.binomial(10, 0, 5)],
  ["g.binomial(10, 1, 5)", (g) => g.binomial(10, 1, 5)],
  ["g.binomial(20, 0.3, 1000)", (g) => g.binomial(20, 0.3, 1000)],
  ["g.binomial(1000, 0.3, 1000)", (g) => g.binomial(1000, 0.3, 1000)],
  ["g.binomial(1000, 0.7, 1000)", (g) => g.binomial(1000, 0.7, 1000)],
  ["g.binomial(40, 0.9, 1000)", (g) => g.binomial(40, 0.9, 1000)],
  ["g.binomial(10**6, 0.5, 2000)", (g) => g.binomial(10 ** 6, 0.5, 2000)],
  ["g.binomial(7, 0.4)", (g) => g.binomial(7, 0.4)],
  ["g.binomial([10, 100, 1000], [0.1, 0.5, 0.9])", (g) => g.binomial([10, 100, 1000], [0.1, 0.5, 0.9])],
  ["g.lognormal(0.5, 2, 1001)", (g) => g.lognormal(0.5, 2, 1001)],
  ["g.lognormal()", (g) => g.lognormal()],
  ["g.lognormal([0, 1], [1, 0.5])", (g) => g.lognormal([0, 1], [1, 0.5])],
  ["g.standard_gamma(0.5, 1000)", (g) => g.standardGamma(0.5, 1000)],
  ["g.standard_gamma(1, 100)", (g) => g.standardGamma(1, 100)],
  ["g.standard_gamma(2.5, 1001)", (g) => g.standardGamma(2.5, 1001)],
  ["g.standard_gamma(0, 3)", (g) => g.standardGamma(0, 3)],
  ["g.standard_gamma(1e-3, 200)", (g) => g.standardGamma(1e-3, 200)],
  ["g.standard_gamma(3)", (g) => g.standardGamma(3)],
  ["g.gamma(2, 3, 1000)", (g) => g.gamma(2, 3, 1000)],
  ["g.gamma(0.3, 2, 100)", (g) => g.gamma(0.3, 2, 100)],
  ["g.beta(0.5, 0.3, 1000)", (g) => g.beta(0.5, 0.3, 1000)],
  ["g.beta(2, 3, 1000)", (g) => g.beta(2, 3, 1000)],
  ["g.beta(1e-3, 1e-3, 100)", (g) => g.beta(1e-3, 1e-3, 100)],
  ["g.beta(0.7, 0.9)", (g) => g.beta(0.7, 0.9)],
  ["g.chisquare(3, 1000)", (g) => g.chisquare(3, 1000)],
  ["g.chisquare(0.5, 100)", (g) => g.chisquare(0.5, 100)],
  ["g.chisquare([1, 10])", (g) => g.chisquare([1, 10])],
  ["g.normal(0, 1, 3)", (g) => g.normal(0, 1, 3)],
  ["g.poisson(4, 100000)", (g) => g.poisson(4, 100000)],
  ["g.lognormal(0, 1, 100001)", (g) => g.lognormal(0, 1, 100001)],
  ["g.rand()", (g) => g.rand()],
  // below the addon's threshold, at it, and long runs through it
  ["g.exponential(2, 3)", (g) => g.exponential(2, 3)],
  ["g.poisson(40, 8)", (g) => g.poisson(40, 8)],
  ["g.gamma(2, 3, 7)", (g) => g.gamma(2, 3, 7)],
  ["g.lognormal(0, 1, 9)", (g) => g.lognormal(0, 1, 9)],
  ["g.exponential(2, 100000)", (g) => g.exponential(2, 100000)],
  ["g.poisson(40, 100000)", (g) => g.poisson(40, 100000)],
  ["g.binomial(20, 0.3, 100000)", (g) => g.binomial(20, 0.3, 100000)],
  ["g.binomial(500, 0.6, 50000)", (g) => g.binomial(500, 0.6, 50000)],
  ["g.gamma(2, 3, 100001)", (g) => g.gamma(2, 3, 100001)],
  ["g.standard_gamma(0.4, 50000)", (g) => g.standardGamma(0.4, 50000)],
  ["g.beta(0.5, 0.5, 50000)", (g) => g.beta(0.5, 0.5, 50000)],
  ["g.beta(3, 2, 50000)", (g) => g.beta(3, 2, 50000)],
];

/** The seeds, as Python and as TypeScript. */
const SEEDS: [string, number | number[]][] = [
  ["0", 0],
  ["1", 1],
  ["42", 42],
  ["12345", 12345],
  ["[1, 2, 3]", [1, 2, 3]],
];

interface GState {
  state: string;
  hasUint32: number;
  uinteger: number;
}

function runGenerator(cases: readonly Case<Generator>[], pySeed: string, seed: number | number[]): void {
  const code = `g = np.random.default_rng(${pySeed})\n` + cases.map(([py], i) => `put("${i}", ${py})\ngstate("s${i}", g)`).join("\n");
  const expected = numpy<Enc & GState>(code);
  const g = np.random.defaultRng(seed);
  cases.forEach(([py, call], i) => {
    assertSame(call(g), expected[String(i)], `default_rng(${pySeed}): call ${i} ${py}`);
    const s = g.bitGenerator.state;
    assert.deepEqual({ state: String(s.state.state), hasUint32: s.hasUint32, uinteger: s.uinteger }, expected[`s${i}`], `default_rng(${pySeed}): state after ${py}`);
  });
}

type Legacy = Pick<RandomState, "getState" | "randn" | "rand" | "normal" | "standardExponential" | "exponential" | "poisson" | "binomial" | "lognormal" | "standardGamma" | "gamma" | "beta" | "chisquare">;

function runLegacy(cases: readonly Case<RandomState>[], pyMake: string, make: () => Legacy, what: string): void {
  const code = `g = ${pyMake}\n` + cases.map(([py], i) => `put("${i}", ${py})\nlstate("s${i}", g)`).join("\n");
  const expected = numpy<Enc & LState>(code);
  const g = make() as RandomState;
  cases.forEach(([py, call], i) => {
    assertSame(call(g), expected[String(i)], `${what}: call ${i} ${py}`);
    assert.deepEqual(legacyState(g), expected[`s${i}`], `${what}: state after ${py}`);
  });
}

describe("Generator's distributions draw NumPy's numbers and leave its state", () => {
  for (const [pySeed, seed] of SEEDS) {
    test(`default_rng(${pySeed})`, () => runGenerator(GENERATOR, pySeed, seed));
  }
});

describe("RandomState's legacy distributions draw NumPy's numbers and leave its state", () => {
  for (const [pySeed, seed] of SEEDS) {
    test(`RandomState(${pySeed})`, () => runLegacy(LEGACY, `np.random.RandomState(${pySeed})`, () => new np.random.RandomState(seed), `RandomState(${pySeed})`));
  }
  test("the module functions share the global RandomState: np.random.seed(7), then the calls", () => {
    runLegacy(
      LEGACY,
      "np.random.mtrand._rand\nnp.random.seed(7)",
      () => {
        np.random.seed(7);
        return np.random;
      },
      "np.random.seed(7)",
    );
  });
});

describe("errors are NumPy's, word for word", () => {
  /** NumPy's IndexError is a RangeError in lazylab, as elsewhere in lib/np. */
  const NAMES: Record<string, string> = { IndexError: "RangeError" };
  const ro = (): NDArray => {
    const a = np.arange(3);
    a.flags.writeable = false;
    return a;
  };
  const G: [py: string, ts: (g: Generator) => unknown][] = [
    ["g.poisson(-1)", (g) => g.poisson(-1)],
    ["g.poisson(float('nan'))", (g) => g.poisson(NaN)],
    ["g.poisson(1e19)", (g) => g.poisson(1e19)],
    ["g.poisson([1, -1])", (g) => g.poisson([1, -1])],
    ["g.poisson([1, float('nan')])", (g) => g.poisson([1, NaN])],
    ["g.exponential(-1)", (g) => g.exponential(-1)],
    ["g.exponential(-0.0, 2)", (g) => g.exponential(-0, 2)],
    ["g.exponential([1, -2])", (g) => g.exponential([1, -2])],
    ["g.exponential([1, 2], size=3)", (g) => g.exponential([1, 2], 3)],
    ["g.exponential([[1], [2]], size=(2,))", (g) => g.exponential([[1], [2]], [2])],
    ["g.gamma([1, 2], [1, 2, 3])", (g) => g.gamma([1, 2], [1, 2, 3])],
    ["g.binomial(-1, 0.5)", (g) => g.binomial(-1, 0.5)],
    ["g.binomial(10, 1.5)", (g) => g.binomial(10, 1.5)],
    ["g.binomial(10, float('nan'))", (g) => g.binomial(10, NaN)],
    ["g.binomial([10, -1], 0.5)", (g) => g.binomial([10, -1], 0.5)],
    ["g.binomial([10, 1], [0.5, 2])", (g) => g.binomial([10, 1], [0.5, 2])],
    ["g.binomial(5, [0.2, 0.3], size=3)", (g) => g.binomial(5, [0.2, 0.3], 3)],
    ["g.lognormal(0, -1)", (g) => g.lognormal(0, -1)],
    ["g.standard_gamma(-1)", (g) => g.standardGamma(-1)],
    ["g.standard_gamma(-0.0)", (g) => g.standardGamma(-0)],
    ["g.gamma(1, -2)", (g) => g.gamma(1, -2)],
    ["g.beta(0, 1)", (g) => g.beta(0, 1)],
    ["g.beta(1, -1)", (g) => g.beta(1, -1)],
    ["g.beta([0, 1], 1)", (g) => g.beta([0, 1], 1)],
    ["g.chisquare(0)", (g) => g.chisquare(0)],
    ["g.chisquare([1, 0])", (g) => g.chisquare([1, 0])],
    ["g.choice(0, 3)", (g) => g.choice(0, 3)],
    ["g.choice(2.5)", (g) => g.choice(2.5)],
    ["g.choice([], 3)", (g) => g.choice([], 3)],
    ["g.choice(3, p=[0.5, 0.5])", (g) => g.choice(3, { p: [0.5, 0.5] })],
    ["g.choice(2, p=[0.5, 0.6])", (g) => g.choice(2, { p: [0.5, 0.6] })],
    ["g.choice(2, p=[-0.5, 1.5])", (g) => g.choice(2, { p: [-0.5, 1.5] })],
    ["g.choice(2, p=[float('nan'), 1])", (g) => g.choice(2, { p: [NaN, 1] })],
    ["g.choice(2, p=[[0.5, 0.5]])", (g) => g.choice(2, { p: [[0.5, 0.5]] as never })],
    ["g.choice(3, 4, replace=False)", (g) => g.choice(3, 4, { replace: false })],
    ["g.choice(3, 3, replace=False, p=[0.5, 0.5, 0])", (g) => g.choice(3, 3, { replace: false, p: [0.5, 0.5, 0] })],
    ["g.choice(np.arange(6).reshape(2, 3), axis=2)", (g) => g.choice(arange(6, [2, 3]), { axis: 2 })],
    ["g.permutation(2.5)", (g) => g.permutation(2.5 as never)],
    ["g.permutation(np.arange(6).reshape(2, 3), axis=2)", (g) => g.permutation(arange(6, [2, 3]), { axis: 2 })],
    ["g.shuffle(ro)", (g) => g.shuffle(ro())],
    ["g.shuffle(np.arange(3), axis=1)", (g) => g.shuffle(np.arange(3), { axis: 1 })],
    ["g.shuffle(np.array(5))", (g) => g.shuffle(np.array(5 as never))],
    ["g.exponential(1, 2, 3)", (g) => (g.exponential as (...a: unknown[]) => unknown)(1, 2, 3)],
    ["g.poisson(lam=1, foo=2)", (g) => g.poisson({ lam: 1, foo: 2 } as never)],
  ];
  const L: [py: string, ts: (g: RandomState) => unknown][] = [
    ["g.poisson(-1)", (g) => g.poisson(-1)],
    ["g.poisson([1, float('nan')])", (g) => g.poisson([1, NaN])],
    ["g.poisson(1e19)", (g) => g.poisson(1e19)],
    ["g.exponential(-1)", (g) => g.exponential(-1)],
    ["g.binomial(-1, 0.5)", (g) => g.binomial(-1, 0.5)],
    ["g.binomial(10, 1.5)", (g) => g.binomial(10, 1.5)],
    ["g.binomial([10, 1], [0.5, 2])", (g) => g.binomial([10, 1], [0.5, 2])],
    ["g.lognormal(0, -1)", (g) => g.lognormal(0, -1)],
    ["g.standard_gamma(-1)", (g) => g.standardGamma(-1)],
    ["g.gamma(1, -2)", (g) => g.gamma(1, -2)],
    ["g.beta(0, 1)", (g) => g.beta(0, 1)],
    ["g.chisquare(0)", (g) => g.chisquare(0)],
    ["g.chisquare([1, 2], size=3)", (g) => g.chisquare([1, 2], 3)],
  ];

  function check<G>(cases: [string, (g: G) => unknown][], pyMake: string, g: G, after: (g: G) => unknown): void {
    const expected = numpy(`g = ${pyMake}\nro = np.arange(3)\nro.flags.writeable = False\n` + cases.map(([py], i) => `err("${i}", lambda: ${py})`).join("\n") + `\nput("after", g.random(3) if hasattr(g, "integers") else g.rand(3))`);
    cases.forEach(([py, call], i) => {
      const want = expected[String(i)].error;
      assert.ok(want, `NumPy does not raise for ${py}`);
      const [name, message] = want;
      assert.throws(
        () => call(g),
        (e: unknown) => {
          assert.ok(e instanceof Error, py);
          assert.equal(e.message, message, py);
          assert.equal(e.name, NAMES[name] ?? name, `${py}: class`);
          return true;
        },
      );
    });
    assertSame(after(g), expected.after, "a draw after the errors (nothing was drawn)");
  }

  test("Generator", () => check(G, "np.random.default_rng(0)", np.random.defaultRng(0), (g) => g.random(3)));
  test("RandomState", () => check(L, "np.random.RandomState(0)", new np.random.RandomState(0), (g) => g.rand(3)));
});

describe("pieces that must be NumPy's and glibc's", () => {
  test("the exponential ziggurat tables are byte for byte the ones in NumPy's _generator module", async () => {
    const { readFileSync } = await import("node:fs");
    const path = pythonJson<string>(`import json, numpy.random._generator as g; print(json.dumps(g.__file__))`);
    const so = readFileSync(path);
    const { ke, we, fe } = exponentialTables();
    const tables: [string, ArrayBufferView][] = [
      ["ke_double", new BigUint64Array(Array.from(ke, (v) => BigInt(v)))],
      ["we_double", we],
      ["fe_double", fe],
    ];
    for (const [name, t] of tables) {
      assert.ok(so.indexOf(Buffer.from(t.buffer, t.byteOffset, t.byteLength)) >= 0, `${name} not found in ${path}`);
    }
  });

  test("log, exp and pow are the C library's on the inputs the samplers give them", () => {
    assert.ok(HAS_LIBM, "the addon is built with its libm calls (without them Math's last bit differs on some draws)");
    const r = pythonJson<{ x: string; y: string; log: string; exp: string; pow: string }>(`
import base64, ctypes, json
import numpy as np
libm = ctypes.CDLL("libm.so.6")
for f in ("log", "exp", "pow"):
    getattr(libm, f).restype = ctypes.c_double
libm.log.argtypes = [ctypes.c_double]; libm.exp.argtypes = [ctypes.c_double]; libm.pow.argtypes = [ctypes.c_double, ctypes.c_double]
g = np.random.default_rng(2024)
n = 60000
x = np.concatenate([g.random(n), g.random(n) * 2.0 ** -g.integers(0, 1000, n), g.uniform(1, 1e6, n), np.exp(g.uniform(-700, 700, n))])
y = np.concatenate([1 / g.uniform(1e-3, 10, 2 * n), g.normal(0, 3, 2 * n)])
e = np.concatenate([g.normal(0, 3, 2 * n), -g.exponential(50, 2 * n)])
b = lambda a: base64.b64encode(np.ascontiguousarray(a).tobytes()).decode()
print(json.dumps({"x": b(x), "y": b(y), "log": b([libm.log(v) for v in x.tolist()]), "exp": b([libm.exp(v) for v in e.tolist()]),
                  "pow": b([libm.pow(u, v) for u, v in zip(x.tolist(), y.tolist())]), "e": b(e)}))`) as Record<string, string>;
    const x = fromB64(r.x);
    const y = fromB64(r.y);
    const e = fromB64(r.e);
    const check = (name: string, ours: Float64Array, theirs: Float64Array, input: (i: number) => string): void => {
      const i = ours.findIndex((v, k) => !Object.is(v, theirs[k]));
      assert.equal(i, -1, i < 0 ? "" : `${name}(${input(i)}) is ${ours[i]}, glibc's is ${theirs[i]}`);
    };
    check("log", x.map(log), fromB64(r.log), (i) => String(x[i]));
    check("exp", e.map(exp), fromB64(r.exp), (i) => String(e[i]));
    check("pow", x.map((v, i) => pow(v, y[i])), fromB64(r.pow), (i) => `${x[i]}, ${y[i]}`);
  });
});

/**
 * One call on two generators in the same state: through the addon's fill, and with the fills
 * switched off, through the JavaScript samplers (what runs without the addon, and for array
 * parameters or fewer than NATIVE_DIST_MIN samples). Each branch of each sampler, long enough
 * to visit its rare steps (the ziggurats' tails and wedges, PTRS's and BTPE's final tests,
 * the inversion's restarts, Johnk's rejections).
 */
const BRANCHES: [name: string, g: (g: Generator) => unknown, rs: ((g: RandomState) => unknown) | null][] = [
  ["exponential(2)", (g) => g.exponential(2, 200000), (g) => g.exponential(2, 200000)],
  ["standard_exponential", (g) => g.standardExponential(200000), (g) => g.standardExponential(200000)],
  ["standard_exponential inv", (g) => g.standardExponential(50000, { method: "inv" }), null],
  ["exponential(0)", (g) => g.exponential(0, 1000), (g) => g.exponential(0, 1000)],
  ["poisson(0)", (g) => g.poisson(0, 1000), (g) => g.poisson(0, 1000)],
  ["poisson(0.5): multiplication", (g) => g.poisson(0.5, 100000), (g) => g.poisson(0.5, 100000)],
  ["poisson(9.99)", (g) => g.poisson(9.99, 100000), (g) => g.poisson(9.99, 100000)],
  ["poisson(10): PTRS", (g) => g.poisson(10, 100000), (g) => g.poisson(10, 100000)],
  ["poisson(40)", (g) => g.poisson(40, 200000), (g) => g.poisson(40, 200000)],
  ["poisson(1e6)", (g) => g.poisson(1e6, 50000), (g) => g.poisson(1e6, 50000)],
  ["binomial(0, 0.5)", (g) => g.binomial(0, 0.5, 1000), (g) => g.binomial(0, 0.5, 1000)],
  ["binomial(10, 0)", (g) => g.binomial(10, 0, 1000), (g) => g.binomial(10, 0, 1000)],
  ["binomial(10, 1)", (g) => g.binomial(10, 1, 1000), (g) => g.binomial(10, 1, 1000)],
  ["binomial(20, 0.3): inversion", (g) => g.binomial(20, 0.3, 200000), (g) => g.binomial(20, 0.3, 200000)],
  ["binomial(40, 0.9): inversion of 1 - p", (g) => g.binomial(40, 0.9, 100000), (g) => g.binomial(40, 0.9, 100000)],
  ["binomial(300, 0.1): inversion, n·p = 30", (g) => g.binomial(300, 0.1, 100000), (g) => g.binomial(300, 0.1, 100000)],
  ["binomial(10**9, 1e-8): inversion, bound below n", (g) => g.binomial(10 ** 9, 1e-8, 100000), (g) => g.binomial(10 ** 9, 1e-8, 100000)],
  ["binomial(1000, 0.3): BTPE", (g) => g.binomial(1000, 0.3, 100000), (g) => g.binomial(1000, 0.3, 100000)],
  ["binomial(1000, 0.7): BTPE of 1 - p", (g) => g.binomial(1000, 0.7, 100000), (g) => g.binomial(1000, 0.7, 100000)],
  ["binomial(61, 0.5): BTPE, small", (g) => g.binomial(61, 0.5, 100000), (g) => g.binomial(61, 0.5, 100000)],
  ["binomial(10**7, 0.4): BTPE, Stirling bound", (g) => g.binomial(10 ** 7, 0.4, 100000), (g) => g.binomial(10 ** 7, 0.4, 100000)],
  ["standard_gamma(0)", (g) => g.standardGamma(0, 1000), (g) => g.standardGamma(0, 1000)],
  ["standard_gamma(0.3): below 1", (g) => g.standardGamma(0.3, 100000), (g) => g.standardGamma(0.3, 100000)],
  ["standard_gamma(1): exponential", (g) => g.standardGamma(1, 100000), (g) => g.standardGamma(1, 100000)],
  ["gamma(2, 3): Marsaglia & Tsang", (g) => g.gamma(2, 3, 200000), (g) => g.gamma(2, 3, 200001)],
  ["gamma(1.01, 2): near 1", (g) => g.gamma(1.01, 2, 100000), (g) => g.gamma(1.01, 2, 100000)],
  ["beta(0.5, 0.3): Johnk", (g) => g.beta(0.5, 0.3, 100000), (g) => g.beta(0.5, 0.3, 100000)],
  ["beta(1e-3, 1e-3): Johnk, underflow", (g) => g.beta(1e-3, 1e-3, 20000), (g) => g.beta(1e-3, 1e-3, 20000)],
  ["beta(2, 3): gammas", (g) => g.beta(2, 3, 100000), (g) => g.beta(2, 3, 100001)],
  ["beta(0.5, 4): gammas, one below 1", (g) => g.beta(0.5, 4, 100000), (g) => g.beta(0.5, 4, 100000)],
  ["chisquare(3)", (g) => g.chisquare(3, 100000), (g) => g.chisquare(3, 100001)],
];

describe("the addon's fills draw what the JavaScript samplers draw", () => {
  const bits = (v: unknown): string => b64((v as NDArray).data as Float64Array);
  /** Both paths on generators made alike, a call to draw `what` first. */
  function compare<G>(make: () => G, call: (g: G) => unknown, state: (g: G) => unknown, what: string): void {
    const viaAddon = make();
    const viaJs = make();
    const a = call(viaAddon);
    const was = useNativeDistributions(false);
    let b: unknown;
    try {
      b = call(viaJs);
    } finally {
      useNativeDistributions(was);
    }
    assert.equal(bits(a), bits(b), `${what}: the samples differ`);
    assert.deepEqual(state(viaAddon), state(viaJs), `${what}: the generator's state differs`);
  }

  test("the addon has them", () => {
    assert.ok(hasNativeDistributions(), "the addon is built with pcgDistFill and mtDistFill");
    assert.equal(NATIVE_DIST_MIN, 8, "the NumPy cases above have sizes on both sides of the threshold");
  });

  for (const [name, g, rs] of BRANCHES) {
    test(`Generator ${name}`, () => {
      const make = (): Generator => {
        const gen = np.random.defaultRng(20240607);
        gen.random(1); // any state, not just a fresh one
        return gen;
      };
      compare(make, g, (gen) => gen.bitGenerator.state, `Generator ${name}`);
    });
    if (rs) {
      test(`RandomState ${name}`, () => {
        const make = (): RandomState => {
          const r = new np.random.RandomState(20240607);
          r.randn(1); // a cached normal to start from
          return r;
        };
        compare(make, rs, (r) => r.getState(), `RandomState ${name}`);
      });
    }
  }

  test("fills interleave with other draws on one stream", () => {
    const run = (): [string[], unknown] => {
      const g = np.random.defaultRng(5);
      const r = new np.random.RandomState(5);
      // integers' 32-bit draws leave a half-draw buffered across gamma's fill; RandomState's gammas a cached normal
      const out = [g.poisson(40, 1000), g.random(3), g.binomial(20, 0.3, 5), g.integers(0, 10, 3), g.gamma(2, 3, 999), g.integers(0, 10, 1)];
      out.push(r.gamma(2, 1, 7), r.gamma(2, 1, 77), r.randn(1), r.lognormal(0, 1, 10), r.randn(1), r.exponential(1, 3));
      return [out.map(bits), [g.bitGenerator.state, r.getState()]];
    };
    const [a, sa] = run();
    const was = useNativeDistributions(false);
    let b: string[];
    let sb: unknown;
    try {
      [b, sb] = run();
    } finally {
      useNativeDistributions(was);
    }
    assert.deepEqual(a, b);
    assert.deepEqual(sa, sb);
  });
});
