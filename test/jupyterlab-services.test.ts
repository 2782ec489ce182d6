/**
 * lazylab through JupyterLab's own client library: `@jupyterlab/services` in node (WebSocket
 * from `ws`) against Debian's jupyter_server and Notebook 6 server. A session is started over REST;
 * all JupyterLab does with a kernel (execute, complete, inspect, interrupt, restart, display
 * updates, shut down) goes over the server's kernel websocket as it does in the browser.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import ts from "typescript";
import { ServerConnection, type KernelManager, type KernelMessage, type Session, type SessionManager } from "@jupyterlab/services";
import { connectLabServices, type LabServices } from "./lab-services";
import { startJupyterServer, type JupyterServer } from "./jupyter-server";
import * as lazylab from "../lib";

const ROOT = path.resolve(__dirname, "..", "..");

interface Run {
  reply: KernelMessage.IExecuteReplyMsg;
  iopub: KernelMessage.IIOPubMessage[];
}

/** The TSDoc TypeScript itself reads for an exported function of a library file. */
function tsDoc(file: string, name: string): string {
  const program = ts.createProgram([file], { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file)!;
  const symbol = checker.getExportsOfModule(checker.getSymbolAtLocation(source)!).find((s) => s.name === name);
  assert.ok(symbol, `${name} exported by ${file}`);
  return ts.displayPartsToString(symbol.getDocumentationComment(checker));
}

// jupyter_server is what JupyterLab runs on; Notebook 6's own server is what many still use.
for (const kind of ["jupyter_server", "notebook"] as const) describe(`@jupyterlab/services against ${kind === "notebook" ? "the Notebook 6 server" : "jupyter_server"}`, { timeout: 120_000 }, () => {
  let server: JupyterServer | undefined;
  let kernels: KernelManager | undefined;
  let sessions: SessionManager | undefined;
  let services: LabServices | undefined;
  let session: Session.ISessionConnection;
  let settings: ServerConnection.ISettings;

  /** Runs a cell and collects the IOPub messages of its request until the reply and idle. */
  async function run(code: string): Promise<Run> {
    const future = session.kernel!.requestExecute({ code, stop_on_error: false });
    const iopub: KernelMessage.IIOPubMessage[] = [];
    future.onIOPub = (msg) => { iopub.push(msg); };
    const reply = (await future.done) as KernelMessage.IExecuteReplyMsg;
    return { reply, iopub };
  }

  const ofType = (r: Run, type: string) => r.iopub.filter((m) => m.header.msg_type === type);
  const stdout = (r: Run) => ofType(r, "stream").map((m) => (m.content as KernelMessage.IStreamMsg["content"]).text).join("");

  async function rest<T>(url: string): Promise<T> {
    const r = await ServerConnection.makeRequest(`${settings.baseUrl}${url}`, {}, settings);
    assert.equal(r.status, 200, url);
    return (await r.json()) as T;
  }

  before(async () => {
    server = await startJupyterServer(kind);
    services = await connectLabServices(server.baseUrl, server.token);
    ({ settings, kernels, sessions } = services);
  });

  after(async () => {
    try {
      services?.dispose();
    } finally {
      await server?.stop();
    }
  });

  test("a session started over REST runs lazylab and executes over the websocket", async () => {
    const specs = await rest<{ kernelspecs: Record<string, { spec: { display_name: string; language: string } }> }>("api/kernelspecs");
    assert.equal(specs.kernelspecs.lazylab?.spec.display_name, "TypeScript (lazylab)", "the server sees the lazylab kernelspec");
    session = await sessions!.startNew({ path: "analysis.ipynb", name: "analysis.ipynb", type: "notebook", kernel: { name: "lazylab" } });
    const listed = await rest<{ id: string; path: string; kernel: { name: string } }[]>("api/sessions");
    assert.deepEqual(listed.map((s) => [s.id, s.path, s.kernel.name]), [[session.id, "analysis.ipynb", "lazylab"]]);

    const info = await session.kernel!.info;
    assert.equal(info.language_info.name, "typescript");
    assert.equal(info.status, "ok");

    const r = await run('let counts = np.arange(6).reshape([2, 3]);\nconsole.log("total", counts.sum());\ncounts.shape');
    assert.equal(r.reply.content.status, "ok");
    assert.equal(stdout(r), "total 15\n");
    const result = ofType(r, "execute_result")[0]?.content as KernelMessage.IExecuteResultMsg["content"];
    assert.equal(result.data["text/plain"], "[ 2, 3 ]");
    assert.equal(result.execution_count, r.reply.content.execution_count);
    const states = ofType(r, "status").map((m) => (m.content as KernelMessage.IStatusMsg["content"]).execution_state);
    assert.deepEqual(states, ["busy", "idle"]);

    const bad = await run("counts.nope()");
    assert.equal(bad.reply.content.status, "error");
    assert.equal(ofType(bad, "error").length, 1, "one error output");
  });

  test("completion offers a declared variable, np. members and array methods", async () => {
    const k = session.kernel!;
    const variable = await k.requestComplete({ code: "coun", cursor_pos: 4 });
    assert.ok(variable.content.status === "ok");
    assert.ok(variable.content.matches.includes("counts"), variable.content.matches.join(", "));
    assert.deepEqual([variable.content.cursor_start, variable.content.cursor_end], [0, 4]);

    const code = "np.";
    const members = await k.requestComplete({ code, cursor_pos: code.length });
    assert.ok(members.content.status === "ok");
    const offered = members.content.matches;
    const missing = Object.keys(lazylab.np).filter((n) => !offered.includes(n));
    assert.deepEqual(missing, [], "every export of np is offered");
    assert.deepEqual([members.content.cursor_start, members.content.cursor_end], [3, 3]);

    const methods = await k.requestComplete({ code: "counts.res", cursor_pos: 10 });
    assert.ok(methods.content.status === "ok");
    assert.ok(methods.content.matches.includes("reshape"), methods.content.matches.join(", "));
  });

  test("inspect shows the TSDoc of a library function", async () => {
    const code = "np.arange(3)";
    const reply = await session.kernel!.requestInspect({ code, cursor_pos: 5, detail_level: 0 });
    assert.equal(reply.content.status, "ok");
    assert.ok(reply.content.status === "ok" && reply.content.found);
    const text = String(reply.content.data["text/plain"]);
    const doc = tsDoc(path.join(ROOT, "lib", "np", "creation.ts"), "arange");
    assert.ok(doc.length > 20, "arange has TSDoc");
    assert.ok(text.includes(doc), `the inspect text holds arange's TSDoc:\n${text}`);
    assert.match(text, /arange\(/, "and its signature");
  });

  test("display(value, { id }) and display(value2, { id, update: true }) arrive as display_data and update_display_data", async () => {
    const r = await run('display("50 %", { id: "progress" });\nawait new Promise((r) => setTimeout(r, 50));\ndisplay(counts, { id: "progress", update: true });');
    assert.equal(r.reply.content.status, "ok");
    const shown = ofType(r, "display_data").map((m) => m.content as KernelMessage.IDisplayDataMsg["content"]);
    const updated = ofType(r, "update_display_data").map((m) => m.content as KernelMessage.IUpdateDisplayDataMsg["content"]);
    assert.equal(shown.length, 1);
    assert.equal(updated.length, 1);
    assert.equal(shown[0].transient?.display_id, "progress");
    assert.equal(updated[0].transient.display_id, "progress");
    assert.equal(shown[0].data["text/plain"], "'50 %'");
    assert.equal(updated[0].data["text/plain"], lazylab.np.arange(6).reshape([2, 3]).repr());
    assert.ok(String(updated[0].data["text/html"]).includes("<table"), "the update carries the array's table");
  });

  test("interrupt stops a spinning cell and keeps state", async () => {
    const k = session.kernel!;
    const future = k.requestExecute({ code: "while (true) {}" });
    const busy = new Promise<void>((resolve) => {
      future.onIOPub = (m) => { if (m.header.msg_type === "status" && (m.content as KernelMessage.IStatusMsg["content"]).execution_state === "busy") resolve(); };
    });
    await busy;
    await new Promise((r) => setTimeout(r, 500));
    const t0 = Date.now();
    await k.interrupt();
    const reply = (await future.done) as KernelMessage.IExecuteReplyMsg;
    assert.ok(Date.now() - t0 < 10_000, "stopped within 10 s");
    assert.equal(reply.content.status, "error");
    assert.equal(reply.content.status === "error" && reply.content.ename, "Interrupted");
    const after = await run("counts.sum()");
    assert.equal(after.reply.content.status, "ok");
    assert.equal((ofType(after, "execute_result")[0].content as KernelMessage.IExecuteResultMsg["content"]).data["text/plain"], "15");
  });

  test("restart gives a fresh kernel: state gone, counts from 1", async () => {
    const k = session.kernel!;
    await k.restart();
    const r = await run("typeof (globalThis as any).counts");
    assert.equal(r.reply.content.status, "ok");
    assert.equal(r.reply.content.execution_count, 1);
    assert.equal((ofType(r, "execute_result")[0].content as KernelMessage.IExecuteResultMsg["content"]).data["text/plain"], "'undefined'");
    const declared = await run("counts");
    assert.equal(declared.reply.content.status, "error", "counts is gone after a restart");
  });

  test("shutting the session down stops the kernel on the server", async () => {
    const kernelId = session.kernel!.id;
    await session.shutdown();
    assert.deepEqual(await rest<unknown[]>("api/sessions"), []);
    const left = await rest<{ id: string }[]>("api/kernels");
    assert.ok(!left.some((k) => k.id === kernelId), "the kernel is gone from /api/kernels");
  });
});
