/**
 * Agent events are signed with a per-instance key: HMAC-SHA256 over the exact message body,
 * sent as lowercase hex in the `signature` message attribute. The key (32 random bytes, hex)
 * is made by the scheduler at launch, kept in the instance record and handed to the instance
 * in its runner config, which only that instance can read. Web Crypto only: the same code runs
 * in the agent (Bun), the control plane (Node, Deno, Lambda) and the tests.
 */

/** The SQS message attribute that carries an event's signature. */
export const EVENT_SIGNATURE_ATTRIBUTE = "signature";

/** An event key as stored and handed over: 64 lowercase hex digits (256 bits). */
export const EVENT_KEY_PATTERN = /^[0-9a-f]{64}$/;

const hexToBytes = (hex: string): Uint8Array<ArrayBuffer> => {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
};

const bytesToHex = (bytes: Uint8Array): string =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

const importKey = (keyHex: string, usage: "sign" | "verify") => {
  if (!EVENT_KEY_PATTERN.test(keyHex)) throw new RangeError("an event key is 64 hex digits");
  return crypto.subtle.importKey(
    "raw",
    hexToBytes(keyHex),
    { name: "HMAC", hash: "SHA-256" },
    false,
    [usage],
  );
};

/** A fresh random event key (256 bits, hex). */
export function newEventKey(): string {
  return bytesToHex(crypto.getRandomValues(new Uint8Array(32)));
}

/** The signature of `body` under `keyHex`: HMAC-SHA256 as lowercase hex. */
export async function signEventBody(keyHex: string, body: string): Promise<string> {
  const key = await importKey(keyHex, "sign");
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body));
  return bytesToHex(new Uint8Array(mac));
}

/**
 * Whether `signature` is `body`'s signature under `keyHex`. Web Crypto's verify compares in
 * constant time, so a forger learns nothing from how long a refusal takes.
 */
export async function verifyEventSignature(
  keyHex: string,
  body: string,
  signature: string,
): Promise<boolean> {
  if (!/^[0-9a-f]{64}$/.test(signature)) return false;
  const key = await importKey(keyHex, "verify");
  return await crypto.subtle.verify(
    "HMAC",
    key,
    hexToBytes(signature),
    new TextEncoder().encode(body),
  );
}
