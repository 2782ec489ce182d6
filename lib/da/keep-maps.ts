/**
 * One instance of each kind of object the compute path reads, kept for the life of the
 * process. V8 drops an object's hidden class (its "map") at a full garbage collection when no
 * instance of it is alive, and deoptimises the optimised code specialised to it ("weak
 * objects" in `--trace-deopt`). The executor collects garbage fully around every memory
 * reading, between cells, and a compute's lazy arrays, its run and its small block views are
 * usually all dead by then; without these instances the scheduler's hot functions were
 * re-optimised after every collection (`ones(10000, chunks=1).T + 1`: 130-160 ms right after a
 * full collection against ~40 ms without; ~40 ms either way with them). They cost a few kB,
 * allocated when lib/da loads (before any memory baseline).
 */
import { NDArray } from "../np/ndarray";
import { allocate, DType } from "../np/dtype";
import { Slice } from "../np/indexing";
import { LazyArray } from "./array";
import { withoutRegistering } from "./registry";
import { ComputeRun } from "./scheduler/run";

function keep(): unknown[] {
  const kept: unknown[] = [new ComputeRun(), new Slice(0, 1, 1)];
  withoutRegistering(() => {
    const node = { kind: "generate" as const, name: "keep-maps", make: () => new NDArray(allocate("float64", 1), [1], "float64") };
    kept.push(new LazyArray("keep-maps", [1], "float64", [[1]], node));
    // A getitem's lazy array carries its block map (another hidden class).
    const sliced = new LazyArray("keep-maps", [1], "float64", [[1]], node);
    sliced.blockMap = [];
    kept.push(sliced);
  });
  // Views of every storage type (np's dtypes share these four) and up to 4 dimensions.
  for (const dtype of ["float64", "float32", "int32", "uint8"] as DType[]) {
    for (let nd = 0; nd <= 4; nd++) kept.push(new NDArray(allocate(dtype, 1), new Array<number>(nd).fill(1), dtype));
  }
  return kept;
}

/** @internal The kept instances (never read: holding them is the point). */
export const keptMaps: readonly unknown[] = keep();
