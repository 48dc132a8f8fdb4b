import { type Instance, type InstanceLifeState, isSilent } from "../../domain/instance.ts";
import type { Job } from "../../domain/job.ts";
import { liveJobsOf } from "../common/jobs.ts";
import { requeueJob } from "../common/requeue.ts";
import { paged, span, type TaskContext, type TaskReport } from "./deps.ts";
import { gitHubStatus, removeRunnerOf, terminateInstance } from "./helpers.ts";

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
  for (const job of await liveJobsOf(ctx, id, instance.jobId)) await saveJob(ctx, job, id);
}

/**
 * A job whose instance went silent. Never started (`launched`): re-queued, no retry counted.
 * Running: GitHub will not hand a job that is "in progress" to another runner, so it is marked
 * `orphaned` and re-queued only when GitHub still holds it as queued; otherwise it stays orphaned
 * until GitHub fails it for its lost runner and the completion webhook closes the record.
 */
async function saveJob(ctx: TaskContext, job: Job, instanceId: string): Promise<void> {
  if (job.status === "launched") {
    await removeRunnerOf(ctx, job);
    await requeueJob(ctx, job, {
      reason: `instance ${instanceId} went silent before the job started`,
    });
    ctx.count("requeued");
    return;
  }
  if (job.status !== "running") return;
  const status = await gitHubStatus(ctx, job);
  const orphaned = await ctx.jobs.transition(job.jobId, {
    from: "running",
    to: "orphaned",
    expectedVersion: job.version,
    patch: {
      reason:
        status === "queued"
          ? `instance ${instanceId} went silent while running the job; GitHub still has it queued`
          : `instance ${instanceId} went silent while running the job; GitHub reports it ${status}`,
    },
  });
  ctx.count("orphaned");
  if (status !== "queued") return;
  await requeueJob(ctx, orphaned, {
    reason: `instance ${instanceId} went silent; GitHub still had the job queued`,
  });
  ctx.count("requeued");
}
