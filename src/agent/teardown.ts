import { spawn } from "node:child_process";
import { type EC2Client, TerminateInstancesCommand } from "@aws-sdk/client-ec2";
import type { Logger } from "../shared/logger.ts";

/** Ends the instance: TerminateInstances on itself, else the OS shutdown command. */
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
 * Terminates this instance. The IAM policy only allows TerminateInstances on instances tagged
 * `runs-fleet:managed`; if the call fails anyway, the OS shutdown still ends the instance
 * because launches set the shutdown behaviour to `terminate`.
 */
export function createTerminator(options: {
  ec2: EC2Client | undefined;
  instanceId: string;
  shutdownCommand: string;
  platform: string;
  logger: Logger;
}): Terminator {
  return {
    terminate: async () => {
      if (options.ec2) {
        try {
          await options.ec2.send(
            new TerminateInstancesCommand({ InstanceIds: [options.instanceId] }),
          );
          options.logger.info("termination requested", { instanceId: options.instanceId });
          return;
        } catch (err) {
          options.logger.error("TerminateInstances failed; shutting down instead", { err });
        }
      }
      const code = await runShell(options.shutdownCommand, options.platform);
      options.logger.info("shutdown command ran", { command: options.shutdownCommand, code });
    },
  };
}
