import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDynamoJobStore } from "../../src/control/adapters/aws/dynamo-job-store.ts";
import { createDynamoLockStore } from "../../src/control/adapters/aws/dynamo-lock-store.ts";
import { fixedClock } from "../../src/control/adapters/clock.ts";
import { type CapacityLimits, scopesOf, waitingReason } from "../../src/control/domain/capacity.ts";
import type { Job } from "../../src/control/domain/job.ts";
import {
  admitJob,
  type CapacityDeps,
} from "../../src/control/services/scheduling/capacity-gate.ts";
import { type Backends, startBackends } from "../support/control-plane.ts";
import { defaultSpec, sampleJob } from "../support/jobs.ts";
import { testCredentials } from "../support/moto.ts";

// Several control-plane replicas, each with its own DynamoDB client and stores, share one
// dynalite: the limit must hold across them (conditional writes on slot locks).
let b: Backends;
beforeAll(async () => {
  b = await startBackends({ prefix: "cap-" });
});
afterAll(async () => {
  await b?.stop();
});

const t0 = Date.UTC(2026, 2, 2, 9);
const iso = (ms: number) => new Date(ms).toISOString();
let prefixN = 0;

/** A limit of one instance for `repo`, nothing else limited. */
const oneForRepo = (repo: string): CapacityLimits => ({
  repositories: { [repo]: 1 },
  environments: {},
  organisations: {},
  agingMinutes: 10,
});

function replicas(n: number, limits: CapacityLimits, clock = fixedClock(t0)) {
  return Array.from({ length: n }, () => {
    const client = new DynamoDBClient({
      endpoint: b.db.endpoint,
      region: "us-east-1",
      credentials: testCredentials,
    });
    const deps: CapacityDeps = {
      limits,
      clock,
      locks: createDynamoLockStore({ client, tableName: b.tables.locks, clock }),
      jobs: createDynamoJobStore({ client, tableName: b.tables.jobs, clock }),
    };
    return { deps, client };
  });
}

/** Stores a job in `status` (the gate sees claimed jobs in `launching`). */
async function stored(
  r: CapacityDeps,
  over: Partial<Job> & { jobId: string },
  status: Job["status"] = "launching",
) {
  const jobs = createDynamoJobStore({
    client: b.dynamodb,
    tableName: b.tables.jobs,
    clock: r.clock as ReturnType<typeof fixedClock>,
  });
  const job = (
    await jobs.create(sampleJob({ status: "queued", version: 1, createdAt: iso(t0), ...over }))
  ).job;
  if (status === "queued") return job;
  return await jobs.transition(job.jobId, {
    from: "queued",
    to: status,
    expectedVersion: job.version,
  });
}

describe("capacity limits across replicas (dynalite)", () => {
  it("admits no more jobs than the limit, whichever replica asks", async () => {
    const repo = `org${++prefixN}/app`;
    const limits: CapacityLimits = {
      repositories: { [repo]: 3 },
      environments: {},
      organisations: {},
      agingMinutes: 10,
    };
    const rs = replicas(3, limits);
    const jobs = await Promise.all(
      Array.from({ length: 12 }, (_, i) => stored(rs[0]!.deps, { jobId: `${prefixN}-${i}`, repo })),
    );
    const answers = await Promise.all(jobs.map((job, i) => admitJob(rs[i % 3]!.deps, job)));
    expect(answers.filter((a) => a.ok)).toHaveLength(3);
    const refused = answers.find((a) => !a.ok);
    expect(refused && !refused.ok && waitingReason(refused.scope)).toBe(
      `waiting for capacity: repository ${repo} limit (3) reached [repo:${repo}]`,
    );
    for (const r of rs) r.client.destroy();
  });

  it("gives a freed slot to the waiting job of highest priority, then the oldest", async () => {
    const repo = `org${++prefixN}/app`;
    const limits = oneForRepo(repo);
    const clock = fixedClock(t0);
    const [a, c] = replicas(2, limits, clock);
    const spec = (priority: "low" | "normal" | "high") => ({ ...defaultSpec, priority });
    const running = await stored(a!.deps, { jobId: `${prefixN}-run`, repo });
    expect((await admitJob(a!.deps, running)).ok).toBe(true);
    const scope = scopesOf({ repo, env: "default" }, limits)[0]!;
    // Two jobs wait on the limit: a low one queued first, a high one a minute later.
    await stored(
      a!.deps,
      { jobId: `${prefixN}-low`, repo, spec: spec("low"), reason: waitingReason(scope) },
      "queued",
    );
    await stored(
      a!.deps,
      {
        jobId: `${prefixN}-high`,
        repo,
        spec: spec("high"),
        createdAt: iso(t0 + 60_000),
        reason: waitingReason(scope),
      },
      "queued",
    );
    // The running job ends; a normal job arriving now must not jump the queue.
    const jobs = createDynamoJobStore({ client: b.dynamodb, tableName: b.tables.jobs, clock });
    await jobs.transition(running.jobId, {
      from: "launching",
      to: "completed",
      expectedVersion: running.version,
    });
    clock.set(t0 + 120_000);
    const newcomer = await stored(a!.deps, {
      jobId: `${prefixN}-new`,
      repo,
      createdAt: iso(t0 + 120_000),
    });
    expect((await admitJob(c!.deps, newcomer)).ok).toBe(false);
    // The low job is older but the high one goes first.
    const claim = async (jobId: string) => {
      const job = await jobs.get(jobId);
      return await jobs.transition(jobId, {
        from: "queued",
        to: "launching",
        expectedVersion: job!.version,
      });
    };
    expect((await admitJob(c!.deps, await claim(`${prefixN}-low`))).ok).toBe(false);
    expect((await admitJob(a!.deps, await claim(`${prefixN}-high`))).ok).toBe(true);
    for (const r of [a!, c!]) r.client.destroy();
  });

  it("ages a waiting low job above a fresh high one, so low never starves", async () => {
    const repo = `org${++prefixN}/app`;
    const limits = oneForRepo(repo);
    const clock = fixedClock(t0);
    const [a] = replicas(1, limits, clock);
    const scope = scopesOf({ repo, env: "default" }, limits)[0]!;
    await stored(
      a!.deps,
      {
        jobId: `${prefixN}-low`,
        repo,
        spec: { ...defaultSpec, priority: "low" },
        reason: waitingReason(scope),
      },
      "queued",
    );
    // 25 minutes on, the low job has gained two levels: it ranks above a high job just queued.
    clock.set(t0 + 25 * 60_000);
    const high = await stored(a!.deps, {
      jobId: `${prefixN}-high`,
      repo,
      spec: { ...defaultSpec, priority: "high" },
      createdAt: iso(t0 + 25 * 60_000),
    });
    expect((await admitJob(a!.deps, high)).ok).toBe(false);
    a!.client.destroy();
  });
});
