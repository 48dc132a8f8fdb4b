import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Backends, startBackends } from "../../../../test/support/control-plane.ts";
import { sampleInstance } from "../../../../test/support/instances.ts";
import { ConflictError } from "../../domain/errors.ts";
import { fixedClock } from "../../ports/clock.ts";
import { createDynamoInstanceStore } from "./dynamo-instance-store.ts";

let b: Backends;
beforeAll(async () => {
  b = await startBackends();
});
afterAll(async () => {
  await b?.stop();
});

const store = () =>
  createDynamoInstanceStore({
    client: b.dynamodb,
    tableName: b.tables.instances,
    clock: fixedClock(Date.parse("2026-03-01T00:00:00Z")),
  });
const sample = sampleInstance;

describe("DynamoDB instance store", () => {
  it("creates once and reads back exactly", async () => {
    const s = store();
    expect((await s.create(sample("i-1"))).created).toBe(true);
    expect((await s.create(sample("i-1", { jobId: "2" }))).created).toBe(false);
    expect(await s.get("i-1")).toEqual(sample("i-1"));
    expect(await s.get("i-none")).toBeNull();
  });

  it("updates on version and refuses a stale write", async () => {
    const s = store();
    await s.create(sample("i-2"));
    const up = await s.update("i-2", 1, {
      state: "running",
      startedAt: "2026-03-01T00:00:10.000Z",
    });
    expect(up).toMatchObject({ state: "running", version: 2 });
    await expect(s.update("i-2", 1, { state: "offline" })).rejects.toBeInstanceOf(ConflictError);
    const cleared = await s.update("i-2", 2, { jobId: null });
    expect(cleared.jobId).toBeNull();
  });

  it("keeps the newest heartbeat and never bumps the version", async () => {
    const s = store();
    await s.create(sample("i-3"));
    await s.heartbeat("i-3", "2026-03-01T00:01:00.000Z");
    await s.heartbeat("i-3", "2026-03-01T00:00:30.000Z");
    await s.heartbeat("i-unknown", "2026-03-01T00:00:30.000Z");
    expect(await s.get("i-3")).toMatchObject({
      lastHeartbeatAt: "2026-03-01T00:01:00.000Z",
      version: 1,
    });
    expect(await s.get("i-unknown")).toBeNull();
  });

  it("lists by state", async () => {
    const s = store();
    await s.create(sample("i-4", { state: "standby", launchedAt: "2026-03-01T00:00:02.000Z" }));
    await s.create(sample("i-5", { state: "standby", launchedAt: "2026-03-01T00:00:01.000Z" }));
    const out = await s.list({ state: "standby", limit: 10 });
    expect(out.instances.map((i) => i.instanceId)).toEqual(["i-5", "i-4"]);
  });
});
