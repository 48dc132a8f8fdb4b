import type { Clock } from "../ports/clock.ts";
import { timingSafeEqual } from "./signature.ts";

/** Who made a request: the admin token (API or dashboard session) or a GitHub login. */
declare module "hono" {
  interface ContextVariableMap {
    actor: string;
    requestId: string;
  }
}

/** A signed-in dashboard session, as its cookie carries it. */
export interface Session {
  /** `session` (signed in with the admin token) or `github:<login>`. */
  actor: string;
  /** Random per sign-in; the CSRF token is derived from it. */
  sid: string;
  /** Epoch ms. */
  expiresAt: number;
}

/** The session cookie's name. */
export const sessionCookie = "runs_fleet_session";

const encoder = new TextEncoder();

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");
}

function fromBase64url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    return Uint8Array.from(atob(text.replaceAll("-", "+").replaceAll("_", "/")), (c) =>
      c.charCodeAt(0),
    );
  } catch {
    return null;
  }
}

async function hmacKey(secret: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
}

/**
 * Signs and checks session cookies and CSRF tokens with Web Crypto HMAC-SHA256 (every runtime
 * has it). The key is derived from `secret` (the admin token unless a session secret is set),
 * so changing the token signs every session out.
 */
export function createSessions(o: { secret: string; clock: Clock; ttlSeconds?: number }) {
  const ttlMs = (o.ttlSeconds ?? 12 * 3600) * 1000;
  const key = (async () => {
    const root = await hmacKey(encoder.encode(o.secret));
    const derived = await crypto.subtle.sign("HMAC", root, encoder.encode("runs-fleet session v1"));
    return hmacKey(new Uint8Array(derived));
  })();
  const mac = async (text: string) =>
    base64url(new Uint8Array(await crypto.subtle.sign("HMAC", await key, encoder.encode(text))));

  /** `data` with an expiry, signed for one `purpose` (a value sealed for one never opens another). */
  const seal = async (purpose: string, data: object, expiresAt: number) => {
    const payload = base64url(encoder.encode(JSON.stringify({ ...data, expiresAt })));
    return `${payload}.${await mac(`${purpose}.${payload}`)}`;
  };
  /** What `seal` signed for `purpose`, or null when forged, malformed or expired. */
  const unseal = async (
    purpose: string,
    value: string | undefined,
  ): Promise<Record<string, unknown> | null> => {
    const [payload, signature, extra] = (value ?? "").split(".");
    if (!payload || !signature || extra !== undefined) return null;
    if (!timingSafeEqual(signature, await mac(`${purpose}.${payload}`))) return null;
    const bytes = fromBase64url(payload);
    if (!bytes) return null;
    try {
      const data = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
      if (typeof data.expiresAt !== "number" || data.expiresAt <= o.clock.now()) return null;
      return data;
    } catch {
      return null;
    }
  };

  return {
    seal,
    unseal,
    /** A new session for `actor` (for `lifeMs`, default `ttlMs`) and the cookie value that carries it. */
    async issue(actor: string, lifeMs = ttlMs): Promise<{ session: Session; value: string }> {
      const sid = base64url(crypto.getRandomValues(new Uint8Array(18)));
      const session = { actor, sid, expiresAt: o.clock.now() + Math.min(lifeMs, ttlMs) };
      return { session, value: await seal("session", { actor, sid }, session.expiresAt) };
    },
    /** The session a cookie value carries, or null when it is forged, malformed or expired. */
    async verify(value: string | undefined): Promise<Session | null> {
      const s = await unseal("session", value);
      if (!s || typeof s.actor !== "string" || typeof s.sid !== "string") return null;
      return { actor: s.actor, sid: s.sid, expiresAt: s.expiresAt as number };
    },
    /** The CSRF token of a session: a MAC of its id, so it needs no storage. */
    csrfToken(session: Session): Promise<string> {
      return mac(`csrf.${session.sid}`);
    },
    /** True when `token` is the session's CSRF token. */
    async checkCsrf(session: Session, token: string | undefined): Promise<boolean> {
      return !!token && timingSafeEqual(token, await mac(`csrf.${session.sid}`));
    },
    ttlMs,
  };
}
export type Sessions = ReturnType<typeof createSessions>;

/** True for a loopback host, where a cookie may go without `Secure` (plain http on a laptop). */
export function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === "localhost" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);
}
