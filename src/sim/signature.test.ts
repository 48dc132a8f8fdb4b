import { describe, expect, it } from "vitest";
import { newEventKey, signEventBody, verifyEventSignature } from "../shared/event-signature.ts";
import { signBody, verifyBody } from "./signature.ts";

describe("the simulator's synchronous event signature", () => {
  const body = JSON.stringify({ id: "i-0abc-1", type: "heartbeat", instanceId: "i-0abc" });

  it("makes the same signature as the shared Web Crypto signing", async () => {
    const key = newEventKey();
    expect(signBody(key, body)).toBe(await signEventBody(key, body));
  });

  it("accepts what Web Crypto signed and Web Crypto accepts what it signed", async () => {
    const key = newEventKey();
    expect(verifyBody(key, body, await signEventBody(key, body))).toBe(true);
    expect(await verifyEventSignature(key, body, signBody(key, body))).toBe(true);
  });

  it("refuses another key, a changed body and malformed signatures", async () => {
    const key = newEventKey();
    const signature = signBody(key, body);
    expect(verifyBody(newEventKey(), body, signature)).toBe(false);
    expect(verifyBody(key, `${body} `, signature)).toBe(false);
    expect(verifyBody(key, body, signature.toUpperCase())).toBe(false);
    expect(verifyBody(key, body, signature.slice(2))).toBe(false);
    expect(verifyBody("zz", body, signature)).toBe(false);
  });
});
