/**
 * lazylab under JupyterHub (docs/deploy.md): Debian's jupyterhub 3 starts a user's single-user
 * server (Notebook 6, in the hub's stripped environment: the user's HOME, no kernelspec of this
 * user's), which finds the kernelspec that `lazylab install --prefix` wrote through
 * `JUPYTER_PATH`. JupyterLab's client library (`@jupyterlab/services`) then does what a browser
 * does through the hub's proxy: a session, cells, an interrupt; and the hub stopping the user's
 * server must end the kernel and its executor.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { ServerConnection, type KernelMessage, type Session, type SessionManager } from "@jupyterlab/services";
import { connectLabServices, type LabServices } from "./lab-services";
import { startHub, type Hub } from "./jupyterhub";
import { withFreshKernel } from "./fresh-kernel";

const USER = "ada";

/** The process has ended (a zombie waiting for its reaper counts as ended). */
function gone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return true;
  }
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (gone(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

// A memory figure as the tutorial takes it: what one new array adds to the machine's used
// memory, in MB to two places. Not to the byte: what the executor keeps for each cell grows with
// the length of the notebook folder's path, which differs here (measured: +1.7 KB over these two
// cells for a path 200 characters longer), and two kernels in one folder differed by 16 bytes.
const FIGURE = [
  "const hubM0 = psutil.virtualMemory().used",
  "const hubOnes = np.ones([1000, 1000])",
  "Math.round((psutil.virtualMemory().used - hubM0) / 2**20 * 100) / 100",
];

describe("JupyterHub: a user's server runs lazylab through the hub's proxy", { timeout: 240_000 }, () => {
  let hub: Hub | undefined;
  let server = "";
  let settings: ServerConnection.ISettings;
  let sessions: SessionManager | undefined;
  let services: LabServices | undefined;
  let session: Session.ISessionConnection;

  async function run(code: string): Promise<{ status: string; text: string }> {
    const future = session.kernel!.requestExecute({ code, stop_on_error: false });
    const iopub: KernelMessage.IIOPubMessage[] = [];
    future.onIOPub = (msg) => { iopub.push(msg); };
    const reply = (await future.done) as KernelMessage.IExecuteReplyMsg;
    const text = iopub.map((m) => {
      const c = m.content as { text?: string; data?: Record<string, string>; ename?: string; evalue?: string };
      if (c.ename) return `${c.ename}: ${c.evalue}`;
      return c.text ?? c.data?.["text/plain"] ?? "";
    }).join("");
    return { status: reply.content.status, text };
  }

  before(async () => {
    hub = await startHub();
    server = await hub.startServer(USER);
    services = await connectLabServices(server, hub.token);
    ({ settings, sessions } = services);
  });

  after(async () => {
    try {
      services?.dispose();
    } finally {
      await hub?.stop();
    }
  });

  test("the user's server lists the kernelspec that lazylab install --prefix wrote, found through JUPYTER_PATH", async () => {
    const r = await ServerConnection.makeRequest(`${server}api/kernelspecs`, {}, settings);
    assert.equal(r.status, 200);
    const specs = (await r.json()) as { kernelspecs: Record<string, { spec: { display_name: string; language: string; argv: string[] } }> };
    const spec = specs.kernelspecs.lazylab;
    assert.ok(spec, `lazylab among ${Object.keys(specs.kernelspecs).join(", ")}\n${hub!.log()}`);
    assert.deepEqual(spec.spec.argv, JSON.parse(readFileSync(hub!.kernelJson, "utf8")).argv);
  });

  test("cells run through the proxy, in the user's home, with the figures of a kernel started directly", async () => {
    session = await sessions!.startNew({ path: "hub.ipynb", type: "notebook", name: "hub.ipynb", kernel: { name: "lazylab" } });
    // A fresh kernel's first cells on both sides: a figure depends on what ran before it.
    const viaHub: string[] = [];
    for (const code of FIGURE) viaHub.push((await run(code)).text);
    const direct = await withFreshKernel("jupyterhub", async (runDirect) => {
      const texts: string[] = [];
      for (const code of FIGURE) texts.push(await runDirect(code));
      return texts;
    });
    assert.deepEqual(viaHub, direct, "the memory figure through the hub differs from a kernel's started by jupyter_client's way here");
    assert.ok(Number(viaHub[2]) > 7.6, `np.ones 1000x1000 added ${viaHub[2]} MB`);
    assert.deepEqual(await run("1 + 1"), { status: "ok", text: "2" });
    assert.deepEqual(await run("np.arange(6).reshape([2, 3]).sum(0)"), { status: "ok", text: "array([3, 5, 7])" });
    // The spawner's environment reached the kernel: its HOME and working folder are the user's.
    const home = path.join(hub!.homes, USER);
    assert.deepEqual(await run("[process.env.HOME, process.cwd(), process.env.JUPYTERHUB_USER].join(' ')"), { status: "ok", text: `'${home} ${home} ${USER}'` });
    // So the kernelspec came from the prefix: the only kernels folders this server searches
    // besides its own user's are the system's and JUPYTER_PATH's.
    assert.deepEqual(await run("process.env.JUPYTER_PATH"), { status: "ok", text: `'${path.dirname(path.dirname(path.dirname(hub!.kernelJson)))}'` });
    // A compile error, as a user would make one, is a clean error on the cell.
    const bad = await run("const n: number = 'one'");
    assert.equal(bad.status, "error");
    assert.match(bad.text, /^TS2322: /);
  });

  test("an interrupt through the proxy stops a busy cell and keeps the session's state", async () => {
    await run("const keptThroughHub = 41");
    const future = session.kernel!.requestExecute({ code: "while (true) {}", stop_on_error: false });
    await new Promise((r) => setTimeout(r, 1000));
    await session.kernel!.interrupt();
    const reply = (await future.done) as KernelMessage.IExecuteReplyMsg;
    assert.equal(reply.content.status, "error");
    assert.equal((reply.content as KernelMessage.IReplyErrorContent).ename, "Interrupted");
    assert.deepEqual(await run("keptThroughHub + 1"), { status: "ok", text: "42" });
  });

  test("the hub stopping the user's server ends the kernel and its executor, even mid-cell", async () => {
    const executor = Number((await run("process.pid")).text);
    const stat = readFileSync(`/proc/${executor}/stat`, "latin1");
    const kernel = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    assert.ok(executor > 0 && kernel > 0 && !gone(kernel) && !gone(executor));
    // Busy when the server goes: the executor cannot see its channel close.
    void session.kernel!.requestExecute({ code: "while (true) {}" }).done.catch(() => undefined);
    await new Promise((r) => setTimeout(r, 500));
    const stopped = await hub!.api("DELETE", `users/${USER}/server`);
    assert.ok(stopped.status === 202 || stopped.status === 204, `DELETE server: ${stopped.status}`);
    try {
      assert.ok(await waitGone(kernel, 30_000), `the kernel ${kernel} outlived the user's server`);
      assert.ok(await waitGone(executor, 10_000), `the executor ${executor} outlived its kernel`);
    } finally {
      for (const pid of [kernel, executor]) if (!gone(pid)) process.kill(pid, "SIGKILL");
    }
  });
});
