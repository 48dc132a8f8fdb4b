/** How delays grow between attempts. */
export interface BackoffPolicy {
  /** Delay before the first retry, in milliseconds. */
  baseMs: number;
  /** Upper bound of any delay. */
  maxMs: number;
  /** Growth per attempt (2 doubles). */
  factor?: number;
}

/**
 * Delay before retry number `attempt` (0-based), with "equal jitter": half the exponential delay
 * is kept and half is random, so many instances never retry in lockstep yet each still waits.
 * `random` returns a number in [0, 1).
 */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const exp = policy.baseMs * (policy.factor ?? 2) ** Math.max(0, attempt);
  const capped = Math.min(policy.maxMs, exp);
  return capped / 2 + (random() * capped) / 2;
}

/** Resolves after `ms`, or early (without throwing) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** Options for `retry`. */
export interface RetryOptions extends BackoffPolicy {
  /** Total attempts, the first included. */
  attempts: number;
  /** False stops retrying at once (a non-retryable error). */
  shouldRetry?: (err: unknown) => boolean;
  signal?: AbortSignal;
  random?: () => number;
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

/** Calls `fn` until it succeeds, backing off between attempts; rethrows the last error. */
export async function retry<T>(
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      const last = attempt + 1 >= options.attempts;
      if (last || options.signal?.aborted || options.shouldRetry?.(err) === false) throw err;
      const delay = backoffDelay(attempt, options, options.random);
      options.onRetry?.(err, attempt, delay);
      await sleep(delay, options.signal);
    }
  }
}
