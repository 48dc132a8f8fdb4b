import type { Instance } from "../../domain/instance.ts";
import { isTerminal, type Job } from "../../domain/job.ts";
import { FleetTag } from "../../domain/launch-slot.ts";
import type { InstanceInfo } from "../../ports/compute.ts";
import type { TaskContext, TaskReport } from "./deps.ts";
import { terminateInstance } from "./helpers.ts";

/** What is known of one running machine, for the orphan decision. */
export interface OrphanFacts {
  instance: InstanceInfo;
  record: Instance | null;
  /** The job the record (or else the tag) names, as stored; null when none or unknown. */
  job: Job | null;
  now: number;
  graceMs: number;
  /** Names of the defined pools; null when unknown (then pool membership alone explains). */
  pools?: ReadonlySet<string> | null;
}

/** The longest `debug=` hold honoured (LABELS.md), whatever a tag says. */
const maxDebugMinutes = 120;

/**
 * Until when (ms) a machine tagged with `debug=` minutes is kept after its finished job, or
 * null when it has no such tag. Counted from the job's end (its last update when that is not
 * recorded).
 */
export function debugUntil(instance: InstanceInfo, job: Job): number | null {
  const raw = instance.tags[FleetTag.debugMinutes];
  if (raw === undefined || !/^\d{1,3}$/.test(raw)) return null;
  const minutes = Math.min(Number(raw), maxDebugMinutes);
  const ended = Date.parse(job.completedAt ?? job.updatedAt);
  return Number.isNaN(ended) || minutes === 0 ? null : ended + minutes * 60_000;
}

/**
 * Why a managed machine should not exist, or null when something still explains it. Young
 * machines are spared (their records may not be written yet), and so are pool instances that
 * wait for a job: the pool manager owns those.
 */
export function orphanReason(f: OrphanFacts): string | null {
  const { instance, record, job } = f;
  const launchedAt = instance.launchedAt ?? (record ? Date.parse(record.launchedAt) : Number.NaN);
  if (Number.isNaN(launchedAt) || f.now - launchedAt < f.graceMs) return null;
  if (record?.state === "terminated" || record?.state === "offline")
    return `recorded as ${record.state}`;
  const jobId = record ? record.jobId : (instance.tags[FleetTag.jobId] ?? null);
  const pool = record?.pool ?? instance.tags[FleetTag.pool] ?? null;
  // An idle pool member is its pool's to judge, if the pool exists and the member is recorded.
  if (pool && !jobId && record)
    return f.pools && !f.pools.has(pool) ? `pool ${pool} is not defined` : null;
  if (!record) return "no instance record";
  if (!jobId) return "no job";
  if (!job) return `job ${jobId} is unknown`;
  if (isTerminal(job.status)) {
    // A `debug=` instance is kept after its job for SSH / Session Manager; past that, it goes.
    const until = debugUntil(instance, job);
    if (until !== null && f.now < until) return null;
    return `job ${jobId} is ${job.status}`;
  }
  if (job.instanceId !== instance.instanceId)
    return `job ${jobId} is bound to ${job.instanceId ?? "no instance"}`;
  return null;
}

/**
 * Managed machines that no live job explains (a launch whose record was never written, a job
 * that finished or moved elsewhere): terminated once older than the grace period.
 */
export async function orphans(ctx: TaskContext): Promise<TaskReport> {
  const running = await ctx.compute.describe({
    tags: { [FleetTag.managed]: "true" },
    states: ["pending", "running"],
  });
  const pools = ctx.pools ? new Set(await ctx.pools.names()) : null;
  for (const instance of running.slice(0, ctx.config.scanLimit)) {
    if (!ctx.more()) break;
    ctx.count("checked");
    const id = instance.instanceId;
    const reason = await ctx.look({ instanceId: id }, async () => {
      const record = await ctx.instances.get(id);
      const jobId = record ? record.jobId : (instance.tags[FleetTag.jobId] ?? null);
      const job = jobId ? await ctx.jobs.get(jobId) : null;
      return orphanReason({
        instance,
        record,
        job,
        now: ctx.now,
        graceMs: ctx.config.orphanGraceMs,
        pools,
      });
    });
    if (!reason) continue;
    await ctx.step({ instanceId: id, reason }, async () => {
      ctx.logger.warn("terminating orphaned instance", { instanceId: id, reason });
      await terminateInstance(ctx, id, `orphaned: ${reason}`);
    });
  }
  return ctx.report;
}
