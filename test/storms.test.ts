/**
 * Interrupt storms through jupyter_client (test/python/test_storms.py): 100 interrupts in a
 * row while idle, while a cell spins or awaits, as SIGINTs, and after each of 100 short cells.
 */
import { pythonSuite } from "./python-suite";

pythonSuite("interrupt storms via jupyter_client", "test_storms", { timeoutMs: 240_000, expectAtLeast: 7 });
