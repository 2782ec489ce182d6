/**
 * A real JupyterHub for client tests: Debian's jupyterhub 3 (`/usr/bin/jupyterhub`), its
 * configurable-http-proxy, the DummyAuthenticator and the SimpleLocalProcessSpawner (each
 * user's single-user server a local process of this user, home under a throw-away folder), on
 * 127.0.0.1 and free ports, with an API token for a service allowed to make users and start
 * their servers. The lazylab kernelspec is installed as docs/deploy.md tells a hub's admin to
 * (`lazylab install --prefix DIR`, DIR's `share/jupyter` in the users' `JUPYTER_PATH`), so
 * the users' servers see it only that way: their HOME is not this user's.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "../kernel/client/launch";

const CLI = path.resolve(__dirname, "..", "kernel", "cli.js");

export interface Hub {
  /** `http://127.0.0.1:PORT/`, the proxy's public address. */
  url: string;
  /** The service's API token (scopes: admin:users, admin:servers, access:servers). */
  token: string;
  /** The kernel.json that `lazylab install --prefix` wrote. */
  kernelJson: string;
  /** The folder a user's home is made in (`HOMES/name`). */
  homes: string;
  /** The hub's and the proxy's output so far, for failure messages. */
  log(): string;
  /** The hub's REST API (`/hub/api/...`) with the service's token. */
  api(method: string, route: string): Promise<Response>;
  /** Makes the user, starts their server, and returns its URL once the server answers. */
  startServer(user: string): Promise<string>;
  /** Stops the hub (SIGTERM: it stops the users' servers and the proxy), removes its folder. */
  stop(): Promise<void>;
}

function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    child.once("exit", () => { clearTimeout(t); resolve(true); });
  });
}

/** Polls `probe` until it gives a value; `dead` names why waiting is pointless (the hub exited). */
async function until<T>(what: string, log: () => string, ms: number, dead: () => string | undefined, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const why = dead();
    if (why) throw new Error(`${why}:\n${log()}`);
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch { /* not answering yet */ }
    if (Date.now() > deadline) throw new Error(`${what} within ${ms / 1000} s:\n${log()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function startHub(): Promise<Hub> {
  const dir = mkdtempSync(path.join(tmpdir(), "lazylab-jupyterhub-"));
  const homes = path.join(dir, "home");
  mkdirSync(homes);
  const prefix = path.join(dir, "kernels");
  execFileSync(process.execPath, [CLI, "install", "--prefix", prefix], { stdio: "ignore" });
  const token = randomBytes(16).toString("hex");
  const [port, hubPort, proxyApiPort] = [await freePort("127.0.0.1"), await freePort("127.0.0.1"), await freePort("127.0.0.1")];
  const py = (v: unknown) => JSON.stringify(v);
  writeFileSync(path.join(dir, "jupyterhub_config.py"), [
    `c.JupyterHub.authenticator_class = "dummy"`,
    `c.JupyterHub.spawner_class = "simple"`,
    `c.JupyterHub.ip = "127.0.0.1"`,
    `c.JupyterHub.port = ${port}`,
    `c.JupyterHub.hub_ip = "127.0.0.1"`,
    `c.JupyterHub.hub_port = ${hubPort}`,
    `c.ConfigurableHTTPProxy.api_url = ${py(`http://127.0.0.1:${proxyApiPort}`)}`,
    `c.JupyterHub.db_url = ${py(`sqlite:///${path.join(dir, "jupyterhub.sqlite")}`)}`,
    `c.JupyterHub.cookie_secret_file = ${py(path.join(dir, "cookie_secret"))}`,
    `c.JupyterHub.pid_file = ${py(path.join(dir, "jupyterhub.pid"))}`,
    `c.ConfigurableHTTPProxy.pid_file = ${py(path.join(dir, "proxy.pid"))}`,
    `c.SimpleLocalProcessSpawner.home_dir_template = ${py(path.join(homes, "{username}"))}`,
    // What deploy.md tells an admin whose kernels folder is not one the servers search.
    `c.Spawner.environment = ${py({ JUPYTER_PATH: path.join(prefix, "share", "jupyter") })}`,
    // CI runners often run as root, which the single-user server refuses without this flag.
    ...(process.getuid?.() === 0 ? [`c.Spawner.args = ["--allow-root"]`] : []),
    `c.Spawner.http_timeout = 60`,
    `c.JupyterHub.services = [{"name": "lazylab-test", "api_token": ${py(token)}}]`,
    `c.JupyterHub.load_roles = [{"name": "lazylab-test", "scopes": ["admin:users", "admin:servers", "access:servers"], "services": ["lazylab-test"]}]`,
  ].join("\n") + "\n");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // Debian's configurable-http-proxy requires its modules from /usr/share/nodejs, which only
    // Debian's own node searches; a Node from elsewhere (NodeSource's, as here) needs the
    // folder named (docs/deploy.md).
    NODE_PATH: [process.env.NODE_PATH, "/usr/share/nodejs"].filter(Boolean).join(path.delimiter),
    TMPDIR: dir,
  };
  const child = spawn("/usr/bin/jupyterhub", ["-f", path.join(dir, "jupyterhub_config.py")], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d) => { output += d; });
  child.stderr!.on("data", (d) => { output += d; });
  const log = () => output;
  const dead = () => (child.exitCode !== null ? `the hub exited (${child.exitCode})` : undefined);
  const url = `http://127.0.0.1:${port}/`;
  const api = (method: string, route: string) =>
    fetch(`${url}hub/api/${route}`, { method, headers: { Authorization: `token ${token}` } });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    child.kill("SIGTERM");
    if (!(await exited(child, 15_000))) {
      child.kill("SIGKILL");
      await exited(child, 3000);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const startServer = async (user: string) => {
    const made = await api("POST", `users/${user}`);
    if (made.status !== 201) throw new Error(`POST users/${user}: ${made.status} ${await made.text()}\n${log()}`);
    const started = await api("POST", `users/${user}/server`);
    if (started.status !== 201 && started.status !== 202) throw new Error(`POST users/${user}/server: ${started.status} ${await started.text()}\n${log()}`);
    const server = `${url}user/${user}/`;
    return until(`${user}'s server did not answer`, log, 90_000, dead, async () => {
      const r = await fetch(`${server}api/status`, { headers: { Authorization: `token ${token}` } });
      return r.ok ? server : undefined;
    });
  };
  try {
    await until("the hub did not answer", log, 60_000, dead, async () => {
      return (await api("GET", "")).ok || undefined;
    });
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, token, kernelJson: path.join(prefix, "share", "jupyter", "kernels", "lazylab", "kernel.json"), homes, log, api, startServer, stop };
}
