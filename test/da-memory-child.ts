/**
 * The memory figures of a lazy array's life (create, compute a slice, drop, recompute, release),
 * measured the way a notebook cell sees them. test/da.test.ts runs this in a child process with
 * the executor's V8 flags and environment, because that is where lazylab's probes are meant to
 * be read: a test runner's own process compiles code concurrently and at times of its choosing,
 * which moves its resident memory by tens of kilobytes between two readings.
 * Prints one JSON object of MB figures on stdout.
 */
import { np, da, psutil } from "../lib";
import type { NDArray } from "../lib/np";
import type { LazyArray } from "../lib/da";

const MB = 2 ** 20;
const tick = () => new Promise((r) => setImmediate(r));

async function avail(): Promise<number> {
  await tick();
  psutil.collectGarbage();
  await tick(); // finalizers (results going back to the pool) run after the collection
  return psutil.virtualMemory().available;
}

async function main(): Promise<void> {
  psutil.setView("process");
  const h: { x?: NDArray; d?: LazyArray; sq?: LazyArray; block?: NDArray } = {};
  h.x = np.random.defaultRng(1).standardNormal([1000, 1000]);
  // Warm the paths once (code, kernels) so the figures below are data only, as the kernel's
  // warm-up does for a notebook.
  for (let i = 0; i < 2; i++) {
    h.block = await da.fromArray(h.x, { chunks: [100, 100] }).pow(2).get("0:100, :").compute();
    h.block = undefined;
    await avail();
  }
  da.releasePool();
  await avail();
  psutil.resetBaseline();
  const a0 = await avail();
  const out: Record<string, number> = {};
  h.d = da.fromArray(h.x, { chunks: [100, 100] });
  h.sq = h.d.pow(2);
  out.lazy = ((await avail()) - a0) / MB;
  h.block = await h.sq.get("0:100, :").compute();
  out.computed = ((await avail()) - a0) / MB;
  h.block = undefined;
  out.dropped = ((await avail()) - a0) / MB;
  out.pooled = da.poolInfo().bytes / MB;
  h.block = await h.sq.get("0:100, :").compute();
  out.again = ((await avail()) - a0) / MB;
  h.block = undefined;
  await avail();
  da.releasePool();
  out.released = ((await avail()) - a0) / MB;
  h.x = undefined;
  Object.assign(out, await generated());
  Object.assign(out, await large());
  process.stdout.write(JSON.stringify(out) + "\n");
  da.releasePool();
}

/**
 * A generated array never materialises: the 3.2 GB array and an operation on it cost
 * nothing until computed, and a fused reduction over a 128 MB one leaves nothing behind.
 */
async function generated(): Promise<Record<string, number>> {
  const h: { y?: LazyArray; big?: LazyArray; op?: LazyArray } = {};
  // The same expressions once, so that the figures below are the arrays and not first-use code
  // or the pool's workers starting.
  h.op = da.random.defaultRng(6).standardNormal([20000, 20000], { chunks: [2000, 2000] }).pow(2).add(1);
  h.op = undefined;
  await da.random.defaultRng(6).standardNormal([4000, 4000], { chunks: [1000, 1000] }).pow(2).sum().compute();
  da.releasePool();
  const base = await avail();
  h.y = da.random.defaultRng(5).standardNormal([4000, 4000], { chunks: [1000, 1000] }); // 128 MB if materialised
  h.big = da.random.defaultRng(7).standardNormal([20000, 20000], { chunks: [2000, 2000] });
  h.op = h.big.pow(2).add(1);
  const bigLazy = (base - (await avail())) / MB;
  const bigBytes = h.op.nbytes;
  h.big = h.op = undefined;
  const meanOfSquares = (await h.y.pow(2).sum().compute()).item() / 16e6;
  h.y = undefined;
  da.releasePool();
  const fusedLeft = (base - (await avail())) / MB;
  return { bigLazy, bigBytes, meanOfSquares, fusedLeft };
}

/**
 * A result of 32 MiB or more is not kept by the pool: dropped, it gives its memory back, as
 * malloc gives back a block it mapped (NumPy's `del` of a large computed result); a smaller one
 * is kept (above). Written in place by the workers (a fromArray source) or in this thread.
 */
async function large(): Promise<Record<string, number>> {
  const h: { r?: NDArray; s?: NDArray } = {};
  const x = da.fromArray(np.random.defaultRng(17).standardNormal([4000, 1100]), { chunks: [1000, 1100] }).mul(2); // 35.2 MB results
  const g = da.random.defaultRng(8).random([4000, 1100], { chunks: [1000, 1100] }).add(1);
  h.r = await x.compute(); // the paths warmed
  h.r = undefined;
  h.s = await g.compute();
  h.s = undefined;
  da.releasePool();
  const base = await avail();
  const pooled = da.poolInfo().bytes;
  h.r = await x.compute();
  const largeComputed = (base - (await avail())) / MB;
  h.r = undefined;
  const largeDropped = (base - (await avail())) / MB;
  const largePooled = (da.poolInfo().bytes - pooled) / MB;
  h.s = await g.compute();
  const largeGeneratedComputed = (base - (await avail())) / MB;
  h.s = undefined;
  const largeGeneratedDropped = (base - (await avail())) / MB;
  const largeGeneratedPooled = (da.poolInfo().bytes - pooled) / MB;
  return { largeComputed, largeDropped, largePooled, largeGeneratedComputed, largeGeneratedDropped, largeGeneratedPooled };
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(String(e?.stack ?? e) + "\n");
    process.exit(1);
  },
);
