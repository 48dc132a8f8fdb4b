import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Backends, startBackends } from "../../../../test/support/control-plane.ts";
import { createDynamoLockStore } from "../../adapters/aws/dynamo-lock-store.ts";
import { fixedClock } from "../../adapters/clock.ts";
import { runExclusive } from "./task-lock.ts";

let b: Backends;
beforeAll(async () => {
  b = await startBackends();
});
afterAll(async () => {
  await b?.stop();
});

const t0 = Date.parse("2026-04-01T00:00:00Z");
function setup() {
  const clock = fixedClock(t0);
  const locks = createDynamoLockStore({ client: b.dynamodb, tableName: b.tables.locks, clock });
  return { clock, locks };
}

describe("runExclusive", () => {
  it("runs the task once among replicas that try at the same moment, then frees the lock", async () => {
    const { clock, locks } = setup();
    let runs = 0;
    let refused = 0;
    let wake = () => {};
    // The winner stays inside until every other replica has been refused (or, were the lock
    // broken, a second one got in): no sleep, so a slow machine cannot let a late one through.
    const othersDone = new Promise<void>((resolve) => {
      wake = () => {
        if (refused === 4 || runs > 1) resolve();
      };
    });
    const task = async () => {
      runs++;
      wake();
      await othersDone;
      return "done";
    };
    const results = await Promise.all(
      ["a", "b", "c", "d", "e"].map(async (o) => {
        const r = await runExclusive(locks, "t1", o, 60_000, task, { clock });
        if (!r.ran) refused++;
        wake();
        return r;
      }),
    );
    expect(runs).toBe(1);
    expect(results.filter((r) => r.ran)).toEqual([{ ran: true, result: "done" }]);
    expect(await locks.holder("t1")).toBeNull();
  });

  it("does not run while another owner holds the lock, and runs once it expired", async () => {
    const { clock, locks } = setup();
    await locks.acquire("t2", "other", 30_000);
    let called = false;
    const fn = async () => {
      called = true;
      return 1;
    };
    expect(await runExclusive(locks, "t2", "me", 30_000, fn, { clock })).toEqual({ ran: false });
    expect(called).toBe(false);
    clock.advance(30_000);
    expect(await runExclusive(locks, "t2", "me", 30_000, fn, { clock })).toEqual({
      ran: true,
      result: 1,
    });
  });

  it("keeps the lock until the hold ends, so a later replica's tick does not run it again", async () => {
    const { clock, locks } = setup();
    const fn = async () => {
      clock.advance(5_000);
      return null;
    };
    expect((await runExclusive(locks, "t3", "a", 60_000, fn, { clock, holdMs: 30_000 })).ran).toBe(
      true,
    );
    expect(await locks.holder("t3")).toEqual({ owner: "a", expiresAt: t0 + 30_000 });
    clock.advance(20_000);
    expect((await runExclusive(locks, "t3", "b", 60_000, fn, { clock })).ran).toBe(false);
    clock.set(t0 + 30_000);
    expect((await runExclusive(locks, "t3", "b", 60_000, fn, { clock })).ran).toBe(true);
  });

  it("gives the deadline and renewal to the task, and frees the lock when the task throws", async () => {
    const { clock, locks } = setup();
    const seen: number[] = [];
    const failing = runExclusive(
      locks,
      "t4",
      "a",
      10_000,
      async (lock) => {
        seen.push(lock.deadline);
        clock.advance(8_000);
        expect(await lock.renew()).toBe(true);
        seen.push(lock.deadline);
        throw new Error("boom");
      },
      { clock, holdMs: 60_000 },
    );
    await expect(failing).rejects.toThrow("boom");
    expect(seen).toEqual([t0 + 10_000, t0 + 18_000]);
    expect(await locks.holder("t4")).toBeNull();
  });
});
