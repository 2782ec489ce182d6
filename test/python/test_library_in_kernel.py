"""The preloaded library inside the real kernel: memory figures, del, retainers, trackCells,
tracemalloc, completion and inspection of library members."""
import json
import os
import re
import subprocess
import sys
import time
import unittest

from kernel_client import KernelTestCase

CHANGE = re.compile(r"change in available memory: (-?\d+\.\d+) MB")
DIST = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "dist")
DIST_LIB = os.path.join(DIST, "lib")

# A memory lesson with tracemalloc, step by step: Python, the kernel's cell, and the cell as a
# script runs it where `del` is not there (test/tracemalloc.test.ts runs the same in more cases).
TRACEMALLOC_LESSON = [
    ("e = np.ones((1000, 1000))", "let e = np.ones([1000, 1000]);", None),
    ("tracemalloc.start(); a = np.ones((1000, 1000)); b = a * 2", "tracemalloc.start(); let a = np.ones([1000, 1000]); let b = a.mul(2);", None),
    ("del b; c = (a * 2).sum()", "del('b'); let c = a.mul(2).sum();", "b = undefined; let c = a.mul(2).sum();"),
    ("tracemalloc.reset_peak(); x = (a * 3).mean()", "tracemalloc.resetPeak(); let x = a.mul(3).mean();", None),
    ("tracemalloc.reset_peak()\nfor i in range(10): t = a * 2", "tracemalloc.resetPeak(); let t = a.mul(2); for (let i = 0; i < 9; i++) t = a.mul(2);", None),
    ("tracemalloc.stop()", "tracemalloc.stop();", None),
]
TRACEMALLOC_READING = "[...tracemalloc.getTracedMemory(), tracemalloc.isTracing()]"


def tracemalloc_lesson_in_a_script():
    """The readings after each step, in a process started as the kernel starts its executor."""
    steps = "\n".join(f"{script or cell}\nout.push({TRACEMALLOC_READING});" for _, cell, script in TRACEMALLOC_LESSON)
    script = f"const {{ np, tracemalloc, warmUp }} = require({json.dumps(DIST_LIB)}); warmUp(); const out = [];\n{steps}\nconsole.log(JSON.stringify(out));"
    runner = f"require({json.dumps(os.path.join(DIST, 'test', 'executor-process.js'))}).runLikeExecutor(['-e', {json.dumps(script)}], 'the lesson').then((r) => console.log(JSON.stringify(r)))"
    return json.loads(subprocess.run(["node", "-e", runner], check=True, capture_output=True, text=True).stdout)


def tracemalloc_lesson_in_python():
    """The readings after each step in Python, with NumPy, in a fresh interpreter."""
    steps = "\n".join(f"{py}\nout.append([*tracemalloc.get_traced_memory(), tracemalloc.is_tracing()])" for py, _, _ in TRACEMALLOC_LESSON)
    code = f"import json, tracemalloc\nimport numpy as np\nout = []\n{steps}\nprint(json.dumps(out))"
    return json.loads(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout)


def declaration(dts, name):
    """The TSDoc text and the signature (after the name) of `name` in a built .d.ts of the library."""
    with open(os.path.join(DIST_LIB, dts)) as f:
        text = f.read()
    m = re.search(r"/\*\*((?:(?!\*/).)*)\*/\s*(?:export declare function |    )" + name + r"(\(.*?\)[^;{]*?);\n", text, re.S)
    doc = " ".join(" ".join(line.strip().lstrip("*").split()) for line in m.group(1).splitlines()).strip()
    return doc, " ".join(m.group(2).split())


class LibraryInKernel(KernelTestCase):
    fresh_kernel_per_test = True

    def delta(self, code):
        """Change in available memory (MB) across `code`, from psutil in the same cell."""
        out = self.run_text(f"const __a0 = psutil.virtualMemory().available;\n{code}\nconsole.log('delta', (psutil.virtualMemory().available - __a0) / 2**20);")
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
        self.run_text("let v = np.zeros(3);")
        self.run_text("del('v');\nv = np.ones(2);")
        self.assertIn("array([1., 1.])", self.run_text("v"))
        self.run_text("del('v');")
        reply, msgs = self.k.run("v")
        self.assertEqual(reply["content"]["status"], "error")
        # The type checker already knows the name is gone (TS2304), before anything runs.
        self.assertRegex(reply["content"]["evalue"], r"Cannot find name 'v'|name 'v' is not defined")

    def test_retainers_name_the_holders(self):
        self.run_text("let r = np.arange(1000000, undefined, undefined, { dtype: 'float64' });\nlet lr = da.fromArray(r, { chunks: 100000 });")
        self.run_text("r.get('0:3')")
        out = self.run_text("retainers(r)")
        self.assertIn("variable r: is the array", out)
        self.assertIn("variable lr: a lazy array reading it", out)
        self.assertRegex(out, r"Out\[\d+\]: a view of it, shape \(3\)")

    def test_track_cells_appends_each_cells_memory_change(self):
        self.run_text("memory.trackCells(true);")
        out = self.run_text("let t = np.ones([1000, 1000]);")
        self.assertAlmostEqual(float(CHANGE.search(out).group(1)), -7.63, delta=0.25)
        out = self.run_text("del('t');")
        self.assertAlmostEqual(float(CHANGE.search(out).group(1)), 7.63, delta=0.25)
        self.run_text("memory.trackCells(false);")
        self.assertIsNone(CHANGE.search(self.run_text("const q = 1;")))

    def test_tracemalloc_in_cells_gives_the_figures_of_a_script_and_of_python(self):
        """[current, peak] after each step of the lesson, in cells, against the same statements in
        a process started as the kernel starts its executor (within 0.005 MB: what Node mallocs
        around a reading, a few hundred bytes) and against Python's tracemalloc over NumPy (within
        0.1 MB: Python's objects and NumPy's 64 KiB reduction buffer, a few KB of Node's malloc)."""
        ours = [json.loads(self.run_text(f"{cell}\nconsole.log(JSON.stringify({TRACEMALLOC_READING}));")) for _, cell, _ in TRACEMALLOC_LESSON]
        like_executor, python = tracemalloc_lesson_in_a_script(), tracemalloc_lesson_in_python()
        for (py, _, _), mine, theirs, numpy in zip(TRACEMALLOC_LESSON, ours, like_executor, python):
            with self.subTest(step=py):
                self.assertEqual(mine[2], numpy[2])
                for k in (0, 1):
                    self.assertAlmostEqual(mine[k] / 2**20, theirs[k] / 2**20, delta=0.005, msg=f"kernel {mine}, script {theirs}")
                    self.assertAlmostEqual(mine[k] / 2**20, numpy[k] / 2**20, delta=0.1, msg=f"kernel {mine}, Python {numpy}")
        # The figures are the arrays, not zeros on both sides: a, b = a * 2; then a and two t.
        self.assertAlmostEqual(python[1][1] / 2**20, 2 * 8e6 / 2**20, delta=0.1)
        self.assertAlmostEqual(python[4][1] / 2**20, 3 * 8e6 / 2**20, delta=0.1)

    def test_completion_and_inspection_of_library_members(self):
        msg_id = self.k.kc.complete("np.ra", 5)
        reply = self.k.shell_reply(msg_id)
        self.assertIn("random", reply["content"]["matches"])
        self.run_text("const arr = np.zeros(3);")
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
        self.run_text("const arr = np.zeros([2, 3]);")
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
        self.run_text(f"/** {doc_f} */\nfunction label(name: string, a = np.zeros(2)): string {{ return name + a.shape }}")
        self.run_text(f"/** {doc_c} */\nconst rows = np.arange(4);")
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

    def test_gc_collect_as_python_and_gc_stays_nodes(self):
        import gc
        try:
            gc.collect(3)
        except ValueError as e:
            python_error = str(e)
        # Node's gc() is a function in every cell (the executor has --expose-gc): no check for
        # undefined; it gains Python's collect() and isenabled().
        self.assertEqual(self.run_text("gc(); typeof gc.collect"), "'function'")
        self.assertEqual(self.run_text("gc.isenabled()"), repr(gc.isenabled()).lower())
        # collect() returns nothing (V8 counts no objects), for each of Python's generations.
        for generation in ("", "0", "1", "2"):
            self.assertEqual(self.run_text(f"gc.collect({generation})"), "")
        # An array held only by an object no longer referenced: its memory comes back at the
        # collection, not before (nothing else in the cell allocates).
        out = self.run_text("let holder: { a: np.NDArray } | null = { a: np.ones([2000, 2000]) };\n"
                            "const ab0 = process.memoryUsage().arrayBuffers; holder = null;\n"
                            "const ab1 = process.memoryUsage().arrayBuffers; gc.collect();\n"
                            "console.log((ab0 - ab1) / 2**20, (ab1 - process.memoryUsage().arrayBuffers) / 2**20)")
        before, at = (float(v) for v in out.split())
        self.assertEqual(before, 0.0)
        self.assertAlmostEqual(at, 2000 * 2000 * 8 / 2**20, delta=0.01)
        # Python's error for a generation it does not have, as a type error before running here.
        reply, msgs = self.k.run("gc.collect(3)")
        self.assertEqual(reply["content"]["ename"], "TS2345")
        reply, msgs = self.k.run("(gc.collect as (g: number) => void)(3)")
        self.assertEqual((reply["content"]["ename"], reply["content"]["evalue"]), ("ValueError", python_error))
        # With Node's full types (a cell that imports), the same.
        self.assertEqual(self.run_text("import { cpus } from 'node:os';\ngc.collect(); cpus().length > 0"), "true")

    def figure_outputs(self, code):
        reply, msgs = self.k.run(code, timeout=120)
        self.assertEqual(reply["content"]["status"], "ok", self.k.text(msgs))
        return [(m["msg_type"], m["content"]["data"]) for m in msgs if m["msg_type"] in ("display_data", "execute_result")]

    def test_pyplot_figures_show_once_as_one_svg_with_matplotlibs_repr(self):
        import matplotlib
        matplotlib.use("agg")
        import matplotlib.pyplot as plt
        expected = repr(plt.subplots(1, 2, figsize=(12, 7))[0])
        plt.close("all")
        # plt.show(): exactly one display_data, the SVG with matplotlib's text.
        outs = self.figure_outputs("const [fig, ax] = plt.subplots(1, 2, { figsize: [12, 7] });\n"
                                   "ax[0].plot([1, 2, 3], [3, 1, 2], { color: 'r', label: 'available' });\n"
                                   "ax[0].axhline(0); ax[0].set_ylim(-1, 4); ax[0].legend(); plt.title('memory');\nplt.show();")
        self.assertEqual([o[0] for o in outs], ["display_data"], outs)
        data = outs[0][1]
        self.assertEqual(data["text/plain"], expected)
        self.assertRegex(data["image/svg+xml"], r'^<svg[^>]* width="1200" height="700"')
        self.assertIn(">memory</text>", data["image/svg+xml"])
        # Not shown by the cell: shown when it ends (the inline backend's behaviour), once.
        outs = self.figure_outputs("plt.plot([1, 2]);\nconsole.log('drawn');")
        self.assertEqual([(o[0], o[1]["text/plain"]) for o in outs], [("display_data", "<Figure size 640x480 with 1 Axes>")])
        # The cell's value: one execute_result, not repeated at the end.
        outs = self.figure_outputs("const f2 = plt.figure({ figsize: [4, 3] }); plt.plot([1, 2]); f2")
        self.assertEqual([(o[0], o[1]["text/plain"]) for o in outs], [("execute_result", "<Figure size 400x300 with 1 Axes>")])
        self.assertIn("image/svg+xml", outs[0][1])
        # A later cell starts clean: the figures were closed.
        self.assertEqual(self.figure_outputs("console.log(plt.openFigures().length)"), [])

    def test_pyplot_bad_input_fails_the_cell_not_the_kernel(self):
        reply, msgs = self.k.run("plt.plot([1, 2], { color: 'notacolour' })")
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "ValueError")
        self.assertIn("is not a valid color value", reply["content"]["evalue"])
        self.assertIn("2", self.run_text("console.log(1 + 1)"))

    def test_inspect_shows_the_tsdoc_of_plt_functions(self):
        for code, dts, name in [("plt.subplots", "plt/index.d.ts", "subplots"), ("plt.show", "plt/index.d.ts", "show")]:
            reply = self.k.shell_reply(self.k.kc.inspect(code, len(code)))
            text = " ".join(reply["content"]["data"].get("text/plain", "").split())
            self.assertIn(declaration(dts, name)[0], text)


if __name__ == "__main__":
    unittest.main()
