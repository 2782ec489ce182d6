/** The protocol thread's handle on the compiler thread: the same API, asynchronous. */
import path from "node:path";
import { Worker } from "node:worker_threads";
import { markStart } from "../start-trace";
import type { CompilerApi, CompilerMethod, CompilerRequest, CompilerResponse } from "./requests";

type Async<T> = { [K in keyof T]: T[K] extends (...a: infer A) => infer R ? (...a: A) => Promise<R> : never };

export class CompilerClient {
  private readonly worker: Worker;
  private seq = 0;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly ready: Promise<number>;
  readonly api: Async<CompilerApi>;

  constructor(cwd: string) {
    // Young generation size trades speed for idle RSS. Since cells share one checker (service.ts)
    // a cell allocates little, so 8 MB costs new cells nothing measurable and the kernel process
    // idles ~20 MB lower than with 32 (bench/HISTORY.md); a new checker (built at idle time) is
    // what pays for the extra scavenges. In the kernel the process-wide V8 flag
    // --max-semi-space-size=1 (kernelspec.ts) takes precedence over this limit, so the thread
    // runs with 1 MB semi-spaces: new space 2.0 MB against 8.0 MB with the flag unset when the
    // worker is made, 125 scavenges against 34 building the first checker, yet that check was
    // no faster measurably (noise of the loaded VM) and the process ~0.4-1 MB larger.
    this.worker = new Worker(path.join(__dirname, "worker.js"), {
      workerData: { cwd },
      resourceLimits: { maxYoungGenerationSizeMb: 8 },
    });
    this.worker.unref();
    let ready!: (ms: number) => void;
    this.ready = new Promise((r) => (ready = r));
    this.worker.on("message", (m: CompilerResponse) => {
      if ("ready" in m) {
        markStart("kernel", "compiler ready");
        return ready(m.warmUpMs);
      }
      const w = this.waiting.get(m.seq);
      this.waiting.delete(m.seq);
      if (!w) return;
      if (m.ok) w.resolve(m.value);
      else w.reject(new Error(`compiler: ${m.error}`));
    });
    this.worker.on("error", (e) => {
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
    });
    const call = (method: CompilerMethod) => (...args: unknown[]) =>
      new Promise((resolve, reject) => {
        const seq = ++this.seq;
        this.waiting.set(seq, { resolve, reject });
        this.worker.postMessage({ seq, method, args } as CompilerRequest);
      });
    const methods: CompilerMethod[] = ["compile", "record", "forget", "reset", "names", "complete", "inspect", "isComplete", "transpileExpressions"];
    this.api = Object.fromEntries(methods.map((m) => [m, call(m)])) as unknown as Async<CompilerApi>;
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}
