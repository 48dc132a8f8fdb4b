import { systemClock } from "../../adapters/clock.ts";
import type { Clock } from "../../ports/clock.ts";
import type { LockStore } from "../../ports/lock-store.ts";

/** What a task running under a lock may ask of it. */
export interface LockContext {
  /** Ms since the epoch when the lock runs out: stop taking new work before then. */
  deadline: number;
  /** Pushes the lock's expiry to `ttlMs` from now (default the original ttl); false if lost. */
  renew(ttlMs?: number): Promise<boolean>;
}

/** Whether the task ran (only the lock's holder runs it) and what it returned. */
export type ExclusiveResult<T> = { ran: false } | { ran: true; result: T };

export interface RunExclusiveOptions {
  clock?: Clock;
  /**
   * Keep the lock until `holdMs` after it was taken, even when the task finished sooner, so a
   * task scheduled on many replicas runs once per interval (a released lock could be taken
   * again at once by a replica that ticked a moment later).
   */
  holdMs?: number;
}

/**
 * Runs `fn` only when the lock `name` can be taken for `ttlMs`, then gives the lock up (or keeps
 * it until `holdMs`). An error from `fn` releases the lock, so the next tick may try again.
 */
export async function runExclusive<T>(
  locks: LockStore,
  name: string,
  owner: string,
  ttlMs: number,
  fn: (lock: LockContext) => Promise<T>,
  options: RunExclusiveOptions = {},
): Promise<ExclusiveResult<T>> {
  const clock = options.clock ?? systemClock;
  // Read before the write, so the deadline never lies beyond the stored expiry.
  const takenAt = clock.now();
  if (!(await locks.acquire(name, owner, ttlMs))) return { ran: false };
  const lock: LockContext = {
    deadline: takenAt + ttlMs,
    async renew(ms = ttlMs) {
      const at = clock.now();
      const ok = await locks.renew(name, owner, ms);
      if (ok) lock.deadline = at + ms;
      return ok;
    },
  };
  let result: T;
  try {
    result = await fn(lock);
  } catch (err) {
    await letGo(locks, name, owner, 0);
    throw err;
  }
  const keepMs = options.holdMs === undefined ? 0 : takenAt + options.holdMs - clock.now();
  await letGo(locks, name, owner, keepMs);
  return { ran: true, result };
}

/** Releases the lock, or shortens it to `keepMs`; a failure here only delays the next run. */
async function letGo(locks: LockStore, name: string, owner: string, keepMs: number) {
  try {
    if (keepMs > 0) await locks.renew(name, owner, keepMs);
    else await locks.release(name, owner);
  } catch {
    // The lock expires on its own; the task's own result matters more than this write.
  }
}
