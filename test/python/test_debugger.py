"""Jupyter's debugger protocol (debug_request on control, debug_event on iopub) driven through
Debian's jupyter_client, in the order JupyterLab's debugger panel sends it (and ipykernel's own
test_debugger.py): initialize, attach, dumpCell, setBreakpoints, configurationDone, run the cell,
stopped event, stackTrace, scopes, variables, next, continue, disconnect."""
import itertools
import os
import queue
import shutil
import tempfile
import time
import unittest

from ipykernel.compiler import murmur2_x86, get_tmp_hash_seed

from kernel_client import Kernel

TIMEOUT = 30
seq = itertools.count(1)

# The kernels' temporary folder, where dumpCell writes: under test-output, so a kernel the
# suite kills (Kernel.close) leaves nothing behind in the machine's /tmp.
TMP = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "test-output", "tmp")


def kernel_tmp(prefix):
    """A new folder under TMP for one kernel's temporary files (the caller removes it)."""
    os.makedirs(TMP, exist_ok=True)
    return tempfile.mkdtemp(prefix=prefix, dir=TMP)

# Breakpoint on line 2; `next` goes to line 3.
CELL = "const a = 41;\nconst b = a + 1;\nconst c = b * 2;\nc"


class Debugger(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = kernel_tmp("debugger-")
        cls.k = Kernel(env={"TMPDIR": cls.tmp})
        cls.kc = cls.k.kc

    @classmethod
    def tearDownClass(cls):
        cls.k.close()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self):
        self.passed = []
        self.k.drain_iopub(0.1)
        r = self.debug("initialize", {"clientID": "test", "clientName": "jupyter_client", "adapterID": "", "pathFormat": "path",
                                      "linesStartAt1": True, "columnsStartAt1": True, "supportsVariableType": True,
                                      "supportsVariablePaging": True, "supportsRunInTerminalRequest": True, "locale": "en"})
        self.assertTrue(r["success"], r)
        self.assertTrue(self.debug("attach")["success"])

    def tearDown(self):
        self.debug("disconnect", {"restart": False, "terminateDebuggee": True})

    # ---- helpers --------------------------------------------------------------------------

    def debug_raw(self, content, timeout=TIMEOUT):
        msg = self.kc.session.msg("debug_request", content)
        self.kc.control_channel.send(msg)
        deadline = time.time() + timeout
        while True:
            reply = self.kc.get_control_msg(timeout=max(0.1, deadline - time.time()))
            if reply["parent_header"].get("msg_id") == msg["header"]["msg_id"]:
                self.assertEqual(reply["msg_type"], "debug_reply")
                return reply["content"]

    def debug(self, command, arguments=None):
        return self.debug_raw({"type": "request", "seq": next(seq), "command": command, "arguments": arguments or {}})

    def wait_event(self, event, timeout=TIMEOUT):
        """The next debug event named `event`; the iopub messages before it go to self.passed."""
        deadline = time.time() + timeout
        while True:
            m = self.kc.get_iopub_msg(timeout=max(0.1, deadline - time.time()))
            if m["msg_type"] == "debug_event" and m["content"]["event"] == event:
                return m["content"]
            self.passed.append(m)

    def break_at(self, code, lines):
        path = self.debug("dumpCell", {"code": code})["body"]["sourcePath"]
        r = self.debug("setBreakpoints", {"breakpoints": [{"line": n} for n in lines], "source": {"path": path}, "sourceModified": False})
        self.assertTrue(self.debug("configurationDone")["success"])
        return path, r

    def top_frame(self):
        frames = self.debug("stackTrace", {"threadId": 1})["body"]["stackFrames"]
        self.assertTrue(frames, "no stack frames while stopped")
        return frames[0]

    def variables_of(self, frame_id, scope_name):
        scopes = self.debug("scopes", {"frameId": frame_id})["body"]["scopes"]
        ref = next(s["variablesReference"] for s in scopes if s["name"] == scope_name)
        return {v["name"]: v for v in self.debug("variables", {"variablesReference": ref})["body"]["variables"]}

    def shell_reply(self, msg_id):
        return self.k.shell_reply(msg_id, TIMEOUT)

    # ---- tests ----------------------------------------------------------------------------

    def test_kernel_info_announces_the_debugger(self):
        self.kc.kernel_info()
        info = self.kc.get_shell_msg(timeout=TIMEOUT)
        self.assertIs(info["content"]["debugger"], True)
        spec = self.k.km.kernel_spec
        self.assertIs(spec.metadata.get("debugger"), True)

    def test_attach_sends_initialized(self):
        # JupyterLab opens its debugger sidebar on this event (debugpy sends it on attach).
        self.debug("disconnect", {"restart": False, "terminateDebuggee": True})
        self.assertTrue(self.debug("attach")["success"])
        self.wait_event("initialized")

    def test_modules_is_answered_with_no_modules(self):
        # JupyterLab asks after every cell, for its Kernel Sources panel.
        r = self.debug("modules", {})
        self.assertTrue(r["success"], r)
        self.assertEqual(r["body"]["modules"], [])

    def test_output_before_a_stop_is_shown_while_stopped(self):
        code = 'console.log("before the stop");\nconst s = 1;\ns'
        self.break_at(code, [2])
        msg_id = self.kc.execute(code)
        self.wait_event("stopped")
        deadline = time.time() + 5
        while not any(m["msg_type"] == "stream" and "before the stop" in m["content"]["text"] for m in self.passed):
            self.assertLess(time.time(), deadline, "console.log's line was not sent while the cell is stopped")
            try:
                self.passed.append(self.kc.get_iopub_msg(timeout=0.2))
            except queue.Empty:
                pass
        self.debug("continue", {"threadId": 1})
        self.assertEqual(self.shell_reply(msg_id)["content"]["status"], "ok")

    def test_evaluate_takes_typescript(self):
        code = "const n = 20;\nconst arr = np.arange(4);\nn"
        self.break_at(code, [3])
        msg_id = self.kc.execute(code)
        self.wait_event("stopped")
        frame = self.top_frame()

        def evaluate(expression, **kw):
            return self.debug("evaluate", {"expression": expression, "frameId": frame["id"], "context": "repl", **kw})

        # Type assertions, annotations and generics are TypeScript only: V8 alone rejects them.
        self.assertEqual(evaluate("(n as number) * 2 + 2")["body"]["result"], "42")
        self.assertEqual(evaluate("((v: number): number => v + 1)(n)")["body"]["result"], "21")
        self.assertEqual(evaluate("new Map<string, number>([['k', n]]).get('k')!")["body"]["result"], "20")
        self.assertEqual(evaluate("(arr.sum() as number) + n")["body"]["result"], "26")
        bad = evaluate("n +")
        self.assertIs(bad["success"], False)
        self.assertIn("SyntaxError", bad["message"])
        self.debug("continue", {"threadId": 1})
        self.assertEqual(self.shell_reply(msg_id)["content"]["status"], "ok")

    def test_dump_cell_names_the_file_by_ipykernels_murmur2(self):
        code = "let é = 'x';\nconsole.log(é) // 漢字 🎉"
        path = self.debug("dumpCell", {"code": code})["body"]["sourcePath"]
        info = self.debug("debugInfo")["body"]
        self.assertEqual(info["hashMethod"], "Murmur2")
        self.assertEqual(info["hashSeed"], get_tmp_hash_seed())
        self.assertEqual(info["tmpFileSuffix"], ".ts")
        # JupyterLab computes the same name from the cell's text: prefix + murmur2 + suffix.
        self.assertEqual(path, f"{info['tmpFilePrefix']}{murmur2_x86(code, info['hashSeed'])}{info['tmpFileSuffix']}")
        with open(path, encoding="utf-8") as f:
            self.assertEqual(f.read(), code)
        self.assertEqual(self.debug("source", {"source": {"path": path}})["body"]["content"], code)

    def test_breakpoint_stack_variables_next_continue(self):
        path, r = self.break_at(CELL, [2])
        self.assertEqual([(b["line"], b["verified"]) for b in r["body"]["breakpoints"]], [(2, True)])
        info = self.debug("debugInfo")["body"]
        self.assertEqual(info["breakpoints"], [{"source": path, "breakpoints": [{"line": 2}]}])
        msg_id = self.kc.execute(CELL)
        stopped = self.wait_event("stopped")
        self.assertEqual(stopped["body"]["reason"], "breakpoint")
        self.assertEqual(stopped["body"]["threadId"], 1)
        # Control is answered while the cell is stopped.
        self.assertIs(self.k.control_request("kernel_info_request")["content"]["debugger"], True)
        self.assertEqual(self.debug("debugInfo")["body"]["stoppedThreads"], [1])
        frame = self.top_frame()
        self.assertEqual((frame["line"], frame["source"]["path"]), (2, path))
        # A top-level statement's frame is the compiler's wrapper: its empty locals are not
        # listed, so the panel, which opens on the first scope, shows the cell's names.
        self.assertEqual([s["name"] for s in self.debug("scopes", {"frameId": frame["id"]})["body"]["scopes"]], ["Globals"])
        globals_ = self.variables_of(frame["id"], "Globals")
        self.assertEqual(globals_["a"]["value"], "41")
        # The type names JupyterLab's variables tree shows a value for (it shows the type otherwise).
        self.assertEqual(globals_["a"]["type"], "int")
        self.assertNotIn("b", globals_)
        self.assertNotIn("np", globals_)
        self.assertEqual(self.debug("evaluate", {"expression": "a + 1", "frameId": frame["id"], "context": "repl"})["body"]["result"], "42")
        self.assertTrue(self.debug("next", {"threadId": 1})["success"])
        self.assertEqual(self.wait_event("stopped")["body"]["reason"], "step")
        self.assertEqual(self.top_frame()["line"], 3)
        # A new stop, new frame ids (as debugpy's): JupyterLab keeps its selected frame, and
        # its current-line marker, when a frame of the same id comes back.
        self.assertNotEqual(self.top_frame()["id"], frame["id"])
        self.assertIs(self.debug("scopes", {"frameId": frame["id"]})["success"], False)
        # JupyterLab's rich view of a variable asks again with the id it was opened with.
        rich = self.debug("richInspectVariables", {"variableName": "b", "frameId": frame["id"]})
        self.assertEqual(rich["body"]["data"]["text/plain"], "42")
        self.assertEqual(self.variables_of(self.top_frame()["id"], "Globals")["b"]["value"], "42")
        self.assertTrue(self.debug("continue", {"threadId": 1})["success"])
        reply = self.shell_reply(msg_id)
        self.assertEqual(reply["content"]["status"], "ok")
        self.assertEqual(self.debug("debugInfo")["body"]["stoppedThreads"], [])

    def test_kernel_is_usable_after_disconnect(self):
        self.break_at(CELL, [2])
        msg_id = self.kc.execute(CELL)
        self.wait_event("stopped")
        self.assertTrue(self.debug("disconnect", {"restart": False, "terminateDebuggee": True})["success"])
        self.assertEqual(self.shell_reply(msg_id)["content"]["status"], "ok")
        # No breakpoint stops the same cell once the debugger is gone.
        reply, msgs = self.k.run(CELL)
        self.assertEqual(reply["content"]["status"], "ok")
        self.assertEqual(self.k.text(msgs), "84")

    def test_step_in_and_out_of_a_function(self):
        code = "function twice(x: number) {\n  const y = x * 2;\n  return y;\n}\nconst r = twice(20);\nr + 1"
        self.break_at(code, [5])
        msg_id = self.kc.execute(code)
        self.wait_event("stopped")
        self.debug("stepIn", {"threadId": 1})
        self.wait_event("stopped")
        frame = self.top_frame()
        self.assertEqual((frame["name"], frame["line"]), ("twice", 2))
        self.assertEqual(self.debug("scopes", {"frameId": frame["id"]})["body"]["scopes"][0]["name"], "Locals")
        self.assertEqual(self.variables_of(frame["id"], "Locals")["x"]["value"], "20")
        self.debug("stepOut", {"threadId": 1})
        self.wait_event("stopped")
        # Each top-level statement runs in a frame of its own (compiler/statement-frames.ts):
        # returning from `twice` finishes line 5's statement, so the step ends on line 6.
        frame = self.top_frame()
        self.assertEqual((frame["name"], frame["line"]), ("<cell>", 6))
        self.debug("continue", {"threadId": 1})
        self.assertEqual(self.shell_reply(msg_id)["content"]["status"], "ok")

    def test_a_top_level_loop_variable_is_in_the_first_scope(self):
        code = "let sum = 0;\nfor (let i = 0; i < 3; i++) {\n  sum += i;\n}\nsum"
        path, _ = self.break_at(code, [3])
        msg_id = self.kc.execute(code)
        self.wait_event("stopped")
        frame = self.top_frame()
        scopes = self.debug("scopes", {"frameId": frame["id"]})["body"]["scopes"]
        self.assertEqual(scopes[-1]["name"], "Globals")
        first = {v["name"]: v for v in self.debug("variables", {"variablesReference": scopes[0]["variablesReference"]})["body"]["variables"]}
        self.assertEqual(first["i"]["value"], "0", scopes)
        self.assertEqual(self.variables_of(frame["id"], "Globals")["sum"]["value"], "0")
        # The loop would stop there twice more.
        self.debug("setBreakpoints", {"breakpoints": [], "source": {"path": path}})
        self.debug("continue", {"threadId": 1})
        self.assertEqual(self.shell_reply(msg_id)["content"]["status"], "ok")

    def test_arrays_show_dtype_shape_and_elements(self):
        code = "const arr = np.arange(6).reshape([2, 3]);\nconst lazy = da.ones([4, 4], { chunks: 2 });\n1"
        self.break_at(code, [3])
        msg_id = self.kc.execute(code)
        self.wait_event("stopped")
        frame = self.top_frame()
        g = self.variables_of(frame["id"], "Globals")
        self.assertTrue(g["arr"]["type"].startswith("NDArray int64 (2, 3)"), g["arr"])
        self.assertTrue(g["arr"]["value"].startswith("array("), g["arr"])
        rows = {v["name"]: v for v in self.debug("variables", {"variablesReference": g["arr"]["variablesReference"]})["body"]["variables"]}
        self.assertEqual(rows["dtype"]["value"], '"int64"')
        self.assertIn("[1]", rows)
        row = {v["name"]: v for v in self.debug("variables", {"variablesReference": rows["[1]"]["variablesReference"]})["body"]["variables"]}
        self.assertEqual(row["[2]"]["value"], "5")
        self.assertTrue(g["lazy"]["type"].startswith("LazyArray float64 (4, 4)"), g["lazy"])
        lazy = {v["name"]: v for v in self.debug("variables", {"variablesReference": g["lazy"]["variablesReference"]})["body"]["variables"]}
        self.assertIn("chunks", lazy)
        rich = self.debug("richInspectVariables", {"variableName": "arr", "frameId": frame["id"]})
        self.assertTrue(rich["success"], rich)
        self.assertIn("text/plain", rich["body"]["data"])
        self.debug("continue", {"threadId": 1})
        self.assertEqual(self.shell_reply(msg_id)["content"]["status"], "ok")
        table = {v["name"]: v for v in self.debug("inspectVariables")["body"]["variables"]}
        self.assertIn("arr", table)

    def test_copy_to_globals_from_a_stopped_frame(self):
        code = "function f(v: number) {\n  return v + 1;\n}\nf(7)"
        self.break_at(code, [2])
        msg_id = self.kc.execute(code)
        self.wait_event("stopped")
        frame = self.top_frame()
        self.assertTrue(self.debug("copyToGlobals", {"srcVariableName": "v", "dstVariableName": "copied", "srcFrameId": frame["id"]})["success"])
        self.debug("continue", {"threadId": 1})
        self.shell_reply(msg_id)
        self.assertEqual(self.debug("evaluate", {"expression": "copied"})["body"]["result"], "7")

    def test_interrupt_while_stopped_ends_the_cell_with_interrupted(self):
        self.k.run("const kept = 5")
        self.break_at(CELL, [2])
        msg_id = self.kc.execute(CELL)
        self.wait_event("stopped")
        self.k.km.interrupt_kernel()
        reply = self.shell_reply(msg_id)
        self.assertEqual((reply["content"]["status"], reply["content"]["ename"]), ("error", "Interrupted"))
        self.wait_event("continued")
        self.debug("disconnect")
        reply, msgs = self.k.run("kept + 1")
        self.assertEqual(self.k.text(msgs), "6")

    def test_restart_while_stopped_gives_a_working_kernel(self):
        self.break_at(CELL, [2])
        self.kc.execute(CELL)
        self.wait_event("stopped")
        self.k.km.restart_kernel(now=False)
        self.kc.wait_for_ready(timeout=60)
        self.k.drain_iopub(0.3)
        reply, msgs = self.k.run("6 * 7")
        self.assertEqual(self.k.text(msgs), "42")

    def test_pause_stops_a_spinning_cell(self):
        msg_id = self.kc.execute("let spins = 0;\nwhile (true) {\n  spins++;\n}")
        time.sleep(0.5)
        self.assertTrue(self.debug("pause", {"threadId": 1})["success"])
        self.assertEqual(self.wait_event("stopped")["body"]["reason"], "pause")
        self.assertIn(self.top_frame()["line"], (2, 3))
        self.k.km.interrupt_kernel()
        self.assertEqual(self.shell_reply(msg_id)["content"]["ename"], "Interrupted")

    # ---- bad input ------------------------------------------------------------------------

    def test_unknown_command_fails_with_a_message(self):
        r = self.debug("teleport")
        self.assertIs(r["success"], False)
        self.assertIn("teleport", r["message"])

    def test_breakpoint_on_a_line_without_code_is_unverified(self):
        code = "const p = 1;\n\n// only a comment\nconst q = p + 1;"
        _, r = self.break_at(code, [1, 2, 3, 4])
        self.assertEqual([b["verified"] for b in r["body"]["breakpoints"]], [True, False, False, True])
        # Once the cell has run, the answer comes from its source map.
        self.debug("setBreakpoints", {"breakpoints": [], "source": {"path": self.debug("dumpCell", {"code": code})["body"]["sourcePath"]}})
        self.k.run(code)
        _, r = self.break_at(code, [2, 4])
        self.assertEqual([b["verified"] for b in r["body"]["breakpoints"]], [False, True])
        self.debug("setBreakpoints", {"breakpoints": [], "source": {"path": self.debug("dumpCell", {"code": code})["body"]["sourcePath"]}})

    def test_malformed_requests_never_stop_the_kernel(self):
        for content in [{}, {"type": "request", "seq": 1}, {"command": 42}, {"command": "variables", "arguments": [1, 2]},
                        {"command": "setBreakpoints", "arguments": {"source": {}, "breakpoints": "x"}},
                        {"command": "variables", "arguments": {"variablesReference": 99999}},
                        {"command": "stackTrace", "arguments": {}}, {"command": "constructor"}]:
            r = self.debug_raw(content)
            self.assertIs(r["success"], False, content)
            self.assertTrue(r["message"], content)
        reply, msgs = self.k.run("40 + 2")
        self.assertEqual(self.k.text(msgs), "42")


class DumpedCellsFolder(unittest.TestCase):
    def test_a_kernel_shut_down_removes_its_folder_of_dumped_cells(self):
        tmp = kernel_tmp("debugger-exit-")
        k = Kernel(env={"TMPDIR": tmp})
        try:
            reply = k.control_request("debug_request", {"type": "request", "seq": 1, "command": "dumpCell", "arguments": {"code": "const z = 1;"}}, timeout=TIMEOUT)
            path = reply["content"]["body"]["sourcePath"]
            folder = os.path.dirname(path)
            self.assertEqual(os.path.dirname(folder), tmp, path)
            self.assertTrue(os.path.isfile(path), path)
            # A shutdown_request, as a frontend sends on closing the notebook.
            k.km.shutdown_kernel(now=False)
            self.assertFalse(k.km.is_alive())
            if os.path.exists(folder):
                self.fail(f"{folder} is still there after the kernel exited: {os.listdir(folder)}")
        finally:
            k.close()
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
