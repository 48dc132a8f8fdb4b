import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  circuitsTableDefinition,
  createDynamoCircuitStore,
} from "../../src/control/adapters/aws/dynamo-circuit-store.ts";
import { fixedClock } from "../../src/control/adapters/clock.ts";
import { createMemoryCircuitStore } from "../../src/control/adapters/memory/circuit-store.ts";
import {
  type CircuitConfig,
  type CircuitState,
  closedCircuit,
} from "../../src/control/domain/circuit.ts";
import { ConflictError, FleetError } from "../../src/control/domain/errors.ts";
import { createCircuitService } from "../../src/control/services/common/circuits.ts";
import { retryDelay } from "../../src/control/services/common/retry.ts";
import { type Dynamo, startDynamo } from "../support/dynalite.ts";
import { testCredentials } from "../support/moto.ts";

const min = 60_000;
const t0 = Date.UTC(2025, 0, 1);
const config: CircuitConfig = {
  threshold: 3,
  windowMs: 15 * min,
  cooldownMs: 30 * min,
  maxCooldownMs: 8 * 60 * min,
  tripMemoryMs: 6 * 60 * min,
  probeTimeoutMs: 10 * min,
};

let db: Dynamo;
let tableCount = 0;
let table: string;
const clients: DynamoDBClient[] = [];

function client(): DynamoDBClient {
  const c = new DynamoDBClient({
    endpoint: db.endpoint,
    region: "us-east-1",
    credentials: testCredentials,
  });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  db = await startDynamo();
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await db.stop();
});
beforeEach(async () => {
  table = `circuits-${++tableCount}`;
  await client().send(new CreateTableCommand(circuitsTableDefinition(table)));
});

// Versioned saves and reads are the circuit-store contract (test/contracts), run against
// dynalite there; this block keeps what only DynamoDB shows.
describe("DynamoDB circuit store", () => {
  it("writes the TTL attribute in epoch seconds", async () => {
    const c = client();
    const store = createDynamoCircuitStore({ client: c, tableName: table });
    await store.save(closedCircuit("r7g.large"), 0, t0 + 1500);
    const raw = await c.send(
      new GetItemCommand({ TableName: table, Key: { instanceType: { S: "r7g.large" } } }),
    );
    expect(raw.Item?.expiresAt?.N).toBe(String(Math.ceil((t0 + 1500) / 1000)));
  });

  it("refuses a record that does not parse instead of trusting it", async () => {
    const c = client();
    await c.send(
      new PutItemCommand({
        TableName: table,
        Item: { instanceType: { S: "x.large" }, state: { S: "ajar" } },
      }),
    );
    const store = createDynamoCircuitStore({ client: c, tableName: table });
    await expect(store.getMany(["x.large"])).rejects.toMatchObject({ code: "corrupt_record" });
  });

  it("reports a missing table as a FleetError that a retry will not fix", async () => {
    const store = createDynamoCircuitStore({ client: client(), tableName: "missing-table" });
    const err = await store.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FleetError);
    expect((err as FleetError).retryable).toBe(false);
  });
});

describe("circuit service", () => {
  function service(clock = fixedClock(t0), cacheTtlMs = 5_000) {
    const store = createDynamoCircuitStore({ client: client(), tableName: table });
    return { clock, svc: createCircuitService({ store, clock, config, cacheTtlMs }) };
  }

  it("opens after three interruptions, goes half-open after the cooldown, probe closes", async () => {
    const { clock, svc } = service();
    await svc.recordInterruption("c7g.large", "i-1");
    await svc.recordInterruption("c7g.large", "i-1"); // same instance reported twice
    clock.advance(min);
    await svc.recordInterruption("c7g.large", "i-2");
    expect((await svc.check(["c7g.large"])).get("c7g.large")?.state).toBe("closed");
    const opened = await svc.recordInterruption("c7g.large", "i-3");
    expect(opened).toMatchObject({ state: "open", resetAt: t0 + 31 * min });

    clock.set(t0 + 31 * min);
    expect((await svc.check(["c7g.large"])).get("c7g.large")?.state).toBe("half-open");
    expect(await svc.startProbe("c7g.large")).toBe(true);
    expect(await svc.startProbe("c7g.large")).toBe(false);
    expect(await svc.probeSucceeded("c7g.large")).toMatchObject({
      state: "closed",
      interruptions: [],
    });
  });

  it("a probe interrupted re-opens; reset closes by hand; list shows every circuit", async () => {
    const { clock, svc } = service();
    for (const id of ["a", "b", "c"]) await svc.recordInterruption("m8g.large", id);
    await svc.recordInterruption("c8g.large", "d");
    clock.set(t0 + 30 * min);
    expect(await svc.startProbe("m8g.large")).toBe(true);
    const reopened = await svc.recordInterruption("m8g.large", "probe");
    // The probe failed: the second open in a row, so twice the cooldown.
    expect(reopened).toMatchObject({ state: "open", trips: 2, resetAt: t0 + 90 * min });
    expect((await svc.list()).map((c) => [c.instanceType, c.state])).toEqual([
      ["c8g.large", "closed"],
      ["m8g.large", "open"],
    ]);
    expect(await svc.reset("m8g.large")).toMatchObject({ state: "closed", interruptions: [] });
    expect(await svc.startProbe("m8g.large")).toBe(false);
  });

  it("serves reads from its cache until the TTL passes", async () => {
    const clock = fixedClock(t0);
    const reader = service(clock, 10_000).svc;
    const writer = service(clock, 10_000).svc;
    expect((await reader.check(["c7i.large"])).get("c7i.large")?.state).toBe("closed");
    for (const id of ["a", "b", "c"]) await writer.recordInterruption("c7i.large", id);
    clock.advance(9_999);
    expect((await reader.check(["c7i.large"])).get("c7i.large")?.state).toBe("closed");
    clock.advance(1);
    expect((await reader.check(["c7i.large"])).get("c7i.large")?.state).toBe("open");
  });

  it("two replicas recording at once lose no interruption", async () => {
    const clock = fixedClock(t0);
    const bigThreshold = { ...config, threshold: 1000 };
    const replicas = [0, 1].map(() =>
      createCircuitService({
        store: createDynamoCircuitStore({ client: client(), tableName: table }),
        clock,
        config: bigThreshold,
      }),
    );
    const calls = Array.from({ length: 12 }, (_, i) =>
      replicas[i % 2]!.recordInterruption("c7a.large", `i-${i}`),
    );
    await Promise.all(calls);
    const [state] = await replicas[0]!.list();
    expect(state?.interruptions).toHaveLength(12);
    expect(new Set(state?.interruptedInstances)).toEqual(
      new Set(Array.from({ length: 12 }, (_, i) => `i-${i}`)),
    );
    expect(state?.version).toBe(12);
  });

  it("two replicas racing for the probe: exactly one wins", async () => {
    const clock = fixedClock(t0);
    const [a, b] = [0, 1].map(() => service(clock).svc);
    for (const id of ["x", "y", "z"]) await a!.recordInterruption("m7i.large", id);
    clock.set(t0 + 30 * min);
    const won = await Promise.all([
      a!.startProbe("m7i.large"),
      b!.startProbe("m7i.large"),
      a!.startProbe("m7i.large"),
      b!.startProbe("m7i.large"),
    ]);
    expect(won.filter(Boolean)).toHaveLength(1);
  });
});

describe("circuit service under contention", () => {
  /** A store where another writer always gets there first, `losses` times in a row. */
  function contendedStore(losses: number) {
    const store = createMemoryCircuitStore();
    let lost = 0;
    return {
      ...store,
      async save(state: CircuitState, expectedVersion: number, expiresAt: number) {
        if (lost < losses) {
          lost++;
          throw new ConflictError(`circuit ${state.instanceType} changed`);
        }
        return await store.save(state, expectedVersion, expiresAt);
      },
    };
  }

  it("pauses between lost races as retryDelay says, then applies the event", async () => {
    const pauses: number[] = [];
    const svc = createCircuitService({
      store: contendedStore(3),
      clock: fixedClock(t0),
      config,
      sleep: async (ms) => {
        pauses.push(ms);
      },
      random: () => 0,
    });
    const state = await svc.recordInterruption("c6g.large", "i-1");
    expect(state).toMatchObject({ interruptions: [t0], version: 1 });
    const pause = { baseSeconds: 0.005, maxSeconds: 0.1, wholeSeconds: false, random: () => 0 };
    expect(pauses).toEqual([1, 2, 3].map((n) => retryDelay(null, n, pause) * 1000));
    expect(pauses[0]).toBeCloseTo(2.5);
    expect(pauses[2]).toBeCloseTo(10);
  });

  it("reports a circuit that keeps changing as a retryable contention, not a conflict", async () => {
    const svc = createCircuitService({
      store: contendedStore(Number.POSITIVE_INFINITY),
      clock: fixedClock(t0),
      config,
      maxAttempts: 4,
      sleep: async () => {},
    });
    const err = await svc.recordInterruption("c6g.large", "i-1").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FleetError);
    expect(err).not.toBeInstanceOf(ConflictError);
    expect(err).toMatchObject({ code: "contended", retryable: true });
    expect((err as Error).message).toBe("circuit c6g.large: 4 conflicting writes in a row");
  });
});
