import type { Octokit } from "@octokit/core";
import type { Logger } from "../../../shared/logger.ts";
import { FleetError } from "../../domain/errors.ts";
import type { Clock } from "../../ports/clock.ts";
import type { GitHubConfig } from "./config.ts";
import { fromGitHubError } from "./errors.ts";
import { createInstallations, type InstallationCheckTtls } from "./installation-check.ts";
import { accountKey, type Installation } from "./installations.ts";
import { createAppOctokit } from "./octokit.ts";
import type { RateLimitTracker } from "./rate-limit.ts";
import { backoffMs, type RetryPolicy, withJitterMs } from "./retry.ts";
import { createTokenCache } from "./token-cache.ts";

/** Everything the pool is built from; time, randomness, sleep and fetch are passed in. */
export interface AppPoolDeps {
  config: GitHubConfig;
  fetch: typeof fetch;
  clock: Clock;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  logger: Logger;
  tracker: RateLimitTracker;
  retry: RetryPolicy;
  tokenRefreshMarginMs: number;
  requestTimeoutMs: number;
  /** How long an installation look-up is trusted (installed, and not). */
  installationTtls: InstallationCheckTtls;
}

/** What a call is about: the repository (`owner/name`) and, when known, the installation. */
export interface Target {
  repo: string;
  installationId?: number;
  /** Says what is being done, for error messages. */
  what: string;
}

/**
 * The configured Apps and their clients: finds which installations can act on a repository,
 * spreads calls over them round-robin, honours rate limits and retries within bounds.
 */
export function createAppPool(deps: AppPoolDeps) {
  const apps = deps.config.apps.map((app) => ({
    app,
    cache: createTokenCache(deps.clock, deps.tokenRefreshMarginMs),
    clients: new Map<number | "app", Octokit>(),
  }));
  const turns = new Map<string, number>();

  const client = (appId: string, installationId?: number): Octokit => {
    const entry = apps.find((a) => a.app.appId === appId);
    if (entry === undefined)
      throw new FleetError("github.config", `App ${appId} is not configured`);
    const key = installationId ?? "app";
    let octokit = entry.clients.get(key);
    if (octokit === undefined) {
      octokit = createAppOctokit({
        app: entry.app,
        ...(installationId === undefined ? {} : { installationId }),
        baseUrl: deps.config.apiUrl,
        fetch: deps.fetch,
        cache: entry.cache,
        logger: deps.logger,
        requestTimeoutMs: deps.requestTimeoutMs,
        onError: () => deps.tracker.failed(),
        onHeaders: (headers, appLevel) =>
          deps.tracker.observe(
            appLevel ? { appId } : { appId, installationId: installationId ?? 0 },
            headers,
          ),
      });
      entry.clients.set(key, octokit);
    }
    return octokit;
  };

  const installations = createInstallations({
    config: deps.config,
    clock: deps.clock,
    ttls: deps.installationTtls,
    appClient: (appId) => client(appId),
  });

  /** The next installation in turn whose budget is not on hold, or how long until one is free. */
  const pick = (key: string, list: Installation[]): Installation | { waitMs: number } => {
    const start = turns.get(key) ?? 0;
    let shortest = Number.POSITIVE_INFINITY;
    for (let i = 0; i < list.length; i++) {
      const inst = list[(start + i) % list.length]!;
      const wait = deps.tracker.waitMs(inst);
      if (wait === 0) {
        turns.set(key, (start + i + 1) % list.length);
        return inst;
      }
      shortest = Math.min(shortest, wait);
    }
    return { waitMs: shortest };
  };

  return {
    /** Whether a configured App is installed where `repo` lives (cached). */
    installationState: (repo: string) => installations.state(repo),
    /**
     * Runs `call` with a client for an installation that can act on `target.repo`; retries
     * retryable failures a few times (backoff with jitter; a limit's own wait when it names one).
     */
    async run<T>(
      target: Target,
      call: (octokit: Octokit, inst: Installation) => Promise<T>,
    ): Promise<T> {
      const key = accountKey(deps.config, target.repo);
      for (let attempt = 1; ; attempt++) {
        let list: Installation[];
        try {
          list = await installations.find(target.repo, target.installationId);
        } catch (err) {
          const error = fromGitHubError(err, target.what, deps.clock.now());
          const wait = error.retryAfterMs ?? backoffMs(attempt, deps.retry, deps.random);
          if (!error.retryable || attempt >= deps.retry.attempts || wait > deps.retry.maxWaitMs) {
            throw error;
          }
          await deps.sleep(withJitterMs(wait, deps.random));
          continue;
        }
        let chosen = pick(key, list);
        if ("waitMs" in chosen && chosen.waitMs <= deps.retry.maxWaitMs) {
          await deps.sleep(withJitterMs(chosen.waitMs, deps.random));
          chosen = pick(key, list);
        }
        if ("waitMs" in chosen) {
          throw new FleetError("throttled", `${target.what}: GitHub rate limit, retry later`, {
            retryable: true,
            retryAfterMs: chosen.waitMs,
          });
        }
        try {
          return await call(client(chosen.appId, chosen.installationId), chosen);
        } catch (err) {
          const error = fromGitHubError(err, target.what, deps.clock.now());
          // A lost installation may have been replaced (re-installed App): look again next time.
          if (error.code === "github.installation_unavailable") {
            installations.forget(target.repo);
          }
          if (error.code === "throttled" && error.retryAfterMs !== undefined) {
            deps.tracker.block(chosen, deps.clock.now() + error.retryAfterMs);
            deps.logger.warn("GitHub rate limit hit", {
              appId: chosen.appId,
              installationId: chosen.installationId,
              retryAfterMs: error.retryAfterMs,
            });
          }
          if (!error.retryable || attempt >= deps.retry.attempts) throw error;
          // A rate limit is waited out by `pick` on the next turn, or another App takes the call.
          if (error.code !== "throttled")
            await deps.sleep(backoffMs(attempt, deps.retry, deps.random));
        }
      }
    },
  };
}
export type AppPool = ReturnType<typeof createAppPool>;
