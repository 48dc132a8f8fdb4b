import { createPublicKey, randomBytes, verify } from "node:crypto";

/** An installation token the fake handed out. */
export interface IssuedToken {
  token: string;
  installationId: number;
  expiresAt: number;
}

function b64url(text: string): Buffer {
  return Buffer.from(text.replace(/-/g, "+").replace(/_/g, "/"), "base64");
}

/**
 * Checks an App JWT as GitHub does: RS256 signature by the App's key, `iss` a known App,
 * `exp` in the future (real time: the JWT library reads the wall clock), at most ten minutes long.
 * Returns the App id, or why the token is refused.
 */
export function verifyAppJwt(
  jwt: string,
  publicKeys: ReadonlyMap<string, string>,
  nowSeconds = Math.floor(Date.now() / 1000),
): { ok: true; appId: string } | { ok: false; error: string } {
  const parts = jwt.split(".");
  if (parts.length !== 3) return { ok: false, error: "A JSON web token could not be decoded" };
  const [h, p, s] = parts as [string, string, string];
  let header: { alg?: string };
  let claims: { iss?: string | number; iat?: number; exp?: number };
  try {
    header = JSON.parse(b64url(h).toString("utf8"));
    claims = JSON.parse(b64url(p).toString("utf8"));
  } catch {
    return { ok: false, error: "A JSON web token could not be decoded" };
  }
  if (header.alg !== "RS256") return { ok: false, error: "JWT alg must be RS256" };
  const appId = String(claims.iss ?? "");
  const pem = publicKeys.get(appId);
  if (pem === undefined) return { ok: false, error: `Integration ${appId} not found` };
  const signed = verify("sha256", Buffer.from(`${h}.${p}`), createPublicKey(pem), b64url(s));
  if (!signed) return { ok: false, error: "JWT signature does not match the App's public key" };
  if (typeof claims.exp !== "number" || claims.exp <= nowSeconds) {
    return {
      ok: false,
      error:
        "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
    };
  }
  if (
    typeof claims.iat !== "number" ||
    claims.iat > nowSeconds + 60 ||
    claims.exp - claims.iat > 660
  ) {
    return {
      ok: false,
      error:
        "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued",
    };
  }
  return { ok: true, appId };
}

/** A new installation token in GitHub's format. */
export function newInstallationToken(): string {
  return `ghs_${randomBytes(18).toString("base64url")}`;
}

/** A base64 blob shaped like an encoded JIT config, about `bytes` long (the agent passes it on). */
export function newEncodedJitConfig(runnerName: string, bytes: number): string {
  const padding = randomBytes(Math.max(16, Math.floor((bytes * 9) / 16))).toString("base64");
  const json = JSON.stringify({ ".runner": runnerName, ".credentials": padding });
  return Buffer.from(json).toString("base64");
}
