/**
 * The control planes the benchmarks drive: `memory` (every port in process memory: the code's
 * own cost) and `local` (what `npm start` runs: dynalite persisted to disk and fauxqs, in
 * process). Both come from the project's own composition; only the compute may be swapped.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureTables } from "../../src/control/adapters/aws/tables.ts";
import { systemClock } from "../../src/control/adapters/clock.ts";
import { createDryRunGitHub } from "../../src/control/adapters/local/dry-run-github.ts";
import { localPlacementConfig } from "../../src/control/adapters/local/local-placement.ts";
import { createMemoryInstanceStore } from "../../src/control/adapters/memory/memory-instance-store.ts";
import { createMemoryJobQueue } from "../../src/control/adapters/memory/memory-job-queue.ts";
import { createMemoryJobStore } from "../../src/control/adapters/memory/memory-job-store.ts";
import { noopMetrics } from "../../src/control/adapters/memory/metrics.ts";
import {
  type ControlPlane,
  composeControlPlane,
  composeFromPorts,
  tableDefinitions,
} from "../../src/control/entry/compose.ts";
import { parseConfig } from "../../src/control/entry/config.ts";
import { createLocalRuntime } from "../../src/control/entry/local-runtime.ts";
import type { Compute } from "../../src/control/ports/compute.ts";
import { createLabelResolver } from "../../src/control/services/intake/label-resolver.ts";
import { createJsonLogger, type Logger } from "../../src/shared/logger.ts";
import { countingCompute } from "./counting-compute.ts";
import {
  idleEventQueue,
  memoryCircuitStore,
  memoryLockStore,
  memoryMarkerStore,
  memoryRunnerConfigs,
} from "./memory-ports.ts";

export type PlaneKind = "memory" | "local";

/** The webhook secret every benchmark plane verifies with. */
export const BENCH_SECRET = "bench-webhook-secret-0123456789";
const ADMIN_TOKEN = "bench-admin-token-0123456789";

/**
 * Logs as production does (JSON lines, redaction) but writes them nowhere: the cost of making
 * log lines stays in the figures, the cost of a terminal does not.
 */
export function discardingLogger(): Logger {
  return createJsonLogger({ level: "info", write: () => {} });
}

export interface BenchPlane {
  kind: PlaneKind;
  plane: ControlPlane;
  close(): Promise<void>;
}

/** Builds a plane of `kind`; `compute` defaults to a counting fake with instant instances. */
export async function buildPlane(
  kind: PlaneKind,
  options: { compute?: Compute; batchWindowMs?: number } = {},
): Promise<BenchPlane> {
  const dataDir = await mkdtemp(join(tmpdir(), `runs-fleet-bench-${kind}-`));
  const config = parseConfig({
    RUNS_FLEET_DATA_DIR: dataDir,
    RUNS_FLEET_LOOPS: "off",
    RUNS_FLEET_WEBHOOK_SECRET: BENCH_SECRET,
    RUNS_FLEET_ADMIN_TOKEN: ADMIN_TOKEN,
  });
  const logger = discardingLogger();
  const compute = options.compute ?? countingCompute();
  const resolveLabels = createLabelResolver({
    regions: config.regions,
    defaultRegion: config.region,
    environments: config.environments,
  });
  const batchWindowMs = options.batchWindowMs ?? config.batchWindowMs;
  const removeDir = () => rm(dataDir, { recursive: true, force: true });

  if (kind === "local") {
    const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" };
    const local = await createLocalRuntime({
      config,
      env,
      logger,
      clock: systemClock,
      metrics: noopMetrics,
    });
    const plane = composeControlPlane({
      ...local.runtime,
      compute,
      resolveLabels,
      batchWindowMs,
    });
    await ensureTables(local.runtime.dynamodb, tableDefinitions(plane.tables));
    return {
      kind,
      plane,
      close: async () => {
        local.runtime.dynamodb.destroy();
        local.runtime.sqs.destroy();
        await local.close();
        await removeDir();
      },
    };
  }

  const clock = systemClock;
  const plane = composeFromPorts(
    {
      jobs: createMemoryJobStore({ clock }),
      instances: createMemoryInstanceStore({ clock }),
      queue: createMemoryJobQueue({ clock, visibilitySeconds: 60 }),
      events: idleEventQueue(),
      circuitStore: memoryCircuitStore(),
      markers: memoryMarkerStore(),
      locks: memoryLockStore(),
      compute,
      github: createDryRunGitHub({ clock }),
      runnerConfigs: memoryRunnerConfigs(),
      metrics: noopMetrics,
    },
    {
      config,
      placement: localPlacementConfig(config.region, config.environments),
      webhookSecrets: [BENCH_SECRET],
      adminToken: ADMIN_TOKEN,
      resolveLabels,
      logger,
      clock,
      startedAt: clock.now(),
      batchWindowMs,
    },
  );
  return { kind, plane, close: removeDir };
}
