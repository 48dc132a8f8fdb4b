import type { Hono } from "hono";
import type { Logger } from "../../shared/logger.ts";
import { VERSION } from "../../shared/version.ts";
import { noopMetrics } from "../adapters/memory/metrics.ts";
import type { LaunchSlot } from "../domain/launch-slot.ts";
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
import { createLabelResolver } from "../services/intake/label-resolver.ts";
import type { LifecycleDeps } from "../services/lifecycle/deps.ts";
import { createEventsConsumer, type EventsConsumer } from "../services/lifecycle/events.ts";
import { rerunInterrupted } from "../services/lifecycle/interruptions.ts";
import { createBatchLauncher } from "../services/scheduling/batch-launcher.ts";
import { createScheduler, type Scheduler } from "../services/scheduling/scheduler.ts";
import type { Settings } from "./settings.ts";

/** Every port the services need, already built for this runtime. */
export interface Ports {
  locks: LockStore;
  /** Dead-letter queues, when configured: housekeeping redrives them. */
  jobDlq?: JobQueue;
  eventsDlq?: EventQueue;
  /** The EC2 events queue's dead-letter queue, redriven by housekeeping. */
  ec2EventsDlq?: EventQueue;
  jobs: JobStore;
  instances: InstanceStore;
  queue: JobQueue;
  /** The agents' events queue: agent events, each signed by its instance. */
  events: EventQueue;
  /** The EC2 events queue, which only EventBridge can send to (a local stand-in in local mode). */
  ec2Events?: EventQueue;
  circuitStore: CircuitStore;
  markers: MarkerStore;
  compute: Compute;
  github: GitHub;
  runnerConfigs: RunnerConfigStore;
  metrics?: Metrics;
}

/** What a runtime's port builder hands over: the ports and what only it knows. */
export interface Wiring {
  ports: Ports;
  /** Webhook secrets (current first) and admin token: from settings, or kept in the data dir. */
  access: { webhookSecrets: readonly string[]; adminToken: string };
  /** Extra admin routes (local mode's fault injection). */
  adminRoutes?: readonly Hono[];
}

/** What the process gives every component: its one logger and its clock. */
export interface ProcessContext {
  logger: Logger;
  clock: Clock;
  /** When the process started (health reports uptime); defaults to now. */
  startedAt?: number;
}

/** The settings the composition reads: the whole of either mode's. */
export type PlaneSettings = Pick<Settings, "config" | "aliases" | "placement">;

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

/**
 * Builds the services and the HTTP app from settings and ports: the one composition every
 * runtime, suite and benchmark goes through; only the ports differ.
 */
export function composeControlPlane(
  settings: PlaneSettings,
  wiring: Wiring,
  context: ProcessContext,
): ControlPlane {
  const { config } = settings;
  const { ports } = wiring;
  const { clock } = context;
  const metrics = ports.metrics ?? noopMetrics;
  const log = (component: string) => context.logger.child({ component });
  const circuits = createCircuitService({
    store: ports.circuitStore,
    clock,
    logger: log("circuits"),
  });
  const lifecycle: LifecycleDeps = { ...ports, circuits, clock, logger: log("lifecycle"), metrics };
  const intake = createIntake({
    jobs: ports.jobs,
    queue: ports.queue,
    resolveLabels: createLabelResolver({
      regions: config.regions,
      defaultRegion: config.region,
      environments: config.environments,
      aliases: settings.aliases,
    }),
    clock,
    logger: log("intake"),
    markers: ports.markers,
    onInterruptedJobConcluded: (job) => rerunInterrupted(lifecycle, job),
  });
  const launcher = createBatchLauncher<LaunchSlot, LaunchedInstance>({
    launch: (request) => ports.compute.launch(request),
    windowMs: config.batchWindowMs,
  });
  const scheduler = createScheduler({
    ...ports,
    launcher,
    terminate: (ids) => ports.compute.terminate(ids),
    circuits,
    placement: settings.placement,
    clock,
    logger: log("scheduler"),
    metrics,
  });
  const deadLetters = ports.eventsDlq;
  const consumer = createEventsConsumer({
    ...lifecycle,
    events: ports.events,
    ...(ports.ec2Events ? { ec2Events: ports.ec2Events } : {}),
    logger: log("events"),
    ...(deadLetters ? { deadLetter: (body: string) => deadLetters.send(body) } : {}),
  });
  const { eventsDlq, jobDlq, ec2Events, ec2EventsDlq, ...rest } = ports;
  const eventDlqs = [
    ...(eventsDlq ? [{ dlq: eventsDlq, target: ports.events }] : []),
    ...(ec2EventsDlq && ec2Events ? [{ dlq: ec2EventsDlq, target: ec2Events }] : []),
  ];
  const housekeeping = createHousekeeping({
    ...rest,
    metrics,
    clock,
    logger: log("housekeeping"),
    config: housekeepingConfig({
      ...config.housekeeping.thresholds,
      retentionMs: config.jobRetentionSeconds * 1000,
      expireBy: config.mode === "aws" ? "ttl" : "sweep",
    }),
    ...(jobDlq ? { jobDlq } : {}),
    ...(eventDlqs.length > 0 ? { eventDlqs } : {}),
  });
  const app = createApp({
    intake,
    jobs: ports.jobs,
    webhookSecrets: wiring.access.webhookSecrets,
    adminToken: wiring.access.adminToken,
    logger: log("http"),
    adminRoutes: [
      fleetRoutes({ instances: ports.instances, circuits }),
      ...(wiring.adminRoutes ?? []),
    ],
    health: {
      checks: [
        { name: "dynamodb", ping: () => ports.jobs.ping() },
        { name: "sqs", ping: () => ports.queue.ping() },
      ],
      clock,
      startedAt: context.startedAt ?? clock.now(),
      version: VERSION,
      mode: config.mode,
    },
  });
  return { ...ports, app, intake, scheduler, consumer, circuits, lifecycle, housekeeping };
}
