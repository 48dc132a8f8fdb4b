import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../../src/control/adapters/clock.ts";
import { ADMIN_TOKEN, buildPlane } from "../support/app.ts";
import { type Backends, startBackends } from "../support/control-plane.ts";
import { sampleJob } from "../support/jobs.ts";
import { form, signIn } from "./session.ts";

let b: Backends;
beforeAll(async () => {
  b = await startBackends({ prefix: "ui-access-" });
});
afterAll(async () => {
  await b?.stop();
});

describe("dashboard access", () => {
  it("redirects every page to sign-in without a session, and says nothing", async () => {
    const { app } = buildPlane(b);
    for (const path of ["/ui", "/ui/jobs", "/ui/jobs/1", "/ui/audit", "/ui/setup"]) {
      const res = await app.request(path);
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toBe(`/ui/sign-in?next=${encodeURIComponent(path)}`);
    }
    const root = await app.request("/");
    expect(root.headers.get("location")).toBe("/ui");
    expect((await app.request("/ui/events")).status).toBe(401);
  });

  it("signs in with the token only: HttpOnly, SameSite=Strict, Secure off loopback", async () => {
    const { app } = buildPlane(b);
    const wrong = await app.request("/ui/sign-in", {
      method: "POST",
      body: new URLSearchParams({ token: "not-the-token-000000000000" }),
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("set-cookie")).toBeNull();
    const local = await app.request("/ui/sign-in", {
      method: "POST",
      body: new URLSearchParams({ token: ADMIN_TOKEN, next: "/ui/jobs" }),
    });
    expect(local.status).toBe(303);
    expect(local.headers.get("location")).toBe("/ui/jobs");
    const cookie = local.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Max-Age=\d+/);
    expect(cookie).not.toMatch(/Secure/);
    expect(cookie).not.toContain(ADMIN_TOKEN);
    const remote = await app.request("https://fleet.example.com/ui/sign-in", {
      method: "POST",
      body: new URLSearchParams({ token: ADMIN_TOKEN }),
    });
    expect(remote.headers.get("set-cookie")).toMatch(/Secure/);
    // A `next` off the dashboard is not followed.
    const away = await app.request("/ui/sign-in", {
      method: "POST",
      body: new URLSearchParams({ token: ADMIN_TOKEN, next: "https://evil.example/" }),
    });
    expect(away.headers.get("location")).toBe("/ui");
    // The page never shows the token.
    const { cookie: session } = await signIn(app);
    expect(await (await app.request("/ui", { headers: { cookie: session } })).text()).not.toContain(
      ADMIN_TOKEN,
    );
  });

  it("refuses a forged and an expired cookie", async () => {
    const clock = fixedClock(Date.UTC(2026, 1, 1));
    const { app } = buildPlane(b, { clock });
    const { cookie } = await signIn(app);
    expect((await app.request("/ui", { headers: { cookie } })).status).toBe(200);
    const [name, value] = cookie.split("=");
    const [payload, signature] = (value ?? "").split(".");
    const forgedPayload = btoa(
      JSON.stringify({ actor: "github:mallory", sid: "x", expiresAt: 9e15 }),
    ).replaceAll("=", "");
    for (const forged of [
      `${name}=${forgedPayload}.${signature}`,
      `${name}=${payload}.${"A".repeat(signature?.length ?? 43)}`,
      `${name}=garbage`,
    ]) {
      const res = await app.request("/ui", { headers: { cookie: forged } });
      expect(res.status).toBe(303);
      expect((await app.request("/api/jobs", { headers: { cookie: forged } })).status).toBe(401);
    }
    clock.advance(13 * 3_600_000);
    expect((await app.request("/ui", { headers: { cookie } })).status).toBe(303);
    expect((await app.request("/api/jobs", { headers: { cookie } })).status).toBe(401);
  });

  it("refuses a state change without the CSRF token and changes nothing", async () => {
    const { app, jobs } = buildPlane(b);
    await jobs.create(sampleJob({ jobId: "7001" }));
    const { cookie, csrf } = await signIn(app);
    const fields = { target: "7001", back: "/ui/jobs", confirmed: "1" };
    expect((await app.request("/ui/actions/cancel-job", form(cookie, fields))).status).toBe(403);
    expect(
      (
        await app.request(
          "/ui/actions/cancel-job",
          form(cookie, { ...fields, _csrf: "x".repeat(43) }),
        )
      ).status,
    ).toBe(403);
    // The API takes a session too, but a write needs the token in a header.
    const api = await app.request("/api/jobs/7001/cancel", { method: "POST", headers: { cookie } });
    expect(api.status).toBe(403);
    expect((await jobs.get("7001"))?.status).toBe("queued");
    const signOut = await app.request("/ui/sign-out", form(cookie, {}));
    expect(signOut.status).toBe(403);
    // With the token: done.
    const ok = await app.request("/api/jobs/7001/cancel", {
      method: "POST",
      headers: { cookie, "x-csrf-token": csrf },
    });
    expect(ok.status).toBe(200);
    expect((await jobs.get("7001"))?.status).toBe("cancelled");
  });

  it("signs out: the cookie is cleared", async () => {
    const { app } = buildPlane(b);
    const { cookie, csrf } = await signIn(app);
    const res = await app.request("/ui/sign-out", form(cookie, { _csrf: csrf }));
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/ui/sign-in");
    expect(res.headers.get("set-cookie")).toMatch(/Max-Age=0/);
  });
});
