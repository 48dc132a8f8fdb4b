import { join } from "node:path";
import type { Logger } from "../../shared/logger.ts";
import { observeAwsClient } from "../adapters/aws/observe-client.ts";
import { ensureTables, tableNames } from "../adapters/aws/tables.ts";
import { createAppManifestExchange } from "../adapters/github/app-manifest.ts";
import { type Embedded, localSecrets, startEmbedded } from "../adapters/local/embedded.ts";
import { createFileAppCredentialsStore } from "../adapters/local/file-app-credentials.ts";
import { createFileReportStore } from "../adapters/local/file-report-store.ts";
import { createFileRunnerConfigStore } from "../adapters/local/file-runner-config-store.ts";
import { createCatalogSpotPrices } from "../adapters/memory/spot-prices.ts";
import { createSlackReportPublisher } from "../adapters/slack-report-publisher.ts";
import { defaultCatalog } from "../domain/catalog-default.ts";
import type { Clock } from "../ports/clock.ts";
import { awsClients } from "./clients.ts";
import type { Wiring } from "./compose-types.ts";
import { buildGitHub } from "./github.ts";
import { localRoutes } from "./local-routes.ts";
import { agentCommand, createAgentCompute } from "./local-runtime.ts";
import { buildMetrics } from "./metrics.ts";
import type { LocalSettings } from "./settings.ts";
import { storePorts, tableDefinitions } from "./store-ports.ts";

/** Local mode's ports, with what its banner shows and how to stop what it started. */
export interface LocalWiring extends Wiring {
  embedded: Embedded;
  /** No GitHub App configured: agents simulate each job. */
  dryRun: boolean;
  /** The webhook secret and admin token were generated on this start and saved in the data dir. */
  generated: boolean;
  close(): Promise<void>;
}

/**
 * Local mode's ports: embedded DynamoDB (tables created) and SQS with dead-letter queues, local
 * agent processes as instances, runner configs as files, GitHub (dry-run unless an App is set).
 */
export async function buildLocalPorts(
  settings: LocalSettings,
  o: { clock: Clock; logger: Logger },
): Promise<LocalWiring> {
  const { config } = settings;
  const { clock, logger } = o;
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
  await ensureTables(clients.dynamodb, tableDefinitions(tableNames(config.tablePrefix)));
  const stores = storePorts({
    ...clients,
    tablePrefix: config.tablePrefix,
    // The embedded queues have dead-letter queues: redrive them and send bad events there.
    queues: {
      jobs: embedded.jobQueueUrl,
      events: embedded.eventsQueueUrl,
      ec2Events: embedded.ec2EventsQueueUrl,
      jobsDlq: embedded.jobDlqUrl,
      eventsDlq: embedded.eventsDlqUrl,
      ec2EventsDlq: embedded.ec2EventsDlqUrl,
    },
    clock,
  });
  const runnerDir = join(config.dataDir, "runners");
  const compute = createAgentCompute({
    ...agentCommand(config),
    pathEnv: settings.agentEnv,
    eventsQueueUrl: embedded.eventsQueueUrl,
    sqsEndpoint: embedded.sqsEndpoint,
    runnerDir,
    dataDir: config.dataDir,
    heartbeatSeconds: config.localHeartbeatSeconds,
    region: config.region,
    logLevel: config.logLevel,
    ec2Events: stores.ec2Events,
    clock,
    logger,
  });
  const metrics = buildMetrics(config, clock);
  observeAwsClient(clients.dynamodb, "DynamoDB", metrics);
  observeAwsClient(clients.sqs, "SQS", metrics);
  const runnerConfigs = createFileRunnerConfigStore({ dir: runnerDir });
  const { github, commits, dryRun } = buildGitHub(settings.github, {
    runnerConfigs,
    dryRunJobSeconds: config.dryRunJobSeconds,
    clock,
    logger,
    metrics,
  });
  return {
    ports: {
      ...stores,
      compute,
      github,
      ...(commits ? { commits } : {}),
      runnerConfigs,
      metrics,
      // No EC2 to ask: spot prices are a share of the catalog's list prices.
      spotPrices: createCatalogSpotPrices({ catalog: defaultCatalog }),
      reportStore: createFileReportStore({ dir: config.dataDir }),
      reportPublishers: settings.cost.slackWebhookUrl
        ? [createSlackReportPublisher({ webhookUrl: settings.cost.slackWebhookUrl })]
        : [],
    },
    access: {
      webhookSecrets: [secrets.webhookSecret, ...config.webhookSecrets.slice(1)],
      adminToken: secrets.adminToken,
    },
    adminRoutes: [localRoutes({ compute })],
    // A GitHub App made from the dashboard is kept beside the other local secrets.
    appSetup: {
      exchange: createAppManifestExchange({
        apiUrl: settings.github?.apiUrl ?? "https://api.github.com",
      }),
      store: createFileAppCredentialsStore({ dir: config.dataDir }),
      githubUrl: settings.github?.serverUrl ?? "https://github.com",
    },
    embedded,
    dryRun,
    generated: secrets.generated,
    close: async () => {
      await compute.close();
      clients.dynamodb.destroy();
      clients.sqs.destroy();
      await embedded.stop();
    },
  };
}
