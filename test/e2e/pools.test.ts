import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDynamoLockStore } from "../../src/control/adapters/aws/dynamo-lock-store.ts";
import { fixedClock } from "../../src/control/adapters/clock.ts";
import { localPlacementConfig } from "../../src/control/adapters/local/local-placement.ts";
import { noopMetrics } from "../../src/control/adapters/memory/metrics.ts";
import { defaultCatalog } from "../../src/control/domain/catalog-default.ts";
import { FleetTag } from "../../src/control/domain/launch-slot.ts";
import { type PoolDefinition, parsePoolDefinitions } from "../../src/control/domain/pool-config.ts";
import { createPoolManager } from "../../src/control/services/pools/pool-manager.ts";
import { silentLogger } from "../../src/shared/logger.ts";
import { type Fleet, startFleet } from "./fleet.ts";

// Monday 30 Nov 2026, 12:00 UTC: inside the pool's working-hours schedule.
const scheduleClock = fixedClock(Date.parse("2026-11-30T12:00:00.000Z"));
const parsed = parsePoolDefinitions([
  {
    name: "e2e",
    spec: "cpu=2",
    hot: 1,
    stopped: 0,
    idleTimeoutMinutes: 5,
    // At most 3: after a claim the pool cannot launch a replacement, so it wants its member back.
    max: 3,
    schedules: [{ cron: "0 8 * * *", until: "0 18 * * *", timezone: "UTC", hot: 2, stopped: 1 }],
  },
]);
if (!parsed.ok) throw new Error(parsed.issues.join("; "));
const pool = parsed.pools[0] as PoolDefinition;

let f: Fleet;
beforeAll(async () => {
  f = await startFleet({ jobSeconds: 1, pools: [pool], scheduleClock });
});
afterAll(async () => {
  await f?.stop();
});

const plane = () => f.replicas[0]!.plane;
const status = async () => (await plane().pools.statuses())[0]!;

/** Reconciles until `ok` holds (agents take a moment to start and stop), or fails with the last status. */
async function settle(ok: (s: Awaited<ReturnType<typeof status>>) => boolean, reconcile = true) {
  const deadline = Date.now() + 30_000;
  let last = await status();
  while (!ok(last)) {
    if (Date.now() > deadline) throw new Error(`pool did not settle: ${JSON.stringify(last)}`);
    if (reconcile) await plane().pools.reconcile();
    await new Promise((r) => setTimeout(r, 250));
    last = await status();
  }
  return last;
}

/** Pool machines the provider still runs (pending or running), by id. */
const running = async () =>
  (
    await plane().compute.describe({
      tags: { [FleetTag.pool]: "e2e" },
      states: ["pending", "running"],
    })
  )
    .map((m) => m.instanceId)
    .sort();

describe("warm pools end to end, local mode with real agents", () => {
  it("fills the pool to its scheduled sizes: hot agents in standby and a stopped member", async () => {
    const s = await settle(
      (s) => s.actual.hot === 2 && s.actual.stopped === 1 && s.actual.starting === 0,
    );
    expect(s.desired).toMatchObject({ hot: 2, stopped: 1, from: "schedule:0" });
    expect(await running()).toHaveLength(2);
  });

  it("runs a pool job on a member that existed before its webhook, then takes the member back", async () => {
    const before = await running();
    const event = f.queuedEvent("runs-fleet/pool=e2e");
    const jobId = String(event.workflow_job.id);
    await plane().intake.handle(event, "pool-1");
    const done = await f.waitForJob(jobId, (j) => j.status === "completed");
    expect(before).toContain(done.instanceId);
    expect(done.reason).toBe("pool e2e: hot member");
    // Still wanted (the pool is at its maximum, so nothing replaced it): back in standby.
    const deadline = Date.now() + 20_000;
    let member = await plane().instances.get(done.instanceId as string);
    while (member?.state !== "standby" && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      member = await plane().instances.get(done.instanceId as string);
    }
    expect(member).toMatchObject({ state: "standby", jobId: null });
    expect(await running()).toContain(done.instanceId);
  });

  it("rejects a job for an unknown pool at intake, naming the known ones", async () => {
    const event = f.queuedEvent("runs-fleet/pool=e2f");
    const out = await plane().intake.handle(event, "pool-2");
    expect(out).toMatchObject({ outcome: "rejected" });
    const job = await f.jobs.get(String(event.workflow_job.id));
    expect(job?.reason).toContain('unknown pool "e2f" — known pools: e2e');
  });

  it("after the schedule ends, idle surplus is ended once idle past the timeout; nothing leaks", async () => {
    scheduleClock.set(Date.parse("2026-11-30T19:00:00.000Z"));
    // Within the idle timeout the surplus is kept (a schedule flip is not a reason to churn).
    await plane().pools.reconcile();
    const kept = (await status()).actual;
    expect(kept.hot + kept.stopped).toBe(3);
    // A replica whose clock is past the idle timeout (its lock store judges expiry by it too).
    const later = fixedClock(Date.now() + (pool.idleTimeoutMinutes + 1) * 60_000);
    const p = plane();
    const ahead = createPoolManager({
      definitions: p.configs.active,
      states: p.poolStates!,
      instances: p.instances,
      compute: p.compute,
      locks: createDynamoLockStore({
        client: f.b.dynamodb,
        tableName: f.b.tables.locks,
        clock: later,
      }),
      labels: {
        catalog: defaultCatalog,
        regions: ["us-east-1"],
        defaultRegion: "us-east-1",
        environments: ["default"],
      },
      placement: localPlacementConfig("us-east-1", ["default"]),
      // Heartbeat limits far out: this pass is about idle time, not health.
      health: { heartbeatTimeoutMs: 3_600_000, bootGraceMs: 3_600_000 },
      clock: later,
      scheduleClock,
      logger: silentLogger,
      metrics: noopMetrics,
      owner: "ahead",
    });
    const report = await ahead.reconcile();
    expect(report).toMatchObject({ terminated: 2 });
    const s = await settle((s) => s.actual.hot === 1 && s.actual.stopped === 0, false);
    expect(s.desired).toMatchObject({ hot: 1, stopped: 0, from: "base" });
    // Nothing leaked: every machine still running is a member its pool wants.
    const deadline = Date.now() + 20_000;
    while ((await running()).length > 1 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    const left = await running();
    expect(left).toHaveLength(1);
    expect(await plane().instances.get(left[0] as string)).toMatchObject({
      pool: "e2e",
      jobId: null,
    });
    expect(
      await plane().compute.describe({ tags: { [FleetTag.pool]: "e2e" }, states: ["stopped"] }),
    ).toEqual([]);
  });
});
