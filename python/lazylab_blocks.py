"""The functions lazylab's cluster bridge (lazylab_bridge.py) puts in the Dask graphs it
builds: what the workers run for lazylab's leaves. The workers have no lazylab installed, so
these must travel by value with each task: the bridge runs this file into its own namespace
(__main__), whose functions distributed pickles by value. Not to be imported on its own.

  draw_block       lazylab's random draws: Generator(PCG64(SeedSequence([seed, flat block])))
  full_block       zeros, ones, full
  slice_block      a block of an array scattered whole
  read_file_block  a NetCDF variable's block, read with netCDF4 (a file) or h5py over HTTP
                   range requests (a URL), and decoded as lazylab does
  read_zarr_block  a Zarr v2 array's block (a folder, or an http(s) store over plain GETs)
"""
import numpy as np


def draw_block(dist, seed, flat, shape):
    g = np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, flat])))
    if dist == "standard_normal":
        return g.standard_normal(shape)
    if dist == "random":
        return g.random(shape)
    raise ValueError("unknown distribution " + dist)


def full_block(shape, value, dtype):
    return np.full(shape, value, dtype=dtype)


def slice_block(whole, index):
    return whole[index]


def _worker_files():
    # Open files kept per worker process (not per task): a module in sys.modules, since this
    # function's own globals travel pickled with each task. HDF5 is not thread-safe: one lock.
    import sys as _sys
    import threading as _threading
    import types as _types
    state = _sys.modules.get("lazylab_worker_files")
    if state is None:
        fresh = _types.ModuleType("lazylab_worker_files")
        fresh.files = {}
        fresh.lock = _threading.Lock()
        state = _sys.modules.setdefault("lazylab_worker_files", fresh)
    return state


def decode_block(raw, decoding, dtype):
    fills = decoding.get("fills", [])
    if not fills and "scale" not in decoding and "time" not in decoding:
        return raw.astype(dtype)
    # lazylab's decoding (lib/xr/cf.ts): in float64, then stored as the decoded dtype.
    x = raw.astype(np.float64)
    mask = None
    if fills:
        mask = np.isin(x, np.array(fills, dtype=np.float64))
        if decoding.get("float32Fill"):
            mask |= x == np.float64(np.float32(fills[0]))
    if "scale" in decoding:
        x = x * decoding["scale"] + decoding["offset"]
    if "time" in decoding:
        t = decoding["time"]
        x = t["epochMs"] + x * t["msPerUnit"]
    if mask is not None:
        x[mask] = np.nan
    return x.astype(dtype)


def http_get(url, headers=None):
    """GET url (with headers): (status, response headers, body). Retries connection errors and
    5xx answers three times with backoff, as lazylab's own HttpStore does."""
    import time as _time
    import urllib.error
    import urllib.request
    for attempt in range(4):
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=30) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            if e.code < 500 or attempt == 3:
                raise
        except (urllib.error.URLError, ConnectionError):
            if attempt == 3:
                raise
        _time.sleep(0.1 * 2 ** attempt)


def read_zarr_block(location, path, start, shape, decoding, dtype):
    import collections.abc as _abc
    import urllib.error
    import zarr

    class HttpStore(_abc.MutableMapping):
        """A read-only Zarr v2 store over plain HTTP GETs (no fsspec/aiohttp needed)."""

        def __init__(self, url):
            self.url = url.rstrip("/")

        def __getitem__(self, key):
            try:
                return http_get(self.url + "/" + key)[2]
            except urllib.error.HTTPError as e:
                if e.code == 404:
                    raise KeyError(key)
                raise

        def __setitem__(self, key, value):
            raise PermissionError("read-only store")

        def __delitem__(self, key):
            raise PermissionError("read-only store")

        def __iter__(self):
            return iter(())

        def __len__(self):
            return 0

    state = _worker_files()
    key = ("zarr", location, path)
    with state.lock:
        arr = state.files.get(key)
        if arr is None:
            http = location.startswith("http://") or location.startswith("https://")
            store = HttpStore(location) if http else zarr.storage.DirectoryStore(location)
            arr = state.files[key] = zarr.open_array(store, mode="r", path=path.strip("/"))
    raw = np.asarray(arr[tuple(slice(s, s + n) for s, n in zip(start, shape))]).reshape(shape)
    return decode_block(raw, decoding, dtype)


def read_file_block(path, group, variable, start, shape, decoding, dtype):
    if path.startswith("http://") or path.startswith("https://"):
        return read_remote_file_block(path, group, variable, start, shape, decoding, dtype)
    import os as _os
    import netCDF4
    st = _os.stat(path)
    key = (path, st.st_mtime_ns, st.st_size)
    state = _worker_files()
    with state.lock:
        ds = state.files.get(key)
        if ds is None:
            for old in [k for k in state.files if k[0] == path]:
                state.files.pop(old).close()
            ds = state.files[key] = netCDF4.Dataset(path, "r")
        g = ds
        for part in [p for p in group.split("/") if p]:
            g = g.groups[part]
        if variable not in g.variables:
            raise KeyError("%s: no variable %r in group %r" % (path, variable, group))
        v = g.variables[variable]
        v.set_auto_maskandscale(False)
        raw = np.asarray(v[tuple(slice(s, s + n) for s, n in zip(start, shape))])
    return decode_block(raw.reshape(shape), decoding, dtype)


def read_remote_file_block(url, group, variable, start, shape, decoding, dtype):
    """A NetCDF4 variable's block over HTTP: h5py reads the file through a file object that
    fetches 64 KB blocks with Range requests (Debian's netCDF-C has no #mode=bytes), so a
    worker fetches the metadata and the chunks it needs, not the file. h5py's reads are the
    stored values, as netCDF4's with auto mask-and-scale off; decode_block decodes them."""
    import io
    import h5py

    class RangeFile(io.RawIOBase):
        BLOCK = 1 << 16

        def __init__(self, url):
            self.url, self.pos, self.blocks = url, 0, {}
            status, headers, _ = http_get(url, {"Range": "bytes=0-0"})
            if status != 206 or "/" not in headers.get("Content-Range", ""):
                raise OSError("%s: the server does not answer HTTP Range requests (status %d), so the file cannot be read in parts" % (url, status))
            self.size = int(headers["Content-Range"].rsplit("/", 1)[1])

        def readable(self):
            return True

        def seekable(self):
            return True

        def tell(self):
            return self.pos

        def seek(self, offset, whence=0):
            self.pos = offset if whence == 0 else self.pos + offset if whence == 1 else self.size + offset
            return self.pos

        def readinto(self, buffer):
            n = max(0, min(len(buffer), self.size - self.pos))
            if n == 0:
                return 0
            first, last = self.pos // self.BLOCK, (self.pos + n - 1) // self.BLOCK
            b = first
            while b <= last:  # each run of missing blocks in one request
                if b in self.blocks:
                    b += 1
                    continue
                e = b
                while e + 1 <= last and e + 1 not in self.blocks:
                    e += 1
                lo, hi = b * self.BLOCK, min(self.size, (e + 1) * self.BLOCK) - 1
                status, _, body = http_get(self.url, {"Range": "bytes=%d-%d" % (lo, hi)})
                if status != 206 or len(body) != hi - lo + 1:
                    raise OSError("%s: asked for bytes %d-%d, got status %d with %d bytes" % (self.url, lo, hi, status, len(body)))
                for k in range(b, e + 1):
                    self.blocks[k] = body[(k - b) * self.BLOCK:(k - b + 1) * self.BLOCK]
                b = e + 1
            data = b"".join(self.blocks[k] for k in range(first, last + 1))
            skip = self.pos - first * self.BLOCK
            buffer[:n] = data[skip:skip + n]
            self.pos += n
            return n

    state = _worker_files()
    key = ("nc-http", url)
    with state.lock:
        f = state.files.get(key)
        if f is None:
            f = state.files[key] = h5py.File(RangeFile(url), "r")
        name = "/".join([p for p in group.split("/") if p] + [variable])
        if name not in f:
            raise KeyError("%s: no variable %r in group %r" % (url, variable, group))
        raw = np.asarray(f[name][tuple(slice(s, s + n) for s, n in zip(start, shape))])
    return decode_block(raw.reshape(shape), decoding, dtype)
