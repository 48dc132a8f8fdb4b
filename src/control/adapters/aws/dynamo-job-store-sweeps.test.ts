import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Backends, startBackends } from "../../../../test/support/control-plane.ts";
import { sampleJob } from "../../../../test/support/jobs.ts";
import { ConflictError } from "../../domain/errors.ts";
import { fixedClock } from "../clock.ts";
import { createDynamoInstanceStore } from "./dynamo-instance-store.ts";
import { createDynamoJobStore } from "./dynamo-job-store.ts";

let b: Backends;
beforeAll(async () => {
  b = await startBackends();
});
afterAll(async () => {
  await b?.stop();
});

const now = Date.parse("2026-02-01T00:00:00Z");
const store = () =>
  createDynamoJobStore({ client: b.dynamodb, tableName: b.tables.jobs, clock: fixedClock(now) });

describe("DynamoDB job store: housekeeping methods", () => {
  it("lists jobs of one state updated before a time, oldest first, page by page", async () => {
    const s = store();
    for (const [id, status, updatedAt] of [
      ["s-1", "launching", "2026-01-01T00:03:00.000Z"],
      ["s-2", "launching", "2026-01-01T00:01:00.000Z"],
      ["s-3", "launching", "2026-01-01T00:02:00.000Z"],
      ["s-4", "launching", "2026-01-01T00:09:00.000Z"],
      ["s-5", "launched", "2026-01-01T00:00:00.000Z"],
    ] as const)
      await s.create(sampleJob({ jobId: id, status, updatedAt }));
    const query = { status: "launching", updatedBefore: "2026-01-01T00:05:00.000Z" } as const;
    const first = await s.listUpdatedBefore({ ...query, limit: 2 });
    expect(first.jobs.map((j) => j.jobId)).toEqual(["s-2", "s-3"]);
    expect(first.next).toBeTruthy();
    const second = await s.listUpdatedBefore({ ...query, limit: 2, cursor: first.next as string });
    expect(second.jobs.map((j) => j.jobId)).toEqual(["s-1"]);
    await expect(s.listUpdatedBefore({ ...query, limit: 2, cursor: "%%" })).rejects.toThrow(
      /invalid cursor/,
    );
  });

  it("stamps a re-send on a queued job only, version-checked", async () => {
    const s = store();
    await s.create(sampleJob({ jobId: "t-1", lastEnqueuedAt: "2026-01-01T00:00:00.000Z" }));
    const touched = await s.touchEnqueued("t-1", 1, "2026-02-01T00:00:00.000Z");
    expect(touched).toMatchObject({
      status: "queued",
      version: 2,
      lastEnqueuedAt: "2026-02-01T00:00:00.000Z",
      updatedAt: new Date(now).toISOString(),
    });
    await expect(s.touchEnqueued("t-1", 1, "2026-02-01T00:00:01.000Z")).rejects.toBeInstanceOf(
      ConflictError,
    );
    await s.transition("t-1", { from: "queued", to: "launching", expectedVersion: 2 });
    await expect(s.touchEnqueued("t-1", 3, "2026-02-01T00:00:02.000Z")).rejects.toBeInstanceOf(
      ConflictError,
    );
    await expect(s.touchEnqueued("t-none", 1, "2026-02-01T00:00:02.000Z")).rejects.toBeInstanceOf(
      ConflictError,
    );
  });

  it("deletes a job or an instance only at the version read", async () => {
    const s = store();
    await s.create(sampleJob({ jobId: "r-1", status: "completed", version: 4 }));
    await expect(s.remove("r-1", 3)).rejects.toBeInstanceOf(ConflictError);
    await s.remove("r-1", 4);
    expect(await s.get("r-1")).toBeNull();

    const instances = createDynamoInstanceStore({
      client: b.dynamodb,
      tableName: b.tables.instances,
      clock: fixedClock(now),
    });
    await instances.create({
      instanceId: "i-r1",
      jobId: null,
      pool: null,
      instanceType: "c7g.large",
      market: "spot",
      region: "us-east-1",
      az: null,
      env: "default",
      state: "terminated",
      reason: null,
      launchedAt: "2026-01-01T00:00:00.000Z",
      updatedAt: "2026-01-01T00:00:00.000Z",
      lastHeartbeatAt: null,
      startedAt: null,
      terminatedAt: "2026-01-01T00:00:00.000Z",
      version: 2,
    });
    await expect(instances.remove("i-r1", 1)).rejects.toBeInstanceOf(ConflictError);
    await instances.remove("i-r1", 2);
    expect(await instances.get("i-r1")).toBeNull();
  });
});
