import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { agentEnvironment } from "../../shared/agent-env.ts";
import type { Logger } from "../../shared/logger.ts";
import { createSqsEventQueue } from "../adapters/aws/sqs-event-queue.ts";
import { type Embedded, localSecrets, startEmbedded } from "../adapters/local/embedded.ts";
import { createFileRunnerConfigStore } from "../adapters/local/file-runner-config-store.ts";
import { createLocalCompute } from "../adapters/local/local-compute.ts";
import { localPlacementConfig } from "../adapters/local/local-placement.ts";
import { stateChangeEvent } from "../domain/ec2-events.ts";
import type { Clock } from "../ports/clock.ts";
import type { EventQueue } from "../ports/event-queue.ts";
import type { Metrics } from "../ports/metrics.ts";
import { awsClients, localCredentials } from "./clients.ts";
import type { Runtime } from "./compose.ts";
import type { Config, Env } from "./config.ts";
import { buildGitHub } from "./github.ts";
import { localRoutes } from "./local-routes.ts";

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
    command: join(root, "node_modules", ".bin", "bun"),
    args: [join(root, "src", "agent", "main.ts")],
  };
}

/** Local compute whose instances are agent processes reporting to the events queue. */
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
  events: EventQueue;
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
          configPollMaxSeconds: 2,
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
      o.events
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

/**
 * Everything local mode needs: embedded DynamoDB and SQS, local agent processes as instances,
 * runner configs as files, and GitHub (dry-run unless an App is configured).
 */
export async function createLocalRuntime(options: {
  config: Config;
  env: Env;
  logger: Logger;
  clock: Clock;
  metrics: Metrics;
}): Promise<{
  runtime: Omit<Runtime, "resolveLabels">;
  embedded: Embedded;
  close(): Promise<void>;
  dryRun: boolean;
  generated: boolean;
}> {
  const { logger, clock } = options;
  const embedded = await startEmbedded({ dataDir: options.config.dataDir });
  // The embedded queues have dead-letter queues: redrive them and send bad events there.
  const config = {
    ...options.config,
    housekeeping: {
      ...options.config.housekeeping,
      jobDlqUrl: embedded.jobDlqUrl,
      eventsDlqUrl: embedded.eventsDlqUrl,
    },
  };
  const secrets = await localSecrets(config.dataDir, {
    webhookSecret: config.webhookSecrets[0],
    adminToken: config.adminToken,
  });
  const clients = awsClients({
    region: config.region,
    endpoints: { dynamodb: embedded.dynamodbEndpoint, sqs: embedded.sqsEndpoint },
    local: true,
  });
  const events = createSqsEventQueue({ client: clients.sqs, url: embedded.eventsQueueUrl });
  const runnerDir = join(config.dataDir, "runners");
  const compute = createAgentCompute({
    ...agentCommand(config),
    pathEnv: { PATH: options.env.PATH ?? "", HOME: options.env.HOME ?? "" },
    eventsQueueUrl: embedded.eventsQueueUrl,
    sqsEndpoint: embedded.sqsEndpoint,
    runnerDir,
    dataDir: config.dataDir,
    heartbeatSeconds: config.localHeartbeatSeconds,
    region: config.region,
    logLevel: config.logLevel,
    events,
    clock,
    logger,
  });
  const { github, dryRun } = buildGitHub({
    env: options.env,
    readTextFile: (p) => readFileSync(p, "utf8"),
    mode: "local",
    dryRunJobSeconds: config.dryRunJobSeconds,
    clock,
    logger,
    metrics: options.metrics,
  });
  return {
    runtime: {
      config,
      ...clients,
      jobQueueUrl: embedded.jobQueueUrl,
      eventsQueueUrl: embedded.eventsQueueUrl,
      webhookSecrets: [secrets.webhookSecret, ...config.webhookSecrets.slice(1)],
      adminToken: secrets.adminToken,
      logger,
      clock,
      startedAt: clock.now(),
      compute,
      github,
      runnerConfigs: createFileRunnerConfigStore({ dir: runnerDir }),
      placement: localPlacementConfig(config.region, config.environments),
      batchWindowMs: config.batchWindowMs,
      metrics: options.metrics,
      adminRoutes: [localRoutes({ compute })],
    },
    embedded,
    dryRun,
    generated: secrets.generated,
    close: async () => {
      await compute.close();
      await embedded.stop();
    },
  };
}
