"""Which messages go on which channel (messaging spec 5.3), what the kernel does with a valid
message on the wrong one, and the launcher's stdio the kernel shares (issue 18, part 2).
Checked through Debian's jupyter_client, whose execute_interactive takes any message on
stdin for an input_request."""
import json
import os
import queue
import re
import tempfile
import threading
import time
import unittest

import zmq
from jupyter_client.session import Session

from kernel_client import Kernel

OUTPUT = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "test-output")

# Every type a client can send, plus some it should not: none of them belongs on stdin.
REQUEST_TYPES = {
    "execute_request": {"code": "globalThis.ranFromStdin = true", "silent": False},
    "complete_request": {"code": "Mat", "cursor_pos": 3},
    "inspect_request": {"code": "Math", "cursor_pos": 2},
    "is_complete_request": {"code": "1"},
    "history_request": {"hist_access_type": "tail", "n": 1},
    "kernel_info_request": {},
    "comm_info_request": {},
    "connect_request": {},
    "interrupt_request": {},
    "shutdown_request": {"restart": False},
    "debug_request": {"type": "request", "seq": 1, "command": "initialize", "arguments": {}},
    "comm_open": {"comm_id": "c1", "target_name": "jupyter.widget", "data": {}},
    "comm_msg": {"comm_id": "c1", "data": {}},
    "comm_close": {"comm_id": "c1", "data": {}},
    "frobnicate_request": {},
    "execute_reply": {"status": "ok"},
    "input_request": {"prompt": "?", "password": False},
}


def log_text(log):
    log.flush()
    with open(log.name, encoding="utf8", errors="replace") as f:
        return f.read()


class StdinChannel(unittest.TestCase):
    def test_stray_requests_on_stdin_get_no_answer_and_execute_interactive_keeps_working(self):
        log = tempfile.NamedTemporaryFile(prefix="lazylab-channels-", suffix=".log", delete=False)
        k = Kernel(stderr=log)
        try:
            kc = k.kc
            for msg_type, content in REQUEST_TYPES.items():
                kc.session.send(kc.stdin_channel.socket, msg_type, content)
            time.sleep(0.5)  # let them all arrive before the first execute
            on_stdin = []
            outputs = []
            for i in range(20):
                reply = kc.execute_interactive(f"{i} * 2", timeout=30, stdin_hook=on_stdin.append,
                                               output_hook=lambda m: outputs.append(m))
                self.assertEqual(reply["content"]["status"], "ok", reply["content"])
            results = [m["content"]["data"]["text/plain"] for m in outputs if m["msg_type"] == "execute_result"]
            self.assertEqual(results, [str(i * 2) for i in range(20)])
            self.assertEqual(on_stdin, [])
            with self.assertRaises(queue.Empty, msg="the kernel sent something on stdin"):
                kc.get_stdin_msg(timeout=0.3)
            # nothing sent on stdin ran: neither the execute nor the shutdown
            self.assertTrue(k.km.is_alive())
            _, msgs = k.run("typeof (globalThis as any).ranFromStdin")
            self.assertEqual(k.text(msgs), "'undefined'")
            lines = re.findall(r"ignored a message on stdin: .*", log_text(log))
            self.assertEqual(len(lines), 1, lines)
            self.assertIn("stdin carries only input_reply", lines[0])
        finally:
            k.close()
            log.close()
            os.unlink(log.name)

    def test_input_still_works_after_strays_and_input_reply_elsewhere_is_dropped(self):
        log = tempfile.NamedTemporaryFile(prefix="lazylab-channels-", suffix=".log", delete=False)
        k = Kernel(stderr=log)
        try:
            kc = k.kc
            kc.session.send(kc.stdin_channel.socket, "kernel_info_request", {})
            kc.session.send(kc.shell_channel.socket, "input_reply", {"value": "on shell"})
            answers = []

            def answer(msg):
                answers.append(msg["content"]["prompt"])
                kc.input("typed")

            reply = kc.execute_interactive('const got = await input("name? ")\ngot', timeout=30, stdin_hook=answer, output_hook=lambda m: None)
            self.assertEqual(reply["content"]["status"], "ok")
            self.assertEqual(answers, ["name? "])
            _, msgs = k.run("got")
            self.assertEqual(k.text(msgs), "'typed'")
            with self.assertRaises(queue.Empty, msg="input_reply on shell was answered"):
                kc.get_shell_msg(timeout=0.3)
            self.assertIn("input_reply dropped: input_reply belongs on stdin", log_text(log))
        finally:
            k.close()
            log.close()
            os.unlink(log.name)


class OneKernel(unittest.TestCase):
    """One kernel for the class's tests."""

    @classmethod
    def setUpClass(cls):
        cls.k = Kernel()

    @classmethod
    def tearDownClass(cls):
        cls.k.close()


class ShellAndControl(OneKernel):
    def shell_request(self, msg_type, content):
        kc = self.k.kc
        msg = kc.session.msg(msg_type, content)
        kc.shell_channel.send(msg)
        return self.k.shell_reply(msg["header"]["msg_id"], timeout=10)

    def test_every_shell_request_is_answered_on_control_with_the_same_content(self):
        self.k.run("const onControl = 41")
        for msg_type, content in [
            ("complete_request", {"code": "onCont", "cursor_pos": 6}),
            ("inspect_request", {"code": "onControl", "cursor_pos": 3, "detail_level": 0}),
            ("is_complete_request", {"code": "function f() {"}),
            ("history_request", {"hist_access_type": "tail", "n": 3, "output": False, "raw": True}),
            ("comm_info_request", {}),
            ("connect_request", {}),
            ("kernel_info_request", {}),
        ]:
            on_shell = self.shell_request(msg_type, content)
            on_control = self.k.control_request(msg_type, content)
            want = msg_type.replace("_request", "_reply")
            self.assertEqual((on_shell["msg_type"], on_control["msg_type"]), (want, want))
            self.assertEqual(on_control["content"], on_shell["content"], msg_type)
            self.assertNotEqual(on_control["content"].get("status"), "error", on_control["content"])
        ports = self.shell_request("connect_request", {})["content"]
        km = self.k.km
        self.assertEqual(ports, {"shell_port": km.shell_port, "iopub_port": km.iopub_port, "stdin_port": km.stdin_port,
                                 "hb_port": km.hb_port, "control_port": km.control_port})

    def test_execute_on_control_runs_in_turn_and_is_answered_on_control(self):
        reply = self.k.control_request("execute_request", {"code": "onControl + 1", "silent": False}, timeout=30)
        self.assertEqual(reply["msg_type"], "execute_reply")
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])
        msgs = self.k.iopub_until_idle(reply["parent_header"]["msg_id"])
        self.assertEqual(self.k.text(msgs), "42")

    def test_control_completes_while_a_cell_runs(self):
        # A first cell that names a global waits for the compiler's full program, which completion needs
        # (a cell such as `1` is answered without it: docs/kernel.md, "Start").
        self.k.run("Math.max(1)")
        # The cell runs until the test lets it end (a file appears), not for a fixed time: the
        # completion must come while it still runs, however long a loaded machine takes to
        # compile the cell and answer (a 3 s cell and a 2.5 s bound on the answer were a race).
        os.makedirs(OUTPUT, exist_ok=True)
        release = os.path.join(OUTPUT, "channels-release-cell")
        if os.path.exists(release):
            os.unlink(release)
        msg_id = self.k.kc.execute('import { existsSync } from "node:fs"\n'
                                   f"await new Promise<void>((r) => {{ const t = setInterval(() => {{ if (existsSync({json.dumps(release)})) {{ clearInterval(t); r(); }} }}, 20); }})")
        try:
            reply = self.k.control_request("complete_request", {"code": "Mat", "cursor_pos": 3}, timeout=30)
            self.assertIn("Math", reply["content"]["matches"])
            with self.assertRaises(queue.Empty, msg="the cell ended before the completion was answered"):
                self.k.kc.get_shell_msg(timeout=0.1)
        finally:
            open(release, "w").close()
        self.assertEqual(self.k.shell_reply(msg_id)["content"]["status"], "ok")
        os.unlink(release)

    def test_interrupt_request_on_shell_is_answered_in_order(self):
        reply = self.shell_request("interrupt_request", {})
        self.assertEqual((reply["msg_type"], reply["content"]), ("interrupt_reply", {"status": "ok"}))
        r, msgs = self.k.run("1 + 1")
        self.assertEqual((r["content"]["status"], self.k.text(msgs)), ("ok", "2"))

    def test_comm_open_to_an_unknown_target_is_closed_at_once_on_iopub(self):
        self.k.drain_iopub(wait=0.1)
        msg = self.k.kc.session.msg("comm_open", {"comm_id": "widget-1", "target_name": "jupyter.widget", "data": {}})
        self.k.kc.shell_channel.send(msg)
        got = self.k.iopub_until_idle(msg["header"]["msg_id"], timeout=10)
        self.assertEqual([m["msg_type"] for m in got], ["status", "comm_close", "status"])
        self.assertEqual(got[1]["content"], {"comm_id": "widget-1", "data": {}})
        with self.assertRaises(queue.Empty, msg="comm_open was answered on shell"):
            self.k.kc.get_shell_msg(timeout=0.3)

    def test_an_unknown_request_type_gets_an_error_reply_on_its_channel(self):
        for ask in (lambda: self.shell_request("frobnicate_request", {}), lambda: self.k.control_request("frobnicate_request", {})):
            r = ask()
            self.assertEqual((r["msg_type"], r["content"]["status"], r["content"]["ename"]), ("frobnicate_reply", "error", "UnknownMessageType"))


class LauncherStdio(unittest.TestCase):
    PAYLOAD = 8 * 2**20

    def big_write_through(self, fd, reader_delay):
        """Writes PAYLOAD bytes of \\x01 to a dup of fd as a launcher would (one buffered write),
        while another thread starts reading after reader_delay seconds; returns (error, bytes of
        the payload that came through)."""
        r = self.read_end
        seen = bytearray()
        stop = threading.Event()

        def read():
            time.sleep(reader_delay)
            while not stop.is_set() or r_ready():
                if r_ready():
                    seen.extend(os.read(r, 1 << 16))

        def r_ready():
            import select
            return bool(select.select([r], [], [], 0.05)[0])

        t = threading.Thread(target=read)
        t.start()
        error = None
        try:
            with os.fdopen(os.dup(fd), "wb") as f:
                f.write(b"\x01" * self.PAYLOAD)
                f.flush()
        except OSError as e:
            error = e
        time.sleep(0.3)
        stop.set()
        t.join()
        return error, seen.count(b"\x01")

    def test_the_launchers_stdout_and_stderr_stay_blocking_and_take_a_large_write(self):
        self.read_end, w = os.pipe()
        k = Kernel(stdout=w, stderr=w)
        try:
            self.assertTrue(os.get_blocking(w), "the kernel left the launcher's pipe non-blocking after start")
            # the kernel writes to its stderr (a dropped message is logged) and runs a cell
            k.kc.session.send(k.kc.stdin_channel.socket, "kernel_info_request", {})
            r, msgs = k.run('console.log("hi"); process.stderr.write("")')
            self.assertEqual(r["content"]["status"], "ok")
            self.assertTrue(os.get_blocking(w), "the kernel left the launcher's pipe non-blocking after a cell")
            error, through = self.big_write_through(w, reader_delay=0.5)
            self.assertIsNone(error)
            self.assertEqual(through, self.PAYLOAD)
            # the check can fail: the same write to a non-blocking pipe is cut short
            os.set_blocking(w, False)
            error, through = self.big_write_through(w, reader_delay=0.5)
            os.set_blocking(w, True)
            self.assertIsInstance(error, BlockingIOError)
            self.assertLess(through, self.PAYLOAD)
        finally:
            k.close()
            os.close(w)
            os.close(self.read_end)


class IOPubWelcome(OneKernel):
    """Each new iopub subscriber gets one signed `iopub_welcome` (JEP 65, messaging 5.5) once its
    subscription is in place. Without it a client that waits for an iopub message before trusting
    the channel (jupyter_client's wait_for_ready: 0.2 s, then another kernel_info) lost that wait
    whenever the kernel's first status went out before the subscription had arrived: 3 of 5 fresh
    kernels here sent kernel_info twice. Like any iopub message the welcome goes to every
    subscriber whose topic it matches (a PUB socket cannot address one); it has no parent, so
    clients waiting for their own requests' messages pass over it (the conformance suite, nbclient)."""

    def subscriber(self, topic=b""):
        s = zmq.Context.instance().socket(zmq.SUB)
        s.setsockopt(zmq.LINGER, 0)
        s.setsockopt(zmq.SUBSCRIBE, topic)
        s.connect(f"tcp://{self.k.km.ip}:{self.k.km.iopub_port}")
        self.addCleanup(s.close, 0)
        return s

    def received(self, s, seconds):
        """The messages s receives within `seconds`, each checked against the session's key."""
        # A session of its own: the client's has seen these signatures on its own iopub socket.
        session = Session(key=self.k.kc.session.key, signature_scheme=self.k.kc.session.signature_scheme)
        out = []
        deadline = time.time() + seconds
        while s.poll(max(1, int((deadline - time.time()) * 1000))):
            _, frames = session.feed_identities(s.recv_multipart())
            out.append(session.deserialize(frames))  # raises on a bad signature
            if time.time() > deadline:
                break
        return out

    def test_each_new_subscriber_gets_one_welcome_naming_its_subscription(self):
        for topic in (b"", b"", b"kernel."):
            s = self.subscriber(topic)
            msgs = self.received(s, 1.5)
            welcomes = [m for m in msgs if m["header"]["msg_type"] == "iopub_welcome"]
            self.assertEqual(len(welcomes), 1, [m["header"]["msg_type"] for m in msgs])
            self.assertEqual(welcomes[0]["content"], {"subscription": topic.decode()})
            self.assertEqual(welcomes[0]["parent_header"], {})


if __name__ == "__main__":
    unittest.main()
