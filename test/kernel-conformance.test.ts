/** Protocol conformance: Debian's jupyter_kernel_test against the installed lazylab kernel. */
import { pythonSuite } from "./python-suite";

pythonSuite("jupyter_kernel_test conformance", "test_conformance", { timeoutMs: 240_000, expectAtLeast: 12 });
