"""Soak (issue 9): mixed cells for LAZYLAB_SOAK_SECONDS (180 in the test suite; `npm run soak`
runs 3600) while the resident memory, file descriptors and threads of both processes (kernel
and executor) are sampled. After a warm-up (the first third, at least 30 s), RSS may drift at
most 5 %, and no descriptor, thread or temporary file may accumulate.

Cells, in turn: an eager np array (its sum checked against NumPy for the same seed), a lazy da
array reduced with compute, 50 printed lines, a display, and a cell that throws.
"""
import os
import re
import statistics
import tempfile
import time
import unittest

import numpy as np

import figures
from kernel_client import Kernel

SECONDS = float(os.environ.get("LAZYLAB_SOAK_SECONDS", "180"))
WARM_UP = max(30.0, SECONDS / 3)
DRIFT_LIMIT = 0.05
SAMPLE_EVERY = 2.0


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+) kB", f.read()).group(1)) / 1024


def counts(pid):
    return len(os.listdir(f"/proc/{pid}/fd")), len(os.listdir(f"/proc/{pid}/task"))


class Soak(unittest.TestCase):
    def test_mixed_cells_do_not_leak(self):
        tmp = tempfile.mkdtemp(prefix="lazylab-soak-tmp-")
        k = Kernel(env={"TMPDIR": tmp})
        try:
            executor = k.executor_pid()
            procs = {"kernel": k.pid, "executor": executor}
            samples = []  # (t, {name: (rss, fds, threads)})
            cells = {"eager": 0, "lazy": 0, "print": 0, "display": 0, "error": 0}
            t0 = time.time()
            last_sample = 0.0
            i = 0
            while time.time() - t0 < SECONDS:
                i += 1
                kind = ("eager", "lazy", "print", "display", "error")[i % 5]
                if kind == "eager":
                    reply, msgs = k.run(f"const rng = np.random.defaultRng({i}); const eager = rng.standardNormal([400, 400]); eager.mul(eager).sum()")
                    e = np.random.default_rng(i).standard_normal((400, 400))
                    self.assertAlmostEqual(float(k.text(msgs)), float((e * e).sum()), delta=1e-6 * float((e * e).sum()))
                elif kind == "lazy":
                    reply, msgs = k.run(f"const lazy = da.random.defaultRng({i}).standardNormal([1000, 1000], {{ chunks: [250, 250] }}); await lazy.pow(2).sum().compute()", timeout=60)
                    total = float(re.match(r"array\((.*)\)", k.text(msgs)).group(1))
                    self.assertLess(abs(total - 1e6), 10_000, "a sum of 1e6 squared standard normals")
                elif kind == "print":
                    reply, msgs = k.run(f'for (let j = 0; j < 50; j++) console.log("soak {i} line", j)')
                    self.assertEqual(k.text(msgs), "".join(f"soak {i} line {j}\n" for j in range(50)))
                elif kind == "display":
                    reply, msgs = k.run(f'display("soak {i}");\n[{i}, "{i}"]')
                    self.assertEqual(k.text(msgs).replace(" ", ""), f"'soak{i}'[{i},'{i}']")
                else:
                    reply, msgs = k.run(f'throw new RangeError("soak {i}")')
                    self.assertEqual((reply["content"]["ename"], reply["content"]["evalue"]), ("RangeError", f"soak {i}"))
                if kind != "error":
                    self.assertEqual(reply["content"]["status"], "ok", reply["content"])
                cells[kind] += 1
                now = time.time() - t0
                if now - last_sample >= SAMPLE_EVERY:
                    last_sample = now
                    samples.append((now, {name: (rss_mb(pid), *counts(pid)) for name, pid in procs.items()}))
                    if os.environ.get("LAZYLAB_SOAK_TRACE"):
                        with open(os.environ["LAZYLAB_SOAK_TRACE"], "a") as f:
                            f.write(f"{now:.1f} {i} " + " ".join(f"{n}={v[0]:.1f}/{v[1]}/{v[2]}" for n, v in samples[-1][1].items()) + "\n")
            self.assertEqual(k.executor_pid(), executor, "the executor was replaced during the soak")
            leftovers = os.listdir(tmp)
            self.assertEqual(leftovers, [], "temporary files left behind")

            after = [s for t, s in samples if t >= WARM_UP]
            self.assertGreaterEqual(len(after), 6, "too few samples after the warm-up")
            window = max(3, len(after) // 5)
            first, last = after[:window], after[-window:]
            lines = []
            for name in procs:
                base = statistics.median(s[name][0] for s in first)
                end = statistics.median(s[name][0] for s in last)
                drift = (end - base) / base
                fds0, fds1 = max(s[name][1] for s in first), max(s[name][1] for s in last)
                th0, th1 = max(s[name][2] for s in first), max(s[name][2] for s in last)
                lines.append(f"| {name} | {base:.1f} | {end:.1f} | {drift * 100:+.2f} % | {fds0} → {fds1} | {th0} → {th1} |")
                self.assertLessEqual(drift, DRIFT_LIMIT, f"{name} RSS drifted {drift * 100:.1f} % ({base:.1f} → {end:.1f} MB)")
                self.assertLessEqual(fds1, fds0, f"{name} file descriptors grew {fds0} → {fds1}")
                self.assertLessEqual(th1, th0, f"{name} threads grew {th0} → {th1}")
            total = sum(cells.values())
            figures.record("soak", [
                f"- {SECONDS / 60:.0f} min, **{total:,} cells** ({', '.join(f'{n} {kind}' for kind, n in cells.items())}), "
                f"{len(samples)} samples every {SAMPLE_EVERY:.0f} s; warm-up {WARM_UP:.0f} s; medians of the first and last {window} samples after it.",
                "",
                "| process | RSS after warm-up (MB) | RSS at the end (MB) | drift (limit +5 %) | fds | threads |",
                "|---|---|---|---|---|---|",
                *lines,
                "",
                f"- Temporary files left in the kernel's TMPDIR: {len(leftovers)}; executor replaced: no.",
            ])
        finally:
            k.close()
            try:
                os.rmdir(tmp)
            except OSError:
                pass


if __name__ == "__main__":
    unittest.main()
