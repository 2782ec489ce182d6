#!/usr/bin/python3
"""lazylab vs tslab vs deno, measured in one run with Debian's jupyter_client.

    bench/kernel.py [--scratch DIR] [--runs N] [--rounds N] [--kernels lazylab,deno] [--root CHECKOUT]

tslab and deno are installed from npm into DIR (default /tmp/lazylab-bench) if missing; the
kernelspecs are written under DIR (one folder per lazylab checkout), not into the user's
Jupyter directories. Every kernel is measured the same way, `runs` fresh kernel processes each
(the kernels take turns), and every figure is printed as median (min-max) with every run:

- first np result (lazylab only): another fresh kernel, whose first cell is `np.arange(3).sum()`
  (it waits for the first full checker and the executor's warm-up, which `1+1` does not).
- first result (the headline start figure): from the kernel process's spawn until the first
  `1+1` cell's result arrives — what a user waits for. The client does what a frontend does:
  it waits for the first kernel_info_reply, then sends the cell at once.
- kernel_info: from spawn to the first kernel_info_reply (secondary: a kernel may answer it
  before it can run a cell).
- `1+1` round trip to idle (median, p95 over `rounds`), `1+i` (new cells, which no cache can
  answer), `const v_i = i` (new cells that declare), idle RSS and PSS of the kernel's process
  tree (after the cells, 2 s idle), time until a cell's 1,000 printed lines are all in.

Checks: every cell's result must be the expected value (`1+1` → 2, `1+i` → 1+i; tslab prints
the last value on stdout rather than as an execute_result, so a stream with that text counts),
and declaring cells must end without an error (then `v_last + 1` must see them); a kernel
that gets any of it wrong fails the script. How many of the 1,000 lines a kernel printed, in
before it went idle is reported beside the time, which runs until all 1,000 are in and the
kernel is idle (what the user waits for).

The header names the machine, the load and, when NODE_EXTRA_CA_CERTS is set, what it costs a
Node process to start here: Node parses that file as it starts (0.1 s a process on the
2026-12-07 machine, whose environment set it), which lazylab's kernel and executor and tslab's
kernel pay and Deno's does not. Run with `env -u NODE_EXTRA_CA_CERTS` for figures without it.
"""
import argparse
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

import jupyter_client
import psutil

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the checkout whose dist/ is run (--root)


def ensure_peers(scratch):
    os.makedirs(scratch, exist_ok=True)
    if not os.path.exists(os.path.join(scratch, "node_modules", "tslab")) or not os.path.exists(os.path.join(scratch, "node_modules", "deno")):
        subprocess.run(["npm", "init", "-y"], cwd=scratch, check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["npm", "install", "tslab@1.0.22", "deno@2.9.6"], cwd=scratch, check=True)
    # One folder of kernelspecs per lazylab checkout: several checkouts may share the scratch dir.
    share = os.path.join(scratch, "share-" + hashlib.sha1(ROOT.encode()).hexdigest()[:10], "jupyter")
    kernels = os.path.join(share, "kernels")
    specs = {
        "lazylab": None,  # the kernelspec `lazylab install` writes, below
        "tslab": [os.path.join(scratch, "node_modules", ".bin", "tslab"), "kernel", "--config-path", "{connection_file}"],
        "deno": [os.path.join(scratch, "node_modules", ".bin", "deno"), "jupyter", "--kernel", "--conn", "{connection_file}"],
    }
    # lazylab's command line and environment are the ones `lazylab install` writes (kernel/install/kernelspec.ts).
    lazylab_spec = json.loads(subprocess.run(
        ["node", "-e", "process.stdout.write(JSON.stringify(require(process.argv[1]).kernelSpec(process.argv[2])))",
         os.path.join(ROOT, "dist", "kernel", "install", "kernelspec.js"), os.path.join(ROOT, "dist", "kernel", "cli.js")],
        check=True, capture_output=True, text=True).stdout)
    specs["lazylab"] = lazylab_spec["argv"]
    lazylab_env = lazylab_spec["env"]
    for name, argv in specs.items():
        d = os.path.join(kernels, f"bench-{name}")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "kernel.json"), "w") as f:
            json.dump({"argv": argv, "display_name": name, "language": "typescript", "interrupt_mode": "message",
                       "env": lazylab_env if name == "lazylab" else {}}, f)
    return share


def tree_memory(pid):
    """RSS and PSS summed over the kernel's process tree. RSS counts pages shared between the
    processes (the node binary, for a kernel with an executor) once per process; PSS splits them."""
    try:
        p = psutil.Process(pid)
        infos = [q.memory_full_info() for q in [p] + p.children(recursive=True)]
        return sum(i.rss for i in infos), sum(i.pss for i in infos)
    except psutil.Error:
        return float("nan"), float("nan")


class WrongResult(Exception):
    """A kernel answered a cell with something other than the expected value."""


ANSI = re.compile(r"\x1b\[[0-9;]*m")


LATE = {"results after idle": 0, "lines before idle": 0}


def run_until_idle(kc, code, timeout=60, expect=None, lines=0):
    """Runs a cell until it is idle and, with `expect`, its value has come (a kernel may
    publish the value after its idle status: the user waits for the value, so the time does
    too; such late values are counted in LATE). Returns (its value's text or None, stdout
    text, perf_counter() when the value came). With `expect`, the value (an execute_result's
    text/plain, or tslab's printed value) must be it. With `lines`, also until that many lines
    of stdout have come; the stdout lines seen before idle are in LATE["lines before idle"]."""
    msg_id = kc.execute(code)
    deadline = time.time() + timeout
    LATE["lines before idle"] = 0
    value, stdout, at, error, idle = None, [], None, None, False
    def enough():
        return (expect is None or at is not None) and "".join(stdout).count("\n") >= lines
    while not idle or not enough():
        m = kc.get_iopub_msg(timeout=max(0.1, deadline - time.time()))
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        kind, c = m["msg_type"], m["content"]
        if kind == "execute_result" and value is None:
            value, at = ANSI.sub("", c["data"].get("text/plain", "")).strip(), time.perf_counter()
            LATE["results after idle"] += idle
        elif kind == "stream" and c["name"] == "stdout":
            stdout.append(c["text"])
            if at is None and expect is not None and ANSI.sub("", "".join(stdout)).strip() == expect:
                at = time.perf_counter()
                LATE["results after idle"] += idle
        elif kind == "error":
            error = f"{c['ename']}: {c['evalue']}"
            break
        elif kind == "status" and c["execution_state"] == "idle":
            idle = True
            LATE["lines before idle"] = "".join(stdout).count("\n")
    out = ANSI.sub("", "".join(stdout))
    if error is not None:
        raise WrongResult(f"{code!r} raised {error}")
    if expect is not None:
        got = value if value is not None else out.strip()
        if got != expect:
            raise WrongResult(f"{code!r} gave {got!r}, expected {expect!r}")
    return value, out, at


def first_np(data_dir):
    """From spawn until a fresh kernel's first cell `np.arange(3).sum()` has its result (s)."""
    os.environ["JUPYTER_PATH"] = data_dir
    km = jupyter_client.KernelManager(kernel_name="bench-lazylab")
    t0 = time.perf_counter()
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        _, _, at = run_until_idle(kc, "np.arange(3).sum()", expect="3")
        return at - t0
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def measure(name, data_dir, rounds):
    os.environ["JUPYTER_PATH"] = data_dir
    km = jupyter_client.KernelManager(kernel_name=f"bench-{name}")
    t0 = time.perf_counter()
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    info = time.perf_counter() - t0
    LATE["results after idle"] = 0
    try:
        _, _, at = run_until_idle(kc, "1+1", expect="2")
        first = (at if at is not None else time.perf_counter()) - t0
        same, fresh, declaring = [], [], []
        # Separate loops: the same cell again (what a cache may answer), new cells, then new
        # cells that each declare a name (which later cells must see).
        for i in range(rounds):
            t = time.perf_counter(); run_until_idle(kc, "1+1", expect="2"); same.append(time.perf_counter() - t)
        for i in range(rounds):
            t = time.perf_counter(); run_until_idle(kc, f"1+{i}", expect=str(1 + i)); fresh.append(time.perf_counter() - t)
        for i in range(rounds):
            t = time.perf_counter(); run_until_idle(kc, f"const v{i} = {i}"); declaring.append(time.perf_counter() - t)
        run_until_idle(kc, f"v{rounds - 1} + 1", expect=str(rounds))  # the declarations were kept
        time.sleep(2)
        rss, pss = tree_memory(km.provisioner.process.pid)
        t = time.perf_counter()
        try:
            # Until idle and all 1,000 lines are in: a kernel may go idle before its output
            # is out (the lines it had sent by then are reported beside the time).
            _, out, _ = run_until_idle(kc, "for (let i = 0; i < 1000; i++) console.log('line ' + i)", timeout=30, lines=1000)
            lines = time.perf_counter() - t
            if out.split("\n")[:1000] != [f"line {i}" for i in range(1000)]:
                raise WrongResult("the 1,000-line cell did not print lines 0-999 in order")
            lines_ok = LATE["lines before idle"]
        except WrongResult:
            raise
        except Exception:
            lines, lines_ok = float("inf"), LATE["lines before idle"]  # never idle, or lines missing
        q = lambda xs, p: sorted(xs)[min(len(xs) - 1, int(p * len(xs)))]
        return {"first_s": first, "info_s": info, "rt_ms": statistics.median(same) * 1e3, "rt_p95_ms": q(same, 0.95) * 1e3,
                "rt_fresh_ms": statistics.median(fresh) * 1e3, "rt_decl_ms": statistics.median(declaring) * 1e3,
                "idle_rss_mb": rss / 2**20, "idle_pss_mb": pss / 2**20, "lines_s": lines, "lines_before_idle": lines_ok,
                "late_results": LATE["results after idle"]}
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def versions(scratch):
    def out(*cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip()
        except Exception as e:
            return f"? ({e.__class__.__name__})"
    pkg = lambda n: json.load(open(os.path.join(scratch, "node_modules", n, "package.json")))["version"]
    deno = out(os.path.join(scratch, "node_modules", ".bin", "deno"), "--version").split("\n")[0]
    commit = out("git", "-C", ROOT, "rev-parse", "--short", "HEAD")
    return (f"lazylab {commit} on Node {out('node', '--version')}, tslab {pkg('tslab')}, {deno} (npm deno {pkg('deno')}), "
            f"jupyter_client {jupyter_client.__version__}, Python {sys.version.split()[0]}")


def machine():
    model = re.search(r"^Model name:\s*(.+)$", subprocess.run(["lscpu"], capture_output=True, text=True).stdout, re.M)
    return f"{model.group(1).strip() if model else 'unknown CPU'}, {len(os.sched_getaffinity(0))} cores"


def load():
    return "%.2f, %.2f, %.2f" % os.getloadavg()


def node_start():
    """What NODE_EXTRA_CA_CERTS costs each Node process here (lazylab's kernel and executor, and
    tslab's, parse the file as they start; Deno does not read it): `node -e 0`, five times with the
    environment as given and five times without the variable, medians."""
    extra = os.environ.get("NODE_EXTRA_CA_CERTS")
    if not extra:
        return "NODE_EXTRA_CA_CERTS unset"
    def start(env):
        xs = []
        for _ in range(5):
            t = time.perf_counter()
            subprocess.run(["node", "-e", "0"], env=env, check=True)
            xs.append(time.perf_counter() - t)
        return statistics.median(xs)
    without = {k: v for k, v in os.environ.items() if k != "NODE_EXTRA_CA_CERTS"}
    return (f"NODE_EXTRA_CA_CERTS={extra}: `node -e 0` takes {start(os.environ):.3f} s with it, "
            f"{start(without):.3f} s without (each Node process of lazylab and tslab pays the difference; Deno does not read it)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scratch", default="/tmp/lazylab-bench")
    ap.add_argument("--runs", type=int, default=5, help="fresh kernel processes per kernel")
    ap.add_argument("--rounds", type=int, default=50)
    ap.add_argument("--kernels", default="lazylab,tslab,deno", help="comma-separated, of lazylab, tslab, deno")
    ap.add_argument("--root", help="the lazylab checkout whose dist/ is run (default: this script's)")
    a = ap.parse_args()
    global ROOT
    ROOT = os.path.abspath(a.root) if a.root else ROOT
    data_dir = ensure_peers(a.scratch)
    names = tuple(n for n in a.kernels.split(",") if n)
    if "lazylab" not in names or any(n not in ("lazylab", "tslab", "deno") for n in names):
        sys.exit(f"--kernels: lazylab and any of tslab, deno, got {a.kernels!r}")
    print(f"kernels: {a.runs} fresh processes each, taking turns, {a.rounds} rounds per cell kind")
    print(f"machine: {machine()}; load (1/5/15 min): {load()}")
    print(f"versions: {versions(a.scratch)}")
    print(f"environment: {node_start()}")
    runs = {name: [] for name in names}
    for _ in range(a.runs):
        for name in names:
            try:
                runs[name].append(measure(name, data_dir, a.rounds))
            except WrongResult as e:  # a wrong result fails the script, naming the kernel
                sys.exit(f"{name}: {e}")
        try:
            runs["lazylab"][-1]["first_np_s"] = first_np(data_dir)
        except WrongResult as e:
            sys.exit(f"lazylab: {e}")
    print(f"load after (1/5/15 min): {load()}")
    cols = [("first_s", "first 1+1 result after spawn (s)"), ("first_np_s", "first np.arange(3).sum() result after spawn (s)"), ("info_s", "first kernel_info_reply after spawn (s)"),
            ("rt_ms", "1+1 round trip, median (ms)"), ("rt_p95_ms", "1+1 round trip, p95 (ms)"),
            ("rt_fresh_ms", "new cell 1+i, median (ms)"), ("rt_decl_ms", "declaring cell, median (ms)"),
            ("idle_rss_mb", "idle RSS of the tree (MB)"), ("idle_pss_mb", "idle PSS of the tree (MB)"),
            ("lines_s", "1,000 lines: until all printed and idle (s)"), ("lines_before_idle", "of the 1,000 lines, received before idle"),
            ("late_results", "cells whose value came after their idle status")]
    fmt = lambda xs: "%.3f (%.3f-%.3f)" % (statistics.median(xs), min(xs), max(xs))
    for key, label in cols:
        print(label)
        for name in names:
            xs = [r[key] for r in runs[name] if key in r]
            if not xs:
                continue
            print(f"  {name:8} {fmt(xs):>26}   runs: " + " / ".join("%.3f" % x for x in xs))
    med = {name: {k: statistics.median(r[k] for r in runs[name]) for k, _ in cols if k in runs[name][0]} for name in names}
    l = med["lazylab"]
    for peer in (n for n in ("deno", "tslab") if n in names):
        p = med[peer]
        print(f"ratio {peer}/lazylab of the medians (>1 means lazylab is better): first result {p['first_s']/l['first_s']:.2f}, "
              f"kernel_info {p['info_s']/l['info_s']:.2f}, round trip {p['rt_ms']/l['rt_ms']:.2f} "
              f"(new cells {p['rt_fresh_ms']/l['rt_fresh_ms']:.2f}, declaring cells {p['rt_decl_ms']/l['rt_decl_ms']:.2f}), "
              f"idle RSS {p['idle_rss_mb']/l['idle_rss_mb']:.2f} (PSS {p['idle_pss_mb']/l['idle_pss_mb']:.2f}), "
              f"1000 lines {p['lines_s']/l['lines_s']:.2f}")


if __name__ == "__main__":
    main()
