import type { Logger } from "../../../shared/logger.ts";
import type { Job } from "../../domain/job.ts";
import { clip, maxReasonChars, oversizedLabels } from "../../domain/labels-bounds.ts";
import { rerunMarkerName } from "../../domain/rerun-marker.ts";
import type { WorkflowJobEvent } from "../../domain/workflow-job-event.ts";
import type { Clock } from "../../ports/clock.ts";
import type { InstanceStore } from "../../ports/instance-store.ts";
import type { JobQueue } from "../../ports/job-queue.ts";
import type { JobStore } from "../../ports/job-store.ts";
import type { MarkerStore } from "../../ports/marker-store.ts";
import { sendJob } from "../common/requeue.ts";
import { iso } from "../common/time.ts";
import { annotate } from "../common/tracing.ts";
import type { IntakeResult } from "./intake-result.ts";
import type { LabelResolution, ResolveLabels } from "./label-resolver.ts";
import { newJob } from "./new-job.ts";
import { applyProgress } from "./progress.ts";

export interface IntakeDeps {
  jobs: JobStore;
  queue: JobQueue;
  resolveLabels: ResolveLabels;
  clock: Clock;
  logger: Logger;
  /** Where re-run markers are kept: a re-run after a spot interruption goes on-demand. */
  markers?: MarkerStore;
  /** Instances, so a job GitHub settles first still gets its cost. */
  instances?: Pick<InstanceStore, "get">;
  /** Called when GitHub fails a job whose instance a spot interruption took. */
  onInterruptedJobConcluded?(job: Job): Promise<void>;
}

/** Applies `workflow_job` webhooks to the jobs table and the job queue. */
export function createIntake(deps: IntakeDeps) {
  const { jobs, queue, clock, logger } = deps;

  /** The re-run marker of this job's previous attempt, when a spot interruption caused the re-run. */
  const rerunMarker = async (event: WorkflowJobEvent): Promise<{ retryCount: number } | null> => {
    const wj = event.workflow_job;
    if (!deps.markers || (wj.run_attempt ?? 1) < 2) return null;
    const value = await deps.markers.get(
      rerunMarkerName(event.repository.full_name, String(wj.run_id), wj.name ?? null),
    );
    const retryCount = value?.retryCount;
    return typeof retryCount === "number" ? { retryCount } : null;
  };

  /** `queued`: store the job (idempotent), then enqueue it. Answer only after both. */
  const onQueued = async (event: WorkflowJobEvent, deliveryId: string): Promise<IntakeResult> => {
    const jobId = String(event.workflow_job.id);
    const resolved = await deps.resolveLabels(event.workflow_job.labels);
    if (resolved.kind === "not-ours")
      return { outcome: "ignored", jobId, reason: "no runs-fleet label" };
    // Labels too large to keep whole are refused even when they parse: the job is stored
    // `rejected` with a bounded copy of them, so the record fits its store and nothing is lost.
    const oversized = oversizedLabels(event.workflow_job.labels);
    const resolution: LabelResolution =
      oversized === null
        ? resolved
        : {
            kind: "rejected",
            spec: resolved.spec,
            reason: resolved.kind === "rejected" ? `${oversized}; ${resolved.reason}` : oversized,
          };

    const status = resolution.kind === "accepted" ? "queued" : "rejected";
    const base = newJob(event, deliveryId, status, iso(clock.now()));
    // A new attempt GitHub made after a spot interruption killed the last one goes on-demand.
    const rerun = resolution.kind === "accepted" ? await rerunMarker(event) : null;
    const job: Job =
      resolution.kind === "accepted"
        ? {
            ...base,
            spec: resolution.spec,
            candidates: resolution.candidates,
            lastEnqueuedAt: base.createdAt,
            ...(rerun
              ? {
                  forceOnDemand: true,
                  retryCount: rerun.retryCount,
                  reason: "re-run after a spot interruption: on-demand",
                }
              : {}),
          }
        : { ...base, spec: resolution.spec, reason: clip(resolution.reason, maxReasonChars) };
    const { created, job: stored } = await jobs.create(job);
    if (!created) {
      logger.info("duplicate delivery ignored", { jobId, deliveryId, status: stored.status });
      return { outcome: "duplicate", jobId, status: stored.status };
    }
    if (job.status === "rejected") {
      logger.warn("job rejected", {
        jobId,
        repo: job.repo,
        labels: job.labels,
        reason: job.reason,
      });
      return { outcome: "rejected", jobId, status: "rejected", reason: job.reason ?? "" };
    }
    // The job is durable before the message exists: if the send fails or we crash here, the
    // reconciler re-sends it once `lastEnqueuedAt` is old enough, so the job is never lost.
    const messageId = await sendJob({ queue }, stored);
    logger.info("job queued", {
      jobId,
      repo: job.repo,
      messageId,
      traceparent: stored.traceparent,
    });
    return { outcome: "queued", jobId, status: "queued" };
  };

  return {
    /** Handles one verified, parsed `workflow_job` delivery. */
    async handle(event: WorkflowJobEvent, deliveryId: string): Promise<IntakeResult> {
      annotate({
        "runs_fleet.job_id": String(event.workflow_job.id),
        "runs_fleet.repo": event.repository.full_name,
        // Cut: a span attribute is no place for labels of any size.
        "runs_fleet.labels": clip(event.workflow_job.labels.join(","), 1024),
        "runs_fleet.action": event.action,
      });
      switch (event.action) {
        case "queued":
          return await onQueued(event, deliveryId);
        case "in_progress":
        case "completed":
          return await applyProgress(deps, event, deliveryId);
        default:
          return {
            outcome: "ignored",
            jobId: String(event.workflow_job.id),
            reason: `action ${event.action} is not handled`,
          };
      }
    },
  };
}
export type Intake = ReturnType<typeof createIntake>;
