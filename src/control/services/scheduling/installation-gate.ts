import type { GitHub } from "../../ports/github.ts";

/**
 * Why a job in `repo` can never get a runner, or null when the App is installed there. Asked
 * before anything is launched: without an installation there is no runner config, and the
 * instance would be paid for only to be ended.
 */
export async function notInstalledReason(
  github: Pick<GitHub, "installation">,
  repo: string,
): Promise<string | null> {
  switch (await github.installation(repo)) {
    case "installed":
      return null;
    case "suspended":
      return `the runs-fleet GitHub App's installation on ${repo} is suspended — unsuspend it in the account's or organisation's settings (GitHub Apps), then re-run the job`;
    case "not_installed":
      return `the runs-fleet GitHub App is not installed on ${repo} — install it on the repository (or on its organisation with access to ${repo}), then re-run the job`;
  }
}
