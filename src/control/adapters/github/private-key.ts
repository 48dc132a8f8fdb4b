/**
 * GitHub hands out App keys as PKCS#1 PEM (`BEGIN RSA PRIVATE KEY`); Web Crypto imports only
 * PKCS#8. Octokit converts with `node:crypto` on Node, which the edge runtimes lack, so the key is
 * normalised here once, in plain code: a PKCS#1 key is wrapped in a PKCS#8 PrivateKeyInfo.
 */

const pemPattern = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/;

/** AlgorithmIdentifier { rsaEncryption (1.2.840.113549.1.1.1), NULL }. */
const rsaAlgorithm = [
  0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
];

function derLength(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return [0x80 | bytes.length, ...bytes];
}

function derTag(tag: number, body: Uint8Array): Uint8Array {
  const head = [tag, ...derLength(body.length)];
  const out = new Uint8Array(head.length + body.length);
  out.set(head, 0);
  out.set(body, head.length);
  return out;
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** Wraps a PKCS#1 RSAPrivateKey (DER) into a PKCS#8 PrivateKeyInfo (DER). */
export function pkcs1ToPkcs8(pkcs1: Uint8Array): Uint8Array {
  const version = [0x02, 0x01, 0x00];
  const octets = derTag(0x04, pkcs1);
  const body = new Uint8Array(version.length + rsaAlgorithm.length + octets.length);
  body.set(version, 0);
  body.set(rsaAlgorithm, version.length);
  body.set(octets, version.length + rsaAlgorithm.length);
  return derTag(0x30, body);
}

/**
 * Returns the key as PKCS#8 PEM, or an error saying what is wrong. Accepts PKCS#1 and PKCS#8,
 * with real or `\n`-escaped line breaks (keys set through environment variables often have those).
 */
export function toPkcs8Pem(text: string): { ok: true; pem: string } | { ok: false; error: string } {
  const match = pemPattern.exec(text.replace(/\\n/g, "\n"));
  if (!match) return { ok: false, error: "private key is not PEM text (BEGIN/END lines missing)" };
  const label = match[1];
  if (label !== "RSA PRIVATE KEY" && label !== "PRIVATE KEY") {
    return {
      ok: false,
      error: `private key is "${label}"; expected "RSA PRIVATE KEY" (PKCS#1) or "PRIVATE KEY" (PKCS#8)`,
    };
  }
  let der: Uint8Array;
  try {
    der = fromBase64((match[2] ?? "").replace(/\s+/g, ""));
  } catch {
    return { ok: false, error: "private key body is not base64" };
  }
  if (der.length < 64 || der[0] !== 0x30) {
    return { ok: false, error: "private key body is not a DER sequence" };
  }
  const pkcs8 = label === "RSA PRIVATE KEY" ? pkcs1ToPkcs8(der) : der;
  const lines = toBase64(pkcs8).match(/.{1,64}/g) ?? [];
  return {
    ok: true,
    pem: `-----BEGIN PRIVATE KEY-----\n${lines.join("\n")}\n-----END PRIVATE KEY-----\n`,
  };
}

/** Imports a PKCS#8 PEM with Web Crypto for RS256, so a bad key fails at start, not at first use. */
export async function checkSigningKey(pkcs8Pem: string): Promise<void> {
  const body = pkcs8Pem.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "");
  await crypto.subtle.importKey(
    "pkcs8",
    fromBase64(body),
    { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
    false,
    ["sign"],
  );
}
