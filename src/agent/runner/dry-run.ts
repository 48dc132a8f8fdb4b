import type { RunnerConfig } from "../../shared/runner-config.ts";
import type { RunnerExit, RunningRunner } from "./types.ts";

/**
 * A simulated job for local mode and tests: runs for `durationSeconds` and ends with `outcome`,
 * without GitHub. Stopping it behaves like a runner that honours SIGTERM at once.
 */
export function startDryRun(config: Extract<RunnerConfig, { kind: "dry-run" }>): RunningRunner {
  let finish: (exit: RunnerExit) => void = () => {};
  const exited = new Promise<RunnerExit>((resolve) => {
    finish = resolve;
  });
  const timer = setTimeout(() => {
    const ok = config.outcome === "success";
    finish({ code: ok ? 0 : 1, signal: null, result: ok ? "success" : "failure" });
  }, config.durationSeconds * 1000);
  const end = (signal: string) => {
    clearTimeout(timer);
    finish({ code: null, signal, result: "cancelled" });
  };
  return {
    exited,
    terminate: () => end("SIGTERM"),
    kill: () => end("SIGKILL"),
    cacheStats: async () => ({ hits: 0, misses: 0, bytesDownloaded: 0, bytesUploaded: 0 }),
  };
}
