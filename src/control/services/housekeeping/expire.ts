import { terminalStatuses } from "../../domain/job.ts";
import { iso } from "../common/time.ts";
import { paged, type TaskContext, type TaskReport } from "./deps.ts";
import { jobsOlderThan } from "./helpers.ts";

/**
 * Deletes records past the retention. On AWS, DynamoDB's TTL does this (items carry `expiresAt`)
 * and the task does nothing; local mode has no TTL, so the task deletes, version-checked, the
 * oldest terminal jobs and terminated instances, through the indexes (no table scans).
 */
export async function expire(ctx: TaskContext): Promise<TaskReport> {
  if (ctx.config.expireBy === "ttl") return ctx.report;
  const retention = ctx.config.retentionMs;
  const cutoff = iso(ctx.now - retention);
  for (const status of terminalStatuses) {
    // Terminal jobs are never updated again: their last update is when they ended.
    for await (const job of jobsOlderThan(ctx, status, retention)) {
      if (!ctx.more()) return ctx.report;
      await ctx.step({ jobId: job.jobId }, async () => {
        await ctx.jobs.remove(job.jobId, job.version);
        ctx.count("jobsDeleted");
      });
    }
  }
  // The index orders by launch time: once launches are younger than the cutoff, so are ends.
  const listing = paged(async (limit, cursor) => {
    const out = await ctx.instances.list({
      state: "terminated",
      limit,
      ...(cursor ? { cursor } : {}),
    });
    return { items: out.instances, ...(out.next ? { next: out.next } : {}) };
  }, ctx.config.scanLimit);
  for await (const instance of listing) {
    if (!ctx.more() || instance.launchedAt >= cutoff) break;
    if ((instance.terminatedAt ?? instance.updatedAt) >= cutoff) continue;
    await ctx.step({ instanceId: instance.instanceId }, async () => {
      await ctx.instances.remove(instance.instanceId, instance.version);
      ctx.count("instancesDeleted");
    });
  }
  return ctx.report;
}
