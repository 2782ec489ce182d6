/**
 * The wire format: ZeroMQ multipart frames
 *   [identities..., "<IDS|MSG>", signature, header, parent_header, metadata, content, buffers...]
 * signed with HMAC-SHA256 over the four JSON frames. Verification is constant-time; a
 * message that fails it is rejected before any of its JSON is trusted.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Header, Message } from "./messages";

const DELIMITER = Buffer.from("<IDS|MSG>");

/** Why a frame set was refused; the kernel logs each kind once and sends no reply. */
export type WireFault = "no-delimiter" | "truncated" | "unsigned" | "bad-signature" | "bad-json" | "bad-header";

export class WireError extends Error {
  override name = "WireError";
  constructor(readonly fault: WireFault, message: string) {
    super(message);
  }
}

/** The HMAC schemes a connection file may name (jupyter_client accepts any hashlib name). */
export const SIGNATURE_SCHEMES = ["hmac-sha256", "hmac-sha224", "hmac-sha384", "hmac-sha512", "hmac-sha1", "hmac-md5"] as const;

export class Signer {
  private readonly key: Buffer;
  private readonly algorithm: string;
  constructor(key: string, readonly scheme = "hmac-sha256") {
    if (!(SIGNATURE_SCHEMES as readonly string[]).includes(scheme)) throw new Error(`unsupported signature_scheme ${scheme}`);
    this.key = Buffer.from(key, "utf8");
    this.algorithm = scheme.slice("hmac-".length);
  }

  get enabled(): boolean {
    return this.key.length > 0;
  }

  sign(parts: Buffer[]): string {
    if (!this.enabled) return "";
    const h = createHmac(this.algorithm, this.key);
    for (const p of parts) h.update(p);
    return h.digest("hex");
  }

  /**
   * Constant-time comparison of hex digests: timingSafeEqual touches every byte whatever
   * differs. Only the length can leak, and every digest of this scheme has the same length;
   * a signature made with another scheme differs in length or value and is refused alike.
   */
  verify(signature: Buffer, parts: Buffer[]): boolean {
    if (!this.enabled) return true;
    const expected = Buffer.from(this.sign(parts), "utf8");
    return signature.length === expected.length && timingSafeEqual(signature, expected);
  }
}

export function encode(msg: Message, signer: Signer): Buffer[] {
  const parts = [
    Buffer.from(JSON.stringify(msg.header)),
    Buffer.from(JSON.stringify(msg.parent_header)),
    Buffer.from(JSON.stringify(msg.metadata)),
    Buffer.from(JSON.stringify(msg.content)),
  ];
  return [...msg.identities, DELIMITER, Buffer.from(signer.sign(parts)), ...parts, ...msg.buffers];
}

function parseObject(frame: Buffer, what: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(frame.toString("utf8"));
  } catch {
    throw new WireError("bad-json", `${what} is not valid JSON`);
  }
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw new WireError("bad-json", `${what} is not a JSON object`);
  return v as Record<string, unknown>;
}

export function decode(frames: Buffer[], signer: Signer): Message {
  const d = frames.findIndex((f) => f.equals(DELIMITER));
  if (d < 0) throw new WireError("no-delimiter", "no <IDS|MSG> delimiter");
  if (frames.length < d + 6) throw new WireError("truncated", `expected 5 frames after the delimiter, got ${frames.length - d - 1}`);
  const signature = frames[d + 1];
  const parts = frames.slice(d + 2, d + 6);
  if (signer.enabled) {
    if (signature.length === 0) throw new WireError("unsigned", "message is not signed");
    if (!signer.verify(signature, parts)) throw new WireError("bad-signature", "signature does not match");
  }
  const header = parseObject(parts[0], "header");
  if (typeof header.msg_type !== "string" || typeof header.msg_id !== "string") {
    throw new WireError("bad-header", "header lacks msg_type or msg_id");
  }
  const msg: Message = {
    identities: frames.slice(0, d),
    header: header as unknown as Header,
    parent_header: {},
    metadata: {},
    content: {},
    buffers: frames.slice(d + 6),
  };
  // Signed, with a header we can answer: a bad frame after it earns an error reply, not silence.
  try {
    msg.parent_header = parseObject(parts[1], "parent_header") as Message["parent_header"];
    msg.metadata = parseObject(parts[2], "metadata");
    msg.content = parseObject(parts[3], "content");
  } catch (e) {
    msg.invalid = (e as Error).message;
  }
  return msg;
}
