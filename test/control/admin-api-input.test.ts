import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, buildPlane } from "../support/app.ts";
import { type Backends, startBackends } from "../support/control-plane.ts";
import { sampleJob } from "../support/jobs.ts";

// Hostile input on the admin API, against dynalite: each must be a 4xx that says what is wrong,
// never a 500 and never a request that reaches DynamoDB with something it cannot take.

let b: Backends;
beforeAll(async () => {
  b = await startBackends({ prefix: "admin-input-" });
});
afterAll(async () => {
  await b?.stop();
});

const auth = { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } };

/** A cursor as anyone can make one: URL-safe base64 of whatever JSON they like. */
const forge = (value: unknown) =>
  btoa(JSON.stringify(value)).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");

const instance = (instanceId: string, launchedAt: string) => ({
  instanceId,
  jobId: "88",
  pool: null,
  instanceType: "c7g.large",
  market: "spot" as const,
  region: "us-east-1",
  az: "us-east-1a",
  env: "default",
  state: "running" as const,
  reason: null,
  launchedAt,
  updatedAt: launchedAt,
  lastHeartbeatAt: null,
  startedAt: null,
  terminatedAt: null,
  version: 1,
});

async function nextOf(app: ReturnType<typeof buildPlane>["app"], path: string): Promise<string> {
  const body = (await (await app.request(path, auth)).json()) as { next?: string };
  if (!body.next) throw new Error(`${path} gave no next cursor`);
  return body.next;
}

describe("admin API: page cursors", () => {
  it("refuses forged, garbled and foreign cursors with 400, and still pages with its own", async () => {
    const { app, jobs, instances } = buildPlane(b);
    for (let i = 0; i < 3; i++) {
      await jobs.create(
        sampleJob({ jobId: `61${i}`, status: "failed", updatedAt: `2026-03-01T00:00:0${i}.000Z` }),
      );
      await instances.create(instance(`i-cur-${i}`, `2026-03-01T00:00:0${i}.000Z`));
    }
    const failedCursor = await nextOf(app, "/api/jobs?status=failed&limit=1");
    const jobsCursor = await nextOf(app, "/api/jobs?limit=1");
    const instancesCursor = await nextOf(app, "/api/instances?limit=1");
    const runningCursor = await nextOf(app, "/api/instances?state=running&limit=1");

    const refused = [
      `/api/jobs?cursor=${forge({ foo: "bar" })}`,
      `/api/jobs?cursor=${forge({ jobId: 1 })}`,
      `/api/jobs?cursor=${forge({ jobId: "1", extra: "x" })}`,
      `/api/jobs?cursor=${forge(["610"])}`,
      `/api/jobs?status=failed&cursor=${forge({ jobId: "1" })}`,
      `/api/jobs?status=failed&cursor=${forge({ jobId: "1", status: "failed", updatedAt: 7 })}`,
      `/api/jobs?status=queued&cursor=${failedCursor}`,
      `/api/jobs?status=failed&cursor=${jobsCursor}`,
      `/api/jobs?cursor=${instancesCursor}`,
      "/api/jobs?cursor=%25%25not-base64%25%25",
      `/api/instances?cursor=${jobsCursor}`,
      `/api/instances?cursor=${forge({ instanceId: "x".repeat(3000) })}`,
      `/api/instances?state=running&cursor=${instancesCursor}`,
      `/api/instances?state=offline&cursor=${runningCursor}`,
      `/api/instances?state=running&cursor=${forge({
        instanceId: "i-cur-0",
        state: "running",
        launchedAt: "2".repeat(1500),
      })}`,
    ];
    for (const path of refused) {
      const res = await app.request(path, auth);
      expect({ path, status: res.status }).toEqual({ path, status: 400 });
      expect(((await res.json()) as { error: string }).error).toMatch(/cursor/);
    }

    const rest = (await (
      await app.request(`/api/jobs?status=failed&limit=5&cursor=${failedCursor}`, auth)
    ).json()) as { jobs: Array<{ jobId: string }> };
    expect(rest.jobs.map((j) => j.jobId)).toEqual(["611", "610"]);
    const running = await app.request(`/api/instances?state=running&cursor=${runningCursor}`, auth);
    expect(running.status).toBe(200);
    expect((await app.request(`/api/instances?cursor=${instancesCursor}`, auth)).status).toBe(200);
    expect((await app.request(`/api/jobs?cursor=${jobsCursor}`, auth)).status).toBe(200);
  });
});

describe("admin API: authorization and circuit resets", () => {
  it("takes the bearer scheme in any case (RFC 9110), and nothing else", async () => {
    const { app } = buildPlane(b);
    for (const scheme of ["Bearer", "bearer", "BEARER", "bEaReR"]) {
      const headers = { authorization: `${scheme} ${ADMIN_TOKEN}` };
      expect((await app.request("/api/jobs", { headers })).status).toBe(200);
    }
    for (const header of [`Basic ${ADMIN_TOKEN}`, `Bearer${ADMIN_TOKEN}`, "bearer ", "bearer"]) {
      const res = await app.request("/api/jobs", { headers: { authorization: header } });
      expect(res.status).toBe(401);
    }
  });

  it("resets only real instance types: 404 for one not in the catalog, 400 for a malformed one", async () => {
    const { app, circuits } = buildPlane(b);
    const reset = (type: string) =>
      app.request(`/api/circuits/${encodeURIComponent(type)}/reset`, { ...auth, method: "POST" });

    const unknown = await reset("zz9.large");
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: string }).error).toMatch(/zz9\.large.*catalog/);
    const long = await reset(`c7g.${"x".repeat(3000)}`);
    expect(long.status).toBe(400);
    expect(((await long.json()) as { error: string }).error).toMatch(/instanceType/);
    expect((await circuits.list()).map((c) => c.instanceType)).not.toContain("zz9.large");

    expect((await reset("c7g.large")).status).toBe(200);
    // A type that had a circuit stays resettable even when the catalog no longer lists it.
    await circuits.recordInterruption("x9old.large", "i-old-1");
    expect((await reset("x9old.large")).status).toBe(200);
    // Another region's circuit of a type, and a region's own, are reset by their keys.
    await circuits.recordInterruption("c7g.large@eu-west-1", "i-eu-1");
    await circuits.recordInterruption("region:eu-west-1");
    expect((await reset("c7g.large@eu-west-1")).status).toBe(200);
    expect((await reset("region:eu-west-1")).status).toBe(200);
    expect((await reset("region:nowhere")).status).toBe(400);
  });
});
