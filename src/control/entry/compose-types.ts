import type { Hono } from "hono";
import type { Logger } from "../../shared/logger.ts";
import type { AppSetup } from "../http/dashboard/app-setup.ts";
import type { AuditStore } from "../ports/audit-store.ts";
import type { CircuitStore } from "../ports/circuit-store.ts";
import type { Clock } from "../ports/clock.ts";
import type { Compute } from "../ports/compute.ts";
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
import type { CircuitService } from "../services/common/circuits.ts";
import type { ConfigService } from "../services/config/config-service.ts";
import type { CostReports } from "../services/cost/cost-reports.ts";
import type { Housekeeping } from "../services/housekeeping/housekeeping.ts";
import type { Intake } from "../services/intake/intake.ts";
import type { LifecycleDeps } from "../services/lifecycle/deps.ts";
import type { EventsConsumer } from "../services/lifecycle/events.ts";
import type { PoolManager } from "../services/pools/pool-manager.ts";
import type { Scheduler } from "../services/scheduling/scheduler.ts";
import type { SloService } from "../services/slo/slo-service.ts";
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
