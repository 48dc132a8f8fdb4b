import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { agentEnvironment } from "../../shared/agent-env.ts";
import { createSqsEventQueue } from "../adapters/aws/sqs-event-queue.ts";
import { type Embedded, localSecrets, startEmbedded } from "../adapters/local/embedded.ts";
import { createFileRunnerConfigStore } from "../adapters/local/file-runner-config-store.ts";
import { createLocalCompute } from "../adapters/local/local-compute.ts";
import { localPlacementConfig } from "../adapters/local/local-placement.ts";
import type { Config, Env } from "../config.ts";
import { stateChangeEvent } from "../domain/ec2-events.ts";
import type { Clock } from "../ports/clock.ts";
import type { Logger } from "../ports/logger.ts";
import type { Metrics } from "../ports/metrics.ts";
import { awsClients, localCredentials } from "./clients.ts";
import type { Runtime } from "./compose.ts";
import { buildGitHub } from "./github.ts";
import { localRoutes } from "./local-routes.ts";

const root = resolve(fileURLToPath(new URL("../../..", import.meta.url)));

/** The command that plays an instance: the agent's source under the project's own Bun. */
function agentCommand(config: Config): { command: string; args: string[] } {
  if (config.agentCommand) {
    const [command, ...args] = config.agentCommand.split(" ").filter(Boolean);
    return { command: command as string, args };
  }
  return {
    command: join(root, "node_modules", ".bin", "bun"),
    args: [join(root, "src", "agent", "main.ts")],
  };
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
  const { config, logger, clock } = options;
  const embedded = await startEmbedded({ dataDir: config.dataDir });
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
  const { command, args } = agentCommand(config);
  const compute = createLocalCompute({
    logDir: join(config.dataDir, "instances"),
    logger: logger.child({ component: "local-compute" }),
    agent: ({ instanceId, imdsEndpoint, pool }) => ({
      command,
      args,
      env: {
        PATH: options.env.PATH ?? "",
        HOME: options.env.HOME ?? "",
        ...agentEnvironment({
          eventsQueueUrl: embedded.eventsQueueUrl,
          sqsEndpoint: embedded.sqsEndpoint,
          ...(imdsEndpoint ? { imdsEndpoint } : {}),
          runnerConfigSource: { kind: "file", dir: runnerDir },
          heartbeatSeconds: config.localHeartbeatSeconds,
          interruptionPollSeconds: 1,
          spoolDir: join(config.dataDir, "spool", instanceId),
          teardown: pool ? "standby" : "exit",
          graceSeconds: 5,
          region: config.region,
          credentials: localCredentials,
          logLevel: config.logLevel,
        }),
      },
    }),
    // EventBridge's state-change notifications, emulated: the consumer learns an instance ended.
    onStateChange: (instanceId, state) => {
      if (state !== "terminated" && state !== "stopped") return;
      events
        .send(JSON.stringify(stateChangeEvent(instanceId, state, clock.now(), config.region)))
        .catch((err) =>
          logger.warn("could not report a local instance's state", {
            instanceId,
            state,
            error: err,
          }),
        );
    },
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
