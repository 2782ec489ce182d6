/** da.connect in the real kernel: computes on a LocalCluster, interrupt (test/python/test_da_cluster_in_kernel.py). */
import { pythonSuite } from "./python-suite";

pythonSuite("da on a cluster in the kernel via jupyter_client", "test_da_cluster_in_kernel", { timeoutMs: 180_000, expectAtLeast: 2 });
