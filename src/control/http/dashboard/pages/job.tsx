/** @jsxImportSource hono/jsx */
import type { Instance } from "../../../domain/instance.ts";
import type { Job } from "../../../domain/job.ts";
import type { DashboardDeps } from "../deps.ts";
import { type PageContext, Status, Time } from "../layout.tsx";
import { usd } from "../stats.ts";
import { JobActions } from "./jobs.tsx";

/** Every instance the job ran on or was bound to, from its record and its timeline. */
async function instancesOf(deps: DashboardDeps, job: Job): Promise<Instance[]> {
  const ids = new Set<string>();
  for (const entry of job.timeline ?? []) if (entry.instanceId) ids.add(entry.instanceId);
  if (job.instanceId) ids.add(job.instanceId);
  const found = await Promise.all([...ids].map((id) => deps.instances.get(id)));
  return found.filter((i): i is Instance => i !== null);
}

/** One job: spec, candidates, decisions, instances, timeline, cost, links to GitHub. */
export async function jobPage(deps: DashboardDeps, page: PageContext, job: Job) {
  const github = deps.githubUrl ?? "https://github.com";
  const run = `${github}/${job.repo}/actions/runs/${job.runId}`;
  const instances = await instancesOf(deps, job);
  const timeline = job.timeline ?? [];
  return (
    <>
      <p class="summary">
        <Status value={job.status} /> {job.repo} · {job.workflowName ?? "workflow"} /{" "}
        {job.jobName ?? job.jobId} ·{" "}
        <a href={run} rel="noreferrer">
          run on GitHub
        </a>{" "}
        ·{" "}
        <a href={`${run}/job/${job.jobId}`} rel="noreferrer">
          job on GitHub
        </a>{" "}
        <JobActions job={job} page={page} />
      </p>
      <section class="grid2">
        <div>
          <h2>Decisions</h2>
          <dl>
            <dt>Labels</dt>
            <dd>{job.labels.join(", ")}</dd>
            <dt>Reason</dt>
            <dd>{job.reason ?? "—"}</dd>
            <dt>Retries</dt>
            <dd>{job.retryCount}</dd>
            <dt>Market</dt>
            <dd>
              {job.forceOnDemand
                ? "on-demand (forced after an interruption)"
                : (job.spec?.spot ?? true)
                  ? "spot first"
                  : "on-demand (label)"}
            </dd>
            <dt>Conclusion</dt>
            <dd>{job.conclusion ?? "—"}</dd>
            <dt>Cost</dt>
            <dd>
              {job.cost
                ? `${usd(job.cost.instanceUsd)} for ${job.cost.billedSeconds} s at ${usd(job.cost.usdPerHour)}/h (${job.cost.priceSource} price); GitHub-hosted ${usd(job.cost.githubHostedUsd)}`
                : "known when the job ends"}
            </dd>
          </dl>
        </div>
        <div>
          <h2>Spec</h2>
          <pre class="spec">
            {job.spec ? JSON.stringify(job.spec, null, 2) : "— (rejected before a spec was made)"}
          </pre>
        </div>
      </section>
      <h2>Candidates</h2>
      <p class="labels">
        {job.candidates.length
          ? job.candidates
              .map((c) => `${c.instanceType} (${c.vcpu} vCPU, ${c.memoryGiB} GiB, ${c.arch})`)
              .join(" · ")
          : "none"}
      </p>
      <h2>Instances</h2>
      <div class="table">
        <table>
          <thead>
            <tr>
              <th>Instance</th>
              <th>Type</th>
              <th>Market</th>
              <th>State</th>
              <th>Launched</th>
              <th>Reason</th>
            </tr>
          </thead>
          <tbody>
            {instances.map((i) => (
              <tr>
                <td>{i.instanceId}</td>
                <td>{i.instanceType}</td>
                <td>{i.market}</td>
                <td>
                  <Status value={i.state} />
                </td>
                <td>
                  <Time iso={i.launchedAt} />
                </td>
                <td>{i.reason ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {instances.length === 0 ? <p class="muted">No instance yet.</p> : null}
      </div>
      <h2>Timeline</h2>
      <ol class="timeline">
        <li>
          <Time iso={job.createdAt} /> received from GitHub as{" "}
          <Status value={timeline[0]?.from ?? job.status} />
        </li>
        {timeline.map((e) => (
          <li>
            <Time iso={e.at} /> <Status value={e.from} /> → <Status value={e.to} />
            {e.instanceId ? ` on ${e.instanceId}` : ""}
            {e.reason ? <span class="muted"> — {e.reason}</span> : null}
          </li>
        ))}
      </ol>
    </>
  );
}
