import { readFileSync } from "node:fs";
import { serve } from "@hono/node-server";
import { createJsonLogger, type Logger } from "../../shared/logger.ts";
import { VERSION } from "../../shared/version.ts";
import { systemClock } from "../adapters/clock.ts";
import type { Clock } from "../ports/clock.ts";
import { createAwsControlPlane } from "./aws-runtime.ts";
import { composeControlPlane } from "./compose.ts";
import type { ControlPlane } from "./compose-types.ts";
import { watchConfigFile } from "./config-file-watch.ts";
import { buildLocalPorts } from "./local-ports.ts";
import { resendQueuedAfterRestart } from "./local-restart.ts";
import { startLoops } from "./loops.ts";
import { setupTracing } from "./otel.ts";
import { configurationReport } from "./result.ts";
import { envWithSavedApp, withAppProblems } from "./saved-app.ts";
import { type LocalSettings, loadSettings } from "./settings.ts";

/** Local mode: its ports through the one composition, queued jobs re-sent, and its banner. */
async function startLocal(settings: LocalSettings, logger: Logger, clock: Clock) {
  const wiring = await buildLocalPorts(settings, { clock, logger });
  const plane = composeControlPlane(settings, wiring, { logger, clock });
  await resendQueuedAfterRestart(plane, logger);
  // Pools and aliases edited in the config file take effect without a restart.
  const path = settings.config.configFile;
  const watcher = path ? watchConfigFile({ path, apply: plane.configs.apply, logger }) : null;
  await watcher?.check();
  const stopWatching = watcher?.start();
  const generated = wiring.generated ? " (secrets generated and saved here)" : "";
  const banner = [
    `  webhook secret: ${wiring.access.webhookSecrets[0]}`,
    `  admin token:    ${wiring.access.adminToken}`,
    `  data:           ${settings.config.dataDir}${generated}`,
    `  GitHub:         ${wiring.dryRun ? "dry run (no App configured): agents simulate each job" : "GitHub App"}`,
  ];
  const close = async () => {
    stopWatching?.();
    await wiring.close();
  };
  return { plane, close, banner };
}

/** Starts the control plane on Node (and Bun): local mode by default, AWS with RUNS_FLEET_MODE=aws. */
export async function main(env: Record<string, string | undefined> = process.env) {
  // With no App in the environment, the one the dashboard's manifest flow saved is used.
  const withApp = await envWithSavedApp(env);
  const loaded = withAppProblems(
    loadSettings({ env: withApp.env, readTextFile: (path) => readFileSync(path, "utf8") }),
    withApp.problems,
  );
  if (!loaded.ok) {
    console.error(configurationReport(loaded.problems));
    process.exit(2);
  }
  const settings = loaded.value;
  const { config } = settings;
  const logger = createJsonLogger({
    level: config.logLevel,
    base: { service: "runs-fleet", version: VERSION },
  });
  const stopTracing = setupTracing({
    endpoint: config.otlpEndpoint,
    serviceName: config.serviceName,
    version: VERSION,
  });
  const clock = systemClock;
  const started: { plane: ControlPlane; close(): Promise<void>; banner: string[] } =
    settings.mode === "local"
      ? await startLocal(settings, logger, clock)
      : {
          plane: createAwsControlPlane(settings, logger, clock),
          close: async () => {},
          banner: [],
        };
  const { plane } = started;

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
            ...started.banner,
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
    await started.close();
    await stopTracing();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  return { server, plane, shutdown };
}

await main();
