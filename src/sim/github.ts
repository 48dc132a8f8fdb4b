import type { WorkflowJobEvent } from "../control/domain/workflow-job-event.ts";
import type { GitHub, GitHubJobStatus } from "../control/ports/github.ts";
import type { Engine } from "./engine.ts";

/** One attempt of a workflow job, as GitHub keeps it. */
export interface SimJob {
  jobId: string;
  runId: number;
  attempt: number;
  name: string;
  repo: string;
  labels: string[];
  durationSeconds: number;
  /** The workload item this attempt belongs to (re-runs share it). */
  logical: number;
  status: GitHubJobStatus;
}

/** What GitHub does on its side: webhooks to the control plane, attempts of re-run jobs. */
export interface GitHubHooks {
  deliver(event: WorkflowJobEvent, deliveryId: string): Promise<void>;
  attemptCreated(job: SimJob): void;
}

/**
 * GitHub as the control plane sees it in the simulation: jobs queued until their runner takes
 * them, `workflow_job` webhooks for queued, in progress and completed, a job whose runner is
 * lost failed a minute later, and a re-run creating a new attempt (a new job id) that is queued
 * again, as GitHub does.
 */
export function createSimGitHub(o: { engine: Engine; hooks: GitHubHooks; repo: string }) {
  const { engine, hooks } = o;
  const jobs = new Map<string, SimJob>();
  let nextId = 1_000_000;
  let deliveries = 0;

  const webhook = (job: SimJob, action: string, conclusion: string | null = null) =>
    hooks.deliver(
      {
        action,
        workflow_job: {
          id: Number(job.jobId),
          run_id: job.runId,
          run_attempt: job.attempt,
          name: job.name,
          workflow_name: "ci",
          labels: job.labels,
          ...(conclusion ? { conclusion } : {}),
        },
        repository: { full_name: job.repo },
      },
      `sim-${++deliveries}`,
    );

  const create = (
    logical: number,
    runId: number,
    attempt: number,
    base: Omit<SimJob, "jobId" | "runId" | "attempt" | "logical" | "status">,
  ) => {
    const job: SimJob = {
      ...base,
      jobId: String(++nextId),
      runId,
      attempt,
      logical,
      status: "queued",
    };
    jobs.set(job.jobId, job);
    hooks.attemptCreated(job);
    return job;
  };
  const finish = async (job: SimJob, conclusion: "success" | "failure") => {
    if (job.status === "completed") return;
    job.status = "completed";
    await webhook(job, "completed", conclusion);
  };

  const port: GitHub = {
    installation: async () => "installed",
    async createRunnerConfig(r) {
      const job = jobs.get(r.jobId);
      return {
        kind: "dry-run",
        jobId: r.jobId,
        runnerName: `runs-fleet-${r.jobId}-${r.instanceId}`,
        durationSeconds: job?.durationSeconds ?? 60,
        outcome: "success",
      };
    },
    jobStatus: async (ref) => jobs.get(ref.jobId)?.status ?? "unknown",
    async rerunJob(ref) {
      const job = jobs.get(ref.jobId);
      if (job?.status !== "completed") return "already_running";
      const again = create(job.logical, job.runId, job.attempt + 1, job);
      engine.after(10_000, () => webhook(again, "queued"));
      return "rerun";
    },
    removeRunner: async () => "removed",
    rateLimit: () => [],
  };

  return {
    port,
    /** A workflow run queues a job: GitHub stores it and sends the `queued` webhook. */
    async queue(
      logical: number,
      runId: number,
      item: { labels: string[]; durationSeconds: number; name: string },
    ) {
      const job = create(logical, runId, 1, { ...item, repo: o.repo });
      await webhook(job, "queued");
    },
    /** A runner took the job: it is in progress, and GitHub says so a second later. */
    pickedUp(jobId: string) {
      const job = jobs.get(jobId);
      if (job?.status !== "queued") return;
      job.status = "in_progress";
      engine.after(1000, () => webhook(job, "in_progress"));
    },
    /** The runner reported the job's end. */
    finished(jobId: string) {
      const job = jobs.get(jobId);
      if (job) engine.after(1000, () => finish(job, "success"));
    },
    /** The runner vanished mid-job: GitHub fails the job once it notices. */
    runnerLost(jobId: string) {
      const job = jobs.get(jobId);
      if (job?.status === "in_progress") engine.after(60_000, () => finish(job, "failure"));
    },
    job: (jobId: string) => jobs.get(jobId),
  };
}
export type SimGitHub = ReturnType<typeof createSimGitHub>;
