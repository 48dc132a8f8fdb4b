/**
 * The scheduling flow on in-memory ports and a fixed clock, for the tests beside it: every port
 * the launch step and the scheduler use, a compute whose answers the test decides, and records
 * of what reached the provider.
 */
import { sampleJob } from "../../../../test/support/jobs.ts";
import { silentLogger } from "../../../shared/logger.ts";
import { fixedClock } from "../../adapters/clock.ts";
import { localPlacementConfig } from "../../adapters/local/local-placement.ts";
import { createMemoryCircuitStore } from "../../adapters/memory/circuit-store.ts";
import { createMemoryInstanceStore } from "../../adapters/memory/instance-store.ts";
import { createMemoryJobQueue } from "../../adapters/memory/job-queue.ts";
import { createMemoryJobStore } from "../../adapters/memory/job-store.ts";
import { createMemoryMetrics } from "../../adapters/memory/metrics.ts";
import { createMemoryRunnerConfigStore } from "../../adapters/memory/runner-config-store.ts";
import type { FleetError } from "../../domain/errors.ts";
import type { Job } from "../../domain/job.ts";
import { jobMessageFor } from "../../domain/job-message.ts";
import type { LaunchSlot } from "../../domain/launch-slot.ts";
import type { LaunchedInstance, LaunchRequest, LaunchResult } from "../../ports/compute.ts";
import type { GitHub, InstallationState } from "../../ports/github.ts";
import type { ReceivedJob } from "../../ports/job-queue.ts";
import { createCircuitService } from "../common/circuits.ts";
import { createBatchLauncher, type Schedule } from "./batch-launcher.ts";
import type { SchedulerDeps } from "./scheduler.ts";

/** 2026-01-01T00:00:00Z, where every harness clock starts. */
export const t0 = Date.UTC(2026, 0, 1);

/** Fires on the next microtask: a batch window of "now", with no real timer. */
export const soon: Schedule = (fn) => {
  let live = true;
  queueMicrotask(() => {
    if (live) fn();
  });
  return () => {
    live = false;
  };
};

/** A timer that fires only when the test says so; `armed` resolves once one is set. */
export function manualTimer() {
  const pending = new Set<() => void>();
  let arm: () => void = () => {};
  const armed = new Promise<void>((resolve) => {
    arm = resolve;
  });
  const schedule: Schedule = (fn) => {
    pending.add(fn);
    arm();
    return () => pending.delete(fn);
  };
  const fire = () => {
    for (const fn of [...pending]) {
      pending.delete(fn);
      fn();
    }
  };
  return { schedule, armed, fire, pending: () => pending.size };
}

/** A launched instance for `slot`, on the first type of the request. */
export function instanceFor(request: LaunchRequest, slot: LaunchSlot, n: number): LaunchedInstance {
  return {
    slotId: slot.slotId,
    instanceId: `i-${String(n).padStart(8, "0")}`,
    instanceType: request.placement.instanceTypes[0] ?? "unknown",
    market: request.placement.market,
    az: "us-east-1a",
    subnetId: "local-default",
  };
}

export type LaunchAnswer = (request: LaunchRequest) => Promise<LaunchResult>;

/** A provider that answers every slot with `error`. */
export const refuse =
  (error: FleetError): LaunchAnswer =>
  async (request) => ({
    instances: [],
    errors: request.slots.map((s) => ({ slotId: s.slotId, error })),
  });

/** The launch step's and the scheduler's ports, all in memory; `answer` plays the provider. */
export function schedulingHarness(
  options: {
    answer?: LaunchAnswer;
    /** The GitHub the launch step asks (default: a fake that the test steers, below). */
    github?: SchedulerDeps["github"];
  } = {},
) {
  const clock = fixedClock(t0);
  const jobs = createMemoryJobStore({ clock });
  const instances = createMemoryInstanceStore({ clock });
  const queue = createMemoryJobQueue({ clock });
  const runnerConfigs = createMemoryRunnerConfigStore();
  const metrics = createMemoryMetrics();
  const circuits = createCircuitService({
    store: createMemoryCircuitStore(),
    clock,
    cacheTtlMs: 0,
    sleep: async () => {},
    random: () => 0.5,
  });
  const requests: LaunchRequest[] = [];
  const terminated: string[] = [];
  const delays: number[] = [];
  let launched = 0;
  const succeed: LaunchAnswer = async (request) => ({
    instances: request.slots.map((slot) => instanceFor(request, slot, ++launched)),
    errors: [],
  });
  const answer = options.answer ?? succeed;
  const github: GitHub & { failWith: unknown; installationState: InstallationState | Error } = {
    failWith: undefined,
    installationState: "installed",
    async installation() {
      if (github.installationState instanceof Error) throw github.installationState;
      return github.installationState;
    },
    async createRunnerConfig(r) {
      if (github.failWith !== undefined) throw github.failWith;
      return {
        kind: "dry-run",
        jobId: r.jobId,
        runnerName: `runs-fleet-${r.jobId}-${r.instanceId}`,
        durationSeconds: 1,
        outcome: "success",
      };
    },
    jobStatus: async () => "queued",
    rerunJob: async () => "rerun",
    removeRunner: async () => "removed",
    rateLimit: () => [],
  };
  const deps = {
    jobs,
    instances,
    queue: {
      ...queue,
      async retryLater(receipt: string, delaySeconds: number) {
        delays.push(delaySeconds);
        await queue.retryLater(receipt, delaySeconds);
      },
    },
    launcher: createBatchLauncher<LaunchSlot, LaunchedInstance>({
      launch: async (request) => {
        requests.push(request);
        return await answer(request);
      },
      schedule: soon,
    }),
    async terminate(ids: readonly string[]) {
      terminated.push(...ids);
    },
    circuits,
    github: options.github ?? github,
    runnerConfigs,
    placement: localPlacementConfig("us-east-1", ["default"]),
    clock,
    logger: silentLogger,
    metrics,
  } satisfies SchedulerDeps;

  /** Stores a queued job (defaults: `sampleJob`, arm64 `c7g.large`). */
  const addJob = async (overrides: Partial<Job> = {}) =>
    (await jobs.create(sampleJob({ ...overrides, status: "queued", version: 1 }))).job;

  /** Moves a stored job to `launching`, as the scheduler's claim does. */
  const claim = (job: Job) =>
    jobs.transition(job.jobId, { from: "queued", to: "launching", expectedVersion: job.version });

  /** Sends the job's message and receives it, as a scheduler replica would. */
  const receive = async (job: Job): Promise<ReceivedJob> => {
    await queue.send(jobMessageFor(job));
    const [got] = await queue.receive({ max: 1, waitSeconds: 0, visibilitySeconds: 120 });
    if (!got) throw new Error("the message just sent was not received");
    return got;
  };

  return {
    clock,
    deps,
    queue,
    github,
    requests,
    terminated,
    delays,
    addJob,
    claim,
    receive,
  };
}
