import { createPrivateKey, sign, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateAppKey } from "../../../../test/support/fake-github-keys.ts";
import { checkSigningKey, toPkcs8Pem } from "./private-key.ts";

const key = generateAppKey();

describe("toPkcs8Pem", () => {
  it("wraps a PKCS#1 key into exactly the PKCS#8 that OpenSSL makes", () => {
    const out = toPkcs8Pem(key.pkcs1);
    expect(out).toEqual({ ok: true, pem: key.pkcs8 });
  });

  it("keeps a PKCS#8 key as it is", () => {
    expect(toPkcs8Pem(key.pkcs8)).toEqual({ ok: true, pem: key.pkcs8 });
  });

  it("accepts line breaks escaped as \\n, as environment variables often carry them", () => {
    const escaped = key.pkcs1.trim().replace(/\n/g, "\\n");
    expect(toPkcs8Pem(escaped)).toEqual({ ok: true, pem: key.pkcs8 });
  });

  it("gives a key Web Crypto can sign with, matching the App's public key", async () => {
    const out = toPkcs8Pem(key.pkcs1);
    if (!out.ok) throw new Error(out.error);
    await checkSigningKey(out.pem);
    const signature = sign("sha256", Buffer.from("x"), createPrivateKey(out.pem));
    expect(verify("sha256", Buffer.from("x"), key.publicKey, signature)).toBe(true);
  });

  it.each([
    ["not PEM", "hello", /not PEM/],
    [
      "OpenSSH",
      "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----",
      /OPENSSH/,
    ],
    [
      "encrypted",
      "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----",
      /ENCRYPTED/,
    ],
    ["a public key", key.publicKey, /PUBLIC KEY/],
    ["garbage inside", "-----BEGIN PRIVATE KEY-----\n!!!\n-----END PRIVATE KEY-----", /base64/],
    ["too short", "-----BEGIN PRIVATE KEY-----\nMAAA\n-----END PRIVATE KEY-----", /DER/],
  ])("refuses %s", (_, text, message) => {
    const out = toPkcs8Pem(text);
    expect(out.ok).toBe(false);
    expect(out.ok ? "" : out.error).toMatch(message);
  });
});
