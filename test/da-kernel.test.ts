/** lib/da in the real kernel: interrupts cancel computes, progress updates in place (test/python/test_da_in_kernel.py). */
import { pythonSuite } from "./python-suite";

pythonSuite("da in the kernel via jupyter_client", "test_da_in_kernel", { timeoutMs: 180_000, expectAtLeast: 3 });
