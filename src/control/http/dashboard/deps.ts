import type { Logger } from "../../../shared/logger.ts";
import type { AuditStore } from "../../ports/audit-store.ts";
import type { Clock } from "../../ports/clock.ts";
import type { InstanceStore } from "../../ports/instance-store.ts";
import type { JobStore } from "../../ports/job-store.ts";
import type { AdminActions } from "../../services/admin/actions.ts";
import type { CircuitService } from "../../services/common/circuits.ts";
import type { ConfigSnapshot } from "../../services/config/active-config.ts";
import type { Sessions } from "../session.ts";
import type { AppSetup } from "./app-setup.ts";

/** A pool as the Pools page shows it (the pools service's status, when pools exist). */
export interface PoolRow {
  name: string;
  paused: boolean;
  desired: { hot: number; stopped: number };
  actual: Record<string, number>;
  utilization: number;
  /** What decides the size now: a schedule, an override until a time, or the default. */
  inEffect: string;
}

/** A day's cost report, rendered from markdown, when the cost service exists. */
export interface CostReport {
  date: string;
  markdown: string;
}

/** What the dashboard reads and does; optional parts render "not available" when absent. */
export interface DashboardDeps {
  adminToken: string;
  sessions: Sessions;
  clock: Clock;
  logger: Logger;
  jobs: JobStore;
  instances: InstanceStore;
  circuits: CircuitService;
  audit: AuditStore;
  actions: AdminActions;
  /** GitHub's web address, for links to runs and jobs (default https://github.com). */
  githubUrl?: string;
  config?: () => Promise<ConfigSnapshot>;
  pools?: () => Promise<PoolRow[]>;
  costReport?: (date: string) => Promise<CostReport | null>;
  /** Messages waiting in each dead-letter queue (approximate, as SQS counts them). */
  dlqDepths?: () => Promise<Array<{ name: string; depth: number }>>;
  /** Creating the GitHub App from the browser (manifest flow). */
  appSetup?: AppSetup;
  /** Sign-in with GitHub for members of an org or team; absent, only the admin token signs in. */
  githubSignIn?: GitHubSignIn;
  /** How often the live stream looks for changes (default 2 s). */
  liveIntervalMs?: number;
}

/** Sign-in with GitHub (OAuth through the GitHub App's client), for members of an org or team. */
export interface GitHubSignIn {
  clientId: string;
  clientSecret: string;
  org: string;
  /** A team slug in `org`; when set, only its active members may sign in. */
  team?: string;
  /**
   * How long a GitHub session lasts before its holder signs in again and membership is checked
   * again (never longer than the dashboard's session).
   */
  sessionMs: number;
  /** GitHub's web address (authorize, token exchange), e.g. https://github.com. */
  serverUrl: string;
  /** GitHub's REST API, e.g. https://api.github.com. */
  apiUrl: string;
  /** Injected in tests; the runtime's fetch otherwise. */
  fetch?: typeof fetch;
}
