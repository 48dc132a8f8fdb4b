import { EC2Client } from "@aws-sdk/client-ec2";
import { SSMClient } from "@aws-sdk/client-ssm";
import { createJsonLogger } from "../../shared/logger.ts";
import { VERSION } from "../../shared/version.ts";
import { createEc2Compute } from "../adapters/aws/ec2-compute.ts";
import { createEmfMetrics } from "../adapters/aws/emf-metrics.ts";
import { createSsmRunnerConfigStore } from "../adapters/aws/ssm-runner-config-store.ts";
import { systemClock } from "../adapters/clock.ts";
import { noopMetrics } from "../adapters/memory/metrics.ts";
import { ValidationError } from "../domain/errors.ts";
import { createLabelResolver } from "../services/intake/label-resolver.ts";
import { awsClients } from "./clients.ts";
import { type ControlPlane, composeControlPlane } from "./compose.ts";
import type { Config, Env } from "./config.ts";
import { parseConfig } from "./config.ts";
import { parseFleetFile } from "./fleet-file.ts";
import { buildGitHub } from "./github.ts";

/**
 * Builds the control plane for AWS mode from the environment and the config file's text; no
 * runtime-specific API, so Deno, Lambda and Node share it. `readTextFile` reads key files.
 */
export function createAwsControlPlane(
  env: Env,
  fleetFileText: string | undefined,
  readTextFile: (path: string) => string = () => {
    throw new Error("reading files is not available here");
  },
): { config: Config; plane: ControlPlane } {
  const config = parseConfig({ RUNS_FLEET_MODE: "aws", ...env });
  const fleet = parseFleetFile(fleetFileText);
  const problems: string[] = [];
  if (!fleet.placement)
    problems.push(
      "RUNS_FLEET_CONFIG_FILE: a `placement` section (launch templates, subnets) is required in AWS mode",
    );
  if (!config.jobQueueUrl || !config.eventsQueueUrl || !config.adminToken)
    problems.push("queue URLs and admin token are required in AWS mode");
  const logger = createJsonLogger({
    level: config.logLevel,
    base: { service: "runs-fleet", version: VERSION },
  });
  const clock = systemClock;
  const metrics =
    config.metrics === "emf"
      ? createEmfMetrics({
          namespace: config.metricsNamespace,
          // One line per point on stdout; CloudWatch Logs turns them into metrics.
          write: (line) => console.log(line),
          clock,
          base: { prefix: config.tablePrefix },
        })
      : noopMetrics;
  let github: ReturnType<typeof buildGitHub> | undefined;
  try {
    github = buildGitHub({
      env,
      readTextFile,
      mode: "aws",
      dryRunJobSeconds: config.dryRunJobSeconds,
      clock,
      logger,
      metrics,
    });
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    problems.push(...err.issues);
  }
  if (
    problems.length > 0 ||
    !github ||
    !fleet.placement ||
    !config.jobQueueUrl ||
    !config.eventsQueueUrl ||
    !config.adminToken
  ) {
    throw new ValidationError("invalid configuration", problems);
  }
  const clients = awsClients({ region: config.region, endpoints: config.endpoints, local: false });
  const ec2 = new EC2Client({
    region: config.region,
    ...(config.endpoints.ec2 ? { endpoint: config.endpoints.ec2 } : {}),
  });
  const ssm = new SSMClient({
    region: config.region,
    ...(config.endpoints.ssm ? { endpoint: config.endpoints.ssm } : {}),
  });
  const plane = composeControlPlane({
    config,
    ...clients,
    jobQueueUrl: config.jobQueueUrl,
    eventsQueueUrl: config.eventsQueueUrl,
    webhookSecrets: config.webhookSecrets,
    adminToken: config.adminToken,
    resolveLabels: createLabelResolver({
      regions: config.regions,
      defaultRegion: config.region,
      environments: config.environments,
      aliases: fleet.aliases,
    }),
    placement: fleet.placement,
    compute: createEc2Compute({
      client: ec2,
      region: config.region,
      clock,
      logger: logger.child({ component: "ec2" }),
    }),
    github: github.github,
    runnerConfigs: createSsmRunnerConfigStore({ client: ssm, prefix: config.ssmPrefix }),
    batchWindowMs: config.batchWindowMs,
    metrics,
    logger,
    clock,
    startedAt: clock.now(),
  });
  return { config, plane };
}
