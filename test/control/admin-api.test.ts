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
});
