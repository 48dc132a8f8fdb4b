import type { Logger } from "../../../shared/logger.ts";
import type { GitHubCommits } from "../../ports/github.ts";
import { type ApplyDeps, type ApplyOutcome, applyConfig, refuseConfig } from "./apply-config.ts";
import { isConfigRepository, type PushEvent, pushTouches } from "./push-event.ts";

/** The commit status the GitOps flow sets on each config commit it reads. */
export const configStatusContext = "runs-fleet/config";

/** What a push did to the config. */
export type PushOutcome =
  | { outcome: "ignored"; reason: string }
  | (ApplyOutcome & { commit: string });

export interface GitOpsDeps extends ApplyDeps {
  commits: GitHubCommits;
  /** The config repository: `owner/name`, or a repository name in the pushing account. */
  repo: string;
  /** The file inside it. */
  path: string;
  logger: Logger;
}

/** One line for a commit status (GitHub shows 140 characters): the problems, as many as fit. */
export function refusalDescription(problems: readonly string[]): string {
  const head = `${problems.length} problem${problems.length === 1 ? "" : "s"}, not applied: `;
  let text = head;
  for (const [i, problem] of problems.entries()) {
    const more = problems.length - i - 1;
    const next = `${text === head ? "" : "; "}${problem}`;
    const tail = more > 0 ? ` (+${more} more)` : "";
    if ((text + next + tail).length > 140) {
      const rest = problems.length - i;
      return `${text}${text === head ? "" : " "}(+${rest} more)`.slice(0, 140);
    }
    text += next;
  }
  return text;
}

/**
 * Handles `push` webhooks: a push to the config repository's default branch that touches the
 * config file makes it fetched at the pushed commit, checked and applied; the outcome is set on
 * the commit as a status naming the problems, so the author sees why a config was refused.
 */
export function createGitOps(deps: GitOpsDeps) {
  const { logger } = deps;
  const ignored = (reason: string): PushOutcome => ({ outcome: "ignored", reason });

  return {
    async onPush(event: PushEvent): Promise<PushOutcome> {
      if (!isConfigRepository(event, deps.repo))
        return ignored(`${event.repository.full_name} is not the config repository`);
      if (event.ref !== `refs/heads/${event.repository.default_branch}` || event.deleted)
        return ignored(`${event.ref} is not the default branch`);
      if (!pushTouches(event, deps.path)) return ignored(`the push does not touch ${deps.path}`);

      const repo = event.repository.full_name;
      const commit = event.after;
      const source = `${repo}:${deps.path}`;
      const text = await deps.commits.fileAt({ repo, path: deps.path, ref: commit });
      const result: ApplyOutcome =
        text === null
          ? // A deleted file does not empty the fleet's pools; that takes a file saying so.
            await refuseConfig(deps, { commit, source }, [
              `${deps.path} does not exist at ${commit.slice(0, 7)}`,
            ])
          : await applyConfig(deps, { content: { text }, commit, kind: "gitops", source });
      await deps.commits.setCommitStatus({
        repo,
        sha: commit,
        context: configStatusContext,
        ...(result.outcome === "refused"
          ? { state: "failure", description: refusalDescription(result.problems) }
          : {
              state: "success",
              description: `applied as config version ${result.version.version}`,
            }),
      });
      logger.info("config push handled", { repo, commit, outcome: result.outcome });
      return { ...result, commit };
    },
  };
}
export type GitOps = ReturnType<typeof createGitOps>;
