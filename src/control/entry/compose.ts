import { noopMetrics } from "../adapters/memory/metrics.ts";
import { createMemoryPoolStateStore } from "../adapters/memory/pool-state-store.ts";
import { defaultCatalog } from "../domain/catalog-default.ts";
import { githubHostedPrices } from "../domain/cost-github.ts";
import { awsServicePrices } from "../domain/cost-services.ts";
import type { LaunchSlot } from "../domain/launch-slot.ts";
import type { LaunchedInstance } from "../ports/compute.ts";
import { createCircuitService } from "../services/common/circuits.ts";
import { withJobMetrics } from "../services/common/job-metrics.ts";
import { createConfigService } from "../services/config/config-service.ts";
import { createCostReports } from "../services/cost/cost-reports.ts";
import { housekeepingConfig } from "../services/housekeeping/config.ts";
import { createHousekeeping } from "../services/housekeeping/housekeeping.ts";
import { createIntake } from "../services/intake/intake.ts";
import { createLiveLabelResolver } from "../services/intake/label-resolver.ts";
import type { LifecycleDeps } from "../services/lifecycle/deps.ts";
import { createEventsConsumer } from "../services/lifecycle/events.ts";
import { rerunInterrupted } from "../services/lifecycle/interruptions.ts";
import { withKnownPools } from "../services/pools/known-pools.ts";
import { createPoolManager } from "../services/pools/pool-manager.ts";
import { createBatchLauncher } from "../services/scheduling/batch-launcher.ts";
import { measuredLaunch } from "../services/scheduling/fleet-metrics.ts";
import { createRegionHealth, regionCircuitConfig } from "../services/scheduling/region-health.ts";
import { createScheduler } from "../services/scheduling/scheduler.ts";
import { createSloService } from "../services/slo/slo-service.ts";
import { composeHttp } from "./compose-http.ts";
import type {
  ControlPlane,
  PlaneSettings,
  Ports,
  ProcessContext,
  Wiring,
} from "./compose-types.ts";

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
  const slo = createSloService({ jobs: ports.jobs, clock, metrics });
  const { app, actions } = composeHttp(
    settings,
    wiring,
    context,
    ports,
    {
      intake,
      circuits,
      pools,
      configs,
      costReports,
      slo,
      ...(jobDlq || eventDlqs.length > 0
        ? { redrive: () => housekeeping.runTask("dlqRedrive") }
        : {}),
    },
    log,
  );
  return {
    ...ports,
    costReports,
    slo,
    app,
    actions,
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
