import type { AgentContext, AgentState } from "./context.ts";

/** The longest hold the agent grants, whatever its runner config says (LABELS.md: 1–120). */
export const maxDebugMinutes = 120;

/** How a debug hold ended: its time ran out, a spot notice came, or the agent was stopped. */
export type HoldEnd = "none" | "elapsed" | "spot" | "stopped";

/** Milliseconds to hold for `minutes` (capped; nothing for none or a nonsense value). */
export function debugHoldMs(minutes: number | undefined, minuteMs: number): number {
  if (minutes === undefined || !Number.isFinite(minutes) || minutes <= 0) return 0;
  return Math.min(minutes, maxDebugMinutes) * minuteMs;
}

/**
 * Keeps the instance up after its job for a debugging session (`debug=` label), heartbeats
 * going on so the control plane knows it is alive. Ends early on a spot notice (the instance is
 * being reclaimed) or a SIGTERM (it is stopping anyway).
 */
export async function holdForDebug(
  ctx: Pick<AgentContext, "config" | "logger" | "shutdown" | "now">,
  state: AgentState,
  minutes: number | undefined,
): Promise<HoldEnd> {
  const ms = debugHoldMs(minutes, ctx.config.debugMinuteSeconds * 1000);
  if (ms === 0) return "none";
  if (state.spot) return "spot";
  if (ctx.shutdown.aborted) return "stopped";
  ctx.logger.info("debug hold: keeping the instance after its job", {
    minutes: Math.min(minutes ?? 0, maxDebugMinutes),
    until: new Date(ctx.now() + ms).toISOString(),
  });
  const end = await new Promise<HoldEnd>((resolve) => {
    const finish = (how: HoldEnd) => {
      clearTimeout(timer);
      ctx.shutdown.removeEventListener("abort", onStop);
      state.onSpot = undefined;
      resolve(how);
    };
    const onStop = () => finish("stopped");
    const timer = setTimeout(() => finish("elapsed"), ms);
    ctx.shutdown.addEventListener("abort", onStop, { once: true });
    state.onSpot = () => finish("spot");
  });
  ctx.logger.info("debug hold over", { end });
  return end;
}
