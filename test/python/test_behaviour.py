"""What users rely on, checked through the real jupyter_client against the real kernel."""
import json
import os
import re
import signal
import tempfile
import time
import unittest

import zmq

from kernel_client import Kernel, KernelTestCase


class Behaviour(KernelTestCase):
    def test_fifty_cells_with_prints_lose_no_output_and_nothing_follows_idle(self):
        for i in range(50):
            reply, msgs = self.k.run(f'for (let j = 0; j < 3; j++) console.log("cell {i} line " + j)\nsetTimeout(() => console.log("late {i}"), 0)\nawait new Promise(r => setTimeout(r, 1))')
            self.assertEqual(reply["content"]["status"], "ok")
            types = [m["msg_type"] for m in msgs]
            self.assertEqual(types[0], "status")
            self.assertEqual(types[1], "execute_input")
            self.assertEqual(types[-1], "status")
            text = self.k.text(msgs)
            self.assertEqual(text, "".join(f"cell {i} line {j}\n" for j in range(3)) + f"late {i}\n")
        stray = [m for m in self.k.drain_iopub() if m["msg_type"] == "stream"]
        self.assertEqual(stray, [])

    def test_type_error_is_reported_before_anything_runs(self):
        reply, msgs = self.k.run('console.log("ran")\nconst n: number = "not a number"')
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "TS2322")
        self.assertNotIn("ran", self.k.text(msgs))
        self.assertIn("line 2", "\n".join(reply["content"]["traceback"]))

    def test_runtime_error_points_at_cell_lines(self):
        self.k.run("function thrower() {\n  const a = 1\n  throw new RangeError('too far')\n}")
        reply, msgs = self.k.run("\nthrower()")
        c = reply["content"]
        self.assertEqual((c["ename"], c["evalue"]), ("RangeError", "too far"))
        tb = "\n".join(c["traceback"])
        self.assertRegex(tb, r"at thrower \(Cell In\[\d+\], line 3:")
        self.assertRegex(tb, r"Cell In\[\d+\], line 2:")
        self.assertNotIn("\x1b[", tb)

    def test_redeclaring_in_a_rerun_cell_works(self):
        for value in (1, 2):
            reply, msgs = self.k.run(f"const redeclared = {value}\nlet counter_{value} = {value}\nfunction fn() {{ return {value} }}\nclass K {{ v = {value} }}\ninterface Shape {{ v: number }}\nredeclared + fn() + new K().v")
            self.assertEqual(reply["content"]["status"], "ok", reply["content"])
            self.assertEqual(self.k.text(msgs), str(3 * value))

    def test_top_level_using_is_the_cells_own_and_disposed_as_a_block_disposes(self):
        # What each cell body logs, run by lazylab at a cell's top level and, for the expected
        # log, by TypeScript's own lowering of `using` in a block, in plain Node.
        bodies = [
            'using a = { [Symbol.dispose]() { log.push("a") } };\nusing b = { [Symbol.dispose]() { log.push("b") } };\nlog.push("body");',
            'using c = { [Symbol.dispose]() { log.push("c") } };\nlog.push("before");\nthrow new Error("boom");',
            'using d = { [Symbol.dispose]() { throw new Error("in dispose") } };\nusing e = { [Symbol.dispose]() { log.push("e") } };',
            'using f = { [Symbol.dispose]() { throw new Error("second") } };\nthrow new Error("first");',
            'await using g = { async [Symbol.asyncDispose]() { await new Promise((r) => setTimeout(r, 5)); log.push("g") } };\n'
            'using h = { [Symbol.dispose]() { log.push("h") } };\nawait using n = null;\nlog.push("body");',
        ]
        outcome = 'e ? [log, e.name, e.message, e.error?.message, e.suppressed?.message] : [log]'
        expected = [json.loads(self.node_with_typescript(
            f'const log = []; let e; try {{ {{ {body} }} }} catch (x) {{ e = x; }} console.log(JSON.stringify({outcome}));')) for body in bodies]
        for body, want in zip(bodies, expected):
            self.run_ok("let log: string[] = []")
            reply, _ = self.k.run(body)
            c = reply["content"]
            got = [json.loads(self.run_text("console.log(JSON.stringify(log))"))]
            if c["status"] == "error":
                got += [c["ename"], c["evalue"]]
            self.assertEqual(got[:3], want[:3], body)
        self.assertEqual(self.run_text('["a", "g", "n"].map((x) => x in globalThis).join()'), "'false,false,false'")
        # The cell's other declarations are globals as ever, and its value is its last expression.
        reply, msgs = self.k.run('using r = { [Symbol.dispose]() {} };\nconst afterUsing = 2;\nafterUsing * 3')
        self.assertEqual(self.k.text(msgs), "6", reply["content"])
        self.assertEqual(self.run_text("afterUsing"), "2")
        reply, _ = self.k.run("using bad = 5 as any")
        self.assertEqual((reply["content"]["ename"], reply["content"]["evalue"]), ("TypeError", "using: the value must be an object with a [Symbol.dispose]() method, not a number"))

    def test_declared_functions_and_classes_are_named_as_in_a_module(self):
        # A declaration made global is an assignment to a property, which does not name an
        # anonymous function or class as `const f = ...` does; f.name was "" and frames said
        # "at globalThis.f". The names must be what plain Node gives the same declarations.
        decls = ('const f1 = () => 1\nlet f2 = function () {}\nvar f3 = async () => {}\nconst C1 = class {}\n'
                 'const f4 = (() => 2)\nconst f5 = (() => 3) as () => number\nconst f6 = function kept() {}\n'
                 'const C2 = class { static name = "custom" }\nconst [f7] = [() => 4]\nconst f8 = function* () {}\n'
                 'const obj9 = { m: () => 5 }')
        names = 'JSON.stringify([f1.name, f2.name, f3.name, C1.name, f4.name, f5.name, f6.name, C2.name, f7.name, f8.name, obj9.m.name])'
        want = self.node_with_typescript(f"{decls}\nconsole.log({names});").strip()
        self.run_ok(decls)
        self.assertEqual(json.loads(self.run_text(f"console.log({names})")), json.loads(want))
        self.run_ok('const namedThrower = () => { throw new RangeError("named") }')
        reply, _ = self.k.run("namedThrower()")
        self.assertRegex("\n".join(reply["content"]["traceback"]), r"at namedThrower \(Cell In\[\d+\], line 1:")

    def test_an_error_shown_printed_or_read_as_a_value_reads_as_its_traceback(self):
        # Shown as a cell's value, printed with console.log or read as e.stack, an error showed
        # the compiled cell's file and positions and the executor's frames.
        self.run_ok('function makeShown() {\n  return new Error("shown", { cause: new TypeError("inner") })\n}')
        reply, msgs = self.k.run("const shownErr = makeShown()\nshownErr")
        value = self.k.text(msgs)
        printed = self.run_text("console.log(shownErr)")
        stack = self.run_text("console.log(shownErr.stack)")
        reply, _ = self.k.run("throw shownErr")
        traceback = reply["content"]["traceback"]
        frames = traceback[traceback.index("Error: shown") + 1:]
        self.assertRegex(frames[0], r"^    at makeShown \(Cell In\[\d+\], line 2:10\)$")
        self.assertRegex(frames[1], r"^    at Cell In\[\d+\], line 1:18$")
        self.assertEqual(stack.strip(), "\n".join(["Error: shown", *frames]))
        for text in (value, printed):
            self.assertTrue(text.startswith("\n".join(["Error: shown", *frames])), text)
            self.assertIn("[cause]: TypeError: inner", text)
            self.assertNotIn("lazylab-cell", text)
            self.assertNotIn("kernel/executor", text)

    def node_with_typescript(self, ts_code):
        """ts_code lowered by TypeScript (the kernel's own package) for Node 20, run in plain Node; its stdout."""
        import subprocess
        root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
        script = ("const ts = require('typescript'); const js = ts.transpileModule(process.argv[1], { compilerOptions: "
                  "{ target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS } }).outputText; "
                  "require('vm').runInThisContext('(async () => {' + js + '})()');")
        r = subprocess.run(["node", "-e", script, ts_code], cwd=root, capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def test_declare_global_in_a_cell_types_the_global_for_later_cells(self):
        reply, _ = self.k.run("declare global { var declaredInACell: number }\nglobalThis.declaredInACell = 4")
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])
        self.assertEqual(self.run_text("declaredInACell + 1"), "5")
        reply, _ = self.k.run('const wrong: string = declaredInACell')
        self.assertEqual(reply["content"]["ename"], "TS2322")

    def test_the_javascript_library_is_what_this_node_has(self):
        # The v flag of regular expressions (Node 20 has it) was refused under a fixed ES2022.
        self.assertEqual(self.run_text('"2026-12".match(/(?<y>\\d{4})/v)?.groups?.y'), "'2026'")
        version = self.run_text("process.version").strip("'")
        absent = self.run_text("(Object as any).groupBy === undefined") == "true"
        reply, msgs = self.k.run('Object.groupBy([1, 2, 3], (x) => (x % 2 ? "odd" : "even")).odd?.length')
        if absent:
            # Refused before it runs, saying why: not a 'lib' option the user could change.
            self.assertEqual(reply["content"]["ename"], "TS2550")
            self.assertIn(f"Node {version}, which runs this kernel, does not have it", reply["content"]["evalue"])
            self.assertNotIn("compiler option", reply["content"]["evalue"])
        else:
            self.assertEqual(self.k.text(msgs), "2", reply["content"])

    def test_let_from_an_earlier_cell_can_be_reassigned(self):
        self.k.run("let total = 1")
        self.k.run("total += 41")
        reply, msgs = self.k.run("total")
        self.assertEqual(self.k.text(msgs), "42")

    def test_undefined_prints_nothing_and_text_has_no_ansi(self):
        _, msgs = self.k.run("undefined")
        self.assertFalse([m for m in msgs if m["msg_type"] == "execute_result"])
        _, msgs = self.k.run('({ s: "x", n: [1, 2], d: new Date(0) })')
        text = self.k.text(msgs)
        self.assertNotIn("\x1b", text)
        self.assertIn("s: 'x'", text)

    def test_silent_publishes_nothing_and_does_not_count(self):
        before, _ = self.k.run("1")
        reply, msgs = self.k.run('console.log("quiet"); 5', silent=True)
        self.assertEqual(reply["content"]["execution_count"], before["content"]["execution_count"])
        self.assertEqual([m["msg_type"] for m in msgs], ["status", "status"])

    def test_store_history_false_does_not_count(self):
        a, _ = self.k.run("1", store_history=False)
        b, _ = self.k.run("1", store_history=False)
        self.assertEqual(a["content"]["execution_count"], b["content"]["execution_count"])

    def test_results_are_kept_in_out_by_execution_count(self):
        reply, _ = self.k.run("[1, 2, 3]")
        n = reply["content"]["execution_count"]
        _, msgs = self.k.run(f"Out[{n}]")
        self.assertEqual(self.k.text(msgs), "[ 1, 2, 3 ]")

    def test_user_expressions(self):
        self.k.run("const ue = 20")
        reply, _ = self.k.run("1", user_expressions={"double": "ue * 2", "bad": "nope.x"})
        ue = reply["content"]["user_expressions"]
        self.assertEqual(ue["double"]["data"]["text/plain"], "40")
        self.assertEqual(ue["bad"]["status"], "error")

    def test_stop_on_error_aborts_queued_cells(self):
        first = self.k.kc.execute('await new Promise(r => setTimeout(r, 300)); throw new Error("first")')
        second = self.k.kc.execute("2")
        third = self.k.kc.execute("3", stop_on_error=False)
        r1 = self.k.shell_reply(first)
        r2 = self.k.shell_reply(second)
        r3 = self.k.shell_reply(third)
        self.assertEqual(r1["content"]["status"], "error")
        self.assertEqual(r2["content"]["status"], "aborted")
        self.assertEqual(r3["content"]["status"], "aborted")
        reply, msgs = self.k.run("4")
        self.assertEqual(self.k.text(msgs), "4")

    def test_control_answers_while_a_cell_spins_and_interrupt_keeps_state(self):
        self.k.run("const kept = 'still here'")
        msg_id = self.k.kc.execute("while (true) {}")
        time.sleep(0.5)
        t = time.time()
        reply = self.k.control_request("kernel_info_request")
        self.assertEqual(reply["msg_type"], "kernel_info_reply")
        self.assertLess(time.time() - t, 1.0)
        self.k.km.interrupt_kernel()
        r = self.k.shell_reply(msg_id, timeout=10)
        self.assertEqual(r["content"]["ename"], "Interrupted")
        _, msgs = self.k.run("kept")
        self.assertEqual(self.k.text(msgs), "'still here'")

    def test_interrupt_after_await_and_of_a_pending_promise(self):
        self.k.run("const kept2 = 7")
        for code in ("await new Promise(r => setTimeout(r, 10)); while (true) {}", "await new Promise(() => {})"):
            msg_id = self.k.kc.execute(code)
            time.sleep(0.5)
            self.k.km.interrupt_kernel()
            self.assertEqual(self.k.shell_reply(msg_id, 10)["content"]["ename"], "Interrupted")
        _, msgs = self.k.run("kept2")
        self.assertEqual(self.k.text(msgs), "7")

    def test_sigint_to_the_kernel_interrupts_the_cell_not_the_kernel(self):
        self.k.run("const kept3 = 3")
        msg_id = self.k.kc.execute("while (true) {}")
        time.sleep(0.5)
        self.k.km.signal_kernel(signal.SIGINT)
        self.assertEqual(self.k.shell_reply(msg_id, 10)["content"]["ename"], "Interrupted")
        _, msgs = self.k.run("kept3")
        self.assertEqual(self.k.text(msgs), "3")

    def test_missigned_and_garbage_messages_are_ignored(self):
        kc = self.k.kc
        ctx = zmq.Context.instance()
        s = ctx.socket(zmq.DEALER)
        s.connect(f"tcp://{self.k.km.ip}:{self.k.km.shell_port}")
        header = json.dumps({"msg_id": "evil", "msg_type": "execute_request", "session": "x", "username": "x", "date": "", "version": "5.3"}).encode()
        content = json.dumps({"code": "globalThis.pwned = true"}).encode()
        s.send_multipart([b"<IDS|MSG>", b"0" * 64, header, b"{}", b"{}", content])
        s.send_multipart([b"<IDS|MSG>", b"", b"not json", b"{", b"}", b"]"])
        s.send_multipart([b"garbage"])
        time.sleep(0.3)
        self.assertEqual(s.poll(300), 0)
        s.close(0)
        _, msgs = self.k.run("typeof (globalThis as any).pwned")
        self.assertEqual(self.k.text(msgs), "'undefined'")

    def test_signed_but_invalid_content_gets_an_error_reply(self):
        msg = self.k.kc.session.msg("execute_request", {"code": 12})
        self.k.kc.shell_channel.send(msg)
        reply = self.k.shell_reply(msg["header"]["msg_id"])
        self.assertEqual(reply["content"]["status"], "error")
        self.assertIn("content.code", reply["content"]["evalue"])

    def test_unknown_request_gets_an_error_reply(self):
        msg = self.k.kc.session.msg("frobnicate_request", {})
        self.k.kc.shell_channel.send(msg)
        reply = self.k.shell_reply(msg["header"]["msg_id"])
        self.assertEqual(reply["msg_type"], "frobnicate_reply")
        self.assertEqual(reply["content"]["status"], "error")

    def test_input_over_stdin_and_refused_without_it(self):
        msg_id = self.k.kc.execute('const answer = await input("name? ")\n"hello " + answer', allow_stdin=True)
        req = self.k.kc.get_stdin_msg(timeout=10)
        self.assertEqual(req["content"]["prompt"], "name? ")
        self.k.kc.input("Ada")
        self.assertEqual(self.k.shell_reply(msg_id)["content"]["status"], "ok")
        self.assertEqual(self.k.text(self.k.iopub_until_idle(msg_id)), "'hello Ada'")
        reply, _ = self.k.run('await input("x")', allow_stdin=False)
        self.assertEqual(reply["content"]["ename"], "StdinNotAvailable")

    def test_display_update_in_place(self):
        _, msgs = self.k.run('display("50 %", { id: "p" })\ndisplay("100 %", { id: "p", update: true })')
        kinds = [(m["msg_type"], m["content"].get("transient", {}).get("display_id")) for m in msgs if "display" in m["msg_type"]]
        self.assertEqual(kinds, [("display_data", "p"), ("update_display_data", "p")])

    def test_executor_crash_is_reported_and_recovered(self):
        self.k.run("const doomed = 1")
        reply, _ = self.k.run("process.exit(3)")
        c = reply["content"]
        self.assertEqual(c["ename"], "ExecutorCrashed")
        self.assertIn("doomed", c["evalue"])
        reply, msgs = self.k.run("6 * 7")
        self.assertEqual(self.k.text(msgs), "42")


class FirstCell(unittest.TestCase):
    """A fresh kernel's first cell (docs/kernel.md, "Start"), told apart by the start trace
    (LAZYLAB_START_TRACE: marks appended in the order they happen)."""

    OUTPUT = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "test-output")

    def traced_kernel(self, name):
        os.makedirs(self.OUTPUT, exist_ok=True)
        trace = os.path.join(self.OUTPUT, f"start-trace-{name}.txt")
        if os.path.exists(trace):
            os.unlink(trace)
        return Kernel(env={"LAZYLAB_START_TRACE": trace}), trace

    @staticmethod
    def executor_marks(trace):
        with open(trace) as f:
            return [line.rstrip("\n").split(" ", 2)[2] for line in f if line.split(" ", 2)[1] == "executor"]

    def test_a_first_cell_that_uses_the_library_waits_for_the_warm_up(self):
        k, trace = self.traced_kernel("library")
        try:
            reply, msgs = k.run("np.arange(4).sum()")
            self.assertEqual(k.text(msgs), "6")
            # The executor writes its mark after it sends the result: the reply can come first.
            deadline = time.time() + 10
            while "first cell done" not in (marks := self.executor_marks(trace)) and time.time() < deadline:
                time.sleep(0.05)
            self.assertIn("first cell done", marks)
            self.assertLess(marks.index("warm-up done"), marks.index("first cell done"), marks)
        finally:
            k.close()

    def test_a_type_error_in_the_very_first_cell_stops_it_from_running(self):
        k = Kernel()
        try:
            reply, msgs = k.run('console.log("ran");\n(globalThis as any).touched = 1;\nconst n: number = "not a number"')
            self.assertEqual(reply["content"]["status"], "error")
            self.assertEqual(reply["content"]["ename"], "TS2322")
            self.assertNotIn("ran", k.text(msgs))
            reply, msgs = k.run('["touched" in globalThis, "n" in globalThis]')
            self.assertEqual(k.text(msgs).replace(" ", ""), "[false,false]")
        finally:
            k.close()


    def test_a_first_cell_that_names_nothing_gets_what_a_later_one_gets(self):
        # Checked on a program of its own while the full one is built (compiler/standalone-cell.ts),
        # run between the executor's warm-up steps: the same answer as once both are ready.
        k, trace = self.traced_kernel("standalone")
        try:
            first = k.run("const x: string = 1")[0]["content"]
            second = k.run("const first = 1 + 1")
            third = k.run("const x: string = 1")[0]["content"]
            self.assertEqual(first["status"], "error")
            # The same error but for the cell's name (In[1], In[3]).
            error = lambda c: json.loads(re.sub(r"In\[\d+\]", "In[n]", json.dumps({key: c[key] for key in ("ename", "evalue", "traceback")})))
            self.assertEqual(error(first), error(third))
            self.assertEqual(second[0]["content"]["status"], "ok")
            reply, msgs = k.run("first * 2")
            self.assertEqual(k.text(msgs), "4")
            reply, msgs = k.run("`${1 + 1} apples`")
            self.assertEqual(k.text(msgs), "'2 apples'")
            with open(trace) as f:
                self.assertTrue(any(line.endswith(" compiler first cell answered standalone\n") for line in f), "no cell was answered before the full program")
        finally:
            k.close()


class Imports(unittest.TestCase):
    def test_cjs_esm_and_builtin_imports_resolve_from_the_notebook_folder(self):
        with tempfile.TemporaryDirectory() as d:
            for name, pkg, src in (
                ("cjs-pkg", {"name": "cjs-pkg", "main": "index.js"}, "exports.twice = (x) => 2 * x; exports.kind = 'cjs';"),
                ("esm-pkg", {"name": "esm-pkg", "type": "module", "exports": {".": {"import": "./index.js"}}}, "export const kind = 'esm'; export default function hi() { return 'hi'; }"),
            ):
                os.makedirs(os.path.join(d, "node_modules", name))
                with open(os.path.join(d, "node_modules", name, "package.json"), "w") as f:
                    json.dump(pkg, f)
                with open(os.path.join(d, "node_modules", name, "index.js"), "w") as f:
                    f.write(src)
            k = Kernel(cwd=d)
            try:
                reply, _ = k.run('import { twice, kind } from "cjs-pkg"\n// @ts-ignore\nimport hi, { kind as k2 } from "esm-pkg"\nimport { join } from "node:path"\nimport type { Stats } from "fs"')
                self.assertEqual(reply["content"]["status"], "ok", reply["content"])
                reply, msgs = k.run("[twice(21), kind, hi(), k2, join('a', 'b')]")
                self.assertEqual(k.text(msgs).replace(" ", ""), "[42,'cjs','hi','esm','a/b']")
                reply, msgs = k.run('import { display as show } from "lazylab"\nshow === display')
                self.assertEqual(reply["content"]["status"], "ok", reply["content"])
            finally:
                k.close()


class Restart(unittest.TestCase):
    def test_restart_clears_state(self):
        k = Kernel()
        try:
            k.run("const before_restart = 1")
            k.km.restart_kernel(now=False)
            k.kc.wait_for_ready(timeout=60)
            reply, _ = k.run("before_restart")
            self.assertEqual(reply["content"]["ename"], "TS2304")
        finally:
            k.close()


if __name__ == "__main__":
    unittest.main()
