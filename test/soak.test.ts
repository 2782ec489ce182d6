/**
 * Soak through jupyter_client (test/python/test_soak.py): mixed cells for
 * LAZYLAB_SOAK_SECONDS (180 in `npm test`; `npm run soak` runs an hour) with the RSS,
 * descriptors and threads of kernel and executor sampled. Writes its figures to test-output/figures/ (npm run docs:figures).
 *
 * The run lasts the warm-up (a third of the time and at least 2,500 cells) plus two thirds of
 * the time, so a loaded machine runs longer: the timeout allows up to twice the time.
 */
import { pythonSuite } from "./python-suite";

const seconds = Number(process.env.LAZYLAB_SOAK_SECONDS ?? 180);
pythonSuite(`soak for ${seconds} s via jupyter_client`, "test_soak", { timeoutMs: (2 * seconds + 300) * 1000, expectAtLeast: 1 });
