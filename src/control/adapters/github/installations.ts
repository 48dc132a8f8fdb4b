import type { Octokit } from "@octokit/core";
import * as v from "valibot";
import { FleetError } from "../../domain/errors.ts";
import type { Clock } from "../../ports/clock.ts";
import type { GitHubConfig } from "./config.ts";
import { fromGitHubError, statusOf } from "./errors.ts";

/** One App installed on the account a call is about. */
export interface Installation {
  appId: string;
  installationId: number;
}

const InstallationSchema = v.object({ id: v.number() });

/** The account whose installation acts on `repo`: its owner for org runners, else the repository. */
export function accountKey(config: GitHubConfig, repo: string): string {
  return config.runnerScope === "org" ? (repo.split("/")[0] ?? repo) : repo;
}

/**
 * Finds which configured Apps are installed where a repository lives (JWT calls to
 * `/repos/{owner}/{repo}/installation` or `/orgs/{org}/installation`), cached for `ttlMs`;
 * concurrent look-ups of one account share a single round of calls.
 */
export function createInstallationFinder(deps: {
  config: GitHubConfig;
  clock: Clock;
  ttlMs: number;
  /** The App's own client (JWT). */
  appClient: (appId: string) => Octokit;
}) {
  const { config, clock } = deps;
  const known = new Map<string, { installations: Installation[]; until: number }>();
  const pending = new Map<string, Promise<Installation[]>>();

  const lookUp = async (repo: string, key: string): Promise<Installation[]> => {
    const [owner = "", name = ""] = repo.split("/");
    const found: Installation[] = [];
    let failure: FleetError | undefined;
    for (const { appId } of config.apps) {
      const octokit = deps.appClient(appId);
      try {
        const res =
          config.runnerScope === "org"
            ? await octokit.request("GET /orgs/{org}/installation", { org: owner })
            : await octokit.request("GET /repos/{owner}/{repo}/installation", {
                owner,
                repo: name,
              });
        const parsed = v.safeParse(InstallationSchema, res.data);
        if (parsed.success) found.push({ appId, installationId: parsed.output.id });
      } catch (err) {
        // 404: this App is not installed there; any other failure is worth reporting.
        if (statusOf(err) !== 404) {
          failure = fromGitHubError(err, `installation look-up for ${key}`, clock.now());
        }
      }
    }
    if (found.length === 0) {
      throw (
        failure ??
        new FleetError("github.not_installed", `no configured GitHub App is installed on ${key}`)
      );
    }
    known.set(key, { installations: found, until: clock.now() + deps.ttlMs });
    return found;
  };

  return {
    /** The installations that can act on `repo`; one App with a known id needs no look-up. */
    find(repo: string, installationId?: number): Promise<Installation[]> {
      const only = config.apps[0];
      if (config.apps.length === 1 && only !== undefined && installationId !== undefined) {
        return Promise.resolve([{ appId: only.appId, installationId }]);
      }
      const key = accountKey(config, repo);
      const hit = known.get(key);
      if (hit !== undefined && hit.until > clock.now()) return Promise.resolve(hit.installations);
      let look = pending.get(key);
      if (look === undefined) {
        look = lookUp(repo, key).finally(() => pending.delete(key));
        pending.set(key, look);
      }
      return look;
    },
    /** Drops what is known about an account (its installation went away). */
    forget(repo: string): void {
      known.delete(accountKey(config, repo));
    },
  };
}
