import { createHmac, timingSafeEqual } from "node:crypto";
import { EVENT_KEY_PATTERN } from "../shared/event-signature.ts";

/**
 * The agent-event signature (HMAC-SHA256 over the body, lowercase hex) computed with Node's
 * synchronous HMAC: the same bytes as the shared Web Crypto functions, without a thread-pool
 * round trip per event, which in a simulated week of tens of thousands of jobs is most of the
 * waiting. The simulator is Node-only; the control plane keeps the Web Crypto check.
 */
export function signBody(keyHex: string, body: string): string {
  return createHmac("sha256", Buffer.from(keyHex, "hex")).update(body).digest("hex");
}

/** Whether `signature` is `body`'s under `keyHex`, compared in constant time. */
export function verifyBody(keyHex: string, body: string, signature: string): boolean {
  if (!EVENT_KEY_PATTERN.test(keyHex) || !EVENT_KEY_PATTERN.test(signature)) return false;
  const expected = createHmac("sha256", Buffer.from(keyHex, "hex")).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(signature, "hex"));
}
