"""lazylab's bridge to a dask.distributed cluster (lib/da/cluster/bridge.ts starts it).

It reads requests on stdin and answers on stdout, each a JSON line followed by the raw bytes
its "buffers" field lists (array data travels as bytes, never as JSON numbers). It connects a
distributed.Client, receives lazylab graphs (one JSON node per lazy array, inputs first) and
turns them into dask.array graphs of the NumPy calls lazylab's nodes name:

  source      an array made in the notebook, scattered once by content id and sliced per block
  stored      the blocks of an array persisted locally, each scattered by content id
  persisted   an array persist()ed on the cluster: the futures this bridge keeps under its key
  file        a NetCDF variable or a Zarr v2 array (folder or http(s) URL): each worker opens
              it (netCDF4, zarr) and reads its block's region, decoding it as lazylab does
              (fills, scale/offset, times, in float64)
  random      numpy Generator(PCG64) seeded [seed, flat block index] per block: lazylab's draws
  full        np.full per block (zeros, ones, full)
  binary/unary  the NumPy ufunc of that name
  getitem     basic indexing (slices with steps, integers, None)
  reduce      dask.array's sum/mean/min/max/prod/std/var/any/all over the axes
  rechunk, transpose, reshape, concatenate

Anything else is refused with an error naming the node kind. Logging goes to stderr.
"""
import itertools
import json
import operator
import os
import sys
import threading
import traceback

import numpy as np

# The block functions (lazylab_blocks.py, beside this file) are run into this module's
# namespace, not imported: distributed pickles a function of __main__ by value (cloudpickle)
# but one of an importable module by reference, even inside a fused task, and the workers do
# not have lazylab to import (an import failing there kills the worker: measured).
_BLOCKS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lazylab_blocks.py")
with open(_BLOCKS, encoding="utf8") as _f:
    exec(compile(_f.read(), _BLOCKS, "exec"))  # draw_block, full_block, slice_block, read_file_block, read_zarr_block


def _log(*a):
    print("[lazylab bridge]", *a, file=sys.stderr, flush=True)


# --- framing -----------------------------------------------------------------------------

_out_lock = threading.Lock()
_stdin = sys.stdin.buffer
_stdout = sys.stdout.buffer


def send(msg, buffers=()):
    buffers = [memoryview(b).cast("B") for b in buffers]
    msg["buffers"] = [b.nbytes for b in buffers]
    line = (json.dumps(msg) + "\n").encode()
    with _out_lock:
        _stdout.write(line)
        for b in buffers:
            _stdout.write(b)
        _stdout.flush()


def receive():
    line = _stdin.readline()
    if not line:
        return None, []
    msg = json.loads(line)
    bufs = []
    for n in msg.get("buffers", []):
        data = _stdin.read(n)
        if len(data) != n:
            return None, []
        bufs.append(data)
    return msg, bufs


# --- graph translation -------------------------------------------------------------------

class Unsupported(Exception):
    pass


def _boundaries(c):
    out = [0]
    for n in c:
        out.append(out[-1] + n)
    return out


def _block_indices(numblocks):
    import itertools
    return itertools.product(*[range(n) for n in numblocks])


def _managed_bytes(dask_scheduler=None):
    return {addr: ws.nbytes for addr, ws in dask_scheduler.workers.items()}


class Session:
    def __init__(self):
        self.client = None
        self.scattered = {}  # content id -> Future of the whole array
        self.persisted = {}  # key -> dask array backed by futures (persist())
        self.keys = itertools.count(1)  # next() is atomic: persists run on their own threads
        self.running = {}  # request id -> futures
        self.cancelled = set()

    # connect / info ------------------------------------------------------------------

    def connect(self, msg):
        from distributed import Client
        timeout = max(0.5, msg.get("timeoutMs", 5000) / 1000)
        self.client = Client(msg["address"], timeout=timeout, set_as_default=False)
        return self.info(msg)

    def info(self, _msg):
        c = self.client
        si = c.scheduler_info()
        processing = c.processing()
        try:
            pids = c.run(os.getpid, wait=True)
        except Exception:
            pids = {}
        try:
            # The scheduler's own count of result bytes per worker: current at once, where
            # the heartbeat metrics' managed_bytes lag by a heartbeat.
            managed = c.run_on_scheduler(_managed_bytes)
        except Exception:
            managed = {}
        workers = []
        for addr, w in si["workers"].items():
            m = w.get("metrics", {})
            workers.append({
                "address": addr,
                "name": str(w.get("name")),
                "pid": pids.get(addr),
                "nthreads": w.get("nthreads"),
                "memoryLimit": w.get("memory_limit"),
                "memory": m.get("memory"),
                "managed": managed.get(addr, m.get("managed_bytes", 0)),
                "executing": m.get("executing", 0),
                "processing": len(processing.get(addr, ())),
            })
        return {"scheduler": si.get("address"), "workers": workers, "scattered": len(self.scattered), "persisted": len(self.persisted)}

    # graph -----------------------------------------------------------------------------

    def scatter(self, msg, bufs):
        cid = msg["contentId"]
        if cid not in self.scattered:
            # int64/uint64 arrive as float64 and bool as uint8: lazylab's storage of them.
            a = np.frombuffer(bufs[0], dtype=msg["storage"]).astype(msg["dtype"]).reshape(msg["shape"])
            [fut] = self.client.scatter([a], broadcast=False, hash=False)
            self.scattered[cid] = fut
        return {}

    def build(self, nodes, root):
        import dask.array as da
        arrays = {}
        for n in nodes:
            arrays[n["name"]] = self.node(n, arrays, da)
        return arrays[root]

    def node(self, n, arrays, da):
        kind = n["kind"]
        name = n["name"]
        chunks = tuple(tuple(c) for c in n["chunks"])
        dtype = np.dtype(n["dtype"])
        numblocks = [len(c) for c in chunks]
        if kind == "source":
            fut = self.scattered.get(n["contentId"])
            if fut is None:
                raise KeyError("source %s was not scattered" % n["contentId"])
            b = [_boundaries(c) for c in chunks]
            dsk = {}
            for idx in _block_indices(numblocks):
                index = tuple(slice(b[d][k], b[d][k + 1]) for d, k in enumerate(idx))
                dsk[(name,) + idx] = (slice_block, fut, index)
            return da.Array(dsk, name, chunks, dtype=dtype)
        if kind == "persisted":
            x = self.persisted.get(n["key"])
            if x is None:
                raise KeyError("persisted array %s was released" % n["key"])
            return x
        if kind == "file":
            b = [_boundaries(c) for c in chunks]
            dsk = {}
            for idx in _block_indices(numblocks):
                start = [b[d][k] for d, k in enumerate(idx)]
                shape = [chunks[d][k] for d, k in enumerate(idx)]
                if n["format"] == "zarr":
                    dsk[(name,) + idx] = (read_zarr_block, n["location"], n["path"], start, shape, n["decoding"], dtype.str)
                else:
                    dsk[(name,) + idx] = (read_file_block, n["path"], n["group"], n["variable"], start, shape, n["decoding"], dtype.str)
            return da.Array(dsk, name, chunks, dtype=dtype)
        if kind == "stored":
            dsk = {}
            for idx in _block_indices(numblocks):
                fut = self.scattered[n["blocks"][",".join(map(str, idx))]]
                dsk[(name,) + idx] = (slice_block, fut, ())
            return da.Array(dsk, name, chunks, dtype=dtype)
        if kind == "random":
            dsk = {}
            for idx in _block_indices(numblocks):
                flat = 0
                for d, k in enumerate(idx):
                    flat = flat * numblocks[d] + k
                shape = tuple(chunks[d][k] for d, k in enumerate(idx))
                dsk[(name,) + idx] = (draw_block, n["dist"], int(n["seed"]), flat, shape)
            return da.Array(dsk, name, chunks, dtype=dtype)
        if kind == "full":
            dsk = {}
            for idx in _block_indices(numblocks):
                shape = tuple(chunks[d][k] for d, k in enumerate(idx))
                dsk[(name,) + idx] = (full_block, shape, n["value"], dtype.str)
            return da.Array(dsk, name, chunks, dtype=dtype)
        if kind in ("binary", "unary"):
            f = getattr(np, n["op"], None)
            if not isinstance(f, np.ufunc):
                raise Unsupported("%s op %s is not a NumPy ufunc" % (kind, n["op"]))
            args = [arrays[a["ref"]] if isinstance(a, dict) else a for a in n["args"]]
            out = f(*args)
        elif kind == "getitem":
            x = arrays[n["input"]]
            index = []
            for d in n["dims"]:
                if d["inputDim"] == -1:
                    index.append(None)
                elif d["drop"]:
                    index.append(d["start"])
                else:
                    stop = d["start"] + d["step"] * d["length"]
                    if stop < 0:
                        stop = None
                    index.append(slice(d["start"], stop, d["step"]))
            out = x[tuple(index)]
        elif kind == "reduce":
            x = arrays[n["input"]]
            f = getattr(da, n["reduction"], None)
            if f is None:
                raise Unsupported("reduction %s" % n["reduction"])
            kw = {"axis": tuple(n["axes"]), "keepdims": n["keepdims"]}
            if n["reduction"] in ("std", "var"):
                kw["ddof"] = n["ddof"]
            out = f(x, **kw)
        elif kind == "rechunk":
            out = arrays[n["input"]].rechunk(chunks)
        elif kind == "transpose":
            out = arrays[n["input"]].transpose(n["axes"])
        elif kind == "reshape":
            out = arrays[n["input"]].reshape(n["shape"])
        elif kind == "concatenate":
            out = da.concatenate([arrays[r] for r in n["inputs"]], axis=n["axis"])
        else:
            raise Unsupported("node kind %s" % kind)
        # lazylab has decided the dtype already (NumPy's rules): keep the two sides equal.
        if out.dtype != dtype:
            out = out.astype(dtype)
        return out

    def compute(self, msg):
        rid = msg["id"]
        x = self.build(msg["nodes"], msg["root"])
        tasks = len(x.__dask_graph__())
        fut = self.client.compute(x)
        self.running[rid] = [fut]
        try:
            if rid in self.cancelled:
                self.client.cancel([fut])
            result = fut.result()
        finally:
            self.running.pop(rid, None)
        if rid in self.cancelled:
            raise Cancelled()
        # (np.ascontiguousarray would make a 0-d result 1-d.)
        a = np.asarray(result, dtype=np.dtype(msg["dtype"])).astype(msg["storage"], order="C")
        return {"dtype": msg["dtype"], "shape": list(a.shape), "tasks": tasks}, [a.reshape(-1)]

    def persist(self, msg):
        # client.persist, waited for: the notebook's `await x.persist()` returns when the
        # chunks are in the workers' memory (and a failing task fails the persist, not later).
        from distributed import futures_of
        from distributed.client import _wait
        rid = msg["id"]
        x = self.build(msg["nodes"], msg["root"])
        tasks = len(x.__dask_graph__())
        y = self.client.persist(x)
        futs = futures_of(y)
        self.running[rid] = futs
        try:
            if rid in self.cancelled:
                self.client.cancel(futs)
            # distributed.wait's coroutine, on this client: wait() itself looks for a default
            # client, and this one is not (set_as_default=False).
            self.client.sync(_wait, futs)
            for f in futs:
                if f.status != "finished":
                    f.result()  # raises the task's error (or CancelledError)
        finally:
            self.running.pop(rid, None)
        if rid in self.cancelled:
            raise Cancelled()
        key = "p%d" % next(self.keys)
        self.persisted[key] = y
        return {"key": key, "tasks": tasks}

    def release(self, msg):
        self.persisted.pop(msg["key"], None)
        return {}

    def cancel(self, msg):
        target = msg["target"]
        self.cancelled.add(target)
        futs = self.running.get(target)
        if futs:
            self.client.cancel(futs)
        return {}


class Cancelled(Exception):
    pass


def answer(session, msg, bufs):
    rid = msg.get("id")
    try:
        op = msg["op"]
        if op == "compute":
            reply, out = session.compute(msg)
        elif op == "scatter":
            reply, out = session.scatter(msg, bufs), []
        elif op == "connect":
            reply, out = session.connect(msg), []
        elif op == "info":
            reply, out = session.info(msg), []
        elif op == "persist":
            reply, out = session.persist(msg), []
        elif op == "release":
            reply, out = session.release(msg), []
        elif op == "cancel":
            reply, out = session.cancel(msg), []
        else:
            raise Unsupported("request %s" % op)
        reply.update({"id": rid, "ok": True})
        send(reply, out)
    except Exception as e:  # every failure goes back to the notebook, named
        from concurrent.futures import CancelledError
        name = type(e).__name__
        if isinstance(e, (Cancelled, CancelledError)) or rid in session.cancelled:
            name = "Cancelled"
        elif isinstance(e, Unsupported):
            name = "ClusterUnsupported"
        elif msg.get("op") == "connect" and isinstance(e, (OSError, TimeoutError)):
            name = "ClusterUnavailable"
        send({"id": rid, "ok": False, "name": name, "error": "%s: %s" % (type(e).__name__, e)})
        if name not in ("Cancelled", "ClusterUnsupported", "ClusterUnavailable"):
            _log(traceback.format_exc())


def main():
    session = Session()
    threads = []
    while True:
        msg, bufs = receive()
        if msg is None or msg.get("op") == "close":
            break
        if msg["op"] in ("compute", "persist"):
            # Computes run beside the reader, so a cancel can reach their futures.
            t = threading.Thread(target=answer, args=(session, msg, bufs), daemon=True)
            t.start()
            threads.append(t)
        else:
            answer(session, msg, bufs)
    if session.client is not None:
        try:
            session.client.close(timeout=2)
        except Exception:
            pass
    if msg is not None:
        send({"id": msg.get("id"), "ok": True})


if __name__ == "__main__":
    main()
