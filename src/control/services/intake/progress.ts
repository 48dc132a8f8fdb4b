import type { Logger } from "../../../shared/logger.ts";
import { defaultCatalog } from "../../domain/catalog-default.ts";
import { githubHostedPrices } from "../../domain/cost-github.ts";
import { jobCost } from "../../domain/cost-job.ts";
import { ConflictError } from "../../domain/errors.ts";
import {
  canTransition,
  isTerminal,
  type Job,
  type JobPatch,
  type JobStatus,
  statusForConclusion,
} from "../../domain/job.ts";
import type { WorkflowJobEvent } from "../../domain/workflow-job-event.ts";
import type { Clock } from "../../ports/clock.ts";
import type { InstanceStore } from "../../ports/instance-store.ts";
import type { JobStore } from "../../ports/job-store.ts";
import { retryOnConflict } from "../common/conflicts.ts";
import { iso } from "../common/time.ts";
import type { IntakeResult } from "./intake-result.ts";
import type { ResolveLabels } from "./label-resolver.ts";
import { newJob } from "./new-job.ts";

/** What applying an `in_progress` or `completed` delivery needs. */
export interface ProgressDeps {
  jobs: JobStore;
  resolveLabels: ResolveLabels;
  clock: Clock;
  logger: Logger;
  /** Instances, to price a job GitHub settles before its agent does; absent: no cost kept. */
  instances?: Pick<InstanceStore, "get">;
  /** Called when GitHub fails a job whose instance a spot interruption took. */
  onInterruptedJobConcluded?(job: Job): Promise<void>;
}

/** The job's attempt was killed by a spot interruption (still marked, or already re-queued). */
function lostToInterruption(job: Job): boolean {
  return (
    job.status === "interrupted" ||
    (job.forceOnDemand &&
      job.retryCount > 0 &&
      ["queued", "launching", "launched"].includes(job.status))
  );
}

/** The fields GitHub's delivery sets on the job it moves to `target`. */
function progressPatch(event: WorkflowJobEvent, target: JobStatus, now: string): JobPatch {
  const wj = event.workflow_job;
  return target === "running"
    ? { runnerName: wj.runner_name ?? null, startedAt: wj.started_at ?? now }
    : {
        conclusion: wj.conclusion ?? null,
        completedAt: wj.completed_at ?? now,
        runnerName: wj.runner_name ?? null,
      };
}

/**
 * The cost of a job GitHub settles: its instance's time up to GitHub's end of the job at the
 * price the instance launched at, as when the agent settles it. Nothing when the job ran on no
 * instance of ours (or it is unknown), or already has its cost.
 */
async function costAtEnd(deps: ProgressDeps, job: Job, patch: JobPatch): Promise<JobPatch> {
  if (!deps.instances || !job.instanceId || job.cost || !patch.completedAt) return patch;
  const instance = await deps.instances.get(job.instanceId);
  if (!instance) return patch;
  const cost = jobCost({
    catalog: defaultCatalog,
    github: githubHostedPrices,
    instance,
    spec: job.spec ?? null,
    startedAt: job.startedAt ?? null,
    endedAtMs: Date.parse(patch.completedAt),
  });
  return cost === null ? patch : { ...patch, cost };
}

/**
 * `in_progress` / `completed`: moves a known job (re-reading and re-deciding after a lost race),
 * or records one we never saw queued. A failed attempt that a spot interruption killed is handed
 * to `onInterruptedJobConcluded` instead, once, outside the retried step.
 */
export async function applyProgress(
  deps: ProgressDeps,
  event: WorkflowJobEvent,
  deliveryId: string,
): Promise<IntakeResult> {
  const { jobs, logger } = deps;
  const wj = event.workflow_job;
  const jobId = String(wj.id);
  const target: JobStatus =
    event.action === "in_progress" ? "running" : statusForConclusion(wj.conclusion);
  const patch = progressPatch(event, target, iso(deps.clock.now()));

  const decided = await retryOnConflict<IntakeResult | { concluded: Job }>(
    `job ${jobId}`,
    async () => {
      const current = await jobs.get(jobId);
      if (!current) {
        const resolution = await deps.resolveLabels(wj.labels);
        if (resolution.kind === "not-ours")
          return { outcome: "ignored", jobId, reason: "no runs-fleet label" };
        // We never saw it queued (missed delivery, or it predates this deployment): record it as is.
        const job: Job = {
          ...newJob(event, deliveryId, target, iso(deps.clock.now())),
          ...patch,
          spec: resolution.spec,
          candidates: resolution.kind === "accepted" ? resolution.candidates : [],
          reason: `first seen as ${event.action}`,
        };
        const { created } = await jobs.create(job);
        // Another delivery stored it between our read and our write: apply this one on top.
        if (!created) throw new ConflictError(`job ${jobId} was stored meanwhile`);
        logger.warn("job recorded without a queued delivery", { jobId, status: target });
        return { outcome: "recorded", jobId, status: target };
      }
      if (lostToInterruption(current) && target === "failed" && deps.onInterruptedJobConcluded)
        return { concluded: current };
      if (current.status === target || isTerminal(current.status))
        return { outcome: "duplicate", jobId, status: current.status };
      if (!canTransition(current.status, target)) {
        logger.warn("workflow_job event ignored: transition not allowed", {
          jobId,
          from: current.status,
          to: target,
        });
        return {
          outcome: "ignored",
          jobId,
          reason: `job is ${current.status}; cannot become ${target}`,
        };
      }
      // A ConflictError here means someone moved the job since our read: read again, re-decide.
      const updated = await jobs.transition(jobId, {
        from: current.status,
        to: target,
        expectedVersion: current.version,
        patch: isTerminal(target) ? await costAtEnd(deps, current, patch) : patch,
      });
      logger.info("job updated from GitHub", {
        jobId,
        from: current.status,
        to: target,
        deliveryId,
      });
      return { outcome: "updated", jobId, status: updated.status };
    },
  );
  if (!("concluded" in decided)) return decided;
  // GitHub failed the attempt a spot interruption killed: ask for a new attempt instead.
  await deps.onInterruptedJobConcluded?.(decided.concluded);
  return {
    outcome: "updated",
    jobId,
    status: "failed",
    reason: "re-run requested after a spot interruption",
  };
}
