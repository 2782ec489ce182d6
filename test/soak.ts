/**
 * Soak through jupyter_client (test/python/test_soak.py): mixed cells for
 * LAZYLAB_SOAK_SECONDS (`npm run soak` runs an hour; LAZYLAB_SOAK_SECONDS=180 npm run soak
 * the short version) with the RSS, descriptors and threads of kernel and executor sampled.
 * Writes docs/reliability.md figures.
 *
 * Not yet in `npm test` (named soak.ts, not soak.test.ts): the kernel process still grows
 * ~6 % in 3 minutes of back-to-back cells (docs/reliability.md, "Soak").
 */
import { pythonSuite } from "./python-suite";

const seconds = Number(process.env.LAZYLAB_SOAK_SECONDS ?? 180);
pythonSuite(`soak for ${seconds} s via jupyter_client`, "test_soak", { timeoutMs: (seconds + 240) * 1000, expectAtLeast: 1 });
