import { VERSION } from "../../shared/version.ts";
import type { Config, Env } from "../config.ts";
import { parseConfig } from "../config.ts";
import { ValidationError } from "../domain/errors.ts";
import { systemClock } from "../ports/clock.ts";
import { createJsonLogger } from "../ports/logger.ts";
import { createLabelResolver } from "../services/label-resolver.ts";
import { awsClients } from "./clients.ts";
import { type ControlPlane, composeControlPlane } from "./compose.ts";
import { parseFleetFile } from "./fleet-file.ts";

/**
 * Builds the control plane for AWS mode from the environment and the optional config file's
 * text; no runtime-specific API, so Deno, Lambda and Node share it.
 */
export function createAwsControlPlane(
  env: Env,
  fleetFileText: string | undefined,
): { config: Config; plane: ControlPlane } {
  const config = parseConfig({ RUNS_FLEET_MODE: "aws", ...env });
  const fleet = parseFleetFile(fleetFileText);
  if (!config.jobQueueUrl || !config.eventsQueueUrl || !config.adminToken) {
    throw new ValidationError("invalid configuration", [
      "queue URLs and admin token are required in AWS mode",
    ]);
  }
  const logger = createJsonLogger({
    level: config.logLevel,
    base: { service: "runs-fleet", version: VERSION },
  });
  const clients = awsClients({ region: config.region, endpoints: config.endpoints, local: false });
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
    logger,
    clock: systemClock,
    startedAt: systemClock.now(),
  });
  return { config, plane };
}
