/**
 * The five sockets of a kernel (shell, control, stdin as ROUTER; iopub as XPUB, which tells
 * of each new subscriber; heartbeat as REP echoing on its own loop). This file moves frames
 * only: it knows nothing of TypeScript or of what the messages mean.
 */
import * as zmq from "zeromq";
import { endpoint, uninterrupted, type ConnectionInfo } from "./connection";
import { decode, encode, Signer, WireError, type WireFault } from "./wire";
import type { Message } from "./messages";

export type ChannelName = "shell" | "control" | "stdin" | "iopub";

/** zeromq v6 allows one send in flight per socket; this keeps them in order. */
class SendQueue {
  private tail: Promise<void> = Promise.resolve();
  constructor(private readonly socket: zmq.Writable) {}
  send(frames: Buffer[]): Promise<void> {
    this.tail = this.tail.then(
      () => this.socket.send(frames),
      () => this.socket.send(frames),
    );
    return this.tail;
  }
  drain(): Promise<void> {
    return this.tail.catch(() => undefined);
  }
}

export interface ChannelHandlers {
  onMessage(channel: ChannelName, msg: Message): void;
  /** A refused frame set: logged by the caller (once per fault kind), never answered. */
  onWireError(channel: ChannelName, fault: WireFault, detail: string): void;
  /** A client subscribed to iopub (`topic`: its prefix, "" for everything); it receives from now on. */
  onSubscribe(topic: string): void;
}

export class Channels {
  readonly signer: Signer;
  private readonly shell = new zmq.Router();
  private readonly control = new zmq.Router();
  private readonly stdin = new zmq.Router();
  /** Every subscription is passed up (allSubs), not only a topic's first: each client is told. */
  private readonly iopub = new zmq.XPublisher({ verbosity: "allSubs" });
  private readonly heartbeat = new zmq.Reply();
  private readonly queues: Record<ChannelName, SendQueue>;
  private closed = false;

  constructor(private readonly info: ConnectionInfo) {
    this.signer = new Signer(info.key, info.signature_scheme);
    this.queues = {
      shell: new SendQueue(this.shell),
      control: new SendQueue(this.control),
      stdin: new SendQueue(this.stdin),
      iopub: new SendQueue(this.iopub),
    };
    for (const s of [this.shell, this.control, this.stdin, this.iopub, this.heartbeat]) uninterrupted(() => (s.linger = 0));
  }

  async bind(handlers: ChannelHandlers): Promise<void> {
    const i = this.info;
    await Promise.all([
      this.shell.bind(endpoint(i, i.shell_port)),
      this.control.bind(endpoint(i, i.control_port)),
      this.stdin.bind(endpoint(i, i.stdin_port)),
      this.iopub.bind(endpoint(i, i.iopub_port)),
      this.heartbeat.bind(endpoint(i, i.hb_port)),
    ]);
    void this.echo();
    void this.receive("shell", this.shell, handlers);
    void this.receive("control", this.control, handlers);
    void this.receive("stdin", this.stdin, handlers);
    void this.subscriptions(handlers);
  }

  send(channel: ChannelName, msg: Message): Promise<void> {
    if (this.closed) return Promise.resolve();
    return this.queues[channel].send(encode(msg, this.signer)).catch(() => undefined);
  }

  /** Resolves when everything queued on iopub so far has been handed to ZeroMQ. */
  flush(channel: ChannelName): Promise<void> {
    return this.queues[channel].drain();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.all(Object.values(this.queues).map((q) => q.drain()));
    this.closed = true;
    for (const s of [this.shell, this.control, this.stdin, this.iopub, this.heartbeat]) s.close();
  }

  private async echo(): Promise<void> {
    try {
      for await (const frames of this.heartbeat) await this.heartbeat.send(frames);
    } catch {
      /* socket closed */
    }
  }

  /** XPUB's one-frame subscription messages: 1 then the topic to subscribe, 0 to unsubscribe. */
  private async subscriptions(handlers: ChannelHandlers): Promise<void> {
    try {
      for await (const [frame] of this.iopub) if (frame?.length && frame[0] === 1) handlers.onSubscribe(frame.subarray(1).toString("utf8"));
    } catch {
      /* socket closed */
    }
  }

  private async receive(name: ChannelName, socket: zmq.Router, handlers: ChannelHandlers): Promise<void> {
    try {
      for await (const frames of socket) {
        let msg: Message;
        try {
          msg = decode(frames as Buffer[], this.signer);
        } catch (e) {
          if (e instanceof WireError) handlers.onWireError(name, e.fault, e.message);
          else handlers.onWireError(name, "bad-json", String(e));
          continue;
        }
        handlers.onMessage(name, msg);
      }
    } catch {
      /* socket closed */
    }
  }
}
