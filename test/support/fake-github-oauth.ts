import { randomBytes } from "node:crypto";
import type { Reply } from "./fake-github-state.ts";

/**
 * GitHub's OAuth web flow as the fake serves it: codes handed to a user at the end of
 * authorisation, exchanged once by the client (id and secret) for a user token, which then reads
 * `/user` and the user's org and team memberships.
 */
export function createFakeOAuth() {
  const clients = new Map<string, string>();
  const codes = new Map<string, { clientId: string; login: string }>();
  const tokens = new Map<string, string>();
  /** `org` or `org/team` → logins and their membership state (`active`, `pending`). */
  const members = new Map<string, Map<string, string>>();
  const notFound: Reply = { status: 404, body: { message: "Not Found" } };

  const exchange = (body: Record<string, unknown>): Reply => {
    const entry = typeof body.code === "string" ? codes.get(body.code) : undefined;
    const client = typeof body.client_id === "string" ? clients.get(body.client_id) : undefined;
    if (typeof body.code === "string") codes.delete(body.code);
    // As GitHub does: a bad code or client is a 200 with an `error`, not an HTTP error.
    if (
      !entry ||
      client === undefined ||
      client !== body.client_secret ||
      entry.clientId !== body.client_id
    )
      return { status: 200, body: { error: "bad_verification_code" } };
    const token = `gho_${randomBytes(12).toString("hex")}`;
    tokens.set(token, entry.login);
    return { status: 200, body: { access_token: token, token_type: "bearer", scope: "" } };
  };

  const membership = (key: string, login: string): Reply => {
    const state = members.get(key)?.get(login);
    return state ? { status: 200, body: { state, role: "member" } } : notFound;
  };

  return {
    addClient(clientId: string, secret: string) {
      clients.set(clientId, secret);
    },
    /** A code GitHub would send back to the redirect for `login`; single use. */
    addCode(code: string, clientId: string, login: string) {
      codes.set(code, { clientId, login });
    },
    /** Makes `login` a member of `org` (or `org/team`) in `state`. */
    addMember(scope: string, login: string, state = "active") {
      members.set(scope, (members.get(scope) ?? new Map()).set(login, state));
    },
    /** Takes `login` out of an organisation (`org`) or a team (`org/team`). */
    removeMember(scope: string, login: string) {
      members.get(scope)?.delete(login);
    },
    /** The answer for an OAuth request, or null when the request is not one. */
    route(
      method: string,
      path: string,
      authorization: string | undefined,
      body: Record<string, unknown>,
    ): Reply | null {
      if (method === "POST" && path === "/login/oauth/access_token") return exchange(body);
      const token = /^(?:bearer|token) (gho_\w+)$/i.exec(authorization ?? "")?.[1];
      if (!token) return null;
      const login = tokens.get(token);
      if (!login) return { status: 401, body: { message: "Bad credentials" } };
      if (method !== "GET") return notFound;
      if (path === "/user") return { status: 200, body: { login, id: 1 } };
      const org = /^\/user\/memberships\/orgs\/([^/]+)$/.exec(path);
      if (org) return membership(org[1] ?? "", login);
      const team = /^\/orgs\/([^/]+)\/teams\/([^/]+)\/memberships\/([^/]+)$/.exec(path);
      if (team) return membership(`${team[1]}/${team[2]}`, team[3] ?? "");
      return notFound;
    },
  };
}
