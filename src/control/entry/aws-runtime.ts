import { EC2Client } from "@aws-sdk/client-ec2";
import { SSMClient } from "@aws-sdk/client-ssm";
import type { Logger } from "../../shared/logger.ts";
import { createEc2Compute } from "../adapters/aws/ec2-compute.ts";
import { createSsmRunnerConfigStore } from "../adapters/aws/ssm-runner-config-store.ts";
import { systemClock } from "../adapters/clock.ts";
import type { Clock } from "../ports/clock.ts";
import { awsClients } from "./clients.ts";
import { type ControlPlane, composeControlPlane, type Wiring } from "./compose.ts";
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
  const ec2 = new EC2Client({ region, ...(endpoints.ec2 ? { endpoint: endpoints.ec2 } : {}) });
  const ssm = new SSMClient({ region, ...(endpoints.ssm ? { endpoint: endpoints.ssm } : {}) });
  const metrics = buildMetrics(config, clock);
  if (!config.runnerRoleId)
    logger.warn(
      "RUNS_FLEET_RUNNER_ROLE_ID is not set: runner configs carry no reader tag, so runners under the runs-fleet runner policy cannot read them",
    );
  if (!config.ec2EventsQueueUrl)
    logger.warn(
      "RUNS_FLEET_EC2_EVENTS_QUEUE_URL is not set: no EC2 event (spot warning, rebalance, state change) is taken; EC2-shaped messages on the agents' queue are refused",
    );
  const { github } = buildGitHub(settings.github, {
    dryRunJobSeconds: config.dryRunJobSeconds,
    clock,
    logger,
    metrics,
  });
  return {
    ports: {
      ...storePorts({
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
      }),
      compute: createEc2Compute({
        client: ec2,
        region,
        clock,
        logger: logger.child({ component: "ec2" }),
      }),
      github,
      runnerConfigs: createSsmRunnerConfigStore({
        client: ssm,
        prefix: config.ssmPrefix,
        ...(config.ssmKmsKeyId ? { kmsKeyId: config.ssmKmsKeyId } : {}),
        ...(config.runnerRoleId ? { runnerRoleId: config.runnerRoleId } : {}),
      }),
      metrics,
    },
    access: { webhookSecrets: config.webhookSecrets, adminToken: config.adminToken },
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
