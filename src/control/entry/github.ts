import type { Logger } from "../../shared/logger.ts";
import type { GitHubConfig } from "../adapters/github/config.ts";
import { createGitHubApp } from "../adapters/github/github-app.ts";
import { createDryRunGitHub } from "../adapters/local/dry-run-github.ts";
import type { Clock } from "../ports/clock.ts";
import type { GitHub, GitHubCommits } from "../ports/github.ts";
import type { Metrics } from "../ports/metrics.ts";
import type { RunnerConfigStore } from "../ports/runner-config-store.ts";

/**
 * The GitHub port: the configured App, or (local mode with none) a dry-run GitHub whose runners
 * simulate a job. Settings already refused AWS mode without an App.
 */
export function buildGitHub(
  app: GitHubConfig | null,
  o: {
    dryRunJobSeconds: number;
    clock: Clock;
    logger: Logger;
    metrics: Metrics;
    /** Where runner configs wait: a dry-run job whose config is still there has not started. */
    runnerConfigs?: Pick<RunnerConfigStore, "get">;
  },
): { github: GitHub; commits?: GitHubCommits; dryRun: boolean } {
  if (app) {
    const github = createGitHubApp({
      config: app,
      fetch: (input, init) => fetch(input, init),
      clock: o.clock,
      logger: o.logger,
      metrics: o.metrics,
    });
    // The same App reads the GitOps config repository and reports on its commits.
    return { github, commits: github, dryRun: false };
  }
  return {
    github: createDryRunGitHub({
      clock: o.clock,
      durationSeconds: o.dryRunJobSeconds,
      ...(o.runnerConfigs ? { runnerConfigs: o.runnerConfigs } : {}),
    }),
    dryRun: true,
  };
}
