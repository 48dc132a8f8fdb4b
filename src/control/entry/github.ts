import type { Logger } from "../../shared/logger.ts";
import { githubConfigFromEnv } from "../adapters/github/config.ts";
import { createGitHubApp } from "../adapters/github/github-app.ts";
import { createDryRunGitHub } from "../adapters/local/dry-run-github.ts";
import { ValidationError } from "../domain/errors.ts";
import type { Clock } from "../ports/clock.ts";
import type { GitHub } from "../ports/github.ts";
import type { Metrics } from "../ports/metrics.ts";
import type { Env } from "./config.ts";

/**
 * The GitHub App from the environment; with none configured, local mode gets a dry-run GitHub
 * whose runners simulate a job, and AWS mode refuses to start.
 */
export function buildGitHub(options: {
  env: Env;
  readTextFile: (path: string) => string;
  mode: "local" | "aws";
  dryRunJobSeconds: number;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
}): { github: GitHub; dryRun: boolean } {
  const result = githubConfigFromEnv(options.env, options.readTextFile);
  if (!result.ok) throw new ValidationError("invalid configuration", result.issues);
  if (result.config) {
    return {
      github: createGitHubApp({
        config: result.config,
        fetch: (input, init) => fetch(input, init),
        clock: options.clock,
        logger: options.logger,
        metrics: options.metrics,
      }),
      dryRun: false,
    };
  }
  if (options.mode === "aws") {
    throw new ValidationError("invalid configuration", [
      "RUNS_FLEET_GITHUB_APP_ID: a GitHub App is required in AWS mode",
    ]);
  }
  return {
    github: createDryRunGitHub({ clock: options.clock, durationSeconds: options.dryRunJobSeconds }),
    dryRun: true,
  };
}
