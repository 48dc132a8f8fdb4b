import type { AgentContext, AgentState } from "../context.ts";
import { every } from "./every.ts";
import { createInterruptionCheck } from "./interruption.ts";
import { readSystemStats } from "./system-stats.ts";

/**
 * Starts the heartbeat and interruption loops for the agent's whole life; they stop when
 * `signal` aborts. An interruption notice is sent as soon as it is seen: the spool write and
 * the send take milliseconds, well inside the two-minute spot warning.
 */
export function startMonitors(
  ctx: AgentContext,
  state: AgentState,
  signal: AbortSignal,
): Promise<void> {
  const { config, outbox, events, logger } = ctx;
  const heartbeat = every(
    config.heartbeatSeconds * 1000,
    signal,
    async () => {
      const stats = await readSystemStats(
        [config.runnerDir, config.spoolDir, "/"],
        config.platform,
      );
      await outbox.send(
        events.make("heartbeat", {
          jobId: state.jobId ?? null,
          uptimeSeconds: Math.round((ctx.now() - ctx.startedAt) / 1000),
          phase: state.phase,
          ...stats,
        }),
      );
    },
    (err) => logger.warn("heartbeat failed", { err }),
    true,
  );
  const check = createInterruptionCheck(ctx.imds);
  const interruptions = every(
    config.interruptionPollSeconds * 1000,
    signal,
    async () => {
      for (const notice of await check()) {
        const fields =
          notice.kind === "spot"
            ? { kind: "spot" as const, action: notice.action.action, actionAt: notice.action.time }
            : { kind: "rebalance" as const, actionAt: notice.rebalance.noticeTime };
        logger.warn("interruption notice", { ...fields, jobId: state.jobId });
        await outbox.send(events.make("interrupted", { jobId: state.jobId ?? null, ...fields }));
        if (notice.kind === "spot") {
          state.spot = notice.action;
          state.onSpot?.();
        }
      }
    },
    (err) => logger.warn("checking IMDS for interruption notices failed", { err }),
    // A notice may already be there when the agent starts.
    true,
  );
  return Promise.all([heartbeat, interruptions]).then(() => undefined);
}
