import { spawn } from "node:child_process";
import type { Logger } from "../shared/logger.ts";

/** Ends the instance by shutting it down. */
export interface Terminator {
  terminate(): Promise<void>;
}

/** The shutdown command when none is configured. */
export function defaultShutdownCommand(platform: string): string {
  return platform === "win32" ? "shutdown /s /t 0 /f" : "shutdown -h now";
}

function runShell(command: string, platform: string): Promise<number | null> {
  const [shell, flag] = platform === "win32" ? ["cmd.exe", "/c"] : ["/bin/sh", "-c"];
  return new Promise((resolve) => {
    const child = spawn(shell, [flag, command], { stdio: "inherit" });
    child.once("error", () => resolve(null));
    child.once("exit", (code) => resolve(code));
  });
}

/**
 * Ends this instance by shutting it down: launches set the shutdown behaviour to `terminate`,
 * so the OS shutdown is the end. There is no EC2 API call: the runner role has no EC2 rights
 * at all, so that a job cannot stop or terminate any other instance (docs/security.md).
 */
export function createTerminator(options: {
  shutdownCommand: string;
  platform: string;
  logger: Logger;
}): Terminator {
  return {
    terminate: async () => {
      const code = await runShell(options.shutdownCommand, options.platform);
      options.logger.info("shutdown command ran", { command: options.shutdownCommand, code });
    },
  };
}

/**
 * Until when the agent may keep its instance to deliver a job's `completed` event: `maxMs`
 * from `now`, or the reclaim time of a pending spot notice if that comes first (the instance is
 * gone then whatever the agent does). Never before `now`.
 */
export function deliveryDeadline(options: {
  now: number;
  maxMs: number;
  spotTime?: string | undefined;
}): number {
  const cap = options.now + options.maxMs;
  const spot = options.spotTime === undefined ? Number.NaN : Date.parse(options.spotTime);
  return Number.isNaN(spot) ? cap : Math.max(options.now, Math.min(cap, spot));
}
