/** How hard a GitHub call is retried before the error goes back to the caller. */
export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** First backoff step; doubles each try, with full jitter. */
  baseDelayMs: number;
  /** Cap of one backoff step. */
  maxDelayMs: number;
  /**
   * Longest wait we sit out in-process; a longer `retry-after` goes back to the caller as a
   * retryable error with `retryAfterMs`, so a queue can hold the work instead of a thread.
   */
  maxWaitMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  attempts: 3,
  baseDelayMs: 500,
  maxDelayMs: 5_000,
  maxWaitMs: 15_000,
};

/** Exponential backoff with full jitter for try number `attempt` (1-based) that just failed. */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * step);
}

/**
 * A wait GitHub asked for, plus up to a second (or a fifth of it) of jitter, so that replicas
 * told the same `retry-after` do not all come back in the same instant.
 */
export function withJitterMs(waitMs: number, random: () => number): number {
  return Math.ceil(waitMs + random() * Math.min(1000, Math.max(100, waitMs / 5)));
}
