import type { Logger } from "../../../shared/logger.ts";
import { ConflictError } from "../../domain/errors.ts";
import {
  canTransition,
  isTerminal,
  type Job,
  type JobStatus,
  statusForConclusion,
} from "../../domain/job.ts";
import type { WorkflowJobEvent } from "../../domain/workflow-job-event.ts";
import type { Clock } from "../../ports/clock.ts";
import type { JobQueue } from "../../ports/job-queue.ts";
import type { JobStore } from "../../ports/job-store.ts";
import type { MarkerStore } from "../../ports/marker-store.ts";
import { sendJob } from "../common/requeue.ts";
import { annotate, currentTraceparent } from "../common/tracing.ts";
import { rerunMarkerName } from "../lifecycle/interruptions.ts";
import type { ResolveLabels } from "./label-resolver.ts";

/** What intake did with one delivery; `outcome` becomes the HTTP answer. */
export type IntakeResult =
  | {
      outcome: "queued" | "duplicate" | "rejected" | "updated" | "recorded";
      jobId: string;
      status: JobStatus;
      reason?: string;
    }
  | { outcome: "ignored"; jobId: string; reason: string };

export interface IntakeDeps {
  jobs: JobStore;
  queue: JobQueue;
  resolveLabels: ResolveLabels;
  clock: Clock;
  logger: Logger;
  /** Where re-run markers are kept: a re-run after a spot interruption goes on-demand. */
  markers?: MarkerStore;
  /** Called when GitHub fails a job whose instance a spot interruption took. */
  onInterruptedJobConcluded?(job: Job): Promise<void>;
}

const maxConflictRetries = 5;

/** Applies `workflow_job` webhooks to the jobs table and the job queue. */
export function createIntake(deps: IntakeDeps) {
  const { jobs, queue, clock, logger } = deps;
  const iso = () => new Date(clock.now()).toISOString();

  const newJob = (event: WorkflowJobEvent, deliveryId: string, status: JobStatus): Job => {
    const wj = event.workflow_job;
    const now = iso();
    return {
      jobId: String(wj.id),
      repo: event.repository.full_name,
      runId: String(wj.run_id),
      runAttempt: wj.run_attempt ?? null,
      workflowName: wj.workflow_name ?? null,
      jobName: wj.name ?? null,
      installationId: event.installation?.id ?? null,
      labels: [...wj.labels],
      spec: null,
      candidates: [],
      status,
      reason: null,
      retryCount: 0,
      forceOnDemand: false,
      instanceId: null,
      deliveryIds: [deliveryId],
      traceparent: currentTraceparent(),
      conclusion: null,
      runnerName: null,
      createdAt: now,
      updatedAt: now,
      lastEnqueuedAt: null,
      startedAt: null,
      completedAt: null,
      version: 1,
    };
  };

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
    const resolution = deps.resolveLabels(event.workflow_job.labels);
    if (resolution.kind === "not-ours")
      return { outcome: "ignored", jobId, reason: "no runs-fleet label" };

    const base = newJob(event, deliveryId, resolution.kind === "accepted" ? "queued" : "rejected");
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
        : { ...base, spec: resolution.spec, reason: resolution.reason };
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

  /** `in_progress` / `completed`: move a known job, or record one we never saw queued. */
  const onProgress = async (event: WorkflowJobEvent, deliveryId: string): Promise<IntakeResult> => {
    const wj = event.workflow_job;
    const jobId = String(wj.id);
    const target: JobStatus =
      event.action === "in_progress" ? "running" : statusForConclusion(wj.conclusion);
    const patch =
      target === "running"
        ? { runnerName: wj.runner_name ?? null, startedAt: wj.started_at ?? iso() }
        : {
            conclusion: wj.conclusion ?? null,
            completedAt: wj.completed_at ?? iso(),
            runnerName: wj.runner_name ?? null,
          };

    for (let attempt = 0; attempt < maxConflictRetries; attempt++) {
      const current = await jobs.get(jobId);
      if (!current) {
        const resolution = deps.resolveLabels(wj.labels);
        if (resolution.kind === "not-ours")
          return { outcome: "ignored", jobId, reason: "no runs-fleet label" };
        // We never saw it queued (missed delivery, or it predates this deployment): record it as is.
        const base = newJob(event, deliveryId, target);
        const job: Job = {
          ...base,
          ...patch,
          spec: resolution.spec,
          candidates: resolution.kind === "accepted" ? resolution.candidates : [],
          reason: `first seen as ${event.action}`,
        };
        const { created } = await jobs.create(job);
        if (!created) continue;
        logger.warn("job recorded without a queued delivery", { jobId, status: target });
        return { outcome: "recorded", jobId, status: target };
      }
      const lostToInterruption =
        current.status === "interrupted" ||
        (current.forceOnDemand &&
          current.retryCount > 0 &&
          ["queued", "launching", "launched"].includes(current.status));
      if (lostToInterruption && target === "failed" && deps.onInterruptedJobConcluded) {
        // GitHub failed the attempt a spot interruption killed: ask for a new attempt instead.
        await deps.onInterruptedJobConcluded(current);
        return {
          outcome: "updated",
          jobId,
          status: "failed",
          reason: "re-run requested after a spot interruption",
        };
      }
      if (current.status === target || isTerminal(current.status)) {
        return { outcome: "duplicate", jobId, status: current.status };
      }
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
      try {
        const updated = await jobs.transition(jobId, {
          from: current.status,
          to: target,
          expectedVersion: current.version,
          patch,
        });
        logger.info("job updated from GitHub", {
          jobId,
          from: current.status,
          to: target,
          deliveryId,
        });
        return { outcome: "updated", jobId, status: updated.status };
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
        // Someone else moved the job between our read and write: read again and re-decide.
      }
    }
    throw new ConflictError(
      `job ${jobId} kept changing; giving up after ${maxConflictRetries} attempts`,
    );
  };

  return {
    /** Handles one verified, parsed `workflow_job` delivery. */
    async handle(event: WorkflowJobEvent, deliveryId: string): Promise<IntakeResult> {
      annotate({
        "runs_fleet.job_id": String(event.workflow_job.id),
        "runs_fleet.repo": event.repository.full_name,
        "runs_fleet.labels": event.workflow_job.labels.join(","),
        "runs_fleet.action": event.action,
      });
      switch (event.action) {
        case "queued":
          return await onQueued(event, deliveryId);
        case "in_progress":
        case "completed":
          return await onProgress(event, deliveryId);
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
