/**
 * Wire fuzzing through Debian's jupyter_client and pyzmq: ≥ 10,000 malformed messages on
 * shell, control and stdin interleaved with valid executes (test/python/test_fuzz.py).
 * Writes its figures to test-output/figures/ (npm run docs:figures).
 */
import { pythonSuite } from "./python-suite";

pythonSuite("wire fuzzing via jupyter_client", "test_fuzz", { timeoutMs: 240_000, expectAtLeast: 1 });
