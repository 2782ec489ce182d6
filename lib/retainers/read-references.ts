/**
 * The snapshot reader heap-references.ts runs in a child process:
 * `node read-references.js FILE PROBE_CLASS` prints, as JSON, the references to the `target`
 * of the object of class PROBE_CLASS in the heap snapshot FILE.
 */
import { readHeapSnapshot } from "./heap-snapshot";
import { referencesIn } from "./snapshot-references";

const [file, probeName] = process.argv.slice(2);
if (!file || !probeName) {
  process.stderr.write("usage: read-references.js SNAPSHOT_FILE PROBE_CLASS_NAME\n");
  process.exit(2);
}
process.stdout.write(JSON.stringify(referencesIn(readHeapSnapshot(file), probeName)));
