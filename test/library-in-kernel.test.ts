/** The preloaded library inside the real kernel (memory figures, del, retainers, trackCells, completion). */
import { pythonSuite } from "./python-suite";

pythonSuite("library in the kernel via jupyter_client", "test_library_in_kernel", { timeoutMs: 300_000, expectAtLeast: 8 });
