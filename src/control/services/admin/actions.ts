import { NotFoundError } from "../../domain/errors.ts";
import type { Instance } from "../../domain/instance.ts";
import type { Job } from "../../domain/job.ts";
import type { Clock } from "../../ports/clock.ts";
import type { Compute } from "../../ports/compute.ts";
import type { GitHub } from "../../ports/github.ts";
import type { InstanceStore } from "../../ports/instance-store.ts";
import type { JobStore } from "../../ports/job-store.ts";
import type { CircuitService } from "../common/circuits.ts";
import { retryOnConflict } from "../common/conflicts.ts";
import { endInstance } from "../common/instances.ts";
import { jobRef } from "../common/jobs.ts";
import { type ActionContext, ActionRefusedError, type Auditor } from "./audit.ts";

/** What each action needs; pools and DLQ redrive only where this deployment has them. */
export interface AdminActionDeps {
  audit: Auditor;
  jobs: JobStore;
  instances: InstanceStore;
  circuits: CircuitService;
  compute: Pick<Compute, "terminate">;
  github: Pick<GitHub, "rerunJob">;
  clock: Clock;
  /** Runs the DLQ redrive now (housekeeping's task, under its lock). */
  redrive?: () => Promise<{ ran: boolean; report?: unknown; error?: string }>;
  /** The pools service's controls, once pools exist in this deployment. */
  pools?: {
    resize(name: string, size: { hot: number; stopped: number; minutes: number }): Promise<unknown>;
    setPaused(name: string, paused: boolean): Promise<unknown>;
  };
}

const jobState = (j: Job) => ({ status: j.status, reason: j.reason, version: j.version });
const instanceState = (i: Instance) => ({ state: i.state, market: i.market, jobId: i.jobId });

async function mustGetJob(jobs: JobStore, jobId: string): Promise<Job> {
  const job = await jobs.get(jobId);
  if (!job) throw new NotFoundError(`job ${jobId} not found`);
  return job;
}

/** The admin actions, UI and API alike; each is audited through `deps.audit`. */
export function createAdminActions(deps: AdminActionDeps) {
  const { audit } = deps;
  return {
    /** Closes a spot circuit by hand. */
    resetCircuit: (ctx: ActionContext, instanceType: string) =>
      audit.run(ctx, "circuit.reset", instanceType, async () => {
        const before = (await deps.circuits.list()).find((s) => s.instanceType === instanceType);
        const after = await deps.circuits.reset(instanceType);
        return {
          before: before ? { state: before.state } : { state: "closed" },
          after: { state: after.state },
          result: after,
        };
      }),

    /** Cancels a job still waiting in the queue; the scheduler then finds nothing to claim. */
    cancelJob: (ctx: ActionContext, jobId: string) =>
      audit.run(ctx, "job.cancel", jobId, () =>
        retryOnConflict(`job ${jobId}`, async () => {
          const job = await mustGetJob(deps.jobs, jobId);
          if (job.status !== "queued")
            throw new ActionRefusedError(
              `job ${jobId} is ${job.status}; only a queued job can be cancelled`,
            );
          const after = await deps.jobs.transition(jobId, {
            from: "queued",
            to: "cancelled",
            expectedVersion: job.version,
            patch: { reason: `cancelled by ${ctx.actor}` },
          });
          return { before: jobState(job), after: jobState(after), result: after };
        }),
      ),

    /** Asks GitHub to run a failed job again; its new attempt arrives as a new webhook. */
    retryJob: (ctx: ActionContext, jobId: string) =>
      audit.run(ctx, "job.retry", jobId, async () => {
        const job = await mustGetJob(deps.jobs, jobId);
        if (job.status !== "failed")
          throw new ActionRefusedError(
            `job ${jobId} is ${job.status}; only a failed job can be retried`,
          );
        const answer = await deps.github.rerunJob(jobRef(job));
        return { before: jobState(job), after: { github: answer }, result: answer };
      }),

    /** Terminates an instance and records it; its job is settled by the usual lifecycle. */
    terminateInstance: (ctx: ActionContext, instanceId: string) =>
      audit.run(ctx, "instance.terminate", instanceId, async () => {
        const before = await deps.instances.get(instanceId);
        if (!before) throw new NotFoundError(`instance ${instanceId} not found`);
        if (before.state === "terminated")
          throw new ActionRefusedError(`instance ${instanceId} is already terminated`);
        await endInstance(deps, instanceId, `terminated by ${ctx.actor}`);
        const after = (await deps.instances.get(instanceId)) ?? before;
        return { before: instanceState(before), after: instanceState(after), result: after };
      }),

    /** Moves dead letters back now instead of at housekeeping's next run. */
    redriveDlq: (ctx: ActionContext) =>
      audit.run(ctx, "dlq.redrive", "all", async () => {
        if (!deps.redrive) throw new ActionRefusedError("no dead-letter queue is configured");
        const out = await deps.redrive();
        if (out.error) throw new Error(`redrive failed: ${out.error}`);
        if (!out.ran)
          throw new ActionRefusedError("a redrive ran moments ago (its lock is held); try later");
        return { before: null, after: out.report ?? null, result: out };
      }),

    /** Stores a GitHub App made by the manifest flow (`make` exchanges the code and saves it). */
    createApp: <T extends { appId: string }>(ctx: ActionContext, make: () => Promise<T>) =>
      audit.run(ctx, "github.app.create", "manifest", async () => {
        const stored = await make();
        return { before: null, after: { appId: stored.appId }, result: stored };
      }),

    /** Sets a pool's size for a while, beating its schedules. */
    resizePool: (
      ctx: ActionContext,
      name: string,
      size: { hot: number; stopped: number; minutes: number },
    ) =>
      audit.run(ctx, "pool.resize", name, async () => {
        if (!deps.pools) throw new ActionRefusedError("pools are not available here");
        const after = await deps.pools.resize(name, size);
        return { before: null, after, result: after };
      }),

    /** Pauses or resumes a pool. */
    pausePool: (ctx: ActionContext, name: string, paused: boolean) =>
      audit.run(ctx, paused ? "pool.pause" : "pool.resume", name, async () => {
        if (!deps.pools) throw new ActionRefusedError("pools are not available here");
        const after = await deps.pools.setPaused(name, paused);
        return { before: { paused: !paused }, after, result: after };
      }),
  };
}
export type AdminActions = ReturnType<typeof createAdminActions>;
