import type { Hono } from "hono";
import type { Logger } from "../../../shared/logger.ts";
import { createMemoryAuditStore } from "../../adapters/memory/audit-store.ts";
import type { AuditStore } from "../../ports/audit-store.ts";
import type { Clock } from "../../ports/clock.ts";
import { type AdminActionDeps, createAdminActions } from "../../services/admin/actions.ts";
import { createAuditor } from "../../services/admin/audit.ts";
import type { PoolStatus } from "../../services/pools/status.ts";
import { actionRoutes } from "../action-routes.ts";
import { createSessions } from "../session.ts";
import type { AppSetup } from "./app-setup.ts";
import type { DashboardDeps, PoolRow } from "./deps.ts";
import { dashboardRoutes } from "./routes.tsx";

/** What the admin surface (audited actions, sessions, dashboard) is built from. */
export interface AdminSurfaceDeps extends Omit<AdminActionDeps, "audit"> {
  adminToken: string;
  /** Signs sessions instead of the admin token when set. */
  sessionSecret?: string;
  /** The audit table; in memory (this process only) when absent. */
  auditStore?: AuditStore;
  clock: Clock;
  logger: Logger;
  config?: DashboardDeps["config"];
  poolStatuses?: DashboardDeps["pools"];
  costReport?: DashboardDeps["costReport"];
  dlqDepths?: DashboardDeps["dlqDepths"];
  appSetup?: AppSetup;
  githubSignIn?: DashboardDeps["githubSignIn"];
  githubUrl?: string;
  liveIntervalMs?: number;
}

/**
 * Builds the admin surface: the audited actions, the session signer, the dashboard and the
 * audited action routes of the API — one set of actions behind both.
 */
export function adminSurface(deps: AdminSurfaceDeps) {
  const audit = deps.auditStore ?? createMemoryAuditStore();
  const auditor = createAuditor({ store: audit, clock: deps.clock, logger: deps.logger });
  const actions = createAdminActions({ ...deps, audit: auditor });
  const sessions = createSessions({
    secret: deps.sessionSecret ?? deps.adminToken,
    clock: deps.clock,
  });
  const dashboard: Hono = dashboardRoutes({
    adminToken: deps.adminToken,
    sessions,
    clock: deps.clock,
    logger: deps.logger,
    jobs: deps.jobs,
    instances: deps.instances,
    circuits: deps.circuits,
    audit,
    actions,
    ...(deps.githubUrl ? { githubUrl: deps.githubUrl } : {}),
    ...(deps.config ? { config: deps.config } : {}),
    ...(deps.poolStatuses ? { pools: deps.poolStatuses } : {}),
    ...(deps.costReport ? { costReport: deps.costReport } : {}),
    ...(deps.dlqDepths ? { dlqDepths: deps.dlqDepths } : {}),
    ...(deps.appSetup ? { appSetup: deps.appSetup } : {}),
    ...(deps.githubSignIn ? { githubSignIn: deps.githubSignIn } : {}),
    ...(deps.liveIntervalMs ? { liveIntervalMs: deps.liveIntervalMs } : {}),
  });
  return { audit, actions, sessions, dashboard, routes: actionRoutes({ actions, audit }) };
}

/** A pool's status as the Pools page shows it. */
export function poolRow(s: PoolStatus): PoolRow {
  const from = s.desired.from;
  const inEffect =
    from === "override" && s.override
      ? `override until ${s.override.until.replace("T", " ").slice(0, 16)} UTC`
      : from.startsWith("schedule:")
        ? `schedule ${Number(from.slice(9)) + 1}`
        : "base size";
  return {
    name: s.definition.name,
    paused: s.paused,
    desired: { hot: s.desired.hot, stopped: s.desired.stopped },
    actual: { ...s.actual },
    utilization: s.utilization,
    inEffect,
  };
}
