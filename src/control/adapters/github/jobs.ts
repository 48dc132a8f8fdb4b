import * as v from "valibot";
import { NotFoundError, ValidationError } from "../../domain/errors.ts";
import type { GitHubJobStatus, JobRef, RerunResult } from "../../ports/github.ts";
import type { AppPool } from "./app-pool.ts";
import { githubMessage, statusOf } from "./errors.ts";

const JobSchema = v.object({ status: v.string() });

/** GitHub's job statuses in our words; every "no runner has it yet" state counts as queued. */
const statuses: Record<string, GitHubJobStatus> = {
  queued: "queued",
  waiting: "queued",
  requested: "queued",
  pending: "queued",
  in_progress: "in_progress",
  completed: "completed",
};

/** GitHub refuses to re-run a job of a run that is still going; that answer is not a failure. */
const alreadyRunning = /already running|is (still )?running|not (yet )?(completed|finished|done)/i;

function parts(job: JobRef): { owner: string; repo: string; job_id: number } {
  const [owner, repo] = job.repo.split("/");
  if (!owner || !repo || !/^\d+$/.test(job.jobId)) {
    throw new ValidationError(`job ${job.jobId} in "${job.repo}" is not a GitHub job reference`);
  }
  return { owner, repo, job_id: Number(job.jobId) };
}

function target(job: JobRef, what: string) {
  return job.installationId === undefined
    ? { repo: job.repo, what }
    : { repo: job.repo, installationId: job.installationId, what };
}

/** Job status and single-job re-runs. */
export function createJobs(pool: AppPool) {
  return {
    /** Where GitHub has the job: queued, in progress, completed, or unknown (404, odd status). */
    async status(job: JobRef): Promise<GitHubJobStatus> {
      const params = parts(job);
      try {
        return await pool.run(target(job, `status of job ${job.jobId}`), async (octokit) => {
          const res = await octokit.request(
            "GET /repos/{owner}/{repo}/actions/jobs/{job_id}",
            params,
          );
          const parsed = v.safeParse(JobSchema, res.data);
          return parsed.success ? (statuses[parsed.output.status] ?? "unknown") : "unknown";
        });
      } catch (err) {
        if (err instanceof NotFoundError) return "unknown";
        throw err;
      }
    },

    /** Re-runs one job; "already_running" when GitHub says its run has not finished. */
    rerun(job: JobRef): Promise<RerunResult> {
      const params = parts(job);
      return pool.run(target(job, `re-run of job ${job.jobId}`), async (octokit) => {
        try {
          await octokit.request("POST /repos/{owner}/{repo}/actions/jobs/{job_id}/rerun", params);
          return "rerun";
        } catch (err) {
          const status = statusOf(err);
          if (
            (status === 403 || status === 409 || status === 422) &&
            alreadyRunning.test(githubMessage(err))
          ) {
            return "already_running";
          }
          throw err;
        }
      });
    },
  };
}
