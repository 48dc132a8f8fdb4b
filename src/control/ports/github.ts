import type { RunnerConfig } from "../../shared/runner-config.ts";

/** What GitHub says about a job: still waiting for a runner, running, done, or not known. */
export type GitHubJobStatus = "queued" | "in_progress" | "completed" | "unknown";

/** The job a runner is being prepared for. `repo` is `owner/name`. */
export interface RunnerRequest {
  jobId: string;
  repo: string;
  /** The job's `runs-on` labels; the runner registers with exactly these. */
  labels: readonly string[];
  instanceId: string;
  /** From the webhook, when known; saves a lookup. */
  installationId?: number;
}

/** Addresses one workflow job. */
export interface JobRef {
  repo: string;
  jobId: string;
  installationId?: number;
}

/** Remaining request budget of one App installation, as last seen in response headers. */
export interface RateLimitBudget {
  appId: string;
  /** Absent for requests made as the App itself (JWT). */
  installationId?: number;
  limit: number;
  remaining: number;
  /** When the budget refills, ms since the epoch. */
  resetAt: number;
  /** Set while a secondary limit or an exhausted budget says "wait", ms since the epoch. */
  blockedUntil?: number;
}

/**
 * Whether a GitHub App can act where a repository lives: installed, not installed (never, or
 * removed, or the repository left out of its selection), or installed but suspended.
 */
export type InstallationState = "installed" | "not_installed" | "suspended";

/** How a re-run request ended: accepted, or GitHub says the run is still going. */
export type RerunResult = "rerun" | "already_running";

/** How a runner removal ended; `busy` means the runner is running a job and was left alone. */
export type RemoveRunnerResult = "removed" | "not_found" | "busy";

/** GitHub as the control plane needs it: runner configs, job status, re-runs, clean-up. */
export interface GitHub {
  /**
   * Tells whether a configured App is installed where `repo` lives, so a job that could never
   * get a runner is not launched. Cached; throws a retryable error when GitHub cannot say now.
   */
  installation(repo: string): Promise<InstallationState>;
  /** Creates a single-use runner config (JIT, or a registration token) for one job. */
  createRunnerConfig(request: RunnerRequest): Promise<RunnerConfig>;
  /** Tells whether GitHub still waits for a runner for this job. */
  jobStatus(job: JobRef): Promise<GitHubJobStatus>;
  /** Re-runs one job (after a spot interruption); "already running" is an answer, not an error. */
  rerunJob(job: JobRef): Promise<RerunResult>;
  /** Removes a runner that never came online or whose instance died. */
  removeRunner(runner: {
    repo: string;
    runnerName: string;
    installationId?: number;
  }): Promise<RemoveRunnerResult>;
  /** The request budget last seen for each App installation. */
  rateLimit(): RateLimitBudget[];
}

/** A commit status's state, as GitHub names it. */
export type CommitState = "success" | "failure" | "error" | "pending";

/** What the GitOps flow needs from GitHub: a file as of a commit, and a word on that commit. */
export interface GitHubCommits {
  /** The file's text at `ref` (a commit SHA or branch), or null when it does not exist there. */
  fileAt(file: { repo: string; path: string; ref: string }): Promise<string | null>;
  /** Sets the status `context` on a commit; GitHub keeps the latest per context. */
  setCommitStatus(status: {
    repo: string;
    sha: string;
    context: string;
    state: CommitState;
    /** GitHub shows at most 140 characters. */
    description: string;
  }): Promise<void>;
}
