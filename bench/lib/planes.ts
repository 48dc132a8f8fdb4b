/**
 * The control planes the benchmarks drive: `memory` (every port in process memory: the code's
 * own cost) and `local` (what `npm start` runs: dynalite persisted to disk and fauxqs, in
 * process). Both come from the project's own composition; only the compute may be swapped.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { systemClock } from "../../src/control/adapters/clock.ts";
import { createDryRunGitHub } from "../../src/control/adapters/local/dry-run-github.ts";
import { createMemoryCircuitStore } from "../../src/control/adapters/memory/circuit-store.ts";
import { createMemoryConfigStore } from "../../src/control/adapters/memory/config-store.ts";
import { createMemoryEventQueue } from "../../src/control/adapters/memory/event-queue.ts";
import { createMemoryInstanceStore } from "../../src/control/adapters/memory/instance-store.ts";
import { createMemoryJobQueue } from "../../src/control/adapters/memory/job-queue.ts";
import { createMemoryJobStore } from "../../src/control/adapters/memory/job-store.ts";
import { createMemoryLockStore } from "../../src/control/adapters/memory/lock-store.ts";
import { createMemoryMarkerStore } from "../../src/control/adapters/memory/marker-store.ts";
import { noopMetrics } from "../../src/control/adapters/memory/metrics.ts";
import { createMemoryRunnerConfigStore } from "../../src/control/adapters/memory/runner-config-store.ts";
import { composeControlPlane } from "../../src/control/entry/compose.ts";
import type { ControlPlane, Wiring } from "../../src/control/entry/compose-types.ts";
import { buildLocalPorts } from "../../src/control/entry/local-ports.ts";
import { type LocalSettings, loadSettings } from "../../src/control/entry/settings.ts";
import type { Clock } from "../../src/control/ports/clock.ts";
import type { Compute } from "../../src/control/ports/compute.ts";
import { createJsonLogger, type Logger } from "../../src/shared/logger.ts";
import { countingCompute } from "./counting-compute.ts";

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

/** Settings as `npm start` loads them, with the bench's secrets and no loops. */
function benchSettings(dataDir: string, batchWindowMs: number | undefined): LocalSettings {
  const loaded = loadSettings({
    env: {
      RUNS_FLEET_DATA_DIR: dataDir,
      RUNS_FLEET_LOOPS: "off",
      RUNS_FLEET_WEBHOOK_SECRET: BENCH_SECRET,
      RUNS_FLEET_ADMIN_TOKEN: ADMIN_TOKEN,
      ...(batchWindowMs === undefined ? {} : { RUNS_FLEET_BATCH_WINDOW_MS: String(batchWindowMs) }),
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
    },
    readTextFile: (path) => {
      throw new Error(`the bench reads no files: ${path}`);
    },
  });
  if (!loaded.ok) throw new Error(`bench settings refused: ${loaded.problems.join("; ")}`);
  if (loaded.value.mode !== "local") throw new Error("bench settings must be local mode");
  return loaded.value;
}

/** Every port in process memory: the code's own cost, no protocol in between. */
function memoryWiring(clock: Clock, compute: Compute): Wiring {
  return {
    ports: {
      jobs: createMemoryJobStore({ clock }),
      instances: createMemoryInstanceStore({ clock }),
      queue: createMemoryJobQueue({ clock, visibilitySeconds: 60 }),
      events: createMemoryEventQueue({ clock }),
      circuitStore: createMemoryCircuitStore(),
      markers: createMemoryMarkerStore({ clock }),
      locks: createMemoryLockStore({ clock }),
      configStore: createMemoryConfigStore(),
      compute,
      github: createDryRunGitHub({ clock }),
      runnerConfigs: createMemoryRunnerConfigStore(),
      metrics: noopMetrics,
    },
    access: { webhookSecrets: [BENCH_SECRET], adminToken: ADMIN_TOKEN },
  };
}

/** Builds a plane of `kind`; `compute` defaults to a counting fake with instant instances. */
export async function buildPlane(
  kind: PlaneKind,
  options: { compute?: Compute; batchWindowMs?: number } = {},
): Promise<BenchPlane> {
  const dataDir = await mkdtemp(join(tmpdir(), `runs-fleet-bench-${kind}-`));
  const settings = benchSettings(dataDir, options.batchWindowMs);
  const context = { logger: discardingLogger(), clock: systemClock };
  const compute = options.compute ?? countingCompute();
  const removeDir = () => rm(dataDir, { recursive: true, force: true });

  if (kind === "local") {
    const local = await buildLocalPorts(settings, context);
    // The same embedded backends as `npm start`; only the compute is swapped for the bench's.
    const wiring = { ...local, ports: { ...local.ports, compute } };
    const plane = composeControlPlane(settings, wiring, context);
    return {
      kind,
      plane,
      close: async () => {
        await local.close();
        await removeDir();
      },
    };
  }
  const plane = composeControlPlane(settings, memoryWiring(context.clock, compute), context);
  return { kind, plane, close: removeDir };
}
