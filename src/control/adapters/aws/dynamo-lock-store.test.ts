import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Backends, startBackends } from "../../../../test/support/control-plane.ts";
import { fixedClock } from "../clock.ts";
import { createDynamoLockStore } from "./dynamo-lock-store.ts";
import { createDynamoMarkerStore } from "./dynamo-marker-store.ts";

// The stores' rules are the lock and marker contracts (test/contracts), run against dynalite
// there; this suite keeps what only the DynamoDB items show.
let b: Backends;
beforeAll(async () => {
  b = await startBackends();
});
afterAll(async () => {
  await b?.stop();
});

const t0 = Date.parse("2026-04-01T00:00:00Z");
const read = async (name: string) =>
  (
    await DynamoDBDocumentClient.from(b.dynamodb).send(
      new GetCommand({ TableName: b.tables.locks, Key: { name } }),
    )
  ).Item;

describe("DynamoDB lock and marker items", () => {
  it("stores a lock's expiry in epoch seconds for DynamoDB's TTL", async () => {
    const s = createDynamoLockStore({
      client: b.dynamodb,
      tableName: b.tables.locks,
      clock: fixedClock(t0 + 250),
    });
    await s.acquire("ttl", "a", 60_000);
    expect(await read("ttl")).toMatchObject({
      owner: "a",
      expiresAt: Math.ceil((t0 + 60_250) / 1000),
    });
  });

  it("keeps a marker beside a task lock of the same name, its expiry in epoch seconds", async () => {
    const clock = fixedClock(t0 + 250);
    const locks = createDynamoLockStore({ client: b.dynamodb, tableName: b.tables.locks, clock });
    const markers = createDynamoMarkerStore({
      client: b.dynamodb,
      tableName: b.tables.locks,
      clock,
    });
    await locks.acquire("shared", "a", 60_000);
    await markers.put("shared", { on: true }, 60);
    expect(await markers.get("shared")).toEqual({ on: true });
    expect(await locks.holder("shared")).toEqual({ owner: "a", expiresAt: t0 + 60_250 });
    expect(await read("marker:shared")).toMatchObject({ expiresAt: t0 / 1000 + 60 });
  });
});
