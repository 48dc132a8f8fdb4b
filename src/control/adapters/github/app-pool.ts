import type { Octokit } from "@octokit/core";
import * as v from "valibot";
import { FleetError } from "../../domain/errors.ts";
import type { Clock } from "../../ports/clock.ts";
import type { Logger } from "../../ports/logger.ts";
import type { GitHubConfig } from "./config.ts";
import { fromGitHubError, statusOf } from "./errors.ts";
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
  /** How long an installation look-up is trusted. */
  discoveryTtlMs: number;
}

/** One App installed on the account a call is about. */
export interface Installation {
  appId: string;
  installationId: number;
}

/** What a call is about: the repository (`owner/name`) and, when known, the installation. */
export interface Target {
  repo: string;
  installationId?: number;
  /** Says what is being done, for error messages. */
  what: string;
}

const InstallationSchema = v.object({ id: v.number() });

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
  const discovered = new Map<string, { installations: Installation[]; until: number }>();
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

  const accountKey = (repo: string) =>
    deps.config.runnerScope === "org" ? (repo.split("/")[0] ?? repo) : repo;

  /** Asks each App whether it is installed where `repo` lives (JWT calls, cached). */
  const discover = async (repo: string): Promise<Installation[]> => {
    const key = accountKey(repo);
    const known = discovered.get(key);
    if (known !== undefined && known.until > deps.clock.now()) return known.installations;
    const [owner, name] = repo.split("/");
    const found: Installation[] = [];
    let failure: FleetError | undefined;
    for (const { app } of apps) {
      try {
        const res =
          deps.config.runnerScope === "org"
            ? await client(app.appId).request("GET /orgs/{org}/installation", { org: owner ?? "" })
            : await client(app.appId).request("GET /repos/{owner}/{repo}/installation", {
                owner: owner ?? "",
                repo: name ?? "",
              });
        const parsed = v.safeParse(InstallationSchema, res.data);
        if (parsed.success) found.push({ appId: app.appId, installationId: parsed.output.id });
      } catch (err) {
        if (statusOf(err) !== 404)
          failure = fromGitHubError(err, `installation look-up for ${key}`, deps.clock.now());
      }
    }
    if (found.length === 0) {
      throw (
        failure ??
        new FleetError("github.not_installed", `no configured GitHub App is installed on ${key}`)
      );
    }
    discovered.set(key, { installations: found, until: deps.clock.now() + deps.discoveryTtlMs });
    return found;
  };

  const candidates = async (target: Target): Promise<Installation[]> => {
    const only = apps[0];
    // One App and an installation id from the webhook: nothing to look up.
    if (apps.length === 1 && only !== undefined && target.installationId !== undefined) {
      return [{ appId: only.app.appId, installationId: target.installationId }];
    }
    return discover(target.repo);
  };

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
    /**
     * Runs `call` with a client for an installation that can act on `target.repo`; retries
     * retryable failures a few times (backoff with jitter; a limit's own wait when it names one).
     */
    async run<T>(
      target: Target,
      call: (octokit: Octokit, inst: Installation) => Promise<T>,
    ): Promise<T> {
      const key = accountKey(target.repo);
      for (let attempt = 1; ; attempt++) {
        const list = await candidates(target);
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
          if (error.code === "github.installation_unavailable") discovered.delete(key);
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
