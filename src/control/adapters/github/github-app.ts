import type { Logger } from "../../../shared/logger.ts";
import type { Clock } from "../../ports/clock.ts";
import type { GitHub, GitHubCommits } from "../../ports/github.ts";
import type { Metrics } from "../../ports/metrics.ts";
import { createAppPool } from "./app-pool.ts";
import { createCommits } from "./commits.ts";
import type { GitHubConfig } from "./config.ts";
import { defaultInstallationCheckTtls, type InstallationCheckTtls } from "./installation-check.ts";
import { createJobs } from "./jobs.ts";
import { createRateLimitTracker } from "./rate-limit.ts";
import { defaultRetryPolicy, type RetryPolicy } from "./retry.ts";
import { createRunnerConfigs } from "./runner-configs.ts";
import { createRunnerRemoval } from "./runners.ts";
import { defaultTokenRefreshMarginMs } from "./token-cache.ts";

/** What the GitHub App adapter is built from; runtimes and tests choose `fetch`, time and sleep. */
export interface GitHubAppDeps {
  config: GitHubConfig;
  fetch: typeof fetch;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  /** Waits between retries; tests pass one that only moves a fixed clock. */
  sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1) for jitter. */
  random?: () => number;
  retry?: Partial<RetryPolicy>;
  /** Refresh installation tokens this long before they expire (default five minutes). */
  tokenRefreshMarginMs?: number;
  /** Abort a GitHub request after this long (default ten seconds). */
  requestTimeoutMs?: number;
  /** How long an installation look-up trusts "installed" and "not installed" (10 min, 1 min). */
  installationTtls?: Partial<InstallationCheckTtls>;
}

/** The GitHub ports (runners and jobs; GitOps commits), spoken as one or more GitHub Apps. */
export function createGitHubApp(deps: GitHubAppDeps): GitHub & GitHubCommits {
  const logger = deps.logger.child({ component: "github" });
  const tracker = createRateLimitTracker(deps.clock, deps.metrics);
  const pool = createAppPool({
    config: deps.config,
    fetch: deps.fetch,
    clock: deps.clock,
    sleep: deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    random: deps.random ?? Math.random,
    logger,
    tracker,
    retry: { ...defaultRetryPolicy, ...deps.retry },
    tokenRefreshMarginMs: deps.tokenRefreshMarginMs ?? defaultTokenRefreshMarginMs,
    requestTimeoutMs: deps.requestTimeoutMs ?? 10_000,
    installationTtls: { ...defaultInstallationCheckTtls, ...deps.installationTtls },
  });
  const createRunnerConfig = createRunnerConfigs({
    pool,
    config: deps.config,
    clock: deps.clock,
    logger,
  });
  const jobs = createJobs(pool);
  const removeRunner = createRunnerRemoval(pool, deps.config);
  return {
    installation: (repo) => pool.installationState(repo),
    createRunnerConfig,
    jobStatus: (job) => jobs.status(job),
    rerunJob: (job) => jobs.rerun(job),
    removeRunner,
    rateLimit: () => tracker.snapshot(),
    ...createCommits(pool),
  };
}
