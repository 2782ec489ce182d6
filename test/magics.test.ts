/**
 * The magics' parts: times formatted exactly as IPython's `_format_time`, TimeitResult as
 * IPython's, magics blanked with every offset kept, and their errors; `%who`/`%whos`/`%load_ext`/
 * `%reset` read as IPython reads them, and the Python types and str() `%whos` shows for TypeScript values.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { pythonJson } from "./oracle";
import { formatTime, TimeitResult } from "../kernel/executor/magics";
import { completeMagic, findMagics, magicHelp, MagicUsageError } from "../kernel/compiler/magics";
import { pythonStr, pythonTypeName } from "../kernel/executor/namespace";
import { analyseCell, toUserOffset } from "../kernel/compiler/cell-source";
import { isComplete } from "../kernel/compiler/service";

const IPY = "import sys, io, json; sys.stdout = io.TextIOWrapper(sys.stdout.buffer, encoding='utf-8'); from IPython.core.magics.execution import _format_time, TimeitResult;";

test("times are formatted as IPython's _format_time formats them, units, digits, exponents and minutes", () => {
  const durations = [0, 1e-12, 3.2e-14, 1e-9, 1.2345e-9, 9.9996e-7, 1.5e-6, 12.3456e-6, 0.000999, 0.00123, 0.0456, 0.2, 0.99996, 1, 1.5, 9.999, 59.99, 60, 75.3, 3600.5, 3725.25, 90061, 2 / 3, Math.PI / 1000];
  for (const precision of [3, 1, 5]) {
    const expected = pythonJson<string[]>(`${IPY} print(json.dumps([_format_time(t, ${precision}) for t in json.loads(sys.stdin.read())]))`, JSON.stringify(durations));
    assert.deepEqual(durations.map((t) => formatTime(t, precision)), expected, `precision ${precision}`);
  }
});

test("a TimeitResult prints as IPython's, mean ± population std. dev., loops with thousands separators", () => {
  const cases: Array<[number, number[]]> = [[10, [0.0021, 0.0019, 0.0025]], [1, [1.25]], [1000000, [0.21, 0.22, 0.2, 0.3, 0.2, 0.21, 0.25]]];
  for (const [loops, runs] of cases) {
    const want = pythonJson<string>(`${IPY} r = TimeitResult(${loops}, ${runs.length}, 0, 0, ${JSON.stringify(runs)}, 0, 3); print(json.dumps(str(r)))`);
    const got = new TimeitResult(loops, runs.length, Math.min(...runs) / loops, Math.max(...runs) / loops, runs);
    assert.equal(String(got), want);
  }
});

test("magics are blanked with the same length, so lines and columns of the user's text stay", () => {
  const text = "%%timeit -n 10 -r2\nconst a = 1\n  %time a + 1\n";
  const { clean, found } = findMagics(text);
  assert.equal(clean.length, text.length);
  assert.deepEqual(clean.split("\n").map((l) => l.length), text.split("\n").map((l) => l.length));
  assert.equal(clean, " ".repeat("%%timeit -n 10 -r2".length) + "\nconst a = 1\n        a + 1\n");
  assert.deepEqual(found.map((f) => [f.name, f.cell, f.options?.number, f.options?.repeat]), [["timeit", true, 10, 2], ["time", false, undefined, undefined]]);
});

test("inserted code maps back to where it was inserted, the user's code to its own offsets", () => {
  const text = "%%time\nconst x = 1\nx + 1";
  const cell = analyseCell(text, "/tmp/cell.ts");
  for (const word of ["const", "x + 1"]) {
    assert.equal(toUserOffset(cell, cell.checkedText.indexOf(word)), text.indexOf(word), word);
  }
  assert.deepEqual([...cell.declared], ["x"]);
});

test("bad magics are UsageErrors that name what is allowed", () => {
  const usage = (text: string) => assert.throws(() => findMagics(text), (e: unknown) => e instanceof MagicUsageError && e.name === "UsageError");
  usage("%%tim\n1");
  usage("%timeit -n0 1");
  usage("%timeit -n x 1");
  usage("%timeit -t 1");
  usage("%time");
  usage("1\n%%time\n2");
  assert.throws(() => findMagics("%%bogus\n1"), /Cell magic `%%bogus` not found\. The magics are %%memit, %%time, %%timeit, %load_ext, %memit, %reset, %time, %timeit, %who, %whos$/);
  assert.throws(() => findMagics("%timeit -z 1"), /unknown option -z; the options are -n<N>/);
  usage("%memit -c 1");
  usage("%memit -r0 1");
  usage("%memit -i x 1");
  usage("%%memit const a = 1\n2");
  assert.throws(() => findMagics("%memit -c 1"), /-c \(child processes\) is not supported/);
  assert.throws(() => findMagics("%memit -n 1"), /unknown option -n; the options are -r<R>/);
});

test("a % at the start of a line inside a template literal, string or comment is text, not a magic", () => {
  for (const text of ["const s = `a\n%d items`", "/* x\n%foo */ 1", "const t = `${1}\n%x ${ { a: 1 }.a }\n%y`", "const u = `${`\n%in`}`"]) {
    assert.deepEqual(findMagics(text).found, [], text);
    assert.equal(findMagics(text).clean, text);
  }
  const code = "const r = /a`/g; const q = 4 / 2\n%time q";
  assert.deepEqual(findMagics(code).found.map((f) => f.at), [code.indexOf("%time")]);
});

test("inspect (Shift+Tab) on a magic shows its usage; off the magic, nothing of it", () => {
  assert.match(magicHelp("%%timeit -n 10\n1", 4) ?? "", /^%%timeit \[-n<N> -r<R> -p<P> -q -o\] \[setup\]/);
  assert.match(magicHelp("const a = 1\n  %time a", 16) ?? "", /^%time statement/);
  assert.equal(magicHelp("%%time\nconst a = 1", 10), undefined);
  assert.match(magicHelp("%%tim\n1", 3) ?? "", /not a magic\. The magics are %%memit, %%time, %%timeit, %load_ext, %memit, %reset, %time, %timeit, %who, %whos$/);
});

test("%memit's options are memory_profiler's; plain, it measures in place (declarations kept), with -r or -o in a function", () => {
  const [m] = findMagics("%memit -r 3 -t 5 -i 0.01 -q x.sum()").found;
  assert.deepEqual(m.memit, { repeat: 3, timeout: 5, interval: 0.01, quiet: true, result: false });
  assert.deepEqual(findMagics("%memit -r3 -o 1").found[0].memit, { repeat: 3, timeout: null, interval: 0.1, quiet: false, result: true });
  const inPlace = analyseCell("%memit const kept = np.ones([10])", "/tmp/cell.ts");
  assert.deepEqual([...inPlace.declared], ["kept"]);
  assert.match(inPlace.checkedText, /memitStart\(\{"repeat":1,/);
  const repeated = analyseCell("%memit -r 2 const local = np.ones([10])", "/tmp/cell.ts");
  assert.deepEqual([...repeated.declared], []);
  assert.match(repeated.checkedText, /\.memit\(\{"repeat":2,.*\(\) => \(\) => \{ const local/);
  assert.match(magicHelp("%memit x", 2) ?? "", /^%memit \[-r<R> -q -o\] statement/);
});

test("is_complete reads a cell with a magic as the code after it", () => {
  assert.deepEqual(isComplete("%%time\nconst a = 1"), { status: "complete" });
  assert.equal(isComplete("%%timeit -n 10\nfor (let i = 0; i < 3; i++) {").status, "incomplete");
});

test("%who, %whos and %load_ext take the rest of their line as words and run as a statement of their own where it is", () => {
  const text = "const a = 1\n%whos ndarray  int\n  %who\n%load_ext memory_profiler\na";
  const { clean, found } = findMagics(text);
  assert.equal(clean.length, text.length);
  assert.equal(clean, "const a = 1\n" + " ".repeat(18) + "\n" + " ".repeat(6) + "\n" + " ".repeat(25) + "\na");
  assert.deepEqual(found.map((f) => [f.name, f.argument]), [["whos", "ndarray  int"], ["who", ""], ["load_ext", "memory_profiler"]]);
  const cell = analyseCell(text, "/tmp/cell.ts");
  assert.match(cell.checkedText, /;__lazylab_magic\.whos\(\["ndarray","int"\]\);/);
  assert.match(cell.checkedText, /;__lazylab_magic\.who\(\[\]\);/);
  assert.match(cell.checkedText, /;__lazylab_magic\.loadExt\("memory_profiler"\);/);
  assert.deepEqual([...cell.declared], ["a"]);
  assert.equal(toUserOffset(cell, cell.checkedText.lastIndexOf("\na") + 1), text.length - 1);
  // In a block they run when it does, as IPython's line magics in an indented block.
  assert.match(analyseCell("if (a) {\n  %whos\n}", "/tmp/cell.ts").checkedText, /\{\n  ;__lazylab_magic\.whos\(\[\]\);/);
});

test("%load_ext without a name is IPython's UsageError; a namespace magic inside a statement is one too", () => {
  assert.throws(() => findMagics("%load_ext  "), (e: unknown) => e instanceof MagicUsageError && e.message === "Missing module name.");
  for (const text of ["const q = 1 +\n%whos\n2", "f(1,\n%who\n)", "const o = {\n%whos\n}"]) {
    assert.throws(() => analyseCell(text, "/tmp/cell.ts"), /must be on a line between statements \(it runs as a statement of its own/, text);
  }
  assert.throws(() => findMagics("%%whos\n1"), /Cell magic `%%whos` not found/);
  assert.match(magicHelp("%whos ndarray", 3) ?? "", /^%whos \[type \.\.\.\]/);
  assert.deepEqual(completeMagic("%wh", 3)?.matches, ["%who", "%whos"]);
});

test("%whos shows a float as Python's repr of it, the shortest digits that read back", () => {
  const floats = [0.1, 1e-5, 1e16, 2.5, -2.5, 1 / 3, 2 / 3, 1e-4, 9.999e-5, 0.0001234, 1e22, 1.5e300, 5e-324, Number.MAX_VALUE, 2 ** 60, 2 ** 53 + 2, 123456789.125, 1e15 + 0.5, 9007199254740993.5, 0.30000000000000004, 1e-7];
  const expected = pythonJson<string[]>("import sys, json; print(json.dumps([repr(float(x)) for x in json.loads(sys.stdin.read())]))", JSON.stringify(floats));
  assert.deepEqual(floats.map((x) => [pythonTypeName(x), pythonStr(x)]), expected.map((r) => ["float", r]));
  assert.deepEqual([-0, Infinity, -Infinity, NaN].map(pythonStr), ["-0.0", "inf", "-inf", "nan"]);
});

test("TypeScript values have the Python types and str() a port's values have", () => {
  class Shape {}
  const cases: Array<[unknown, string, string]> = [
    [42, "int", "42"], [-7, "int", "-7"], [2 ** 53 - 1, "int", "9007199254740991"], [10n ** 20n, "int", "100000000000000000000"],
    ["a\nb", "str", "a\nb"], [true, "bool", "True"], [false, "bool", "False"], [null, "NoneType", "None"], [undefined, "NoneType", "None"],
  ];
  for (const [value, type, str] of cases) assert.deepEqual([pythonTypeName(value), pythonStr(value)], [type, str], String(value));
  assert.equal(pythonTypeName([1, 2]), "list");
  assert.equal(pythonTypeName({ a: 1 }), "dict");
  assert.equal(pythonTypeName(Object.create(null)), "dict");
  assert.equal(pythonTypeName(() => 1), "function");
  assert.equal(pythonTypeName(Shape), "type");
  assert.equal(pythonTypeName(new Shape()), "Shape");
  assert.equal(pythonTypeName(new Map()), "Map");
});

test("%reset reads its options and targets as IPython's parse_options does, getopt's errors word for word", () => {
  const lines = ["", "-f", "-s -f", "-sf", "-fs out", "-f OUT Array", "out -f", "-f -- -s", "-f - out", "-f -f", "-f --", "  -f   array  ", "-f foo out bar",
    "-x", "-fx", "--foo", "---", "--aggressive=1", "--=1", "--agg", "--aggressive", "-f in", "-f out DHist"];
  type Parsed = { force: boolean; soft: boolean; aggressive: boolean; targets: string[] } | { error: string };
  const expected = pythonJson<Parsed[]>(`import sys, json
from IPython.core.interactiveshell import InteractiveShell
from IPython.core.magics.namespace import NamespaceMagics
from IPython.core.error import UsageError
magics = NamespaceMagics(InteractiveShell.instance())
out = []
for line in json.loads(sys.stdin.read()):
    try:
        opts, args = magics.parse_options(line, "sf", "aggressive", mode="list")
        out.append({"force": "f" in opts, "soft": "s" in opts, "aggressive": "aggressive" in opts, "targets": [a.lower() for a in args]})
    except UsageError as e:
        out.append({"error": str(e)})
print(json.dumps(out))`, JSON.stringify(lines));
  lines.forEach((line, i) => {
    const want = expected[i];
    const read = () => findMagics(`%reset ${line}`).found[0].reset;
    if ("error" in want) return assert.throws(read, (e: unknown) => e instanceof MagicUsageError && e.message === want.error, line);
    // What lazylab leaves out is refused by name: --aggressive, and the targets in and dhist.
    const refused = want.aggressive ? "--aggressive" : want.targets.find((t) => t === "in" || t === "dhist");
    if (refused) return assert.throws(read, (e: unknown) => e instanceof MagicUsageError && e.message.startsWith(`%reset ${refused} (`), line);
    assert.deepEqual(read(), { force: want.force, soft: want.soft, targets: want.targets }, line);
  });
});

test("%reset runs as a statement; without -f it awaits its question, so it needs a place where await is allowed", () => {
  assert.match(analyseCell("const a = 1\n%reset", "/tmp/cell.ts").checkedText, /;await __lazylab_magic\.resetNamespace\(\{"force":false,"soft":false,"targets":\[\]\}\);/);
  assert.match(analyseCell("%reset -f out", "/tmp/cell.ts").checkedText, /^;__lazylab_magic\.resetNamespace\(\{"force":true,"soft":false,"targets":\["out"\]\}\);/);
  assert.match(analyseCell("async function clear() {\n  %reset -s\n}", "/tmp/cell.ts").checkedText, /;await __lazylab_magic\.resetNamespace/);
  assert.match(analyseCell("function clear() {\n  %reset -f\n}", "/tmp/cell.ts").checkedText, /\{\n  ;__lazylab_magic\.resetNamespace/);
  assert.throws(() => analyseCell("function clear() {\n  %reset\n}", "/tmp/cell.ts"), /`%reset` asks its question through input\(\), which is awaited: in a function that is not async, use `%reset -f`/);
  assert.match(magicHelp("%reset -f", 3) ?? "", /^%reset \[-f\] \[-s\] \[out \| array\]/);
  assert.deepEqual(completeMagic("%re", 3)?.matches, ["%reset"]);
});
