"""IPython's timing magics in the kernel (%%time, %time, %%timeit, %timeit) compared with
IPython's own output (Debian's IPython, run here), memory_profiler's %memit / %%memit compared
with memory_profiler's (Debian's python3-memory-profiler, in IPython here), errors at cell lines, completion and
inspection around a magic line, and the porting ergonomics of issue 19: rebinding after del,
the library's types without an import, no progress display by default. IPython's namespace
magics (%who, %whos, %reset) and %load_ext compared with Debian's ipykernel running the Python
cells the TypeScript ones port."""
import contextlib
import io
import os
import queue
import re
import shutil
import tempfile
import time
import unittest
import warnings

from IPython.core.interactiveshell import InteractiveShell
from IPython.core.magics.execution import _format_time

from kernel_client import Kernel, KernelTestCase

# A time as IPython's _format_time writes it: `%.3g` and a unit, or `1min 15s` past a minute.
TIME = r"(?:\d+(?:\.\d+)?(?:e[+-]\d+)? (?:s|ms|µs|ns)|\d+(?:d|h|min|s)(?: \d+(?:h|min|s))*)"
SLOWEST = re.compile(r"^The slowest run took \d+\.\d\d times longer than the fastest\. This could mean that an intermediate result is being cached\.\n", re.M)
SCALE = {"s": 1, "ms": 1e-3, "µs": 1e-6, "ns": 1e-9}


def ipython(name, line, cell=None):
    """What IPython itself prints for a magic, with a UTF-8 stdout (so `µs` and `±`, as in a notebook)."""
    shell = InteractiveShell.instance()
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="utf-8", write_through=True)
    with contextlib.redirect_stdout(out):
        if cell is None:
            shell.run_line_magic(name, line)
        else:
            shell.run_cell_magic(name, line, cell)
    return raw.getvalue().decode("utf-8")


# How far the resident set can move around a statement beside what it allocates: it holds V8's
# pages and the executor's mapped files too. A 152.59 MiB peak read 152.61-152.67 in a dozen runs,
# 151.64 once while another test run loaded the machine.
RSS_NOISE = 1.0
MEMIT = re.compile(r"peak memory: (\d+\.\d\d) MiB, increment: (-?\d+\.\d\d) MiB")
MiB = 2 ** 20


def memory_profiler(lines):
    """memory_profiler's %memit in IPython: each line's output (its first line run after numpy's import)."""
    shell = InteractiveShell.instance()
    # Once, quietly: IPython prints "already loaded" the second time, and memory_profiler's
    # import warns that distutils is deprecated; both would split unittest's "... ok" lines,
    # which test/python-suite.ts reads.
    if "memory_profiler" not in shell.extension_manager.loaded:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            shell.run_line_magic("load_ext", "memory_profiler")
    shell.run_cell("import numpy as np")
    return [ipython("memit", line) for line in lines]


def pattern_of(text, loops=False):
    """IPython's output as a regex: its times become TIME, the rest literal (loop counts too unless `loops`)."""
    text = SLOWEST.sub("", text)
    parts = re.split(TIME, text)
    pattern = f"({TIME})".join(re.escape(p) for p in parts)
    if loops:
        pattern = re.sub(r"[\d,]+ loops?", r"([\\d,]+) loops?", pattern.replace("\\ ", " "))
    return re.compile(pattern)


def times_in(text):
    return re.findall(TIME, text)


def seconds(formatted):
    number, unit = formatted.split(" ")
    return float(number) * SCALE[unit]


class Magics(KernelTestCase):
    def stdout(self, msgs):
        return "".join(m["content"]["text"] for m in msgs if m["msg_type"] == "stream" and m["content"]["name"] == "stdout")

    def result(self, msgs):
        return "".join(m["content"]["data"]["text/plain"] for m in msgs if m["msg_type"] == "execute_result")

    def assert_ipython_times(self, text):
        """Every time printed is one IPython's _format_time would print for that duration."""
        found = times_in(text)
        self.assertTrue(found, text)
        for t in found:
            if " " in t and t.split(" ")[1] in SCALE:
                self.assertEqual(_format_time(seconds(t)), t, text)

    def test_cell_time_prints_ipythons_lines_after_the_output_and_keeps_the_value(self):
        msgs = self.run_ok("%%time\nconst ct = np.ones([200, 200]).sum() as number\nconsole.log('body', ct)\nct * 2")
        expected = pattern_of("body 40000\n" + ipython("time", "", "x = 1\nx"))
        out = self.stdout(msgs)
        self.assertRegex(out, expected)
        self.assertEqual(expected.fullmatch(out) is not None, True, out)
        self.assert_ipython_times(out)
        self.assertEqual(self.result(msgs), "80000")
        # The cell's declarations carry on, as without the magic.
        self.assertEqual(self.result(self.run_ok("ct")), "40000")

    def test_line_time_times_its_statement_in_place(self):
        msgs = self.run_ok("const lt0 = 2;\n%time const lt1 = [1, 2, 3].map((x) => x * lt0)\nconsole.log('after', lt1.length)")
        out = self.stdout(msgs)
        self.assertRegex(out, pattern_of(ipython("time", "sum(range(10))") + "after 3\n"))
        self.assert_ipython_times(out)
        self.assertEqual(self.result(self.run_ok("%time lt1.length")), "3")

    def test_timeit_prints_ipythons_line_with_the_loops_given(self):
        msgs = self.run_ok("%timeit -n 10 -r 3 [1, 2, 3].map((x) => x + 1)")
        out = SLOWEST.sub("", self.stdout(msgs))
        self.assertRegex(out, pattern_of(ipython("timeit", "-n 10 -r 3 pass")))
        self.assertIn("(mean ± std. dev. of 3 runs, 10 loops each)", out)
        self.assert_ipython_times(out)

    def test_timeit_chooses_loops_as_ipython_does(self):
        msgs = self.run_ok("%%timeit\nconst tq = [1, 2, 3].map((x) => x + 1)\ntq.length")
        out = SLOWEST.sub("", self.stdout(msgs))
        m = pattern_of(ipython("timeit", "-r 7 pass"), loops=True).fullmatch(out)
        self.assertIsNotNone(m, out)
        loops = int(re.search(r"([\d,]+) loops? each", out).group(1).replace(",", ""))
        mean = seconds(re.match(TIME, out).group(0))
        # 10^k loops, the first k whose run took 0.2 s or more.
        self.assertIn(loops, [10 ** k for k in range(10)])
        self.assertGreater(mean * loops, 0.05, out)
        # Like IPython's %%timeit, what the timed code declares stays in it.
        reply, _ = self.k.run("tq")
        self.assertEqual(reply["content"]["status"], "error")
        self.assertIn("Cannot find name 'tq'", reply["content"]["evalue"])

    def test_timeit_with_await_and_result(self):
        msgs = self.run_ok("%%timeit -o -n 5 -r 2\nawait new Promise((r) => setTimeout(r, 1))")
        self.assertRegex(SLOWEST.sub("", self.stdout(msgs)), pattern_of(ipython("timeit", "-n 5 -r 2 pass")))
        self.assertRegex(self.result(msgs), r"^<TimeitResult : " + TIME + " ± " + TIME + r" per loop \(mean ± std. dev. of 2 runs, 5 loops each\)>$")

    def test_interrupt_stops_timeit_loops_sync_and_async(self):
        self.run_ok("const ticks = { n: 0 };")
        for body in ("for (const t = performance.now(); performance.now() - t < 2;);\nticks.n++",
                     "await new Promise((r) => setTimeout(r, 2));\nticks.n++"):
            msg_id = self.k.kc.execute("%%timeit -n 100000\n" + body)
            time.sleep(1.0)
            self.k.km.interrupt_kernel()
            self.assertEqual(self.k.shell_reply(msg_id, 10)["content"]["ename"], "Interrupted")
            # An iteration already awaiting its 2 ms timer cannot be cancelled in JavaScript (a
            # promise's continuation always runs); it may finish once. Read after a 50 ms timer
            # armed now: Node runs timers in the order they expire (and a callback's microtasks
            # before the next timer), so that iteration has finished by then, however loaded the
            # machine. A sleep before reading only made that likely. Loops still running would
            # add ~100 ticks per 0.2 s below.
            first = int(self.result(self.run_ok("await new Promise((r) => setTimeout(r, 50));\nticks.n")))
            time.sleep(0.5)
            self.assertEqual(int(self.result(self.run_ok("ticks.n"))), first, "the loops stopped with the cell")

    def test_errors_in_a_time_cell_name_the_users_line(self):
        reply, msgs = self.k.run("%%time\nconst e1 = 1\nthrow new Error('on line ' + (e1 + 2))")
        self.assertEqual(reply["content"]["status"], "error")
        tb = "\n".join(reply["content"]["traceback"])
        self.assertIn("line 3", tb)
        self.assertIn("---->   3 | throw new Error", tb)
        reply, _ = self.k.run("%%time\nconst e2 = 1\nconst e3: string = e2")
        self.assertEqual(reply["content"]["ename"], "TS2322")
        self.assertIn("(line 3)", reply["content"]["evalue"])
        self.assertIn("line 3, column 7", "\n".join(reply["content"]["traceback"]))

    def test_complete_and_inspect_on_a_cell_with_a_magic_line(self):
        code = "%%time\nconst ci = np.ze"
        reply = self.k.shell_reply(self.k.kc.complete(code, len(code)))
        self.assertIn("zeros", reply["content"]["matches"])
        code = "%timeit np.ze"
        reply = self.k.shell_reply(self.k.kc.complete(code, len(code)))
        self.assertIn("zeros", reply["content"]["matches"])
        reply = self.k.shell_reply(self.k.kc.complete("%%ti", 4))
        self.assertEqual(reply["content"]["matches"], ["%%time", "%%timeit"])
        code = "%%time\nnp.zeros(3)"
        reply = self.k.shell_reply(self.k.kc.inspect(code, code.index("zeros") + 2))
        self.assertTrue(reply["content"]["found"], reply["content"])
        self.assertIn("zeros(shape", reply["content"]["data"]["text/plain"])
        # Shift+Tab on the magic itself: its usage, with IPython's options.
        reply = self.k.shell_reply(self.k.kc.inspect("%%timeit -n 10\n1", 4))
        self.assertTrue(reply["content"]["found"], reply["content"])
        self.assertIn("-n<N> -r<R>", reply["content"]["data"]["text/plain"])

    def test_unknown_magic_or_bad_option_is_a_usage_error_naming_what_exists(self):
        reply, _ = self.k.run("%%timme\n1")
        self.assertEqual(reply["content"]["ename"], "UsageError")
        for magic in ["%%memit", "%%time", "%%timeit", "%memit", "%time", "%timeit"]:
            self.assertIn(magic, reply["content"]["evalue"])
        reply, _ = self.k.run("const um = 1\n%prun um")
        self.assertEqual(reply["content"]["ename"], "UsageError")
        self.assertIn("line 2", "\n".join(reply["content"]["traceback"]))
        reply, _ = self.k.run("%timeit -x 3 1")
        self.assertEqual(reply["content"]["ename"], "UsageError")
        self.assertIn("-n<N>", reply["content"]["evalue"])
        reply, _ = self.k.run("%%time now\n1")
        self.assertEqual(reply["content"]["ename"], "UsageError")
        # The kernel goes on.
        self.assertEqual(self.result(self.run_ok("1 + 1")), "2")

    def test_memit_prints_memory_profilers_line_and_its_increment_for_a_kept_array(self):
        kept, = memory_profiler(["memit_kept = np.ones(10**7)"])
        theirs = MEMIT.fullmatch(kept.strip())
        self.assertTrue(theirs, kept)
        out = self.stdout(self.run_ok("%memit const memitKept = np.ones([10**7])"))
        ours = MEMIT.fullmatch(out.strip())
        self.assertTrue(ours, out)
        # Both are the resident set's growth with the 76.29 MiB array alive after the statement.
        self.assertLess(abs(float(ours.group(2)) - float(theirs.group(2))), RSS_NOISE, (out, kept))
        # The statement ran in place: its declaration is the notebook's, and %memit has no value.
        self.assertEqual(self.result(self.run_ok("memitKept.shape")), "[ 10000000 ]")
        self.assertEqual(self.result(self.run_ok("%memit 1 + 1")), "")
        self.run_ok("del('memitKept');")

    def test_memit_peak_counts_a_temporary_memory_profilers_sampling_can_miss(self):
        # Two arrays of 10**7 float64 are alive at once inside the statement, freed by its end.
        both = 2 * float(self.python_value("np.ones(10**7).nbytes")) / MiB
        out = self.stdout(self.run_ok("%memit np.ones([10**7]).mul(2).sum()"))
        m = MEMIT.fullmatch(out.strip())
        self.assertTrue(m, out)
        self.assertGreaterEqual(float(m.group(2)), both - RSS_NOISE, out)
        self.assertLess(float(m.group(2)), both + RSS_NOISE, out)
        # %%memit measures the cell (its declarations kept); -r runs it again each time afresh.
        out = self.stdout(self.run_ok("%%memit\nconst mb = np.ones([10**7]);\nconst mc = mb.add(1);"))
        self.assertGreaterEqual(float(MEMIT.fullmatch(out.strip()).group(2)), both - RSS_NOISE, out)
        self.run_ok("del('mb'); del('mc');")
        out = self.stdout(self.run_ok("%memit -r 3 np.ones([10**6])"))
        one = float(self.python_value("np.ones(10**6).nbytes")) / MiB
        self.assertLess(abs(float(MEMIT.fullmatch(out.strip()).group(2)) - one), RSS_NOISE, out)

    def test_memit_o_returns_a_memitresult_printed_as_memory_profilers(self):
        theirs, = memory_profiler(["-o -q np.ones(10)"])
        self.assertEqual(theirs, "")
        shell = InteractiveShell.instance()
        shell.run_cell("memit_result = get_ipython().run_line_magic('memit', '-o -q np.ones(10)')")
        # What a notebook shows for it: IPython's text/plain (its _repr_pretty_).
        shown = shell.display_formatter.format(shell.user_ns["memit_result"])[0]["text/plain"]
        expected = MEMIT.sub("peak memory: N MiB, increment: N MiB", shown)
        msgs = self.run_ok("%memit -o -q np.ones([10])")
        self.assertEqual(self.stdout(msgs), "")
        self.assertEqual(MEMIT.sub("peak memory: N MiB, increment: N MiB", self.result(msgs)), expected)
        reply, _ = self.k.run("%memit -c 1")
        self.assertEqual(reply["content"]["ename"], "UsageError")
        self.assertIn("-c (child processes) is not supported", reply["content"]["evalue"])

    def python_value(self, expression):
        shell = InteractiveShell.instance()
        shell.run_cell("import numpy as np")
        return shell.ev(expression)

    def test_del_then_bare_assignment_binds_again(self):
        self.run_ok("let rb = np.zeros(3);")
        self.run_ok("del('rb');")
        reply, _ = self.k.run("rb")
        self.assertIn("Cannot find name 'rb'", reply["content"]["evalue"])
        # Python's `rb = ...` after `del rb`: any value, its type from now on.
        self.run_ok("rb = 'text'")
        self.assertEqual(self.result(self.run_ok("rb.length")), "4")

    def test_a_process_and_the_cells_other_names_reach_later_cells(self):
        # The first line of most memory lessons: the process's type could not be written in the
        # cell's declarations, and TypeScript then wrote none, so every name of the cell was lost.
        self.run_ok("const proc = psutil.Process();\nconst step = 1;")
        self.assertEqual(self.result(self.run_ok("proc.pid > 0 && step === 1")), "true")
        self.assertEqual(self.result(self.run_ok("const kept: psutil.Process = proc;\nkept.memoryInfo().rss > 0")), "true")

    def test_an_arrays_strided_storage_reaches_later_cells(self):
        self.run_ok("const a0 = np.ones(3);\nconst nd = a0.nd;")
        self.assertEqual(self.result(self.run_ok("nd.shape[0] + a0.size")), "6")

    def test_a_name_whose_type_cannot_be_written_is_any_later_with_a_warning(self):
        msgs = self.run_ok("const made = (() => { class Hidden { private secret = 1; shown = 2 } return new Hidden(); })();\n"
                           "const other = 3;")
        stderr = "".join(m["content"]["text"] for m in msgs if m["msg_type"] == "stream" and m["content"]["name"] == "stderr")
        self.assertIn("Warning: 'made' is 'any' in later cells", stderr)
        self.assertIn("TS4094", stderr)
        self.assertNotIn("other", stderr)
        self.assertEqual(self.result(self.run_ok("made.shown + other")), "5")
        # `other` keeps its own type (3), not any.
        reply, _ = self.k.run("const wrong: string = other;")
        self.assertIn("not assignable to type 'string'", reply["content"]["evalue"])

    def test_del_of_several_names_stops_at_the_first_undefined_one_as_python(self):
        # Python: `del a, nope, b` deletes a, then raises NameError: name 'nope' is not defined; b stays.
        self.run_ok("let dl1 = 1;\nlet dl2 = 2;")
        reply, _ = self.k.run('del("dl1", "nope", "dl2")')
        self.assertEqual((reply["content"]["ename"], reply["content"]["evalue"]), ("ReferenceError", "name 'nope' is not defined"))
        reply, _ = self.k.run("dl1")
        self.assertIn("Cannot find name 'dl1'", reply["content"]["evalue"])
        self.assertEqual(self.result(self.run_ok("dl2")), "2")

    def test_a_name_declared_and_deleted_in_the_same_cell_is_unknown_after_it(self):
        # Python: `x = 1; del x` leaves x undefined for later cells; here the checker forgets it too.
        self.run_ok("const sd = np.ones(3);\ndel('sd');")
        reply, _ = self.k.run("sd")
        self.assertIn("Cannot find name 'sd'", reply["content"]["evalue"])
        self.run_ok("const sr = 1;\n%reset -f")
        reply, _ = self.k.run("sr")
        self.assertIn("Cannot find name 'sr'", reply["content"]["evalue"])
        # Deleted and bound again lower in the same cell: still known, with its value.
        self.run_ok("let sb = 1;\ndel('sb');\nsb = 2")
        self.assertEqual(self.result(self.run_ok("sb + 1")), "3")

    def test_library_types_without_an_import(self):
        msgs = self.run_ok("const sv: psutil.Svmem = psutil.virtualMemory();\nconst na: np.NDArray = np.zeros(2);\n"
                           "const la: da.LazyArray = da.ones(4, { chunks: 2 });\nsv.total > 0 && na.size === 2 && la.size === 4")
        self.assertEqual(self.result(msgs), "true")

    def test_progress_is_not_shown_by_default_as_in_dask(self):
        slow = ("const spin = (ms: number) => { const t = performance.now(); while (performance.now() - t < ms); };\n"
                "const pg = da.ones([60, 10], { chunks: [1, 10] }).mapBlocks((b) => (spin(25), b));\n")
        msgs = self.run_ok(slow + "(await pg.sum().compute()).item()")
        self.assertEqual([m["msg_type"] for m in msgs if "display" in m["msg_type"]], [])
        self.assertEqual(self.result(msgs), "600")
        msgs = self.run_ok("da.setProgress({ after: 0.3 });\n(await pg.sum().compute()).item()")
        self.assertIn("display_data", [m["msg_type"] for m in msgs])
        self.run_ok("da.setProgress(false);")


# debugpy's warning about frozen modules, printed by ipykernel when jupyter_client loads it here
# and by each Python kernel, would split unittest's "... ok" lines, which test/python-suite.ts
# reads. Set before the first Python kernel starts; the kernels inherit it.
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")

# A Python kernel's libraries as the port's preloaded ones: names its startup defines are hidden
# from %who and %whos (IPython's user_ns_hidden), as lazylab's np, da and xr are not the notebook's.
PYTHON_LIBRARIES = ("import numpy as np, dask.array as da, xarray as xr\n"
                    "get_ipython().user_ns_hidden.update(np=np, da=da, xr=xr)")


# IPython's question before %reset deletes anything (ask_yes_no adds the space).
RESET_QUESTION = "Once deleted, variables cannot be recovered. Proceed (y/[n])? "


def answering(kernel, code, answers, timeout=90):
    """(reply, iopub messages, prompts) for a cell run with stdin allowed: each input_request it
    makes is answered with the next of `answers`."""
    msg_id = kernel.kc.execute(code, allow_stdin=True)
    left = list(answers)
    prompts = []
    deadline = time.time() + timeout
    while True:
        try:
            reply = kernel.kc.get_shell_msg(timeout=0.05)
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply, kernel.iopub_until_idle(msg_id, timeout), prompts
        except queue.Empty:
            pass
        try:
            request = kernel.kc.get_stdin_msg(timeout=0.05)
        except queue.Empty:
            if time.time() > deadline:
                raise TimeoutError(f"no reply to {code!r} within {timeout} s")
            continue
        prompts.append(request["content"]["prompt"])
        kernel.kc.input(left.pop(0))


class NamespaceMagics(unittest.TestCase):
    """%who, %whos, %reset and %load_ext against IPython's own: each test runs Python cells in Debian's
    ipykernel and their TypeScript port in a lazylab kernel, both fresh (a listing shows all a
    notebook declared), and compares what each cell printed, its status and its error."""

    def setUp(self):
        super().setUp()
        self.k = Kernel()
        self.py = Kernel(name="python3")
        reply, msgs = self.py.run(PYTHON_LIBRARIES, timeout=60)
        self.assertEqual(reply["content"]["status"], "ok", self.py.text(msgs))

    def tearDown(self):
        self.k.close()
        self.py.close()
        super().tearDown()

    @staticmethod
    def outcome(kernel, code, answers=None, allow_stdin=True):
        """What a cell printed, its status and its error; with `answers`, the prompts it asked
        them for too (see answering())."""
        prompts = []
        for _ in range(10):
            if answers is None:
                reply, msgs = kernel.run(code, timeout=90, allow_stdin=allow_stdin)
            else:
                reply, msgs, prompts = answering(kernel, code, answers)
            # ipykernel aborts what comes while it still stops on the error before (its
            # stop_on_error timer runs after the reply): the cell did not run, so it runs again.
            if reply["content"]["status"] != "aborted":
                break
            time.sleep(0.1)
        stdout = "".join(m["content"]["text"] for m in msgs if m["msg_type"] == "stream" and m["content"]["name"] == "stdout")
        c = reply["content"]
        return {"status": c["status"], "stdout": stdout, "error": (c.get("ename"), c.get("evalue")), "prompts": prompts}

    def same(self, python, typescript=None, **kw):
        """Runs the Python cell and its port (the same text when not given); both must print the
        same, end with the same status and fail with the same error (and ask the same, given
        outcome()'s `answers`). Returns what they printed."""
        theirs = self.outcome(self.py, python, **kw)
        ours = self.outcome(self.k, python if typescript is None else typescript, **kw)
        self.assertEqual(ours, theirs, f"\nPython:\n{python}\nTypeScript:\n{typescript}")
        return theirs["stdout"]

    def test_empty_namespace_and_load_ext(self):
        self.assertEqual(self.same("%whos"), "Interactive namespace is empty.\n")
        self.same("%who")
        self.assertEqual(self.same("%who int"), "No variables match your requested type.\n")
        self.same("%whos ndarray")
        # memory_profiler's extension gives Python %memit, built in here: loading it prints nothing,
        # then that it is loaded already.
        self.assertEqual(self.same("%load_ext memory_profiler"), "")
        self.assertIn("already loaded", self.same("%load_ext memory_profiler"))
        self.same("%load_ext nosuchmodule")
        self.same("%load_ext no.such.package")
        self.same("%load_ext .relative")
        self.same("%load_ext")
        self.same("%whos")

    def test_whos_prints_numbers_strings_and_containers_as_ipython(self):
        python = """count = 42
negative = -7
tenth = 0.1
tiny = 1e-5
huge = 1e16
half = 2.5
neg_zero = -0.0
inf = float('inf')
nan = float('nan')
big = 10**20
name = 'hello'
long_text = 'x' * 30 + 'y' * 30
text_49 = 'z' * 49
text_50 = 'w' * 50
lines = 'line one\\nline two'
many_lines = 'ab\\n' * 20
yes = True
no = False
nothing = None
unset = None
numbers = [1, 2, 3]
empty = []
sizes = {'a': 1, 'b': 2}
café = 'é'
_hidden = 'not listed'
%whos"""
        typescript = """const count = 42, negative = -7, tenth = 0.1, tiny = 1e-5, huge = 1e16, half = 2.5, neg_zero = -0
const inf = Infinity, nan = NaN, big = 10n ** 20n
const name = 'hello', long_text = 'x'.repeat(30) + 'y'.repeat(30), text_49 = 'z'.repeat(49), text_50 = 'w'.repeat(50)
const lines = 'line one\\nline two', many_lines = 'ab\\n'.repeat(20)
const yes = true, no = false, nothing = null
let unset: number | undefined
const numbers = [1, 2, 3], empty: number[] = [], sizes = { a: 1, b: 2 }
const café = 'é'
const _hidden = 'not listed'
%whos"""
        out = self.same(python, typescript)
        self.assertRegex(out, r"\nhuge +float +1e\+16\n")
        self.assertNotIn("_hidden", out)
        for filters in ["int", "str float", "bool NoneType", "list dict", "set"]:
            self.same(f"%whos {filters}")
        # More than nine names: %who breaks its line after every ninth.
        self.assertEqual(self.same("%who").count("\n"), 3)

    def test_whos_summarises_arrays_as_ipython(self):
        folder = tempfile.mkdtemp(dir=os.environ.get("TMPDIR"))
        self.addCleanup(shutil.rmtree, folder)
        python = f"""small = np.arange(3)
grid = np.ones((100, 100))
kb = np.zeros((200, 100))
mb = np.zeros((2000, 2000))
edge = np.zeros(12500)
mebibyte = np.zeros(131072)
ints = np.arange(12, dtype=np.int64).reshape(3, 4)
singles = np.ones(5, dtype=np.float32)
scalar = np.array(2.5)
flags = np.array([True, False])
lazy = da.ones((1000, 1000), chunks=(100, 100))
labelled = xr.DataArray(np.arange(3), dims=['x'])
mapped = np.memmap('{folder}/py.dat', dtype='float64', mode='w+', shape=(4,))
mapped_view = mapped[1:]
%whos"""
        typescript = f"""const small = np.arange(3)
const grid = np.ones([100, 100])
const kb = np.zeros([200, 100])
const mb = np.zeros([2000, 2000])
const edge = np.zeros([12500])
const mebibyte = np.zeros([131072])
const ints = np.arange(12, {{ dtype: 'int64' }}).reshape(3, 4)
const singles = np.ones([5], {{ dtype: 'float32' }})
const scalar = np.array(2.5)
const flags = np.array([true, false])
const lazy = da.ones([1000, 1000], {{ chunks: [100, 100] }})
const labelled = new xr.DataArray(np.arange(3), ['x'])
const mapped = np.memmap('{folder}/ts.dat', {{ dtype: 'float64', mode: 'w+', shape: [4] }})
const mapped_view = mapped.get(np.slice(1))
%whos"""
        out = self.same(python, typescript)
        self.assertIn("2000x2000: 4000000 elems, type `float64`, 32000000 bytes (30.517578125 Mb)", out)
        self.assertIn("200x100: 20000 elems, type `float64`, 160000 bytes (156.25 kb)", out)
        self.same("%whos ndarray")
        self.same("%who ndarray")
        self.same("%whos memmap Array DataArray")

    def test_who_breaks_its_line_after_every_ninth_name(self):
        for first in (1, 10):
            names = [f"v{i:02}" for i in range(first, first + 9)]
            self.same("\n".join(f"{n} = {i}" for i, n in enumerate(names)), "\n".join(f"const {n} = {i}" for i, n in enumerate(names)))
            self.same("%who")

    def test_function_class_and_instance_types_filter_as_ipython(self):
        self.same("def area(r):\n    return 3 * r * r\nclass Shape:\n    pass\nshape = Shape()",
                  "function area(r: number) {\n  return 3 * r * r\n}\nclass Shape {}\nconst shape = new Shape()")
        # Names only: a function's or an instance's str() holds its address in Python.
        self.same("%who function type Shape")

    def test_whos_shows_a_lazy_0d_result_as_dasks_numpy_scalar(self):
        self.same("total = da.from_array(np.arange(10.0), chunks=5).sum().compute()\nflag = (da.from_array(np.arange(10), chunks=5) > 5).any().compute()\n%whos",
                  "const total = await da.fromArray(np.arange(10).astype('float64'), { chunks: 5 }).sum().compute()\n"
                  "const flag = await da.fromArray(np.arange(10), { chunks: 5 }).gt(5).any().compute()\n%whos")
        self.same("%who float64")

    def test_who_lists_a_process_under_psutils_type_name(self):
        self.py.run("import psutil")
        self.same("proc = psutil.Process()\n%who Process", "const proc = psutil.Process()\n%who Process")

    def test_a_failing_cell_after_the_magics_leaves_the_kernel_and_its_variables(self):
        self.same("kept = np.ones((10, 10))\ncount = 3\n%whos", "const kept = np.ones([10, 10])\nconst count = 3\n%whos")
        self.same("%load_ext nosuchmodule")
        theirs = self.outcome(self.py, "%whos\nraise ValueError('boom')")
        ours = self.outcome(self.k, "%whos\nthrow new Error('boom')")
        self.assertEqual((ours["status"], ours["stdout"]), (theirs["status"], theirs["stdout"]))
        self.same("%whos")
        self.assertEqual(self.k.text(self.k.run("count + kept.size")[1]), "103")

    def failing_alike(self, python, typescript):
        """Both cells fail (each with its own language's error); returns lazylab's error."""
        theirs = self.outcome(self.py, python)
        ours = self.outcome(self.k, typescript)
        self.assertEqual((ours["status"], ours["stdout"]), (theirs["status"], theirs["stdout"]), (python, theirs, ours))
        self.assertEqual(ours["status"], "error")
        return ours["error"]

    def test_reset_f_deletes_every_variable_and_flushes_out_printing_nothing(self):
        self.same("count = 3\n_private = 'mine'\ngrid = np.ones((10, 10))\nnames = ['a']",
                  "const count = 3\nconst _private = 'mine'\nconst grid = np.ones([10, 10])\nconst names = ['a']")
        self.same("count")
        self.assertEqual(self.same("print(len(Out))", "console.log(Object.keys(Out).length)"), "1\n")
        self.assertEqual(self.same("%reset -f"), "")
        self.assertEqual(self.same("%who"), "Interactive namespace is empty.\n")
        self.assertEqual(self.same("print(len(Out))", "console.log(Object.keys(Out).length)"), "0\n")
        for name in ("count", "_private", "grid"):
            # Python's NameError; here the type checker no longer knows the name, and a read it
            # cannot see fails as Python's does.
            self.assertEqual(self.outcome(self.py, name)["error"], ("NameError", f"name '{name}' is not defined"))
            # TS2304, or TS2552 with a close name it suggests.
            self.assertRegex(self.failing_alike(name, name)[1], f"^Cannot find name '{name}'\\.")
            self.assertEqual(self.failing_alike(name, f"(globalThis as any).{name}"),
                             ("ReferenceError", f"name '{name}' is not defined (it was deleted with %reset)"))
        # Assigned again, a name is bound again; a failing cell after the reset leaves the kernel well.
        self.assertEqual(self.same("count = 1\nprint(count + 1)", "count = 1\nconsole.log(count + 1)"), "2\n")
        self.failing_alike("%who\nraise ValueError('boom')", "%who\nthrow new Error('boom')")
        self.assertEqual(self.same("%who"), "count\t \n")
        self.same("%whos")

    def test_reset_asks_ipythons_question_and_without_stdin_resets_as_ipykernel(self):
        self.same("kept = 1", "const kept = 1")
        # ask_yes_no: n, no or an empty answer (its default) is no; anything else asks again.
        for answers in (["n"], ["maybe", ""], ["No"]):
            theirs = self.outcome(self.py, "%reset", answers=answers)
            self.assertEqual(theirs, {"status": "ok", "stdout": "Nothing done.\n", "error": (None, None), "prompts": [RESET_QUESTION] * len(answers)})
            self.assertEqual(self.outcome(self.k, "%reset", answers=answers), theirs)
        self.assertEqual(self.same("%who"), "kept\t \n")
        self.assertEqual(self.same("%reset", answers=["YES"]), "")
        self.assertEqual(self.same("%who"), "Interactive namespace is empty.\n")
        # A frontend that allows no input: ipykernel's input raises StdinNotImplementedError, which
        # %reset takes for yes.
        self.same("again = 2", "const again = 2")
        self.assertEqual(self.same("%reset", allow_stdin=False), "")
        self.assertEqual(self.same("%who"), "Interactive namespace is empty.\n")

    def test_reset_soft_out_and_array_as_ipython(self):
        self.same("count = 3\n_private = 1\ngrid = np.ones((10, 10))\n_grid = np.zeros(3)\nscalar = np.array(2.5)\nlazy = da.ones(4, chunks=2)\nnames = ['a']",
                  "const count = 3\nconst _private = 1\nconst grid = np.ones([10, 10])\nconst _grid = np.zeros([3])\nconst scalar = np.array(2.5)\n"
                  "const lazy = da.ones([4], { chunks: [2] })\nconst names = ['a']")
        self.same("count")
        self.same("names")
        # out: the output history alone.
        self.assertEqual(self.same("%reset -f out"), "Flushing output cache (2 entries)\n")
        self.assertEqual(self.same("%who"), "count\t grid\t lazy\t names\t scalar\t \n")
        self.assertEqual(self.same("%reset -f OUT"), "Flushing output cache (0 entries)\n")
        # array: the np arrays, `_` names too; a lazy array is not one.
        self.assertEqual(self.same("%reset -f array"), "")
        self.assertEqual(self.same("%who"), "count\t lazy\t names\t \n")
        self.failing_alike("_grid", "_grid")
        self.assertEqual(self.same("print(_private)", "console.log(_private)"), "1\n")
        # -s: what %who lists; the `_` names and Out stay.
        self.same("count")
        self.assertEqual(self.same("%reset -sf"), "")
        self.assertEqual(self.same("%who"), "Interactive namespace is empty.\n")
        self.assertEqual(self.same("print(_private, len(Out))", "console.log(_private, Object.keys(Out).length)"), "1 1\n")
        # Words IPython does not know it names, and goes on with the others.
        self.assertEqual(self.same("%reset -f foo Out bar"), "Don't know how to reset  foo, please run `%reset?` for details\n"
                         "Flushing output cache (1 entries)\nDon't know how to reset  bar, please run `%reset?` for details\n")
        self.same("%reset -x")
        # What lazylab leaves out of IPython's %reset is a UsageError naming it, the namespace untouched.
        for line, word in (("-f in", "in"), ("-f dhist", "dhist"), ("-f --aggressive", "--aggressive")):
            ours = self.outcome(self.k, f"%reset {line}")
            self.assertEqual((ours["status"], ours["error"][0]), ("error", "UsageError"), ours)
            self.assertTrue(ours["error"][1].startswith(f"%reset {word} ("), ours)
        self.assertEqual(self.outcome(self.k, "console.log(_private)")["stdout"], "1\n")

    def test_reset_frees_the_memory_the_variables_and_out_held(self):
        nbytes = int(self.same("print(np.ones((2000, 2000)).nbytes)", "console.log(np.ones([2000, 2000]).nbytes)"))

        def available():
            reply, msgs = self.k.run("psutil.virtualMemory().available")
            self.assertEqual(reply["content"]["status"], "ok", reply["content"])
            return int(self.k.text(msgs))

        before = available()
        # One array in a variable, one a result kept in Out.
        self.assertEqual(self.outcome(self.k, "const big = np.ones([2000, 2000])\nbig.add(1).shape")["status"], "ok")
        self.assertEqual(self.outcome(self.k, "big.add(1)")["status"], "ok")
        held = available()
        self.assertLess(abs(before - held - 2 * nbytes), RESET_SLACK, (before, held))
        self.assertEqual(self.outcome(self.k, "%reset -f")["stdout"], "")
        freed = available() - held
        self.assertLess(abs(freed - 2 * nbytes), RESET_SLACK, freed)


# How far the process view may move beside the arrays around a %reset: the cells' compiled code,
# their results' reprs and the deleted names' stand-ins, under 40 kB either way in a run of the test.
RESET_SLACK = 256 * 1024


if __name__ == "__main__":
    unittest.main()
