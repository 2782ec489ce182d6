/** Starts test/http-range-server as a child process on the loopback, and stops it. */
import { spawn } from "node:child_process";
import { after } from "node:test";
import * as path from "node:path";

export interface TestServer {
  /** http://127.0.0.1:PORT */
  url: string;
  /** Requests the server saw (path and Range header), as its log has arrived. */
  requests: string[];
  /** Waits until the server's log of requests so far has arrived. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

/** Serves `root` in `mode` ("range", "drop" or "norange"). */
export function startServer(root: string, mode: "range" | "drop" | "norange"): Promise<TestServer> {
  const child = spawn(process.execPath, [path.join(__dirname, "http-range-server.js"), root, mode], { stdio: ["ignore", "pipe", "pipe"] });
  const requests: string[] = [];
  let err = "";
  let partial = "";
  let lastData = Date.now();
  child.stderr.setEncoding("utf8").on("data", (s: string) => {
    err += s;
    lastData = Date.now();
    const lines = (partial + s).split("\n");
    partial = lines.pop()!;
    for (const line of lines) if (line.startsWith("REQ ")) requests.push(line.slice(4 + mode.length + 1));
  });
  // The log comes on a pipe: quiet for 100 ms means it has all arrived.
  const settled = async () => {
    do await new Promise((r) => setTimeout(r, 100));
    while (Date.now() - lastData < 100);
  };
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`test server exited (${code}): ${err}`)));
    child.stdout.setEncoding("utf8").on("data", (s: string) => {
      const m = /PORT (\d+)/.exec(s);
      if (!m) return;
      child.removeAllListeners("exit");
      resolve({
        url: `http://127.0.0.1:${m[1]}`,
        requests,
        settled,
        stop: () => new Promise<void>((done) => {
          if (child.exitCode !== null) return done();
          child.once("exit", () => done());
          child.kill("SIGTERM");
        }),
      });
    });
  });
}

/**
 * `serve(mode)` for a test file: starts a server of `root` in that mode, and stops every server
 * it started when the file's tests are done.
 */
export function serverPool(root: string): (mode: "range" | "drop" | "norange") => Promise<TestServer> {
  const servers: TestServer[] = [];
  after(async () => {
    for (const s of servers) await s.stop();
  });
  return async (mode) => {
    const s = await startServer(root, mode);
    servers.push(s);
    return s;
  };
}
