import type { RunnerConfig } from "../../shared/runner-config.ts";

/** How a job ended, as the runner reported it. */
export type JobResult = "success" | "failure" | "cancelled";

/** How the runner process ended. */
export interface RunnerExit {
  code: number | null;
  signal: string | null;
  /** The job's result when the runner printed one; the exit code alone does not tell. */
  result?: JobResult | undefined;
}

/** A started runner: one process group, or a simulated job. */
export interface RunningRunner {
  exited: Promise<RunnerExit>;
  /** Asks the runner to stop (SIGTERM to the whole group). */
  terminate(): void;
  /** Kills the runner and everything in its group (SIGKILL); safe to call after exit. */
  kill(): void;
  /** Cache figures gathered so far, when this runner can observe them. */
  cacheStats?(): Promise<CacheCounts>;
}

/** Cache traffic seen in the runner's logs. */
export interface CacheCounts {
  hits: number;
  misses: number;
  bytesDownloaded: number;
  bytesUploaded: number;
}

/** Starts the runner for a config. */
export type RunnerLauncher = (config: RunnerConfig) => Promise<RunningRunner>;
