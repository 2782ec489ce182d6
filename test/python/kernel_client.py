"""A lazylab kernel started through Debian's jupyter_client, with helpers the tests share."""
import os
import queue
import time
import unittest

import jupyter_client


class Kernel:
    def __init__(self, cwd=None, name="lazylab", env=None, stderr=None, stdout=None):
        """env: extra environment variables for the kernel; stderr: a file the kernel's log goes to;
        stdout: the kernel's stdout (by default both are this process's own)."""
        kw = {}
        if env:
            kw["env"] = {**os.environ, **env}
        if stderr is not None:
            kw["stderr"] = stderr
        if stdout is not None:
            kw["stdout"] = stdout
        for attempt in range(3):
            try:
                self.km, self.kc = jupyter_client.manager.start_new_kernel(kernel_name=name, startup_timeout=60, cwd=cwd, **kw)
                break
            except RuntimeError:
                # jupyter_client picks free ports, then the kernel binds them: on a machine where
                # other kernels start too, a port can be taken in between and the kernel exits.
                if attempt == 2:
                    raise

    @property
    def pid(self):
        """The kernel (protocol) process id."""
        return self.km.provisioner.process.pid

    def executor_pid(self):
        """The executor child's pid, asked from the executor itself."""
        _, msgs = self.run("process.pid")
        return int(self.text(msgs))

    def heartbeat(self, timeout=5):
        """True when the heartbeat socket echoes a ping within timeout seconds."""
        import zmq
        s = zmq.Context.instance().socket(zmq.REQ)
        try:
            s.connect(f"tcp://{self.km.ip}:{self.km.hb_port}")
            s.send(b"ping")
            return bool(s.poll(timeout * 1000)) and s.recv() == b"ping"
        finally:
            s.close(0)

    def close(self):
        try:
            self.kc.stop_channels()
            self.km.shutdown_kernel(now=True)
        except Exception:
            pass

    def control_request(self, msg_type, content=None, timeout=5):
        """A request on the control channel from a socket of our own; returns the reply."""
        import zmq
        s = zmq.Context.instance().socket(zmq.DEALER)
        try:
            s.connect(f"tcp://{self.km.ip}:{self.km.control_port}")
            self.kc.session.send(s, msg_type, content or {})
            if not s.poll(timeout * 1000):
                raise TimeoutError(f"no {msg_type} reply on control within {timeout}s")
            _, msg = self.kc.session.recv(s)
            return msg
        finally:
            s.close(0)

    def iopub_until_idle(self, msg_id, timeout=30):
        """Every iopub message for msg_id up to and including status idle."""
        out = []
        deadline = time.time() + timeout
        while True:
            m = self.kc.get_iopub_msg(timeout=max(0.1, deadline - time.time()))
            if m["parent_header"].get("msg_id") != msg_id:
                continue
            out.append(m)
            if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                return out

    def run(self, code, timeout=30, **kw):
        """(reply, iopub messages) for one execute_request."""
        msg_id = self.kc.execute(code, **kw)
        reply = self.shell_reply(msg_id, timeout)
        return reply, self.iopub_until_idle(msg_id, timeout)

    def shell_reply(self, msg_id, timeout=30):
        deadline = time.time() + timeout
        while True:
            m = self.kc.get_shell_msg(timeout=max(0.1, deadline - time.time()))
            if m["parent_header"].get("msg_id") == msg_id:
                return m

    def text(self, msgs):
        """stdout text and text/plain results, in order."""
        parts = []
        for m in msgs:
            if m["msg_type"] == "stream":
                parts.append(m["content"]["text"])
            elif m["msg_type"] in ("execute_result", "display_data"):
                parts.append(m["content"]["data"].get("text/plain", ""))
        return "".join(parts)

    def drain_iopub(self, wait=0.3):
        out = []
        try:
            while True:
                out.append(self.kc.get_iopub_msg(timeout=wait))
        except queue.Empty:
            return out


class KernelTestCase(unittest.TestCase):
    """Tests whose cells run in a lazylab kernel: one kernel for the whole class, or a fresh one
    for each test with `fresh_kernel_per_test = True` (for tests that read memory figures or
    restart it); `kernel_options` are Kernel()'s arguments. A subclass that overrides setUpClass,
    setUp or their tear-downs calls super()."""

    fresh_kernel_per_test = False
    kernel_options = {}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.fresh_kernel_per_test:
            cls.k = Kernel(**cls.kernel_options)

    @classmethod
    def tearDownClass(cls):
        if not cls.fresh_kernel_per_test:
            cls.k.close()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        if self.fresh_kernel_per_test:
            self.k = Kernel(**self.kernel_options)

    def tearDown(self):
        if self.fresh_kernel_per_test:
            self.k.close()
        super().tearDown()

    def run_ok(self, code, timeout=90):
        """Runs a cell that must succeed and returns its iopub messages; a failure shows the
        cell's output and its reply (the traceback)."""
        reply, msgs = self.k.run(code, timeout=timeout)
        self.assertEqual(reply["content"]["status"], "ok", self.k.text(msgs) + str(reply["content"]))
        return msgs

    def run_text(self, code, timeout=90):
        """run_ok's cell, returning what it printed and its text/plain result."""
        return self.k.text(self.run_ok(code, timeout))
