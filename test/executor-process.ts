// A script run in a fresh process started as the kernel starts its executor (same flags, same
// environment), for tests whose figures depend on them: the memory probes' readings.
import { spawn } from "node:child_process";
import { executorEnvironment, executorNodeArgs } from "../kernel/executor/supervisor";

/** Runs `node <the executor's Node arguments> ...args` and resolves with the JSON value it printed on stdout. */
export function runLikeExecutor<T>(args: string[], what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...executorNodeArgs(process.env), ...args], {
      env: executorEnvironment({ ...process.env }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (t: string) => (stdout += t));
    child.stderr.setEncoding("utf8").on("data", (t: string) => (stderr += t));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) reject(new Error(`${what} exited with ${code}: ${stderr}`));
      else resolve(JSON.parse(stdout) as T);
    });
  });
}
