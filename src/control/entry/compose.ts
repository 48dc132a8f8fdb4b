import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { Hono } from "hono";
import type { Logger } from "../../shared/logger.ts";
import { VERSION } from "../../shared/version.ts";
import {
  circuitsTableDefinition,
  createDynamoCircuitStore,
} from "../adapters/aws/dynamo-circuit-store.ts";
import { createDynamoInstanceStore } from "../adapters/aws/dynamo-instance-store.ts";
import { createDynamoJobStore } from "../adapters/aws/dynamo-job-store.ts";
import { createDynamoLockStore } from "../adapters/aws/dynamo-lock-store.ts";
import { createDynamoMarkerStore } from "../adapters/aws/dynamo-marker-store.ts";
import { createSqsEventQueue } from "../adapters/aws/sqs-event-queue.ts";
import { createSqsJobQueue } from "../adapters/aws/sqs-job-queue.ts";
import {
  instancesTableDefinition,
  jobsTableDefinition,
  simpleTableDefinition,
  type TableNames,
  tableNames,
} from "../adapters/aws/tables.ts";
import { noopMetrics } from "../adapters/memory/metrics.ts";
import type { LaunchSlot } from "../domain/launch-slot.ts";
import type { PlacementConfig } from "../domain/placement-config.ts";
import { createApp } from "../http/app.ts";
import { fleetRoutes } from "../http/fleet-routes.ts";
import type { CircuitStore } from "../ports/circuit-store.ts";
import type { Clock } from "../ports/clock.ts";
import type { Compute, LaunchedInstance } from "../ports/compute.ts";
import type { EventQueue } from "../ports/event-queue.ts";
import type { GitHub } from "../ports/github.ts";
import type { InstanceStore } from "../ports/instance-store.ts";
import type { JobQueue } from "../ports/job-queue.ts";
import type { JobStore } from "../ports/job-store.ts";
import type { LockStore } from "../ports/lock-store.ts";
import type { MarkerStore } from "../ports/marker-store.ts";
import type { Metrics } from "../ports/metrics.ts";
import type { RunnerConfigStore } from "../ports/runner-config-store.ts";
import { type CircuitService, createCircuitService } from "../services/common/circuits.ts";
import { housekeepingConfig } from "../services/housekeeping/config.ts";
import { createHousekeeping, type Housekeeping } from "../services/housekeeping/housekeeping.ts";
import { createIntake, type Intake } from "../services/intake/intake.ts";
import type { ResolveLabels } from "../services/intake/label-resolver.ts";
import type { LifecycleDeps } from "../services/lifecycle/deps.ts";
import { createEventsConsumer, type EventsConsumer } from "../services/lifecycle/events.ts";
import { rerunInterrupted } from "../services/lifecycle/interruptions.ts";
import { createBatchLauncher } from "../services/scheduling/batch-launcher.ts";
import { createScheduler, type Scheduler } from "../services/scheduling/scheduler.ts";
import type { Config } from "./config.ts";

/** Every port the services need, already built for this runtime. */
export interface Ports {
  locks: LockStore;
  /** Dead-letter queues, when configured: housekeeping redrives them. */
  jobDlq?: JobQueue;
  eventsDlq?: EventQueue;
  jobs: JobStore;
  instances: InstanceStore;
  queue: JobQueue;
  events: EventQueue;
  circuitStore: CircuitStore;
  markers: MarkerStore;
  compute: Compute;
  github: GitHub;
  runnerConfigs: RunnerConfigStore;
  metrics?: Metrics;
}

/** Settings and collaborators that are not ports. */
export interface Settings {
  config: Config;
  placement: PlacementConfig;
  webhookSecrets: readonly string[];
  adminToken: string;
  resolveLabels: ResolveLabels;
  logger: Logger;
  clock: Clock;
  startedAt: number;
  /** How long the first job of a placement waits for others to share its launch (ms). */
  batchWindowMs?: number;
  /** Extra admin routes (local mode's fault injection). */
  adminRoutes?: readonly Hono[];
}

/** The assembled control plane; entry points serve `app.fetch` and run the loops. */
export interface ControlPlane extends Ports {
  app: Hono;
  housekeeping: Housekeeping;
  intake: Intake;
  scheduler: Scheduler;
  consumer: EventsConsumer;
  circuits: CircuitService;
  lifecycle: LifecycleDeps;
}

/** Builds services and the HTTP app from ports: the same code on every runtime and in tests. */
export function composeFromPorts(ports: Ports, s: Settings): ControlPlane {
  const metrics = ports.metrics ?? noopMetrics;
  const log = (component: string) => s.logger.child({ component });
  const circuits = createCircuitService({
    store: ports.circuitStore,
    clock: s.clock,
    logger: log("circuits"),
  });
  const lifecycle: LifecycleDeps = {
    ...ports,
    circuits,
    clock: s.clock,
    logger: log("lifecycle"),
    metrics,
  };
  const intake = createIntake({
    jobs: ports.jobs,
    queue: ports.queue,
    resolveLabels: s.resolveLabels,
    clock: s.clock,
    logger: log("intake"),
    markers: ports.markers,
    onInterruptedJobConcluded: (job) => rerunInterrupted(lifecycle, job),
  });
  const launcher = createBatchLauncher<LaunchSlot, LaunchedInstance>({
    launch: (request) => ports.compute.launch(request),
    windowMs: s.batchWindowMs ?? 500,
  });
  const scheduler = createScheduler({
    ...ports,
    launcher,
    terminate: (ids) => ports.compute.terminate(ids),
    circuits,
    placement: s.placement,
    clock: s.clock,
    logger: log("scheduler"),
    metrics,
  });
  const deadLetters = ports.eventsDlq;
  const consumer = createEventsConsumer({
    ...lifecycle,
    events: ports.events,
    logger: log("events"),
    ...(deadLetters ? { deadLetter: (body: string) => deadLetters.send(body) } : {}),
  });
  const { eventsDlq, jobDlq, ...rest } = ports;
  const housekeeping = createHousekeeping({
    ...rest,
    metrics,
    clock: s.clock,
    logger: log("housekeeping"),
    config: housekeepingConfig({
      ...s.config.housekeeping.thresholds,
      retentionMs: s.config.jobRetentionSeconds * 1000,
      expireBy: s.config.mode === "aws" ? "ttl" : "sweep",
    }),
    ...(jobDlq ? { jobDlq } : {}),
    ...(eventsDlq ? { eventsDlq: { dlq: eventsDlq, target: ports.events } } : {}),
  });
  const app = createApp({
    intake,
    jobs: ports.jobs,
    webhookSecrets: s.webhookSecrets,
    adminToken: s.adminToken,
    logger: log("http"),
    adminRoutes: [fleetRoutes({ instances: ports.instances, circuits }), ...(s.adminRoutes ?? [])],
    health: {
      checks: [
        { name: "dynamodb", ping: () => ports.jobs.ping() },
        { name: "sqs", ping: () => ports.queue.ping() },
      ],
      clock: s.clock,
      startedAt: s.startedAt,
      version: VERSION,
      mode: s.config.mode,
    },
  });
  return { ...ports, app, intake, scheduler, consumer, circuits, lifecycle, housekeeping };
}

/** What a runtime hands over: SDK clients and queue URLs, plus the ports only it can build. */
export interface Runtime extends Settings {
  dynamodb: DynamoDBClient;
  sqs: SQSClient;
  jobQueueUrl: string;
  eventsQueueUrl: string;
  compute: Compute;
  github: GitHub;
  runnerConfigs: RunnerConfigStore;
  metrics?: Metrics;
}

/** Builds the DynamoDB and SQS ports from SDK clients, then the control plane. */
export function composeControlPlane(rt: Runtime): ControlPlane & { tables: TableNames } {
  const tables = tableNames(rt.config.tablePrefix);
  const aws = rt.config.mode === "aws";
  const retention = aws ? { retentionSeconds: rt.config.jobRetentionSeconds } : {};
  const ports: Ports = {
    jobs: createDynamoJobStore({
      client: rt.dynamodb,
      tableName: tables.jobs,
      clock: rt.clock,
      ...retention,
    }),
    instances: createDynamoInstanceStore({
      client: rt.dynamodb,
      tableName: tables.instances,
      clock: rt.clock,
      ...retention,
    }),
    queue: createSqsJobQueue({ client: rt.sqs, url: rt.jobQueueUrl }),
    events: createSqsEventQueue({ client: rt.sqs, url: rt.eventsQueueUrl }),
    circuitStore: createDynamoCircuitStore({ client: rt.dynamodb, tableName: tables.circuits }),
    markers: createDynamoMarkerStore({
      client: rt.dynamodb,
      tableName: tables.locks,
      clock: rt.clock,
    }),
    locks: createDynamoLockStore({ client: rt.dynamodb, tableName: tables.locks, clock: rt.clock }),
    ...(rt.config.housekeeping.jobDlqUrl
      ? { jobDlq: createSqsJobQueue({ client: rt.sqs, url: rt.config.housekeeping.jobDlqUrl }) }
      : {}),
    ...(rt.config.housekeeping.eventsDlqUrl
      ? {
          eventsDlq: createSqsEventQueue({
            client: rt.sqs,
            url: rt.config.housekeeping.eventsDlqUrl,
          }),
        }
      : {}),
    compute: rt.compute,
    github: rt.github,
    runnerConfigs: rt.runnerConfigs,
    ...(rt.metrics ? { metrics: rt.metrics } : {}),
  };
  return { ...composeFromPorts(ports, rt), tables };
}

/** Every table the control plane needs, for local mode and tests to create. */
export function tableDefinitions(tables: TableNames) {
  return [
    jobsTableDefinition(tables.jobs),
    instancesTableDefinition(tables.instances),
    circuitsTableDefinition(tables.circuits),
    simpleTableDefinition(tables.locks, "name"),
    simpleTableDefinition(tables.pools, "name"),
  ];
}
