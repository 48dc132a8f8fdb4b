import type { Logger } from "../../shared/logger.ts";
import type { RunnerConfig } from "../../shared/runner-config.ts";
import { backoffDelay, sleep } from "../util/backoff.ts";
import type { RunnerConfigStore } from "./store.ts";

/** How standby ended. */
export type WaitResult =
  | { kind: "config"; config: RunnerConfig; waitedMs: number }
  | { kind: "invalid"; error: string }
  | { kind: "deadline" }
  | { kind: "aborted" };

/**
 * Standby: polls the store until the config appears, the deadline passes, or `signal` aborts.
 * Polls start at `pollMs` and back off (with jitter) to `pollMaxMs`, so a fleet of waiting
 * instances does not hammer SSM in step.
 */
export async function waitForRunnerConfig(options: {
  store: RunnerConfigStore;
  instanceId: string;
  pollMs: number;
  pollMaxMs: number;
  deadline: number;
  signal: AbortSignal;
  logger: Logger;
  now?: () => number;
}): Promise<WaitResult> {
  const now = options.now ?? Date.now;
  const started = now();
  for (let attempt = 0; ; attempt++) {
    if (options.signal.aborted) return { kind: "aborted" };
    try {
      const r = await options.store.take(options.instanceId);
      if (r.status === "ready")
        return { kind: "config", config: r.config, waitedMs: now() - started };
      if (r.status === "invalid") return { kind: "invalid", error: r.error };
    } catch (err) {
      options.logger.warn("reading the runner config failed; will retry", { err });
    }
    const left = options.deadline - now();
    if (left <= 0) return { kind: "deadline" };
    const delay = backoffDelay(attempt, {
      baseMs: options.pollMs,
      maxMs: options.pollMaxMs,
      factor: 1.5,
    });
    await sleep(Math.min(delay, left), options.signal);
  }
}
