/**
 * WebAssembly memories of this thread, found as they are made: V8 maps them itself (not through
 * malloc, not as array buffers), so neither malloc's count nor V8's heap sees them.
 *
 * `WebAssembly.Memory` and `WebAssembly.Instance` are wrapped (a Proxy: `instanceof` and the
 * prototype are unchanged) and `instantiate`/`instantiateStreaming` look at what they return:
 * a memory made in JavaScript, or one a module defines and exports (h5wasm and Emscripten
 * output do one or the other), is remembered through a WeakRef. A memory a module defines and
 * does not export cannot be seen from JavaScript: those are found in the process's mappings
 * instead, by the shape V8 gives a memory's reservation (lazylab's addon, wasmReservedBytes in
 * native/np_memory.c), told apart from the remembered ones by where their pages start.
 */
import { MappedMemory } from "./mapped";
import { memoryCalls } from "./native";

/** The slice of the WebAssembly API used here (the project's TypeScript lib has no DOM types). */
interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}
type Ctor = new (...args: unknown[]) => object;
interface WasmApi {
  Memory: Ctor;
  Instance: Ctor;
  instantiate?: (...args: unknown[]) => Promise<unknown>;
  instantiateStreaming?: (...args: unknown[]) => Promise<unknown>;
}
const W = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
// The originals: instanceof against them holds for memories made before and after the wrap.
const MemoryClass = W.Memory;
const InstanceClass = W.Instance;

const memories = new MappedMemory<WasmMemory & object>((m) => m.buffer);
const seen = new WeakSet<object>();
let installed = false;

function remember(m: unknown): void {
  if (m instanceof MemoryClass && !seen.has(m)) {
    seen.add(m);
    memories.add(m as WasmMemory & object);
  }
}

function rememberExports(instance: unknown): void {
  if (!(instance instanceof InstanceClass)) return;
  for (const v of Object.values((instance as { exports: Record<string, unknown> }).exports)) remember(v);
}

/** Starts remembering this thread's WebAssembly memories (idempotent). */
export function trackWasmMemories(): void {
  if (installed) return;
  installed = true;
  W.Memory = new Proxy(MemoryClass, {
    construct(target, args, newTarget) {
      const m = Reflect.construct(target, args, newTarget) as object;
      remember(m);
      return m;
    },
  });
  W.Instance = new Proxy(InstanceClass, {
    construct(target, args, newTarget) {
      const instance = Reflect.construct(target, args, newTarget) as object;
      rememberExports(instance);
      return instance;
    },
  });
  for (const name of ["instantiate", "instantiateStreaming"] as const) {
    const original = W[name];
    if (typeof original !== "function") continue;
    W[name] = function (this: unknown, ...args: unknown[]) {
      return original.apply(this, args).then((r) => {
        rememberExports(r instanceof InstanceClass ? r : (r as { instance?: unknown }).instance);
        return r;
      });
    };
  }
}

/**
 * Bytes of this thread's live WebAssembly memories in resident pages (a memory's pages are
 * supplied by the kernel when first written, so an 8 MB memory written to its end counts 8 MB,
 * one never written nearly nothing); their sizes when the addon is not built. Run after a full
 * GC so that dead memories are gone.
 */
export function wasmMemoryBytes(): number {
  return memories.bytes();
}

/** Where this thread's live remembered memories' pages start (addresses; none without the addon). */
export function wasmMemoryStarts(): number[] {
  const address = memoryCalls?.bufferAddress;
  return address ? memories.buffers().map((b) => address(b)) : [];
}

/**
 * Resident bytes of the process's WebAssembly memories that no thread remembers (a module's own
 * memory it does not export), given where every thread's remembered ones start. Run after the
 * collections, so dead memories are unmapped. 0 without the addon, or an addon built before it.
 */
export function unexportedWasmBytes(known: readonly number[]): number {
  return memoryCalls?.wasmReservedBytes ? memoryCalls.wasmReservedBytes([...known]) : 0;
}
