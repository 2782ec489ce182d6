/**
 * A real Jupyter server for client tests: Debian's Notebook 6 (`python3 -m notebook`),
 * jupyter_server (`python3 -m jupyter_server`), or jupyter_server serving the test's JupyterLab
 * bundle through jupyterlab_server (test/jupyterlab-app/serve.py) on 127.0.0.1, a free port, a random token,
 * throw-away config/runtime/data dirs, and JUPYTER_PATH inherited so the lazylab kernelspec
 * of the current build (or the user one `npm test` installs) is the one started.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "../kernel/client/launch";
import { PYTHON } from "./oracle";

export interface JupyterServer {
  /** `http://127.0.0.1:PORT/` */
  baseUrl: string;
  token: string;
  /** The folder the server serves (a copy of examples/ when asked). */
  root: string;
  /** The server's stdout+stderr so far, for failure messages. */
  log(): string;
  /** Stops the server (SIGTERM, then SIGKILL) and removes its temp dirs. */
  stop(): Promise<void>;
}

export type ServerKind = "notebook" | "jupyter_server" | "jupyterlab";

/** Where a JupyterLab server finds its page: the folder test/jupyterlab-app/build.js printed. */
export interface LabOptions {
  bundle: string;
}

function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    child.once("exit", () => { clearTimeout(t); resolve(true); });
  });
}

/**
 * Starts a server and resolves once `/api/status` answers. `copyFrom` is copied into a temp
 * folder that becomes the server's root (so executed notebooks never touch the repository).
 */
export async function startJupyterServer(kind: ServerKind, copyFrom?: string, lab?: LabOptions): Promise<JupyterServer> {
  const tmp = mkdtempSync(path.join(tmpdir(), `lazylab-${kind}-`));
  const root = path.join(tmp, "root");
  if (copyFrom) cpSync(copyFrom, root, { recursive: true });
  else mkdirSync(root);
  const token = randomBytes(16).toString("hex");
  const port = await freePort("127.0.0.1");
  const app = kind === "notebook" ? "NotebookApp" : "ServerApp";
  if (kind === "jupyterlab" && !lab) throw new Error("a jupyterlab server needs the bundle's folder");
  const env = {
    ...process.env,
    ...(lab ? { LAZYLAB_LAB_BUNDLE: lab.bundle, LAZYLAB_LAB_STATE: path.join(tmp, "lab") } : {}),
    JUPYTER_CONFIG_DIR: path.join(tmp, "config"),
    JUPYTER_RUNTIME_DIR: path.join(tmp, "runtime"),
    JUPYTER_DATA_DIR: path.join(tmp, "data"),
    JUPYTER_PLATFORM_DIRS: "0",
    // The server's and its kernels' temporary files (jupyter_core's blank config folder under
    // JUPYTER_NO_CONFIG, the debugger's dumped cells) go where stop() removes them.
    TMPDIR: tmp,
  };
  const main = kind === "jupyterlab" ? [path.resolve(__dirname, "..", "..", "test", "jupyterlab-app", "serve.py")] : ["-m", kind];
  const args = [
    ...main, "--no-browser", "--ip=127.0.0.1", `--port=${port}`, `--${app}.port_retries=0`,
    `--${app}.token=${token}`, `--${app}.${kind === "notebook" ? "notebook_dir" : "root_dir"}=${root}`,
    `--${app}.open_browser=False`,
  ];
  // Containers and CI runners often run as root, which both servers refuse without this flag.
  if (process.getuid?.() === 0) args.push("--allow-root");
  const child = spawn(PYTHON, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d) => { output += d; });
  child.stderr!.on("data", (d) => { output += d; });
  const baseUrl = `http://127.0.0.1:${port}/`;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    child.kill("SIGTERM");
    // Notebook 6 asks for confirmation on the first SIGINT only; SIGTERM shuts kernels down too.
    if (!(await exited(child, 8000))) {
      child.kill("SIGKILL");
      await exited(child, 3000);
    }
    rmSync(tmp, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the ${kind} server exited (${child.exitCode}):\n${output}`);
      try {
        const r = await fetch(`${baseUrl}api/status?token=${token}`);
        if (r.ok) break;
      } catch { /* not listening yet */ }
      if (Date.now() > deadline) throw new Error(`the ${kind} server did not answer within 60 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { baseUrl, token, root, log: () => output, stop };
}
