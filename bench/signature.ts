/**
 * Signature verification alone: `verifyWebhookSignature` (Web Crypto HMAC-SHA256, constant-time
 * compare) over a 10 KB body with a valid signature, one call after another.
 */
import { sign } from "@octokit/webhooks-methods";
import { verifyWebhookSignature } from "../src/control/http/signature.ts";
import { round } from "./lib/stats.ts";

export interface SignatureOptions {
  bytes: number;
  /** Stops after this many verifications, or at `budgetMs`, whichever comes first. */
  count: number;
  budgetMs: number;
}

export const signatureDefaults: SignatureOptions = {
  bytes: 10_240,
  count: 50_000,
  budgetMs: 5_000,
};

export async function runSignature(options: SignatureOptions = signatureDefaults) {
  const secret = "bench-signature-secret-0123456789";
  const body = new TextEncoder().encode(JSON.stringify({ pad: "x".repeat(options.bytes - 10) }));
  const header = await sign(secret, new TextDecoder().decode(body));
  for (let i = 0; i < 500; i++) await verifyWebhookSignature([secret], body, header);
  let done = 0;
  const start = performance.now();
  while (done < options.count && performance.now() - start < options.budgetMs) {
    if (!(await verifyWebhookSignature([secret], body, header)))
      throw new Error("a valid signature did not verify");
    done++;
  }
  const elapsedMs = performance.now() - start;
  return {
    payloadBytes: body.length,
    verifications: done,
    verificationsPerSecond: round(done / (elapsedMs / 1000), 0),
    microsecondsEach: round((elapsedMs * 1000) / done, 1),
  };
}
