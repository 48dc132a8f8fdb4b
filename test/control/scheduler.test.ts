import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDynamoCircuitStore } from "../../src/control/adapters/aws/dynamo-circuit-store.ts";
import { createDynamoInstanceStore } from "../../src/control/adapters/aws/dynamo-instance-store.ts";
import { systemClock } from "../../src/control/adapters/clock.ts";
import { createFileRunnerConfigStore } from "../../src/control/adapters/local/file-runner-config-store.ts";
import { createLocalCompute } from "../../src/control/adapters/local/local-compute.ts";
import { localPlacementConfig } from "../../src/control/adapters/local/local-placement.ts";
import { createMemoryMetrics } from "../../src/control/adapters/memory/metrics.ts";
import { FleetTag, type LaunchSlot } from "../../src/control/domain/launch-slot.ts";
import type { WorkflowJobEvent } from "../../src/control/domain/workflow-job-event.ts";
import type { Compute, LaunchedInstance } from "../../src/control/ports/compute.ts";
import type { GitHub } from "../../src/control/ports/github.ts";
import { createCircuitService } from "../../src/control/services/common/circuits.ts";
import { createBatchLauncher } from "../../src/control/services/scheduling/batch-launcher.ts";
import { createScheduler } from "../../src/control/services/scheduling/scheduler.ts";
import { silentLogger } from "../../src/shared/logger.ts";
import { buildPlane } from "../support/app.ts";
import { type Backends, startBackends } from "../support/control-plane.ts";

let b: Backends;
let dir: string;
beforeAll(async () => {
  b = await startBackends();
  dir = await mkdtemp(join(tmpdir(), "runs-fleet-sched-"));
});
afterAll(async () => {
  await b?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** A GitHub port fake: this suite is about scheduling, not GitHub (which has its own suites). */
const fakeGitHub: GitHub = {
  installation: async () => "installed",
  createRunnerConfig: async (r) => ({
    kind: "dry-run",
    jobId: r.jobId,
    runnerName: `runs-fleet-${r.jobId}-${r.instanceId}`,
    durationSeconds: 1,
    outcome: "success",
  }),
  jobStatus: async () => "queued",
  rerunJob: async () => "rerun",
  removeRunner: async () => "removed",
  rateLimit: () => [],
};

let seq = 7_000_000_000;
function queuedEvent(label: string): WorkflowJobEvent {
  const id = ++seq;
  return {
    action: "queued",
    workflow_job: { id, run_id: id + 1, labels: [label] },
    repository: { full_name: "octo-org/app" },
  };
}

function harness(options: { compute?: Compute; windowMs?: number } = {}) {
  const queueUrl = b.newQueue();
  const plane = buildPlane(b, { queueUrl });
  const local = createLocalCompute({
    agent: () => ({ command: "sleep", args: ["60"], env: {} }),
    logDir: join(dir, "logs"),
    imds: false,
    graceSeconds: 1,
    logger: silentLogger,
  });
  const compute = options.compute ?? local;
  /** Every launch call that reached the provider: its placement and the jobs of its slots. */
  const calls: { placementKey: string; slotIds: string[]; jobIds: string[] }[] = [];
  const instances = createDynamoInstanceStore({
    client: b.dynamodb,
    tableName: b.tables.instances,
    clock: systemClock,
  });
  const circuits = createCircuitService({
    store: createDynamoCircuitStore({ client: b.dynamodb, tableName: b.tables.circuits }),
    clock: systemClock,
    cacheTtlMs: 0,
  });
  const runnerConfigs = createFileRunnerConfigStore({ dir: join(dir, `configs-${seq}`) });
  const deps = () => ({
    jobs: plane.jobs,
    instances,
    queue: plane.queue,
    launcher: createBatchLauncher<LaunchSlot, LaunchedInstance>({
      launch: (r: Parameters<Compute["launch"]>[0]) => {
        calls.push({
          placementKey: r.placement.placementKey,
          slotIds: r.slots.map((s) => s.slotId),
          jobIds: r.slots.map((s) => s.tags[FleetTag.jobId] ?? ""),
        });
        return compute.launch(r);
      },
      windowMs: options.windowMs ?? 300,
    }),
    terminate: (ids: readonly string[]) => compute.terminate(ids),
    circuits,
    github: fakeGitHub,
    runnerConfigs,
    placement: localPlacementConfig("us-east-1", ["default"]),
    clock: systemClock,
    logger: silentLogger,
    metrics: createMemoryMetrics(),
    retry: { baseSeconds: 0 },
  });
  const make = () => createScheduler(deps());
  return {
    calls,
    plane,
    local,
    compute,
    instances,
    circuits,
    runnerConfigs,
    make,
    deps,
    configDir: join(dir, `configs-${seq}`),
  };
}

describe("scheduler", () => {
  it("launches 200 queued jobs of 3 specs exactly once each, batched by placement, with two replicas", async () => {
    const h = harness();
    try {
      const labels = [
        "runs-fleet/cpu=2/arch=arm64",
        "runs-fleet/cpu=4/arch=amd64",
        "runs-fleet/cpu=8+8/ram=32",
      ];
      const events = Array.from({ length: 200 }, (_, i) => queuedEvent(labels[i % 3] as string));
      for (const e of events)
        expect((await h.plane.intake.handle(e, `d-${e.workflow_job.id}`)).outcome).toBe("queued");

      const [a, c] = await Promise.all([
        h.make().drain({ budgetMs: 60_000 }),
        h.make().drain({ budgetMs: 60_000 }),
      ]);
      expect(a.launched + c.launched).toBe(200);
      expect(a.error + c.error + a.failed + c.failed).toBe(0);

      const ids = new Set<string>();
      for (const e of events) {
        const job = await h.plane.jobs.get(String(e.workflow_job.id));
        expect(job?.status).toBe("launched");
        expect(job?.instanceId).toBeTruthy();
        ids.add(job?.instanceId as string);
        const inst = await h.instances.get(job?.instanceId as string);
        expect(inst).toMatchObject({ jobId: job?.jobId, state: "pending", market: "spot" });
      }
      expect(ids.size).toBe(200);
      expect(await h.local.describe({ tags: { "runs-fleet:managed": "true" } })).toHaveLength(200);
      // However the jobs fell into batches (that depends on timing): each job was launched in
      // exactly one call, no slot twice, and every call carried jobs of one label only.
      const launchedJobs = h.calls.flatMap((c) => c.jobIds);
      expect(launchedJobs.sort()).toEqual(events.map((e) => String(e.workflow_job.id)).sort());
      const slots = h.calls.flatMap((c) => c.slotIds);
      expect(new Set(slots).size).toBe(slots.length);
      const labelOf = new Map(
        events.map((e) => [String(e.workflow_job.id), e.workflow_job.labels[0]]),
      );
      for (const call of h.calls) {
        expect(new Set(call.jobIds.map((id) => labelOf.get(id))).size).toBe(1);
      }
      expect(h.local.launchCalls()).toBe(h.calls.length);
      expect((await readdir(h.configDir)).filter((f) => f.endsWith(".json"))).toHaveLength(200);
    } finally {
      await h.local.close();
    }
  });

  it("picks instance types the explain command shows, and goes on-demand when every candidate circuit is open", async () => {
    const h = harness({ windowMs: 10 });
    try {
      const event = queuedEvent("runs-fleet/cpu=4/arch=arm64");
      await h.plane.intake.handle(event, "d");
      const job = await h.plane.jobs.get(String(event.workflow_job.id));
      for (const c of job?.candidates ?? [])
        for (let i = 0; i < 3; i++)
          await h.circuits.recordInterruption(c.instanceType, `i-${c.instanceType}-${i}`);
      await h.make().drain({ budgetMs: 20_000, waitSeconds: 0 });
      const launched = await h.plane.jobs.get(String(event.workflow_job.id));
      const inst = await h.instances.get(launched?.instanceId as string);
      expect(inst).toMatchObject({
        market: "on-demand",
        instanceType: "c8g.xlarge",
        reason: "on-demand: circuits-open",
      });
    } finally {
      await h.local.close();
    }
  });

  it("skips a duplicate message for a job that is already launched", async () => {
    const h = harness({ windowMs: 10 });
    try {
      const event = queuedEvent("runs-fleet");
      await h.plane.intake.handle(event, "d");
      const job = await h.plane.jobs.get(String(event.workflow_job.id));
      await h.plane.queue.send({
        jobId: job?.jobId as string,
        repo: "octo-org/app",
        runId: job?.runId as string,
        spec: job?.spec as never,
        retryCount: 0,
        forceOnDemand: false,
        priority: "normal",
      });
      const counts = await h.make().drain({ budgetMs: 10_000, waitSeconds: 0 });
      expect(counts).toMatchObject({ launched: 1, skipped: 1 });
      expect(h.local.launchCalls()).toBe(1);
    } finally {
      await h.local.close();
    }
  });

  it("ends the instance at once when GitHub cancels the job while it is being launched", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const h0 = harness({ windowMs: 10 });
    const slow: Compute = {
      ...h0.local,
      launch: async (r) => {
        await gate;
        return await h0.local.launch(r);
      },
    };
    const h = { ...h0, compute: slow };
    try {
      const event = queuedEvent("runs-fleet");
      const jobId = String(event.workflow_job.id);
      await h.plane.intake.handle(event, "d-cancel");
      const scheduler = createScheduler({
        ...h.deps(),
        launcher: createBatchLauncher<LaunchSlot, LaunchedInstance>({
          launch: (r) => slow.launch(r),
          windowMs: 10,
        }),
      });
      const draining = scheduler.drain({ budgetMs: 10_000, waitSeconds: 0 });
      // While the launch waits, GitHub says the job was cancelled.
      while ((await h.plane.jobs.get(jobId))?.status !== "launching")
        await new Promise((r) => setTimeout(r, 20));
      await h.plane.intake.handle(
        {
          ...event,
          action: "completed",
          workflow_job: { ...event.workflow_job, conclusion: "cancelled" },
        },
        "d-cancelled",
      );
      release();
      expect(await draining).toMatchObject({ skipped: 1, launched: 0 });
      expect((await h.plane.jobs.get(jobId))?.status).toBe("cancelled");
      const [instance] = await h0.local.describe({ tags: { "runs-fleet:job-id": jobId } });
      expect(instance?.state).toBe("terminated");
    } finally {
      await h0.local.close();
    }
  });
});
