import { ConflictError, ValidationError } from "../../domain/errors.ts";
import { canTransition, type Job } from "../../domain/job.ts";
import type { Clock } from "../../ports/clock.ts";
import type { JobPage, JobStore } from "../../ports/job-store.ts";
import { compareKeys, decodeKey, pageAfter } from "./cursor.ts";

/** Sort key of the `by-status` order: last update, then job id. */
const byUpdate = (job: Job) => [job.updatedAt, job.jobId];

/** Applies a patch as the DynamoDB store does: undefined leaves a field alone, null clears it. */
function patched<T extends object>(record: T, patch: object): T {
  const out = { ...record } as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch)) if (value !== undefined) out[key] = value;
  return out as T;
}

function cursorKey(cursor: string | undefined): string[] | undefined {
  if (cursor === undefined) return undefined;
  const key = decodeKey(cursor, 2);
  if (!key) throw new ValidationError("invalid cursor");
  return key;
}

/**
 * JobStore in process memory, with the DynamoDB store's semantics: conditional create,
 * version- and state-checked transitions (ConflictError), copies in and out so no caller holds
 * the stored record. For benchmarks and service tests; nothing survives the process.
 */
export function createMemoryJobStore(options: { clock: Clock }): JobStore & {
  /** Number of stored jobs. */
  size(): number;
} {
  const { clock } = options;
  const jobs = new Map<string, Job>();
  const iso = () => new Date(clock.now()).toISOString();
  const out = (job: Job) => structuredClone(job);

  /** Replaces the stored job when it is still at `expectedVersion`, else ConflictError. */
  const swap = (jobId: string, expectedVersion: number, what: string, next: (j: Job) => Job) => {
    const current = jobs.get(jobId);
    if (!current || current.version !== expectedVersion)
      throw new ConflictError(`job ${jobId} changed since it was read (${what})`);
    const updated = next(current);
    jobs.set(jobId, updated);
    return out(updated);
  };

  return {
    async create(job) {
      const existing = jobs.get(job.jobId);
      if (existing) return { created: false, job: out(existing) };
      jobs.set(job.jobId, structuredClone(job));
      return { created: true, job };
    },

    async get(jobId) {
      const job = jobs.get(jobId);
      return job ? out(job) : null;
    },

    async transition(jobId, change) {
      if (!canTransition(change.from, change.to)) {
        throw new ConflictError(
          `job ${jobId}: ${change.from} → ${change.to} is not an allowed transition`,
        );
      }
      if (jobs.get(jobId)?.status !== change.from)
        throw new ConflictError(`job ${jobId} is no longer ${change.from}`);
      return swap(jobId, change.expectedVersion, `expected ${change.from}`, (job) => ({
        ...patched(job, change.patch ?? {}),
        status: change.to,
        version: change.expectedVersion + 1,
        updatedAt: iso(),
      }));
    },

    async list(query): Promise<JobPage> {
      const after = cursorKey(query.cursor);
      const matching = [...jobs.values()]
        .filter((j) => query.status === undefined || j.status === query.status)
        .sort((a, b) => compareKeys(byUpdate(b), byUpdate(a)));
      const page = pageAfter(matching, byUpdate, {
        limit: query.limit,
        descending: true,
        ...(after ? { after } : {}),
      });
      return { jobs: page.items.map(out), ...(page.next ? { next: page.next } : {}) };
    },

    async listUpdatedBefore(query) {
      const after = cursorKey(query.cursor);
      const matching = [...jobs.values()]
        .filter((j) => j.status === query.status && j.updatedAt < query.updatedBefore)
        .sort((a, b) => compareKeys(byUpdate(a), byUpdate(b)));
      const page = pageAfter(matching, byUpdate, {
        limit: query.limit,
        descending: false,
        ...(after ? { after } : {}),
      });
      return { jobs: page.items.map(out), ...(page.next ? { next: page.next } : {}) };
    },

    async touchEnqueued(jobId, expectedVersion, at) {
      if (jobs.get(jobId)?.status !== "queued")
        throw new ConflictError(`job ${jobId} is no longer queued at version ${expectedVersion}`);
      return swap(jobId, expectedVersion, "re-send stamp", (job) => ({
        ...job,
        lastEnqueuedAt: at,
        updatedAt: iso(),
        version: expectedVersion + 1,
      }));
    },

    async remove(jobId, expectedVersion) {
      if (jobs.get(jobId)?.version !== expectedVersion)
        throw new ConflictError(`job ${jobId} changed since version ${expectedVersion}`);
      jobs.delete(jobId);
    },

    async byInstance(instanceId) {
      return [...jobs.values()]
        .filter((j) => j.instanceId === instanceId)
        .sort((a, b) => compareKeys([a.jobId], [b.jobId]))
        .map(out);
    },

    async ping() {},

    size: () => jobs.size,
  };
}
