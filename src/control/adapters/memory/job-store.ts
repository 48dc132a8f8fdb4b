import { ConflictError, ValidationError } from "../../domain/errors.ts";
import { canTransition, type Job, timelineLimit } from "../../domain/job.ts";
import type { Clock } from "../../ports/clock.ts";
import type { JobPage, JobStore } from "../../ports/job-store.ts";
import { copyData } from "./copy.ts";
import { compareKeys, decodeKey, pageAfter } from "./cursor.ts";
import { patched, versionedRecords } from "./versioned-records.ts";

/** Sort key of the `by-status` order: last update, then job id. */
const byUpdate = (job: Job) => [job.updatedAt, job.jobId];

function cursorKey(cursor: string | undefined): string[] | undefined {
  if (cursor === undefined) return undefined;
  const key = decodeKey(cursor, 2);
  if (!key) throw new ValidationError("invalid cursor");
  return key;
}

/** One page of `jobs` in `by-status` order, newest or oldest first. */
function page(
  jobs: Job[],
  query: { limit: number; cursor?: string },
  descending: boolean,
): JobPage {
  const after = cursorKey(query.cursor);
  const sorted = jobs.sort((a, b) =>
    descending ? compareKeys(byUpdate(b), byUpdate(a)) : compareKeys(byUpdate(a), byUpdate(b)),
  );
  const out = pageAfter(sorted, byUpdate, {
    limit: query.limit,
    descending,
    ...(after ? { after } : {}),
  });
  return {
    jobs: out.items.map((j) => copyData(j)),
    ...(out.next ? { next: out.next } : {}),
  };
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
  const jobs = versionedRecords<Job>({ indexBy: (j) => j.status });
  const iso = () => new Date(clock.now()).toISOString();

  return {
    async create(job) {
      const { created, stored } = jobs.create(job.jobId, job);
      return { created, job: stored };
    },

    async get(jobId) {
      return jobs.get(jobId);
    },

    async transition(jobId, change) {
      if (!canTransition(change.from, change.to)) {
        throw new ConflictError(
          `job ${jobId}: ${change.from} → ${change.to} is not an allowed transition`,
        );
      }
      if (jobs.peek(jobId)?.status !== change.from)
        throw new ConflictError(`job ${jobId} is no longer ${change.from}`);
      const conflict = `job ${jobId} changed since it was read (expected ${change.from})`;
      return jobs.replace(jobId, change.expectedVersion, conflict, (job) => {
        const next = patched(job, change.patch ?? {});
        const at = iso();
        const entry = {
          at,
          from: change.from,
          to: change.to,
          reason: change.patch?.reason ?? null,
          instanceId: change.patch?.instanceId ?? null,
        };
        return {
          ...next,
          status: change.to,
          version: change.expectedVersion + 1,
          updatedAt: at,
          timeline: [...(job.timeline ?? []), entry].slice(-timelineLimit),
        };
      });
    },

    async list(query) {
      const matching = query.status === undefined ? jobs.all() : jobs.grouped(query.status);
      return page([...matching], query, true);
    },

    async listUpdatedBefore(query) {
      const matching = jobs.grouped(query.status).filter((j) => j.updatedAt < query.updatedBefore);
      return page([...matching], query, false);
    },

    async touchEnqueued(jobId, expectedVersion, at) {
      const conflict = `job ${jobId} is no longer queued at version ${expectedVersion}`;
      if (jobs.peek(jobId)?.status !== "queued") throw new ConflictError(conflict);
      return jobs.replace(jobId, expectedVersion, conflict, (job) => ({
        ...job,
        lastEnqueuedAt: at,
        updatedAt: iso(),
        version: expectedVersion + 1,
      }));
    },

    async remove(jobId, expectedVersion) {
      jobs.remove(jobId, expectedVersion, `job ${jobId} changed since version ${expectedVersion}`);
    },

    async byInstance(instanceId) {
      return jobs
        .all()
        .filter((j) => j.instanceId === instanceId)
        .sort((a, b) => compareKeys([a.jobId], [b.jobId]))
        .map((j) => copyData(j));
    },

    async ping() {},

    size: () => jobs.size(),
  };
}
