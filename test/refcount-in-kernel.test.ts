/** sys.getrefcount and retainers(x) for lazy arrays in the real kernel, compared with CPython (test/python/test_refcount_in_kernel.py). */
import { pythonSuite } from "./python-suite";

pythonSuite("getrefcount in the kernel via jupyter_client", "test_refcount_in_kernel", { timeoutMs: 240_000, expectAtLeast: 3 });
