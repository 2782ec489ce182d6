/**
 * JupyterLab's client library (`@jupyterlab/services`) connected to a server as JupyterLab
 * connects in the browser, in node: `ws` for the WebSocket, the global fetch, the token
 * appended to every request.
 */
import WebSocket from "ws";
import { KernelManager, ServerConnection, SessionManager } from "@jupyterlab/services";

export interface LabServices {
  settings: ServerConnection.ISettings;
  kernels: KernelManager;
  sessions: SessionManager;
  dispose(): void;
}

/** Connects to the server at `baseUrl` (`http://host:port/prefix/`) with `token`; resolves once its sessions are listed. */
export async function connectLabServices(baseUrl: string, token: string): Promise<LabServices> {
  const settings = ServerConnection.makeSettings({
    baseUrl,
    wsUrl: baseUrl.replace(/^http/, "ws"),
    token,
    appendToken: true,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    fetch: globalThis.fetch,
    Request: globalThis.Request,
    Headers: globalThis.Headers,
  });
  const kernels = new KernelManager({ serverSettings: settings });
  const sessions = new SessionManager({ kernelManager: kernels, serverSettings: settings });
  await sessions.ready;
  return { settings, kernels, sessions, dispose: () => { sessions.dispose(); kernels.dispose(); } };
}
