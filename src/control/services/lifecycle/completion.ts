import type * as v from "valibot";
import type { CompletedEventSchema } from "../../../shared/events.ts";
import { defaultCatalog } from "../../domain/catalog-default.ts";
import { circuitKey } from "../../domain/circuit-key.ts";
import { githubHostedPrices } from "../../domain/cost-github.ts";
import { jobCost } from "../../domain/cost-job.ts";
import type { Instance } from "../../domain/instance.ts";
import { isTerminal, type Job, type JobStatus } from "../../domain/job.ts";
import { retryOnConflict } from "../common/conflicts.ts";
import { patchInstance } from "../common/instances.ts";
import { activeJobOf, jobRef } from "../common/jobs.ts";
import { requeueJob } from "../common/requeue.ts";
import { annotate, withSpan } from "../common/tracing.ts";
import type { LifecycleDeps } from "./deps.ts";
import { handleSpotInterruption } from "./interruptions.ts";

type Completed = v.InferOutput<typeof CompletedEventSchema>;

const finalStatus: Record<Completed["status"], JobStatus> = {
  success: "completed",
  failure: "failed",
  cancelled: "cancelled",
  timeout: "failed",
  interrupted: "failed",
};

/** Settles a job from the agent's word when GitHub has not (webhooks can lag or be lost). */
async function settle(
  deps: LifecycleDeps,
  job: Job,
  e: Completed,
  instance: Instance,
): Promise<void> {
  const status = finalStatus[e.status];
  // Only a timeout says why; otherwise the record keeps the reason it had (a pool hit…) and the
  // timeline's completion entry does not repeat it.
  const timedOut = e.status === "timeout";
  await deps.jobs.transition(job.jobId, {
    from: job.status,
    to: status,
    expectedVersion: job.version,
    patch: {
      ...(timedOut ? { reason: "the job exceeded the maximum runtime and was stopped" } : {}),
      completedAt: e.at,
      conclusion: job.conclusion ?? e.status,
      // What the job cost on its instance, and on GitHub-hosted runners: known now, kept.
      cost: jobCost({
        catalog: defaultCatalog,
        github: githubHostedPrices,
        instance,
        spec: job.spec ?? null,
        startedAt: job.startedAt ?? null,
        endedAtMs: Date.parse(e.at),
      }),
    },
  });
}

/**
 * The agent says its runner finished. Decide the job's fate: if GitHub still waits for a runner
 * for this job, the runner served another job with the same labels — launch again for this one;
 * otherwise settle the job. The instance then ends (or, in a pool, goes back to standby).
 * Returns false when the instance is not known yet (the event is retried).
 */
export async function onAgentCompleted(deps: LifecycleDeps, e: Completed): Promise<boolean> {
  const instance = await deps.instances.get(e.instanceId);
  if (!instance) return false;
  await deps.runnerConfigs.delete(e.instanceId);

  // `debug=` minutes of the job this instance ran: it is kept that long, then ends itself.
  let debugMinutes: number | null = null;
  // The job's fate in a span of its own (in the job's trace, under the applied event).
  const attributes = { "runs_fleet.instance_id": e.instanceId, "runs_fleet.status": e.status };
  await withSpan("complete job", attributes, () =>
    retryOnConflict(`job on ${e.instanceId}`, async () => {
      const job = e.jobId ? await deps.jobs.get(e.jobId) : await activeJobOf(deps, e.instanceId);
      if (job?.instanceId === e.instanceId) debugMinutes = job.spec?.debugMinutes ?? null;
      if (!job || isTerminal(job.status) || job.instanceId !== e.instanceId)
        return annotate({ "runs_fleet.outcome": "no live job" });
      annotate({ "runs_fleet.job_id": job.jobId });
      if (e.status === "interrupted") {
        await handleSpotInterruption(deps, e.instanceId, "agent stopped by interruption");
        return annotate({ "runs_fleet.outcome": "interrupted" });
      }
      const github = await deps.github.jobStatus(jobRef(job));
      if (github === "queued") {
        await requeueJob(deps, job, {
          reason: `the runner on ${e.instanceId} ran another job; launching again for this one`,
        });
        deps.metrics.count("jobs_redispatched");
        annotate({ "runs_fleet.outcome": "redispatched" });
      } else if (github !== "in_progress") {
        // `in_progress` is left to GitHub's completed webhook, which is authoritative.
        await settle(deps, job, e, instance);
        annotate({ "runs_fleet.outcome": "settled" });
      } else annotate({ "runs_fleet.outcome": "left to GitHub" });
    }),
  );

  // A spot instance that ran to the end without interruption is the good news a half-open
  // circuit waits for (its probe, normally): close it.
  if (instance.market === "spot" && e.status !== "interrupted") {
    const key = circuitKey(
      instance.instanceType,
      instance.region,
      deps.homeRegion ?? instance.region,
    );
    const circuit = (await deps.circuits.check([key])).get(key);
    if (circuit?.state === "half-open") await deps.circuits.probeSucceeded(key);
  }

  const at = e.at;
  if (debugMinutes !== null && !instance.pool && e.status !== "interrupted") {
    // Not terminated here: the agent holds the instance for the asked time, heartbeats going,
    // then ends it; the orphan sweep (by the instance's debug tag) is the backstop.
    const until = new Date(Date.parse(at) + debugMinutes * 60_000).toISOString();
    await patchInstance(deps, e.instanceId, (i) =>
      i.state === "terminated"
        ? null
        : { reason: `debug: kept after job ${e.status} until ${until}, then it ends itself` },
    );
    return true;
  }
  // A pool member goes back only when healthy (a clean end, not offline) and still wanted;
  // otherwise it ends here, so no member is ever left idle that its pool does not own.
  const healthy =
    e.status !== "interrupted" && e.status !== "timeout" && instance.state !== "offline";
  const keep = instance.pool !== null && healthy && ((await deps.poolWants?.(instance)) ?? false);
  await patchInstance(deps, e.instanceId, (i) => {
    if (i.state === "terminated") return null;
    // Back in its pool it belongs to no job, nor to that job's trace.
    if (keep) return { state: "standby", jobId: null, traceparent: null };
    const reason = i.pool ? `job ${e.status}; pool ${i.pool} does not keep it` : `job ${e.status}`;
    return { state: "terminated", terminatedAt: at, reason: i.reason ?? reason };
  });
  if (!keep) await deps.compute.terminate([e.instanceId]);
  return true;
}
