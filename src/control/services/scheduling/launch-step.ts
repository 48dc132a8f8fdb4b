import { ConflictError, isRetryable } from "../../domain/errors.ts";
import type { Instance } from "../../domain/instance.ts";
import type { Job } from "../../domain/job.ts";
import { FleetTag, jobSlot } from "../../domain/launch-slot.ts";
import { type Placement, place, probePlacement } from "../../domain/placement.ts";
import { runnerName as runnerNameFor } from "../../domain/runner-name.ts";
import type { LaunchedInstance } from "../../ports/compute.ts";
import type { ScheduleOutcome, SchedulerDeps } from "./scheduler.ts";

/**
 * The launch step of the scheduler, for a job it holds in `launching`: place it, launch it
 * (batched), record the instance, give it its runner config, mark the job `launched`.
 */
export function createLaunchStep(deps: SchedulerDeps) {
  const { jobs, instances, clock, logger, metrics } = deps;
  const iso = () => new Date(clock.now()).toISOString();

  /** Fails a job we claimed, with a reason people can act on. */
  const fail = async (job: Job, reason: string) => {
    await jobs.transition(job.jobId, {
      from: job.status,
      to: "failed",
      expectedVersion: job.version,
      patch: { reason },
    });
    logger.warn("job failed to launch", { jobId: job.jobId, reason });
    metrics.count("jobs_failed_to_launch");
  };

  /** Hands a claimed job back to the queue state; the message comes back after a delay. */
  const requeue = async (job: Job, reason: string) => {
    await jobs.transition(job.jobId, {
      from: job.status,
      to: "queued",
      expectedVersion: job.version,
      patch: { reason },
    });
  };

  const placementFor = async (
    job: Job,
  ): Promise<{ ok: true; placement: Placement } | { ok: false; reason: string }> => {
    if (!job.spec) return { ok: false, reason: "job has no spec" };
    const circuits = await deps.circuits.check(job.candidates.map((c) => c.instanceType));
    const result = place({
      spec: job.spec,
      candidates: job.candidates,
      circuits,
      forceOnDemand: job.forceOnDemand,
      now: clock.now(),
      config: deps.placement,
    });
    if (!result.ok) return result;
    const { placement } = result;
    if (placement.probe && (await deps.circuits.startProbe(placement.probe))) {
      logger.info("half-open probe launch", { jobId: job.jobId, instanceType: placement.probe });
      return { ok: true, placement: probePlacement(placement, placement.probe) };
    }
    return result;
  };

  /** Launches, records and configures an instance for a job we hold in `launching`. */
  const launchFor = async (claimed: Job): Promise<ScheduleOutcome> => {
    const placed = await placementFor(claimed);
    if (!placed.ok) {
      await fail(claimed, placed.reason);
      return "failed";
    }
    const { placement } = placed;
    // One slot per claim: a launch abandoned past its budget may still be waiting in the batcher
    // when the job is claimed again, and must not be mistaken for this one.
    const slot = { ...jobSlot(claimed), slotId: `${claimed.jobId}@${claimed.version}` };
    slot.tags[FleetTag.managed] = "true";
    slot.tags[FleetTag.env] = placement.env;
    if (placement.pool) slot.tags[FleetTag.pool] = placement.pool;

    let launched: LaunchedInstance;
    try {
      launched = await deps.launcher.launch(placement, slot);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (isRetryable(err)) {
        await requeue(claimed, `launch failed, will retry: ${message}`);
        return "retry";
      }
      await fail(claimed, `launch failed: ${message}`);
      return "failed";
    }

    const now = iso();
    const instance: Instance = {
      instanceId: launched.instanceId,
      jobId: claimed.jobId,
      pool: placement.pool,
      instanceType: launched.instanceType,
      market: launched.market,
      region: placement.region,
      az: launched.az,
      env: placement.env,
      state: "pending",
      reason: placement.onDemandReason ? `on-demand: ${placement.onDemandReason}` : null,
      launchedAt: now,
      updatedAt: now,
      lastHeartbeatAt: null,
      startedAt: null,
      terminatedAt: null,
      version: 1,
    };
    const runnerName = runnerNameFor(claimed.jobId, launched.instanceId);
    try {
      await instances.create(instance);
      const config = await deps.github.createRunnerConfig({
        jobId: claimed.jobId,
        repo: claimed.repo,
        labels: claimed.labels,
        instanceId: launched.instanceId,
        ...(claimed.installationId ? { installationId: claimed.installationId } : {}),
      });
      await deps.runnerConfigs.put(launched.instanceId, config);
    } catch (err) {
      // The instance cannot run this job: give it back and let the job go round again.
      await deps
        .terminate([launched.instanceId])
        .catch((e) =>
          logger.error("terminate failed", { instanceId: launched.instanceId, error: e }),
        );
      const message = err instanceof Error ? err.message : String(err);
      if (isRetryable(err)) {
        await requeue(claimed, `runner config failed, will retry: ${message}`);
        return "retry";
      }
      await fail(claimed, `runner config failed: ${message}`);
      return "failed";
    }
    try {
      await jobs.transition(claimed.jobId, {
        from: "launching",
        to: "launched",
        expectedVersion: claimed.version,
        patch: {
          instanceId: launched.instanceId,
          runnerName,
          ...(instance.reason ? { reason: instance.reason } : {}),
        },
      });
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      // The job moved while we launched (GitHub cancelled it, or it was handed back after the
      // time budget): this instance has nothing to run. End it now rather than as an orphan.
      logger.info("job moved during its launch; instance ended", {
        jobId: claimed.jobId,
        instanceId: launched.instanceId,
      });
      await deps.runnerConfigs.delete(launched.instanceId);
      await deps.terminate([launched.instanceId]);
      return "skipped";
    }
    metrics.count("instances_launched", 1, {
      market: launched.market,
      instanceType: launched.instanceType,
    });
    logger.info("job launched", {
      jobId: claimed.jobId,
      instanceId: launched.instanceId,
      instanceType: launched.instanceType,
      market: launched.market,
    });
    return "launched";
  };

  return { launchFor, requeue };
}
