/**
 * lib/retainers/heap-snapshot.ts reads V8's heap snapshots from their bytes, without
 * JSON.parse (which would intern the snapshot's strings in the notebook's process): what it
 * reads must be what JSON.parse reads, for a real snapshot of this process and for strings
 * with escapes, and a text without V8's layout is a clear error.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import v8 from "node:v8";
import { HeapSnapshotFormatError, parseHeapSnapshot, readHeapSnapshot, syntheticHeapSnapshot } from "../lib/retainers/heap-snapshot";

const DIR = path.resolve(__dirname, "..", "..", "test-output", "heap-snapshot");

interface Parsed {
  snapshot: { meta: { node_fields: string[]; edge_fields: string[]; node_types: [string[]]; edge_types: [string[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

test("a real snapshot of this process reads as JSON.parse reads it: fields, types, nodes, edges and every string", () => {
  mkdirSync(DIR, { recursive: true });
  const file = path.join(DIR, "this-process.heapsnapshot");
  try {
    const holder = { "quote\"and\\backslash\nnewline": "ünïcödé ✓", tab: "a\tb" };
    v8.writeHeapSnapshot(file);
    void holder;
    const want = JSON.parse(readFileSync(file, "utf8")) as Parsed;
    const got = readHeapSnapshot(file);
    assert.deepEqual(got.nodeFields, want.snapshot.meta.node_fields);
    assert.deepEqual(got.edgeFields, want.snapshot.meta.edge_fields);
    assert.deepEqual(got.nodeTypes, want.snapshot.meta.node_types[0]);
    assert.deepEqual(got.edgeTypes, want.snapshot.meta.edge_types[0]);
    assert.deepEqual(Array.from(got.nodes), want.nodes);
    assert.deepEqual(Array.from(got.edges), want.edges);
    assert.equal(got.stringCount, want.strings.length);
    const decoded = Array.from({ length: got.stringCount }, (_, i) => got.string(i));
    assert.deepEqual(decoded, want.strings);
    assert.ok(want.strings.includes("quote\"and\\backslash\nnewline") && want.strings.includes("ünïcödé ✓"), "the escaped names are in the snapshot");
    assert.equal(got.indexOfString("tab"), want.strings.indexOf("tab"));
    assert.equal(got.indexOfString("Object"), want.strings.indexOf("Object"));
    // (A string absent from this process's heap cannot be written here: the test's source holds it.)
    assert.equal(parseHeapSnapshot(syntheticHeapSnapshot([{ type: "object", name: "x", edges: [] }])).indexOfString("y"), -1);
  } finally {
    rmSync(file, { force: true });
  }
});

test("a snapshot without V8's layout is a HeapSnapshotFormatError naming what is missing", () => {
  const good = syntheticHeapSnapshot([{ type: "object", name: "x", edges: [] }]).toString("utf8");
  const cases: [string, RegExp][] = [
    ["{}", /no "nodes" array/],
    [good.replace('"node_count":1', '"node_count":2'), /1 numbers? .*nodes|numbers in nodes/],
    [good.replace('"strings":[', '"strangs":['), /no "strings" array/],
    [good.replace('"edge_fields"', '"edge_fieldz"'), /no "edge_fields"/],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => parseHeapSnapshot(Buffer.from(text)), (e: unknown) => e instanceof HeapSnapshotFormatError && e.name === "HeapSnapshotFormatError" && message.test(e.message), text.slice(0, 80));
  }
});
