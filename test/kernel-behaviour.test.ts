/**
 * Kernel behaviour through the real jupyter_client: output order and idle, interrupts
 * (message and SIGINT), control while busy, bad messages, stdin, crash recovery, restart.
 */
import { pythonSuite } from "./python-suite";

pythonSuite("kernel behaviour via jupyter_client", "test_behaviour", { timeoutMs: 420_000, expectAtLeast: 22 });
