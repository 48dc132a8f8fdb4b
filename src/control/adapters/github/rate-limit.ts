import type { Clock } from "../../ports/clock.ts";
import type { RateLimitBudget } from "../../ports/github.ts";
import type { Metrics } from "../../ports/metrics.ts";
import type { Headers } from "./errors.ts";

/** Whose budget a request spends: an installation's, or the App's own (JWT) one. */
export interface BudgetKey {
  appId: string;
  installationId?: number;
}

function keyOf(k: BudgetKey): string {
  return `${k.appId}:${k.installationId ?? "app"}`;
}

function num(headers: Headers | undefined, name: string): number | undefined {
  const raw = headers?.[name];
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Remembers the request budget GitHub reports in `x-ratelimit-*` headers, per App installation,
 * and when a limit says "wait". Reports the remaining budget as the gauge
 * `github.rate_limit.remaining` (dims `appId`, `installation`).
 */
export function createRateLimitTracker(clock: Clock, metrics: Metrics) {
  const budgets = new Map<string, RateLimitBudget>();
  const entry = (k: BudgetKey): RateLimitBudget => {
    const key = keyOf(k);
    let b = budgets.get(key);
    if (b === undefined) {
      b = { appId: k.appId, limit: 0, remaining: 0, resetAt: 0 };
      if (k.installationId !== undefined) b.installationId = k.installationId;
      budgets.set(key, b);
    }
    return b;
  };
  const dims = (k: BudgetKey) => ({
    appId: k.appId,
    installation: String(k.installationId ?? "app"),
  });

  return {
    /** Reads the budget headers of one response (or error response). */
    observe(k: BudgetKey, headers: Headers | undefined): void {
      const remaining = num(headers, "x-ratelimit-remaining");
      if (remaining === undefined) return;
      const b = entry(k);
      b.remaining = remaining;
      b.limit = num(headers, "x-ratelimit-limit") ?? b.limit;
      const reset = num(headers, "x-ratelimit-reset");
      if (reset !== undefined) b.resetAt = reset * 1000;
      // An empty budget stays empty until the reset: asking earlier only earns a 403.
      if (remaining === 0 && b.resetAt > clock.now())
        b.blockedUntil = Math.max(b.blockedUntil ?? 0, b.resetAt);
      metrics.gauge("github.rate_limit.remaining", remaining, dims(k));
    },
    /** Counts a failed GitHub request in `APIErrors`. */
    failed(): void {
      metrics.count("APIErrors", 1, { service: "GitHub" });
    },
    /** Holds calls on this budget until `until` (a secondary limit's `retry-after`). */
    block(k: BudgetKey, until: number): void {
      const b = entry(k);
      b.blockedUntil = Math.max(b.blockedUntil ?? 0, until);
      metrics.count("github.throttled", 1, dims(k));
    },
    /** Milliseconds until calls on this budget may go out again; 0 when they may now. */
    waitMs(k: BudgetKey): number {
      const until = budgets.get(keyOf(k))?.blockedUntil ?? 0;
      return Math.max(0, until - clock.now());
    },
    /** Every budget seen so far; waits already over are left out. */
    snapshot(): RateLimitBudget[] {
      const now = clock.now();
      return [...budgets.values()].map((b) => {
        const { blockedUntil, ...rest } = b;
        return blockedUntil !== undefined && blockedUntil > now
          ? { ...rest, blockedUntil }
          : { ...rest };
      });
    },
  };
}
export type RateLimitTracker = ReturnType<typeof createRateLimitTracker>;
