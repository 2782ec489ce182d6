/**
 * `xr.DataArray(...)` and `xr.Dataset(...)` made as a ported notebook makes them (Python's
 * keywords as one options object, its tuples as arrays) give what xarray gives for the same
 * statements: dims, shape, dtype, values, coordinates, name, attrs and the repr text; and bad
 * input fails with xarray's exception class and message. Expected values come from Debian's
 * xarray at test time, every case in one Python process.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { np, da, xr } from "../lib";
import { pythonJson } from "./oracle";

const DIR = mkdtempSync(path.join(tmpdir(), "lazylab-xr-construct-"));
process.on("exit", () => rmSync(DIR, { recursive: true, force: true }));
const NC = path.join(DIR, "made.nc");

/** One statement in both languages: xarray's (a Python expression) and lazylab's. */
interface Case {
  id: string;
  py: string;
  ts: () => unknown;
}

// The objects the cases share, made alike on both sides (the Python prelude below).
const data = () => np.arange(6).reshape(2, 3);
const withLat = () => xr.DataArray(data(), { dims: ["x", "y"], coords: { x: [10, 20], lat: [["x", "y"], np.arange(6).reshape(2, 3).mul(0.5)] }, name: "w" });
const along = (lat: number[]) => xr.DataArray([1.5, 2.5], { dims: "x", coords: { x: [1, 2], lat: ["x", lat] } });
const PRELUDE = `
import json, numpy as np, xarray as xr, dask.array
data = np.arange(6).reshape(2, 3)
with_lat = xr.DataArray(data, dims=["x", "y"], coords={"x": [10, 20], "lat": (("x", "y"), np.arange(6).reshape(2, 3) * 0.5)}, name="w")
def along(lat):
    return xr.DataArray([1.5, 2.5], dims="x", coords={"x": [1, 2], "lat": ("x", lat)})
`;

const CASES: Case[] = [
  // DataArray
  { id: "the notebook's DataArray", py: `xr.DataArray(np.arange(6).reshape(2, 3), dims=("x", "y"), coords={"x": [10, 20]}, name="v", attrs={"units": "m"})`, ts: () => xr.DataArray(np.arange(6).reshape(2, 3), { dims: ["x", "y"], coords: { x: [10, 20] }, name: "v", attrs: { units: "m" } }) },
  { id: "nested lists get dim_0, dim_1", py: `xr.DataArray([[1, 2], [3, 4]])`, ts: () => xr.DataArray([[1, 2], [3, 4]]) },
  { id: "nested floats with dims", py: `xr.DataArray([[1.5, 2], [3, 4.25]], dims=["a", "b"])`, ts: () => xr.DataArray([[1.5, 2], [3, 4.25]], { dims: ["a", "b"] }) },
  { id: "a number is 0-d", py: `xr.DataArray(5)`, ts: () => xr.DataArray(5) },
  { id: "a 0-d float with name and attrs", py: `xr.DataArray(2.5, name="s", attrs={"note": "scalar", "scale": 0.5})`, ts: () => xr.DataArray(2.5, { name: "s", attrs: { note: "scalar", scale: 0.5 } }) },
  { id: "one dim as a string, float labels", py: `xr.DataArray([1, 2, 3], dims="x", coords={"x": [0.5, 1.5, 2.5]})`, ts: () => xr.DataArray([1, 2, 3], { dims: "x", coords: { x: [0.5, 1.5, 2.5] } }) },
  { id: "dims taken from one coordinate per dimension", py: `xr.DataArray(np.zeros((2, 3)), coords={"x": [1, 2], "y": [10, 20, 30]})`, ts: () => xr.DataArray(np.zeros([2, 3]), { coords: { x: [1, 2], y: [10, 20, 30] } }) },
  {
    id: "tuple coordinates (2-D, along another dimension) and an index",
    py: `xr.DataArray(np.arange(6.0).reshape(2, 3), dims=["x", "y"], coords={"lat": (("x", "y"), data * 1.5), "x": [10, 20], "lon": ("y", [1.5, 2.5, 3.5], {"units": "deg"})})`,
    ts: () => xr.DataArray(np.arange(6, undefined, undefined, { dtype: "float64" }).reshape(2, 3), { dims: ["x", "y"], coords: { lat: [["x", "y"], data().mul(1.5)], x: [10, 20], lon: ["y", [1.5, 2.5, 3.5], { units: "deg" }] } }),
  },
  { id: "a DataArray as coordinate", py: `xr.DataArray(data, dims=["x", "y"], coords={"x": xr.DataArray([5, 6], dims="x", attrs={"units": "km"})})`, ts: () => xr.DataArray(data(), { dims: ["x", "y"], coords: { x: xr.DataArray([5, 6], { dims: "x", attrs: { units: "km" } }) } }) },
  { id: "a number filled to the coordinates' shape", py: `xr.DataArray(0.5, coords={"x": [1, 2, 3]}, dims=["x"])`, ts: () => xr.DataArray(0.5, { coords: { x: [1, 2, 3] }, dims: ["x"] }) },
  { id: "no data is NaN", py: `xr.DataArray()`, ts: () => xr.DataArray() },
  { id: "a DataArray's dims, coords, name and attrs", py: `xr.DataArray(xr.DataArray([1, 2], dims="x", coords={"x": [3, 4]}, name="a", attrs={"k": "v"}))`, ts: () => xr.DataArray(xr.DataArray([1, 2], { dims: "x", coords: { x: [3, 4] }, name: "a", attrs: { k: "v" } })) },
  { id: "booleans", py: `xr.DataArray([True, False, True], dims="flag")`, ts: () => xr.DataArray([true, false, true], { dims: "flag" }) },
  { id: "float32 np array", py: `xr.DataArray(np.linspace(0, 1, 5, dtype=np.float32), dims="t", name="f")`, ts: () => xr.DataArray(np.linspace(0, 1, 5, { dtype: "float32" }), { dims: "t", name: "f" }) },
  { id: "a lazy (dask) array", py: `xr.DataArray(dask.array.ones((4, 6), chunks=(2, 3)), dims=["x", "y"], name="o", coords={"y": np.arange(6) * 10})`, ts: () => xr.DataArray(da.ones([4, 6], { chunks: [2, 3] }), { dims: ["x", "y"], name: "o", coords: { y: np.arange(6).mul(10) } }) },
  // Dataset
  {
    id: "the notebook's Dataset",
    py: `xr.Dataset({"temp": (("x", "y"), data), "p": ("x", [1.5, 2.5])}, coords={"x": [10, 20], "lat": (("x",), [1, 2])}, attrs={"title": "t"})`,
    ts: () => xr.Dataset({ temp: [["x", "y"], data()], p: ["x", [1.5, 2.5]] }, { coords: { x: [10, 20], lat: [["x"], [1, 2]] }, attrs: { title: "t" } }),
  },
  { id: "a DataArray's coordinates join the Dataset", py: `xr.Dataset({"v": with_lat})`, ts: () => xr.Dataset({ v: withLat() }) },
  { id: "an empty Dataset", py: `xr.Dataset()`, ts: () => xr.Dataset() },
  { id: "1-D values under their dimension's name are its coordinate", py: `xr.Dataset({"a": [1, 2]})`, ts: () => xr.Dataset({ a: [1, 2] }) },
  { id: "a number is a 0-d variable", py: `xr.Dataset({"a": 5, "b": ("x", [1.5, 2.5])}, attrs={"n": 3, "scale": 0.25})`, ts: () => xr.Dataset({ a: 5, b: ["x", [1.5, 2.5]] }, { attrs: { n: 3, scale: 0.25 } }) },
  { id: "dimensions in the order the variables use them", py: `xr.Dataset({"b": ("y", [1, 2, 3]), "a": ("x", [1.5, 2.5])}, coords={"y": [5, 6, 7]})`, ts: () => xr.Dataset({ b: ["y", [1, 2, 3]], a: ["x", [1.5, 2.5]] }, { coords: { y: [5, 6, 7] } }) },
  {
    id: "coordinates in the order given",
    py: `xr.Dataset({"a": (("x", "y"), np.zeros((2, 3)))}, coords={"lat": ("x", [1.5, 2.5]), "x": [10, 20], "y": ("y", [1.5, 2.5, 3.5], {"units": "deg"})})`,
    ts: () => xr.Dataset({ a: [["x", "y"], np.zeros([2, 3])] }, { coords: { lat: ["x", [1.5, 2.5]], x: [10, 20], y: ["y", [1.5, 2.5, 3.5], { units: "deg" }] } }),
  },
  { id: "DataArrays whose index and coordinates agree", py: `xr.Dataset({"a": along([1, 2]), "b": along([1, 2]) * 2})`, ts: () => xr.Dataset({ a: along([1, 2]), b: along([1, 2]).mul(2) }) },
  { id: "a Dataset's variable is a DataArray with its coordinates", py: `xr.Dataset({"temp": (("x", "y"), data)}, coords={"x": [10, 20], "lat": ("x", [1.5, 2.5])})["temp"]`, ts: () => xr.Dataset({ temp: [["x", "y"], data()] }, { coords: { x: [10, 20], lat: ["x", [1.5, 2.5]] } }).temp },
  // errors
  { id: "error: wrong number of dims", py: `xr.DataArray(data, dims=["x"])`, ts: () => xr.DataArray(data(), { dims: ["x"] }) },
  { id: "error: a coordinate's length", py: `xr.DataArray(data, dims=["x", "y"], coords={"x": [1, 2, 3]})`, ts: () => xr.DataArray(data(), { dims: ["x", "y"], coords: { x: [1, 2, 3] } }) },
  { id: "error: a coordinate's unknown dimension", py: `xr.DataArray(data, dims=["x", "y"], coords={"z": [1, 2]})`, ts: () => xr.DataArray(data(), { dims: ["x", "y"], coords: { z: [1, 2] } }) },
  { id: "error: 2-D coordinate without dims", py: `xr.DataArray(data, dims=["x", "y"], coords={"lat": data})`, ts: () => xr.DataArray(data(), { dims: ["x", "y"], coords: { lat: data() } }) },
  { id: "error: coords that are not one per dimension, no dims", py: `xr.DataArray(data, coords={"x": [1, 2]})`, ts: () => xr.DataArray(data(), { coords: { x: [1, 2] } }) },
  { id: "error: dimension coordinate along another dimension", py: `xr.DataArray(data, dims=["x", "y"], coords={"x": ("y", [1, 2, 3])})`, ts: () => xr.DataArray(data(), { dims: ["x", "y"], coords: { x: ["y", [1, 2, 3]] } }) },
  { id: "error: a dimension that is not a string", py: `xr.DataArray([1, 2], dims=[1])`, ts: () => xr.DataArray([1, 2], { dims: [1 as unknown as string] }) },
  { id: "error: a DataArray inside a tuple", py: `xr.Dataset({"a": ("x", xr.DataArray([1, 2]))})`, ts: () => xr.Dataset({ a: ["x", xr.DataArray([1, 2]) as unknown as number[]] }) },
  { id: "error: conflicting sizes between variables", py: `xr.Dataset({"a": ("x", [1, 2]), "b": ("x", [1, 2, 3])})`, ts: () => xr.Dataset({ a: ["x", [1, 2]], b: ["x", [1, 2, 3]] }) },
  { id: "error: conflicting sizes with a coordinate", py: `xr.Dataset({"a": (("x", "y"), data)}, coords={"y": [1, 2]})`, ts: () => xr.Dataset({ a: [["x", "y"], data()] }, { coords: { y: [1, 2] } }) },
  { id: "error: a name both data variable and coordinate", py: `xr.Dataset({"a": ("x", [1, 2])}, coords={"a": ("x", [1, 2])})`, ts: () => xr.Dataset({ a: ["x", [1, 2]] }, { coords: { a: ["x", [1, 2]] } }) },
  { id: "error: a tuple whose dims do not fit its data", py: `xr.Dataset({"a": (("x", "y"), [1, 2])})`, ts: () => xr.Dataset({ a: [["x", "y"], [1, 2]] }) },
  { id: "error: 2-D values without dims", py: `xr.Dataset({"a": [[1, 2]]})`, ts: () => xr.Dataset({ a: [[1, 2]] }) },
  { id: "error: 2-D variable named after its dimension", py: `xr.Dataset({"x": (("x", "y"), data)})`, ts: () => xr.Dataset({ x: [["x", "y"], data()] }) },
  { id: "error: a dimension that is a scalar variable", py: `xr.Dataset({"x": 5, "a": ("x", [1, 2])})`, ts: () => xr.Dataset({ x: 5, a: ["x", [1, 2]] }) },
  { id: "error: a coordinate named after a dimension, along another", py: `xr.Dataset({"a": ("x", [1, 2])}, coords={"x": ("y", [1, 2])})`, ts: () => xr.Dataset({ a: ["x", [1, 2]] }, { coords: { x: ["y", [1, 2]] } }) },
  { id: "error: DataArrays' coordinates disagree", py: `xr.Dataset({"a": along([1, 2]), "b": along([1, 3])})`, ts: () => xr.Dataset({ a: along([1, 2]), b: along([1, 3]) }) },
  { id: "error: an unindexed DataArray against an index", py: `xr.Dataset({"a": xr.DataArray([1, 2], dims="x")}, coords={"x": [1, 2, 3]})`, ts: () => xr.Dataset({ a: xr.DataArray([1, 2], { dims: "x" }) }, { coords: { x: [1, 2, 3] } }) },
  { id: "error: a dict as a variable", py: `xr.Dataset({"a": {"b": 1}})`, ts: () => xr.Dataset({ a: { b: 1 } as unknown as number }) },
];

type Described = Record<string, unknown>;
type Raised = { error: [string, string] };
const raised = (x: Described | Raised): x is Raised => "error" in x;
interface PyOut {
  cases: Record<string, Described | Raised>;
  daskName: string;
  reindexed: string;
}

const PY = `${PRELUDE}
CASES = json.loads(${JSON.stringify(JSON.stringify(Object.fromEntries(CASES.map((c) => [c.id, c.py]))))})
def flat(v):
    return [None if x != x else x for x in np.asarray(v, dtype=float).ravel().tolist()]
def variable(v):
    return {"dims": list(v.dims), "shape": list(v.shape), "dtype": str(v.dtype), "values": flat(v.values), "attrs": dict(v.attrs)}
def describe(o):
    if isinstance(o, xr.DataArray):
        return {"kind": "DataArray", "repr": repr(o), "name": o.name, **variable(o), "coords": [[k, variable(c)] for k, c in o.coords.items()]}
    return {"kind": "Dataset", "repr": repr(o), "sizes": [[k, n] for k, n in o.sizes.items()], "attrs": dict(o.attrs),
            "coords": [[k, variable(c)] for k, c in o.coords.items()], "data_vars": [[k, describe(v)] for k, v in o.data_vars.items()]}
out = {}
for k, expr in CASES.items():
    try:
        out[k] = describe(eval(expr))
    except Exception as e:
        out[k] = {"error": [type(e).__name__, str(e)]}
xr.Dataset({"temp": (("x", "y"), data * 1.5)}, coords={"x": [10, 20]}).to_netcdf(${JSON.stringify(NC)})
print(json.dumps({"cases": out, "daskName": xr.DataArray(dask.array.ones((4, 6), chunks=(2, 3))).name,
                  "reindexed": repr(xr.Dataset({"a": xr.DataArray([1.5, 2.5], dims="x", coords={"x": [1, 2]}), "b": xr.DataArray([1.5, 2.5], dims="x", coords={"x": [3, 4]})}))}))
`;
const py = pythonJson<PyOut>(PY);

function flat(a: xr.DataArray): (number | null)[] {
  return Array.from(a.values.astype("float64").copy().nd.data, (x) => (Number.isNaN(x) ? null : x));
}
function variable(v: xr.DataArray): Described {
  return { dims: [...v.dims], shape: [...v.shape], dtype: v.dtype, values: flat(v), attrs: { ...v.attrs } };
}
function describe(o: unknown): Described {
  if (o instanceof xr.DataArray) {
    return { kind: "DataArray", repr: String(o), name: o.name ?? null, ...variable(o), coords: Object.entries(o.coords).map(([k, c]) => [k, variable(c)]) };
  }
  assert.ok(o instanceof xr.Dataset, `expected a DataArray or a Dataset, got ${String(o)}`);
  return {
    kind: "Dataset",
    repr: String(o),
    sizes: Object.entries(o.sizes),
    attrs: { ...o.attrs },
    coords: Object.entries(o.coords).map(([k, c]) => [k, variable(c)]),
    data_vars: Object.entries(o.dataVars).map(([k, v]) => [k, describe(v)]),
  };
}

for (const c of CASES) {
  const expected = py.cases[c.id];
  if (raised(expected)) {
    test(`${c.id}: xarray's ${expected.error[0]} and message (${c.py})`, () => {
      assert.throws(c.ts, (e: Error) => {
        assert.equal(`${e.name}: ${e.message}`, `${expected.error[0]}: ${expected.error[1]}`);
        return true;
      });
    });
  } else {
    test(`${c.id}: as xarray's ${c.py}`, () => {
      const got = describe(c.ts());
      // The repr first: a difference there is the easiest to read.
      assert.equal(got.repr, expected.repr, "repr");
      assert.deepEqual(got, expected);
    });
  }
}

test("called with new or without, the same DataArray and Dataset; instanceof holds for both and for what lib/xr makes", async () => {
  const made = [xr.DataArray([[1, 2]], { dims: ["x", "y"] }), new xr.DataArray([[1, 2]], { dims: ["x", "y"] })];
  assert.equal(String(made[0]), String(made[1]));
  for (const a of made) assert.ok(a instanceof xr.DataArray);
  const sets = [xr.Dataset({ v: made[0] }), new xr.Dataset({ v: made[1] })];
  assert.equal(String(sets[0]), String(sets[1]));
  for (const ds of sets) {
    assert.ok(ds instanceof xr.Dataset);
    assert.ok(ds.v instanceof xr.DataArray, "variables are properties");
    assert.ok(ds.isel({ x: 0 }) instanceof xr.Dataset);
  }
  const opened = await xr.openDataset(NC);
  try {
    assert.ok(opened instanceof xr.Dataset);
    assert.ok(opened.temp instanceof xr.DataArray);
    assert.ok(opened.temp.isel({ x: 0 }).mean() instanceof xr.DataArray);
    assert.ok(xr.merge([opened, xr.Dataset({ extra: ["x", [1.5, 2.5]] })]) instanceof xr.Dataset);
    // What lib/xr's constructors make and what xr.DataArray(...) makes are the same class.
    assert.equal(Object.getPrototypeOf(opened.temp), Object.getPrototypeOf(made[0]));
  } finally {
    opened.close();
  }
  assert.equal(xr.DataArray.name, "DataArray");
  assert.equal(xr.Dataset.name, "Dataset");
  assert.equal(String(xr.DataArray.from(np.arange(2), ["x"], { name: "v" })), String(xr.DataArray(np.arange(2), { dims: ["x"], name: "v" })));
});

test("a lazy array's name becomes the DataArray's, as xarray takes a dask array's", () => {
  const a = xr.DataArray(da.ones([4, 6], { chunks: [2, 3] }));
  assert.equal(a.name!.split("-")[0], py.daskName.split("-")[0]);
  assert.equal(a.chunks?.map((c) => c.length).join(), "2,2");
});

test("an np array is taken as it is (not copied), as xarray takes a NumPy array", () => {
  const x = np.zeros([2, 2]);
  const a = xr.DataArray(x, { dims: ["x", "y"] });
  x.set("0, 0", 7);
  assert.equal(a.values.at(0, 0), 7);
});

test("indexes xarray would reindex (outer join) are refused with a ValueError naming both labels", () => {
  // xarray fills NaN where the labels differ: lazylab raises instead of doing something else.
  assert.match(py.reindexed, /a\s+\(x\) float64 1\.5 2\.5 nan nan/);
  const a = xr.DataArray([1.5, 2.5], { dims: "x", coords: { x: [1, 2] } });
  const b = xr.DataArray([1.5, 2.5], { dims: "x", coords: { x: [3, 4] } });
  assert.throws(() => xr.Dataset({ a, b }), (e: Error) => e.name === "ValueError" && /join='exact'.*'x'.*\[1, 2\].*\[3, 4\].*does not reindex/s.test(e.message));
  assert.throws(() => xr.Dataset({ a }, { coords: { x: [5, 6] } }), (e: Error) => e.name === "ValueError" && /coordinate 'x' \[5, 6\] and of data variable 'a' \[1, 2\]/.test(e.message));
});

test("keyword arguments are one options object; an unknown keyword or a positional Python argument is a TypeError", () => {
  assert.throws(() => xr.DataArray([1, 2], { dim: "x" } as never), { name: "TypeError", message: "DataArray.__init__() got an unexpected keyword argument 'dim' (the options are coords, dims, name, attrs)" });
  assert.throws(() => (xr.DataArray as unknown as (...a: unknown[]) => unknown)([1, 2], { x: [1, 2] }, "x"), { name: "TypeError", message: /takes the data and one options object/ });
  assert.throws(() => xr.Dataset({}, { data_vars: {} } as never), { name: "TypeError", message: /unexpected keyword argument 'data_vars'/ });
  assert.throws(() => xr.DataArray(["a", "b"] as never), { name: "TypeError" });
});
