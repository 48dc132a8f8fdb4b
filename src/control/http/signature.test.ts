import { sign } from "@octokit/webhooks-methods";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { timingSafeEqual, verifyWebhookSignature } from "./signature.ts";

const enc = new TextEncoder();

describe("verifyWebhookSignature", () => {
  it("accepts GitHub's signature and refuses any change to body, secret or header", async () => {
    const body = '{"action":"queued"}';
    const header = await sign("s3cret-value-long-enough", body);
    expect(
      await verifyWebhookSignature(["s3cret-value-long-enough"], enc.encode(body), header),
    ).toBe(true);
    expect(await verifyWebhookSignature(["other"], enc.encode(body), header)).toBe(false);
    expect(
      await verifyWebhookSignature(["s3cret-value-long-enough"], enc.encode(`${body} `), header),
    ).toBe(false);
    expect(
      await verifyWebhookSignature(
        ["s3cret-value-long-enough"],
        enc.encode(body),
        header.replace("sha256=", "sha1="),
      ),
    ).toBe(false);
    expect(
      await verifyWebhookSignature(["s3cret-value-long-enough"], enc.encode(body), undefined),
    ).toBe(false);
    expect(
      await verifyWebhookSignature(["s3cret-value-long-enough"], enc.encode(body), `${header}00`),
    ).toBe(false);
  });

  it("accepts the previous secret during rotation", async () => {
    const header = await sign("old-secret-value-xyz", "{}");
    expect(
      await verifyWebhookSignature(
        ["new-secret-value-xyz", "old-secret-value-xyz"],
        enc.encode("{}"),
        header,
      ),
    ).toBe(true);
  });

  it("never throws on arbitrary headers and bodies", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.uint8Array({ maxLength: 256 }), async (header, body) => {
        expect(await verifyWebhookSignature(["k".repeat(16)], body, header)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});

describe("timingSafeEqual", () => {
  it("agrees with === on any pair of strings", () => {
    fc.assert(fc.property(fc.string(), fc.string(), (a, b) => timingSafeEqual(a, b) === (a === b)));
    expect(timingSafeEqual("token", "token")).toBe(true);
  });
});
