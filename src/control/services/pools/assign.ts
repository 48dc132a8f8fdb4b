import { ConflictError } from "../../domain/errors.ts";
import type { Job } from "../../domain/job.ts";
import { runnerName } from "../../domain/runner-name.ts";
import type { GitHub } from "../../ports/github.ts";
import type { JobStore } from "../../ports/job-store.ts";
import type { RunnerConfigStore } from "../../ports/runner-config-store.ts";
import { endInstance } from "../common/instances.ts";
import { type Claim, type ClaimDeps, claimMember, releaseMember } from "./claim.ts";
import type { PoolDeps } from "./deps.ts";

/** What assigning a `pool=` job to a pool member needs beyond the pool manager's own ports. */
export type AssignDeps = ClaimDeps &
  Pick<PoolDeps, "metrics"> & {
    jobs: Pick<JobStore, "transition">;
    github: Pick<GitHub, "createRunnerConfig">;
    runnerConfigs: RunnerConfigStore;
    /** Called after a claim so the pool refills at once rather than at the next housekeeping run. */
    afterClaim?(pool: string): void;
  };

/** The job now runs on a pool member (`launched`), or it was moved meanwhile (`skipped`), or why it goes cold. */
export type Assignment =
  | { kind: "assigned"; outcome: "launched" | "skipped"; claim: Claim }
  | { kind: "miss"; reason: string };

/**
 * Puts a job held in `launching` on an idle member of its pool: the claim (a conditional write),
 * its runner config (the agent's standby loop picks it up), then `launched`. A miss says why, and
 * the caller launches cold; nothing here waits for capacity.
 */
export async function assignToPool(deps: AssignDeps, job: Job, pool: string): Promise<Assignment> {
  const claim = await claimMember(deps, pool, job.jobId, job.traceparent ?? null, job.spec?.env);
  deps.metrics.count("PoolClaims", 1, { pool, result: claim ? claim.from : "miss" });
  if (!claim) return { kind: "miss", reason: `pool ${pool}: no idle member; launched cold` };
  deps.afterClaim?.(pool);
  const { instance } = claim;
  const instanceId = instance.instanceId;
  try {
    const config = await deps.github.createRunnerConfig({
      jobId: job.jobId,
      repo: job.repo,
      labels: job.labels,
      instanceId,
      ...(job.installationId ? { installationId: job.installationId } : {}),
    });
    const { eventKey: _none, ...rest } = config;
    await deps.runnerConfigs.put(
      instanceId,
      { eventKey: instance.eventKey ?? "", ...rest },
      { env: instance.env },
    );
  } catch (err) {
    deps.logger.warn("pool member claimed but its runner config failed; released", {
      jobId: job.jobId,
      instanceId,
      error: err,
    });
    await releaseMember(deps, instance);
    return { kind: "miss", reason: `pool ${pool}: runner config failed; launched cold` };
  }
  const reason = `pool ${pool}: ${claim.from === "hot" ? "hot member" : "stopped member started"}`;
  try {
    await deps.jobs.transition(job.jobId, {
      from: "launching",
      to: "launched",
      expectedVersion: job.version,
      patch: { instanceId, runnerName: runnerName(job.jobId, instanceId), reason },
    });
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err;
    // The job moved while we claimed. Its agent may already hold the config, so the member is
    // ended (as a cold launch would be), not handed back; the pool refills.
    await deps.runnerConfigs.delete(instanceId);
    await endInstance(deps, instanceId, `pool ${pool}: job ${job.jobId} moved during its claim`);
    return { kind: "assigned", outcome: "skipped", claim };
  }
  deps.logger.info("job assigned to a pool member", {
    jobId: job.jobId,
    instanceId,
    pool,
    from: claim.from,
  });
  return { kind: "assigned", outcome: "launched", claim };
}
