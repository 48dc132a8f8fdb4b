import type { Clock } from "../ports/clock.ts";

/** A dependency readiness probe. */
export interface Check {
  name: string;
  ping(): Promise<void>;
}

/**
 * `ok`: answered within the limit. `down`: answered with an error, or has not answered well for
 * longer than the stale limit. `slow`: no answer within the limit yet, but the last answer was
 * good and recent, so the dependency is taken to be busy rather than gone.
 */
export type CheckState = "ok" | "slow" | "down";

/** One check's result as the health routes report it. */
export interface CheckResult {
  name: string;
  ok: boolean;
  state: CheckState;
  latencyMs: number;
  error?: string;
}

export interface ProbeOptions {
  /** How long a request waits for the answer before reporting the check slow. */
  timeoutMs: number;
  /** How long after its last good answer a silent dependency still counts as up. */
  staleAfterMs: number;
  clock: Clock;
}

type Answer = { ok: true } | { ok: false; error: string };

/**
 * Runs a check for the health routes. Requests made while a ping is in flight wait on that ping
 * rather than start another (a busy dependency is not sent more work by its own health checks).
 */
export function createProbe(check: Check, options: ProbeOptions): () => Promise<CheckResult> {
  const { timeoutMs, staleAfterMs, clock } = options;
  let inFlight: Promise<Answer> | null = null;
  let lastGoodAt: number | null = null;

  const ping = (): Promise<Answer> => {
    if (inFlight) return inFlight;
    const started = check.ping().then(
      (): Answer => {
        lastGoodAt = clock.now();
        return { ok: true };
      },
      (err: unknown): Answer => {
        // An error is a definite answer: the dependency is down until it answers well again.
        lastGoodAt = null;
        return { ok: false, error: err instanceof Error ? err.message : String(err) };
      },
    );
    inFlight = started.finally(() => {
      inFlight = null;
    });
    return inFlight;
  };

  return async () => {
    const start = clock.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), timeoutMs);
    });
    try {
      const answer = await Promise.race([ping(), timedOut]);
      const latencyMs = clock.now() - start;
      if (answer?.ok) return { name: check.name, ok: true, state: "ok", latencyMs };
      if (answer) {
        return { name: check.name, ok: false, state: "down", latencyMs, error: answer.error };
      }
      const now = clock.now();
      const fresh = lastGoodAt !== null && now - lastGoodAt <= staleAfterMs;
      const last =
        lastGoodAt === null ? "no good answer yet" : `last good answer ${now - lastGoodAt} ms ago`;
      return {
        name: check.name,
        ok: fresh,
        state: fresh ? "slow" : "down",
        latencyMs,
        error: `no answer within ${timeoutMs} ms (${last})`,
      };
    } finally {
      clearTimeout(timer);
    }
  };
}
