/**
 * Memory V8 maps itself for an object (a WebAssembly memory, a resizable array buffer), outside
 * malloc and the heap: the objects are held weakly as they are found (wasm.ts, resizable.ts)
 * and their bytes read after a full GC, when the dead ones are gone.
 */
import { memoryCalls } from "./native";

export class MappedMemory<T extends object> {
  private readonly refs: WeakRef<T>[] = [];

  /** `bufferOf`: the buffer whose bytes the object maps. */
  constructor(private readonly bufferOf: (o: T) => ArrayBuffer | SharedArrayBuffer) {}

  add(o: T): void {
    this.refs.push(new WeakRef(o));
  }

  /**
   * Bytes of the live objects' buffers in resident pages (the kernel supplies a page when it is
   * first written, so a buffer never written counts nearly nothing); a SharedArrayBuffer at its
   * length, and every buffer at its length where the addon is not built.
   */
  /** The live objects' buffers (after a full GC, the dead ones are gone). */
  buffers(): (ArrayBuffer | SharedArrayBuffer)[] {
    const out: (ArrayBuffer | SharedArrayBuffer)[] = [];
    for (const r of this.refs) {
      const o = r.deref();
      if (o) out.push(this.bufferOf(o));
    }
    return out;
  }

  bytes(): number {
    let bytes = 0;
    for (let i = this.refs.length - 1; i >= 0; i--) {
      const o = this.refs[i].deref();
      if (!o) {
        this.refs.splice(i, 1);
        continue;
      }
      const buffer = this.bufferOf(o);
      bytes += memoryCalls && buffer instanceof ArrayBuffer ? memoryCalls.residentBytes(buffer) : buffer.byteLength;
    }
    return bytes;
  }
}
