import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDynamoInstanceStore } from "../../src/control/adapters/aws/dynamo-instance-store.ts";
import { createDynamoJobStore } from "../../src/control/adapters/aws/dynamo-job-store.ts";
import { createDynamoPoolStateStore } from "../../src/control/adapters/aws/dynamo-pool-state-store.ts";
import {
  ensureTables,
  instancesTableDefinition,
  jobsTableDefinition,
  simpleTableDefinition,
} from "../../src/control/adapters/aws/tables.ts";
import { fixedClock } from "../../src/control/adapters/clock.ts";
import { createMemoryMetrics } from "../../src/control/adapters/memory/metrics.ts";
import { createMemoryPoolStateStore } from "../../src/control/adapters/memory/pool-state-store.ts";
import { createMemoryRunnerConfigStore } from "../../src/control/adapters/memory/runner-config-store.ts";
import { ConflictError } from "../../src/control/domain/errors.ts";
import { initialPoolState } from "../../src/control/domain/pool-state.ts";
import type { GitHub } from "../../src/control/ports/github.ts";
import type { PoolStateStore } from "../../src/control/ports/pool-state-store.ts";
import { type AssignDeps, assignToPool } from "../../src/control/services/pools/assign.ts";
import { claimMember } from "../../src/control/services/pools/claim.ts";
import { silentLogger } from "../../src/shared/logger.ts";
import { startDynamo } from "../support/dynalite.ts";
import { hotPoolMember as hotMember } from "../support/instances.ts";
import { sampleJob } from "../support/jobs.ts";
import { testCredentials } from "../support/moto.ts";

const t0 = Date.parse("2026-03-01T00:10:00.000Z");
const health = { heartbeatTimeoutMs: 90_000, bootGraceMs: 300_000 };
let db: Awaited<ReturnType<typeof startDynamo>>;
let tables = 0;
const clients: DynamoDBClient[] = [];

beforeAll(async () => {
  db = await startDynamo();
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await db.stop();
});

/** A client per replica: separate processes would each have their own. */
function client() {
  const c = new DynamoDBClient({
    endpoint: db.endpoint,
    region: "us-east-1",
    credentials: testCredentials,
  });
  clients.push(c);
  return c;
}

async function freshTables() {
  const n = ++tables;
  const names = {
    instances: `race-instances-${n}`,
    jobs: `race-jobs-${n}`,
    pools: `race-pools-${n}`,
  };
  await ensureTables(client(), [
    instancesTableDefinition(names.instances),
    jobsTableDefinition(names.jobs),
    simpleTableDefinition(names.pools, "name"),
  ]);
  return names;
}

const fakeGitHub: Pick<GitHub, "createRunnerConfig"> = {
  async createRunnerConfig(r) {
    return { kind: "jit", jobId: r.jobId, runnerName: `rf-${r.jobId}`, encodedJitConfig: "x" };
  },
};

describe("pool claims on DynamoDB (dynalite)", () => {
  it("two jobs, one hot member, two replicas: exactly one claim wins", async () => {
    const names = await freshTables();
    const clock = fixedClock(t0);
    const replica = () => ({
      instances: createDynamoInstanceStore({ client: client(), tableName: names.instances, clock }),
      compute: { start: async () => {}, terminate: async () => {}, describe: async () => [] },
      clock,
      logger: silentLogger,
      health,
    });
    const [a, b] = [replica(), replica()];
    await a.instances.create(hotMember("i-hot"));
    const [first, second] = await Promise.all([
      claimMember(a, "linux", "101"),
      claimMember(b, "linux", "102"),
    ]);
    const winners = [first, second].filter((c) => c !== null);
    expect(winners).toHaveLength(1);
    const stored = await a.instances.get("i-hot");
    expect(stored).toMatchObject({ state: "pending", jobId: winners[0]?.instance.jobId });
    expect(["101", "102"]).toContain(stored?.jobId);
  });

  it("assigns one job to the hot member and sends the other cold, with the reason", async () => {
    const names = await freshTables();
    const clock = fixedClock(t0);
    const metrics = createMemoryMetrics();
    const runnerConfigs = createMemoryRunnerConfigStore();
    const replica = (): AssignDeps => ({
      instances: createDynamoInstanceStore({ client: client(), tableName: names.instances, clock }),
      jobs: createDynamoJobStore({ client: client(), tableName: names.jobs, clock }),
      compute: { start: async () => {}, terminate: async () => {}, describe: async () => [] },
      github: fakeGitHub,
      runnerConfigs,
      clock,
      logger: silentLogger,
      metrics,
      health,
    });
    const [a, b] = [replica(), replica()];
    await a.instances.create(hotMember("i-hot"));
    const jobs = createDynamoJobStore({ client: client(), tableName: names.jobs, clock });
    const launching = async (jobId: string) => {
      await jobs.create(sampleJob({ jobId, status: "launching", version: 1 }));
      return (await jobs.get(jobId)) ?? sampleJob();
    };
    const [j1, j2] = [await launching("201"), await launching("202")];
    const outcomes = await Promise.all([
      assignToPool(a, j1, "linux"),
      assignToPool(b, j2, "linux"),
    ]);
    const kinds = outcomes.map((o) => o.kind).sort();
    expect(kinds).toEqual(["assigned", "miss"]);
    const miss = outcomes.find((o) => o.kind === "miss");
    expect(miss).toMatchObject({ reason: "pool linux: no idle member; launched cold" });
    const hitJob = outcomes[0]?.kind === "assigned" ? "201" : "202";
    expect(await jobs.get(hitJob)).toMatchObject({
      status: "launched",
      instanceId: "i-hot",
      reason: "pool linux: hot member",
    });
    // The member's runner config carries its own event key, for its agent's standby loop.
    expect(await runnerConfigs.get("i-hot")).toMatchObject({
      jobId: hitJob,
      eventKey: "5e".repeat(32),
    });
    expect(await a.instances.get("i-hot")).toMatchObject({ jobId: hitJob, state: "pending" });
  });
});

/** What both pool-state stores do. */
function poolStateContract(name: string, make: () => Promise<PoolStateStore>) {
  describe(`${name}: pool state store`, () => {
    it("saves conditionally on version and reads back what it wrote, nulls included", async () => {
      const store = await make();
      const first = await store.save(
        {
          ...initialPoolState("linux", "2026-03-01T00:00:00.000Z"),
          override: { hot: 3, stopped: 1, until: "x" },
        },
        0,
      );
      expect(first.version).toBe(1);
      await expect(store.save(first, 0)).rejects.toBeInstanceOf(ConflictError);
      const second = await store.save({ ...first, override: null, paused: true }, 1);
      expect(await store.get("linux")).toEqual(second);
      expect(await store.get("other")).toBeNull();
      expect(await store.list()).toEqual([second]);
      await expect(store.save(second, 7)).rejects.toBeInstanceOf(ConflictError);
    });
  });
}
poolStateContract("memory", async () => createMemoryPoolStateStore());
poolStateContract("DynamoDB", async () =>
  createDynamoPoolStateStore({ client: client(), tableName: (await freshTables()).pools }),
);
