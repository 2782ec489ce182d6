#!/usr/bin/python3
"""lazylab vs tslab vs deno, measured in one run with Debian's jupyter_client.

    bench/kernel.py [--scratch DIR] [--runs N] [--rounds N] [--kernels lazylab,tslab,deno]

tslab and deno are installed from npm into DIR (default /tmp/lazylab-bench) if missing, and
their kernelspecs are written under DIR, not into the user's Jupyter directories. Prints, per
kernel: start to first kernel_info_reply, start to the first `1+1` result (what the user waits
for: process spawn until the cell's first output), `1+1` round trip (median, p95; and `1+i`, which no
cache can answer; `const v_i = i`, new cells that declare), idle RSS and PSS of the kernel's
process tree, time to print 1,000 lines.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

import jupyter_client
import psutil

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def ensure_peers(scratch):
    os.makedirs(scratch, exist_ok=True)
    if not os.path.exists(os.path.join(scratch, "node_modules", "tslab")) or not os.path.exists(os.path.join(scratch, "node_modules", "deno")):
        subprocess.run(["npm", "init", "-y"], cwd=scratch, check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["npm", "install", "tslab@1.0.22", "deno@2.9.6"], cwd=scratch, check=True)
    kernels = os.path.join(scratch, "share", "jupyter", "kernels")
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
    return os.path.join(scratch, "share", "jupyter")


def tree_memory(pid):
    """RSS and PSS summed over the kernel's process tree. RSS counts pages shared between the
    processes (the node binary, for a kernel with an executor) once per process; PSS splits them."""
    try:
        p = psutil.Process(pid)
        infos = [q.memory_full_info() for q in [p] + p.children(recursive=True)]
        return sum(i.rss for i in infos), sum(i.pss for i in infos)
    except psutil.Error:
        return float("nan"), float("nan")


def run_until_idle(kc, code, timeout=60):
    msg_id = kc.execute(code)
    deadline = time.time() + timeout
    while True:
        m = kc.get_iopub_msg(timeout=max(0.1, deadline - time.time()))
        if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
            return


def first_output(kc, code, timeout=60):
    """Waits for the first output of a new cell: its execute_result, or what it printed (tslab
    shows a cell's value on stdout), or an error. Returns the message type."""
    msg_id = kc.execute(code)
    deadline = time.time() + timeout
    while True:
        m = kc.get_iopub_msg(timeout=max(0.1, deadline - time.time()))
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        if m["msg_type"] in ("execute_result", "stream", "display_data", "error"):
            # The rest of the cell's messages, so the next cell starts from a quiet kernel.
            while not (m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "status" and m["content"]["execution_state"] == "idle"):
                m = kc.get_iopub_msg(timeout=max(0.1, deadline - time.time()))
            return


def measure(name, data_dir, rounds):
    os.environ["JUPYTER_PATH"] = data_dir
    km = jupyter_client.KernelManager(kernel_name=f"bench-{name}")
    t0 = time.perf_counter()
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    start = time.perf_counter() - t0
    try:
        # What the user waits for: spawn to the first `1+1` result (the first kernel_info_reply
        # above comes first, for every kernel alike).
        t = time.perf_counter()
        first_output(kc, "1+1")
        first = start + (time.perf_counter() - t)
        same, fresh, declaring = [], [], []
        # Separate loops: the same cell again (what a cache may answer), new cells, then new
        # cells that each declare a name (which later cells must see).
        for i in range(rounds):
            t = time.perf_counter(); run_until_idle(kc, "1+1"); same.append(time.perf_counter() - t)
        for i in range(rounds):
            t = time.perf_counter(); run_until_idle(kc, f"1+{i}"); fresh.append(time.perf_counter() - t)
        for i in range(rounds):
            t = time.perf_counter(); run_until_idle(kc, f"const v{i} = {i}"); declaring.append(time.perf_counter() - t)
        time.sleep(2)
        rss, pss = tree_memory(km.provisioner.process.pid)
        t = time.perf_counter()
        try:
            run_until_idle(kc, "for (let i = 0; i < 1000; i++) console.log('line ' + i)", timeout=30)
            lines = time.perf_counter() - t
        except Exception:
            lines = float("inf")  # never went idle
        q = lambda xs, p: sorted(xs)[min(len(xs) - 1, int(p * len(xs)))]
        return {"start_s": start, "first_s": first, "rt_ms": statistics.median(same) * 1e3, "rt_p95_ms": q(same, 0.95) * 1e3,
                "rt_fresh_ms": statistics.median(fresh) * 1e3, "rt_decl_ms": statistics.median(declaring) * 1e3,
                "idle_rss_mb": rss / 2**20, "idle_pss_mb": pss / 2**20, "lines_s": lines}
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scratch", default="/tmp/lazylab-bench")
    ap.add_argument("--runs", type=int, default=3, help="kernel starts per kernel (medians reported)")
    ap.add_argument("--rounds", type=int, default=50)
    ap.add_argument("--kernels", default="lazylab,tslab,deno", help="which kernels, comma-separated")
    a = ap.parse_args()
    data_dir = ensure_peers(a.scratch)
    results = {}
    runs = {name: [] for name in a.kernels.split(",")}
    # The kernels take turns, so a machine whose load changes meanwhile weighs on all alike.
    for _ in range(a.runs):
        for name in runs:
            try:
                runs[name].append(measure(name, data_dir, a.rounds))
            except Exception as e:  # a peer that fails is reported, not hidden
                print(f"{name}: failed: {e!r}", file=sys.stderr)
    for name, rs in runs.items():
        if rs:
            results[name] = {k: statistics.median(r[k] for r in rs) for k in rs[0]}
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    cols = ["start_s", "first_s", "rt_ms", "rt_p95_ms", "rt_fresh_ms", "rt_decl_ms", "idle_rss_mb", "idle_pss_mb", "lines_s"]
    print("%-8s " % "kernel" + " ".join("%12s" % c for c in cols))
    for name, r in results.items():
        print("%-8s " % name + " ".join("%12.3f" % r[c] for c in cols))
    if "lazylab" in results:
        for peer in ("deno", "tslab"):
            if peer in results:
                l, p = results["lazylab"], results[peer]
                print(f"ratio {peer}/lazylab (>1 means lazylab is better): start {p['start_s']/l['start_s']:.2f}, "
                      f"first 1+1 result {p['first_s']/l['first_s']:.2f}, "
                      f"round trip {p['rt_ms']/l['rt_ms']:.2f} (fresh cells {p['rt_fresh_ms']/l['rt_fresh_ms']:.2f}, "
                      f"declaring cells {p['rt_decl_ms']/l['rt_decl_ms']:.2f}), idle RSS {p['idle_rss_mb']/l['idle_rss_mb']:.2f} "
                      f"(PSS {p['idle_pss_mb']/l['idle_pss_mb']:.2f}), 1000 lines {p['lines_s']/l['lines_s']:.2f}")


if __name__ == "__main__":
    main()
