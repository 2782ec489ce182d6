/**
 * The expression machine's compiler: a fused elementwise tree (the one {@link fuse} writes as
 * JavaScript source) as a small bytecode for native/np_machine.c, which runs each instruction
 * over a block of elements as one vector loop and folds the result into a reduction in the
 * generated kernel's order (a sum: NumPy's pairwise order, as Dask sums the block), into
 * var/std's NumPy-ordered sums, or writes it out as an array
 * (numexpr's design: one generic machine, not one loop per expression). The generated
 * JavaScript kernels stay as the fallback for everything it cannot run.
 *
 * Each node compiles to exactly the operations its JavaScript expression performs (the
 * operation, then the cast of its dtype: `!== 0 ? 1 : 0` for bool, `Math.trunc` for int64,
 * `Math.fround` for float32), so the machine's partials have the generated kernel's bits.
 * exp, log, sin and cos are the exception: the machine calls the C library's (NumPy's bits,
 * as the eager native loops do), V8's Math functions differ from it in the last bit of some
 * results; such programs are marked inexact. Operations without an instruction (`Math.pow`
 * with a general exponent, `%`) leave the expression to the JavaScript kernel.
 */
import type { DType } from "../np/dtype";
import { binaryExpr, castOf, powExpression, unaryExpr } from "../np/ufunc";
import type { LazyRef } from "./graph";

/** Instruction codes: native/np_machine.c has the same table. */
const enum Op {
  Add, Sub, Mul, Div, Neg, Abs, Sqrt, Floor, Ceil, Exp, Log, Sin, Cos,
  Eq, Ne, Lt, Le, Gt, Ge, IsNan, Not, Bool, Trunc, Fround,
  I8, U8, I16, U16, I32, U32, Imul,
}

/** Reduction codes of `machineFold` (native/np_machine.c). */
export const FOLD_CODES = { sum: 0, exactSum: 0, min: 1, max: 2 } as const;

/**
 * A compiled expression: `code` is [constants, leaves, registers, result register, then four
 * int32 per instruction: op, destination, a, b]; registers 0.. hold `consts`, the next ones
 * the leaves v0..vk-1 in order, the rest temporaries. Plain data: it crosses to worker threads
 * with the fold task.
 */
export interface Program {
  code: Int32Array;
  consts: Float64Array;
  /** False when the C library's exp/log/sin/cos replace V8's Math functions (bits may differ in the last place). */
  exact: boolean;
}

/** At most this many registers (native/np_machine.c's MACHINE_MAX_REGS) and leaves. */
const MAX_REGS = 64;
const MAX_LEAVES = 32;

/** An operand before registers are numbered: a constant, a leaf, or a temporary. */
type Ref = { kind: "const"; i: number } | { kind: "leaf"; i: number } | { kind: "temp"; i: number };

const UNARY_CODES: Record<string, Op | "same" | "square" | "isquare" | "reciprocal"> = {
  "-x": Op.Neg, "Math.abs(x)": Op.Abs, "Math.sqrt(x)": Op.Sqrt, "Math.exp(x)": Op.Exp, "Math.log(x)": Op.Log,
  "Math.sin(x)": Op.Sin, "Math.cos(x)": Op.Cos, "Math.floor(x)": Op.Floor, "Math.ceil(x)": Op.Ceil,
  "x !== x ? 1 : 0": Op.IsNan, "x === 0 ? 1 : 0": Op.Not, "x * x": "square", "1 / x": "reciprocal", x: "same",
  "Math.imul(x, x)": "isquare",
};

const BINARY_CODES: Record<string, Op> = {
  "x + y": Op.Add, "x - y": Op.Sub, "x * y": Op.Mul, "x / y": Op.Div, "Math.imul(x, y)": Op.Imul,
  "x === y ? 1 : 0": Op.Eq, "x !== y ? 1 : 0": Op.Ne, "x < y ? 1 : 0": Op.Lt, "x <= y ? 1 : 0": Op.Le, "x > y ? 1 : 0": Op.Gt, "x >= y ? 1 : 0": Op.Ge,
};

/** The casts of ufunc.ts's `wrap`: uint64's is a truncation as int64's; the small integers wrap as JavaScript's ToInt32/ToUint32 do. */
const CAST_CODES: Record<Exclude<ReturnType<typeof castOf>, "none">, Op> = {
  bool: Op.Bool, trunc: Op.Trunc, u64: Op.Trunc, i8: Op.I8, u8: Op.U8, i16: Op.I16, u16: Op.U16, i32: Op.I32, u32: Op.U32,
};

const INEXACT = new Set<Op>([Op.Exp, Op.Log, Op.Sin, Op.Cos]);
/** Operations whose results are already 1 or 0: the bool cast after them is the identity, and is left out. */
const TRUTH = new Set<Op>([Op.Eq, Op.Ne, Op.Lt, Op.Le, Op.Gt, Op.Ge, Op.IsNan, Op.Not, Op.Bool]);

class Unsupported extends Error {}

/**
 * Compiles the elementwise tree rooted at `root` over `leaves` (the leaves {@link fuse} found,
 * in its order: register of v_i); undefined when some operation has no instruction or the
 * program would need too many registers.
 */
export function compile(root: LazyRef, leaves: readonly LazyRef[]): Program | undefined {
  if (leaves.length > MAX_LEAVES) return undefined;
  const consts: number[] = [];
  const ins: { op: Op; a: Ref; b: Ref; d: Ref }[] = [];
  let temps = 0;
  let exact = true;
  const constant = (v: number): Ref => {
    let i = consts.findIndex((c) => Object.is(c, v));
    if (i < 0) i = consts.push(v) - 1;
    return { kind: "const", i };
  };
  const truth = new Set<number>();
  const emit = (op: Op, a: Ref, b: Ref = a): Ref => {
    if (op === Op.Bool && a.kind === "temp" && truth.has(a.i)) return a;
    if (INEXACT.has(op)) exact = false;
    if (TRUTH.has(op)) truth.add(temps);
    const d: Ref = { kind: "temp", i: temps++ };
    ins.push({ op, a, b, d });
    return d;
  };
  const unary = (template: string, x: Ref): Ref => {
    const code = UNARY_CODES[template];
    if (code === undefined) throw new Unsupported(template);
    if (code === "same") return x;
    if (code === "square") return emit(Op.Mul, x, x);
    if (code === "isquare") return emit(Op.Imul, x, x);
    if (code === "reciprocal") return emit(Op.Div, constant(1), x);
    return emit(code, x);
  };
  // The node's cast and float32 rounding, as fuse.ts's nodeExpr writes them.
  const finish = (r: Ref, dtype: DType): Ref => {
    const cast = castOf(dtype);
    if (cast !== "none") r = emit(CAST_CODES[cast], r);
    if (dtype === "float32") r = emit(Op.Fround, r);
    return r;
  };
  const build = (r: LazyRef): Ref => {
    const node = r.node;
    if (node.kind !== "unary" && node.kind !== "binary") {
      const i = leaves.indexOf(r);
      if (i < 0) throw new Unsupported("leaf");
      return { kind: "leaf", i };
    }
    // The dtype's own expression, as fuse.ts takes it (int64's exact arithmetic, Math.imul …):
    // only one that is the operation's plain expression has an instruction.
    if (node.kind === "unary") return finish(unary(unaryExpr(node.op, r.dtype), build(node.arg)), r.dtype);
    const [a, b] = node.args;
    const xa = typeof a === "number" ? constant(a) : build(a);
    if (node.op.name === "power" && typeof b === "number" && typeof a !== "number") {
      const integral = r.dtype !== "float64" && r.dtype !== "float32";
      return finish(unary(powExpression(b, integral), xa), r.dtype);
    }
    const expr = binaryExpr(node.op, r.dtype);
    const code = BINARY_CODES[expr];
    if (code === undefined) throw new Unsupported(expr);
    const xb = typeof b === "number" ? constant(b) : build(b);
    return finish(emit(code, xa, xb), r.dtype);
  };
  let result: Ref;
  try {
    result = build(root);
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
  // Registers: constants, leaves, then temporaries, each freed after its last use (every temporary
  // is read by one instruction) and never the destination of an instruction that reads it.
  const nc = consts.length, k = leaves.length;
  const reg = new Map<number, number>();
  const free: number[] = [];
  let top = nc + k;
  const number = (r: Ref): number => (r.kind === "const" ? r.i : r.kind === "leaf" ? nc + r.i : reg.get(r.i)!);
  const code: number[] = [];
  for (const { op, a, b, d } of ins) {
    const ra = number(a), rb = number(b);
    const rd = free.length ? free.pop()! : top++;
    reg.set(d.i, rd);
    code.push(op, rd, ra, rb);
    for (const x of a === b ? [a] : [a, b]) if (x.kind === "temp") free.push(reg.get(x.i)!);
  }
  if (top > MAX_REGS) return undefined;
  return { code: Int32Array.from([nc, k, top, number(result), ...code]), consts: Float64Array.from(consts), exact };
}

const truths = new WeakMap<Program, Program | undefined>();

/** `program`'s result as a truth value, 1 or 0 (`e !== 0 ? 1 : 0`, as wrap(expr, "bool") writes it): what any/all fold. */
export function truthOf(program: Program): Program | undefined {
  if (truths.has(program)) return truths.get(program);
  const code = program.code;
  const top = code[2];
  const last = code.length - 4;
  const t: Program | undefined =
    last >= 4 && code[last + 1] === code[3] && TRUTH.has(code[last]) ? program
    : top + 1 > MAX_REGS ? undefined : { code: Int32Array.from([code[0], code[1], top + 1, top, ...code.subarray(4), Op.Bool, top, code[3], code[3]]), consts: program.consts, exact: program.exact };
  truths.set(program, t);
  return t;
}
