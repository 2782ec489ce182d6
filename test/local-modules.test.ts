/**
 * The notebook's own TypeScript modules imported from cells, and every executor global named
 * in a cell, through Debian's jupyter_client (test/python/test_local_modules.py).
 */
import { pythonSuite } from "./python-suite";

pythonSuite("local modules and globals via jupyter_client", "test_local_modules", { timeoutMs: 240_000, expectAtLeast: 11 });
