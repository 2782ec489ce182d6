/**
 * The kernel's stdout and stderr are its launcher's (jupyter_client passes its own down unless
 * told otherwise): the same pipe *and the same open file description*, so its status flags are
 * shared. Node opens a pipe or socket on stdio in non-blocking mode (libuv's default), which
 * also makes the launcher's own writes non-blocking: a large write by jupyter_server, nbclient
 * or a CI runner then fails with EAGAIN or is cut short. ipykernel leaves them blocking; this
 * puts them back the way the launcher gave them.
 */

/** A Node stream over fd 1 or 2, as far as this module looks into it. */
interface StdioStream {
  isTTY?: boolean;
  _handle?: { setBlocking?: (blocking: boolean) => number };
}

/**
 * Puts the file descriptions behind process.stdout and process.stderr back in blocking mode.
 * Returns one line per stream it could not restore (empty when nothing needed doing or all
 * went well), for the kernel's log.
 *
 * Node's pipe handles (like libuv's uv_stream_set_blocking, which they call) clear O_NONBLOCK
 * with fcntl on POSIX; the `set-blocking` package does the same for yargs and nyc. Files and
 * TTYs need nothing: Node writes files synchronously and already makes TTYs blocking.
 *
 * @example
 * for (const problem of restoreBlockingStdio()) process.stderr.write(`[lazylab] ${problem}\n`);
 */
export function restoreBlockingStdio(streams: Record<string, StdioStream> = { stdout: process.stdout, stderr: process.stderr }): string[] {
  const problems: string[] = [];
  for (const [name, stream] of Object.entries(streams)) {
    const handle = stream._handle;
    if (stream.isTTY || !handle) continue; // a TTY (blocking already) or a file (synchronous writes)
    if (typeof handle.setBlocking !== "function") {
      problems.push(`${name} is left non-blocking: this Node's stream handle has no setBlocking; the launcher's own large writes to it may fail with EAGAIN`);
      continue;
    }
    const err = handle.setBlocking(true);
    if (err) problems.push(`${name} is left non-blocking: setBlocking failed with code ${err}; the launcher's own large writes to it may fail with EAGAIN`);
  }
  return problems;
}
