"""The preloaded library inside the real kernel: memory figures, del, retainers, trackCells,
completion and inspection of library members."""
import os
import re
import time
import unittest

from kernel_client import Kernel

CHANGE = re.compile(r"change in available memory: (-?\d+\.\d+) MB")
DIST_LIB = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "dist", "lib")


def declaration(dts, name):
    """The TSDoc text and the signature (after the name) of `name` in a built .d.ts of the library."""
    with open(os.path.join(DIST_LIB, dts)) as f:
        text = f.read()
    m = re.search(r"/\*\*((?:(?!\*/).)*)\*/\s*(?:export declare function |    )" + name + r"(\(.*?\)[^;{]*?);\n", text, re.S)
    doc = " ".join(" ".join(line.strip().lstrip("*").split()) for line in m.group(1).splitlines()).strip()
    return doc, " ".join(m.group(2).split())


class LibraryInKernel(unittest.TestCase):
    def setUp(self):
        self.k = Kernel()

    def tearDown(self):
        self.k.close()

    def run_ok(self, code):
        reply, msgs = self.k.run(code, timeout=60)
        self.assertEqual(reply["content"]["status"], "ok", self.k.text(msgs))
        return self.k.text(msgs)

    def delta(self, code):
        """Change in available memory (MB) across `code`, from psutil in the same cell."""
        out = self.run_ok(f"const __a0 = psutil.virtualMemory().available;\n{code}\nconsole.log('delta', (psutil.virtualMemory().available - __a0) / 2**20);")
        return float(re.search(r"delta (\S+)", out).group(1))

    def test_memory_figures_of_eager_and_lazy_arrays(self):
        self.assertAlmostEqual(self.delta("let a = np.random.defaultRng().standardNormal([1000, 1000]);"), -7.63, delta=0.25)
        self.assertAlmostEqual(self.delta("let la = da.fromArray(a, { chunks: [100, 100] }).pow(2);"), 0.0, delta=0.05)
        self.assertAlmostEqual(self.delta("let blk = await la.get('0:100, :').compute();"), -1.53, delta=0.25)
        self.assertAlmostEqual(self.delta("del('blk');"), 0.0, delta=0.05)
        self.assertAlmostEqual(self.delta("da.releasePool();"), 1.53, delta=0.1)
        # a is still held by the lazy array: deleting it frees nothing; dropping both frees it.
        self.assertAlmostEqual(self.delta("del('a');"), 0.0, delta=0.05)
        self.assertAlmostEqual(self.delta("del('la');"), 7.63, delta=0.25)

    def test_del_then_rebind_like_python(self):
        self.run_ok("let v = np.zeros(3);")
        self.run_ok("del('v');\nv = np.ones(2);")
        self.assertIn("array([1., 1.])", self.run_ok("v"))
        self.run_ok("del('v');")
        reply, msgs = self.k.run("v")
        self.assertEqual(reply["content"]["status"], "error")
        # The type checker already knows the name is gone (TS2304), before anything runs.
        self.assertRegex(reply["content"]["evalue"], r"Cannot find name 'v'|name 'v' is not defined")

    def test_retainers_name_the_holders(self):
        self.run_ok("let r = np.arange(1000000, undefined, undefined, { dtype: 'float64' });\nlet lr = da.fromArray(r, { chunks: 100000 });")
        self.run_ok("r.get('0:3')")
        out = self.run_ok("retainers(r)")
        self.assertIn("variable r: is the array", out)
        self.assertIn("variable lr: a lazy array reading it", out)
        self.assertRegex(out, r"Out\[\d+\]: a view of it, shape \(3\)")

    def test_track_cells_appends_each_cells_memory_change(self):
        self.run_ok("memory.trackCells(true);")
        out = self.run_ok("let t = np.zeros([1000, 1000]);")
        self.assertAlmostEqual(float(CHANGE.search(out).group(1)), -7.63, delta=0.25)
        out = self.run_ok("del('t');")
        self.assertAlmostEqual(float(CHANGE.search(out).group(1)), 7.63, delta=0.25)
        self.run_ok("memory.trackCells(false);")
        self.assertIsNone(CHANGE.search(self.run_ok("const q = 1;")))

    def test_completion_and_inspection_of_library_members(self):
        msg_id = self.k.kc.complete("np.ra", 5)
        reply = self.k.shell_reply(msg_id)
        self.assertIn("random", reply["content"]["matches"])
        self.run_ok("const arr = np.zeros(3);")
        code = "arr.res"
        reply = self.k.shell_reply(self.k.kc.complete(code, len(code)))
        self.assertIn("reshape", reply["content"]["matches"])
        code = "da.fromArray"
        reply = self.k.shell_reply(self.k.kc.inspect(code, len(code)))
        text = reply["content"]["data"].get("text/plain", "")
        self.assertIn("fromArray", text)
        self.assertIn("lazy array", text)

    def types_of(self, code):
        reply = self.k.shell_reply(self.k.kc.complete(code, len(code)))
        entries = reply["content"]["metadata"]["_jupyter_types_experimental"]
        self.assertEqual([e["text"] for e in entries], reply["content"]["matches"])
        return {e["text"]: e for e in entries}

    def test_completion_metadata_has_types_and_signatures_from_the_library(self):
        self.run_ok("const arr = np.zeros([2, 3]);")
        for code, dts, name, kind in [("np.", "np/creation.d.ts", "zeros", "function"),
                                      ("da.", "da/index.d.ts", "fromArray", "function"),
                                      ("arr.", "np/ndarray.d.ts", "reshape", "method"),
                                      ("arr.", "np/ndarray.d.ts", "sum", "method")]:
            entry = self.types_of(code)[name]
            self.assertEqual(entry["type"], kind, entry)
            self.assertEqual(" ".join(entry["signature"].split()), declaration(dts, name)[1], entry)
        self.assertEqual(self.types_of("arr.")["shape"]["type"], "property")
        self.assertEqual(self.types_of("ar")["arr"]["type"], "variable")
        self.assertEqual(self.types_of("psutil.")["Pmem"]["type"], "class")

    def test_inspect_shows_the_tsdoc_of_library_functions(self):
        for code, dts, name in [("np.zeros", "np/creation.d.ts", "zeros"), ("da.fromArray", "da/index.d.ts", "fromArray"),
                                ("psutil.virtualMemory", "psutil/index.d.ts", "virtualMemory")]:
            reply = self.k.shell_reply(self.k.kc.inspect(code, len(code)))
            text = reply["content"]["data"].get("text/plain", "")
            doc, signature = declaration(dts, name)
            self.assertIn(doc, " ".join(text.split()), text)
            self.assertIn(name + signature.split(")")[0], " ".join(text.split()), text)

    def test_inspect_shows_signature_and_tsdoc_of_earlier_cells_declarations(self):
        doc_f, doc_c = "Joins a label and an array's shape.", "How many rows the notebook uses."
        self.run_ok(f"/** {doc_f} */\nfunction label(name: string, a = np.zeros(2)): string {{ return name + a.shape }}")
        self.run_ok(f"/** {doc_c} */\nconst rows = np.arange(4);")
        # Right after the cells (their declarations are recent ones), then once the kernel has
        # had idle time to write them into its history.
        for when in ("recent", "after idle"):
            for code, signature, doc in [("label", "function label(name: string, a?: NDArray): string", doc_f),
                                         ("rows", "const rows: NDArray", doc_c)]:
                reply = self.k.shell_reply(self.k.kc.inspect(code, len(code)))
                self.assertTrue(reply["content"]["found"], (when, reply["content"]))
                text = reply["content"]["data"].get("text/plain", "")
                self.assertEqual(text.split("\n")[0], signature, (when, text))
                self.assertIn(doc, text, (when, text))
            time.sleep(1)

    def test_type_errors_in_library_calls_are_reported_before_running(self):
        reply, msgs = self.k.run("np.zeros('a')")
        self.assertEqual(reply["content"]["status"], "error")
        self.assertTrue(reply["content"]["ename"].startswith("TS"), reply["content"])


if __name__ == "__main__":
    unittest.main()
