import { type Context, Hono } from "hono";
import { setCookie } from "hono/cookie";
import * as v from "valibot";
import { isLoopback, sessionCookie } from "../session.ts";
import { requestIdOf } from "./auth.ts";
import type { DashboardDeps, GitHubSignIn } from "./deps.ts";
import { safeBack } from "./ui-actions.ts";

/** How long a sign-in may take between leaving for GitHub and coming back. */
const stateTtlMs = 10 * 60 * 1000;

const TokenAnswer = v.object({ access_token: v.pipe(v.string(), v.minLength(1)) });
const UserAnswer = v.object({ login: v.pipe(v.string(), v.regex(/^[A-Za-z0-9-]{1,39}$/)) });
const MembershipAnswer = v.object({ state: v.string() });
const Callback = v.object({ code: v.pipe(v.string(), v.minLength(1)), state: v.string() });

const trim = (url: string) => url.replace(/\/+$/, "");

/** The GitHub login behind `code`, if that user is an active member; otherwise why not. */
async function memberLogin(
  o: GitHubSignIn,
  code: string,
): Promise<{ login: string } | { refused: string }> {
  const http = o.fetch ?? fetch;
  const exchange = await http(`${trim(o.serverUrl)}/login/oauth/access_token`, {
    method: "POST",
    headers: { accept: "application/json", "content-type": "application/json" },
    body: JSON.stringify({ client_id: o.clientId, client_secret: o.clientSecret, code }),
  });
  // GitHub answers a bad code with 200 and an `error` field, so the token itself is the check.
  const token = v.safeParse(TokenAnswer, exchange.ok ? await exchange.json() : null);
  if (!token.success) return { refused: "GitHub did not accept the sign-in; try again." };
  const api = (path: string) =>
    http(`${trim(o.apiUrl)}${path}`, {
      headers: {
        accept: "application/vnd.github+json",
        authorization: `Bearer ${token.output.access_token}`,
      },
    });
  const userRes = await api("/user");
  const user = v.safeParse(UserAnswer, userRes.ok ? await userRes.json() : null);
  if (!user.success) return { refused: "GitHub did not say who you are; try again." };
  const login = user.output.login;
  const org = encodeURIComponent(o.org);
  const membership = await api(
    o.team
      ? `/orgs/${org}/teams/${encodeURIComponent(o.team)}/memberships/${encodeURIComponent(login)}`
      : `/user/memberships/orgs/${org}`,
  );
  const state = v.safeParse(MembershipAnswer, membership.ok ? await membership.json() : null);
  if (!state.success || state.output.state !== "active")
    return {
      refused: `${login} is not an active member of ${o.team ? `${o.org}/${o.team}` : o.org}.`,
    };
  return { login };
}

/**
 * `/ui/sign-in/github` leaves for GitHub with a signed, expiring state; the callback checks it,
 * exchanges the code, checks membership with the user's token, and only then issues the same
 * session as the admin token does, with `github:<login>` as the actor.
 */
export function githubSignInRoutes(
  deps: DashboardDeps,
  o: GitHubSignIn,
  refuse: (c: Context, message: string) => Response | Promise<Response>,
  continueTo: (c: Context, next: string, login: string) => Response | Promise<Response>,
): Hono {
  const app = new Hono();
  app.get("/ui/sign-in/github", async (c) => {
    const next = safeBack(c.req.query("next"));
    const nonce = crypto.randomUUID();
    const state = await deps.sessions.seal(
      "github-state",
      { next, nonce },
      deps.clock.now() + stateTtlMs,
    );
    const url = new URL(`${trim(o.serverUrl)}/login/oauth/authorize`);
    url.searchParams.set("client_id", o.clientId);
    url.searchParams.set("state", state);
    url.searchParams.set("redirect_uri", new URL("/ui/sign-in/github/callback", c.req.url).href);
    return c.redirect(url.href, 302);
  });
  app.get("/ui/sign-in/github/callback", async (c) => {
    const query = v.safeParse(Callback, c.req.query());
    const state = query.success
      ? await deps.sessions.unseal("github-state", query.output.state)
      : null;
    if (!query.success || !state) {
      deps.logger.warn("GitHub sign-in refused: bad state", { requestId: requestIdOf(c) });
      return refuse(c, "That sign-in link is not valid or has expired; start again.");
    }
    let outcome: Awaited<ReturnType<typeof memberLogin>>;
    try {
      outcome = await memberLogin(o, query.output.code);
    } catch (err) {
      deps.logger.warn("GitHub sign-in failed", { error: String(err) });
      outcome = { refused: "GitHub could not be reached; try again." };
    }
    if ("refused" in outcome) {
      deps.logger.warn("GitHub sign-in refused", {
        requestId: requestIdOf(c),
        reason: outcome.refused,
      });
      return refuse(c, outcome.refused);
    }
    // Membership is checked only here, so a GitHub session is short: someone removed from the
    // organisation or team keeps the dashboard until it ends, then cannot sign in again.
    const lifeMs = Math.min(o.sessionMs, deps.sessions.ttlMs);
    const { value } = await deps.sessions.issue(`github:${outcome.login}`, lifeMs);
    setCookie(c, sessionCookie, value, {
      httpOnly: true,
      sameSite: "Strict",
      secure: !isLoopback(c.req.url),
      path: "/",
      maxAge: Math.floor(lifeMs / 1000),
    });
    // A Strict cookie is not sent along a redirect that began on GitHub, so the browser moves on
    // from a page of ours instead: that navigation starts here and carries the new cookie.
    const next = safeBack(typeof state.next === "string" ? state.next : undefined);
    return continueTo(c, next, outcome.login);
  });
  return app;
}
