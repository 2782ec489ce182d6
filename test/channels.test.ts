/**
 * Which messages go on which channel and what the kernel does with the rest, and the
 * launcher's stdio it shares, through Debian's jupyter_client (test/python/test_channels.py).
 */
import { pythonSuite } from "./python-suite";

pythonSuite("channels and stdio via jupyter_client", "test_channels", { timeoutMs: 240_000, expectAtLeast: 10 });
