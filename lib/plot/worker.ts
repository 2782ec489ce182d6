/**
 * The render thread: compiles a Vega-Lite spec with vega-lite, runs it in a headless vega
 * `View` (renderer "none": no DOM, no canvas) and answers the SVG text. vega and vega-lite
 * load here, in their own V8 isolate, so their ~10 MB of code and data never count in the
 * notebook thread's memory figures.
 *
 * Two ways to be asked: a message (render.ts's `renderSvg`, awaited), or `workerData` with a
 * shared flag (`renderSvgSync`, for pyplot's synchronous `show()`): the answer then goes to the
 * given port and the flag is raised with `Atomics.notify`, which wakes the blocked caller.
 */
import { parentPort, workerData } from "node:worker_threads";
import { pathToFileURL } from "node:url";
import type { RenderReply, RenderRequest, SyncRenderData } from "./render";

// Both packages are ES modules with top-level await: they need a real import(), which a
// commonjs build would otherwise turn into require().
const importEsm = new Function("specifier", "return import(specifier)") as (s: string) => Promise<Record<string, any>>;
const load = (name: string) => importEsm(pathToFileURL(require.resolve(name)).href);

async function render(req: RenderRequest): Promise<string> {
  const [vega, vl] = await Promise.all([load("vega"), load("vega-lite")]);
  const compiled = vl.compile(req.spec as never).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return (await view.toSVG(req.scale ?? 1)) as string;
  } finally {
    view.finalize();
  }
}

const answer = (req: RenderRequest, reply: (r: RenderReply) => void) =>
  render(req).then(
    (svg) => reply({ ok: true, svg }),
    (e: unknown) => reply({ ok: false, error: e instanceof Error ? e.message : String(e) }),
  );

const sync = workerData as SyncRenderData | undefined;
if (sync?.flag) {
  void answer(sync.request, (r) => {
    sync.port.postMessage(r);
    const flag = new Int32Array(sync.flag);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  });
} else {
  parentPort!.on("message", (req: RenderRequest) => void answer(req, (r) => parentPort!.postMessage(r)));
}
