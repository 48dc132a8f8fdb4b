import type { Hono } from "hono";
import type { Logger } from "../../shared/logger.ts";
import { VERSION } from "../../shared/version.ts";
import { noopMetrics } from "../adapters/memory/metrics.ts";
import { createMemoryPoolStateStore } from "../adapters/memory/pool-state-store.ts";
import { defaultCatalog } from "../domain/catalog-default.ts";
import { githubHostedPrices } from "../domain/cost-github.ts";
import { awsServicePrices } from "../domain/cost-services.ts";
import type { LaunchSlot } from "../domain/launch-slot.ts";
import { createApp } from "../http/app.ts";
import { configRoutes } from "../http/config-routes.ts";
import { costRoutes } from "../http/cost-routes.ts";
import type { AppSetup } from "../http/dashboard/app-setup.ts";
import { adminSurface, poolRow } from "../http/dashboard/surface.ts";
import { fleetRoutes } from "../http/fleet-routes.ts";
import { hasSummary, metricsRoutes } from "../http/metrics-routes.ts";
import { poolsRoutes } from "../http/pools-routes.ts";
import { sloRoutes } from "../http/slo-routes.ts";
import type { AuditStore } from "../ports/audit-store.ts";
import type { CircuitStore } from "../ports/circuit-store.ts";
import type { Clock } from "../ports/clock.ts";
import type { Compute, LaunchedInstance } from "../ports/compute.ts";
import type { ConfigStore } from "../ports/config-store.ts";
import type { EventQueue } from "../ports/event-queue.ts";
import type { GitHub, GitHubCommits } from "../ports/github.ts";
import type { InstanceStore } from "../ports/instance-store.ts";
import type { JobQueue } from "../ports/job-queue.ts";
import type { JobStore } from "../ports/job-store.ts";
import type { LockStore } from "../ports/lock-store.ts";
import type { MarkerStore } from "../ports/marker-store.ts";
import type { Metrics } from "../ports/metrics.ts";
import type { PoolStateStore } from "../ports/pool-state-store.ts";
import type { ReportPublisher } from "../ports/report-publisher.ts";
import type { ReportStore } from "../ports/report-store.ts";
import type { RunnerConfigStore } from "../ports/runner-config-store.ts";
import type { SpotPrices } from "../ports/spot-prices.ts";
import type { AdminActions } from "../services/admin/actions.ts";
import { type CircuitService, createCircuitService } from "../services/common/circuits.ts";
import { withJobMetrics } from "../services/common/job-metrics.ts";
import { type ConfigService, createConfigService } from "../services/config/config-service.ts";
import { type CostReports, createCostReports } from "../services/cost/cost-reports.ts";
import { housekeepingConfig } from "../services/housekeeping/config.ts";
import { createHousekeeping, type Housekeeping } from "../services/housekeeping/housekeeping.ts";
import { createIntake, type Intake } from "../services/intake/intake.ts";
import { createLiveLabelResolver } from "../services/intake/label-resolver.ts";
import type { LifecycleDeps } from "../services/lifecycle/deps.ts";
import { createEventsConsumer, type EventsConsumer } from "../services/lifecycle/events.ts";
import { rerunInterrupted } from "../services/lifecycle/interruptions.ts";
import { withKnownPools } from "../services/pools/known-pools.ts";
import { createPoolManager, type PoolManager } from "../services/pools/pool-manager.ts";
import { createBatchLauncher } from "../services/scheduling/batch-launcher.ts";
import { measuredLaunch } from "../services/scheduling/fleet-metrics.ts";
import { createRegionHealth, regionCircuitConfig } from "../services/scheduling/region-health.ts";
import { createScheduler, type Scheduler } from "../services/scheduling/scheduler.ts";
import { createSloService, type SloService } from "../services/slo/slo-service.ts";
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
  /** The GitOps config versions (pools, aliases). */
  configStore: ConfigStore;
  markers: MarkerStore;
  compute: Compute;
  github: GitHub;
  /** GitHub's files and commit statuses for GitOps; absent without a GitHub App. */
  commits?: GitHubCommits;
  runnerConfigs: RunnerConfigStore;
  metrics?: Metrics;
  /** Pools' pause and resize state (the pools table); in memory when absent (one replica). */
  poolStates?: PoolStateStore;
  /** Current spot prices: rank spot candidates, price instances at launch. */
  spotPrices?: SpotPrices;
  /** Where daily cost reports are kept; absent: no daily report (on-demand ones still work). */
  reportStore?: ReportStore;
  /** Where a daily report is announced (SNS topic, Slack). */
  reportPublishers?: readonly ReportPublisher[];
  /** The audit trail of admin actions; in memory (this process only) when absent. */
  audit?: AuditStore;
}

/** What a runtime's port builder hands over: the ports and what only it knows. */
export interface Wiring {
  ports: Ports;
  /** Webhook secrets (current first) and admin token: from settings, or kept in the data dir. */
  access: { webhookSecrets: readonly string[]; adminToken: string; sessionSecret?: string };
  /** Extra admin routes (local mode's fault injection). */
  adminRoutes?: readonly Hono[];
  /** Creating the GitHub App from the dashboard (manifest flow), where credentials can be kept. */
  appSetup?: AppSetup;
}

/** What the process gives every component: its one logger and its clock. */
export interface ProcessContext {
  logger: Logger;
  clock: Clock;
  /** The time pool schedules are read at (default `clock`): tests move it on its own. */
  scheduleClock?: Clock;
  /** When the process started (health reports uptime); defaults to now. */
  startedAt?: number;
}

/** The settings the composition reads: the whole of either mode's. */
export type PlaneSettings = Pick<
  Settings,
  "config" | "aliases" | "placement" | "pools" | "limits"
> &
  Partial<Pick<Settings, "cost">>;

/** The assembled control plane; entry points serve `app.fetch` and run the loops. */
export interface ControlPlane extends Ports {
  app: Hono;
  /** The audited admin actions (API and dashboard alike). */
  actions: AdminActions;
  housekeeping: Housekeeping;
  intake: Intake;
  scheduler: Scheduler;
  consumer: EventsConsumer;
  circuits: CircuitService;
  lifecycle: LifecycleDeps;
  /** The config in effect (pools, aliases) and how a new one is applied. */
  configs: ConfigService;
  /** The warm-pool manager. */
  pools: PoolManager;
  /** The cost report: on demand, and daily when a report store is wired. */
  costReports: CostReports;
  /** The SLOs from the jobs table; `tick` records their metrics for the fast-burn alarm. */
  slo: SloService;
}

/** The queues whose depth housekeeping samples, by the name their metric carries. */
function metricQueues(ports: Ports) {
  const all = {
    job: ports.queue,
    events: ports.events,
    "ec2-events": ports.ec2Events,
    "job-dlq": ports.jobDlq,
    "events-dlq": ports.eventsDlq,
    "ec2-events-dlq": ports.ec2EventsDlq,
  };
  return Object.entries(all).flatMap(([name, queue]) => (queue ? [{ name, queue }] : []));
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
  const { clock } = context;
  const metrics = wiring.ports.metrics ?? noopMetrics;
  // Job outcomes, durations and waits are recorded where every state change lands.
  const ports = { ...wiring.ports, jobs: withJobMetrics(wiring.ports.jobs, metrics) };
  const log = (component: string) => context.logger.child({ component });
  const circuits = createCircuitService({
    store: ports.circuitStore,
    clock,
    metrics,
    logger: log("circuits"),
  });
  // Region health: circuits of their own that open at the first launch finding no capacity.
  const regionHealth = createRegionHealth({
    circuits: createCircuitService({
      store: ports.circuitStore,
      clock,
      config: regionCircuitConfig,
      logger: log("regions"),
    }),
    ...(settings.placement.down ? { markedDown: settings.placement.down } : {}),
  });
  const labels = {
    catalog: defaultCatalog,
    regions: config.regions,
    defaultRegion: config.region,
    environments: config.environments,
  };
  const configs = createConfigService({
    store: ports.configStore,
    ...(ports.commits ? { commits: ports.commits } : {}),
    clock,
    logger: log("config"),
    labels,
    base: { pools: settings.pools ?? [], aliases: settings.aliases },
    repository: config.gitops,
  });
  const thresholds = housekeepingConfig(config.housekeeping.thresholds);
  const pools = createPoolManager({
    definitions: configs.active,
    states: ports.poolStates ?? createMemoryPoolStateStore(),
    instances: ports.instances,
    compute: ports.compute,
    locks: ports.locks,
    labels,
    placement: settings.placement,
    health: {
      heartbeatTimeoutMs: thresholds.heartbeatTimeoutMs,
      bootGraceMs: thresholds.bootGraceMs,
    },
    clock,
    ...(context.scheduleClock ? { scheduleClock: context.scheduleClock } : {}),
    logger: log("pools"),
    metrics,
    owner: crypto.randomUUID(),
  });
  const lifecycle: LifecycleDeps = {
    ...ports,
    circuits,
    homeRegion: settings.placement.region,
    clock,
    logger: log("lifecycle"),
    metrics,
    poolWants: pools.poolWants,
  };
  const intake = createIntake({
    jobs: ports.jobs,
    queue: ports.queue,
    // The aliases of the config version in effect, so a new one needs no restart.
    // A job naming a pool no active config defines is rejected here, with the known names.
    resolveLabels: withKnownPools(
      createLiveLabelResolver(
        { ...labels, ...(ports.spotPrices ? { spotPrices: ports.spotPrices } : {}) },
        configs.active.aliases,
      ),
      configs.active,
    ),
    clock,
    logger: log("intake"),
    markers: ports.markers,
    instances: ports.instances,
    onInterruptedJobConcluded: (job) => rerunInterrupted(lifecycle, job),
  });
  const launcher = createBatchLauncher<LaunchSlot, LaunchedInstance>({
    launch: measuredLaunch(ports.compute, metrics),
    windowMs: config.batchWindowMs,
  });
  const scheduler = createScheduler({
    ...ports,
    launcher,
    terminate: (ids) => ports.compute.terminate(ids),
    circuits,
    regions: regionHealth,
    placement: settings.placement,
    clock,
    logger: log("scheduler"),
    metrics,
    assignToPool: pools.assigner(ports),
    // Concurrent-instance limits: slots are locks in the locks table, shared by every replica.
    ...(settings.limits
      ? { capacity: { limits: settings.limits, locks: ports.locks, jobs: ports.jobs, clock } }
      : {}),
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
    pools,
    metricQueues: metricQueues(ports),
  });
  const costReports = createCostReports({
    jobs: ports.jobs,
    instances: ports.instances,
    circuits: ports.circuitStore,
    // Without a store the report is still built on demand; it is then kept nowhere.
    reports: ports.reportStore ?? { put: async () => {}, get: async () => null },
    publishers: ports.reportPublishers ?? [],
    locks: ports.locks,
    clock,
    logger: log("cost"),
    catalog: defaultCatalog,
    github: githubHostedPrices,
    services: awsServicePrices,
    settings: settings.cost ?? {
      hour: 9,
      timeZone: "UTC",
      hostUsdPerHour: null,
      stoppedDiskGiB: 40,
      heartbeatSeconds: 30,
    },
  });
  const admin = adminSurface({
    adminToken: wiring.access.adminToken,
    ...(wiring.access.sessionSecret ? { sessionSecret: wiring.access.sessionSecret } : {}),
    ...(ports.audit ? { auditStore: ports.audit } : {}),
    jobs: ports.jobs,
    instances: ports.instances,
    circuits,
    compute: ports.compute,
    github: ports.github,
    clock,
    logger: log("admin"),
    ...(jobDlq || eventDlqs.length > 0
      ? { redrive: () => housekeeping.runTask("dlqRedrive") }
      : {}),
    pools,
    config: () => configs.active.snapshot(),
    poolStatuses: async () => (await pools.statuses()).map(poolRow),
    costReport: async (date) => ({ date, markdown: (await costReports.build(date)).markdown }),
    dlqDepths: () => {
      const dlqs: Array<[string, { approximateDepth(): Promise<number> } | undefined]> = [
        ["jobs", jobDlq],
        ["events", eventsDlq],
        ["EC2 events", ec2EventsDlq],
      ];
      return Promise.all(
        dlqs.flatMap(([name, q]) =>
          q ? [q.approximateDepth().then((depth) => ({ name, depth }))] : [],
        ),
      );
    },
    ...(wiring.appSetup ? { appSetup: wiring.appSetup } : {}),
    ...(settings.config.githubSignIn ? { githubSignIn: settings.config.githubSignIn } : {}),
  });
  const slo = createSloService({ jobs: ports.jobs, clock, metrics });
  const app = createApp({
    intake,
    jobs: ports.jobs,
    webhookSecrets: wiring.access.webhookSecrets,
    adminToken: wiring.access.adminToken,
    logger: log("http"),
    sessions: admin.sessions,
    dashboard: admin.dashboard,
    adminRoutes: [
      // Before the pools routes: its audited pool writes answer first.
      admin.routes,
      fleetRoutes({ instances: ports.instances, circuits, actions: admin.actions }),
      configRoutes({ active: configs.active, store: ports.configStore }),
      costRoutes({ reports: costReports }),
      sloRoutes({ slo }),
      poolsRoutes(pools),
      metricsRoutes({ summary: hasSummary(ports.metrics) ? ports.metrics : undefined }),
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
    ...(configs.gitops ? { gitops: configs.gitops } : {}),
  });
  return {
    ...ports,
    costReports,
    slo,
    app,
    actions: admin.actions,
    intake,
    scheduler,
    consumer,
    circuits,
    lifecycle,
    housekeeping,
    configs,
    pools,
  };
}
