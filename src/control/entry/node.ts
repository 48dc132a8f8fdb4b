import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { serve } from "@hono/node-server";
import { createJsonLogger } from "../../shared/logger.ts";
import { VERSION } from "../../shared/version.ts";
import { ensureTables } from "../adapters/aws/tables.ts";
import { systemClock } from "../adapters/clock.ts";
import { noopMetrics } from "../adapters/memory/metrics.ts";
import { ValidationError } from "../domain/errors.ts";
import { createLabelResolver } from "../services/intake/label-resolver.ts";
import { createAwsControlPlane } from "./aws-runtime.ts";
import { type ControlPlane, composeControlPlane, tableDefinitions } from "./compose.ts";
import { type Config, parseConfig } from "./config.ts";
import { parseFleetFile } from "./fleet-file.ts";
import { resendQueuedAfterRestart } from "./local-restart.ts";
import { createLocalRuntime } from "./local-runtime.ts";
import { startLoops } from "./loops.ts";
import { setupTracing } from "./otel.ts";

function failConfig(err: unknown): never {
  if (err instanceof ValidationError) {
    console.error("runs-fleet: invalid configuration:");
    for (const issue of err.issues) console.error(`  - ${issue}`);
    process.exit(2);
  }
  throw err;
}

/** Starts the control plane on Node (and Bun): local mode by default, AWS with RUNS_FLEET_MODE=aws. */
export async function main(env: Record<string, string | undefined> = process.env) {
  let config: Config;
  let fileText: string | undefined;
  let fleet: ReturnType<typeof parseFleetFile>;
  try {
    config = parseConfig(env);
    fileText = config.configFile ? await readFile(config.configFile, "utf8") : undefined;
    fleet = parseFleetFile(fileText);
  } catch (err) {
    failConfig(err);
  }
  const logger = createJsonLogger({ level: config.logLevel, base: { service: "runs-fleet" } });
  const stopTracing = setupTracing({
    endpoint: config.otlpEndpoint,
    serviceName: config.serviceName,
    version: VERSION,
  });

  let plane: ControlPlane;
  let close = async () => {};
  let banner: string[] = [];
  if (config.mode === "local") {
    let local: Awaited<ReturnType<typeof createLocalRuntime>>;
    try {
      local = await createLocalRuntime({
        config,
        env,
        logger,
        clock: systemClock,
        metrics: noopMetrics,
      });
    } catch (err) {
      failConfig(err);
    }
    const built = composeControlPlane({
      ...local.runtime,
      resolveLabels: createLabelResolver({
        regions: config.regions,
        defaultRegion: config.region,
        environments: config.environments,
        aliases: fleet.aliases,
      }),
    });
    await ensureTables(local.runtime.dynamodb, tableDefinitions(built.tables));
    await resendQueuedAfterRestart(built, logger);
    plane = built;
    close = local.close;
    banner = [
      `  webhook secret: ${local.runtime.webhookSecrets[0]}`,
      `  admin token:    ${local.runtime.adminToken}`,
      `  data:           ${config.dataDir}${local.generated ? " (secrets generated and saved here)" : ""}`,
      `  GitHub:         ${local.dryRun ? "dry run (no App configured): agents simulate each job" : "GitHub App"}`,
    ];
  } else {
    try {
      plane = createAwsControlPlane(env, fileText, (p) => readFileSync(p, "utf8")).plane;
    } catch (err) {
      failConfig(err);
    }
  }

  const loops = config.loops
    ? startLoops(plane, logger, { housekeepingEveryMs: config.housekeeping.intervalMs })
    : null;
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
            ...banner,
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
    await loops?.stop();
    await close();
    await stopTracing();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  return { server, plane, shutdown };
}

await main();
