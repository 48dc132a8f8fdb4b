import type { Logger } from "../../shared/logger.ts";
import type { CompletedEvent } from "./completed.ts";
import type { RunningRunner } from "./types.ts";

/** Why the agent stopped a runner before it finished on its own. */
export type StopReason = "cancelled" | "interrupted";

/** Options of `supervise`. */
export interface SuperviseOptions {
  maxRuntimeMs: number;
  graceMs: number;
  /** Aborted with a `StopReason` when the agent must stop the runner (SIGTERM, spot notice). */
  stop: AbortSignal;
  /** True once a spot interruption notice was seen. */
  interrupted: () => boolean;
  logger: Logger;
}

/** Stops a runner politely, then by force after `graceMs`; resolves once it is gone. */
export async function stopRunner(runner: RunningRunner, graceMs: number): Promise<void> {
  runner.terminate();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const graceOver = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), graceMs);
  });
  const first = await Promise.race([runner.exited, graceOver]);
  clearTimeout(timer);
  if (first === "late") {
    runner.kill();
    await Promise.race([runner.exited, new Promise((r) => setTimeout(r, 5000))]);
  }
}

/**
 * Watches a runner until it ends: enforces the max runtime, stops it when asked, and always
 * kills what is left of its process group so no job process outlives the supervision.
 */
export async function supervise(
  runner: RunningRunner,
  options: SuperviseOptions,
): Promise<Pick<CompletedEvent, "status" | "exitCode">> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), options.maxRuntimeMs);
  });
  const stopped = new Promise<"stop">((resolve) => {
    if (options.stop.aborted) resolve("stop");
    options.stop.addEventListener("abort", () => resolve("stop"), { once: true });
  });
  try {
    const first = await Promise.race([runner.exited, timedOut, stopped]);
    if (first === "timeout" || first === "stop") {
      const reason: StopReason =
        options.stop.reason === "interrupted" ? "interrupted" : "cancelled";
      const status = first === "timeout" ? "timeout" : reason;
      options.logger.warn("stopping the runner", { status, graceMs: options.graceMs });
      await stopRunner(runner, options.graceMs);
      const exit = await Promise.race([runner.exited, Promise.resolve(undefined)]);
      return { status, exitCode: exit?.code ?? null };
    }
    const result = first.result ?? (first.code === 0 ? "success" : "failure");
    // A runner that died while EC2 was reclaiming the instance was interrupted, not failing.
    const status = result !== "success" && options.interrupted() ? "interrupted" : result;
    return { status, exitCode: first.code };
  } finally {
    clearTimeout(timer);
    runner.kill();
  }
}
