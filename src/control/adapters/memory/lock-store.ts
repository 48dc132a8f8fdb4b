import type { Clock } from "../../ports/clock.ts";
import type { LockHolder, LockStore } from "../../ports/lock-store.ts";

/**
 * LockStore in process memory, with the DynamoDB store's rules: a lock is taken when free,
 * expired or already ours; renew and release only check the owner (an expired lock nobody took
 * over is still its owner's to renew or give up); `holder` reads an expired lock as free.
 */
export function createMemoryLockStore(options: { clock: Clock }): LockStore {
  const { clock } = options;
  const locks = new Map<string, LockHolder>();
  const until = (ttlMs: number) => clock.now() + Math.max(0, ttlMs);
  const ownedBy = (name: string, owner: string) => locks.get(name)?.owner === owner;

  return {
    async acquire(name, owner, ttlMs) {
      const current = locks.get(name);
      if (current && current.expiresAt > clock.now() && current.owner !== owner) return false;
      locks.set(name, { owner, expiresAt: until(ttlMs) });
      return true;
    },

    async renew(name, owner, ttlMs) {
      if (!ownedBy(name, owner)) return false;
      locks.set(name, { owner, expiresAt: until(ttlMs) });
      return true;
    },

    async release(name, owner) {
      if (!ownedBy(name, owner)) return false;
      locks.delete(name);
      return true;
    },

    async holder(name) {
      const current = locks.get(name);
      return current && current.expiresAt > clock.now() ? { ...current } : null;
    },
  };
}
