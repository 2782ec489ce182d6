/**
 * The byte sizes in a lazy array's HTML table are printed as Dask's `format_bytes` prints them,
 * including exact ties (80,000 B = 78.125 kiB), compared with Debian's Dask.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatBytes } from "../lib/da/repr";
import { pythonJson } from "./oracle";

test("formatBytes prints what dask.utils.format_bytes prints", () => {
  const sizes = [0, 1, 500, 921, 922, 1023, 1024, 80_000, 8_000_000, 8_000_112, 3 * 2 ** 19, 2 ** 30 * 1.5, 2 ** 40 * 3.125];
  for (let i = 0; i < 200; i++) sizes.push(Math.floor(2 ** (Math.random() * 44)));
  for (let k = 1; k < 64; k++) sizes.push(k * 1280); // multiples of 1/8 kiB: many exact ties at two decimals
  const dask = pythonJson<string[]>("import sys, json; from dask.utils import format_bytes; print(json.dumps([format_bytes(n) for n in json.load(sys.stdin)]))", JSON.stringify(sizes));
  const mismatches = sizes.map((n, i) => [n, formatBytes(n), dask[i]]).filter(([, ours, theirs]) => ours !== theirs);
  assert.deepEqual(mismatches, []);
});
