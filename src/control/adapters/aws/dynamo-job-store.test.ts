import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Backends, startBackends } from "../../../../test/support/control-plane.ts";
import { sampleJob } from "../../../../test/support/jobs.ts";
import { ConflictError } from "../../domain/errors.ts";
import { fixedClock } from "../../ports/clock.ts";
import { createDynamoJobStore } from "./dynamo-job-store.ts";

let b: Backends;
beforeAll(async () => {
  b = await startBackends();
});
afterAll(async () => {
  await b?.stop();
});

const store = () =>
  createDynamoJobStore({
    client: b.dynamodb,
    tableName: b.tables.jobs,
    clock: fixedClock(Date.parse("2026-01-01T00:00:00Z")),
  });

describe("DynamoDB job store", () => {
  it("creates once; a duplicate create changes nothing and returns the stored job", async () => {
    const s = store();
    const job = sampleJob({ jobId: "101" });
    expect(await s.create(job)).toEqual({ created: true, job });
    const again = await s.create({ ...job, deliveryIds: ["other"], labels: ["x"] });
    expect(again.created).toBe(false);
    expect(again.job).toEqual(job);
    expect(await s.get("101")).toEqual(job);
  });

  it("returns null for an unknown job", async () => {
    expect(await store().get("999999")).toBeNull();
  });

  it("transitions with a version check and refuses stale or disallowed writes", async () => {
    const s = store();
    await s.create(sampleJob({ jobId: "102" }));
    const launching = await s.transition("102", {
      from: "queued",
      to: "launching",
      expectedVersion: 1,
    });
    expect(launching.status).toBe("launching");
    expect(launching.version).toBe(2);
    await expect(
      s.transition("102", { from: "queued", to: "launching", expectedVersion: 1 }),
    ).rejects.toBeInstanceOf(ConflictError);
    await expect(
      s.transition("102", { from: "launching", to: "rejected", expectedVersion: 2 }),
    ).rejects.toThrow(/not an allowed transition/);
    const launched = await s.transition("102", {
      from: "launching",
      to: "launched",
      expectedVersion: 2,
      patch: { instanceId: "i-0abc" },
    });
    expect(launched.instanceId).toBe("i-0abc");
    expect(await s.byInstance("i-0abc")).toEqual([launched]);
    const cleared = await s.transition("102", {
      from: "launched",
      to: "queued",
      expectedVersion: 3,
      patch: { instanceId: null, retryCount: 1 },
    });
    expect(cleared.instanceId).toBeNull();
    expect(cleared.retryCount).toBe(1);
    expect(await s.byInstance("i-0abc")).toEqual([]);
  });

  it("lets exactly one of many concurrent claims win", async () => {
    const s = store();
    await s.create(sampleJob({ jobId: "103" }));
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () =>
        s.transition("103", { from: "queued", to: "launching", expectedVersion: 1 }),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(
      results.filter((r) => r.status === "rejected" && r.reason instanceof ConflictError),
    ).toHaveLength(7);
  });

  it("lists by status, newest update first, with a cursor", async () => {
    const s = store();
    for (const id of ["201", "202", "203"]) {
      await s.create(
        sampleJob({
          jobId: id,
          status: "rejected",
          reason: "bad",
          updatedAt: `2026-01-01T00:00:0${id.at(-1)}.000Z`,
        }),
      );
    }
    const first = await s.list({ status: "rejected", limit: 2 });
    expect(first.jobs.map((j) => j.jobId)).toEqual(["203", "202"]);
    expect(first.next).toBeDefined();
    const second = await s.list({
      status: "rejected",
      limit: 2,
      ...(first.next ? { cursor: first.next } : {}),
    });
    expect(second.jobs.map((j) => j.jobId)).toEqual(["201"]);
    await expect(s.list({ limit: 2, cursor: "%%%" })).rejects.toThrow(/cursor/);
  });

  it("answers ping, and reports a missing table as an error", async () => {
    await expect(store().ping()).resolves.toBeUndefined();
    const missing = createDynamoJobStore({
      client: b.dynamodb,
      tableName: "nope",
      clock: fixedClock(0),
    });
    await expect(missing.ping()).rejects.toThrow(/ResourceNotFoundException/);
  });
});
