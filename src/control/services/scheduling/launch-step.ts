import { newEventKey } from "../../../shared/event-signature.ts";
import type { Logger } from "../../../shared/logger.ts";
import { waitingReason } from "../../domain/capacity.ts";
import { ConflictError, FleetError, isRetryable } from "../../domain/errors.ts";
import type { Instance } from "../../domain/instance.ts";
import type { Job } from "../../domain/job.ts";
import { FleetTag, jobSlot, type LaunchSlot } from "../../domain/launch-slot.ts";
import type { Placement } from "../../domain/placement.ts";
import { runnerName } from "../../domain/runner-name.ts";
import { quoteFor } from "../../domain/spot-quotes.ts";
import type { LaunchedInstance } from "../../ports/compute.ts";
import type { GitHub } from "../../ports/github.ts";
import type { InstanceStore } from "../../ports/instance-store.ts";
import type { JobStore } from "../../ports/job-store.ts";
import type { Metrics } from "../../ports/metrics.ts";
import type { RunnerConfigStore } from "../../ports/runner-config-store.ts";
import type { SpotPrices } from "../../ports/spot-prices.ts";
import { launchedRecord } from "../common/instances.ts";
import { iso } from "../common/time.ts";
import { annotate, withSpan } from "../common/tracing.ts";
import type { Assignment } from "../pools/assign.ts";
import type { BatchLauncher } from "./batch-launcher.ts";
import { admitJob, type CapacityDeps, capacityWait } from "./capacity-gate.ts";
import { notInstalledReason } from "./installation-gate.ts";
import { type PlaceJobDeps, placeJob } from "./place-job.ts";

/** What the launch step needs: placing, launching (batched), recording, configuring. */
export interface LaunchStepDeps extends PlaceJobDeps {
  jobs: JobStore;
  instances: InstanceStore;
  launcher: BatchLauncher<LaunchSlot, LaunchedInstance>;
  /** Ends instances that were launched but cannot run their job. */
  terminate(instanceIds: readonly string[]): Promise<void>;
  github: Pick<GitHub, "createRunnerConfig" | "installation">;
  runnerConfigs: RunnerConfigStore;
  logger: Logger;
  metrics: Metrics;
  /** Current spot prices, to record the price a spot instance launched at. */
  spotPrices?: SpotPrices;
  /** Concurrent-instance limits (the fleet file's `limits:`); absent: none. */
  capacity?: CapacityDeps;
  /** Puts a `pool=` job on an idle pool member (claim hot → start stopped); absent: always cold. */
  assignToPool?(job: Job, pool: string): Promise<Assignment>;
}

/**
 * What the launch step did with a job it held in `launching`. `retry` carries the error that
 * caused it, so the caller's wait can honour what the remote side asked for.
 */
export type LaunchOutcome =
  | { outcome: "launched" | "failed" | "skipped" }
  | { outcome: "retry"; cause: unknown };

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Moves a claimed job back to `queued` and sends nothing: the message being handled comes back
 * after its delay and carries the next attempt. Throws ConflictError when the job moved.
 */
export async function handBack(
  deps: { jobs: Pick<JobStore, "transition"> },
  job: Job,
  reason: string,
): Promise<void> {
  await deps.jobs.transition(job.jobId, {
    from: job.status,
    to: "queued",
    expectedVersion: job.version,
    patch: { reason },
  });
}

/** Fails a claimed job for good, with a reason people can act on. */
async function failJob(deps: LaunchStepDeps, job: Job, reason: string): Promise<LaunchOutcome> {
  await deps.jobs.transition(job.jobId, {
    from: job.status,
    to: "failed",
    expectedVersion: job.version,
    patch: { reason },
  });
  deps.logger.warn("job failed to launch", { jobId: job.jobId, reason });
  deps.metrics.count("jobs_failed_to_launch");
  return { outcome: "failed" };
}

/** Hands a job back after a failure that may pass, or fails it after one that will not. */
async function afterFailure(
  deps: LaunchStepDeps,
  job: Job,
  what: string,
  err: unknown,
): Promise<LaunchOutcome> {
  if (!isRetryable(err)) return await failJob(deps, job, `${what} failed: ${messageOf(err)}`);
  await handBack(deps, job, `${what} failed, will retry: ${messageOf(err)}`);
  return { outcome: "retry", cause: err };
}

/** The launch slot of one claim of a job, tagged for the provider. */
function slotFor(job: Job, placement: Placement): LaunchSlot {
  // One slot per claim: a launch abandoned past its budget may still be waiting in the batcher
  // when the job is claimed again, and must not be mistaken for this one.
  const slot = { ...jobSlot(job), slotId: `${job.jobId}@${job.version}` };
  slot.tags[FleetTag.managed] = "true";
  slot.tags[FleetTag.env] = placement.env;
  if (placement.pool) slot.tags[FleetTag.pool] = placement.pool;
  const debug = job.spec?.debugMinutes;
  if (debug) slot.tags[FleetTag.debugMinutes] = String(debug);
  return slot;
}

/** The instances-table record of an instance just launched for `job`. */
function instanceRecord(
  job: Job,
  placement: Placement,
  launched: LaunchedInstance,
  now: string,
  usdPerHour: number | null,
): Instance {
  return launchedRecord(launched, placement, now, {
    jobId: job.jobId,
    pool: placement.pool,
    reason: placement.onDemandReason ? `on-demand: ${placement.onDemandReason}` : null,
    usdPerHour,
    // The job's trace rides on the instance: its events join that trace without a job read.
    traceparent: job.traceparent ?? null,
  });
}

/**
 * The hourly price an instance launched at: the spot price of its type in its AZ (from the
 * cached prices; a failed lookup must not fail a launch), else the type's on-demand list price.
 */
async function launchPrice(
  deps: LaunchStepDeps,
  job: Job,
  placement: Placement,
  launched: LaunchedInstance,
): Promise<number | null> {
  const listed =
    job.candidates.find((c) => c.instanceType === launched.instanceType)?.onDemandUsdPerHour ??
    null;
  if (launched.market !== "spot" || !deps.spotPrices) return listed;
  try {
    const quotes = await deps.spotPrices.quotes({
      region: placement.region,
      os: job.spec?.os ?? "linux",
      instanceTypes: [launched.instanceType],
    });
    return quoteFor(quotes, launched.instanceType, launched.az) ?? listed;
  } catch (err) {
    deps.logger.warn("spot price unknown; list price recorded", {
      instanceId: launched.instanceId,
      error: err,
    });
    return listed;
  }
}

/**
 * Records the instance and gives it the runner config of its job, with the instance's event
 * key: the record keeps it for the events consumer, the config hands it to that instance only.
 */
async function prepare(
  deps: LaunchStepDeps,
  job: Job,
  instance: Instance & { eventKey: string },
  stage: { name: string },
): Promise<void> {
  await deps.instances.create(instance);
  stage.name = "runner config";
  await withSpan("runner config", { "runs_fleet.instance_id": instance.instanceId }, async () => {
    await configure(deps, job, instance);
    annotate({ "runs_fleet.outcome": "stored" });
  });
}

/** Creates the job's runner config and stores it for that instance only, with its event key. */
async function configure(
  deps: LaunchStepDeps,
  job: Job,
  instance: Instance & { eventKey: string },
): Promise<void> {
  const config = await deps.github.createRunnerConfig({
    jobId: job.jobId,
    repo: job.repo,
    labels: job.labels,
    instanceId: instance.instanceId,
    ...(job.installationId ? { installationId: job.installationId } : {}),
  });
  // The key goes first, so it sits in the first SSM part, where the bootstrap script reads it.
  const { eventKey: _none, ...rest } = config;
  const debug = job.spec?.debugMinutes;
  await deps.runnerConfigs.put(
    instance.instanceId,
    {
      eventKey: instance.eventKey,
      ...rest,
      // The agent keeps its instance this long after the job (`debug=`).
      ...(debug ? { debugMinutes: debug } : {}),
    },
    { env: instance.env },
  );
}

/**
 * The launch step, for a job the scheduler holds in `launching`: check that the GitHub App is
 * installed for its repository, place it, launch it (batched),
 * record the instance, give it its runner config, mark the job `launched`.
 */
export async function launchJob(deps: LaunchStepDeps, claimed: Job): Promise<LaunchOutcome> {
  const { logger } = deps;
  let notInstalled: string | null;
  try {
    notInstalled = await notInstalledReason(deps.github, claimed.repo);
  } catch (err) {
    return await afterFailure(deps, claimed, "GitHub App installation check", err);
  }
  if (notInstalled !== null) return await failJob(deps, claimed, notInstalled);
  if (deps.capacity) {
    // Over a limit the job waits in `queued`, its reason naming the limit.
    const admitted = await admitJob(deps.capacity, claimed);
    if (!admitted.ok) {
      await handBack(deps, claimed, waitingReason(admitted.scope));
      return { outcome: "retry", cause: capacityWait(admitted.scope) };
    }
  }
  const placed = await placeJob(deps, claimed);
  if (!placed.ok && placed.wait) {
    // Its region cannot launch now: the job keeps its place and says why until it can.
    await handBack(deps, claimed, placed.reason);
    return { outcome: "retry", cause: null };
  }
  if (!placed.ok) return await failJob(deps, claimed, placed.reason);
  const { placement } = placed;
  let poolMiss: string | null = null;
  if (placement.pool && deps.assignToPool) {
    const assigned = await deps.assignToPool(claimed, placement.pool);
    if (assigned.kind === "assigned") return { outcome: assigned.outcome };
    poolMiss = assigned.reason;
  }

  let launched: LaunchedInstance;
  try {
    launched = await withSpan(
      "launch instance",
      { "runs_fleet.job_id": claimed.jobId },
      async () => {
        const out = await deps.launcher.launch(placement, slotFor(claimed, placement));
        annotate({
          "runs_fleet.outcome": "launched",
          "runs_fleet.instance_id": out.instanceId,
          "runs_fleet.instance_type": out.instanceType,
          "runs_fleet.market": out.market,
        });
        return out;
      },
    );
  } catch (err) {
    // No capacity for any candidate on either market: the region is full for now, and unpinned
    // jobs go to the next region. A probe tried one type only, so it says nothing of the region.
    const probe = placement.placementKey.startsWith("probe:");
    if (err instanceof FleetError && err.code === "capacity" && !probe)
      await deps.regions
        ?.noCapacity(placement.region)
        .catch((e: unknown) => logger.warn("region health not recorded", { error: e }));
    return await afterFailure(deps, claimed, "launch", err);
  }
  const { instanceId } = launched;
  const instance = {
    ...instanceRecord(
      claimed,
      placement,
      launched,
      iso(deps.clock.now()),
      await launchPrice(deps, claimed, placement, launched),
    ),
    eventKey: newEventKey(),
  };
  // Which step failed, for the reason the job keeps.
  const stage = { name: "recording the instance" };
  try {
    await prepare(deps, claimed, instance, stage);
  } catch (err) {
    // The instance cannot run this job: give it back and let the job go round again.
    await deps
      .terminate([instanceId])
      .catch((e) => logger.error("terminate failed", { instanceId, error: e }));
    return await afterFailure(deps, claimed, stage.name, err);
  }
  try {
    await deps.jobs.transition(claimed.jobId, {
      from: "launching",
      to: "launched",
      expectedVersion: claimed.version,
      patch: {
        instanceId,
        runnerName: runnerName(claimed.jobId, instanceId),
        // The launch's own reason, or none: a reason left from an earlier failed try is over.
        reason: poolMiss ?? instance.reason ?? null,
      },
    });
  } catch (err) {
    if (!(err instanceof ConflictError)) {
      // The record could not say `launched` (the store failed): the job stays `launching` and
      // housekeeping will hand it to a new instance, so this one must not run it too. Take its
      // config away and end it before giving up; the message comes back for another try.
      logger.error("could not mark the job launched; instance ended", {
        jobId: claimed.jobId,
        instanceId,
        error: err,
      });
      await deps.runnerConfigs
        .delete(instanceId)
        .catch((e) => logger.error("runner config delete failed", { instanceId, error: e }));
      await deps
        .terminate([instanceId])
        .catch((e) => logger.error("terminate failed", { instanceId, error: e }));
      throw err;
    }
    // The job moved while we launched (GitHub cancelled it, or it was handed back after the
    // time budget): this instance has nothing to run. End it now rather than as an orphan.
    logger.info("job moved during its launch; instance ended", {
      jobId: claimed.jobId,
      instanceId,
    });
    await deps.runnerConfigs.delete(instanceId);
    await deps.terminate([instanceId]);
    return { outcome: "skipped" };
  }
  const { market, instanceType } = launched;
  deps.metrics.count("instances_launched", 1, { market, instanceType });
  logger.info("job launched", { jobId: claimed.jobId, instanceId, instanceType, market });
  return { outcome: "launched" };
}
