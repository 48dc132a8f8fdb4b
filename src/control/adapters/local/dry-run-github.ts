import { runnerName } from "../../domain/runner-name.ts";
import type { Clock } from "../../ports/clock.ts";
import type { GitHub, GitHubJobStatus } from "../../ports/github.ts";

/** How the dry-run GitHub behaves: how long simulated jobs take and how they end. */
export interface DryRunGitHubOptions {
  clock: Clock;
  /** Length of every simulated job (default 5 s). */
  durationSeconds?: number;
  outcome?: "success" | "failure";
  /** What it says about a job it never made a runner for (default "queued"). */
  unknownJobStatus?: GitHubJobStatus;
}

/**
 * GitHub for local mode without credentials: hands out `dry-run` configs (the agent simulates
 * the job), and answers job status from what it was told: in progress from the config until the
 * simulated job's end, then completed. Tests and demos may set a status outright.
 */
export function createDryRunGitHub(
  options: DryRunGitHubOptions,
): GitHub & { setJobStatus(jobId: string, status: GitHubJobStatus | undefined): void } {
  const duration = options.durationSeconds ?? 5;
  const started = new Map<string, number>();
  const told = new Map<string, GitHubJobStatus>();
  const runners = new Set<string>();
  const key = (repo: string, jobId: string) => `${repo}#${jobId}`;

  const status = (repo: string, jobId: string): GitHubJobStatus => {
    const k = key(repo, jobId);
    const set = told.get(k) ?? told.get(key("*", jobId));
    if (set !== undefined) return set;
    const at = started.get(k);
    if (at === undefined) return options.unknownJobStatus ?? "queued";
    return options.clock.now() >= at + duration * 1000 ? "completed" : "in_progress";
  };

  return {
    async createRunnerConfig(req) {
      const name = runnerName(req.jobId, req.instanceId);
      started.set(key(req.repo, req.jobId), options.clock.now());
      runners.add(`${req.repo}#${name}`);
      return {
        kind: "dry-run",
        jobId: req.jobId,
        runnerName: name,
        durationSeconds: duration,
        outcome: options.outcome ?? "success",
      };
    },
    async jobStatus(job) {
      return status(job.repo, job.jobId);
    },
    async rerunJob(job) {
      if (status(job.repo, job.jobId) !== "completed") return "already_running";
      started.delete(key(job.repo, job.jobId));
      told.delete(key(job.repo, job.jobId));
      told.delete(key("*", job.jobId));
      return "rerun";
    },
    async removeRunner(runner) {
      return runners.delete(`${runner.repo}#${runner.runnerName}`) ? "removed" : "not_found";
    },
    rateLimit: () => [],
    /** Sets (or with undefined, clears) what a job's status is, whatever its repository. */
    setJobStatus(jobId, value) {
      if (value === undefined) told.delete(key("*", jobId));
      else told.set(key("*", jobId), value);
    },
  };
}
