import { type Instance, type InstanceLifeState, isSilent } from "../../domain/instance.ts";
import type { Job } from "../../domain/job.ts";
import { liveJobsOf } from "../common/jobs.ts";
import { requeueJob } from "../common/requeue.ts";
import { annotate } from "../common/tracing.ts";
import { paged, span, type TaskContext, type TaskReport } from "./deps.ts";
import { gitHubStatus, onJob, removeRunnerOf, terminateInstance } from "./helpers.ts";

/** States in which an instance owes us heartbeats. */
const watched: readonly InstanceLifeState[] = ["pending", "running", "standby"];

/**
 * Instances that stopped sending heartbeats: marked `offline`, terminated, their jobs saved.
 * `offline` records are finished on later runs too, so a replica dying half-way loses nothing.
 */
export async function heartbeats(ctx: TaskContext): Promise<TaskReport> {
  const { heartbeatTimeoutMs: timeout, bootGraceMs: grace, scanLimit } = ctx.config;
  for (const state of [...watched, "offline"] as const) {
    const listing = paged(async (limit, cursor) => {
      const out = await ctx.instances.list({ state, limit, ...(cursor ? { cursor } : {}) });
      return { items: out.instances, ...(out.next ? { next: out.next } : {}) };
    }, scanLimit);
    for await (const instance of listing) {
      if (!ctx.more()) return ctx.report;
      ctx.count("checked");
      // An idle pool member is its pool's to judge: it sends no signed heartbeat before its
      // first job gives it its event key (the reconciler replaces it if it is unhealthy).
      if (state !== "offline" && instance.pool && !instance.jobId) continue;
      if (state !== "offline" && !isSilent(instance, ctx.now, timeout, grace)) continue;
      await ctx.step({ instanceId: instance.instanceId }, () => retire(ctx, instance));
    }
  }
  return ctx.report;
}

/** Takes one silent instance out of service; every write is version-checked. */
async function retire(ctx: TaskContext, seen: Instance): Promise<void> {
  const { heartbeatTimeoutMs: timeout, bootGraceMs: grace } = ctx.config;
  // The index may lag and a heartbeat may just have landed: decide on a strong read.
  let instance = await ctx.instances.get(seen.instanceId);
  if (!instance) return;
  if (instance.state !== "offline") {
    if (!isSilent(instance, ctx.now, timeout, grace)) return;
    const heard = instance.lastHeartbeatAt ?? instance.launchedAt;
    instance = await ctx.instances.update(instance.instanceId, instance.version, {
      state: "offline",
      reason: `no heartbeat since ${heard} (timeout ${span(timeout)})`,
    });
    ctx.count("offline");
    ctx.logger.warn("instance went silent", { instanceId: instance.instanceId, since: heard });
  }
  const id = instance.instanceId;
  // Terminate before touching the jobs: a half-alive instance must not pick anything up.
  await terminateInstance(ctx, id, instance.reason ?? "went silent");
  for (const job of await liveJobsOf(ctx, id, instance.jobId))
    await onJob("save job", job, () => saveJob(ctx, job, id));
}

/**
 * A job whose instance went silent. GitHub is asked first even about a job that never reported
 * starting (`launched`): under load its agent may have run it while its events were still on
 * the way, and a second run would be a duplicate. The job is marked `orphaned`; it is re-queued
 * only when GitHub still holds it as queued (a runner that never came online is then removed).
 * Otherwise it waits for GitHub's completion webhook, or stuck-jobs asks again later.
 */
async function saveJob(ctx: TaskContext, job: Job, instanceId: string): Promise<void> {
  if (job.status !== "launched" && job.status !== "running") return;
  const started = job.status === "running";
  const status = await gitHubStatus(ctx, job);
  const when = started ? "while running the job" : "before the job started";
  const orphaned = await ctx.jobs.transition(job.jobId, {
    from: job.status,
    to: "orphaned",
    expectedVersion: job.version,
    patch: {
      reason:
        status === "queued"
          ? `instance ${instanceId} went silent ${when}; GitHub still has it queued`
          : `instance ${instanceId} went silent ${when}; GitHub reports it ${status}`,
    },
  });
  ctx.count("orphaned");
  annotate({ "runs_fleet.outcome": "orphaned", "runs_fleet.github_status": status });
  if (status !== "queued") return;
  if (!started) await removeRunnerOf(ctx, job);
  await requeueJob(ctx, orphaned, {
    reason: started
      ? `instance ${instanceId} went silent; GitHub still had the job queued`
      : `instance ${instanceId} went silent before the job started`,
  });
  ctx.count("requeued");
  annotate({ "runs_fleet.outcome": "requeued" });
}
