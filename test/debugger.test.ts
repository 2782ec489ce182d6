/**
 * Jupyter's debugger protocol (debug_request / debug_reply / debug_event) through Debian's
 * jupyter_client, in the order JupyterLab's debugger panel speaks it (test/python/test_debugger.py).
 */
import { pythonSuite } from "./python-suite";

pythonSuite("the debugger via jupyter_client", "test_debugger", { timeoutMs: 240_000, expectAtLeast: 18 });
