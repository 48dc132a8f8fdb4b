/**
 * Webhook → job started, in local mode with real agent processes: a job for a hot pool (its
 * instance is up, the agent waits in standby) against a cold launch (a new agent process per
 * job). Each job is handed to intake as a webhook would be; "started" is the moment the jobs
 * table shows it `running` (the agent's `started` event applied), polled every 25 ms.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { systemClock } from "../src/control/adapters/clock.ts";
import { parsePoolDefinitions } from "../src/control/domain/pool-config.ts";
import { composeControlPlane } from "../src/control/entry/compose.ts";
import { buildLocalPorts } from "../src/control/entry/local-ports.ts";
import { startLoops } from "../src/control/entry/loops.ts";
import { loadSettings } from "../src/control/entry/settings.ts";
import { discardingLogger } from "./lib/planes.ts";
import { median, round, sleep } from "./lib/stats.ts";

export interface PoolBenchOptions {
  /** Jobs measured per variant, one after another. */
  jobs: number;
  /** Longest wait for one job to start. */
  timeoutMs: number;
}

export const poolBenchDefaults: PoolBenchOptions = { jobs: 5, timeoutMs: 60_000 };

export async function runPools(options = poolBenchDefaults) {
  const dataDir = await mkdtemp(join(tmpdir(), "runs-fleet-bench-pools-"));
  const loaded = loadSettings({
    env: {
      RUNS_FLEET_DATA_DIR: dataDir,
      RUNS_FLEET_WEBHOOK_SECRET: "bench-webhook-secret-0123456789",
      RUNS_FLEET_ADMIN_TOKEN: "bench-admin-token-0123456789",
      RUNS_FLEET_DRY_RUN_JOB_SECONDS: "1",
      RUNS_FLEET_BATCH_WINDOW_MS: "0",
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
    },
    readTextFile: (path) => {
      throw new Error(`the bench reads no files: ${path}`);
    },
  });
  if (!loaded.ok || loaded.value.mode !== "local")
    throw new Error(
      `bench settings refused: ${loaded.ok ? "not local" : loaded.problems.join("; ")}`,
    );
  const pools = parsePoolDefinitions([
    { name: "bench", spec: "cpu=2", hot: options.jobs, idleTimeoutMinutes: 60 },
  ]);
  if (!pools.ok) throw new Error(pools.issues.join("; "));
  const settings = { ...loaded.value, pools: pools.pools };
  const context = { logger: discardingLogger(), clock: systemClock };
  const local = await buildLocalPorts(settings, context);
  const plane = composeControlPlane(settings, local, context);
  const loops = startLoops(plane, context.logger);
  let seq = 9_100_000_000;
  const problems: string[] = [];

  /** Webhook → `launched` (a member assigned, or a cold launch recorded), in ms. */
  const launchedMs: Record<string, number[]> = {};
  /** Webhook → `running`, in ms, or null when the job did not start in time. */
  const measure = async (label: string): Promise<number | null> => {
    const id = ++seq;
    const t0 = performance.now();
    await plane.intake.handle(
      {
        action: "queued",
        workflow_job: { id, run_id: id + 1, name: `bench-${id}`, labels: [label] },
        repository: { full_name: "octo-org/bench" },
      },
      `bench-${id}`,
    );
    const deadline = t0 + options.timeoutMs;
    let launched = false;
    while (performance.now() < deadline) {
      const job = await plane.jobs.get(String(id));
      if (!launched && job?.instanceId) {
        launched = true;
        launchedMs[label] = [...(launchedMs[label] ?? []), performance.now() - t0];
      }
      if (job && job.status !== "queued" && job.status !== "launching" && job.status !== "launched")
        return performance.now() - t0;
      await sleep(25);
    }
    problems.push(`${label}: job ${id} did not start within ${options.timeoutMs} ms`);
    return null;
  };

  try {
    // Fill the pool first: its agents must be up and waiting before the first webhook.
    const fillEnd = performance.now() + options.timeoutMs;
    for (;;) {
      await plane.pools.reconcile();
      const [status] = await plane.pools.statuses();
      if (status && status.actual.hot >= options.jobs) break;
      if (performance.now() > fillEnd) {
        problems.push(`the pool never reached ${options.jobs} hot members`);
        break;
      }
      await sleep(250);
    }
    const variant = async (name: "hot pool" | "cold launch", label: string) => {
      const times: number[] = [];
      for (let i = 0; i < options.jobs; i++) {
        const ms = await measure(label);
        if (ms !== null) times.push(ms);
      }
      return {
        variant: name,
        measured: times.length,
        launchedMedianMs: round(median(launchedMs[label] ?? [Number.NaN])),
        medianMs: times.length > 0 ? round(median(times)) : null,
        minMs: times.length > 0 ? round(Math.min(...times)) : null,
        maxMs: times.length > 0 ? round(Math.max(...times)) : null,
      };
    };
    const variants = [
      await variant("hot pool", "runs-fleet/pool=bench"),
      await variant("cold launch", "runs-fleet/cpu=2"),
    ];
    const claims = variants[0]?.measured ?? 0;
    if (claims < options.jobs)
      problems.push(`${options.jobs - claims} hot-pool job(s) not measured`);
    return { jobs: options.jobs, variants, ...(problems.length > 0 ? { problems } : {}) };
  } finally {
    await loops.stop();
    await local.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
