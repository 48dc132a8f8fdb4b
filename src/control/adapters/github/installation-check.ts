import type { Octokit } from "@octokit/core";
import * as v from "valibot";
import { FleetError } from "../../domain/errors.ts";
import type { Clock } from "../../ports/clock.ts";
import type { InstallationState } from "../../ports/github.ts";
import type { GitHubConfig } from "./config.ts";
import { fromGitHubError, statusOf } from "./errors.ts";
import { accountKey, type Installation } from "./installations.ts";

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

/** What one configured App said of an account: its installation there, if any. */
interface Answer extends Installation {
  suspended: boolean;
}

/** One round of look-ups: every App's installation found, and the first failure met. */
interface Round {
  found: Answer[];
  failure?: FleetError;
}

/**
 * Which configured Apps are installed where a repository lives, asking as each App (JWT)
 * `GET /repos/{owner}/{repo}/installation` (or `/orgs/{org}/installation` for org runners): the
 * repository's own answer, so a repository left out of a "selected repositories" installation
 * counts as not installed. One round per account serves both questions asked of it — is an App
 * installed (before a launch), and which installations may act (for every call) — cached per
 * account, concurrent look-ups sharing one round. An answer is kept for `installedTtlMs` when an
 * App is usable there and `missingTtlMs` otherwise; a round that met a failure and found nothing
 * usable is not kept.
 */
export function createInstallations(deps: {
  config: GitHubConfig;
  clock: Clock;
  ttls: InstallationCheckTtls;
  /** The App's own client (JWT). */
  appClient: (appId: string) => Octokit;
}) {
  const { config, clock, ttls } = deps;
  const known = new Map<string, { round: Round; until: number }>();
  const pending = new Map<string, Promise<Round>>();

  const askOne = async (appId: string, repo: string): Promise<Answer | null> => {
    const [owner = "", name = ""] = repo.split("/");
    const octokit = deps.appClient(appId);
    try {
      const res =
        config.runnerScope === "org"
          ? await octokit.request("GET /orgs/{org}/installation", { org: owner })
          : await octokit.request("GET /repos/{owner}/{repo}/installation", { owner, repo: name });
      const found = v.parse(InstallationSchema, res.data);
      return { appId, installationId: found.id, suspended: !!found.suspended_at };
    } catch (err) {
      if (statusOf(err) === 404) return null;
      throw err;
    }
  };

  const lookUp = async (repo: string, key: string): Promise<Round> => {
    const round: Round = { found: [] };
    for (const { appId } of config.apps) {
      try {
        const answer = await askOne(appId, repo);
        if (answer) round.found.push(answer);
      } catch (err) {
        round.failure ??= fromGitHubError(err, `installation look-up for ${key}`, clock.now());
      }
    }
    const usable = round.found.some((a) => !a.suspended);
    if (usable || round.failure === undefined) {
      const ttl = usable ? ttls.installedTtlMs : ttls.missingTtlMs;
      known.set(key, { round, until: clock.now() + ttl });
    }
    return round;
  };

  const roundFor = (repo: string): Promise<Round> => {
    const key = accountKey(config, repo);
    const hit = known.get(key);
    if (hit !== undefined && hit.until > clock.now()) return Promise.resolve(hit.round);
    let look = pending.get(key);
    if (look === undefined) {
      look = lookUp(repo, key).finally(() => pending.delete(key));
      pending.set(key, look);
    }
    return look;
  };

  return {
    /**
     * The installation state of the account `repo` lives in. A failure that is not a 404 is
     * thrown (retryable when it may pass) unless another App answered "installed".
     */
    async state(repo: string): Promise<InstallationState> {
      const { found, failure } = await roundFor(repo);
      if (found.some((a) => !a.suspended)) return "installed";
      // An App that could not answer might be the installed one: say nothing rather than "no".
      if (failure !== undefined) throw failure;
      return found.length > 0 ? "suspended" : "not_installed";
    },
    /** The installations that can act on `repo`; one App with a known id needs no look-up. */
    async find(repo: string, installationId?: number): Promise<Installation[]> {
      const only = config.apps[0];
      if (config.apps.length === 1 && only !== undefined && installationId !== undefined)
        return [{ appId: only.appId, installationId }];
      const { found, failure } = await roundFor(repo);
      if (found.length === 0) {
        throw (
          failure ??
          new FleetError(
            "github.not_installed",
            `no configured GitHub App is installed on ${accountKey(config, repo)}`,
          )
        );
      }
      return found.map(({ appId, installationId: id }) => ({ appId, installationId: id }));
    },
    /** Drops what is known about an account (a call found its installation gone). */
    forget(repo: string): void {
      known.delete(accountKey(config, repo));
    },
  };
}
