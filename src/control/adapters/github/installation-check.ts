import type { Octokit } from "@octokit/core";
import * as v from "valibot";
import type { FleetError } from "../../domain/errors.ts";
import type { Clock } from "../../ports/clock.ts";
import type { InstallationState } from "../../ports/github.ts";
import type { GitHubConfig } from "./config.ts";
import { fromGitHubError, statusOf } from "./errors.ts";
import { accountKey } from "./installations.ts";

/** How long each answer of the installation check is trusted. */
export interface InstallationCheckTtls {
  /** An App found installed (default ten minutes). */
  installedTtlMs: number;
  /**
   * No usable installation (default one minute): short, so a job re-run right after the App is
   * installed is launched, yet a burst of jobs for a repository without the App costs one call.
   */
  missingTtlMs: number;
}

/** Defaults of `InstallationCheckTtls`. */
export const defaultInstallationCheckTtls: InstallationCheckTtls = {
  installedTtlMs: 10 * 60_000,
  missingTtlMs: 60_000,
};

const InstallationSchema = v.object({
  id: v.number(),
  suspended_at: v.optional(v.nullable(v.string())),
});

/** The best of several Apps' answers: one usable installation is enough. */
const rank: Record<InstallationState, number> = { installed: 2, suspended: 1, not_installed: 0 };

/**
 * Tells whether a configured App is installed where a repository lives, asking as the App (JWT)
 * `GET /repos/{owner}/{repo}/installation` (or `/orgs/{org}/installation` for org runners): the
 * repository's own answer, so a repository left out of a "selected repositories" installation
 * counts as not installed. Answers are cached per account; concurrent checks share one round.
 * A failure that is not a 404 is thrown (retryable when it may pass) unless another App answered.
 */
export function createInstallationCheck(deps: {
  config: GitHubConfig;
  clock: Clock;
  ttls: InstallationCheckTtls;
  /** The App's own client (JWT). */
  appClient: (appId: string) => Octokit;
}) {
  const { config, clock, ttls } = deps;
  const known = new Map<string, { state: InstallationState; until: number }>();
  const pending = new Map<string, Promise<InstallationState>>();

  const askOne = async (appId: string, repo: string): Promise<InstallationState> => {
    const [owner = "", name = ""] = repo.split("/");
    const octokit = deps.appClient(appId);
    try {
      const res =
        config.runnerScope === "org"
          ? await octokit.request("GET /orgs/{org}/installation", { org: owner })
          : await octokit.request("GET /repos/{owner}/{repo}/installation", { owner, repo: name });
      const found = v.parse(InstallationSchema, res.data);
      return found.suspended_at ? "suspended" : "installed";
    } catch (err) {
      if (statusOf(err) === 404) return "not_installed";
      throw err;
    }
  };

  const lookUp = async (repo: string, key: string): Promise<InstallationState> => {
    let best: InstallationState | undefined;
    let failure: FleetError | undefined;
    for (const { appId } of config.apps) {
      try {
        const state = await askOne(appId, repo);
        if (best === undefined || rank[state] > rank[best]) best = state;
        if (state === "installed") break;
      } catch (err) {
        failure ??= fromGitHubError(err, `installation check for ${key}`, clock.now());
      }
    }
    // An App that could not answer might be the installed one: say nothing rather than "no".
    if (best !== "installed" && failure !== undefined) throw failure;
    const state = best ?? "not_installed";
    const ttl = state === "installed" ? ttls.installedTtlMs : ttls.missingTtlMs;
    known.set(key, { state, until: clock.now() + ttl });
    return state;
  };

  return {
    /** The installation state of the account `repo` lives in, from the cache when fresh. */
    state(repo: string): Promise<InstallationState> {
      const key = accountKey(config, repo);
      const hit = known.get(key);
      if (hit !== undefined && hit.until > clock.now()) return Promise.resolve(hit.state);
      let look = pending.get(key);
      if (look === undefined) {
        look = lookUp(repo, key).finally(() => pending.delete(key));
        pending.set(key, look);
      }
      return look;
    },
    /** Drops what is known about an account (a call found its installation gone). */
    forget(repo: string): void {
      known.delete(accountKey(config, repo));
    },
  };
}
