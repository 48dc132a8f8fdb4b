import { describe, expect, it } from "vitest";
import { fixedClock } from "../../src/control/adapters/clock.ts";
import { localPlacementConfig } from "../../src/control/adapters/local/local-placement.ts";
import { createMemoryInstanceStore } from "../../src/control/adapters/memory/instance-store.ts";
import { createMemoryLockStore } from "../../src/control/adapters/memory/lock-store.ts";
import { createMemoryMetrics } from "../../src/control/adapters/memory/metrics.ts";
import { createMemoryPoolStateStore } from "../../src/control/adapters/memory/pool-state-store.ts";
import { createStaticPoolDefinitions } from "../../src/control/adapters/memory/static-pool-definitions.ts";
import { defaultCatalog } from "../../src/control/domain/catalog-default.ts";
import { defaultSpec } from "../../src/control/domain/labels-types.ts";
import { type PoolDefinition, parsePoolDefinitions } from "../../src/control/domain/pool-config.ts";
import type { Compute, InstanceInfo } from "../../src/control/ports/compute.ts";
import { createPoolManager } from "../../src/control/services/pools/pool-manager.ts";
import { launchJob } from "../../src/control/services/scheduling/launch-step.ts";
import { schedulingHarness } from "../../src/control/services/scheduling/test-harness.ts";
import { silentLogger } from "../../src/shared/logger.ts";
import { sampleInstance } from "../support/instances.ts";

const t0 = Date.UTC(2026, 0, 1);
const health = { heartbeatTimeoutMs: 90_000, bootGraceMs: 300_000 };
const labels = {
  catalog: defaultCatalog,
  regions: ["us-east-1"],
  defaultRegion: "us-east-1",
  environments: ["default"],
};

function definitions(input: unknown[]): PoolDefinition[] {
  const parsed = parsePoolDefinitions(input, labels);
  if (!parsed.ok) throw new Error(parsed.issues.join("; "));
  return parsed.pools;
}

/** A provider that runs what it is told and records every call. */
function recordingCompute(running: string[] = []) {
  const calls: string[] = [];
  const compute: Pick<Compute, "launch" | "start" | "stop" | "terminate" | "describe"> = {
    async launch(r) {
      calls.push(`launch ${r.slots.length} ${r.placement.market} pool=${r.placement.pool}`);
      return {
        instances: r.slots.map((s, i) => ({
          slotId: s.slotId,
          instanceId: `i-new-${i}`,
          instanceType: r.placement.instanceTypes[0] ?? "x",
          market: r.placement.market,
          az: "us-east-1a",
          subnetId: "s",
        })),
        errors: [],
      };
    },
    start: async (ids) => void calls.push(`start ${ids.join(",")}`),
    stop: async (ids) => void calls.push(`stop ${ids.join(",")}`),
    terminate: async (ids) => void calls.push(`terminate ${ids.join(",")}`),
    async describe(filter) {
      return running
        .filter((id) => !filter.instanceIds || filter.instanceIds.includes(id))
        .map(
          (id): InstanceInfo => ({
            instanceId: id,
            instanceType: "c7g.large",
            market: "on-demand",
            state: "running",
            az: "us-east-1a",
            subnetId: null,
            launchedAt: t0,
            tags: {},
          }),
        );
    },
  };
  return { compute, calls };
}

function manager(pools: PoolDefinition[], running: string[] = []) {
  const clock = fixedClock(t0);
  const instances = createMemoryInstanceStore({ clock });
  const { compute, calls } = recordingCompute(running);
  const metrics = createMemoryMetrics();
  const pm = createPoolManager({
    definitions: createStaticPoolDefinitions(pools),
    states: createMemoryPoolStateStore(),
    instances,
    compute,
    locks: createMemoryLockStore({ clock }),
    labels,
    placement: localPlacementConfig("us-east-1", ["default"]),
    health,
    clock,
    logger: silentLogger,
    metrics,
    owner: "test",
  });
  return { pm, instances, calls, clock, metrics };
}

const idle = (id: string, pool: string) =>
  sampleInstance(id, {
    jobId: null,
    pool,
    state: "standby",
    updatedAt: new Date(t0).toISOString(),
  });

describe("pool manager services", () => {
  it("launches members on-demand unless the pool says spot, tagged with the pool", async () => {
    const m = manager(
      definitions([
        { name: "od", spec: "cpu=2", hot: 1 },
        { name: "sp", spec: "cpu=2", hot: 1, spot: true },
      ]),
    );
    expect(await m.pm.reconcile()).toEqual({ launched: 2 });
    expect(m.calls).toEqual(["launch 1 on-demand pool=od", "launch 1 spot pool=sp"]);
    expect(await m.instances.get("i-new-0")).toMatchObject({
      pool: "od",
      jobId: null,
      state: "pending",
    });
  });

  it("ends idle members of a pool no config defines; a busy one is left to finish its job", async () => {
    const m = manager(definitions([{ name: "kept", spec: "cpu=2" }]));
    await m.instances.create(idle("i-idle", "gone"));
    await m.instances.create(
      sampleInstance("i-busy", { jobId: "7", pool: "gone", state: "running" }),
    );
    expect(await m.pm.reconcile()).toEqual({ terminated: 1 });
    expect(m.calls).toEqual(["terminate i-idle"]);
    expect(await m.instances.get("i-idle")).toMatchObject({
      state: "terminated",
      reason: "pool gone is not defined",
    });
    expect(await m.instances.get("i-busy")).toMatchObject({ state: "running" });
    // After its job, nobody wants it back.
    expect(await m.pm.poolWants((await m.instances.get("i-busy"))!)).toBe(false);
  });

  it("wants a member back only while the pool is short of idle members", async () => {
    const m = manager(definitions([{ name: "p", spec: "cpu=2", hot: 1 }]), ["i-a"]);
    const busy = sampleInstance("i-busy", { jobId: "7", pool: "p", state: "running" });
    await m.instances.create(busy);
    expect(await m.pm.poolWants(busy)).toBe(true);
    await m.instances.create(idle("i-a", "p"));
    expect(await m.pm.poolWants(busy)).toBe(false);
  });

  it("starts a stopped member for a pool job when none is hot, and counts hits and misses", async () => {
    const m = manager(definitions([{ name: "p", spec: "cpu=2" }]));
    await m.instances.create(sampleInstance("i-s", { jobId: null, pool: "p", state: "stopped" }));
    const h = schedulingHarness();
    const assign = m.pm.assigner(
      { jobs: h.deps.jobs, github: h.deps.github, runnerConfigs: h.deps.runnerConfigs },
      { refillAfterClaim: false },
    );
    const pooled = { ...defaultSpec(), pool: "p" };
    const first = await h.claim(await h.addJob({ jobId: "301", spec: pooled }));
    expect(await launchJob({ ...h.deps, assignToPool: assign }, first)).toEqual({
      outcome: "launched",
    });
    expect(m.calls).toEqual(["start i-s"]);
    expect(await h.deps.jobs.get("301")).toMatchObject({
      status: "launched",
      instanceId: "i-s",
      reason: "pool p: stopped member started",
    });
    expect(h.requests).toEqual([]);

    // Nothing idle left: the next job launches cold, and says why.
    const second = await h.claim(await h.addJob({ jobId: "302", spec: pooled }));
    expect(await launchJob({ ...h.deps, assignToPool: assign }, second)).toEqual({
      outcome: "launched",
    });
    expect(h.requests).toHaveLength(1);
    expect(await h.deps.jobs.get("302")).toMatchObject({
      status: "launched",
      reason: "pool p: no idle member; launched cold",
    });
    expect(m.metrics.total("PoolClaims", { pool: "p", result: "stopped" })).toBe(1);
    expect(m.metrics.total("PoolClaims", { pool: "p", result: "miss" })).toBe(1);
  });
});

describe("pool environments", () => {
  it("never gives a job a member of another environment: it launches cold in its own", async () => {
    const m = manager(definitions([{ name: "p", spec: "cpu=2" }]));
    await m.instances.create(
      sampleInstance("i-prod", { jobId: null, pool: "p", state: "stopped", env: "prod" }),
    );
    const h = schedulingHarness();
    const assign = m.pm.assigner(
      { jobs: h.deps.jobs, github: h.deps.github, runnerConfigs: h.deps.runnerConfigs },
      { refillAfterClaim: false },
    );
    const job = await h.claim(
      await h.addJob({ jobId: "401", spec: { ...defaultSpec(), pool: "p", env: "default" } }),
    );
    expect(await launchJob({ ...h.deps, assignToPool: assign }, job)).toEqual({
      outcome: "launched",
    });
    expect(m.calls).toEqual([]);
    expect(await m.instances.get("i-prod")).toMatchObject({ jobId: null, state: "stopped" });
    expect(await h.deps.jobs.get("401")).toMatchObject({
      reason: "pool p: no idle member; launched cold",
    });
  });
});

describe("pool metrics", () => {
  it("records pool size by state and utilisation on every pass", async () => {
    const m = manager(definitions([{ name: "p", spec: "cpu=2", hot: 1 }]), ["i-a"]);
    await m.instances.create(idle("i-a", "p"));
    await m.instances.create(sampleInstance("i-busy", { jobId: "7", pool: "p", state: "running" }));
    await m.pm.reconcile();
    expect(m.metrics.lastGauge("PoolSize", { pool: "p", state: "hot" })).toBe(1);
    expect(m.metrics.lastGauge("PoolSize", { pool: "p", state: "busy" })).toBe(1);
    expect(m.metrics.lastGauge("PoolUtilization", { pool: "p" })).toBe(0.5);
  });
});

describe("two replicas reconciling at once", () => {
  it("never double-act: the pool's lock lets one pass launch, the other stands aside", async () => {
    const pools = definitions([{ name: "p", spec: "cpu=2", hot: 3 }]);
    const clock = fixedClock(t0);
    const instances = createMemoryInstanceStore({ clock });
    const locks = createMemoryLockStore({ clock });
    const states = createMemoryPoolStateStore();
    const { compute, calls } = recordingCompute();
    const replica = (owner: string) =>
      createPoolManager({
        definitions: createStaticPoolDefinitions(pools),
        states,
        instances,
        compute,
        locks,
        labels,
        placement: localPlacementConfig("us-east-1", ["default"]),
        health,
        clock,
        logger: silentLogger,
        metrics: createMemoryMetrics(),
        owner,
      });
    const reports = await Promise.all([replica("a").reconcile(), replica("b").reconcile()]);
    expect(reports.map((r) => r.launched ?? 0).sort()).toEqual([0, 3]);
    expect(calls).toEqual(["launch 3 on-demand pool=p"]);
  });
});
