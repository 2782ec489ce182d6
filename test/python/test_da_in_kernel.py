"""lib/da inside the real kernel: the interrupt cancels a running compute (in the notebook's
thread and on worker threads) and the kernel goes on; long computes show a progress display
updated in place with update_display_data."""
import re
import time
import unittest

from kernel_client import KernelTestCase

SLOW = "const spin = (ms: number) => { const t = performance.now(); while (performance.now() - t < ms); };\n"


class DaInKernel(KernelTestCase):
    fresh_kernel_per_test = True

    def interrupt_after(self, code, seconds):
        msg_id = self.k.kc.execute(code)
        time.sleep(seconds)
        t = time.time()
        self.k.km.interrupt_kernel()
        reply = self.k.shell_reply(msg_id, timeout=20)
        return reply, time.time() - t, self.k.iopub_until_idle(msg_id, 20)

    def test_interrupt_cancels_an_in_thread_compute_and_frees_its_chunks(self):
        self.run_ok(SLOW + "da.setProgress(false); let calls = 0;\n"
                    "const slow = da.ones([400, 1000], { chunks: [1, 1000] }).mapBlocks((b) => (calls++, spin(25), b)).mul(2);\n"
                    "da.releasePool(); const returned0 = da.poolInfo().returned;")
        reply, took, _ = self.interrupt_after("const r = await slow.compute();", 1.0)
        self.assertEqual(reply["content"]["ename"], "Interrupted")
        self.assertLess(took, 2.0)
        time.sleep(0.5)
        _, msgs = self.k.run("console.log(calls, da.poolInfo().returned - returned0)")
        calls, returned = map(int, self.k.text(msgs).split())
        # It stopped where it was (10 s of work), and stays stopped; its chunks are in the pool.
        self.assertLess(calls, 200)
        self.assertGreaterEqual(returned, calls - 1)
        time.sleep(0.5)
        _, msgs = self.k.run("calls")
        self.assertEqual(int(self.k.text(msgs)), calls)
        _, msgs = self.k.run("(await slow.get('0:2, 0:3').compute()).tolist()")
        self.assertEqual(self.k.text(msgs).replace(" ", ""), "[[2,2,2],[2,2,2]]")

    def test_interrupt_cancels_worker_tasks_and_the_pool_goes_on(self):
        self.run_ok("da.setPoolSize(2); da.setProgress(false);\n"
                    "const big = da.random.defaultRng(1).standardNormal([40000, 40000], { chunks: [4000, 4000] }).pow(2).sum();")
        reply, took, _ = self.interrupt_after("await big.compute()", 1.0)
        self.assertEqual(reply["content"]["ename"], "Interrupted")
        self.assertLess(took, 2.0)
        # The workers were stopped: a new compute is not queued behind 100 old tasks.
        t = time.time()
        msgs = self.run_ok("const y = da.random.defaultRng(2).standardNormal([4000, 1000], { chunks: [1000, 1000] });\n"
                           "Math.abs((await y.pow(2).sum().compute()).item() - ((await y.compute()).pow(2).sum() as number)) < 1e-6")
        self.assertEqual(self.k.text(msgs), "true")
        self.assertLess(time.time() - t, 5.0)

    def test_progress_is_one_display_updated_in_place(self):
        msgs = self.run_ok(SLOW + "da.setProgress({ after: 0.3 });\n"
                           "const p = da.ones([60, 10], { chunks: [1, 10] }).mapBlocks((b) => (spin(25), b));\n"
                           "(await p.sum().compute()).item()")
        displays = [m for m in msgs if m["msg_type"] == "display_data"]
        updates = [m for m in msgs if m["msg_type"] == "update_display_data"]
        self.assertEqual(len(displays), 1, [m["msg_type"] for m in msgs])
        did = displays[0]["content"]["transient"]["display_id"]
        self.assertGreaterEqual(len(updates), 2)
        self.assertTrue(all(u["content"]["transient"]["display_id"] == did for u in updates))
        done = [int(re.search(r"\| (\d+)/60 tasks", m["content"]["data"]["text/plain"]).group(1)) for m in displays + updates]
        self.assertEqual(done, sorted(done))
        self.assertLess(done[0], 60)
        self.assertEqual(done[-1], 60)
        self.assertIn("<progress", updates[-1]["content"]["data"]["text/html"])
        self.assertEqual(self.k.text([m for m in msgs if m["msg_type"] == "execute_result"]), "600")
        # A fast compute shows nothing.
        msgs = self.run_ok("(await da.ones([10, 10], { chunks: 5 }).sum().compute()).item()")
        self.assertEqual([m["msg_type"] for m in msgs if "display" in m["msg_type"]], [])


if __name__ == "__main__":
    unittest.main()
