"""Security of a running kernel (issue 9), through Debian's jupyter_client: it listens only on
the connection file's ip and ports, honours the file's signature scheme (refusing messages
signed with another), and keeps the key out of its log and out of the executor."""
import hashlib
import hmac
import json
import os
import re
import socket
import stat
import struct
import tempfile
import time
import unittest

import zmq
from jupyter_client.manager import KernelManager

from kernel_client import Kernel


def listening(pid):
    """(ip, port) of every TCP socket in LISTEN state that process pid holds."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        m = re.match(r"socket:\[(\d+)\]", target)
        if m:
            inodes.add(m.group(1))
    found = set()
    for table, family in (("/proc/net/tcp", socket.AF_INET), ("/proc/net/tcp6", socket.AF_INET6)):
        try:
            with open(table) as f:
                lines = f.read().splitlines()[1:]
        except FileNotFoundError:
            continue
        for line in lines:
            f = line.split()
            if f[3] != "0A" or f[9] not in inodes:  # 0A = LISTEN
                continue
            hexip, hexport = f[1].split(":")
            raw = bytes.fromhex(hexip)
            if family == socket.AF_INET:
                ip = socket.inet_ntop(family, struct.pack("<I", int(hexip, 16)))
            else:
                ip = socket.inet_ntop(family, b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4)))
            found.add((ip, int(hexport, 16)))
    return found


class Security(unittest.TestCase):
    def test_listens_only_on_the_connection_files_ip_and_ports(self):
        k = Kernel()
        try:
            executor = k.executor_pid()
            ports = {k.km.shell_port, k.km.iopub_port, k.km.stdin_port, k.km.control_port, k.km.hb_port}
            self.assertEqual(listening(k.pid), {(k.km.ip, p) for p in ports})
            self.assertEqual(listening(executor), set(), "the executor must not listen on anything")
        finally:
            k.close()

    def test_the_connection_files_scheme_is_used_and_other_schemes_are_refused(self):
        for attempt in range(3):  # a port taken between choice and bind kills the start (see kernel_client)
            log = tempfile.NamedTemporaryFile(prefix="lazylab-sec-", suffix=".log", delete=False)
            km = KernelManager(kernel_name="lazylab")
            km.session.signature_scheme = "hmac-sha512"
            km.start_kernel(stderr=log)
            kc = km.client()
            kc.start_channels()
            try:
                kc.wait_for_ready(timeout=60)
                break
            except RuntimeError:
                kc.stop_channels()
                km.shutdown_kernel(now=True)
                with open(log.name) as f:
                    why = f.read()
                log.close()
                os.unlink(log.name)
                if attempt == 2:
                    raise AssertionError(f"the sha512 kernel did not start: {why}")
        try:
            with open(km.connection_file) as f:
                self.assertEqual(json.load(f)["signature_scheme"], "hmac-sha512")
            reply = kc.execute_interactive("const viaSha512 = 6 * 7", timeout=60)
            self.assertEqual(reply["content"]["status"], "ok")  # our replies verified by Session with sha512

            # the right key, the wrong scheme: ignored, no reply, logged as a bad signature
            s = zmq.Context.instance().socket(zmq.DEALER)
            s.setsockopt(zmq.LINGER, 0)
            s.connect(f"tcp://{km.ip}:{km.shell_port}")
            header = json.dumps({"msg_id": "sha256-signed", "msg_type": "execute_request", "session": "x", "username": "x", "date": "", "version": "5.3"}).encode()
            parts = [header, b"{}", b"{}", json.dumps({"code": "globalThis.wrongScheme = true"}).encode()]
            sig = hmac.new(km.session.key, digestmod=hashlib.sha256)
            for p in parts:
                sig.update(p)
            s.send_multipart([b"<IDS|MSG>", sig.hexdigest().encode(), *parts])
            self.assertEqual(s.poll(1000), 0, "a sha256-signed message was answered by a sha512 kernel")
            s.close(0)
            msg_id = kc.execute("typeof (globalThis as any).wrongScheme")
            while True:
                m = kc.get_iopub_msg(timeout=30)
                if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "execute_result":
                    self.assertEqual(m["content"]["data"]["text/plain"], "'undefined'")
                    break
            time.sleep(0.2)
            with open(log.name) as f:
                self.assertRegex(f.read(), r"ignored a message on shell: signature does not match")
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
            log.close()
            os.unlink(log.name)

    def test_the_key_stays_in_the_connection_file(self):
        log = tempfile.NamedTemporaryFile(prefix="lazylab-sec-", suffix=".log", delete=False)
        k = Kernel(stderr=log)
        try:
            cf = k.km.connection_file
            mode_before = stat.S_IMODE(os.stat(cf).st_mode)
            self.assertEqual(mode_before, 0o600, "jupyter_client writes the file owner-only")
            key = k.km.session.key
            executor = k.executor_pid()
            k.run('console.log("some output"); throw new Error("and an error")')
            for path in (f"/proc/{executor}/environ", f"/proc/{executor}/cmdline", f"/proc/{k.pid}/environ", f"/proc/{k.pid}/cmdline"):
                with open(path, "rb") as f:
                    self.assertNotIn(key, f.read(), f"the key appears in {path}")
            with open(log.name, "rb") as f:
                self.assertNotIn(key, f.read(), "the key appears in the kernel's log")
            self.assertEqual(stat.S_IMODE(os.stat(cf).st_mode), mode_before, "the kernel changed the file's permissions")
        finally:
            k.close()
            log.close()
            os.unlink(log.name)


if __name__ == "__main__":
    unittest.main()
