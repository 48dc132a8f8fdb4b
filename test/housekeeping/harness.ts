import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDynamoInstanceStore } from "../../src/control/adapters/aws/dynamo-instance-store.ts";
import { createDynamoJobStore } from "../../src/control/adapters/aws/dynamo-job-store.ts";
import { createDynamoLockStore } from "../../src/control/adapters/aws/dynamo-lock-store.ts";
import { createSqsJobQueue } from "../../src/control/adapters/aws/sqs-job-queue.ts";
import {
  ensureTables,
  instancesTableDefinition,
  jobsTableDefinition,
  simpleTableDefinition,
} from "../../src/control/adapters/aws/tables.ts";
import { fixedClock } from "../../src/control/adapters/clock.ts";
import { createLocalCompute } from "../../src/control/adapters/local/local-compute.ts";
import { createMemoryMetrics } from "../../src/control/adapters/memory/metrics.ts";
import type { Instance } from "../../src/control/domain/instance.ts";
import type { Job } from "../../src/control/domain/job.ts";
import { FleetTag } from "../../src/control/domain/launch-slot.ts";
import type { Placement } from "../../src/control/domain/placement.ts";
import type { GitHub, GitHubJobStatus } from "../../src/control/ports/github.ts";
import {
  type HousekeepingConfig,
  housekeepingConfig,
  housekeepingTasks,
} from "../../src/control/services/housekeeping/config.ts";
import type { HousekeepingDeps } from "../../src/control/services/housekeeping/deps.ts";
import { createHousekeeping } from "../../src/control/services/housekeeping/housekeeping.ts";
import { silentLogger } from "../../src/shared/logger.ts";
import { type Backends, startBackends } from "../support/control-plane.ts";
import { sampleInstance } from "../support/instances.ts";
import { sampleJob } from "../support/jobs.ts";

/** Where every housekeeping test starts its fixed clock. */
export const T0 = Date.parse("2026-05-01T00:00:00.000Z");
export const at = (ms: number) => new Date(T0 + ms).toISOString();
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;

/** One suite's servers and scratch directory. */
export async function startSuite() {
  const b = await startBackends();
  const dir = await mkdtemp(join(tmpdir(), "runs-fleet-hk-"));
  return {
    b,
    dir,
    stop: async () => {
      await b.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
export type Suite = Awaited<ReturnType<typeof startSuite>>;

/**
 * A GitHub port fake: housekeeping only asks for job status and removes runners, and what GitHub
 * answers is the input these tests vary (the adapter has its own suites against a fake server).
 */
export function fakeGitHub() {
  const statuses = new Map<string, GitHubJobStatus>();
  const removed: string[] = [];
  const github: Pick<GitHub, "jobStatus" | "removeRunner"> = {
    jobStatus: async (ref) => statuses.get(ref.jobId) ?? "queued",
    removeRunner: async (r) => {
      removed.push(r.runnerName);
      return "removed";
    },
  };
  return { github, statuses, removed };
}

/** Where test machines "launch"; local compute only reads the region, types and subnets. */
export const testPlacement: Placement = {
  market: "spot",
  onDemandReason: null,
  region: "us-east-1",
  env: "default",
  os: "linux",
  arch: "arm64",
  pool: null,
  instanceTypes: ["c7g.large"],
  excludedTypes: [],
  subnets: [{ subnetId: "subnet-local", az: "us-east-1a" }],
  launchTemplate: { version: "$Default" },
  diskGiB: 40,
  probe: null,
  placementKey: "test",
};

let tablesMade = 0;

/**
 * Fresh tables (own prefix: the status index sees no other test's jobs), a fresh queue, local
 * compute running `sleep` as the agent, and a fixed clock at T0.
 */
export async function harness(
  suite: Suite,
  options: {
    fifo?: boolean;
    config?: Partial<HousekeepingConfig>;
    /**
     * Hold each task lock for the task's interval, as in production. Off by default, so a test
     * can run a task again at any simulated time (the locks have their own tests).
     */
    intervals?: boolean;
  } = {},
) {
  const { b } = suite;
  const prefix = `hk${++tablesMade}-`;
  const names = { jobs: `${prefix}jobs`, instances: `${prefix}instances`, locks: `${prefix}locks` };
  await ensureTables(b.dynamodb, [
    jobsTableDefinition(names.jobs),
    instancesTableDefinition(names.instances),
    simpleTableDefinition(names.locks, "name"),
  ]);
  const clock = fixedClock(T0);
  const client = b.dynamodb;
  const jobs = createDynamoJobStore({ client, tableName: names.jobs, clock });
  const instances = createDynamoInstanceStore({ client, tableName: names.instances, clock });
  const locks = createDynamoLockStore({ client, tableName: names.locks, clock });
  const queueUrl = b.newQueue("jobs", options.fifo ?? false);
  const queue = createSqsJobQueue({ client: b.sqsClient, url: queueUrl });
  const compute = createLocalCompute({
    agent: () => ({ command: "sleep", args: ["60"], env: {} }),
    logDir: join(suite.dir, "logs"),
    imds: false,
    graceSeconds: 1,
    logger: silentLogger,
    now: () => clock.now(),
    idPrefix: `${prefix}i-`,
  });
  const gh = fakeGitHub();
  const metrics = createMemoryMetrics();
  const noHold = Object.fromEntries(housekeepingTasks.map((t) => [t, 0]));
  const config = housekeepingConfig({
    ...(options.intervals ? {} : { everyMs: noHold }),
    ...options.config,
  });
  const deps = (): Omit<HousekeepingDeps, "config"> => ({
    jobs,
    instances,
    queue,
    compute,
    github: gh.github,
    locks,
    clock,
    logger: silentLogger,
    metrics,
  });

  /** Starts a local instance (a `sleep` process) with the fleet's tags and returns its id. */
  const machine = async (tags: Record<string, string> = {}) => {
    const out = await compute.launch({
      placement: testPlacement,
      slots: [{ slotId: "s", tags: { [FleetTag.managed]: "true", ...tags } }],
    });
    const id = out.instances[0]?.instanceId;
    if (!id) throw new Error("local launch failed");
    return id;
  };

  /** Records an instance as the scheduler would. */
  const record = async (instanceId: string, over: Partial<Instance> = {}) =>
    (
      await instances.create(
        sampleInstance(instanceId, { jobId: null, launchedAt: at(0), updatedAt: at(0), ...over }),
      )
    ).instance;

  let jobSeq = 0;
  /** Stores a job as it would be at T0 in the given state. */
  const job = async (over: Partial<Job> = {}) =>
    (
      await jobs.create(
        sampleJob({
          jobId: `${prefix}${++jobSeq}`,
          createdAt: at(0),
          updatedAt: at(0),
          lastEnqueuedAt: at(0),
          ...over,
        }),
      )
    ).job;

  /** The state local compute reports for an instance. */
  const machineState = async (id: string) =>
    (await compute.describe({ instanceIds: [id] }))[0]?.state ?? "unknown";

  /** Every job message now visible on the queue (received and left hidden for a minute). */
  const drainQueue = async () => {
    const all = [];
    for (;;) {
      const batch = await queue.receive({ max: 10, waitSeconds: 0, visibilitySeconds: 60 });
      if (batch.length === 0) return all;
      all.push(...batch);
    }
  };

  return {
    clock,
    jobs,
    instances,
    locks,
    queue,
    queueUrl,
    compute,
    gh,
    metrics,
    config,
    deps,
    machine,
    record,
    job,
    machineState,
    drainQueue,
    housekeeping: (
      owner = "replica-a",
      over: Partial<HousekeepingConfig> = {},
      swap: Partial<Omit<HousekeepingDeps, "config">> = {},
    ) => createHousekeeping({ ...deps(), ...swap, owner, config: { ...config, ...over } }),
  };
}
export type Harness = Awaited<ReturnType<typeof harness>>;
export type { Backends };
