import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../../src/control/adapters/clock.ts";
import { ADMIN_TOKEN, buildPlane, testSettings } from "../support/app.ts";
import { type Backends, startBackends } from "../support/control-plane.ts";
import { type FakeGitHub, startFakeGitHub } from "../support/fake-github.ts";
import { sampleJob } from "../support/jobs.ts";

let b: Backends;
let gh: FakeGitHub;
beforeAll(async () => {
  b = await startBackends({ prefix: "ui-github-" });
  gh = await startFakeGitHub();
  gh.oauth.addClient("Iv1.dash", "client-secret-1");
  gh.oauth.addMember("octo-org", "octocat");
  gh.oauth.addMember("octo-org", "pending-pat", "pending");
  gh.oauth.addMember("octo-org/fleet-admins", "hubot");
});
afterAll(async () => {
  await gh?.stop();
  await b?.stop();
});

const env = (extra: Record<string, string> = {}) => ({
  RUNS_FLEET_GITHUB_CLIENT_ID: "Iv1.dash",
  RUNS_FLEET_GITHUB_CLIENT_SECRET: "client-secret-1",
  RUNS_FLEET_DASHBOARD_GITHUB_ORG: "octo-org",
  RUNS_FLEET_GITHUB_API_URL: gh.url,
  RUNS_FLEET_GITHUB_SERVER_URL: gh.url,
  ...extra,
});

type App = ReturnType<typeof buildPlane>["app"];

/** Leaves for GitHub; the signed state GitHub would send back. */
async function startSignIn(app: App, next = "/ui/jobs"): Promise<string> {
  const res = await app.request(`/ui/sign-in/github?next=${encodeURIComponent(next)}`);
  expect(res.status).toBe(302);
  const to = new URL(res.headers.get("location") ?? "");
  expect(to.origin + to.pathname).toBe(`${gh.url}/login/oauth/authorize`);
  expect(to.searchParams.get("client_id")).toBe("Iv1.dash");
  return to.searchParams.get("state") ?? "";
}

/** GitHub's redirect back with `code` for `login`. */
async function callback(app: App, login: string, state: string, code = `code-${login}`) {
  gh.oauth.addCode(code, "Iv1.dash", login);
  const query = new URLSearchParams({ code, state });
  return app.request(`/ui/sign-in/github/callback?${query}`);
}

describe("sign-in with GitHub", () => {
  it("refuses a half-configured sign-in at start", () => {
    expect(() => testSettings({ RUNS_FLEET_DASHBOARD_GITHUB_TEAM: "fleet-admins" })).toThrow(
      /RUNS_FLEET_GITHUB_CLIENT_ID: required for sign-in with GitHub/,
    );
    expect(() => testSettings({ ...env(), RUNS_FLEET_DASHBOARD_GITHUB_ORG: "" })).toThrow(
      /RUNS_FLEET_DASHBOARD_GITHUB_ORG: required/,
    );
  });

  it("is not offered without the variables", async () => {
    const { app } = buildPlane(b);
    const page = await (await app.request("/ui/sign-in")).text();
    expect(page).not.toContain("Sign in with GitHub");
    expect((await app.request("/ui/sign-in/github")).status).toBe(303);
  });

  it("signs a member in; the audit trail names the GitHub login", async () => {
    const { app, jobs } = buildPlane(b, { env: env() });
    expect(await (await app.request("/ui/sign-in")).text()).toContain("Sign in with GitHub");
    const res = await callback(app, "octocat", await startSignIn(app));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('content="0;url=/ui/jobs"');
    const setCookie = res.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const cookie = setCookie.split(";")[0] ?? "";
    const page = await app.request("/ui/audit", { headers: { cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("github:octocat");
    const csrf = /name="csrf-token" content="([^"]+)"/.exec(html)?.[1] ?? "";
    await jobs.create(sampleJob({ jobId: "8601" }));
    const cancel = await app.request("/api/jobs/8601/cancel", {
      method: "POST",
      headers: { cookie, "x-csrf-token": csrf },
    });
    expect(cancel.status).toBe(200);
    const audit = (await (
      await app.request("/api/audit?limit=500", {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      })
    ).json()) as { records: Array<{ target: string; actor: string }> };
    expect(audit.records.find((r) => r.target === "8601")?.actor).toBe("github:octocat");
  });

  it("refuses a non-member, a pending member and a failed exchange, with no session", async () => {
    const { app } = buildPlane(b, { env: env() });
    for (const login of ["stranger", "pending-pat"]) {
      const res = await callback(app, login, await startSignIn(app));
      expect(res.status).toBe(403);
      expect(res.headers.get("set-cookie")).toBeNull();
      expect(await res.text()).toContain(`${login} is not an active member of octo-org`);
    }
    // A code GitHub never issued: the exchange fails.
    const state = await startSignIn(app);
    const bad = await app.request(`/ui/sign-in/github/callback?code=made-up&state=${state}`);
    expect(bad.status).toBe(403);
    expect(bad.headers.get("set-cookie")).toBeNull();
    expect(await bad.text()).toContain("GitHub did not accept the sign-in");
  });

  it("refuses a forged, altered or missing state before asking GitHub", async () => {
    const { app } = buildPlane(b, { env: env() });
    const good = await startSignIn(app);
    const [payload, signature] = good.split(".");
    const forged = btoa(JSON.stringify({ next: "/ui", nonce: "x", expiresAt: 9e15 })).replaceAll(
      "=",
      "",
    );
    const exchanges = gh.count("POST", "/login/oauth/access_token");
    for (const state of [`${forged}.${signature}`, `${payload}.${"A".repeat(43)}`, "", "x.y"]) {
      const res = await callback(app, "octocat", state, `code-forged-${state.length}`);
      expect(res.status).toBe(403);
      expect(res.headers.get("set-cookie")).toBeNull();
      expect(await res.text()).toContain("not valid or has expired");
    }
    expect(gh.count("POST", "/login/oauth/access_token")).toBe(exchanges);
  });

  it("refuses an expired state", async () => {
    const clock = fixedClock(Date.UTC(2026, 1, 1));
    const { app } = buildPlane(b, { env: env(), clock });
    const state = await startSignIn(app);
    clock.advance(11 * 60_000);
    const res = await callback(app, "octocat", state, "code-late");
    expect(res.status).toBe(403);
    expect(res.headers.get("set-cookie")).toBeNull();
  });

  it("ends a GitHub session after an hour; someone removed meanwhile cannot sign in again", async () => {
    const clock = fixedClock(Date.UTC(2026, 1, 2));
    gh.oauth.addMember("octo-org", "leaving-lee");
    const { app } = buildPlane(b, { env: env(), clock });
    const res = await callback(app, "leaving-lee", await startSignIn(app));
    const setCookie = res.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/Max-Age=3600/);
    const cookie = setCookie.split(";")[0] ?? "";
    clock.advance(59 * 60_000);
    expect((await app.request("/ui/audit", { headers: { cookie } })).status).toBe(200);
    gh.oauth.removeMember("octo-org", "leaving-lee");
    clock.advance(2 * 60_000);
    const later = await app.request("/ui/audit", { headers: { cookie } });
    expect(later.status).toBe(303);
    expect(later.headers.get("location")).toMatch(/^\/ui\/sign-in\?next=/);
    const again = await callback(app, "leaving-lee", await startSignIn(app), "code-lee-2");
    expect(again.status).toBe(403);
    expect(await again.text()).toContain("leaving-lee is not an active member of octo-org");
  });

  it("takes the GitHub session's length from the environment, within 5–720 minutes", async () => {
    const { app } = buildPlane(b, {
      env: env({ RUNS_FLEET_DASHBOARD_GITHUB_SESSION_MINUTES: "15" }),
      clock: fixedClock(Date.UTC(2026, 1, 3)),
    });
    const res = await callback(app, "octocat", await startSignIn(app), "code-octo-15");
    expect(res.headers.get("set-cookie")).toMatch(/Max-Age=900/);
    for (const bad of ["4", "721", "1.5", "soon"])
      expect(() =>
        testSettings({ ...env(), RUNS_FLEET_DASHBOARD_GITHUB_SESSION_MINUTES: bad }),
      ).toThrow(
        /RUNS_FLEET_DASHBOARD_GITHUB_SESSION_MINUTES: must be a whole number of minutes, 5–720/,
      );
  });

  it("with a team, only the team's active members", async () => {
    const { app } = buildPlane(b, {
      env: env({ RUNS_FLEET_DASHBOARD_GITHUB_TEAM: "fleet-admins" }),
    });
    const refused = await callback(app, "octocat", await startSignIn(app));
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("octo-org/fleet-admins");
    const member = await callback(app, "hubot", await startSignIn(app));
    expect(member.status).toBe(200);
    expect(member.headers.get("set-cookie")).toContain("runs_fleet_session=");
  });
});
