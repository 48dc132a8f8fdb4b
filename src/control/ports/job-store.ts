import type { Job, JobPatch, JobStatus } from "../domain/job.ts";

/** A request to move a job to another state; refused unless the stored job still matches. */
export interface JobTransition {
  /** The state the caller read; the write fails unless the job is still in it. */
  from: JobStatus;
  to: JobStatus;
  /** The version the caller read; the write fails with ConflictError if it changed. */
  expectedVersion: number;
  patch?: JobPatch;
}

/** Page of jobs, newest update first. */
export interface JobPage {
  jobs: Job[];
  /** Opaque cursor for the next page, absent on the last page. */
  next?: string;
}

/** The jobs table: the source of truth for every job. */
export interface JobStore {
  /**
   * Creates the job unless one with the same id exists (GitHub redelivers). Returns the stored
   * job and whether this call created it. A duplicate only records its delivery id.
   */
  create(job: Job): Promise<{ created: boolean; job: Job }>;
  /** The job, or null when unknown. */
  get(jobId: string): Promise<Job | null>;
  /**
   * Applies a transition with a conditional write on `version`. Throws ConflictError when the
   * version moved or the transition is not allowed from the stored state.
   */
  transition(jobId: string, change: JobTransition): Promise<Job>;
  /** Jobs in one state (or all), most recently updated first. */
  list(query: { status?: JobStatus; limit: number; cursor?: string }): Promise<JobPage>;
  /**
   * Jobs in one state whose last update is older than `updatedBefore` (ISO), oldest first, so a
   * bounded sweep always sees the longest-waiting jobs.
   */
  listUpdatedBefore(query: {
    status: JobStatus;
    updatedBefore: string;
    limit: number;
    cursor?: string;
  }): Promise<JobPage>;
  /**
   * Records that a queued job's message was sent again at `at` (ISO) without changing its state.
   * Throws ConflictError when the version moved or the job is no longer queued.
   */
  touchEnqueued(jobId: string, expectedVersion: number, at: string): Promise<Job>;
  /** Deletes a job record (retention where the table has no TTL); ConflictError if it moved. */
  remove(jobId: string, expectedVersion: number): Promise<void>;
  /** Jobs bound to an instance. */
  byInstance(instanceId: string): Promise<Job[]>;
  /** Cheap round trip to prove the store answers (readiness). */
  ping(): Promise<void>;
}
