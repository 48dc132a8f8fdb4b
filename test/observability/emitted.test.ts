import { readFileSync } from "node:fs";
import { SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { observeAwsClient } from "../../src/control/adapters/aws/observe-client.ts";
import { createSqsJobQueue } from "../../src/control/adapters/aws/sqs-job-queue.ts";
import { fixedClock } from "../../src/control/adapters/clock.ts";
import { createAppOctokit } from "../../src/control/adapters/github/octokit.ts";
import { createRateLimitTracker } from "../../src/control/adapters/github/rate-limit.ts";
import { createMemoryCircuitStore } from "../../src/control/adapters/memory/circuit-store.ts";
import { createMemoryEventQueue } from "../../src/control/adapters/memory/event-queue.ts";
import { createMemoryInstanceStore } from "../../src/control/adapters/memory/instance-store.ts";
import { createMemoryJobQueue } from "../../src/control/adapters/memory/job-queue.ts";
import { createMemoryJobStore } from "../../src/control/adapters/memory/job-store.ts";
import { createMemoryLockStore } from "../../src/control/adapters/memory/lock-store.ts";
import { createMemoryMetrics } from "../../src/control/adapters/memory/metrics.ts";
import { metricCatalogue } from "../../src/control/domain/metric-catalogue.ts";
import { createCircuitService } from "../../src/control/services/common/circuits.ts";
import { withJobMetrics } from "../../src/control/services/common/job-metrics.ts";
import { createHousekeeping } from "../../src/control/services/housekeeping/housekeeping.ts";
import { measuredLaunch } from "../../src/control/services/scheduling/fleet-metrics.ts";
import { silentLogger } from "../../src/shared/logger.ts";
import { type Sqs, startSqs } from "../support/fauxqs.ts";
import { sampleInstance } from "../support/instances.ts";
import { sampleJob } from "../support/jobs.ts";

const T0 = Date.parse("2026-05-01T00:00:00.000Z");
const iso = (s: number) => new Date(T0 + s * 1000).toISOString();

/**
 * Metrics whose emission is asserted by the suite beside the emitting code; this test checks
 * that suite still names the metric. Every other catalogue metric is driven below.
 */
const testedBeside: Record<string, string> = {
  jobs_rerun_after_interruption: "src/control/services/lifecycle/interruptions.test.ts",
  instances_launched: "src/control/services/scheduling/launch-step.test.ts",
  jobs_failed_to_launch: "src/control/services/scheduling/launch-step.test.ts",
  launches_over_budget: "src/control/services/scheduling/scheduler.test.ts",
  jobs_redispatched: "src/control/services/lifecycle/completion.test.ts",
  CacheHitRate: "src/control/services/lifecycle/events.test.ts",
  cache_hits: "src/control/services/lifecycle/events.test.ts",
  cache_misses: "src/control/services/lifecycle/events.test.ts",
  cache_bytes_downloaded: "src/control/services/lifecycle/events.test.ts",
  boot_phase_ms: "src/control/services/lifecycle/events.test.ts",
  events_rejected: "src/control/services/lifecycle/events.test.ts",
  events_invalid: "src/control/services/lifecycle/events.test.ts",
  HousekeepingItems: "src/control/services/housekeeping/deps.test.ts",
  "github.rate_limit.remaining": "test/github/rate-limit.test.ts",
  "github.throttled": "test/github/rate-limit.test.ts",
  PoolSize: "test/pools",
  PoolUtilization: "test/pools",
  PoolClaims: "test/pools",
  PoolMembersLaunched: "test/pools",
  EstimatedCostPerHour: "test/cost/cost-metric.test.ts",
  SloBudgetRemaining: "src/control/http/slo-routes.test.ts",
  SloBurnRate: "src/control/http/slo-routes.test.ts",
};

const drivenHere = new Set<string>();
const seen = (metrics: ReturnType<typeof createMemoryMetrics>, name: string) => {
  const points = metrics.points.filter((p) => p.name === name);
  expect(points.length, name).toBeGreaterThan(0);
  const declared = [
    ...(metricCatalogue as Record<string, { dimensions: readonly string[] }>)[name]!.dimensions,
  ].sort();
  for (const p of points) expect(Object.keys(p.dims).sort(), name).toEqual(declared);
  drivenHere.add(name);
  return points;
};

describe("every catalogue metric is emitted where the catalogue says", () => {
  it("job outcomes, durations and waits, as job state changes land", async () => {
    const metrics = createMemoryMetrics();
    const jobs = withJobMetrics(createMemoryJobStore({ clock: fixedClock(T0) }), metrics);
    await jobs.create(sampleJob({ jobId: "1", status: "launched", createdAt: iso(0) }));
    let job = await jobs.transition("1", {
      from: "launched",
      to: "running",
      expectedVersion: 1,
      patch: { startedAt: iso(45) },
    });
    job = await jobs.transition("1", {
      from: "running",
      to: "completed",
      expectedVersion: job.version,
      patch: { completedAt: iso(345) },
    });
    await jobs.create(sampleJob({ jobId: "2", status: "rejected" }));
    expect(seen(metrics, "QueueWait").map((p) => p.value)).toEqual([45]);
    expect(seen(metrics, "JobDuration").map((p) => p.value)).toEqual([300]);
    expect(seen(metrics, "JobSuccessRate").map((p) => p.value)).toEqual([100]);
    expect(seen(metrics, "JobsFinished").map((p) => p.dims.outcome)).toEqual([
      "completed",
      "rejected",
    ]);
  });

  it("spot interruptions and circuits, once per instance, after the write", async () => {
    const metrics = createMemoryMetrics();
    const circuits = createCircuitService({
      store: createMemoryCircuitStore(),
      clock: fixedClock(T0),
      metrics,
    });
    for (const id of ["i-1", "i-1", "i-2", "i-3"])
      await circuits.recordInterruption("m7g.large", id);
    expect(seen(metrics, "SpotInterruptions")).toHaveLength(3);
    expect(seen(metrics, "CircuitBreakerTriggered")).toHaveLength(1);
    expect(seen(metrics, "CircuitBreakerOpen").at(-1)?.value).toBe(1);
  });

  it("queue depths, the oldest job's wait, fleet size and circuits, by the metrics task", async () => {
    const clock = fixedClock(T0 + 600_000);
    const metrics = createMemoryMetrics();
    const jobs = createMemoryJobStore({ clock: fixedClock(T0) });
    await jobs.create(sampleJob({ jobId: "7", status: "queued", lastEnqueuedAt: iso(0) }));
    const instances = createMemoryInstanceStore({ clock });
    await instances.create(sampleInstance("i-1", { market: "spot", state: "running" }));
    const queue = createMemoryJobQueue({ clock });
    await queue.send({ jobId: "7", repo: "o/r", runId: "1", retryCount: 0 } as never);
    const circuitStore = createMemoryCircuitStore();
    await createCircuitService({ store: circuitStore, clock: fixedClock(T0) }).recordInterruption(
      "c7g.large",
    );
    const hk = createHousekeeping({
      jobs,
      instances,
      queue,
      compute: { terminate: async () => {}, describe: async () => [] },
      github: { jobStatus: async () => "queued", removeRunner: async () => "removed" } as never,
      locks: createMemoryLockStore({ clock }),
      clock,
      logger: silentLogger,
      metrics,
      circuitStore,
      metricQueues: [
        { name: "job", queue },
        { name: "events-dlq", queue: createMemoryEventQueue({ clock }) },
      ],
    });
    expect((await hk.runTask("metrics")).ran).toBe(true);
    expect(seen(metrics, "QueueDepth").map((p) => [p.dims.queue, p.value])).toEqual([
      ["job", 1],
      ["events-dlq", 0],
    ]);
    expect(seen(metrics, "OldestMessageAge")[0]?.value).toBe(600);
    const fleet = seen(metrics, "FleetSize");
    expect(fleet.find((p) => p.dims.market === "spot" && p.dims.state === "running")?.value).toBe(
      1,
    );
    expect(
      fleet.find((p) => p.dims.market === "on-demand" && p.dims.state === "running")?.value,
    ).toBe(0);
    expect(seen(metrics, "CircuitBreakerOpen")[0]?.dims.instanceType).toBe("c7g.large");
  });

  it("instances per CreateFleet call", async () => {
    const metrics = createMemoryMetrics();
    const launch = measuredLaunch(
      { launch: async () => ({ instances: [], errors: [] }) as never },
      metrics,
    );
    await launch({ placement: {} as never, slots: [{}, {}, {}] as never });
    expect(seen(metrics, "LaunchesPerFleet")[0]?.value).toBe(3);
  });

  describe("API errors by service", () => {
    let fauxqs: Sqs;
    beforeAll(async () => {
      fauxqs = await startSqs();
    });
    afterAll(async () => {
      await fauxqs?.stop();
    });

    it("counts a failed SDK call (SQS against fauxqs) and a failed GitHub request", async () => {
      const metrics = createMemoryMetrics();
      const client = new SQSClient({
        region: "us-east-1",
        endpoint: fauxqs.endpoint,
        credentials: { accessKeyId: "x", secretAccessKey: "x" },
        maxAttempts: 1,
      });
      observeAwsClient(client, "SQS", metrics);
      // fauxqs answers GetQueueAttributes' ApproximateNumberOfMessages as SQS does.
      const real = createSqsJobQueue({ client, url: fauxqs.createQueue("depth") });
      await real.send({ jobId: "1", repo: "o/r", runId: "1", retryCount: 0, spec: null } as never);
      expect(await real.approximateDepth()).toBe(1);
      const missing = createSqsJobQueue({ client, url: `${fauxqs.endpoint}/000000000000/missing` });
      await expect(missing.approximateDepth()).rejects.toThrow();
      const tracker = createRateLimitTracker(fixedClock(T0), metrics);
      const octokit = createAppOctokit({
        app: { appId: "1", privateKey: "unused" } as never,
        baseUrl: "https://github.invalid",
        fetch: async () => new Response('{"message":"boom"}', { status: 502 }),
        cache: { get: () => "token", set: () => {} },
        logger: silentLogger,
        onHeaders: () => {},
        onError: () => tracker.failed(),
        requestTimeoutMs: 1000,
      });
      await expect(octokit.request("GET /meta")).rejects.toThrow();
      expect(seen(metrics, "APIErrors").map((p) => p.dims.service)).toEqual(["SQS", "GitHub"]);
    });
  });

  it("leaves no catalogue metric without a test that finds it emitted", () => {
    for (const [name, where] of Object.entries(testedBeside)) {
      if (where.endsWith(".ts")) {
        const text = readFileSync(new URL(`../../${where}`, import.meta.url), "utf8");
        expect(text, `${where} asserts ${name}`).toContain(`"${name}"`);
      }
    }
    const covered = new Set([...drivenHere, ...Object.keys(testedBeside)]);
    expect(Object.keys(metricCatalogue).filter((n) => !covered.has(n))).toEqual([]);
  });
});
