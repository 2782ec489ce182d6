/** Starts test/http-range-server as a child process on the loopback, and stops it. */
import { spawn } from "node:child_process";
import * as path from "node:path";

export interface TestServer {
  /** http://127.0.0.1:PORT */
  url: string;
  /** Requests the server saw (path and Range header). */
  requests: string[];
  stop(): Promise<void>;
}

/** Serves `root` in `mode` ("range", "drop" or "norange"). */
export function startServer(root: string, mode: "range" | "drop" | "norange"): Promise<TestServer> {
  const child = spawn(process.execPath, [path.join(__dirname, "http-range-server.js"), root, mode], { stdio: ["ignore", "pipe", "pipe"] });
  const requests: string[] = [];
  let err = "";
  child.stderr.setEncoding("utf8").on("data", (s: string) => {
    err += s;
    for (const line of s.split("\n")) if (line.startsWith("REQ ")) requests.push(line.slice(4 + mode.length + 1));
  });
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`test server exited (${code}): ${err}`)));
    child.stdout.setEncoding("utf8").on("data", (s: string) => {
      const m = /PORT (\d+)/.exec(s);
      if (!m) return;
      child.removeAllListeners("exit");
      resolve({
        url: `http://127.0.0.1:${m[1]}`,
        requests,
        stop: () => new Promise<void>((done) => {
          if (child.exitCode !== null) return done();
          child.once("exit", () => done());
          child.kill("SIGTERM");
        }),
      });
    });
  });
}
