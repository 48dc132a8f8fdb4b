import { FleetError } from "../../domain/errors.ts";

/** How long to wait between attempts; every field has a default. */
export interface RetryOptions {
  /** Delay of the first retry before jitter (default 5 s); it doubles with each attempt. */
  baseSeconds?: number;
  /** Longest backoff before jitter (default 300 s). */
  maxSeconds?: number;
  /**
   * Longest wait a remote side's `retryAfterMs` is honoured to (default one hour, GitHub's rate
   * limit window). A message's visibility cannot be pushed past 12 h after it was received, so
   * this stays well below that.
   */
  maxRetryAfterSeconds?: number;
  /** Whole seconds, as SQS visibility timeouts need (default true). */
  wholeSeconds?: boolean;
  /** Source of jitter in [0, 1); injectable so tests are deterministic. */
  random?: () => number;
}

/** The wait a remote side asked for, found on the error or on one of its causes. */
function retryAfterOf(error: unknown): number | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof FleetError && e.retryAfterMs !== undefined) return e.retryAfterMs;
  }
  return undefined;
}

/**
 * Seconds to wait before attempt number `attempt + 1` (an SQS receive count, or a loop counter
 * starting at 1). A `retryAfterMs` on the error wins, since trying earlier only fails again;
 * otherwise `baseSeconds` doubles per attempt up to `maxSeconds`, and "equal jitter" spreads the
 * result over its upper half so that replicas that failed together do not retry together.
 */
export function retryDelay(error: unknown, attempt: number, options: RetryOptions = {}): number {
  const whole = options.wholeSeconds !== false;
  const asked = retryAfterOf(error);
  if (asked !== undefined) {
    const ceiling = options.maxRetryAfterSeconds ?? 3_600;
    const seconds = Math.min(ceiling, Math.max(0, asked) / 1000);
    // Rounded up: coming back a moment before the remote side allows only fails again.
    return whole ? Math.ceil(seconds) : seconds;
  }
  const base = options.baseSeconds ?? 5;
  const cap = options.maxSeconds ?? 300;
  // The exponent is bounded so a zero base never meets an infinite power (NaN).
  const backoff = Math.min(cap, base * 2 ** Math.min(30, Math.max(0, attempt - 1)));
  const random = options.random ?? Math.random;
  const spread = Math.min(1, Math.max(0, random()));
  const delay = backoff * (0.5 + spread / 2);
  return whole ? Math.round(delay) : delay;
}
