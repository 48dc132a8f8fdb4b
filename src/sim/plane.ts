import { createMemoryCircuitStore } from "../control/adapters/memory/circuit-store.ts";
import { createMemoryEventQueue } from "../control/adapters/memory/event-queue.ts";
import { createMemoryInstanceStore } from "../control/adapters/memory/instance-store.ts";
import { createMemoryJobQueue } from "../control/adapters/memory/job-queue.ts";
import { createMemoryJobStore } from "../control/adapters/memory/job-store.ts";
import { createMemoryLockStore } from "../control/adapters/memory/lock-store.ts";
import { createMemoryMarkerStore } from "../control/adapters/memory/marker-store.ts";
import { noopMetrics } from "../control/adapters/memory/metrics.ts";
import { createMemoryPoolStateStore } from "../control/adapters/memory/pool-state-store.ts";
import { createMemoryRunnerConfigStore } from "../control/adapters/memory/runner-config-store.ts";
import { createCatalogSpotPrices } from "../control/adapters/memory/spot-prices.ts";
import { createStaticPoolDefinitions } from "../control/adapters/memory/static-pool-definitions.ts";
import type { CapacityLimits } from "../control/domain/capacity.ts";
import type { Catalog } from "../control/domain/catalog.ts";
import type { CircuitConfig } from "../control/domain/circuit.ts";
import type { LaunchSlot } from "../control/domain/launch-slot.ts";
import type { PlacementConfig } from "../control/domain/placement-config.ts";
import type { PoolDefinition } from "../control/domain/pool-config.ts";
import type { Compute, LaunchedInstance } from "../control/ports/compute.ts";
import type { GitHub } from "../control/ports/github.ts";
import type { JobStore } from "../control/ports/job-store.ts";
import { createCircuitService } from "../control/services/common/circuits.ts";
import { housekeepingConfig } from "../control/services/housekeeping/config.ts";
import { createHousekeeping } from "../control/services/housekeeping/housekeeping.ts";
import { createIntake } from "../control/services/intake/intake.ts";
import { createLabelResolver } from "../control/services/intake/label-resolver.ts";
import type { LifecycleDeps } from "../control/services/lifecycle/deps.ts";
import { createEventsConsumer } from "../control/services/lifecycle/events.ts";
import { rerunInterrupted } from "../control/services/lifecycle/interruptions.ts";
import { createPoolManager } from "../control/services/pools/pool-manager.ts";
import {
  createBatchLauncher,
  type Schedule,
} from "../control/services/scheduling/batch-launcher.ts";
import { createScheduler } from "../control/services/scheduling/scheduler.ts";
import { silentLogger } from "../shared/logger.ts";
import type { Engine } from "./engine.ts";
import { verifyBody } from "./signature.ts";

/** A launch batch closes on the next microtask: one virtual instant is one batch window. */
const sameInstant: Schedule = (fn) => {
  let live = true;
  queueMicrotask(() => {
    if (live) fn();
  });
  return () => {
    live = false;
  };
};

/** Launches answer in the same virtual instant, so the launch budget's timer never fires. */
const neverFires: Schedule = () => () => {};

/** What differs between the policies the simulator compares. */
export interface PlaneOptions {
  engine: Engine;
  compute: Compute;
  github: GitHub;
  catalog: Catalog;
  placement: PlacementConfig;
  circuit: CircuitConfig;
  /** Wraps the jobs table (a policy may change what is written; the run observes it). */
  wrapJobs(jobs: JobStore): JobStore;
  /** The agent's heartbeat interval; housekeeping's timeout is set from it. */
  heartbeatMs: number;
  /** Concurrent-instance limits, as the fleet file's `limits:` sets them. */
  limits?: CapacityLimits;
  /** Warm pools, as the fleet file's `pools:` sets them; none when absent. */
  pools?: readonly PoolDefinition[];
  /** Called when a runner config is written (the simulated agent stops polling for it). */
  configWritten(instanceId: string): void;
}

/**
 * The control plane's real services — intake, scheduler, events consumer, housekeeping — on the
 * in-memory ports and the engine's virtual clock: the composition `entry/` makes, with the
 * simulated EC2 and GitHub in place of the real ones and no HTTP in front.
 */
export function createSimPlane(o: PlaneOptions) {
  const clock = o.engine.clock;
  const logger = silentLogger;
  const metrics = noopMetrics;
  const jobs = o.wrapJobs(createMemoryJobStore({ clock }));
  const instances = createMemoryInstanceStore({ clock });
  const queue = createMemoryJobQueue({ clock, visibilitySeconds: 120 });
  const events = createMemoryEventQueue({ clock });
  const locks = createMemoryLockStore({ clock });
  const markers = createMemoryMarkerStore({ clock });
  const configs = createMemoryRunnerConfigStore();
  const runnerConfigs = {
    ...configs,
    async put(instanceId: string, config: Parameters<typeof configs.put>[1]) {
      await configs.put(instanceId, config);
      o.configWritten(instanceId);
    },
  };
  const spotPrices = createCatalogSpotPrices({ catalog: o.catalog });
  const circuits = createCircuitService({
    store: createMemoryCircuitStore(),
    clock,
    config: o.circuit,
    cacheTtlMs: 0,
    sleep: async () => {},
    logger,
  });
  const region = o.placement.region;
  const hk = housekeepingConfig({
    // Heartbeats are coarser than a real agent's to keep a week's events few; the timeout
    // keeps the same ratio to them.
    heartbeatTimeoutMs: 3 * o.heartbeatMs,
    // Finished records are swept after an hour, as local mode sweeps them after their
    // retention: the tables stay the size of their live part, so a week costs a week's work.
    expireBy: "sweep",
    retentionMs: 3_600_000,
    // Sweeps at the pace of the coarse heartbeats rather than every 30 s; records an hour old
    // are expired every 5 minutes rather than each hour.
    everyMs: { expire: 300_000, heartbeats: 120_000, metrics: 300_000, pools: 60_000 },
  });
  const definitions = createStaticPoolDefinitions(o.pools ?? []);
  const pools = o.pools?.length
    ? createPoolManager({
        definitions,
        states: createMemoryPoolStateStore(),
        instances,
        compute: o.compute,
        locks,
        labels: {
          catalog: o.catalog,
          regions: [region],
          defaultRegion: region,
          environments: ["default"],
          aliases: [],
        },
        placement: o.placement,
        health: { heartbeatTimeoutMs: hk.heartbeatTimeoutMs, bootGraceMs: hk.bootGraceMs },
        clock,
        logger,
        metrics,
        owner: "sim",
      })
    : null;
  const lifecycle: LifecycleDeps = {
    jobs,
    instances,
    queue,
    compute: o.compute,
    circuits,
    github: o.github,
    runnerConfigs,
    markers,
    clock,
    logger,
    metrics,
    ...(pools ? { poolWants: pools.poolWants } : {}),
  };
  const intake = createIntake({
    jobs,
    queue,
    resolveLabels: createLabelResolver({
      regions: [region],
      defaultRegion: region,
      environments: ["default"],
      catalog: o.catalog,
      spotPrices,
    }),
    clock,
    logger,
    markers,
    onInterruptedJobConcluded: (job) => rerunInterrupted(lifecycle, job),
  });
  const scheduler = createScheduler({
    jobs,
    instances,
    queue,
    launcher: createBatchLauncher<LaunchSlot, LaunchedInstance>({
      launch: (request) => o.compute.launch(request),
      schedule: sameInstant,
    }),
    terminate: (ids) => o.compute.terminate(ids),
    github: o.github,
    runnerConfigs,
    circuits,
    placement: { ...o.placement, circuit: o.circuit },
    spotPrices,
    clock,
    logger,
    metrics,
    timer: neverFires,
    ...(o.limits ? { capacity: { limits: o.limits, locks, jobs, clock } } : {}),
    ...(pools ? { assignToPool: pools.assigner({ jobs, github: o.github, runnerConfigs }) } : {}),
  });
  const consumer = createEventsConsumer({ ...lifecycle, events, verifySignature: verifyBody });
  const housekeeping = createHousekeeping({
    jobs,
    instances,
    queue,
    compute: o.compute,
    github: o.github,
    locks,
    clock,
    logger,
    metrics,
    config: hk,
    ...(pools ? { pools } : {}),
  });

  const drainOptions = { budgetMs: Number.POSITIVE_INFINITY, waitSeconds: 0, untilEmpty: true };
  return {
    jobs,
    instances,
    events,
    runnerConfigs,
    intake,
    housekeeping,
    /** The pools' definitions; `replace` resizes them, as a re-read fleet file does. */
    definitions,
    /** True while job messages wait out a retry delay (the loop must wake for them). */
    waiting: () => queue.depth().hidden > 0,
    /** Handles everything the last instant caused, until both queues have nothing visible. */
    async settle() {
      for (let round = 0; round < 20; round++) {
        const launched = await scheduler.drain(drainOptions);
        const applied = await consumer.drain(drainOptions);
        const did =
          Object.values(launched).some((n) => n > 0) || Object.values(applied).some((n) => n > 0);
        if (!did) return;
      }
    },
  };
}
export type SimPlane = ReturnType<typeof createSimPlane>;
