/**
 * Index strings (`a.get("1:5, ::2")`) against NumPy's `a[1:5, ::2]`: lib/np/indexing.ts scans
 * them by hand, one pass over the text (parseIndexString). Hundreds of generated strings, valid
 * and not, each compared with what Python and NumPy make of the same text between brackets: the
 * view's shape and elements, or an error on both sides.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { np } from "../lib";
import { pythonJson } from "./oracle";

/** A small deterministic generator (mulberry32), so that a failure can be run again. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Index texts that Python's grammar and lazylab's read alike: integers written without leading
 * zeros and with one sign at most, slices of two or three parts, spaces or tabs around any of them, one
 * to four items, with "..." and None among them; and, now and then, what both must refuse: a
 * fourth slice part, a sign with no digits, an empty item (`"1,,2"`, `",1"`, `","`), an empty
 * text. A trailing comma (`"1,"`, the tuple) too.
 */
function indexTexts(count: number, seed: number): string[] {
  const r = generator(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const space = () => pick(["", "", "", " ", "  ", "\t"]);
  const int = () => `${pick(["", "", "-", "+"])}${Math.floor(r() * 8)}`;
  const part = () => (r() < 0.35 ? "" : int());
  const item = (): string => {
    const u = r();
    if (u < 0.33) return space() + int() + space();
    if (u < 0.56) return [part(), part()].map((p) => space() + p + space()).join(":");
    if (u < 0.82) return [part(), part(), part()].map((p) => space() + p + space()).join(":");
    // The ellipsis, a new axis, and what both sides refuse.
    if (u < 0.86) return space() + "..." + space();
    if (u < 0.89) return space() + "None" + space();
    if (u < 0.92) return [int(), int(), int(), int()].join(":"); // four parts
    if (u < 0.95) return `${int()}:${pick(["-", "+"])}`; // a sign without digits
    return pick(["", " "]); // an empty item
  };
  const texts: string[] = [];
  for (let k = 0; k < count; k++) {
    const items = Array.from({ length: 1 + Math.floor(r() * 4) }, item);
    texts.push(items.join(",") + (r() < 0.1 ? "," : ""));
  }
  return texts;
}

test("index strings of integers, colons, commas and spaces select what NumPy's brackets select, or fail where Python or NumPy fails", () => {
  const texts = indexTexts(600, 20261207);
  const numpy = pythonJson<Array<{ shape: number[]; values: number[] } | { error: string }>>(
    `
import json, sys
import numpy as np
S = np.arange(120.0).reshape(4, 5, 6)
out = []
for t in json.load(sys.stdin):
    try:
        v = np.asarray(eval("S[" + t + "]", {"S": S}))
        out.append({"shape": list(v.shape), "values": v.ravel().tolist()})
    except Exception as e:
        out.append({"error": type(e).__name__})
print(json.dumps(out))
`,
    JSON.stringify(texts),
  );
  const S = np.arange(120).astype("float64").reshape([4, 5, 6]);
  let refused = 0;
  texts.forEach((t, k) => {
    const want = numpy[k];
    let got: { shape: number[]; values: number[] } | { error: string };
    try {
      const v = S.get(t);
      got = typeof v === "number" ? { shape: [], values: [v] } : { shape: v.shape, values: v.ravel().tolist() as number[] };
    } catch (e) {
      got = { error: (e as Error).name };
    }
    if ("error" in want) {
      refused++;
      assert.ok("error" in got, `S.get(${JSON.stringify(t)}) gave shape ${JSON.stringify((got as { shape: number[] }).shape)} where NumPy raised ${want.error}`);
    } else {
      assert.ok(!("error" in got), `S.get(${JSON.stringify(t)}) raised ${(got as { error: string }).error} where NumPy gave shape ${JSON.stringify(want.shape)}`);
      assert.deepEqual(got, want, `S.get(${JSON.stringify(t)})`);
    }
  });
  // Both kinds were generated in numbers: the test compares selections and refusals alike.
  assert.ok(refused > 60 && refused < texts.length - 200, `${refused} of ${texts.length} texts refused by NumPy`);
});
