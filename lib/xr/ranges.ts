/**
 * Reading many byte ranges of one remote file: adjacent (or overlapping) ranges are merged
 * into one request, and the requests run several at once. A compute over a remote NetCDF file
 * wants dozens of chunks that HDF5 usually wrote one after another; one request each would
 * pay a round trip per chunk, one request for all would download what lies between them. So
 * only ranges that touch are merged (no gap is bridged: every byte fetched is a byte asked
 * for, which keeps `bytesFetched` what the chunks cost), and the merged requests go out
 * `concurrency` at a time, as browsers and fsspec do.
 */
import type { ByteStore } from "./store";

/** `length` bytes from `offset`. */
export interface ByteRange {
  offset: number;
  length: number;
}

/** Merged requests: each covers `parts` (indexes into the ranges given), which touch or overlap. */
export interface Coalesced extends ByteRange {
  parts: number[];
}

/** Requests at once per file (HTTP/1.1 servers allow 6-8 connections per client). */
export const CONCURRENCY = 8;

/** The ranges merged where they touch or overlap, in file order. */
export function coalesce(ranges: readonly ByteRange[]): Coalesced[] {
  const order = ranges.map((_, i) => i).filter((i) => ranges[i].length > 0).sort((a, b) => ranges[a].offset - ranges[b].offset);
  const out: Coalesced[] = [];
  for (const i of order) {
    const r = ranges[i];
    const last = out[out.length - 1];
    if (last && r.offset <= last.offset + last.length) {
      last.length = Math.max(last.length, r.offset + r.length - last.offset);
      last.parts.push(i);
    } else out.push({ offset: r.offset, length: r.length, parts: [i] });
  }
  return out;
}

/**
 * The bytes of each range of `key` in `store`, fetched as merged requests, `concurrency` at a
 * time. A range past the end of the file comes back short; a missing file is an error naming it.
 */
export async function readRanges(store: ByteStore, key: string, ranges: readonly ByteRange[], concurrency = CONCURRENCY): Promise<Uint8Array[]> {
  const out: Uint8Array[] = ranges.map(() => new Uint8Array(0));
  const merged = coalesce(ranges);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < merged.length) {
      const m = merged[next++];
      const bytes = await store.getRange(key, { offset: m.offset, length: m.length });
      if (!bytes) throw Object.assign(new Error(`${store.location}${key}: not found (HTTP 404)`), { name: "FileNotFoundError" });
      for (const i of m.parts) {
        const from = ranges[i].offset - m.offset;
        out[i] = bytes.subarray(from, Math.min(bytes.length, from + ranges[i].length));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, merged.length) }, worker));
  return out;
}
