import { describe, expect, it } from "vitest";
import { fixedClock } from "../../src/control/adapters/clock.ts";
import type { Clock } from "../../src/control/ports/clock.ts";
import type { LockStore } from "../../src/control/ports/lock-store.ts";

const t0 = Date.parse("2026-04-01T00:00:00Z");

/**
 * What every LockStore does. `make` returns a way to open replicas: stores that share one empty
 * lock table and read time from `clock`.
 */
export function lockStoreContract(name: string, make: (clock: Clock) => Promise<() => LockStore>) {
  describe(`${name}: lock store contract`, () => {
    it("lets exactly one of many replicas take a free lock at once", async () => {
      const replica = await make(fixedClock(t0));
      const stores = Array.from({ length: 12 }, () => replica());
      const won = await Promise.all(
        stores.map((s, i) => s.acquire("race", `replica-${i}`, 30_000)),
      );
      expect(won.filter(Boolean)).toHaveLength(1);
      const winner = `replica-${won.indexOf(true)}`;
      expect(await stores[0]?.holder("race")).toEqual({ owner: winner, expiresAt: t0 + 30_000 });
    });

    it("refuses a held lock, lets its owner take it again, and hands an expired one over", async () => {
      const clock = fixedClock(t0);
      const replica = await make(clock);
      const s = replica();
      expect(await s.acquire("takeover", "a", 10_000)).toBe(true);
      expect(await s.acquire("takeover", "b", 10_000)).toBe(false);
      expect(await s.acquire("takeover", "a", 20_000)).toBe(true);
      clock.advance(19_999);
      expect(await s.acquire("takeover", "b", 10_000)).toBe(false);
      clock.advance(1);
      expect(await s.holder("takeover")).toBeNull();
      // Several replicas find the lock expired at the same moment: still only one takes it.
      const won = await Promise.all(
        ["b", "c", "d", "e"].map((o) => replica().acquire("takeover", o, 10_000)),
      );
      expect(won.filter(Boolean)).toHaveLength(1);
      expect(await s.release("takeover", "a")).toBe(false);
    });

    it("renews and releases only for the owner", async () => {
      const clock = fixedClock(t0);
      const s = (await make(clock))();
      expect(await s.renew("renew", "a", 5_000)).toBe(false);
      expect(await s.acquire("renew", "a", 5_000)).toBe(true);
      clock.advance(4_000);
      expect(await s.renew("renew", "a", 5_000)).toBe(true);
      expect(await s.renew("renew", "b", 5_000)).toBe(false);
      clock.advance(4_000);
      expect(await s.holder("renew")).toEqual({ owner: "a", expiresAt: t0 + 9_000 });
      expect(await s.release("renew", "b")).toBe(false);
      expect(await s.release("renew", "a")).toBe(true);
      expect(await s.holder("renew")).toBeNull();
      expect(await s.acquire("renew", "b", 5_000)).toBe(true);
    });

    it("leaves an expired lock nobody took over to its owner to renew or give up", async () => {
      const clock = fixedClock(t0);
      const s = (await make(clock))();
      await s.acquire("late", "a", 1_000);
      clock.advance(5_000);
      expect(await s.holder("late")).toBeNull();
      expect(await s.renew("late", "a", 1_000)).toBe(true);
      expect(await s.holder("late")).toEqual({ owner: "a", expiresAt: t0 + 6_000 });
      clock.advance(2_000);
      expect(await s.release("late", "a")).toBe(true);
      expect(await s.release("late", "a")).toBe(false);
    });

    it("treats a negative time to live as expiring at once", async () => {
      const s = (await make(fixedClock(t0)))();
      expect(await s.acquire("negative", "a", -5_000)).toBe(true);
      expect(await s.holder("negative")).toBeNull();
      expect(await s.acquire("negative", "b", 1_000)).toBe(true);
      expect(await s.holder("negative")).toEqual({ owner: "b", expiresAt: t0 + 1_000 });
    });
  });
}
