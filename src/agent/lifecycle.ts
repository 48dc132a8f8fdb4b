import type { AgentContext, AgentState } from "./context.ts";
import { holdForDebug } from "./debug-hold.ts";
import { runJob } from "./job.ts";
import { startMonitors } from "./monitor/loops.ts";
import { waitForRunnerConfig } from "./runner-config/wait.ts";
import { deliveryDeadline } from "./teardown.ts";

/** How the lifecycle ended: what to do with the instance, and the exit code. */
type Ending = { teardown: "terminate" | "exit"; code: number; why: string };

async function standbyThenJobs(ctx: AgentContext, state: AgentState): Promise<Ending> {
  const { config, logger } = ctx;
  const whenDone = config.teardown === "exit" ? "exit" : "terminate";
  let timings: Record<string, number> = ctx.bootTimings;
  for (;;) {
    state.phase = "standby";
    const standbyStart = ctx.now();
    // A spot notice while waiting ends standby: there is no job to protect, only an instance to give back.
    const spotted = new AbortController();
    state.onSpot = () => spotted.abort();
    if (state.spot) spotted.abort();
    logger.info("standby: waiting for a runner config", { source: config.runnerConfigSource.kind });
    const r = await waitForRunnerConfig({
      store: ctx.store,
      instanceId: config.instanceId,
      pollMs: config.configPollSeconds * 1000,
      pollMaxMs: config.configPollMaxSeconds * 1000,
      deadline: standbyStart + config.standbyMinutes * 60_000,
      signal: AbortSignal.any([ctx.shutdown, spotted.signal]),
      logger,
      now: ctx.now,
    });
    state.onSpot = undefined;
    if (r.kind === "aborted") {
      if (ctx.shutdown.aborted)
        return { teardown: "exit", code: 0, why: "stopped while in standby" };
      return { teardown: whenDone, code: 0, why: "spot interruption while in standby" };
    }
    if (r.kind === "deadline")
      return { teardown: whenDone, code: 0, why: "standby deadline passed" };
    if (r.kind === "invalid") return { teardown: whenDone, code: 1, why: r.error };

    state.phase = "running";
    state.jobId = r.config.jobId;
    await runJob(ctx, state, r.config, { ...timings, configWaitMs: r.waitedMs });
    timings = {};
    state.jobId = undefined;
    if (ctx.shutdown.aborted) return { teardown: "exit", code: 0, why: "stopped during a job" };
    if (state.spot) return { teardown: whenDone, code: 0, why: "spot interruption" };
    if (config.teardown !== "standby") {
      // A `debug=` job keeps its instance a while for SSH / Session Manager, then it ends.
      const held = await holdForDebug(ctx, state, r.config.debugMinutes);
      if (held === "stopped") return { teardown: "exit", code: 0, why: "stopped in a debug hold" };
      if (held === "spot") return { teardown: whenDone, code: 0, why: "spot interruption" };
      return { teardown: whenDone, code: 0, why: held === "none" ? "job done" : "debug hold over" };
    }
    logger.info("job done: back to standby (pool instance)");
  }
}

/**
 * Sends what is spooled before the instance ends. While a job's `completed` event is not
 * delivered the instance is kept (the sender retrying), up to the delivery maximum or a spot
 * notice's reclaim time: ended without it, the control plane could only guess whether the job
 * ran. Other events get the flush timeout; whatever is left is sent by the next agent start on
 * this disk.
 */
async function deliverBeforeEnd(ctx: AgentContext, state: AgentState): Promise<void> {
  const { config, logger, outbox } = ctx;
  const flushMs = config.flushTimeoutSeconds * 1000;
  // On SIGTERM the machine is already stopping: there is no instance left to keep.
  const mustDeliver = !ctx.shutdown.aborted && (await outbox.holds("completed"));
  const until = mustDeliver
    ? deliveryDeadline({
        now: ctx.now(),
        maxMs: config.deliveryMaxMinutes * 60_000,
        spotTime: state.spot?.time,
      })
    : ctx.now() + flushMs;
  if (await outbox.flush(Math.min(flushMs, until - ctx.now()))) return;
  if (mustDeliver && ctx.now() < until && !ctx.shutdown.aborted) {
    logger.warn("the events queue has not taken the completed event: keeping the instance", {
      until: new Date(until).toISOString(),
    });
    // A SIGTERM now means the machine is stopping after all: stop waiting.
    if (await outbox.flush(until - ctx.now(), ctx.shutdown)) {
      logger.info("completed event delivered");
      return;
    }
  }
  const level = mustDeliver ? "error" : "warn";
  logger[level]("some events are still spooled", { spoolDir: config.spoolDir, mustDeliver });
}

/**
 * The agent's life on an instance: standby until a runner config arrives, run the job, report,
 * then terminate the instance, exit (local mode), or go back to standby (pool instances).
 * Returns the process exit code.
 */
export async function runAgent(ctx: AgentContext): Promise<number> {
  const state: AgentState = {
    phase: "standby",
    jobId: ctx.config.jobId,
    spot: undefined,
    onSpot: undefined,
  };
  const life = new AbortController();
  const monitors = startMonitors(ctx, state, life.signal);
  let ending: Ending;
  try {
    ending = await standbyThenJobs(ctx, state);
  } catch (err) {
    ctx.logger.error("agent failed", { err });
    ending = {
      teardown: ctx.config.teardown === "exit" ? "exit" : "terminate",
      code: 1,
      why: "agent failed",
    };
  }
  life.abort();
  await monitors;
  ctx.logger.info("agent ending", { ...ending });
  await deliverBeforeEnd(ctx, state);
  await ctx.outbox.stop();
  // Only a SIGTERM exit skips teardown: the machine is already stopping (pool stop, shutdown).
  if (ending.teardown === "terminate") await ctx.terminator.terminate();
  return ending.code;
}
