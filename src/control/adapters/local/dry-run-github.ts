import { runnerName } from "../../domain/runner-name.ts";
import type { Clock } from "../../ports/clock.ts";
import type { GitHub, GitHubJobStatus } from "../../ports/github.ts";
import type { RunnerConfigStore } from "../../ports/runner-config-store.ts";

/** How the dry-run GitHub behaves: how long simulated jobs take and how they end. */
export interface DryRunGitHubOptions {
  clock: Clock;
  /** Length of every simulated job (default 5 s). */
  durationSeconds?: number;
  outcome?: "success" | "failure";
  /** What it says about a job it never made a runner for (default "queued"). */
  unknownJobStatus?: GitHubJobStatus;
  /**
   * Where the runner configs it hands out are stored. Given, a job counts as taken by its runner
   * only once the agent has taken (read and deleted) that config, as GitHub counts a job queued
   * until a runner asks for it; without, from the moment the config is made.
   */
  runnerConfigs?: Pick<RunnerConfigStore, "get">;
}

/**
 * GitHub for local mode without credentials: hands out `dry-run` configs (the agent simulates
 * the job), and answers job status from what it was told: queued until the agent takes its
 * config, then in progress until the simulated job's end (counted from the config), then
 * completed. Tests and demos may set a status outright.
 */
export function createDryRunGitHub(
  options: DryRunGitHubOptions,
): GitHub & { setJobStatus(jobId: string, status: GitHubJobStatus | undefined): void } {
  const duration = options.durationSeconds ?? 5;
  const started = new Map<string, { at: number; instanceId: string }>();
  const told = new Map<string, GitHubJobStatus>();
  const runners = new Set<string>();
  const key = (repo: string, jobId: string) => `${repo}#${jobId}`;

  const status = async (repo: string, jobId: string): Promise<GitHubJobStatus> => {
    const k = key(repo, jobId);
    const set = told.get(k) ?? told.get(key("*", jobId));
    if (set !== undefined) return set;
    const made = started.get(k);
    if (made === undefined) return options.unknownJobStatus ?? "queued";
    // A config still waiting in the store was never picked up: no runner has the job.
    if (options.runnerConfigs && (await options.runnerConfigs.get(made.instanceId)) !== null)
      return "queued";
    return options.clock.now() >= made.at + duration * 1000 ? "completed" : "in_progress";
  };

  return {
    // Without credentials there is no App to install: every repository counts as installed.
    installation: async () => "installed",
    async createRunnerConfig(req) {
      const name = runnerName(req.jobId, req.instanceId);
      started.set(key(req.repo, req.jobId), {
        at: options.clock.now(),
        instanceId: req.instanceId,
      });
      runners.add(`${req.repo}#${name}`);
      return {
        kind: "dry-run",
        jobId: req.jobId,
        runnerName: name,
        durationSeconds: duration,
        outcome: options.outcome ?? "success",
      };
    },
    jobStatus: (job) => status(job.repo, job.jobId),
    async rerunJob(job) {
      if ((await status(job.repo, job.jobId)) !== "completed") return "already_running";
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
