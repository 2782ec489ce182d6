/** The timing and namespace magics and issue 19's porting ergonomics in the real kernel, compared with IPython (test/python/test_magics_in_kernel.py). */
import { pythonSuite } from "./python-suite";

pythonSuite("magics in the kernel via jupyter_client", "test_magics_in_kernel", { timeoutMs: 300_000, expectAtLeast: 21 });
