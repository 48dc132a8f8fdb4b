import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, buildPlane } from "../support/app.ts";
import { type Backends, startBackends } from "../support/control-plane.ts";
import { sampleJob } from "../support/jobs.ts";

let b: Backends;
beforeAll(async () => {
  b = await startBackends({ prefix: "admin-" });
});
afterAll(async () => {
  await b?.stop();
});

const auth = { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } };

describe("admin API", () => {
  it("requires the bearer token on every /api route", async () => {
    const { app } = buildPlane(b);
    for (const path of ["/api/jobs", "/api/jobs/1"]) {
      expect((await app.request(path)).status).toBe(401);
      expect(
        (await app.request(path, { headers: { authorization: "Bearer wrong-token-000000000" } }))
          .status,
      ).toBe(401);
      expect((await app.request(path, { headers: { authorization: ADMIN_TOKEN } })).status).toBe(
        401,
      );
    }
  });

  it("returns a job, 404 for an unknown one, 400 for a malformed id", async () => {
    const { app, jobs } = buildPlane(b);
    await jobs.create(sampleJob({ jobId: "4242", status: "queued" }));
    const res = await app.request("/api/jobs/4242", auth);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      jobId: "4242",
      status: "queued",
      spec: { cpu: { min: 2, max: 4 } },
      reason: null,
      retryCount: 0,
      createdAt: "2026-01-01T00:00:00.000Z",
      updatedAt: "2026-01-01T00:00:00.000Z",
    });
    expect((await app.request("/api/jobs/4243", auth)).status).toBe(404);
    expect((await app.request("/api/jobs/abc", auth)).status).toBe(400);
  });

  it("lists jobs by status with a limit, and rejects bad queries", async () => {
    const { app, jobs } = buildPlane(b);
    for (let i = 0; i < 3; i++) {
      await jobs.create(
        sampleJob({ jobId: `51${i}`, status: "failed", updatedAt: `2026-02-01T00:00:0${i}.000Z` }),
      );
    }
    const res = await app.request("/api/jobs?status=failed&limit=2", auth);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { jobs: Array<{ jobId: string }>; next?: string };
    expect(body.jobs.map((j) => j.jobId)).toEqual(["512", "511"]);
    const rest = (await (
      await app.request(`/api/jobs?status=failed&limit=2&cursor=${body.next}`, auth)
    ).json()) as { jobs: Array<{ jobId: string }> };
    expect(rest.jobs.map((j) => j.jobId)).toEqual(["510"]);
    expect((await app.request("/api/jobs?status=sleeping", auth)).status).toBe(400);
    expect((await app.request("/api/jobs?limit=0", auth)).status).toBe(400);
    expect((await app.request("/api/jobs?limit=ten", auth)).status).toBe(400);
    const all = (await (await app.request("/api/jobs", auth)).json()) as { jobs: unknown[] };
    expect(all.jobs.length).toBeGreaterThanOrEqual(4);
  });

  it("reports readiness from its dependencies", async () => {
    const { app } = buildPlane(b);
    expect((await app.request("/healthz")).status).toBe(200);
    const ready = await app.request("/readyz");
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      ok: true,
      checks: [
        { name: "dynamodb", ok: true },
        { name: "sqs", ok: true },
      ],
    });
    const health = (await (await app.request("/health")).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ ok: true, mode: "local", version: expect.any(String) });
  });

  it("answers 503 on /readyz when a dependency is gone, while /healthz stays up", async () => {
    const { app } = buildPlane(b, {
      queueUrl: "http://sqs.us-east-1.localhost/000000000000/does-not-exist",
    });
    const ready = await app.request("/readyz");
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({
      ok: false,
      checks: [
        { name: "dynamodb", ok: true },
        { name: "sqs", ok: false },
      ],
    });
    expect((await app.request("/healthz")).status).toBe(200);
  });

  it("answers unknown routes with a JSON 404", async () => {
    const { app } = buildPlane(b);
    const res = await app.request("/nope");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: "no route for GET /nope" });
  });

  it("lists and shows instances, and refuses bad queries and ids", async () => {
    const { app, instances } = buildPlane(b);
    const base = {
      jobId: "77",
      pool: null,
      instanceType: "c7g.large",
      market: "spot" as const,
      region: "us-east-1",
      az: "us-east-1a",
      env: "default",
      reason: null,
      updatedAt: "2026-01-01T00:00:00.000Z",
      lastHeartbeatAt: null,
      startedAt: null,
      terminatedAt: null,
      version: 1,
    };
    await instances.create({
      ...base,
      instanceId: "i-adm-1",
      state: "running",
      launchedAt: "2026-01-01T00:00:01.000Z",
    });
    await instances.create({
      ...base,
      instanceId: "i-adm-2",
      state: "offline",
      launchedAt: "2026-01-01T00:00:02.000Z",
    });
    const running = (await (await app.request("/api/instances?state=running", auth)).json()) as {
      instances: Array<Record<string, unknown>>;
    };
    expect(running.instances).toEqual([
      expect.objectContaining({
        instanceId: "i-adm-1",
        jobId: "77",
        state: "running",
        market: "spot",
        instanceType: "c7g.large",
        launchedAt: "2026-01-01T00:00:01.000Z",
        lastHeartbeatAt: null,
      }),
    ]);
    expect(await (await app.request("/api/instances/i-adm-2", auth)).json()).toMatchObject({
      state: "offline",
    });
    expect((await app.request("/api/instances/i-none", auth)).status).toBe(404);
    expect((await app.request("/api/instances/..%2Fetc", auth)).status).toBe(400);
    expect((await app.request("/api/instances?state=asleep", auth)).status).toBe(400);
    expect((await app.request("/api/instances")).status).toBe(401);
  });

  it("shows circuits and resets one by hand", async () => {
    const { app, circuits } = buildPlane(b);
    for (let i = 0; i < 3; i++) await circuits.recordInterruption("m7g.large", `i-c-${i}`);
    const listed = (await (await app.request("/api/circuits", auth)).json()) as {
      circuits: Array<Record<string, unknown>>;
    };
    expect(listed.circuits).toContainEqual(
      expect.objectContaining({
        instanceType: "m7g.large",
        state: "open",
        interruptionsInWindow: 3,
        trips: 1,
        closedAt: null,
      }),
    );
    const reset = await app.request("/api/circuits/m7g.large/reset", { ...auth, method: "POST" });
    expect(await reset.json()).toMatchObject({ instanceType: "m7g.large", state: "closed" });
    expect((await circuits.check(["m7g.large"])).get("m7g.large")?.state).toBe("closed");
    expect(
      (await app.request("/api/circuits/not-a-type/reset", { ...auth, method: "POST" })).status,
    ).toBe(400);
  });
});
