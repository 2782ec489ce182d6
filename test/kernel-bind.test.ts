/**
 * The kernel listens where its connection file says and nowhere else (docs/deploy.md): a
 * provisioner that starts it on another host writes that host's address into the file, and a
 * kernel bound to 0.0.0.0 would also expose its five sockets on every other interface.
 *
 * The file names 127.0.0.2 (a loopback address distinct from 127.0.0.1 on Linux): the
 * heartbeat answers there, and the same ports on 127.0.0.1 refuse connections. With
 * `transport: "ipc"` the kernel makes Unix sockets at `{ip}-{port}` and opens no TCP port.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import path from "node:path";
import * as zmq from "zeromq";
import { freePort } from "../kernel/client/launch";

const OUT = path.join(__dirname, "..", "..", "test-output");
const CLI = path.join(__dirname, "..", "kernel", "cli.js");

/** "open" if a TCP connection to ip:port is accepted, "refused" if not. */
function probe(ip: string, port: number): Promise<"open" | "refused"> {
  return new Promise((resolve) => {
    const s = connect({ host: ip, port });
    s.setTimeout(2000);
    s.once("connect", () => {
      s.destroy();
      resolve("open");
    });
    s.once("error", () => resolve("refused"));
    s.once("timeout", () => {
      s.destroy();
      resolve("refused");
    });
  });
}

/** Sends one heartbeat and resolves with the echo (or rejects after timeoutMs). */
async function heartbeat(address: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  // The kernel takes a moment to bind: retry with a fresh REQ until it answers.
  for (;;) {
    const req = new zmq.Request({ linger: 0, receiveTimeout: 1000 });
    req.connect(address);
    try {
      await req.send("ping");
      const [reply] = await req.receive();
      return reply.toString();
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`no heartbeat from ${address}: ${(e as Error).message}`);
    } finally {
      req.close();
    }
  }
}

function startKernel(info: object, dir: string): ChildProcess {
  const file = path.join(dir, "kernel.json");
  writeFileSync(file, JSON.stringify(info), { mode: 0o600 });
  return spawn(process.execPath, [CLI, "kernel", "-f", file], { cwd: dir, stdio: ["ignore", "ignore", "pipe"], detached: true });
}

function stop(child: ChildProcess): void {
  try {
    if (child.exitCode === null && child.pid) process.kill(-child.pid, "SIGKILL");
  } catch {
    /* already gone */
  }
}

/** The kernel's listening TCP sockets, from /proc/net/tcp (state 0A = LISTEN), as "ip:port". */
function listeningPorts(ports: number[]): string[] {
  const found: string[] = [];
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, "utf8").split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 4 || f[3] !== "0A") continue;
      const [hexIp, hexPort] = f[1].split(":");
      const port = parseInt(hexPort, 16);
      if (!ports.includes(port)) continue;
      const ip = hexIp.length === 8 ? hexIp.match(/../g)!.reverse().map((b) => parseInt(b, 16)).join(".") : hexIp;
      found.push(`${ip}:${port}`);
    }
  }
  return found.sort();
}

test("the kernel binds the connection file's ip only: 127.0.0.2 answers, 127.0.0.1 refuses", { timeout: 60_000 }, async () => {
  mkdirSync(OUT, { recursive: true });
  const dir = mkdtempSync(path.join(OUT, "bind-"));
  const ip = "127.0.0.2";
  const ports = new Set<number>();
  // Ports free on 127.0.0.1 too: one another process holds there would read as the kernel's.
  while (ports.size < 5) {
    const port = await freePort(ip);
    if ((await probe("127.0.0.1", port)) === "refused") ports.add(port);
  }
  const [shell_port, control_port, iopub_port, stdin_port, hb_port] = [...ports];
  const child = startKernel({ ip, transport: "tcp", key: randomUUID(), signature_scheme: "hmac-sha256", shell_port, control_port, iopub_port, stdin_port, hb_port }, dir);
  try {
    assert.equal(await heartbeat(`tcp://${ip}:${hb_port}`, 30_000), "ping");
    for (const port of ports) {
      assert.equal(await probe(ip, port), "open", `port ${port} on ${ip}`);
      assert.equal(await probe("127.0.0.1", port), "refused", `port ${port} must not be open on 127.0.0.1`);
    }
    // Nothing bound to the wildcard address either (which 127.0.0.1 alone would not show on
    // a host whose other interfaces are not loopback).
    assert.deepEqual(listeningPorts([...ports]), [...ports].sort((a, b) => a - b).map((p) => `${ip}:${p}`).sort());
  } finally {
    stop(child);
    rmSync(dir, { recursive: true, force: true });
  }
});

test("with transport ipc the kernel makes Unix sockets at {ip}-{port} and opens no TCP port", { timeout: 60_000 }, async () => {
  mkdirSync(OUT, { recursive: true });
  const dir = mkdtempSync(path.join(OUT, "bind-ipc-"));
  const ip = path.join(dir, "kernel");
  const ports = [1, 2, 3, 4, 5];
  const [shell_port, control_port, iopub_port, stdin_port, hb_port] = ports;
  const child = startKernel({ ip, transport: "ipc", key: randomUUID(), signature_scheme: "hmac-sha256", shell_port, control_port, iopub_port, stdin_port, hb_port }, dir);
  try {
    assert.equal(await heartbeat(`ipc://${ip}-${hb_port}`, 30_000), "ping");
    for (const p of ports) assert.ok(existsSync(`${ip}-${p}`), `ipc socket ${ip}-${p}`);
    // Whatever the kernel's process listens on over TCP: nothing (its sockets are inodes
    // owned by the kernel's pid; read /proc/PID/fd against /proc/net/tcp's listeners).
    const inodes = new Set<string>();
    const fdDir = `/proc/${child.pid}/fd`;
    for (const fd of readdirSync(fdDir)) {
      try {
        const m = /socket:\[(\d+)\]/.exec(readlinkSync(path.join(fdDir, fd)));
        if (m) inodes.add(m[1]);
      } catch {
        /* closed meanwhile */
      }
    }
    const tcpListeners: string[] = [];
    for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
      for (const line of readFileSync(table, "utf8").split("\n").slice(1)) {
        const f = line.trim().split(/\s+/);
        if (f[3] === "0A" && inodes.has(f[9])) tcpListeners.push(f[1]);
      }
    }
    assert.deepEqual(tcpListeners, []);
  } finally {
    stop(child);
    rmSync(dir, { recursive: true, force: true });
  }
});
