import * as v from "valibot";
import { FleetError, NotFoundError, ValidationError } from "../../domain/errors.ts";
import type { GitHubCommits } from "../../ports/github.ts";
import type { AppPool } from "./app-pool.ts";

/** GitHub's answer for a file: its content in base64 (empty with encoding `none` above 1 MB). */
const FileSchema = v.object({ type: v.string(), encoding: v.string(), content: v.string() });

function ownerRepo(repo: string): { owner: string; repo: string } {
  const [owner, name] = repo.split("/");
  if (!owner || !name) throw new ValidationError(`repository "${repo}" is not owner/name`);
  return { owner, repo: name };
}

/** Base64 to UTF-8 text with Web APIs only (no Buffer), so it runs on every runtime. */
function decodeBase64(content: string): string {
  const binary = atob(content.replace(/\s/g, ""));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
}

/** Reads files at a commit and sets commit statuses, as the App installed on the repository. */
export function createCommits(pool: AppPool): GitHubCommits {
  return {
    async fileAt(file) {
      const where = ownerRepo(file.repo);
      const what = `reading ${file.path} at ${file.ref} in ${file.repo}`;
      try {
        return await pool.run({ repo: file.repo, what }, async (octokit) => {
          const res = await octokit.request("GET /repos/{owner}/{repo}/contents/{path}", {
            ...where,
            path: file.path,
            ref: file.ref,
          });
          const parsed = v.safeParse(FileSchema, res.data);
          if (!parsed.success || parsed.output.type !== "file")
            throw new FleetError("github.not_a_file", `${file.path} is not a file`);
          if (parsed.output.encoding !== "base64")
            throw new FleetError("github.file_too_large", `${file.path} is too large to read`);
          return decodeBase64(parsed.output.content);
        });
      } catch (err) {
        if (err instanceof NotFoundError) return null;
        throw err;
      }
    },

    async setCommitStatus(status) {
      const what = `setting status ${status.context} on ${status.sha}`;
      await pool.run({ repo: status.repo, what }, async (octokit) => {
        await octokit.request("POST /repos/{owner}/{repo}/statuses/{sha}", {
          ...ownerRepo(status.repo),
          sha: status.sha,
          state: status.state,
          context: status.context,
          // GitHub refuses a longer description.
          description: status.description.slice(0, 140),
        });
      });
    },
  };
}
