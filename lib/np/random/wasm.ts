/**
 * Just enough of the WebAssembly binary format to write the random kernels by hand.
 *
 * Why WebAssembly at all: PCG64's step is a 128-bit multiply. In plain JavaScript the
 * fastest exact version we measured (32-bit limbs, doubles for carries) costs ~34 ns per
 * draw and BigInt ~180 ns; the same step on wasm's native i64 costs ~3 ns. Hand-encoding
 * a few hundred instructions is cheaper than adding a compiler to the toolchain.
 *
 * Code is written as nested arrays of instructions; structured control (`block`, `loop`,
 * `ifThen`) takes a label name and branches name their target, so nobody counts depths.
 */

/** Value types, as encoded in the binary format. */
export const I32 = 0x7f;
export const I64 = 0x7e;
export const F32 = 0x7d;
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

/** One instruction's bytes, a structured block, a branch, or a list of any of these. */
export type Ins = Bytes | Structured | Branch | Ins[];

interface Structured {
  kind: "structured";
  opcode: 0x02 | 0x03 | 0x04;
  label: string;
  body: Ins[];
  orElse?: Ins[];
}

interface Branch {
  kind: "branch";
  opcode: 0x0c | 0x0d;
  label: string;
}

/** `block label … end`: `br(label)` jumps to its end. */
export const block = (label: string, ...body: Ins[]): Ins => ({ kind: "structured", opcode: 0x02, label, body });
/** `loop label … end`: `br(label)` jumps back to its start. */
export const loop = (label: string, ...body: Ins[]): Ins => ({ kind: "structured", opcode: 0x03, label, body });
/** `if … else … end` on the i32 on the stack; `br(label)` leaves it. */
export const ifThen = (label: string, body: Ins[], orElse?: Ins[]): Ins => ({
  kind: "structured",
  opcode: 0x04,
  label,
  body,
  orElse,
});
/** Unconditional branch to a label. */
export const br = (label: string): Ins => ({ kind: "branch", opcode: 0x0c, label });
/** Branch to a label when the i32 on the stack is non-zero. */
export const brIf = (label: string): Ins => ({ kind: "branch", opcode: 0x0d, label });

function isBytes(x: Ins): x is Bytes {
  return Array.isArray(x) && (x.length === 0 || typeof x[0] === "number");
}

function assemble(code: Ins, labels: string[], out: Bytes): void {
  if (isBytes(code)) {
    out.push(...code);
  } else if (Array.isArray(code)) {
    for (const c of code) assemble(c, labels, out);
  } else if (code.kind === "branch") {
    const at = labels.lastIndexOf(code.label);
    if (at < 0) throw new Error(`wasm: branch to unknown label ${code.label}`);
    out.push(code.opcode, ...uleb(labels.length - 1 - at));
  } else {
    out.push(code.opcode, 0x40);
    labels.push(code.label);
    assemble(code.body, labels, out);
    if (code.orElse) {
      out.push(0x05);
      assemble(code.orElse, labels, out);
    }
    labels.pop();
    out.push(0x0b);
  }
}

const vec = (items: Bytes[]): Bytes => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: Bytes): Bytes => [id, ...uleb(body.length), ...body];
const name = (s: string): Bytes => vec([...Buffer.from(s, "utf8")].map((b) => [b]));
const mem = (opcode: number, align: number) => (offset = 0): Bytes => [opcode, align, ...uleb(offset)];

/** The instructions the kernels use. Each is its encoding. */
export const op = {
  get: (i: number): Bytes => [0x20, ...uleb(i)],
  set: (i: number): Bytes => [0x21, ...uleb(i)],
  tee: (i: number): Bytes => [0x22, ...uleb(i)],
  call: (i: number): Bytes => [0x10, ...uleb(i)],
  i32: (v: number): Bytes => [0x41, ...sleb(v)],
  i64: (v: number | bigint): Bytes => [0x42, ...sleb(v)],
  f32: (v: number): Bytes => [0x43, ...new Uint8Array(new Float32Array([v]).buffer)],
  f64: (v: number): Bytes => [0x44, ...new Uint8Array(new Float64Array([v]).buffer)],
  loadI32: mem(0x28, 2),
  load64: mem(0x29, 3),
  loadF32: mem(0x2a, 2),
  loadF64: mem(0x2b, 3),
  load32U64: mem(0x35, 2),
  storeI32: mem(0x36, 2),
  store64: mem(0x37, 3),
  storeF32: mem(0x38, 2),
  storeF64: mem(0x39, 3),
  store8From64: mem(0x3c, 0),
  store16From64: mem(0x3d, 1),
  store32From64: mem(0x3e, 2),
  select: [0x1b] as Bytes,
  // i32
  eqzI32: [0x45] as Bytes,
  addI32: [0x6a] as Bytes,
  subI32: [0x6b] as Bytes,
  shlI32: [0x74] as Bytes,
  // i64
  eqz: [0x50] as Bytes,
  ltU: [0x54] as Bytes,
  add: [0x7c] as Bytes,
  sub: [0x7d] as Bytes,
  mul: [0x7e] as Bytes,
  remU: [0x82] as Bytes,
  and: [0x83] as Bytes,
  xor: [0x85] as Bytes,
  shl: [0x86] as Bytes,
  shrU: [0x88] as Bytes,
  rotr: [0x8a] as Bytes,
  // f32
  gtF32: [0x5e] as Bytes,
  negF32: [0x8c] as Bytes,
  addF32: [0x92] as Bytes,
  subF32: [0x93] as Bytes,
  mulF32: [0x94] as Bytes,
  copysignF32: [0x98] as Bytes,
  // f64
  gtF64: [0x64] as Bytes,
  negF64: [0x9a] as Bytes,
  addF64: [0xa0] as Bytes,
  subF64: [0xa1] as Bytes,
  mulF64: [0xa2] as Bytes,
  copysignF64: [0xa6] as Bytes,
  // conversions
  wrap: [0xa7] as Bytes,
  extendI32U: [0xad] as Bytes,
  f32FromI64U: [0xb5] as Bytes,
  f32FromF64: [0xb6] as Bytes,
  f64FromI64S: [0xb9] as Bytes,
  convertU: [0xba] as Bytes,
  f64FromF32: [0xbb] as Bytes,
  f32FromBits: [0xbe] as Bytes,
  f64FromBits: [0xbf] as Bytes,
};

/** A function type: parameters and results. */
export interface Signature {
  params: number[];
  results: number[];
}

/** An imported function (module "env"). Imports are numbered first, in order. */
export interface ImportDef extends Signature {
  name: string;
}

/** One exported function: its signature, extra locals, and its body (without the final `end`). */
export interface FunctionDef extends Signature {
  name: string;
  locals: number[];
  body: Ins[];
}

function typeBytes(s: Signature): Bytes {
  return [0x60, ...vec(s.params.map((t) => [t])), ...vec(s.results.map((t) => [t]))];
}

/**
 * Encodes a module with one exported memory (`mem`, `pages` × 64 KiB), the given imports
 * (from module "env") and the given exported functions.
 */
export function encodeModule(pages: number, imports: ImportDef[], fns: FunctionDef[]): Uint8Array {
  const types: string[] = [];
  const typeIndex = (s: Signature): number => {
    const key = JSON.stringify([s.params, s.results]);
    if (!types.includes(key)) types.push(key);
    return types.indexOf(key);
  };
  const importEntries = imports.map((f) => [...name("env"), ...name(f.name), 0x00, ...uleb(typeIndex(f))]);
  const fnTypes = fns.map((f) => uleb(typeIndex(f)));
  const code = fns.map((f) => {
    const body: Bytes = [...vec(f.locals.map((t) => [1, t]))];
    assemble(f.body, [], body);
    body.push(0x0b);
    return [...uleb(body.length), ...body];
  });
  const exportList = [[...name("mem"), 2, 0], ...fns.map((f, i) => [...name(f.name), 0, ...uleb(imports.length + i)])];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, vec(types.map((k) => {
      const [params, results] = JSON.parse(k) as [number[], number[]];
      return typeBytes({ params, results });
    }))),
    ...section(2, vec(importEntries)),
    ...section(3, vec(fnTypes)),
    ...section(5, vec([[0x00, ...uleb(pages)]])),
    ...section(7, vec(exportList)),
    ...section(10, vec(code)),
  ]);
}
