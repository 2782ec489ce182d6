/**
 * The NPY format (NumPy's `numpy.lib.format`): one array as a magic string, a version, a
 * header that is a Python dict literal (`{'descr': '<f8', 'fortran_order': False,
 * 'shape': (3, 4), }`) padded so the data starts at a multiple of 64 bytes, then the raw
 * elements. lazylab writes version 1.0 exactly as NumPy 1.24 does (same bytes) and reads
 * versions 1.0, 2.0 and 3.0, C or Fortran order, for its eleven little-endian dtypes.
 */
import { allocate, DType, itemsize as itemsizeOf } from "../dtype";
import { contiguousStrides, fortranStrides, NDArray } from "../ndarray";

/** A file (or a member of an .npz) that is not a valid NPY file, or holds what lazylab cannot read. */
export class NpyFormatError extends Error {
  override name = "NpyFormatError";
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const ALIGN = 64;

/** Each dtype's NPY `descr` on a little-endian machine, as NumPy writes it. */
const DESCR: Record<DType, string> = {
  float64: "<f8", float32: "<f4", int8: "|i1", int16: "<i2", int32: "<i4", int64: "<i8", uint8: "|u1", uint16: "<u2", uint32: "<u4", uint64: "<u8", bool: "|b1",
};
const FROM_DESCR: Record<string, DType> = Object.fromEntries(
  Object.entries(DESCR).flatMap(([dt, d]) => [[d, dt as DType], [d.replace(/^[<|]/, "="), dt as DType], ...(d[0] === "|" ? [["<" + d.slice(1), dt as DType]] : [])]),
);

/** True when `bytes` starts with the NPY magic string. */
export function isNpy(bytes: Uint8Array): boolean {
  return bytes.length >= MAGIC.length && MAGIC.every((b, i) => bytes[i] === b);
}

/** A shape as a Python tuple: `()`, `(3,)`, `(2, 3)`. */
function pyTuple(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}

/**
 * The bytes of an array in NPY format 1.0, C order (byte for byte what `np.save` writes for
 * a C-ordered array of the same dtype, shape and values).
 */
export function encodeNpy(a: NDArray): Uint8Array {
  const dict = `{'descr': '${DESCR[a.dtype]}', 'fortran_order': False, 'shape': ${pyTuple(a.shape)}, }`;
  // NumPy pads with spaces and ends with "\n" so that magic + version + length + header is a multiple of 64.
  const unpadded = MAGIC.length + 2 + 2 + dict.length + 1;
  const pad = (ALIGN - (unpadded % ALIGN)) % ALIGN;
  const header = dict + " ".repeat(pad) + "\n";
  if (header.length > 0xffff) throw new NpyFormatError(`np.save: header of ${header.length} bytes does not fit NPY format 1.0`);
  const data = elementBytes(a);
  const out = new Uint8Array(MAGIC.length + 4 + header.length + data.length);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  out[8] = header.length & 0xff;
  out[9] = header.length >> 8;
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(data, 10 + header.length);
  return out;
}

/** The elements in C order as little-endian bytes of the array's NPY dtype. */
function elementBytes(a: NDArray): Uint8Array {
  const src = a.toContiguous();
  if (a.dtype === "int64" || a.dtype === "uint64") {
    // Stored as doubles (dtype.ts); a double of 2**64 (the nearest to a uint64 near the top) is written as the largest uint64.
    const out = a.dtype === "int64" ? new BigInt64Array(src.length) : new BigUint64Array(src.length);
    const as = a.dtype === "int64" ? BigInt.asIntN : BigInt.asUintN;
    for (let i = 0; i < src.length; i++) out[i] = Number.isFinite(src[i]) ? (a.dtype === "uint64" && src[i] >= 2 ** 64 ? 2n ** 64n - 1n : as(64, BigInt(src[i]))) : 0n;
    return new Uint8Array(out.buffer);
  }
  // Every other dtype's storage already is its NPY layout (this runs on little-endian hosts only).
  return new Uint8Array(src.buffer, src.byteOffset, src.byteLength);
}

interface Header {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

/** Parses the header's Python dict literal (only what NumPy writes: three keys, plain values). */
function parseHeader(text: string, where: string): Header {
  const bad = (why: string) => new NpyFormatError(`${where}: invalid NPY header (${why}): ${JSON.stringify(text.trim())}`);
  const descr = /['"]descr['"]\s*:\s*(['"])([^'"]*)\1/.exec(text);
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text);
  const shape = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text);
  if (!descr) {
    if (/['"]descr['"]\s*:\s*[[{]/.test(text)) throw new NpyFormatError(`${where}: unsupported dtype (a structured dtype); lazylab reads ${supportedList()}`);
    throw bad("no 'descr'");
  }
  if (!fortran) throw bad("no 'fortran_order'");
  if (!shape) throw bad("no 'shape'");
  const dims = shape[1]
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map((s) => {
      const n = Number(s.replace(/L$/, ""));
      if (!Number.isSafeInteger(n) || n < 0) throw bad(`shape entry ${s}`);
      return n;
    });
  return { descr: descr[2], fortranOrder: fortran[1] === "True", shape: dims };
}

function supportedList(): string {
  return Object.values(DESCR).join(", ");
}

/** Where an NPY file's data lies and what it holds, read from its first bytes. */
export interface NpyLayout {
  dtype: DType;
  /** The dtype as the file spells it (`<f8`). */
  descr: string;
  shape: number[];
  fortranOrder: boolean;
  /** The data's first byte (the header's end). */
  dataStart: number;
  /** Elements, and bytes the data takes. */
  size: number;
  need: number;
}

/**
 * Where an NPY file's header ends (its data starts), from its first 10 (version 1) or 12
 * (versions 2 and 3) bytes; undefined while fewer are there or for another version.
 */
export function npyHeaderEnd(bytes: Uint8Array): number | undefined {
  const major = bytes[6];
  const prefix = major === 1 ? 10 : major === 2 || major === 3 ? 12 : 0;
  if (prefix === 0 || bytes.length < prefix) return undefined;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return prefix + (major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true));
}

/**
 * The layout an NPY file's header announces; `bytes` must hold the header at least. `where`
 * names the file (and the .npz member) in errors.
 */
export function npyLayout(bytes: Uint8Array, where: string): NpyLayout {
  if (!isNpy(bytes)) {
    throw new NpyFormatError(`${where}: not an NPY file: it starts with ${JSON.stringify(latin1(bytes.subarray(0, 6)))}, not "\\x93NUMPY"`);
  }
  if (bytes.length < 10) throw new NpyFormatError(`${where}: truncated NPY file (${bytes.length} bytes)`);
  const major = bytes[6];
  const minor = bytes[7];
  if (major !== 1 && major !== 2 && major !== 3) {
    throw new NpyFormatError(`${where}: unsupported NPY format version ${major}.${minor} (lazylab reads 1.0, 2.0, 3.0)`);
  }
  const end = npyHeaderEnd(bytes);
  if (end === undefined) throw new NpyFormatError(`${where}: truncated NPY file (${bytes.length} bytes)`);
  const start = major === 1 ? 10 : 12;
  const headerLen = end - start;
  if (start + headerLen > bytes.length) throw new NpyFormatError(`${where}: truncated NPY header (${headerLen} bytes announced, ${bytes.length - start} present)`);
  const raw = bytes.subarray(start, start + headerLen);
  const text = major === 3 ? new TextDecoder().decode(raw) : latin1(raw);
  const h = parseHeader(text, where);
  const dtype = FROM_DESCR[h.descr];
  if (!dtype) {
    const why = h.descr.startsWith(">") ? " (big-endian)" : h.descr.includes("O") ? " (Python objects)" : "";
    throw new NpyFormatError(`${where}: unsupported dtype '${h.descr}'${why}; lazylab reads ${supportedList()}`);
  }
  const size = h.shape.reduce((a, b) => a * b, 1);
  return { dtype, descr: h.descr, shape: h.shape, fortranOrder: h.fortranOrder, dataStart: start + headerLen, size, need: size * itemsizeOf(dtype) };
}

/** A shape's strides in elements, C order or Fortran order. */
export function orderStrides(shape: readonly number[], fortran: boolean): number[] {
  return fortran ? fortranStrides(shape) : contiguousStrides(shape);
}

/**
 * Reads an array from NPY bytes. `where` names the file (and the .npz member) in errors.
 * Fortran-ordered data gives an array with Fortran strides, as NumPy's `np.load` does.
 */
export function decodeNpy(bytes: Uint8Array, where: string): NDArray {
  const h = npyLayout(bytes, where);
  const { dtype, size, need, dataStart } = h;
  if (bytes.length - dataStart < need) {
    throw new NpyFormatError(`${where}: truncated data: shape ${pyTuple(h.shape)} of '${h.descr}' needs ${need} bytes, the file has ${bytes.length - dataStart}`);
  }
  const data = allocate(dtype, size);
  const body = bytes.subarray(dataStart, dataStart + need);
  if (dtype === "int64" || dtype === "uint64") {
    const ints = dtype === "int64" ? new BigInt64Array(copyOut(body).buffer) : new BigUint64Array(copyOut(body).buffer);
    for (let i = 0; i < size; i++) data[i] = Number(ints[i]);
  } else if (dtype === "bool") {
    for (let i = 0; i < size; i++) data[i] = body[i] !== 0 ? 1 : 0;
  } else {
    new Uint8Array(data.buffer, data.byteOffset, data.byteLength).set(body);
  }
  return new NDArray(data, h.shape, dtype, null, orderStrides(h.shape, h.fortranOrder), 0);
}

function copyOut(b: Uint8Array): Uint8Array {
  const c = new Uint8Array(b.length);
  c.set(b);
  return c;
}

function latin1(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}
