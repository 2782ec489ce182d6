/**
 * Faults in cells through jupyter_client (test/python/test_faults.py): loops, recursion, heap
 * exhaustion, process.exit/abort, throwing workers, late rejections, never-settling promises,
 * 100 MB of output, native calls that ignore interrupts; and the kernel killed, terminated or
 * left by its client while a cell loops (the executor must not live on). Writes its figures to
 * test-output/figures/ (npm run docs:figures).
 */
import { pythonSuite } from "./python-suite";

pythonSuite("faults in cells via jupyter_client", "test_faults", { timeoutMs: 240_000, expectAtLeast: 17 });
