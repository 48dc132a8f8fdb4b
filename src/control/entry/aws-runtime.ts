import { S3Client } from "@aws-sdk/client-s3";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SNSClient } from "@aws-sdk/client-sns";
import { SSMClient } from "@aws-sdk/client-ssm";
import type { Logger } from "../../shared/logger.ts";
import { createEc2SpotPrices } from "../adapters/aws/ec2-spot-prices.ts";
import { observeAwsClient } from "../adapters/aws/observe-client.ts";
import { createS3ReportStore } from "../adapters/aws/s3-report-store.ts";
import {
  appSecretName,
  createSecretsAppCredentialsStore,
} from "../adapters/aws/secrets-app-credentials.ts";
import { createSnsReportPublisher } from "../adapters/aws/sns-report-publisher.ts";
import { createSsmRunnerConfigStore } from "../adapters/aws/ssm-runner-config-store.ts";
import { systemClock } from "../adapters/clock.ts";
import { createAppManifestExchange } from "../adapters/github/app-manifest.ts";
import { createSlackReportPublisher } from "../adapters/slack-report-publisher.ts";
import type { Clock } from "../ports/clock.ts";
import type { ReportPublisher } from "../ports/report-publisher.ts";
import { awsClients } from "./clients.ts";
import { composeControlPlane } from "./compose.ts";
import type { ControlPlane, Wiring } from "./compose-types.ts";
import { buildEc2Regions, launchRegions } from "./ec2-regions.ts";
import { buildGitHub } from "./github.ts";
import { buildMetrics } from "./metrics.ts";
import type { AwsSettings } from "./settings.ts";
import { storePorts } from "./store-ports.ts";

/** AWS mode's ports: DynamoDB, SQS, EC2, SSM and the GitHub App, SDK clients built here. */
export function buildAwsPorts(settings: AwsSettings, o: { clock: Clock; logger: Logger }): Wiring {
  const { config } = settings;
  const { clock, logger } = o;
  const { region, endpoints } = config;
  const clients = awsClients({ region, endpoints, local: false });
  const ssm = new SSMClient({ region, ...(endpoints.ssm ? { endpoint: endpoints.ssm } : {}) });
  const metrics = buildMetrics(config, clock);
  const { cost } = settings;
  const publishers: ReportPublisher[] = [
    ...(cost.alertsTopicArn
      ? [
          createSnsReportPublisher({
            client: new SNSClient({ region }),
            topicArn: cost.alertsTopicArn,
          }),
        ]
      : []),
    ...(cost.slackWebhookUrl
      ? [createSlackReportPublisher({ webhookUrl: cost.slackWebhookUrl })]
      : []),
  ];
  observeAwsClient(clients.dynamodb, "DynamoDB", metrics);
  observeAwsClient(clients.sqs, "SQS", metrics);
  observeAwsClient(ssm, "SSM", metrics);
  if (!config.runnerRoleId)
    logger.warn(
      "RUNS_FLEET_RUNNER_ROLE_ID is not set: runner configs carry no reader tag, so runners under the runs-fleet runner policy cannot read them",
    );
  if (!config.ec2EventsQueueUrl)
    logger.warn(
      "RUNS_FLEET_EC2_EVENTS_QUEUE_URL is not set: no EC2 event (spot warning, rebalance, state change) is taken; EC2-shaped messages on the agents' queue are refused",
    );
  const { github, commits } = buildGitHub(settings.github, {
    dryRunJobSeconds: config.dryRunJobSeconds,
    clock,
    logger,
    metrics,
  });
  const stores = storePorts({
    ...clients,
    tablePrefix: config.tablePrefix,
    queues: {
      jobs: config.jobQueueUrl,
      events: config.eventsQueueUrl,
      ec2Events: config.ec2EventsQueueUrl,
      jobsDlq: config.housekeeping.jobDlqUrl,
      eventsDlq: config.housekeeping.eventsDlqUrl,
      ec2EventsDlq: config.housekeeping.ec2EventsDlqUrl,
    },
    retentionSeconds: config.jobRetentionSeconds,
    clock,
  });
  // Clients for every region launched in, built once; each call goes to its region's client.
  const ec2 = buildEc2Regions({
    home: region,
    regions: launchRegions(region, config.regions, settings.placement),
    endpoint: endpoints.ec2,
    instances: stores.instances,
    clock,
    logger: logger.child({ component: "ec2" }),
  });
  for (const client of ec2.clients.values()) observeAwsClient(client, "EC2", metrics);
  return {
    ports: {
      ...stores,
      compute: ec2.compute,
      github,
      ...(commits ? { commits } : {}),
      runnerConfigs: createSsmRunnerConfigStore({
        client: ssm,
        prefix: config.ssmPrefix,
        ...(config.ssmKmsKeyId ? { kmsKeyId: config.ssmKmsKeyId } : {}),
        ...(config.runnerRoleId ? { runnerRoleId: config.runnerRoleId } : {}),
      }),
      metrics,
      spotPrices: createEc2SpotPrices({ clientFor: ec2.clientFor, clock }),
      ...(cost.bucket
        ? {
            reportStore: createS3ReportStore({
              client: new S3Client({ region }),
              bucket: cost.bucket,
              prefix: cost.prefix,
            }),
          }
        : {}),
      reportPublishers: publishers,
    },
    access: { webhookSecrets: config.webhookSecrets, adminToken: config.adminToken },
    // An App made from the dashboard goes to `<prefix>github-app`, read back at the next start.
    appSetup: {
      exchange: createAppManifestExchange({ apiUrl: settings.github.apiUrl }),
      store: createSecretsAppCredentialsStore({
        client: new SecretsManagerClient({ region }),
        name: appSecretName(config.tablePrefix),
      }),
      githubUrl: settings.github.serverUrl,
    },
  };
}

/** The AWS-mode control plane: AWS ports through the one composition. Node, Deno and Lambda share it. */
export function createAwsControlPlane(
  settings: AwsSettings,
  logger: Logger,
  clock: Clock = systemClock,
): ControlPlane {
  return composeControlPlane(settings, buildAwsPorts(settings, { clock, logger }), {
    logger,
    clock,
  });
}
