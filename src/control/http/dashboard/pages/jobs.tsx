/** @jsxImportSource hono/jsx */
import * as v from "valibot";
import { type Job, JobStatusSchema } from "../../../domain/job.ts";
import type { DashboardDeps } from "../deps.ts";
import { ActionButton, type PageContext, Status, Time } from "../layout.tsx";

/** The Jobs page's filters, from its query string (bad values are a 400, not a guess). */
export const JobFilter = v.object({
  status: v.optional(v.union([v.literal(""), JobStatusSchema]), ""),
  repo: v.optional(v.pipe(v.string(), v.maxLength(200)), ""),
  label: v.optional(v.pipe(v.string(), v.maxLength(200)), ""),
  hours: v.optional(v.union([v.literal(""), v.picklist(["1", "6", "24", "168"])]), ""),
});
export type JobFilter = v.InferOutput<typeof JobFilter>;

/** The job's actions a viewer may take in its state. */
export function JobActions(props: { job: Job; page: PageContext }) {
  const { job, page } = props;
  if (job.status === "queued")
    return (
      <ActionButton
        page={page}
        action="cancel-job"
        target={job.jobId}
        label="Cancel"
        confirm={`Cancel queued job ${job.jobId}?`}
        danger
      />
    );
  if (job.status === "failed")
    return (
      <ActionButton
        page={page}
        action="retry-job"
        target={job.jobId}
        label="Retry"
        confirm={`Ask GitHub to re-run job ${job.jobId}?`}
      />
    );
  return null;
}

/** Jobs, newest update first, filtered by status, repository, label and time. */
export async function jobsPage(deps: DashboardDeps, page: PageContext, filter: JobFilter) {
  const listed = await deps.jobs.list({
    limit: 500,
    ...(filter.status ? { status: filter.status } : {}),
  });
  const since = filter.hours ? deps.clock.now() - Number(filter.hours) * 3_600_000 : 0;
  const jobs = listed.jobs.filter(
    (j) =>
      (!filter.repo || j.repo.includes(filter.repo)) &&
      (!filter.label || j.labels.some((l) => l.includes(filter.label))) &&
      Date.parse(j.updatedAt) >= since,
  );
  return (
    <>
      <form method="get" action="/ui/jobs" class="filters">
        <label>
          Status{" "}
          <select name="status">
            <option value="">any</option>
            {JobStatusSchema.options.map((s) => (
              <option value={s} selected={s === filter.status}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Repository <input name="repo" value={filter.repo} placeholder="owner/name" />
        </label>
        <label>
          Label <input name="label" value={filter.label} placeholder="cpu=4" />
        </label>
        <label>
          Updated{" "}
          <select name="hours">
            {[
              ["", "any time"],
              ["1", "last hour"],
              ["6", "last 6 h"],
              ["24", "last day"],
              ["168", "last week"],
            ].map(([value, text]) => (
              <option value={value} selected={value === filter.hours}>
                {text}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Filter</button>
      </form>
      <div class="table">
        <table>
          <thead>
            <tr>
              <th>Job</th>
              <th>Repository</th>
              <th>Status</th>
              <th>Labels</th>
              <th>Instance</th>
              <th>Updated</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {jobs.map((j) => (
              <tr data-job={j.jobId}>
                <td>
                  <a href={`/ui/jobs/${j.jobId}`}>{j.jobName ?? j.jobId}</a>
                  <div class="muted">{j.jobId}</div>
                </td>
                <td>{j.repo}</td>
                <td>
                  <Status value={j.status} />
                </td>
                <td class="labels">{j.labels.join(", ")}</td>
                <td>
                  {j.instanceId ? (
                    <a href={`/ui/instances#${j.instanceId}`}>{j.instanceId}</a>
                  ) : (
                    "—"
                  )}
                </td>
                <td>
                  <Time iso={j.updatedAt} />
                </td>
                <td>
                  <JobActions job={j} page={page} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {jobs.length === 0 ? <p class="muted">No jobs match.</p> : null}
      </div>
    </>
  );
}
