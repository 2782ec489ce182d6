/**
 * NumPy printing (lib/np/format) against the installed NumPy: hundreds of arrays generated
 * at test time with a seeded NumPy generator (every dtype, 0-d to 4-D, sizes around the
 * summarisation threshold, scientific switches, nan/inf/-0.0, wrapping rows, empty
 * arrays), rebuilt in TypeScript from their exact values; repr and str must match exactly.
 * Also scalar str/repr, format_float_positional/scientific option combinations, the float64
 * fast path against the BigInt Dragon4, and that summarising reads only the edges.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { python, pythonJson } from "./oracle";
import {
  arrayRepr,
  arrayStr,
  arrayHtml,
  scalarRepr,
  scalarStr,
  formatFloatPositional,
  formatFloatScientific,
  INSTALLED_SCALAR_STYLE,
  type FormatDType,
  type ReprSource,
} from "../lib/np/format";
import { dragon4Digits, dragon4DigitsReference } from "../lib/np/format/dragon4";

/** Python-side helpers: exact encodings of values (floats as repr strings: nan/inf survive JSON). */
const PY_PRELUDE = String.raw`
import json, sys
import numpy as np
def enc(a):
    flat = np.asarray(a).reshape(-1)
    if flat.dtype.kind == 'f':
        return [repr(float(v)) for v in flat]
    return [int(v) for v in flat]
`;

function decode(v: string | number): number {
  if (typeof v === "number") return v;
  if (v === "inf") return Infinity;
  if (v === "-inf") return -Infinity;
  if (v === "nan") return NaN;
  return Number(v);
}

/** The simplest ReprSource: a Float64Array in C order (float32 values rounded by Math.fround). */
class ArraySource implements ReprSource {
  reads = 0;
  constructor(
    readonly dtype: FormatDType,
    readonly shape: readonly number[],
    private readonly data: Float64Array,
  ) {}
  at(i: number): number {
    this.reads++;
    return this.data[i];
  }
}

function source(dtype: FormatDType, shape: number[], values: (string | number)[]): ArraySource {
  const data = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const x = decode(values[i]);
    data[i] = dtype === "float32" ? Math.fround(x) : x;
  }
  return new ArraySource(dtype, shape, data);
}

interface Mismatch {
  what: string;
  expected: string;
  actual: string;
}

/** First differing line, with both versions, so a failure reads at a glance. */
function describe(m: Mismatch): string {
  const e = m.expected.split("\n");
  const a = m.actual.split("\n");
  let i = 0;
  while (i < Math.max(e.length, a.length) && e[i] === a[i]) i++;
  const short = (s: string) => (s.length > 400 ? s.slice(0, 400) + "…" : s);
  return (
    `${m.what}\n  first difference at line ${i + 1}:\n    numpy: ${JSON.stringify(e[i])}\n    ours:  ${JSON.stringify(a[i])}` +
    `\n  numpy full: ${short(JSON.stringify(m.expected))}\n  ours full:  ${short(JSON.stringify(m.actual))}`
  );
}

function assertNoMismatches(mismatches: Mismatch[], total: number, label: string): void {
  if (mismatches.length === 0) return;
  const head = mismatches.slice(0, 6).map(describe).join("\n\n");
  assert.fail(`${label}: ${mismatches.length} of ${total} differ from NumPy. First ones:\n\n${head}`);
}

test("the installed NumPy is the one the scalar style was chosen for", () => {
  const v = python("import numpy; print(numpy.__version__)").trim();
  const major = Number(v.split(".")[0]);
  assert.equal(INSTALLED_SCALAR_STYLE, major >= 2 ? "numpy2" : "numpy1", `NumPy ${v}`);
});

test("illustrative reprs", () => {
  const s = (dtype: FormatDType, shape: number[], v: number[]) => new ArraySource(dtype, shape, Float64Array.from(v));
  assert.equal(arrayRepr(s("int64", [3], [1, 2, 3])), "array([1, 2, 3])");
  assert.equal(arrayRepr(s("bool", [3], [1, 1, 1])), "array([ True,  True,  True])");
  assert.equal(arrayRepr(s("float32", [2], [1, 2])), "array([1., 2.], dtype=float32)");
  assert.equal(arrayRepr(s("float64", [0, 3], [])), "array([], shape=(0, 3), dtype=float64)");
  assert.equal(arrayRepr(s("float64", [], [5])), "array(5.)");
  assert.equal(arrayStr(s("float64", [2, 2], [1, 2, 3, 4])), "[[1. 2.]\n [3. 4.]]");
  assert.equal(arrayStr(s("int32", [3], [1, 2, 3])), "[1 2 3]");
  assert.equal(scalarStr(1.5, "float64"), "1.5");
  assert.equal(scalarRepr(1.5, "float64", "numpy2"), "np.float64(1.5)");
  assert.equal(scalarRepr(1, "bool", "numpy2"), "np.True_");
});

interface ArrayCase {
  group: string;
  dtype: FormatDType;
  shape: number[];
  values: (string | number)[];
  repr: string;
  str: string;
}

/** Generates the arrays in NumPy; prints their exact values, dtype, shape, repr and str. */
const GENERATE_ARRAYS = PY_PRELUDE + String.raw`
rng = np.random.default_rng(20240607)
cases = []
def add(group, a):
    a = np.asarray(a)
    cases.append(dict(group=group, dtype=str(a.dtype), shape=list(a.shape), values=enc(a), repr=repr(a), str=str(a)))

FLOATS = [np.float64, np.float32]
SHAPES = [(), (1,), (2,), (5,), (7,), (2, 3), (3, 1), (1, 4), (3, 2, 2), (2, 1, 3), (2, 2, 2, 2), (1, 2, 1, 3), (3, 2, 1, 2)]

# standard normal, every shape
for dt in FLOATS:
    for shape in SHAPES:
        add("normal", rng.standard_normal(shape).astype(dt))

# one magnitude per array, 1e-12 .. 1e12: positional / scientific switch on size
for dt in FLOATS:
    for k in range(-12, 13):
        for shape in [(4,), (2, 3)]:
            add("scaled", (rng.random(shape) * 10.0 ** k * rng.choice([-1, 1], shape)).astype(dt))

# mixed magnitudes within one array: the max/min > 1000 switch
for dt in FLOATS:
    for spread in [1, 2, 3, 4, 6, 9, 16, 30]:
        for n in [3, 6, 11]:
            a = rng.standard_normal(n) * 10.0 ** rng.integers(-spread, spread + 1, n)
            add("mixed", a.astype(dt))

# boundaries of the switch: 1e8, 1e-4, ratio 1000
for dt in FLOATS:
    for pair in [(1, 1000), (1, 1000.0001), (1, 999.99), (1e-4, 1), (9.9999e-5, 1), (1.00001e-4, 0.1),
                 (99999999.0, 1), (1e8, 1), (1e8 - 8, 2), (0.001, 1), (0.00099, 1), (2.5, 2500), (2.5, 2500.1),
                 (0, 1e-5), (0, 1e8), (-0.0, 5e-5), (1e-4, 0.1), (3e-3, 3.0)]:
        add("boundary", np.array(pair, dtype=dt))

# float32 pairs whose ratio exceeds 1000 in float64 but not after float32 division (NumPy 1.x divides in float32)
found = 0
while found < 4:
    b = np.float32(rng.random() * 10 + 0.01)
    for a in [np.float32(b * np.float32(1000)), np.nextafter(np.float32(b * np.float32(1000)), np.float32(np.inf))]:
        if float(a) / float(b) > 1000 and a / b <= 1000 and found < 4:
            add("boundary", np.array([a, b, -b], dtype=np.float32)); found += 1

# nan, inf, -inf, -0.0 among ordinary values
for dt in FLOATS:
    for base in ["normal", "scaled", "round", "tiny"]:
        for shape in [(5,), (3, 4), (2, 2, 3)]:
            n = int(np.prod(shape))
            if base == "normal": a = rng.standard_normal(n)
            elif base == "scaled": a = rng.standard_normal(n) * 1e9
            elif base == "round": a = rng.integers(-20, 20, n).astype(float)
            else: a = rng.standard_normal(n) * 1e-7
            k = rng.integers(1, n)
            idx = rng.choice(n, k, replace=False)
            a[idx] = rng.choice([np.nan, np.inf, -np.inf, -0.0, 0.0], k)
            add("special", a.reshape(shape).astype(dt))
    for arr in [[np.nan], [np.inf], [-np.inf], [np.nan, np.inf], [np.nan, -np.inf], [-0.0], [-0.0, 0.0],
                [np.nan, 1.5], [-np.inf, 1e-9], [np.inf, 123456.5], [np.nan, -0.0, 1e20], [np.nan] * 4]:
        add("special", np.array(arr, dtype=dt))

# integral floats: "1.", "-20." and 8-digit integers
for dt in FLOATS:
    for hi in [2, 10, 1000, 10**6, 10**7, 99999999]:
        add("integral", rng.integers(-hi, hi, 6).astype(dt))

# exact ties at the 8th decimal (k/2^9 has 9 decimals): round half to even
for dt in FLOATS:
    for den in [2**9, 2**10, 2**12, 2**20, 2**27, 2**30]:
        add("ties", (np.arange(-7, 9) / den + rng.integers(0, 3)).astype(dt))
    add("ties", np.array([0.001953125, 0.005859375, 1.000000005, 2.675, 0.125, 0.375], dtype=dt))

# extremes: subnormals, the largest values, float32's own limits
add("extreme", np.array([5e-324, 1e-310, 2.2250738585072014e-308, 1.7976931348623157e308, 1.0]))
add("extreme", np.array([1e300, -1e-300]))
add("extreme", np.array([1e-320, 1.0]))
add("extreme", np.array([1e100, 1e-100, 1.0, 12345.678]))
add("extreme", np.array([1.4e-45, 1e-40, 1.1754944e-38, 3.4028235e38, 1.0], dtype=np.float32))
add("extreme", np.array([3.4028235e38, -3.4028235e38], dtype=np.float32))
add("extreme", np.array([1e-38, 1e38], dtype=np.float32))

# random bit patterns: every exponent, float32 digits in scientific notation
for _ in range(12):
    b = rng.integers(0, 2**63, 8, dtype=np.uint64).view(np.float64)
    add("bits", b[np.isfinite(b)])
    b32 = rng.integers(0, 2**32, 8, dtype=np.uint64).astype(np.uint32).view(np.float32)
    add("bits", b32[np.isfinite(b32)])
    # powers of two (unequal margins) and neighbours
    e = rng.integers(-60, 60, 6)
    add("bits", np.ldexp(1.0, e) * rng.choice([1, -1, 1 + 2**-52], 6))
    add("bits", (np.ldexp(1.0, e) * rng.choice([1, -1, 1 + 2**-23], 6)).astype(np.float32))

# rows wide enough to wrap at 75 columns, with the dtype= suffix on its own line
for dt in [np.float64, np.float32, np.int64, np.int32, np.uint8, np.bool_]:
    for shape in [(9,), (13,), (30,), (3, 17), (2, 2, 25), (1, 60), (12,), (16,), (24,)]:
        if dt in (np.float64, np.float32):
            a = rng.standard_normal(shape) * 10.0 ** rng.integers(-3, 12)
        elif dt == np.bool_:
            a = rng.random(shape) < 0.5
        elif dt == np.uint8:
            a = rng.integers(0, 256, shape)
        else:
            a = rng.integers(-10**int(rng.integers(1, 9)), 10**int(rng.integers(1, 9)), shape)
        add("wide", np.asarray(a).astype(dt))

# around the summarisation threshold (1000 elements), 1-D to 4-D, every dtype
THRESH_SHAPES = [(999,), (1000,), (1001,), (2000,), (10, 100), (10, 101), (2, 500), (2, 501), (6, 167), (7, 143),
                 (1001, 1), (1, 1001), (3, 7, 48), (5, 5, 41), (6, 6, 28), (7, 7, 21), (2, 2, 2, 126),
                 (6, 6, 6, 6), (7, 7, 7, 3), (7, 7, 7, 7), (3, 3, 3, 40), (1, 1, 1, 1001), (2, 3, 4, 42)]
for dt in [np.float64, np.float32, np.int64, np.int32, np.uint8, np.bool_]:
    for shape in THRESH_SHAPES:
        if dt in (np.float64, np.float32):
            kind = rng.integers(0, 4)
            if kind == 0: a = rng.standard_normal(shape)
            elif kind == 1: a = rng.standard_normal(shape) * 10.0 ** rng.integers(-9, 10, shape)
            elif kind == 2: a = np.arange(np.prod(shape), dtype=float).reshape(shape)
            else: a = rng.random(shape) * 1e5
        elif dt == np.bool_:
            a = rng.random(shape) < 0.5
        elif dt == np.uint8:
            a = rng.integers(0, 256, shape)
        elif dt == np.int32:
            a = rng.integers(-2**31, 2**31, shape)
        else:
            w = int(rng.integers(1, 16))
            a = rng.integers(-10**w, 10**w, shape)
        add("threshold", np.asarray(a).astype(dt))
# a summarised float array whose edges alone decide the format (a huge value hidden in the middle)
a = rng.standard_normal(2000); a[1000] = 1e30; add("threshold", a)
a = rng.standard_normal((40, 40)); a[20, 20] = np.nan; add("threshold", a)

# integers of varied widths and signs
for dt, lo, hi in [(np.int64, -10, 10), (np.int64, 0, 10), (np.int64, -10**6, 10**6), (np.int64, -2**53, 2**53),
                   (np.int64, 10**15, 2**53), (np.int32, -2**31, 2**31), (np.int32, -5, 5), (np.int32, 0, 1000),
                   (np.uint8, 0, 256), (np.uint8, 0, 10), (np.uint8, 250, 256)]:
    for shape in [(), (1,), (6,), (3, 4), (2, 2, 3), (2, 1, 2, 3)]:
        add("int", rng.integers(lo, hi, shape, endpoint=False).astype(dt))
add("int", np.array([-2**31, 2**31 - 1], dtype=np.int32))
add("int", np.array([-2**53, 2**53], dtype=np.int64))
# Beyond 2**53 only values a float64 holds exactly (lazylab's int64 storage): every digit shown.
add("int", np.array([2**60, -2**62, 3 * 2**55, 2**63 - 1024, 12345 * 2**40], dtype=np.int64))

# bools
for shape in [(), (1,), (4,), (2, 3), (2, 2, 2), (1, 2, 1, 2)]:
    add("bool", rng.random(shape) < 0.5)
add("bool", np.array([False, False]))
add("bool", np.array(False))

# empty arrays
for dt in [np.float64, np.float32, np.int64, np.int32, np.uint8, np.bool_]:
    for shape in [(0,), (0, 3), (3, 0), (2, 0, 3), (0, 0), (1, 0, 2, 2)]:
        add("empty", np.zeros(shape, dtype=dt))

# 0-d arrays
for dt in FLOATS:
    for v in [5.0, -0.0, 0.0, 1.5, 0.1, 1e20, 1e-7, 1e16, 1e-4, 123456789.0, np.nan, np.inf, -np.inf, 2.0**-30, 3.14159265358979]:
        add("0-d", np.array(v, dtype=dt))
for dt in [np.int64, np.int32, np.uint8]:
    add("0-d", np.array(7, dtype=dt))
add("0-d", np.array(-123456789012, dtype=np.int64))
add("0-d", np.array(True))

json.dump(cases, sys.stdout)
`;

const arrayCases = pythonJson<ArrayCase[]>(GENERATE_ARRAYS);

test(`array repr and str match NumPy on ${arrayCases.length} generated arrays`, async (t) => {
  assert.ok(arrayCases.length >= 500, `only ${arrayCases.length} cases generated`);
  const groups = new Map<string, ArrayCase[]>();
  for (const c of arrayCases) {
    if (!groups.has(c.group)) groups.set(c.group, []);
    groups.get(c.group)!.push(c);
  }
  for (const [group, cases] of groups) {
    await t.test(`${group} (${cases.length} arrays)`, () => {
      const mismatches: Mismatch[] = [];
      cases.forEach((c, k) => {
        const what = `${group}#${k} dtype=${c.dtype} shape=(${c.shape.join(",")})`;
        const reprOut = arrayRepr(source(c.dtype, c.shape, c.values));
        if (reprOut !== c.repr) mismatches.push({ what: `repr ${what}`, expected: c.repr, actual: reprOut });
        const strOut = arrayStr(source(c.dtype, c.shape, c.values));
        if (strOut !== c.str) mismatches.push({ what: `str ${what}`, expected: c.str, actual: strOut });
      });
      assertNoMismatches(mismatches, cases.length * 2, group);
    });
  }
});

interface ScalarCase {
  dtype: FormatDType;
  value: string | number;
  str: string;
  repr: string;
}

test("scalar str and repr match NumPy", () => {
  const cases = pythonJson<ScalarCase[]>(
    PY_PRELUDE +
      String.raw`
rng = np.random.default_rng(7)
out = []
def add(v):
    out.append(dict(dtype=str(v.dtype), value=enc(v)[0], str=str(v), repr=repr(v)))
specials = [0.0, -0.0, 1.0, -1.0, 0.1, 1.5, 1e-4, 9.99e-5, 1e-5, 1e16, 9999999999999998.0, 1e15, 1e-7, 123456.789,
            np.nan, np.inf, -np.inf, 5e-324, 1.7976931348623157e308, 2.0**-30, 2.0**60, 3.4028235e38, 1.4e-45, 0.3]
for dt in [np.float64, np.float32]:
    for v in specials:
        add(dt(v))
    for v in rng.standard_normal(150) * 10.0 ** rng.integers(-20, 21, 150):
        add(dt(v))
    bits = rng.integers(0, 2**63, 100, dtype=np.uint64)
    for b in (bits.view(np.float64) if dt == np.float64 else bits.astype(np.uint32).view(np.float32)):
        if np.isfinite(b): add(b)
for dt, lo, hi in [(np.int64, -2**53, 2**53), (np.int32, -2**31, 2**31), (np.uint8, 0, 256)]:
    for v in rng.integers(lo, hi, 20):
        add(dt(v))
add(np.bool_(True)); add(np.bool_(False))
json.dump(out, sys.stdout)
`,
  );
  const mismatches: Mismatch[] = [];
  for (const c of cases) {
    const v = decode(c.value);
    const what = `${c.dtype}(${c.value})`;
    const s = scalarStr(v, c.dtype);
    if (s !== c.str) mismatches.push({ what: `str ${what}`, expected: c.str, actual: s });
    const r = scalarRepr(v, c.dtype);
    if (r !== c.repr) mismatches.push({ what: `repr ${what}`, expected: c.repr, actual: r });
  }
  assert.ok(cases.length > 500);
  assertNoMismatches(mismatches, cases.length * 2, "scalars");
});

interface FloatFormatCase {
  dtype: "float64" | "float32";
  value: string;
  sci: boolean;
  opts: {
    precision: number | null;
    min_digits: number | null;
    unique: boolean;
    trim: "k" | "." | "0" | "-";
    sign: boolean;
    pad_left: number | null;
    pad_right: number | null;
    exp_digits: number | null;
    fractional: boolean;
  };
  out: string;
}

test("format_float_positional and format_float_scientific match NumPy across options", () => {
  const cases = pythonJson<FloatFormatCase[]>(
    PY_PRELUDE +
      String.raw`
rng = np.random.default_rng(99)
out = []
vals64 = list(rng.standard_normal(40) * 10.0 ** rng.integers(-12, 13, 40)) + [0.0, -0.0, 0.125, 2.675, 1e-5, 123456789.125, 2.0**-30, 2.0**70, 5e-324, 0.5, 9.9999999999]
bits = rng.integers(0, 2**63, 20, dtype=np.uint64)
vals64 += [float(b) for b in bits.view(np.float64) if np.isfinite(b)]
for dt in [np.float64, np.float32]:
    for x in vals64:
        x = dt(x)
        if not np.isfinite(x): continue
        for _ in range(12):
            sci = bool(rng.integers(0, 2))
            unique = bool(rng.integers(0, 4) > 0)
            precision = None if (unique and rng.integers(0, 3) == 0) else int(rng.choice([0, 1, 2, 3, 5, 8, 12, 17, 25]))
            min_digits = None
            if unique and rng.integers(0, 2):
                min_digits = int(rng.integers(0, 20))
                if precision is not None and precision > 0 and min_digits > precision: min_digits = precision
            trim = str(rng.choice(['k', '.', '0', '-']))
            sign = bool(rng.integers(0, 2))
            pad_left = None if rng.integers(0, 2) else int(rng.integers(0, 8))
            pad_right = None if rng.integers(0, 2) else int(rng.integers(0, 12))
            exp_digits = None if rng.integers(0, 2) else int(rng.integers(0, 5))
            fractional = bool(rng.integers(0, 3) > 0)
            if not fractional and precision == 0: fractional = True
            try:
                if sci:
                    s = np.format_float_scientific(x, precision=precision, unique=unique, trim=trim, sign=sign,
                                                   pad_left=pad_left, exp_digits=exp_digits, min_digits=min_digits)
                else:
                    s = np.format_float_positional(x, precision=precision, unique=unique, fractional=fractional,
                                                   trim=trim, sign=sign, pad_left=pad_left, pad_right=pad_right,
                                                   min_digits=min_digits)
            except Exception:
                continue
            out.append(dict(dtype=str(x.dtype), value=repr(float(x)), sci=sci, out=s,
                            opts=dict(precision=precision, min_digits=min_digits, unique=unique, trim=trim, sign=sign,
                                      pad_left=pad_left, pad_right=pad_right, exp_digits=exp_digits, fractional=fractional)))
json.dump(out, sys.stdout)
`,
  );
  const mismatches: Mismatch[] = [];
  for (const c of cases) {
    const isF32 = c.dtype === "float32";
    const x = isF32 ? Math.fround(decode(c.value)) : decode(c.value);
    const o = c.opts;
    const common = {
      precision: o.precision ?? -1,
      minDigits: o.min_digits ?? -1,
      unique: o.unique,
      trim: o.trim,
      sign: o.sign,
      padLeft: o.pad_left ?? -1,
    };
    const got = c.sci
      ? formatFloatScientific(x, isF32, { ...common, expDigits: o.exp_digits ?? -1 })
      : formatFloatPositional(x, isF32, { ...common, padRight: o.pad_right ?? -1, fractional: o.fractional });
    if (got !== c.out) {
      mismatches.push({ what: `${c.sci ? "scientific" : "positional"} ${c.dtype}(${c.value}) ${JSON.stringify(o)}`, expected: c.out, actual: got });
    }
  }
  assert.ok(cases.length > 1500, `${cases.length} cases`);
  assertNoMismatches(mismatches, cases.length, "format_float_*");
});

test("float64 fast path gives the BigInt Dragon4's digits", () => {
  // xorshift over random bit patterns, powers of two, subnormals, and ordinary values
  let s = 0x9e3779b9;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
  const buf = new Float64Array(1);
  const words = new Uint32Array(buf.buffer);
  const xs: number[] = [];
  for (let i = 0; i < 3000; i++) {
    words[0] = next();
    words[1] = next();
    if (Number.isFinite(buf[0])) xs.push(Math.abs(buf[0]));
    xs.push(Math.abs((next() / 2 ** 32 - 0.5) * 10 ** ((next() % 40) - 20)));
  }
  for (let e = -1074; e <= 1023; e += 7) xs.push(2 ** e, 2 ** e * (1 + 2 ** -52));
  const mismatches: Mismatch[] = [];
  const modes: [boolean, number, number][] = [
    [true, -1, -1],
    [false, 8, -1],
    [false, 8, 0],
    [true, 9, -1],
    [true, 9, 9],
    [true, 5, 3],
    [false, 3, 3],
    [true, 17, 17],
    [false, 20, 12],
  ];
  for (const x of xs) {
    for (const [total, max, min] of modes) {
      const a = dragon4Digits(x, false, true, total, max, min);
      const b = dragon4DigitsReference(x, false, true, total, max, min);
      if (a.digits !== b.digits || a.exponent !== b.exponent) {
        mismatches.push({
          what: `x=${x} total=${total} max=${max} min=${min}`,
          expected: `${b.digits}e${b.exponent}`,
          actual: `${a.digits}e${a.exponent}`,
        });
      }
    }
  }
  assertNoMismatches(mismatches, xs.length * modes.length, "fast path vs Dragon4");
});

test("summarising a 4000×4000 array reads only its edges, and quickly", () => {
  let reads = 0;
  const src: ReprSource = {
    dtype: "float64",
    shape: [4000, 4000],
    at(i: number) {
      reads++;
      return Math.sin(i) * 100;
    },
  };
  const t0 = performance.now();
  const r = arrayRepr(src);
  const ms = performance.now() - t0;
  assert.equal(reads, 36, "6 rows × 6 columns");
  assert.ok(r.includes("..."));
  assert.ok(ms < 200, `took ${ms} ms`);

  let reads4 = 0;
  const big: ReprSource = { dtype: "float32", shape: [64, 64, 64, 64], at: () => (reads4++, 0.5) };
  const s = arrayStr(big);
  assert.equal(reads4, 6 ** 4);
  assert.ok(s.startsWith("[[[[0.5 0.5 0.5 ... 0.5 0.5 0.5]"));

  // the edges agree with NumPy's summary of the same array
  const expected = python(
    "import numpy as np; a = np.sin(np.arange(16_000_000, dtype=np.float64)).reshape(4000, 4000) * 100; print(repr(a), end='')",
  );
  assert.equal(r, expected);
});

test("arrayHtml: a table of the printed elements", () => {
  const src = new ArraySource("float64", [2, 2], Float64Array.from([1, 2.5, -3, 4]));
  const html = arrayHtml(src);
  assert.match(html, /<table/);
  assert.equal((html.match(/<tr>/g) ?? []).length, 2);
  assert.match(html, />-3\.<\/td>/);
  const big = new ArraySource("int32", [100, 100], new Float64Array(10000));
  const h2 = arrayHtml(big);
  assert.equal((h2.match(/<tr>/g) ?? []).length, 7);
  assert.equal(big.reads, 36);
  assert.match(arrayHtml(new ArraySource("bool", [2, 2, 2], new Float64Array(8))), /^<pre>array\(/);
});
