/**
 * Opening many files on the decoder threads: while the notebook's thread opens the first file
 * of an openMfDataset, the threads read the others' metadata (groups, variables, the
 * attributes CF decoding needs, index coordinates) with h5wasm of their own, and the
 * notebook's thread builds each dataset from what comes back (NcFile.fromMetadata) — what
 * xarray's `parallel=True` does with dask. Reading a file's metadata through h5wasm costs
 * ~15 ms of CPU (about 70 calls into HDF5, each looking its object up by path), so on two
 * cores this is where opening 100 files spends most of its time.
 *
 * A file a thread could not read (or no threads) is opened by the notebook's thread as
 * before, so every error is the one opening it there gives.
 */
import { requestMetadata } from "./decoders";
import { h5 } from "./hdf5";
import { FileMetadata, NcFile, NcVariable } from "./netcdf";

/** Variables whose values are read at open: index coordinates (1-d, named after their dimension) and scalars. */
export function readAtOpen(v: NcVariable): boolean {
  return (v.dims.length === 1 && v.dims[0] === v.name) || v.shape.length === 0;
}

/** Files opened from a decoder thread's metadata, and files the threads could not read (opened here). */
export const prefetchStats = { fromThreads: 0, here: 0 };

/**
 * The file `file`, from the metadata a decoder thread read (`pending`), or opened here if it
 * could not; the checks opening it here makes come first, so a missing file fails the same.
 */
export async function openPrefetched(file: string, pending: Promise<FileMetadata | undefined>): Promise<NcFile> {
  NcFile.check(file);
  const meta = await pending;
  if (meta) {
    prefetchStats.fromThreads++;
    return NcFile.fromMetadata(file, meta);
  }
  prefetchStats.here++;
  return NcFile.open(file);
}

/**
 * Starts reading the metadata of `files` on the decoder threads; each promise resolves with
 * the file's metadata, or undefined (open it here).
 */
export function prefetch(files: readonly string[], group: string, attrs: "all" | "decoding"): Promise<FileMetadata | undefined>[] {
  return files.map((f) => requestMetadata(f, group, attrs) ?? Promise.resolve(undefined));
}

/** On a decoder thread: what opening group `group` of `file` reads, for the notebook's thread. */
export async function readMetadata(file: string, group: string, attrs: "all" | "decoding"): Promise<{ meta: FileMetadata; transfer: ArrayBuffer[] }> {
  await h5();
  const nc = await NcFile.open(file);
  try {
    return nc.metadata(group, attrs, readAtOpen);
  } finally {
    nc.close();
  }
}
