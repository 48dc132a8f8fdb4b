import type { Clock } from "../../ports/clock.ts";

/** Refresh installation tokens this long before GitHub's `expires_at` (tokens live one hour). */
export const defaultTokenRefreshMarginMs = 5 * 60_000;

/**
 * The cache Octokit's App auth keeps installation tokens in, timed by our Clock instead of its
 * own fixed 59-minute LRU: an entry is dropped `marginMs` before the token's `expires_at`.
 * Octokit stores `token|createdAt|expiresAt|…`; a value we cannot date is not kept (a fresh token
 * each time is slower but never wrong).
 */
export function createTokenCache(clock: Clock, marginMs = defaultTokenRefreshMarginMs) {
  const entries = new Map<string, { value: string; refreshAt: number }>();
  return {
    get(key: string): string | undefined {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      if (clock.now() >= entry.refreshAt) {
        entries.delete(key);
        return undefined;
      }
      return entry.value;
    },
    set(key: string, value: string): void {
      const expiresAt = Date.parse(value.split("|")[2] ?? "");
      if (Number.isNaN(expiresAt)) return;
      entries.set(key, { value, refreshAt: expiresAt - marginMs });
    },
    /** Number of cached tokens (for tests and debugging; never the tokens themselves). */
    size: () => entries.size,
  };
}
