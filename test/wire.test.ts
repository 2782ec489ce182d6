/** Message signing and the frame codec. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { decode, encode, Signer, WireError } from "../kernel/protocol/wire";
import { createMessage } from "../kernel/protocol/messages";

const KEY = "a0436f6c-1916-498b-8eb9-e81ab9368e84";

function frames(signer: Signer) {
  const parent = createMessage("status", { execution_state: "idle" }, undefined, "s");
  return encode(createMessage("stream", { name: "stdout", text: "hi" }, { ...parent, identities: [Buffer.from("client")] }, "s"), signer);
}

test("signature is HMAC-SHA256 over header, parent, metadata, content", () => {
  const f = frames(new Signer(KEY));
  const d = f.findIndex((x) => x.toString() === "<IDS|MSG>");
  const h = createHmac("sha256", KEY);
  for (const p of f.slice(d + 2, d + 6)) h.update(p);
  assert.equal(f[d + 1].toString(), h.digest("hex"));
  assert.deepEqual(f[0], Buffer.from("client"));
});

test("a signed message round-trips", () => {
  const signer = new Signer(KEY);
  const m = decode(frames(signer), signer);
  assert.equal(m.header.msg_type, "stream");
  assert.deepEqual(m.content, { name: "stdout", text: "hi" });
  assert.deepEqual(m.identities, [Buffer.from("client")]);
});

test("tampered content, wrong key, missing signature are refused by kind", () => {
  const signer = new Signer(KEY);
  const f = frames(signer);
  const d = f.findIndex((x) => x.toString() === "<IDS|MSG>");
  const tampered = f.slice();
  tampered[d + 5] = Buffer.from('{"name":"stdout","text":"evil"}');
  assert.throws(() => decode(tampered, signer), (e: WireError) => e.fault === "bad-signature");
  assert.throws(() => decode(f, new Signer("other key")), (e: WireError) => e.fault === "bad-signature");
  const unsigned = f.slice();
  unsigned[d + 1] = Buffer.alloc(0);
  assert.throws(() => decode(unsigned, signer), (e: WireError) => e.fault === "unsigned");
});

test("an empty key means unsigned mode", () => {
  const signer = new Signer("");
  const f = frames(signer);
  const d = f.findIndex((x) => x.toString() === "<IDS|MSG>");
  assert.equal(f[d + 1].length, 0);
  assert.equal(decode(f, signer).header.msg_type, "stream");
});

test("malformed frames are refused with a named fault", () => {
  const signer = new Signer("");
  assert.throws(() => decode([Buffer.from("x")], signer), (e: WireError) => e.fault === "no-delimiter");
  assert.throws(() => decode([Buffer.from("<IDS|MSG>"), Buffer.alloc(0)], signer), (e: WireError) => e.fault === "truncated");
  const bad = [Buffer.from("<IDS|MSG>"), Buffer.alloc(0), Buffer.from("{"), Buffer.from("{}"), Buffer.from("{}"), Buffer.from("{}")];
  assert.throws(() => decode(bad, signer), (e: WireError) => e.fault === "bad-json");
  const noType = [Buffer.from("<IDS|MSG>"), Buffer.alloc(0), Buffer.from('{"msg_id":"1"}'), Buffer.from("{}"), Buffer.from("{}"), Buffer.from("{}")];
  assert.throws(() => decode(noType, signer), (e: WireError) => e.fault === "bad-header");
});
