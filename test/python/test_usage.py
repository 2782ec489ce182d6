"""usage_request (JupyterLab's kernel-usage panel) against Debian's ipykernel, through jupyter_client."""
import time
import unittest

import psutil

from kernel_client import Kernel


class Usage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.k = Kernel()
        cls.py = Kernel(name="python3")

    @classmethod
    def tearDownClass(cls):
        cls.k.close()
        cls.py.close()

    def usage(self, kernel):
        # Twice, a moment apart: psutil's first host cpu_percent is 0.0 and ipykernel then
        # leaves host_cpu_percent out; the second has every field.
        kernel.control_request("usage_request")
        time.sleep(0.3)
        return kernel.control_request("usage_request", timeout=10)

    def test_usage_reply_has_ipykernels_fields_and_types(self):
        ours = self.usage(self.k)
        theirs = self.usage(self.py)
        self.assertEqual(ours["msg_type"], "usage_reply")
        self.assertEqual(theirs["msg_type"], "usage_reply")
        o, t = ours["content"], theirs["content"]
        # host_cpu_percent is left out by both when the host was idle between the two requests.
        self.assertEqual(set(o) - {"host_cpu_percent"}, set(t) - {"host_cpu_percent"})
        for key in t:
            if key in o:
                self.assertIsInstance(o[key], (int, float) if isinstance(t[key], (int, float)) else type(t[key]), key)
        self.assertEqual(list(o["host_virtual_memory"]), list(t["host_virtual_memory"]))
        self.assertEqual(list(o["host_virtual_memory"]), list(psutil.virtual_memory()._fields))
        self.assertEqual(o["cpu_count"], psutil.cpu_count(logical=True))
        self.assertEqual(o["hostname"], t["hostname"])

    def test_usage_reply_describes_the_executor(self):
        pid = self.k.executor_pid()
        reply, msgs = self.k.run("(globalThis as any).usageBlock = new Float64Array(8_000_000).fill(1); 0")
        self.assertEqual(reply["content"]["status"], "ok", self.k.text(msgs) or reply["content"])
        o = self.usage(self.k)["content"]
        self.assertEqual(o["pid"], pid)
        rss = psutil.Process(pid).memory_info().rss
        self.assertLessEqual(abs(o["kernel_memory"] - rss), 0.1 * rss, (o["kernel_memory"], rss))
        self.assertGreater(o["kernel_memory"], 64 * 2**20)
        self.assertGreaterEqual(o["kernel_cpu"], 0)
        total = psutil.virtual_memory().total
        self.assertEqual(o["host_virtual_memory"]["total"], total)


if __name__ == "__main__":
    unittest.main()
