/**
 * CF decoding, as xarray's `decode_cf`: packed values (`scale_factor`, `add_offset`),
 * missing values (`_FillValue`, `missing_value` → NaN) and times (`units: "<unit> since
 * <date>"` → dates). The encoding attributes move from `attrs` to `encoding`, as in xarray.
 * Decoding runs on each chunk as it is loaded, so the cache holds decoded values.
 */
import { NDArray } from "../np/ndarray";
import type { DType } from "../np/dtype";
import { copyAttrs, type AttrValue, type NcVariable } from "./netcdf";
import type { FillMask } from "./shuffle";

/** How a variable's raw values become its values. */
export interface Decoding {
  /** dtype of the decoded values. */
  dtype: DType;
  /** True if the values are times (milliseconds since 1970-01-01, shown as dates). */
  isTime: boolean;
  /** Attributes left for the user. */
  attrs: Record<string, AttrValue>;
  /** Attributes consumed by decoding (xarray's `.encoding`), plus storage details. */
  encoding: Record<string, unknown>;
  /** Decodes a raw chunk (may return the same array when there is nothing to do). */
  decode(raw: NDArray): NDArray;
  /**
   * When decoding is only a fill value turned into NaN (float data, one `_FillValue`, no
   * packing, not times): that mask, for the reader to apply as it decodes each chunk (on the
   * decoder threads, fused with the unshuffle); `decode` is then not needed.
   */
  readerMask?: FillMask;
  /**
   * The decoding as data (what `decode` does), so another reader can decode raw values the
   * same way: the cluster bridge's workers (lib/da/cluster) read the file themselves.
   */
  spec: DecodingSpec;
}

/** `decode` as parameters: fills → NaN (compared in float32 when `float32Fill`), then `x * scale + offset`, then `epochMs + x * msPerUnit`, in float64, stored as `dtype`. */
export interface DecodingSpec {
  fills: number[];
  float32Fill: boolean;
  scale?: number;
  offset?: number;
  time?: { msPerUnit: number; epochMs: number };
}

const UNIT_MS: Record<string, number> = {
  milliseconds: 1, millisecond: 1, msec: 1, ms: 1,
  seconds: 1e3, second: 1e3, secs: 1e3, sec: 1e3, s: 1e3,
  minutes: 6e4, minute: 6e4, mins: 6e4, min: 6e4,
  hours: 3.6e6, hour: 3.6e6, hrs: 3.6e6, hr: 3.6e6, h: 3.6e6,
  days: 8.64e7, day: 8.64e7, d: 8.64e7,
};
const STANDARD_CALENDARS = new Set(["standard", "gregorian", "proleptic_gregorian"]);

/** Parses CF time units (`"days since 1992-01-01 00:00:00"`) into ms per unit and epoch ms. */
export function parseTimeUnits(units: string): { msPerUnit: number; epochMs: number } | undefined {
  const m = /^\s*(\w+)\s+since\s+(.+?)\s*$/.exec(units);
  if (!m || !(m[1].toLowerCase() in UNIT_MS)) return undefined;
  const ref = m[2].trim();
  const d = /^(-?\d{1,4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2}(?:\.\d*)?))?)?\s*(Z|UTC|[+-]\d{1,2}(?::?\d{2})?)?$/.exec(ref);
  if (!d) return undefined;
  const sec = Number(d[6] ?? 0);
  let epochMs = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(d[4] ?? 0), Number(d[5] ?? 0), Math.floor(sec), Math.round((sec % 1) * 1000));
  if (Number(d[1]) < 100) epochMs = new Date(epochMs).setUTCFullYear(Number(d[1]));
  const tz = d[7];
  if (tz && tz !== "Z" && tz !== "UTC") {
    const t = /^([+-])(\d{1,2}):?(\d{2})?$/.exec(tz)!;
    epochMs -= (t[1] === "-" ? -1 : 1) * (Number(t[2]) * 60 + Number(t[3] ?? 0)) * 6e4;
  }
  return { msPerUnit: UNIT_MS[m[1].toLowerCase()], epochMs };
}

function num(v: AttrValue | undefined): number | undefined {
  if (typeof v === "number") return v;
  if (Array.isArray(v) && typeof v[0] === "number") return v[0];
  return undefined;
}

/** The decoding of variable `v` (`decodeTimes: false` keeps times numeric). */
export function decodingOf(v: NcVariable, options: { decodeTimes?: boolean; maskAndScale?: boolean } = {}): Decoding {
  const attrs = copyAttrs(v.attrs);
  const encoding: Record<string, unknown> = { dtype: v.diskType, chunksizes: v.storageChunks, zlib: v.filters.some((f) => f.id === 1), shuffle: v.filters.some((f) => f.id === 2), source: undefined };
  if (v.dtype === "str") return { dtype: "float64", isTime: false, attrs, encoding, decode: (r) => r, spec: { fills: [], float32Fill: false } };
  const maskAndScale = options.maskAndScale ?? true;
  let scale: number | undefined, offset: number | undefined;
  const fills: number[] = [];
  if (maskAndScale) {
    for (const key of ["_FillValue", "missing_value"] as const) {
      const f = attrs[key];
      if (f === undefined) continue;
      for (const x of Array.isArray(f) ? f : [f]) if (typeof x === "number" && !fills.includes(x)) fills.push(x);
      encoding[key] = f;
      delete attrs[key];
    }
    scale = num(attrs.scale_factor);
    offset = num(attrs.add_offset);
    if (attrs.scale_factor !== undefined) (encoding.scale_factor = attrs.scale_factor), delete attrs.scale_factor;
    if (attrs.add_offset !== undefined) (encoding.add_offset = attrs.add_offset), delete attrs.add_offset;
  }
  const units = typeof attrs.units === "string" ? attrs.units : undefined;
  const calendar = typeof attrs.calendar === "string" ? attrs.calendar.toLowerCase() : "standard";
  const time = (options.decodeTimes ?? true) && units && STANDARD_CALENDARS.has(calendar) ? parseTimeUnits(units) : undefined;
  if (time) {
    encoding.units = attrs.units;
    delete attrs.units;
    if (attrs.calendar !== undefined) (encoding.calendar = attrs.calendar), delete attrs.calendar;
  }
  const packed = scale !== undefined || offset !== undefined;
  const masked = fills.length > 0;
  // xarray's choice: masking promotes small ints to float32 and the rest to float64;
  // scaling keeps float32, makes ≤16-bit ints float32 when there is no offset, else float64.
  let dtype: DType = v.dtype;
  const smallInt = ["int8", "uint8", "int16", "uint16"].includes(v.diskType);
  let cur: "small" | "float32" | "other" = v.dtype === "float32" ? "float32" : smallInt ? "small" : "other";
  if (masked) {
    cur = cur === "small" || cur === "float32" ? "float32" : "other";
    dtype = cur === "float32" ? "float32" : "float64";
  }
  if (packed) dtype = cur === "float32" || (cur === "small" && offset === undefined) ? "float32" : "float64";
  if (time) dtype = "float64";
  const s = scale ?? 1, o = offset ?? 0;
  const tms = time?.msPerUnit ?? 1, tep = time?.epochMs ?? 0;
  const spec: DecodingSpec = { fills, float32Fill: fills.length === 1 && v.dtype === "float32", ...(packed ? { scale: s, offset: o } : {}), ...(time ? { time: { msPerUnit: tms, epochMs: tep } } : {}) };
  if (!packed && !masked && !time && dtype === v.dtype) return { dtype, isTime: false, attrs, encoding, decode: (r) => r, spec };
  // float32 attributes are read as their shortest decimal: compared in float32.
  const onlyMask = masked && !packed && !time && fills.length === 1 && dtype === v.dtype && (dtype === "float32" || dtype === "float64") && fills[0] === fills[0];
  const readerMask: FillMask | undefined = onlyMask ? { kind: dtype === "float32" ? 1 : 2, value: dtype === "float32" ? Math.fround(fills[0]) : fills[0] } : undefined;
  const decode = (raw: NDArray): NDArray => {
    const src = raw.nd.data;
    const n = src.length;
    // Fast path: float data only masked with one fill value, decoded in place (the reader's
    // buffer is fresh and ours).
    if (masked && !packed && !time && fills.length === 1 && raw.dtype === dtype && raw.isContiguous && raw.nd.offset === 0) {
      // float32 attributes are read as their shortest decimal: compare in float32.
      const f = raw.dtype === "float32" ? Math.fround(fills[0]) : fills[0];
      if (f === f) {
        for (let i = 0; i < n; i++) if (src[i] === f) src[i] = NaN;
      }
      return raw;
    }
    const out = dtype === "float32" ? new Float32Array(n) : new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let x = src[i];
      if (masked && (fills.includes(x) || (fills.length === 1 && Math.fround(fills[0]) === x && v.dtype === "float32"))) {
        out[i] = NaN;
        continue;
      }
      if (packed) x = x * s + o;
      if (time) x = tep + x * tms;
      out[i] = x;
    }
    return new NDArray(out, raw.shape, dtype);
  };
  return { dtype, isTime: !!time, attrs, encoding, decode, readerMask, spec };
}
