import { iso } from "../common/time.ts";
import { span, type TaskContext, type TaskReport } from "./deps.ts";
import { jobsOlderThan, onJob, terminateInstance } from "./helpers.ts";

/**
 * Jobs running past the maximum runtime: failed with a reason, their instances terminated. The
 * agent enforces the same limit on the instance; this is the backstop when the agent cannot.
 */
export async function maxRuntime(ctx: TaskContext): Promise<TaskReport> {
  const limit = ctx.config.maxRuntimeMs + ctx.config.maxRuntimeGraceMs;
  for await (const job of jobsOlderThan(ctx, "running", limit)) {
    if (!ctx.more()) break;
    ctx.count("checked");
    const started = Date.parse(job.startedAt ?? job.updatedAt);
    if (ctx.now - started <= limit) continue;
    await ctx.step({ jobId: job.jobId, instanceId: job.instanceId }, () =>
      onJob("fail overrun job", job, async () => {
        const reason = `ran longer than the maximum runtime of ${span(ctx.config.maxRuntimeMs)}`;
        // The record first: once failed, nothing else acts on the job, and if the terminate
        // below fails the orphan sweep finds an instance whose job is over.
        await ctx.jobs.transition(job.jobId, {
          from: "running",
          to: "failed",
          expectedVersion: job.version,
          patch: { reason, completedAt: iso(ctx.now) },
        });
        ctx.count("failed");
        ctx.logger.warn("job exceeded the maximum runtime", {
          jobId: job.jobId,
          startedAt: job.startedAt,
        });
        if (job.instanceId) await terminateInstance(ctx, job.instanceId, reason);
      }),
    );
  }
  return ctx.report;
}
