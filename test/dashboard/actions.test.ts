import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAppManifestExchange } from "../../src/control/adapters/github/app-manifest.ts";
import { createMemoryAppCredentialsStore } from "../../src/control/adapters/memory/app-credentials-store.ts";
import { ADMIN_TOKEN, buildPlane } from "../support/app.ts";
import { type Backends, startBackends } from "../support/control-plane.ts";
import { startFakeGitHub } from "../support/fake-github.ts";
import { sampleInstance } from "../support/instances.ts";
import { sampleJob } from "../support/jobs.ts";
import { form, signIn } from "./session.ts";

let b: Backends;
let github: Awaited<ReturnType<typeof startFakeGitHub>>;
beforeAll(async () => {
  b = await startBackends({ prefix: "ui-actions-" });
  github = await startFakeGitHub();
});
afterAll(async () => {
  await b?.stop();
  await github?.stop();
});

const bearer = { authorization: `Bearer ${ADMIN_TOKEN}` };
type AuditList = { records: Array<Record<string, unknown>> };

/** The audit records about `targets` (the suites share one audit table), newest first. */
async function auditOf(
  app: { request(p: string, i?: RequestInit): Response | Promise<Response> },
  ...targets: string[]
) {
  const all = (await (
    await app.request("/api/audit?limit=500", { headers: bearer })
  ).json()) as AuditList;
  return all.records.filter((r) => targets.includes(String(r.target)));
}

describe("admin actions, audited from the API and the dashboard", () => {
  it("cancels a queued job and records who, what, before and after, newest first", async () => {
    const { app, jobs } = buildPlane(b);
    await jobs.create(sampleJob({ jobId: "9101" }));
    await jobs.create(sampleJob({ jobId: "9102", status: "completed" }));
    const res = await app.request("/api/jobs/9101/cancel", {
      method: "POST",
      headers: { ...bearer, "x-request-id": "req-cancel-1" },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ jobId: "9101", status: "cancelled" });
    const refused = await app.request("/api/jobs/9102/cancel", { method: "POST", headers: bearer });
    expect(refused.status).toBe(409);
    expect((await jobs.get("9102"))?.status).toBe("completed");
    expect(
      (await app.request("/api/jobs/abc/cancel", { method: "POST", headers: bearer })).status,
    ).toBe(400);
    expect(
      (await app.request("/api/jobs/9199/cancel", { method: "POST", headers: bearer })).status,
    ).toBe(404);

    const audit = { records: await auditOf(app, "9199", "9102", "9101") };
    expect(audit.records.map((r) => [r.action, r.target, r.outcome])).toEqual([
      ["job.cancel", "9199", "refused"],
      ["job.cancel", "9102", "refused"],
      ["job.cancel", "9101", "succeeded"],
    ]);
    expect(audit.records[2]).toMatchObject({
      actor: "token",
      requestId: "req-cancel-1",
      before: { status: "queued", version: 1 },
      after: { status: "cancelled", version: 2 },
      error: null,
    });
    expect(audit.records[1]?.error).toContain("only a queued job can be cancelled");
    expect((await app.request("/api/audit?limit=0", { headers: bearer })).status).toBe(400);
    expect((await app.request("/api/audit")).status).toBe(401);
  });

  it("resets a circuit from the dashboard after a confirmation, and the audit page shows it", async () => {
    const plane = buildPlane(b);
    const { app } = plane;
    await plane.circuits.recordInterruption("c7g.xlarge", "i-a");
    await plane.circuits.recordInterruption("c7g.xlarge", "i-b");
    await plane.circuits.recordInterruption("c7g.xlarge", "i-c");
    const { cookie, csrf } = await signIn(app);
    const fields = { _csrf: csrf, target: "c7g.xlarge", back: "/ui/circuits" };
    // Without a confirmation, a page asks for one and nothing changes.
    const ask = await app.request("/ui/actions/reset-circuit", form(cookie, fields));
    expect(ask.status).toBe(200);
    expect(await ask.text()).toContain('name="confirmed" value="1"');
    expect(await auditOf(app, "c7g.xlarge")).toEqual([]);
    const done = await app.request(
      "/ui/actions/reset-circuit",
      form(cookie, { ...fields, confirmed: "1" }),
    );
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toMatch(/^\/ui\/circuits\?notice=Circuit/);
    expect((await plane.circuits.list()).find((c) => c.instanceType === "c7g.xlarge")?.state).toBe(
      "closed",
    );
    const auditPage = await (await app.request("/ui/audit", { headers: { cookie } })).text();
    expect(auditPage).toContain("circuit.reset");
    expect(auditPage).toContain("c7g.xlarge");
    // The API's reset is audited the same way, as the token.
    const api = await app.request("/api/circuits/c7g.xlarge/reset", {
      method: "POST",
      headers: bearer,
    });
    expect(api.status).toBe(200);
    const audit = { records: await auditOf(app, "c7g.xlarge") };
    expect(audit.records.map((r) => [r.action, r.actor])).toEqual([
      ["circuit.reset", "token"],
      ["circuit.reset", "session"],
    ]);
    expect(audit.records[1]).toMatchObject({
      before: { state: "open" },
      after: { state: "closed" },
    });
  });

  it("terminates an instance, retries a failed job, refuses a missing DLQ; each audited", async () => {
    const { app, instances, jobs } = buildPlane(b);
    await instances.create(sampleInstance("i-0term", { jobId: null }));
    const term = await app.request("/api/instances/i-0term/terminate", {
      method: "POST",
      headers: bearer,
    });
    expect(term.status).toBe(200);
    expect((await instances.get("i-0term"))?.state).toBe("terminated");
    expect(
      (await app.request("/api/instances/i-0term/terminate", { method: "POST", headers: bearer }))
        .status,
    ).toBe(409);
    await jobs.create(sampleJob({ jobId: "9301", status: "failed" }));
    const retry = await app.request("/api/jobs/9301/retry", { method: "POST", headers: bearer });
    expect(retry.status).toBe(202);
    expect(
      (await app.request("/api/dlq/redrive", { method: "POST", headers: bearer })).status,
    ).toBe(409);
    const audit = { records: await auditOf(app, "all", "9301", "i-0term") };
    expect(audit.records.map((r) => [r.action, r.outcome])).toEqual([
      ["dlq.redrive", "refused"],
      ["job.retry", "succeeded"],
      ["instance.terminate", "refused"],
      ["instance.terminate", "succeeded"],
    ]);
  });

  it("creates the GitHub App through the manifest flow and keeps its credentials", async () => {
    const store = createMemoryAppCredentialsStore();
    const { app } = buildPlane(b, {
      appSetup: {
        exchange: createAppManifestExchange({ apiUrl: github.url }),
        store,
        githubUrl: "https://github.com",
      },
    });
    const { cookie, csrf } = await signIn(app);
    const setup = await (await app.request("/ui/setup", { headers: { cookie } })).text();
    expect(setup).toContain("Create the GitHub App");
    const start = await app.request(
      "/ui/setup/start",
      form(cookie, { _csrf: csrf, org: "octo-org" }),
    );
    const page = await start.text();
    const action =
      /action="([^"]+)" id="manifest-form"/.exec(page)?.[1]?.replaceAll("&amp;", "&") ?? "";
    expect(action).toMatch(
      /^https:\/\/github\.com\/organizations\/octo-org\/settings\/apps\/new\?state=/,
    );
    const manifest = JSON.parse(
      (/name="manifest" value="([^"]+)"/.exec(page)?.[1] ?? "{}").replaceAll("&quot;", '"'),
    );
    expect(manifest).toMatchObject({
      hook_attributes: { url: "http://localhost/webhook" },
      redirect_url: "http://localhost/ui/setup/callback",
      default_events: ["workflow_job", "push"],
      default_permissions: { actions: "write", administration: "write", metadata: "read" },
    });
    const state = new URL(action).searchParams.get("state") ?? "";
    // GitHub sends the browser back with a code; the cookie does not come along (SameSite).
    github.addManifestCode("code-1");
    expect((await app.request(`/ui/setup/callback?code=code-1&state=forged`)).status).toBe(400);
    const back = await app.request(
      `/ui/setup/callback?code=code-1&state=${encodeURIComponent(state)}`,
    );
    expect(back.status).toBe(200);
    expect(await back.text()).toContain("GitHub created the App");
    expect(store.saved).toHaveLength(1);
    expect(store.saved[0]?.privateKey).toContain("BEGIN RSA PRIVATE KEY");
    expect(store.saved[0]?.webhookSecret).toMatch(/^whsec-/);
    // The code is single use.
    const again = await app.request(
      `/ui/setup/callback?code=code-1&state=${encodeURIComponent(state)}`,
    );
    expect(again.status).toBe(400);
    const audit = { records: await auditOf(app, "manifest") };
    expect(audit.records.map((r) => [r.action, r.outcome, r.actor])).toEqual([
      ["github.app.create", "refused", "session"],
      ["github.app.create", "succeeded", "session"],
    ]);
  });
});
