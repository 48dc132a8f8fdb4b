/// <reference lib="deno.ns" />

import { createJsonLogger } from "../../shared/logger.ts";
import { VERSION } from "../../shared/version.ts";
import { createAwsControlPlane } from "./aws-runtime.ts";
import { startLoops } from "./loops.ts";
import { setupTracing } from "./otel.ts";
import { configurationReport } from "./result.ts";
import { envWithSavedApp, withAppProblems } from "./saved-app.ts";
import { loadAwsSettings } from "./settings.ts";
import { scheduledTick } from "./ticks.ts";

/**
 * Deno entry (AWS mode), served with `Deno.serve`. With RUNS_FLEET_LOOPS=on (the default) the
 * scheduler, events and housekeeping loops run in-process as on Node; with `off` (Deno Deploy,
 * where processes do not stay up) a `Deno.cron` tick drains the queues and runs housekeeping.
 */
async function main() {
  // With no App in the environment, the one the dashboard's manifest flow saved is used.
  const found = await envWithSavedApp(Deno.env.toObject(), undefined, { awsOnly: true });
  const loaded = withAppProblems(
    loadAwsSettings({ env: found.env, readTextFile: (path) => Deno.readTextFileSync(path) }),
    found.problems,
  );
  if (!loaded.ok) {
    console.error(configurationReport(loaded.problems));
    Deno.exit(2);
  }
  const settings = loaded.value;
  const { config } = settings;
  const logger = createJsonLogger({
    level: config.logLevel,
    base: { service: "runs-fleet", version: VERSION, runtime: "deno" },
  });
  const tracing = setupTracing({
    endpoint: config.otlpEndpoint,
    serviceName: config.serviceName,
    version: VERSION,
  });
  const plane = createAwsControlPlane(settings, logger);
  if (config.loops)
    startLoops(plane, logger, { housekeepingEveryMs: config.housekeeping.intervalMs });
  else
    Deno.cron("runs-fleet tick", "* * * * *", () =>
      // Spans exported before the tick returns, as Deno Deploy may pause the isolate after it.
      scheduledTick(plane, 50_000, logger).then(() => tracing.flush()),
    );
  Deno.serve(
    {
      hostname: config.host,
      port: config.port,
      onListen: ({ hostname, port }) =>
        logger.info("control plane listening", { url: `http://${hostname}:${port}` }),
    },
    plane.app.fetch,
  );
}

await main();
