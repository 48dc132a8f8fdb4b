import type { Hono } from "hono";
import type { Logger } from "../../shared/logger.ts";
import { VERSION } from "../../shared/version.ts";
import { createApp } from "../http/app.ts";
import { configRoutes } from "../http/config-routes.ts";
import { costRoutes } from "../http/cost-routes.ts";
import { adminSurface, poolRow } from "../http/dashboard/surface.ts";
import { fleetRoutes } from "../http/fleet-routes.ts";
import { hasSummary, metricsRoutes } from "../http/metrics-routes.ts";
import { poolsRoutes } from "../http/pools-routes.ts";
import { sloRoutes } from "../http/slo-routes.ts";
import type { AdminActionDeps, AdminActions } from "../services/admin/actions.ts";
import type { CircuitService } from "../services/common/circuits.ts";
import type { ConfigService } from "../services/config/config-service.ts";
import type { CostReports } from "../services/cost/cost-reports.ts";
import type { Intake } from "../services/intake/intake.ts";
import type { PoolManager } from "../services/pools/pool-manager.ts";
import type { SloService } from "../services/slo/slo-service.ts";
import type { PlaneSettings, Ports, ProcessContext, Wiring } from "./compose-types.ts";

/** The services the HTTP side serves, built by `composeControlPlane`. */
export interface HttpServices {
  intake: Intake;
  circuits: CircuitService;
  pools: PoolManager;
  configs: ConfigService;
  costReports: CostReports;
  slo: SloService;
  /** Redrives the dead-letter queues, when there are any. */
  redrive?: AdminActionDeps["redrive"];
}

/**
 * The HTTP side of the composition: the audited admin surface (API and dashboard) and the app
 * that serves it with the webhook, health and every admin route.
 */
export function composeHttp(
  settings: PlaneSettings,
  wiring: Wiring,
  context: ProcessContext,
  ports: Ports,
  services: HttpServices,
  log: (component: string) => Logger,
): { app: Hono; actions: AdminActions } {
  const { clock } = context;
  const { intake, circuits, pools, configs, costReports, slo, redrive } = services;
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
    ...(redrive ? { redrive } : {}),
    pools,
    config: () => configs.active.snapshot(),
    poolStatuses: async () => (await pools.statuses()).map(poolRow),
    costReport: async (date) => ({ date, markdown: (await costReports.build(date)).markdown }),
    dlqDepths: () => {
      const dlqs: Array<[string, { approximateDepth(): Promise<number> } | undefined]> = [
        ["jobs", ports.jobDlq],
        ["events", ports.eventsDlq],
        ["EC2 events", ports.ec2EventsDlq],
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
      mode: settings.config.mode,
    },
    ...(configs.gitops ? { gitops: configs.gitops } : {}),
  });
  return { app, actions: admin.actions };
}
