import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Backends, startBackends } from "../../../../test/support/control-plane.ts";
import { fixedClock } from "../clock.ts";
import { createDynamoLockStore } from "./dynamo-lock-store.ts";

let b: Backends;
beforeAll(async () => {
  b = await startBackends();
});
afterAll(async () => {
  await b?.stop();
});

const t0 = Date.parse("2026-04-01T00:00:00Z");
const storeWith = (clock = fixedClock(t0)) =>
  createDynamoLockStore({ client: b.dynamodb, tableName: b.tables.locks, clock });

describe("DynamoDB lock store", () => {
  it("lets exactly one of many replicas take a free lock at once", async () => {
    const clock = fixedClock(t0);
    const stores = Array.from({ length: 12 }, () => storeWith(clock));
    const won = await Promise.all(stores.map((s, i) => s.acquire("race", `replica-${i}`, 30_000)));
    expect(won.filter(Boolean)).toHaveLength(1);
    const winner = `replica-${won.indexOf(true)}`;
    expect(await stores[0]?.holder("race")).toEqual({ owner: winner, expiresAt: t0 + 30_000 });
  });

  it("refuses a held lock, lets its owner take it again, and hands an expired one over", async () => {
    const clock = fixedClock(t0);
    const s = storeWith(clock);
    expect(await s.acquire("takeover", "a", 10_000)).toBe(true);
    expect(await s.acquire("takeover", "b", 10_000)).toBe(false);
    expect(await s.acquire("takeover", "a", 20_000)).toBe(true);
    clock.advance(19_999);
    expect(await s.acquire("takeover", "b", 10_000)).toBe(false);
    clock.advance(1);
    expect(await s.holder("takeover")).toBeNull();
    // Several replicas find the lock expired at the same moment: still only one takes it.
    const won = await Promise.all(
      ["b", "c", "d", "e"].map((o) => storeWith(clock).acquire("takeover", o, 10_000)),
    );
    expect(won.filter(Boolean)).toHaveLength(1);
    expect(await s.release("takeover", "a")).toBe(false);
  });

  it("renews and releases only for the owner", async () => {
    const clock = fixedClock(t0);
    const s = storeWith(clock);
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

  it("stores the expiry in epoch seconds for DynamoDB's TTL", async () => {
    const { GetCommand, DynamoDBDocumentClient } = await import("@aws-sdk/lib-dynamodb");
    const s = storeWith(fixedClock(t0 + 250));
    await s.acquire("ttl", "a", 60_000);
    const out = await DynamoDBDocumentClient.from(b.dynamodb).send(
      new GetCommand({ TableName: b.tables.locks, Key: { name: "ttl" } }),
    );
    expect(out.Item).toMatchObject({ owner: "a", expiresAt: Math.ceil((t0 + 60_250) / 1000) });
  });
});
