/**
 * usage_request on the control channel, compared with Debian's ipykernel through the real
 * jupyter_client: the same fields and types, and the executor's pid and memory.
 */
import { pythonSuite } from "./python-suite";

pythonSuite("usage_request via jupyter_client", "test_usage", { timeoutMs: 180_000, expectAtLeast: 2 });
