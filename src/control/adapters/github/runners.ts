import * as v from "valibot";
import { NotFoundError, ValidationError } from "../../domain/errors.ts";
import type { RemoveRunnerResult } from "../../ports/github.ts";
import type { AppPool } from "./app-pool.ts";
import type { GitHubConfig } from "./config.ts";
import { statusOf } from "./errors.ts";

const RunnersSchema = v.object({
  runners: v.array(v.object({ id: v.number(), name: v.string() })),
});

/** Removes registered runners by name (repository or organisation runners, as configured). */
export function createRunnerRemoval(pool: AppPool, config: GitHubConfig) {
  return async (runner: {
    repo: string;
    runnerName: string;
    installationId?: number;
  }): Promise<RemoveRunnerResult> => {
    const [owner, repo] = runner.repo.split("/");
    if (!owner || !repo) throw new ValidationError(`repository "${runner.repo}" is not owner/name`);
    const org = config.runnerScope === "org";
    const what = `removal of runner ${runner.runnerName}`;
    const t =
      runner.installationId === undefined
        ? { repo: runner.repo, what }
        : { repo: runner.repo, installationId: runner.installationId, what };
    try {
      return await pool.run(t, async (octokit) => {
        const res = org
          ? await octokit.request("GET /orgs/{org}/actions/runners", {
              org: owner,
              name: runner.runnerName,
            })
          : await octokit.request("GET /repos/{owner}/{repo}/actions/runners", {
              owner,
              repo,
              name: runner.runnerName,
            });
        const found = v
          .parse(RunnersSchema, res.data)
          .runners.find((r) => r.name === runner.runnerName);
        if (found === undefined) return "not_found";
        try {
          if (org) {
            await octokit.request("DELETE /orgs/{org}/actions/runners/{runner_id}", {
              org: owner,
              runner_id: found.id,
            });
          } else {
            await octokit.request("DELETE /repos/{owner}/{repo}/actions/runners/{runner_id}", {
              owner,
              repo,
              runner_id: found.id,
            });
          }
          return "removed";
        } catch (err) {
          // 422: the runner is running a job; it removes itself when that job ends.
          if (statusOf(err) === 422) return "busy";
          throw err;
        }
      });
    } catch (err) {
      if (err instanceof NotFoundError) return "not_found";
      throw err;
    }
  };
}
