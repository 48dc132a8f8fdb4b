import { serve } from "@hono/node-server";
import { VERSION } from "../../shared/version.ts";
import { ensureTables } from "../adapters/aws/tables.ts";
import { type Embedded, localSecrets, startEmbedded } from "../adapters/local/embedded.ts";
import { type Config, parseConfig } from "../config.ts";
import { ValidationError } from "../domain/errors.ts";
import { systemClock } from "../ports/clock.ts";
import { createJsonLogger } from "../ports/logger.ts";
import { awsClients } from "./clients.ts";
import { composeControlPlane, tableDefinitions } from "./compose.ts";
import { loadLabelResolver } from "./labels.ts";
import { setupTracing } from "./otel.ts";

/** Starts the control plane on Node (and Bun): local mode by default, AWS with RUNS_FLEET_MODE=aws. */
export async function main(env: Record<string, string | undefined> = process.env) {
  let config: Config;
  try {
    config = parseConfig(env);
  } catch (err) {
    if (err instanceof ValidationError) {
      console.error(`runs-fleet: ${err.message.split(": ")[0]}:`);
      for (const issue of err.issues) console.error(`  - ${issue}`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createJsonLogger({ level: config.logLevel, base: { service: "runs-fleet" } });
  const stopTracing = setupTracing({
    endpoint: config.otlpEndpoint,
    serviceName: config.serviceName,
    version: VERSION,
  });

  let embedded: Embedded | undefined;
  let secrets: { webhookSecrets: string[]; adminToken: string };
  let endpoints = config.endpoints;
  let jobQueueUrl = config.jobQueueUrl;
  let eventsQueueUrl = config.eventsQueueUrl;
  let generated = false;
  if (config.mode === "local") {
    embedded = await startEmbedded({ dataDir: config.dataDir });
    const local = await localSecrets(config.dataDir, {
      webhookSecret: config.webhookSecrets[0],
      adminToken: config.adminToken,
    });
    generated = local.generated;
    secrets = {
      webhookSecrets: [local.webhookSecret, ...config.webhookSecrets.slice(1)],
      adminToken: local.adminToken,
    };
    endpoints = { dynamodb: embedded.dynamodbEndpoint, sqs: embedded.sqsEndpoint };
    jobQueueUrl = embedded.jobQueueUrl;
    eventsQueueUrl = embedded.eventsQueueUrl;
  } else {
    secrets = { webhookSecrets: config.webhookSecrets, adminToken: config.adminToken ?? "" };
  }
  if (!jobQueueUrl || !eventsQueueUrl) throw new Error("queue URLs missing after configuration");

  const clients = awsClients({ region: config.region, endpoints, local: config.mode === "local" });
  const resolveLabels = await loadLabelResolver(config);
  const plane = composeControlPlane({
    config,
    ...clients,
    jobQueueUrl,
    eventsQueueUrl,
    ...secrets,
    resolveLabels,
    logger,
    clock: systemClock,
    startedAt: systemClock.now(),
  });
  if (config.mode === "local") await ensureTables(clients.dynamodb, tableDefinitions(plane.tables));

  const server = serve(
    { fetch: plane.app.fetch, hostname: config.host, port: config.port },
    (info) => {
      const url = `http://${config.host}:${info.port}`;
      logger.info("control plane listening", { url, mode: config.mode, version: VERSION });
      if (config.mode === "local") {
        console.log(
          [
            "",
            `runs-fleet ${VERSION} — local mode`,
            `  URL:            ${url}`,
            `  webhook:        ${url}/webhook`,
            `  webhook secret: ${secrets.webhookSecrets[0]}`,
            `  admin token:    ${secrets.adminToken}`,
            `  data:           ${config.dataDir}${generated ? " (secrets generated and saved here)" : ""}`,
            "",
          ].join("\n"),
        );
      }
    },
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info("shutting down", { signal });
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await stopTracing();
    await embedded?.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  return { server, plane, shutdown };
}

await main();
