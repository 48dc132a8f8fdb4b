import type { RunnerConfig } from "../shared/runner-config.ts";
import type { AgentContext, AgentState } from "./context.ts";
import { every } from "./monitor/every.ts";
import { spotStopAt } from "./monitor/interruption.ts";
import { supervise } from "./runner/supervise.ts";
import type { RunningRunner } from "./runner/types.ts";

/** Leaves room for the `completed` event to reach the queue before EC2 reclaims the instance. */
const SPOT_SEND_MARGIN_MS = 15_000;

/** Runs one job: `started`, the runner under supervision, `cache_stats`, `completed`. */
export async function runJob(
  ctx: AgentContext,
  state: AgentState,
  config: RunnerConfig,
  bootTimings: Record<string, number>,
): Promise<void> {
  const { outbox, events, logger } = ctx;
  const c = ctx.config;
  const log = logger.child({ jobId: config.jobId });
  const startedAt = ctx.now();
  let runner: RunningRunner;
  try {
    runner = await ctx.launch(config);
  } catch (err) {
    log.error("the runner did not start", { err });
    await outbox.send(
      events.make("completed", {
        jobId: config.jobId,
        status: "failure",
        exitCode: null,
        durationSeconds: 0,
      }),
    );
    return;
  }
  await outbox.send(
    events.make("started", {
      jobId: config.jobId,
      agentVersion: ctx.version,
      runnerName: config.runnerName,
      ...(c.instanceType ? { instanceType: c.instanceType } : {}),
      region: c.region,
      ...(c.availabilityZone ? { availabilityZone: c.availabilityZone } : {}),
      bootTimings: { ...bootTimings, runnerStartMs: ctx.now() - startedAt },
    }),
  );
  log.info("job started", { runner: config.runnerName, kind: config.kind });

  const stop = new AbortController();
  const onShutdown = () => stop.abort("cancelled");
  ctx.shutdown.addEventListener("abort", onShutdown, { once: true });
  if (ctx.shutdown.aborted) onShutdown();
  let spotTimer: ReturnType<typeof setTimeout> | undefined;
  state.onSpot = () => {
    if (!state.spot) return;
    const at = spotStopAt(state.spot.time, ctx.now(), c.graceSeconds * 1000, SPOT_SEND_MARGIN_MS);
    log.warn("spot interruption: the runner will be stopped", {
      stopAt: new Date(at).toISOString(),
    });
    spotTimer = setTimeout(() => stop.abort("interrupted"), at - ctx.now());
  };
  if (state.spot) state.onSpot();
  // Follows the runner's logs while it runs, before it deletes uploaded log pages.
  const follow = new AbortController();
  const following = every(
    c.heartbeatSeconds * 1000,
    follow.signal,
    async () => {
      await runner.cacheStats?.();
    },
    () => {},
  );

  const outcome = await supervise(runner, {
    maxRuntimeMs: c.maxRuntimeMinutes * 60_000,
    graceMs: c.graceSeconds * 1000,
    stop: stop.signal,
    interrupted: () => state.spot !== undefined,
    logger: log,
  });
  follow.abort();
  await following;
  clearTimeout(spotTimer);
  state.onSpot = undefined;
  ctx.shutdown.removeEventListener("abort", onShutdown);

  const cache = await runner.cacheStats?.().catch(() => undefined);
  if (cache) {
    await outbox.send(
      events.make("cache_stats", {
        jobId: config.jobId,
        ...cache,
        source: config.kind === "dry-run" ? "dry-run" : "runner-diag-logs",
      }),
    );
  }
  const durationSeconds = Math.round((ctx.now() - startedAt) / 100) / 10;
  await outbox.send(events.make("completed", { jobId: config.jobId, ...outcome, durationSeconds }));
  log.info("job completed", { ...outcome, durationSeconds });
}
