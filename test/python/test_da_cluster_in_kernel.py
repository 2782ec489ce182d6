"""da.connect in the real kernel: a cell connects to a LocalCluster (two worker processes on
the loopback), computes there with lazylab's random draws (checked against NumPy drawing the
same per-block streams), and the kernel's interrupt cancels a cluster compute; the bridge
process ends with da.disconnect()."""
import json
import os
import subprocess
import sys
import time

import numpy as np

from kernel_client import KernelTestCase

HERE = os.path.dirname(os.path.abspath(__file__))


class DaClusterInKernel(KernelTestCase):
    fresh_kernel_per_test = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cluster = subprocess.Popen([sys.executable, os.path.join(HERE, "local_cluster.py")], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        cls.address = json.loads(cls.cluster.stdout.readline())["address"]

    @classmethod
    def tearDownClass(cls):
        cls.cluster.stdin.close()
        try:
            cls.cluster.wait(20)
        except subprocess.TimeoutExpired:
            cls.cluster.kill()
        cls.cluster.stdout.close()
        super().tearDownClass()

    def bridges(self, parent):
        out = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                with open(f"/proc/{pid}/stat") as f:
                    stat = f.read()
                ppid = int(stat[stat.rindex(")") + 2:].split()[1])
                if ppid != parent:
                    continue
                with open(f"/proc/{pid}/cmdline") as f:
                    if "lazylab_bridge.py" in f.read():
                        out.append(int(pid))
            except OSError:
                pass
        return out

    def test_a_cell_computes_on_the_cluster_with_lazylabs_draws(self):
        info = json.loads(self.run_text(f'console.log((await da.connect("{self.address}")).workers.length)'))
        self.assertEqual(info, 2)
        executor = self.k.executor_pid()
        self.assertEqual(len(self.bridges(executor)), 1)
        got = json.loads(self.run_text("da.setProgress(false);\n"
                                     "const r = da.random.defaultRng(4).standardNormal([60, 40], { chunks: [20, 20] });\n"
                                     "console.log(JSON.stringify({ seed: (r.node as any).stream.seed, sums: (await r.sum({ axis: 0 }).compute()).tolist() }))"))
        # NumPy draws each block from SeedSequence([seed, flat block index]), as lazylab does.
        blocks = [[np.random.default_rng([got["seed"], i * 2 + j]).standard_normal((20, 20)) for j in range(2)] for i in range(3)]
        expected = np.block(blocks).sum(axis=0)
        np.testing.assert_allclose(got["sums"], expected, rtol=1e-12)
        self.run_text("await da.disconnect()")
        time.sleep(0.5)
        self.assertEqual(self.bridges(executor), [])

    def test_the_interrupt_cancels_a_cluster_compute(self):
        self.run_text(f'await da.connect("{self.address}"); da.setProgress(false);\n'
                    "const big = da.random.defaultRng(1).standardNormal([8000, 8000], { chunks: [500, 500] }).sum();")
        msg_id = self.k.kc.execute("await big.compute()")
        time.sleep(1.0)
        t = time.time()
        self.k.km.interrupt_kernel()
        reply = self.k.shell_reply(msg_id, timeout=20)
        self.assertEqual(reply["content"]["ename"], "Interrupted")
        self.assertLess(time.time() - t, 3.0)
        self.assertEqual(self.run_text("(await da.ones([5], { chunks: 2 }).sum().compute()).item()"), "5")
        self.run_text("await da.disconnect()")
