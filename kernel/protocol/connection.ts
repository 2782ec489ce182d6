/** The connection file Jupyter writes for a kernel, read and validated once. */
import { readFileSync } from "node:fs";
import { SIGNATURE_SCHEMES } from "./wire";

export interface ConnectionInfo {
  ip: string;
  transport: "tcp" | "ipc";
  key: string;
  signature_scheme: string;
  shell_port: number;
  control_port: number;
  iopub_port: number;
  stdin_port: number;
  hb_port: number;
  kernel_name?: string;
}

export class ConnectionFileError extends Error {
  override name = "ConnectionFileError";
}

export function readConnectionFile(path: string): ConnectionInfo {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new ConnectionFileError(`cannot read connection file ${path}: ${(e as Error).message}`);
  }
  const info = raw as Partial<ConnectionInfo>;
  for (const port of ["shell_port", "control_port", "iopub_port", "stdin_port", "hb_port"] as const) {
    if (!Number.isInteger(info[port])) throw new ConnectionFileError(`connection file ${path}: ${port} is missing or not an integer`);
  }
  if (typeof info.ip !== "string") throw new ConnectionFileError(`connection file ${path}: ip is missing`);
  const scheme = info.signature_scheme ?? "hmac-sha256";
  if (!(SIGNATURE_SCHEMES as readonly string[]).includes(scheme)) {
    throw new ConnectionFileError(`connection file ${path}: unsupported signature_scheme ${scheme} (lazylab supports ${SIGNATURE_SCHEMES.join(", ")})`);
  }
  return {
    ip: info.ip,
    transport: info.transport ?? "tcp",
    key: info.key ?? "",
    signature_scheme: scheme,
    shell_port: info.shell_port!,
    control_port: info.control_port!,
    iopub_port: info.iopub_port!,
    stdin_port: info.stdin_port!,
    hb_port: info.hb_port!,
    kernel_name: info.kernel_name,
  };
}

export function endpoint(info: ConnectionInfo, port: number): string {
  return info.transport === "ipc" ? `ipc://${info.ip}-${port}` : `tcp://${info.ip}:${port}`;
}

/**
 * `call` (a synchronous ZeroMQ call: connect, a socket option such as subscribe or linger),
 * made again while it fails with EINTR. zeromq.js retries its sends, receives and binds when a
 * signal interrupts them, but passes EINTR from zmq_connect and zmq_setsockopt on: a client
 * connecting while a child process of its own exited (SIGCHLD) failed with "Interrupted system
 * call" (`lazylab test` in a CI run, its previous notebook's kernel just ended).
 */
export function uninterrupted<T>(call: () => T): T {
  for (let tries = 1; ; tries++) {
    try {
      return call();
    } catch (e) {
      if ((e as { code?: string }).code !== "EINTR" || tries >= 100) throw e;
    }
  }
}
