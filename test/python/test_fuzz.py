"""Wire fuzzing: ≥ 10,000 malformed messages on shell, control and stdin, interleaved with
valid executes, against the real kernel started by Debian's jupyter_client.

What must hold (issue 9):
- every valid request is answered correctly (a running sum kept in the executor, checked
  through user_expressions against the sum computed here);
- unsigned, mis-signed, wrongly-scheme-signed and unreadable frame sets get no reply and are
  logged once per (channel, kind) in the kernel's log;
- signed messages with a readable header but bad content get an error reply (on stdin, which
  carries only input_reply, nothing is ever answered: they are dropped and logged once);
- the kernel process never dies, the executor is never replaced, the heartbeat answers.

The generator is seeded (LAZYLAB_FUZZ_SEED); a failure names the seed and the message kind,
so it reproduces. LAZYLAB_FUZZ_MESSAGES sets how many malformed messages are sent.
"""
import collections
import datetime
import hashlib
import hmac
import json
import os
import random
import re
import string
import tempfile
import time
import unittest
import uuid

import zmq

import figures
from kernel_client import Kernel

SEED = int(os.environ.get("LAZYLAB_FUZZ_SEED", "9009"))
MESSAGES = int(os.environ.get("LAZYLAB_FUZZ_MESSAGES", "10000"))
PER_ROUND = 50
DELIM = b"<IDS|MSG>"
CHANNELS = ("shell", "control", "stdin")

# Request types whose content the kernel checks, with a wrongly typed value per field.
WRONG_TYPES = {
    "execute_request": {"code": [12, None, [], {"a": 1}, True], "silent": ["yes", 1, []], "store_history": ["no", 0],
                        "user_expressions": ["x", [1], 3], "allow_stdin": ["true", 2], "stop_on_error": [{}, "0"]},
    "complete_request": {"code": [1, [], None], "cursor_pos": ["3", -1, None, [], {"a": 1}]},
    "inspect_request": {"code": [False, {}], "cursor_pos": ["0", -5], "detail_level": ["1", -1, []]},
    "is_complete_request": {"code": [None, 7, ["x"]]},
    "history_request": {"hist_access_type": [1, []], "n": ["10", -3], "start": ["a"], "stop": [{}], "pattern": [5]},
    "shutdown_request": {"restart": ["yes", 1, []]},
}
# Valid for no channel; some are Object.prototype names, which a plain-object dispatch table
# would mistake for handlers. (debug_request is a request since the debugger: any content gets
# a debug_reply, success false for a malformed one, as ipykernel's; debug_reply stays unknown.)
UNKNOWN_TYPES = ["frobnicate_request", "constructor", "__proto__", "toString", "hasOwnProperty", "valueOf",
                 "isPrototypeOf", "__defineGetter__", "execute_reply", "status", "stream", "input_request", "",
                 "💥_request", "kernel_info_reply", "debug_reply", "x" * 300]
EVIL = "globalThis.pwned = true; acc += 1000000"


class Fuzzer:
    def __init__(self, k, rng):
        self.k, self.rng = k, rng
        self.session = k.kc.session
        self.key = self.session.key
        ident = uuid.uuid4().hex.encode()
        self.sock = {}
        for ch in CHANNELS:
            s = zmq.Context.instance().socket(zmq.DEALER)
            s.setsockopt(zmq.IDENTITY, ident)  # shell and stdin share it, so input_request reaches us
            s.setsockopt(zmq.LINGER, 0)
            s.connect(f"tcp://{k.km.ip}:{getattr(k.km, ch + '_port')}")
            self.sock[ch] = s
        self.poller = zmq.Poller()
        for s in self.sock.values():
            self.poller.register(s, zmq.POLLIN)
        self.seq = 0
        # msg_id -> (kind, channel, expected: "none" | "error" | ("ok", count), detail)
        self.expect = {}
        self.replies = collections.defaultdict(list)
        self.input_requests = []
        self.kinds = collections.Counter()
        self.by_channel = collections.Counter()
        self.faults = set()
        self.malformed = 0
        self.bytes_sent = 0

    # ---- building frames ------------------------------------------------------------
    def new_id(self):
        self.seq += 1
        return f"fz-{SEED}-{self.seq}"

    def header(self, msg_type, msg_id=None):
        return {"msg_id": msg_id or self.new_id(), "msg_type": msg_type, "session": self.session.session,
                "username": "fuzz", "date": datetime.datetime.now(datetime.timezone.utc).isoformat(), "version": "5.3"}

    def sign(self, parts, digest=None, key=None):
        h = hmac.new(key or self.key, digestmod=digest or self.session.digest_mod)
        for p in parts:
            h.update(p)
        return h.hexdigest().encode()

    @staticmethod
    def enc(x):
        return x if isinstance(x, bytes) else json.dumps(x, default=str).encode()

    def frames(self, header, content, parent=None, metadata=None, signature=None):
        parts = [self.enc(header), self.enc(parent if parent is not None else {}), self.enc(metadata if metadata is not None else {}), self.enc(content)]
        return [DELIM, self.sign(parts) if signature is None else signature, *parts]

    def junk(self, n=None):
        n = self.rng.randint(0, 40) if n is None else n
        return bytes(self.rng.getrandbits(8) for _ in range(n))

    def text(self, n):
        return "".join(self.rng.choice(string.printable + "é€𝄞\u0000") for _ in range(n))

    def any_request(self):
        t = self.rng.choice(["execute_request", "kernel_info_request", "shutdown_request", "complete_request", "interrupt_request"])
        content = {"code": EVIL, "silent": False} if t == "execute_request" else {"restart": False} if t == "shutdown_request" else {"code": "a", "cursor_pos": 1}
        return t, content

    # ---- the malformed kinds: (channel, frames, msg_id, expected, fault) -------------------
    def unsigned(self, ch):
        t, c = self.any_request()
        h = self.header(t)
        return ch, self.frames(h, c, signature=b""), h["msg_id"], "none", "unsigned"

    def bad_signature(self, ch):
        t, c = self.any_request()
        h = self.header(t)
        f = self.frames(h, c)
        variant = self.rng.randrange(5)
        if variant == 0:
            f[1] = "".join(self.rng.choice("0123456789abcdef") for _ in range(64)).encode()
        elif variant == 1:
            f = self.frames(h, c, signature=self.sign([self.enc(h), b"{}", b"{}", self.enc(c)], key=b"not the key"))
        elif variant == 2:
            f[5] = self.enc({**c, "code": EVIL + "; 1"})  # tampered after signing
        elif variant == 3:
            f[1] = f[1].upper() if f[1].upper() != f[1] else f[1][:-1] + b"g"
        else:
            f[1] = self.junk(self.rng.randint(1, 200))
        return ch, f, h["msg_id"], "none", "bad-signature"

    def wrong_scheme(self, ch):
        t, c = self.any_request()
        h = self.header(t)
        digest = self.rng.choice([hashlib.sha1, hashlib.sha512, hashlib.md5, hashlib.sha384, hashlib.sha224, hashlib.sha3_256])
        parts = [self.enc(h), b"{}", b"{}", self.enc(c)]
        return ch, [DELIM, self.sign(parts, digest=digest), *parts], h["msg_id"], "none", "bad-signature"

    def truncated(self, ch):
        t, c = self.any_request()
        h = self.header(t)
        f = self.frames(h, c)
        return ch, f[: self.rng.randint(1, 5)], h["msg_id"], "none", "truncated"

    def no_delimiter(self, ch):
        f = [self.junk() for _ in range(self.rng.randint(1, 7))]
        f = [x for x in f if x != DELIM] or [b""]
        if self.rng.random() < 0.3:
            f = [b"<IDS|MSG", *f]  # a near miss
        return ch, f, None, "none", "no-delimiter"

    def header_not_json(self, ch):
        raw = self.rng.choice([b"{", b"not json", b"[]", b"null", b"3", b'"s"', b"{\"msg_id\": }", b"\xff\xfe\xfd", self.junk(30)])
        parts = [raw, b"{}", b"{}", b"{}"]
        return ch, [DELIM, self.sign(parts), *parts], None, "none", "bad-json"

    def header_fields(self, ch):
        h = self.header("kernel_info_request")
        variant = self.rng.randrange(4)
        if variant == 0:
            del h["msg_id"]
        elif variant == 1:
            del h["msg_type"]
        elif variant == 2:
            h["msg_type"] = self.rng.choice([1, None, [], {}, True])
        else:
            h["msg_id"] = self.rng.choice([7, None, ["a"], {"x": 1}])
        return ch, self.frames(h, {}), None, "none", "bad-header"

    def huge_unsigned(self, ch):
        h = self.header("execute_request")
        c = {"code": EVIL + "//" + "x" * self.rng.randint(1 << 20, 3 << 20)}
        f = self.frames(h, c)
        f[1] = b"0" * 64
        return ch, f, h["msg_id"], "none", "bad-signature"

    def comm(self, ch):
        ch = "shell" if ch == "stdin" else ch
        h = self.header(self.rng.choice(["comm_open", "comm_msg", "comm_close"]))
        # comm messages belong on shell, where these (all without a string comm_id) are dropped
        # for their content; on control they are dropped for the channel
        return ch, self.frames(h, self.rng.choice([{}, {"comm_id": 5}, {"data": self.text(50)}, {"target_name": None}])), h["msg_id"], "none", \
            "bad-content" if ch == "shell" else "wrong-channel"

    def stray_input_reply(self, ch):
        ch = "stdin"
        h = self.header("input_reply")
        return ch, self.frames(h, self.rng.choice([{"value": "stray"}, {"value": 3}, {}])), h["msg_id"], "none", None

    def content_not_json(self, ch):
        ch = "shell" if ch == "stdin" else ch
        t = self.rng.choice(["kernel_info_request", "execute_request", "complete_request", "history_request"])
        h = self.header(t)
        bad = self.rng.choice([b"{", b"}", b"nope", b"\xff", b'{"code": "1",}', b""])
        which = self.rng.choice(["content", "content", "parent", "metadata"])
        f = self.frames(h, bad if which == "content" else {}, parent=bad if which == "parent" else None, metadata=bad if which == "metadata" else None)
        return ch, f, h["msg_id"], "error", which

    def content_not_object(self, ch):
        ch = "shell" if ch == "stdin" else ch
        t = self.rng.choice(["execute_request", "kernel_info_request", "is_complete_request"])
        h = self.header(t)
        return ch, self.frames(h, self.rng.choice([[], [1, 2], 3, "code", None, True])), h["msg_id"], "error", "content"

    def wrong_types(self, ch):
        ch = self.rng.choice(("shell", "control")) if ch == "stdin" else ch
        t = self.rng.choice(list(WRONG_TYPES))
        if t == "execute_request" and ch == "control":
            ch = "shell"
        field = self.rng.choice(list(WRONG_TYPES[t]))
        base = {"execute_request": {"code": "1", "stop_on_error": False}, "complete_request": {"code": "a", "cursor_pos": 1},
                "inspect_request": {"code": "a", "cursor_pos": 1}, "is_complete_request": {"code": "a"},
                "history_request": {"hist_access_type": "tail", "n": 1}, "shutdown_request": {"restart": False}}[t]
        value = self.rng.choice(WRONG_TYPES[t][field])
        content = {**base, field: value}
        if value is None and field == "code":
            del content["code"]
        if value is None and field != "code":
            content[field] = [None]
        h = self.header(t)
        return ch, self.frames(h, content), h["msg_id"], "error", f"content.{field}"

    def unknown_type(self, ch):
        t = self.rng.choice(UNKNOWN_TYPES + [self.text(self.rng.randint(1, 30)) + "_request"])
        if ch == "stdin" and self.rng.random() < 0.3:
            t = self.rng.choice(["execute_request", "kernel_info_request"])  # requests do not belong on stdin
        h = self.header(t)
        if ch == "stdin":
            # the kernel never answers on stdin (jupyter_client would take it for an input_request)
            return ch, self.frames(h, {"code": "1"}), h["msg_id"], "none", "wrong-channel"
        return ch, self.frames(h, {"code": "1"}), h["msg_id"], "error", "type"

    def huge_type(self, ch):
        ch = "shell" if ch == "stdin" else ch
        h = self.header("q" * self.rng.randint(10_000, 200_000))
        return ch, self.frames(h, {}), h["msg_id"], "error", "type"

    def huge_bad_field(self, ch):
        ch = "shell" if ch == "stdin" else ch
        h = self.header("execute_request")
        c = {"code": self.text(200) * self.rng.randint(2000, 8000), "silent": "not a boolean"}
        return ch, self.frames(h, c), h["msg_id"], "error", "content.silent"

    KINDS = [  # (name, weight, malformed?)
        ("unsigned", 12, True), ("bad_signature", 12, True), ("wrong_scheme", 8, True), ("truncated", 8, True),
        ("no_delimiter", 8, True), ("header_not_json", 6, True), ("header_fields", 6, True), ("huge_unsigned", 0.15, True),
        ("comm", 3, True), ("stray_input_reply", 2, True), ("content_not_json", 8, True), ("content_not_object", 6, True),
        ("wrong_types", 10, True), ("unknown_type", 8, True), ("huge_type", 0.15, True), ("huge_bad_field", 0.15, True),
        ("duplicate_ids", 2, False), ("odd_but_valid", 2, False),
    ]

    def duplicate_ids(self, ch):
        ch = "control" if ch == "stdin" else ch
        h = self.header("kernel_info_request")
        f = self.frames(h, {})
        return ch, [f, f], h["msg_id"], ("ok", 2), "kernel_info_reply"

    def odd_but_valid(self, ch):
        ch = "control" if ch == "stdin" else ch
        h = self.header("kernel_info_request")
        variant = self.rng.randrange(3)
        if variant == 0:
            h["session"] = self.text(self.rng.randint(1000, 100_000))
            f = self.frames(h, {})
        elif variant == 1:
            f = self.frames(h, {self.text(5): self.text(self.rng.randint(1, 50_000)), "nested": {"a": [1, {"b": None}]}}, metadata={"x": self.text(20)})
        else:
            f = [self.junk(8) or b"i", *self.frames(h, {})]  # extra routing frames before the delimiter
        return ch, [f], h["msg_id"], ("ok", 1), "kernel_info_reply"

    # ---- sending and receiving ----------------------------------------------------------
    def send_one(self, stray_replies=True):
        names, weights, _ = zip(*self.KINDS)
        name = self.rng.choices(names, weights)[0]
        # A signed input_reply is an answer by the protocol (jupyter_client's input() sends one
        # with no parent): in a round whose cell waits for input, one the kernel reads after its
        # input_request answers it (seen: acc short by that round's step). None is sent then.
        while not stray_replies and name == "stray_input_reply":
            name = self.rng.choices(names, weights)[0]
        # a kind may move the message to a channel it is meant for
        ch, frames, msg_id, expected, detail = getattr(self, name)(self.rng.choice(CHANNELS))
        if name in ("duplicate_ids", "odd_but_valid"):
            for f in frames:
                self.sock[ch].send_multipart(f)
                self.bytes_sent += sum(len(x) for x in f)
        else:
            self.sock[ch].send_multipart(frames)
            self.bytes_sent += sum(len(x) for x in frames)
            self.malformed += 1
            if expected == "none" and detail:
                self.faults.add((ch, detail))
        self.kinds[name] += 1
        self.by_channel[ch] += 1
        if msg_id:
            self.expect[msg_id] = (name, ch, expected, detail)
        return msg_id

    def receive(self, timeout_ms):
        for s, _ in self.poller.poll(timeout_ms):
            frames = s.recv_multipart(copy=True)
            _, rest = self.session.feed_identities(frames)
            msg = self.session.deserialize(rest)  # checks the kernel's own signature
            pid = msg["parent_header"].get("msg_id")
            if s is self.sock["stdin"] and msg["msg_type"] == "input_request":
                self.input_requests.append(msg)
            else:
                self.replies[pid].append(msg)

    def satisfied(self, msg_id):
        kind, ch, expected, detail = self.expect[msg_id]
        got = self.replies.get(msg_id, [])
        if expected == "none":
            return True
        if expected == "error":
            return len(got) >= 1
        return len(got) >= expected[1]

    def execute(self, code, ch="shell", **content):
        h = self.header("execute_request")
        body = {"code": code, "silent": False, "store_history": True, "user_expressions": {"acc": "acc"}, "allow_stdin": False, "stop_on_error": True, **content}
        self.sock[ch].send_multipart(self.frames(h, body))
        return h


class Fuzz(unittest.TestCase):
    def test_ten_thousand_malformed_messages_interleaved_with_valid_executes(self):
        log = tempfile.NamedTemporaryFile(prefix="lazylab-fuzz-", suffix=".log", delete=False)
        k = Kernel(stderr=log)
        rng = random.Random(SEED)
        fz = Fuzzer(k, rng)
        where = f"(seed {SEED}; rerun with LAZYLAB_FUZZ_SEED={SEED})"
        try:
            k.run("let acc = 0")
            kernel_pid, executor_pid = k.pid, k.executor_pid()
            expected_acc, valid, dup_execs, inputs = 0, 0, 0, 0
            t0 = time.time()
            rnd = 0
            while fz.malformed < MESSAGES:
                rnd += 1
                if os.environ.get("LAZYLAB_FUZZ_VERBOSE"):
                    print(f"round {rnd} malformed {fz.malformed} t={time.time() - t0:.1f}s", flush=True)
                use_input = rnd % 25 == 0
                # No stray input_reply in an input round, nor in the round before (one read late).
                strays = rnd % 25 not in (0, 24)
                batch = [fz.send_one(stray_replies=strays) for _ in range(min(PER_ROUND, MESSAGES - fz.malformed))]
                step = rng.randint(1, 99)
                if use_input:
                    h = fz.execute('acc += Number(await input("step? "))', allow_stdin=True)
                    inputs += 1
                else:
                    h = fz.execute(f"acc += {step}")
                copies = 1
                if rnd % 10 == 0:  # a duplicate msg_id: both copies run and are answered
                    fz.sock["shell"].send_multipart(fz.frames(h, {"code": f"acc += {step}", "user_expressions": {"acc": "acc"}, "stop_on_error": True}))
                    copies, dup_execs = 2, dup_execs + 1
                expected_acc += step * copies
                valid += copies
                deadline = time.time() + 60
                answered = False
                while time.time() < deadline:
                    fz.receive(100)
                    if use_input and fz.input_requests:
                        req = fz.input_requests.pop()
                        # garbage on stdin first: none of it may answer the pending input
                        for _ in range(5):
                            fz.sock["stdin"].send_multipart(fz.unsigned("stdin")[1])
                            fz.sock["stdin"].send_multipart(fz.bad_signature("stdin")[1])
                            fz.malformed += 2
                        fz.sock["stdin"].send_multipart(fz.frames(fz.header("input_reply"), {"value": str(step)}, parent=req["header"]))
                    done = len(fz.replies.get(h["msg_id"], [])) >= copies
                    if done and all(fz.satisfied(m) for m in batch if m):
                        answered = True
                        break
                # keep our iopub subscription read: a full queue drops new messages (PUB/SUB)
                k.drain_iopub(wait=0.001)
                missing = [fz.expect[m][:2] for m in batch if m and not fz.satisfied(m)]
                self.assertTrue(answered, f"round {rnd}: no reply within 60 s to the valid execute or to {missing} {where}")
                replies = fz.replies[h["msg_id"]]
                self.assertTrue(all(r["content"]["status"] == "ok" for r in replies), f"round {rnd}: {replies[0]['content']} {where}")
                got = sorted(int(r["content"]["user_expressions"]["acc"]["data"]["text/plain"]) for r in replies)
                self.assertEqual(got[-1], expected_acc, f"round {rnd}: the running sum is wrong {where}")
            fuzz_seconds = time.time() - t0
            time.sleep(1.0)
            fz.receive(200)

            # no reply to anything refused; exactly the expected replies to the rest
            for msg_id, (kind, ch, expected, detail) in fz.expect.items():
                got = fz.replies.get(msg_id, [])
                if expected == "none":
                    self.assertEqual(got, [], f"{kind} on {ch} was answered: {got[:1]} {where}")
                elif expected == "error":
                    self.assertEqual(len(got), 1, f"{kind} on {ch}: expected one error reply, got {len(got)} {where}")
                    c = got[0]["content"]
                    self.assertEqual(c["status"], "error", f"{kind} on {ch}: {c} {where}")
                    if detail.startswith("content."):
                        self.assertIn(detail, c["evalue"], f"{kind} on {ch} {where}")
                    if detail == "type":
                        self.assertEqual(c["ename"], "UnknownMessageType", f"{kind} on {ch}: {c} {where}")
                else:
                    self.assertEqual(len(got), expected[1], f"{kind} on {ch} {where}")
                    self.assertTrue(all(r["msg_type"] == detail and r["content"]["status"] == "ok" for r in got), f"{kind} on {ch} {where}")

            # the kernel lives, the executor was never replaced, refused code never ran
            self.assertTrue(k.km.is_alive())
            self.assertTrue(k.heartbeat())
            self.assertEqual(k.pid, kernel_pid)
            self.assertEqual(k.executor_pid(), executor_pid, f"the executor was replaced during fuzzing {where}")
            _, msgs = k.run("[acc, typeof (globalThis as any).pwned]")
            self.assertEqual(k.text(msgs).replace(" ", ""), f"[{expected_acc},'undefined']")

            # each refused kind is logged exactly once per channel, and nothing else went wrong
            with open(log.name, encoding="utf8", errors="replace") as f:
                text = f.read()
            logged = collections.Counter(re.findall(r"ignored a message on (\w+): .*\(further ([\w-]+) messages on \1", text))
            self.assertEqual(set(logged), fz.faults, f"log lines vs kinds sent {where}\n{text[-3000:]}")
            self.assertTrue(all(n == 1 for n in logged.values()), f"a kind was logged more than once: {logged}")
            self.assertNotIn("error handling", text)

            total = fz.malformed + sum(n for name, n in fz.kinds.items() if name in ("duplicate_ids", "odd_but_valid")) + valid
            lines = [
                f"- Seed {SEED}: **{fz.malformed:,} malformed messages** in {rnd} rounds, interleaved with **{valid} valid executes** "
                f"({dup_execs} sent twice under one msg_id, {inputs} reading `input()` over stdin), {total:,} messages in all, "
                f"{fz.bytes_sent / 2**20:.0f} MB, in {fuzz_seconds:.1f} s.",
                f"- By channel: " + ", ".join(f"{ch} {fz.by_channel[ch]:,}" for ch in CHANNELS) + ".",
                "- By kind: " + ", ".join(f"{name.replace('_', ' ')} {n:,}" for name, n in sorted(fz.kinds.items(), key=lambda x: -x[1])) + ".",
                f"- Refused without a reply and logged once each: {len(fz.faults)} (channel, kind) pairs; "
                f"error replies to signed-but-invalid messages: {sum(1 for e in fz.expect.values() if e[2] == 'error'):,}.",
                "- Crashes: 0 (kernel pid unchanged, executor pid unchanged, heartbeat answered, running sum exact).",
            ]
            figures.record("fuzz", lines)
        finally:
            for s in fz.sock.values():
                s.close(0)
            k.close()
            log.close()
            os.unlink(log.name)


if __name__ == "__main__":
    unittest.main()
