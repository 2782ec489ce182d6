/**
 * A cell's declarations reach later cells whatever the library gives it: TypeScript writes no
 * .d.ts once one declaration's type cannot be named (an unexported library class, a type of a
 * package only lazylab depends on), and the cell's every name was lost. The library's values
 * declare cleanly; a type no declaration can name is carried as `any`, with a warning.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import os from "node:os";
import { CellCompiler } from "../kernel/compiler/service";

/** Values a notebook typically keeps from the preloaded library, one `const v = <expression>` each. */
const LIBRARY_VALUES = [
  "np.ones(3)",
  "np.ones(3).nd",
  "np.ones(3).nd.data",
  "np.ones(3).nd.lo(1)",
  "np.ones(3).data",
  "np.ones([2, 3]).flags",
  "np.ones([2, 3]).T",
  "np.ones([2, 3]).get('0:1').base",
  "np.ones(3)[Symbol.iterator]()",
  "[...np.ones([2, 2])]",
  "np.ones([2, 2]).shape",
  "np.ones(3).sum()",
  "np.ones(3).tolist()",
  "np.ones(3).geometry()",
  "np.arange(6).reshape(2, 3)",
  "np.slice(0, 2)",
  "np.random.defaultRng(1)",
  "np.random.defaultRng(1).standardNormal([2, 2])",
  "new np.random.RandomState(1)",
  "np.random.RandomState(1)",
  "np.load('x.npz' as `${string}.npz`)",
  "da.ones([4, 4], { chunks: 2 })",
  "da.ones([4, 4], { chunks: 2 }).chunks",
  "da.ones([4, 4], { chunks: 2 }).T",
  "da.fromArray(np.ones(4), { chunks: 2 }).pow(2)",
  "new da.random.RandomState(1)",
  "da.random.RandomState(1)",
  "da.random.RandomState(1).normal(0, 1, [4, 4], { chunks: 2 })",
  "new da.random.RandomState(1).random([4, 4], { chunks: 2 })",
  "da.random.random([4, 4], { chunks: 2 })",
  "da.random.defaultRng(1)",
  "await da.ones(4, { chunks: 2 }).compute()",
  "await da.ones(4, { chunks: 2 }).persist()",
  "await da.compute(da.ones(4, { chunks: 2 }))",
  "da.poolInfo()",
  "await xr.openDataset('examples/data/x.nc')",
  "await xr.openMfDataset('examples/data/THETA_*.nc')",
  "(await xr.openDataset('examples/data/x.nc')).get(['THETA'])",
  "(await xr.openDataset('examples/data/x.nc')).THETA",
  "(await xr.openDataset('examples/data/x.nc')).THETA.isel({ k: 0 })",
  "(await xr.openDataset('examples/data/x.nc')).THETA.values",
  "await (await xr.openDataset('examples/data/x.nc')).THETA.compute()",
  "xr.merge([])",
  "xr.DataArray(np.arange(6).reshape(2, 3), { dims: ['x', 'y'], coords: { x: [10, 20] }, name: 'v' })",
  "new xr.DataArray([[1, 2], [3, 4]])",
  "xr.Dataset({ temp: [['x', 'y'], np.ones([2, 3])], p: ['x', [1.5, 2.5]] }, { coords: { x: [10, 20] }, attrs: { title: 't' } })",
  "new xr.Dataset()",
  "xr.Dataset({ v: xr.DataArray([1, 2], { dims: 'x' }) }).v",
  "xr.cacheInfo()",
  "psutil.Process()",
  "new psutil.Process()",
  "psutil.Process().memoryInfo()",
  "psutil.Process().memoryFullInfo()",
  "psutil.virtualMemory()",
  "psutil.swapMemory()",
  "psutil.cpuCount()",
  "tracemalloc.getTracedMemory()",
  "sys",
  "sys.getsizeof(np.ones(3))",
  "gc",
  "Out",
  "memory",
  "new memory.MemoryLog()",
  "retainers",
  "plt",
];

/** The declarations a cell carries, and its warnings (none expected for the library's values). */
function declare(compiler: CellCompiler, code: string) {
  const r = compiler.compile(code, "In[1]");
  assert.ok(r.ok, `${code}: ${r.ok ? "" : r.error.evalue}`);
  compiler.record(r.id);
  return r;
}

test("every value of the library a cell keeps is declared with its type for later cells", () => {
  const compiler = new CellCompiler(os.tmpdir());
  const failed: string[] = [];
  LIBRARY_VALUES.forEach((expr, i) => {
    const r = compiler.compile(`const v${i} = ${expr};`, "In[1]");
    if (!r.ok) return failed.push(`${expr}: ${r.error.evalue}`);
    compiler.record(r.id);
    if (r.warnings) failed.push(`${expr}: ${r.warnings.join(" ")}`);
    // Named through the library's namespace (`__lazylab.np.NdView`), not by a path to its files:
    // a later cell would need module resolution (a new program) to read that.
    const declared = new RegExp(`const v${i}: ([^;]*);`).exec(compiler.history.text())?.[1] ?? "(not declared)";
    if (/\bimport\(|^any$|not declared/.test(declared)) failed.push(`${expr}: declared as ${declared}`);
    const later = compiler.compile(`const check${i}: typeof v${i} = v${i};`, "In[2]");
    if (!later.ok) failed.push(`${expr}: a later cell: ${later.error.evalue}`);
  });
  assert.deepEqual(failed, []);
});

test("a process is psutil.Process in the declaration later cells get", () => {
  const compiler = new CellCompiler(os.tmpdir());
  declare(compiler, "const proc = psutil.Process();");
  assert.match(compiler.history.text(), /const proc: __lazylab\.psutil\.Process;/);
  const later = compiler.compile("const p: psutil.Process = proc; const n: number = proc.pid;", "In[2]");
  assert.ok(later.ok);
});

test("a RandomState made as Python makes it (without new) is np.random.RandomState or da.RandomState in later cells", () => {
  const compiler = new CellCompiler(os.tmpdir());
  declare(compiler, "const rs = np.random.RandomState(0); const ds = da.random.RandomState(0);");
  assert.match(compiler.history.text(), /const rs: __lazylab\.np\.random\.RandomState;/);
  // da.random is an object, not a namespace: its instances' type is da.RandomState.
  assert.match(compiler.history.text(), /const ds: __lazylab\.da\.RandomState;/);
  const later = compiler.compile("const a: np.random.RandomState = rs; const b: da.RandomState = ds; const ok: boolean = rs instanceof np.random.RandomState;", "In[2]");
  assert.ok(later.ok, later.ok ? "" : later.error.evalue);
});

test("a DataArray or Dataset made as xarray makes them (without new) is xr.DataArray or xr.Dataset in later cells", () => {
  const compiler = new CellCompiler(os.tmpdir());
  declare(compiler, "const a = xr.DataArray([[1, 2]], { dims: ['x', 'y'] }); const ds = xr.Dataset({ v: a }, { coords: { y: [5, 6] } }); const m = a.mean('x');");
  assert.match(compiler.history.text(), /const a: __lazylab\.xr\.DataArray;/);
  assert.match(compiler.history.text(), /const m: __lazylab\.xr\.DataArray;/);
  assert.match(compiler.history.text(), /const ds: __lazylab\.xr\.DatasetWithVars;/);
  const later = compiler.compile("const b: xr.DataArray = a; const d: xr.Dataset = ds; const v: xr.DataArray = ds.v; const ok: boolean = a instanceof xr.DataArray && ds instanceof xr.Dataset; xr.DataArray.from(np.ones(2), ['x']);", "In[2]");
  assert.ok(later.ok, later.ok ? "" : later.error.evalue);
  // Python's tuples are arrays: data that is not numbers does not compile.
  assert.equal(compiler.compile("xr.Dataset({ v: ['x', 'not numbers'] });", "In[3]").ok, false);
});

test("a name whose type no declaration can name is any in later cells, with a warning; the cell's other names keep their types", () => {
  const compiler = new CellCompiler(os.tmpdir());
  const r = declare(compiler, "const made = (() => { class Hidden { private secret = 1; shown = 2 } return new Hidden(); })();\nconst other = 3;");
  assert.equal(r.warnings?.length, 1);
  assert.match(r.warnings![0], /^Warning: 'made' is 'any' in later cells: .*TS4094: Property 'secret'/);
  assert.ok(compiler.compile("const o: 3 = other; made.anything.goes;", "In[2]").ok);
  // `other` is still the literal type 3, not any.
  assert.equal(compiler.compile("const o: 4 = other;", "In[3]").ok, false);
});

test("a function whose return type cannot be named returns any; a class keeps its other members", () => {
  const compiler = new CellCompiler(os.tmpdir());
  const r = declare(compiler, "function mk() { class H { private s = 1 } return new H(); }\nclass K { p = mk(); q = 1 }\nconst { a, b } = { a: mk(), b: 1 };");
  assert.equal(r.warnings?.length, 3, r.warnings?.join("\n"));
  assert.ok(compiler.compile("mk().x; new K().p.x; a.x; b.x;", "In[2]").ok);
  assert.equal(compiler.compile("const s: string = new K().q;", "In[3]").ok, false);
});

test("a cell that imports (checked in a program of its own) keeps its declarations too", () => {
  const compiler = new CellCompiler(os.tmpdir());
  const r = declare(compiler, "import { existsSync } from 'node:fs';\nconst made = (() => { class Hidden { private secret = 1 } return new Hidden(); })();\nconst exists = existsSync('.');");
  assert.match(r.warnings?.[0] ?? "", /'made' is 'any'/);
  assert.ok(compiler.compile("const e: boolean = exists; made.x; existsSync('.');", "In[2]").ok);
  assert.equal(compiler.compile("const e: string = exists;", "In[3]").ok, false);
});

test("a cell that declares nothing unnameable has no warnings", () => {
  const compiler = new CellCompiler(os.tmpdir());
  assert.equal(declare(compiler, "class L { private x = 1 }\nconst inst = new L();").warnings, undefined);
});
