"""sys.getrefcount and retainers(x) in the kernel, compared with CPython's sys.getrefcount for
the same constructions (run here, in Debian's Python with NumPy)."""
import subprocess
import sys
import unittest

from kernel_client import KernelTestCase

# The same steps in Python and in a notebook cell, each followed by the count of `a`'s references.
STEPS = [
    ("a = np.zeros(3)", "let a = np.zeros(3);"),
    ("l = [a]", "let l = [a];"),
    ("b = a", "let b = a;"),
    ("d = {'k': a, 'j': a}", "let d = { k: a, j: a };"),
    ("def mk(x):\n    return lambda: x\ng = mk(a)", "const mk = (x: np.NDArray) => () => x;\nlet g = mk(a);"),
    ("del b", "del('b');"),
    ("l.append(a)", "l.push(a);"),
    ("del d", "del('d');"),
]


def cpython_counts():
    code = "import sys\nimport numpy as np\ncounts = []\n"
    for py, _ in STEPS:
        code += py + "\ncounts.append(sys.getrefcount(a))\n"
    code += "print(counts)\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return [int(n) for n in out.strip()[1:-1].split(",")]


class RefCount(KernelTestCase):
    def test_counts_agree_with_cpython_for_variables_containers_and_closures(self):
        ours = []
        for _, ts in STEPS:
            self.run_text(ts)
            ours.append(int(self.run_text("sys.getrefcount(a)")))
        self.assertEqual(ours, cpython_counts())

    def test_lazy_arrays_and_xr_objects_are_counted_and_primitives_refused(self):
        self.run_text("let ra = np.ones([4, 4]);\nlet rl = da.fromArray(ra, { chunks: [2, 2] });")
        # The array: its variable, the lazy array's graph and the argument.
        self.assertEqual(self.run_text("sys.getrefcount(ra)"), "3")
        self.assertEqual(self.run_text("sys.getrefcount(rl)"), "2")
        self.run_text("let rp = rl.pow(2);")
        self.assertEqual(self.run_text("sys.getrefcount(rl)"), "3")
        self.run_text("let rx = new xr.DataArray(np.zeros([2, 3]), ['y', 'x']);")
        self.assertEqual(self.run_text("sys.getrefcount(rx)"), "2")
        reply, _ = self.k.run("sys.getrefcount(3 as unknown as object)")
        self.assertEqual(reply["content"]["ename"], "TypeError")
        self.assertIn("must be an object (an np array, a lazy array", reply["content"]["evalue"])

    def test_retainers_of_a_lazy_array(self):
        self.run_text("let sa = np.ones([4, 4]);\nlet sl = da.fromArray(sa, { chunks: [2, 2] });\nlet sp = sl.pow(2);")
        out = self.run_text("retainers(sl)")
        self.assertIn("variable sl: is the lazy array", out)
        self.assertIn("variable sp: a lazy array built on it", out)
        reply, _ = self.k.run("retainers({} as np.NDArray)")
        self.assertEqual(reply["content"]["ename"], "TypeError")
        self.assertIn("np array or a lazy array", reply["content"]["evalue"])


if __name__ == "__main__":
    unittest.main()
