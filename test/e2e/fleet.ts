import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDynamoJobStore } from "../../src/control/adapters/aws/dynamo-job-store.ts";
import { createDynamoLockStore } from "../../src/control/adapters/aws/dynamo-lock-store.ts";
import { createSqsEventQueue } from "../../src/control/adapters/aws/sqs-event-queue.ts";
import { fixedClock, systemClock } from "../../src/control/adapters/clock.ts";
import { createDryRunGitHub } from "../../src/control/adapters/local/dry-run-github.ts";
import { createFileRunnerConfigStore } from "../../src/control/adapters/local/file-runner-config-store.ts";
import { noopMetrics } from "../../src/control/adapters/memory/metrics.ts";
import type { Job } from "../../src/control/domain/job.ts";
import type { PoolDefinition } from "../../src/control/domain/pool-config.ts";
import type { WorkflowJobEvent } from "../../src/control/domain/workflow-job-event.ts";
import type { ControlPlane } from "../../src/control/entry/compose-types.ts";
import { agentCommand, createAgentCompute } from "../../src/control/entry/local-runtime.ts";
import { startLoops } from "../../src/control/entry/loops.ts";
import type { Clock } from "../../src/control/ports/clock.ts";
import { createHousekeeping } from "../../src/control/services/housekeeping/housekeeping.ts";
import { silentLogger } from "../../src/shared/logger.ts";
import { buildPlane } from "../support/app.ts";
import { type Backends, startBackends } from "../support/control-plane.ts";

/** Local compute whose instances are real agent processes. */
export type AgentCompute = ReturnType<typeof createAgentCompute>;

export interface Replica {
  plane: ControlPlane;
  compute: AgentCompute;
  stopLoops(): Promise<void>;
}

/**
 * The whole system in one test process: dynalite + fauxqs shared by `n` control-plane replicas,
 * each launching real agent processes (Bun running src/agent) that simulate jobs.
 */
export async function startFleet(
  options: {
    replicas?: number;
    jobSeconds?: number;
    /** Warm pools every replica knows, and the clock their schedules are read at. */
    pools?: PoolDefinition[];
    scheduleClock?: Clock;
  } = {},
) {
  const fleetOptions = options;
  const b: Backends = await startBackends();
  const dir = await mkdtemp(join(tmpdir(), "runs-fleet-e2e-"));
  const jobQueueUrl = b.newQueue();
  const eventsQueueUrl = b.newQueue("events");
  // EventBridge's own queue: agents are never given it; the replicas read EC2 events from it.
  const ec2EventsQueueUrl = b.newQueue("ec2-events");
  const runnerDir = join(dir, "runners");
  // One simulated GitHub, as every replica talks to the same GitHub; it sees which runner
  // configs the agents took, as GitHub sees which runners asked for their job.
  const github = createDryRunGitHub({
    clock: systemClock,
    durationSeconds: options.jobSeconds ?? 2,
    runnerConfigs: createFileRunnerConfigStore({ dir: runnerDir }),
  });
  const replicas: Replica[] = [];
  const computes: AgentCompute[] = [];
  // Read by the harness itself, so jobs can be watched before any replica runs.
  const jobs = createDynamoJobStore({
    client: b.dynamodb,
    tableName: b.tables.jobs,
    clock: systemClock,
  });
  let made = 0;

  /** A compute of agent processes reporting to the fleet's queue (one "EC2 account"). */
  const newCompute = (idPrefix: string): AgentCompute => {
    const compute = createAgentCompute({
      ...agentCommand({ agentCommand: undefined }),
      pathEnv: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" },
      eventsQueueUrl,
      sqsEndpoint: b.sqs.endpoint,
      runnerDir,
      dataDir: join(dir, idPrefix.replace(/-$/, "")),
      heartbeatSeconds: 0.5,
      region: "us-east-1",
      logLevel: "warn",
      // EventBridge's state changes, emulated, go where the replicas read EC2 events.
      ec2Events: createSqsEventQueue({ client: b.sqsClient, url: ec2EventsQueueUrl }),
      clock: systemClock,
      logger: silentLogger,
      idPrefix,
    });
    computes.push(compute);
    return compute;
  };

  /** A replica running its loops; by default with its own compute, else sharing `compute`. */
  const addReplica = (options: { compute?: AgentCompute } = {}): Replica => {
    const n = ++made;
    const compute = options.compute ?? newCompute(`local-r${n}-`);
    const plane = buildPlane(b, {
      queueUrl: jobQueueUrl,
      eventsQueueUrl,
      ec2EventsQueueUrl,
      compute,
      github,
      runnerConfigDir: runnerDir,
      batchWindowMs: 200,
      ...(fleetOptions.pools ? { pools: fleetOptions.pools } : {}),
      ...(fleetOptions.scheduleClock ? { scheduleClock: fleetOptions.scheduleClock } : {}),
    });
    const loops = startLoops(plane, silentLogger);
    const replica = { plane, compute, stopLoops: loops.stop };
    replicas.push(replica);
    return replica;
  };
  for (let i = 0; i < (options.replicas ?? 1); i++) addReplica();

  let seq = 8_000_000_000 + Math.floor(Math.random() * 1_000_000) * 100;
  const first = () => replicas[0] as Replica;
  return {
    b,
    github,
    replicas,
    addReplica,
    newCompute,
    jobs,
    dir,
    jobQueueUrl,
    eventsQueueUrl,
    ec2EventsQueueUrl,
    runnerDir,
    /** A `workflow_job queued` event for a new job id. */
    queuedEvent(label: string): WorkflowJobEvent {
      const id = ++seq;
      return {
        action: "queued",
        workflow_job: { id, run_id: id + 7, name: `job-${id}`, labels: [label] },
        repository: { full_name: "octo-org/e2e" },
      };
    },
    /** Polls the jobs table until `ok(job)` holds, or fails with the last state seen. */
    async waitForJob(jobId: string, ok: (j: Job) => boolean, timeoutMs = 60_000): Promise<Job> {
      const deadline = Date.now() + timeoutMs;
      let last: Job | null = null;
      while (Date.now() < deadline) {
        last = await jobs.get(jobId);
        if (last && ok(last)) return last;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(
        `job ${jobId} did not reach the expected state; last seen: ${JSON.stringify(last)}`,
      );
    },
    /**
     * Housekeeping as a replica would run it `aheadMs` from now: its clock, and its lock store's
     * (locks judge expiry by their own clock), are that far ahead.
     */
    housekeepingAhead(aheadMs: number) {
      const later = fixedClock(Date.now() + aheadMs);
      const p = first().plane;
      return createHousekeeping({
        jobs: p.jobs,
        instances: p.instances,
        queue: p.queue,
        compute: p.compute,
        github: p.github,
        locks: createDynamoLockStore({
          client: b.dynamodb,
          tableName: b.tables.locks,
          clock: later,
        }),
        clock: later,
        logger: silentLogger,
        metrics: noopMetrics,
      });
    },
    async stop() {
      for (const r of replicas) await r.stopLoops();
      for (const c of computes) await c.close();
      await b.stop();
      if (!process.env.RUNS_FLEET_KEEP_E2E) await rm(dir, { recursive: true, force: true });
      else console.log("E2E DIR", dir);
    },
  };
}
export type Fleet = Awaited<ReturnType<typeof startFleet>>;
