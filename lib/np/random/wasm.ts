/**
 * Just enough of the WebAssembly binary format to write the PCG64 kernel by hand.
 *
 * Why WebAssembly at all: PCG64's step is a 128-bit multiply. In plain JavaScript the
 * fastest exact version we measured (32-bit limbs, doubles for carries) costs ~34 ns per
 * draw and BigInt ~180 ns; the same step on wasm's native i64 costs ~5 ns. Hand-encoding
 * a few dozen instructions is cheaper than adding a compiler to the toolchain.
 */

/** Value types, as encoded in the binary format. */
export const I32 = 0x7f;
export const I64 = 0x7e;
export const F64 = 0x7c;

type Bytes = number[];

/** Unsigned LEB128. */
export function uleb(value: number | bigint): Bytes {
  let v = BigInt(value);
  const out: Bytes = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) b |= 0x80;
    out.push(b);
  } while (v !== 0n);
  return out;
}

/** Signed LEB128 of a value taken modulo 2**64 (i64.const wants the two's complement). */
export function sleb(value: number | bigint): Bytes {
  let v = BigInt.asIntN(64, BigInt(value));
  const out: Bytes = [];
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    const signBit = (b & 0x40) !== 0;
    if ((v === 0n && !signBit) || (v === -1n && signBit)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const vec = (items: Bytes[]): Bytes => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: Bytes): Bytes => [id, ...uleb(body.length), ...body];
const name = (s: string): Bytes => vec([...Buffer.from(s, "utf8")].map((b) => [b]));

/** The instructions the kernel uses. Each returns its encoding. */
export const op = {
  get: (i: number): Bytes => [0x20, ...uleb(i)],
  set: (i: number): Bytes => [0x21, ...uleb(i)],
  tee: (i: number): Bytes => [0x22, ...uleb(i)],
  i32: (v: number): Bytes => [0x41, ...sleb(v)],
  i64: (v: number | bigint): Bytes => [0x42, ...sleb(v)],
  f64: (v: number): Bytes => {
    const b = new Uint8Array(new Float64Array([v]).buffer);
    return [0x44, ...b];
  },
  load64: (offset = 0): Bytes => [0x29, 3, ...uleb(offset)],
  store64: (offset = 0): Bytes => [0x37, 3, ...uleb(offset)],
  storeF64: (offset = 0): Bytes => [0x39, 3, ...uleb(offset)],
  add: [0x7c] as Bytes,
  mul: [0x7e] as Bytes,
  and: [0x83] as Bytes,
  xor: [0x85] as Bytes,
  shrU: [0x88] as Bytes,
  rotr: [0x8a] as Bytes,
  ltU: [0x54] as Bytes,
  extendI32U: [0xad] as Bytes,
  convertU: [0xba] as Bytes,
  mulF64: [0xa2] as Bytes,
  addI32: [0x6a] as Bytes,
  subI32: [0x6b] as Bytes,
  eqzI32: [0x45] as Bytes,
  brIf: (depth: number): Bytes => [0x0d, ...uleb(depth)],
  block: [0x02, 0x40] as Bytes,
  loop: [0x03, 0x40] as Bytes,
  end: [0x0b] as Bytes,
};

/** One exported function: parameter types, extra locals, and its body (without the final `end`). */
export interface FunctionDef {
  name: string;
  params: number[];
  locals: number[];
  body: Bytes[];
}

/** Encodes a module with one exported memory (`mem`, `pages` × 64 KiB) and the given functions. */
export function encodeModule(pages: number, fns: FunctionDef[]): Uint8Array {
  const types = fns.map((f) => [0x60, ...vec(f.params.map((t) => [t])), ...vec([])]);
  const code = fns.map((f) => {
    const locals = vec(f.locals.map((t) => [1, t]));
    const body = [...locals, ...f.body.flat(), ...op.end];
    return [...uleb(body.length), ...body];
  });
  const exportList = [[...name("mem"), 2, 0], ...fns.map((f, i) => [...name(f.name), 0, ...uleb(i)])];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, vec(types)),
    ...section(3, vec(fns.map((_, i) => uleb(i)))),
    ...section(5, vec([[0x00, ...uleb(pages)]])),
    ...section(7, vec(exportList)),
    ...section(10, vec(code)),
  ]);
}
