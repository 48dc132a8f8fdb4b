import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { newEventKey, signEventBody, verifyEventSignature } from "./event-signature.ts";

describe("event signatures", () => {
  const key = "0f".repeat(32);
  const body = '{"type":"heartbeat","instanceId":"i-1"}';

  it("is HMAC-SHA256 over the body, hex (what openssl and .NET make in the bootstraps)", async () => {
    const expected = createHmac("sha256", Buffer.from(key, "hex")).update(body).digest("hex");
    expect(await signEventBody(key, body)).toBe(expected);
  });

  it("verifies only the same body under the same key", async () => {
    const signature = await signEventBody(key, body);
    expect(await verifyEventSignature(key, body, signature)).toBe(true);
    expect(await verifyEventSignature(key, body.replace("i-1", "i-2"), signature)).toBe(false);
    expect(await verifyEventSignature(newEventKey(), body, signature)).toBe(false);
    expect(await verifyEventSignature(key, body, "not-hex")).toBe(false);
    expect(await verifyEventSignature(key, body, signature.toUpperCase())).toBe(false);
  });

  it("makes fresh 256-bit keys", () => {
    const a = newEventKey();
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(newEventKey()).not.toBe(a);
  });
});
