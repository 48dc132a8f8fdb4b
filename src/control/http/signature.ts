const encoder = new TextEncoder();

function hexToBytes(hex: string): Uint8Array | null {
  if (hex.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(hex)) return null;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

const keyCache = new Map<string, Promise<CryptoKey>>();
function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keyCache.get(secret);
  if (!key) {
    key = crypto.subtle.importKey(
      "raw",
      encoder.encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["verify"],
    );
    keyCache.set(secret, key);
  }
  return key;
}

/**
 * Verifies GitHub's `X-Hub-Signature-256` over the raw body with any of `secrets` (several
 * allow rotation). `crypto.subtle.verify` compares in constant time and runs unchanged on
 * Node, Deno, Bun and Lambda, so no runtime-specific library is needed.
 */
export async function verifyWebhookSignature(
  secrets: readonly string[],
  rawBody: Uint8Array,
  header: string | undefined | null,
): Promise<boolean> {
  if (!header?.startsWith("sha256=")) return false;
  const signature = hexToBytes(header.slice("sha256=".length));
  if (signature?.length !== 32) return false;
  for (const secret of secrets) {
    if (
      await crypto.subtle.verify(
        "HMAC",
        await hmacKey(secret),
        signature as BufferSource,
        rawBody as BufferSource,
      )
    )
      return true;
  }
  return false;
}

/** Compares two strings in time independent of where they differ (for bearer tokens). */
export function timingSafeEqual(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}
