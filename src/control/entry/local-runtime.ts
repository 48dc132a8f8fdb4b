import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { agentEnvironment } from "../../shared/agent-env.ts";
import type { Logger } from "../../shared/logger.ts";
import { createLocalCompute } from "../adapters/local/local-compute.ts";
import { stateChangeEvent } from "../domain/ec2-events.ts";
import type { Clock } from "../ports/clock.ts";
import type { EventQueue } from "../ports/event-queue.ts";
import { bunExecutable } from "./bun-path.ts";
import { localCredentials } from "./clients.ts";
import type { Config } from "./config.ts";

const root = resolve(fileURLToPath(new URL("../../..", import.meta.url)));

/** The command that plays an instance: the agent's source under the project's own Bun. */
export function agentCommand(config: Pick<Config, "agentCommand">): {
  command: string;
  args: string[];
} {
  if (config.agentCommand) {
    const [command, ...args] = config.agentCommand.split(" ").filter(Boolean);
    return { command: command as string, args };
  }
  return {
    command: bunExecutable(root),
    args: [join(root, "src", "agent", "main.ts")],
  };
}

/**
 * Local compute whose instances are agent processes reporting to the agents' events queue; the
 * state changes EventBridge would report go to the EC2 events queue (`ec2Events`), which no
 * agent is given.
 */
export function createAgentCompute(o: {
  command: string;
  args: string[];
  pathEnv: Record<string, string>;
  eventsQueueUrl: string;
  sqsEndpoint: string;
  runnerDir: string;
  dataDir: string;
  heartbeatSeconds: number;
  region: string;
  logLevel: Config["logLevel"];
  ec2Events: EventQueue | undefined;
  clock: Clock;
  logger: Logger;
  idPrefix?: string;
}) {
  return createLocalCompute({
    logDir: join(o.dataDir, "instances"),
    logger: o.logger.child({ component: "local-compute" }),
    ...(o.idPrefix ? { idPrefix: o.idPrefix } : {}),
    agent: ({ instanceId, imdsEndpoint, pool }) => ({
      command: o.command,
      args: o.args,
      env: {
        ...o.pathEnv,
        ...agentEnvironment({
          eventsQueueUrl: o.eventsQueueUrl,
          sqsEndpoint: o.sqsEndpoint,
          ...(imdsEndpoint ? { imdsEndpoint } : {}),
          runnerConfigSource: { kind: "file", dir: o.runnerDir },
          heartbeatSeconds: o.heartbeatSeconds,
          interruptionPollSeconds: 1,
          // A hot pool member's whole point is a fast pick-up; a local file read is cheap.
          ...(pool ? { configPollSeconds: 0.1 } : {}),
          configPollMaxSeconds: pool ? 0.25 : 2,
          spoolDir: join(o.dataDir, "spool", instanceId),
          teardown: pool ? "standby" : "exit",
          graceSeconds: 5,
          flushTimeoutSeconds: 10,
          region: o.region,
          credentials: localCredentials,
          logLevel: o.logLevel,
        }),
      },
    }),
    // EventBridge's state-change notifications, emulated: the consumer learns an instance ended.
    onStateChange: (instanceId, state) => {
      if (state !== "terminated" && state !== "stopped") return;
      if (!o.ec2Events) return;
      o.ec2Events
        .send(JSON.stringify(stateChangeEvent(instanceId, state, o.clock.now(), o.region)))
        .catch((err) =>
          o.logger.warn("could not report a local instance's state", {
            instanceId,
            state,
            error: err,
          }),
        );
    },
  });
}
