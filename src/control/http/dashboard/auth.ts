import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { HTTPException } from "hono/http-exception";
import { bearerToken } from "../admin.ts";
import { type Session, type Sessions, sessionCookie } from "../session.ts";
import { timingSafeEqual } from "../signature.ts";

const safeMethods = new Set(["GET", "HEAD", "OPTIONS"]);

/** The caller's request id (a sane `x-request-id`), or a fresh one. */
export function requestIdOf(c: Context): string {
  const given = c.req.header("x-request-id");
  return given && /^[A-Za-z0-9._:-]{1,128}$/.test(given) ? given : crypto.randomUUID();
}

/** The dashboard session a request carries, or null (absent, forged, expired). */
export function sessionOf(c: Context, sessions: Sessions): Promise<Session | null> {
  return sessions.verify(getCookie(c, sessionCookie));
}

/**
 * Guards `/api/*`: the admin token as a bearer, or a dashboard session whose state changes carry
 * its CSRF token in `x-csrf-token` (a cookie alone is what a forged cross-site request has).
 * Sets `actor` and `requestId` for the audit trail.
 */
export function requireAdmin(o: { token: string; sessions: Sessions }): MiddlewareHandler {
  return async (c, next) => {
    c.set("requestId", requestIdOf(c));
    const given = bearerToken(c.req.header("authorization"));
    if (given) {
      if (!timingSafeEqual(given, o.token))
        throw new HTTPException(401, { message: "missing or invalid bearer token" });
      c.set("actor", "token");
      return next();
    }
    const session = await sessionOf(c, o.sessions);
    if (!session) throw new HTTPException(401, { message: "missing or invalid bearer token" });
    if (!safeMethods.has(c.req.method)) {
      if (!(await o.sessions.checkCsrf(session, c.req.header("x-csrf-token"))))
        throw new HTTPException(403, { message: "missing or invalid CSRF token" });
    }
    c.set("actor", session.actor);
    return next();
  };
}
