/// <reference lib="deno.ns" />

import { createJsonLogger } from "../../shared/logger.ts";
import { VERSION } from "../../shared/version.ts";
import { ValidationError } from "../domain/errors.ts";
import { createAwsControlPlane } from "./aws-runtime.ts";
import { startLoops } from "./loops.ts";
import { setupTracing } from "./otel.ts";
import { scheduledTick } from "./ticks.ts";

/**
 * Deno entry (AWS mode), served with `Deno.serve`. With RUNS_FLEET_LOOPS=on (the default) the
 * scheduler, events and housekeeping loops run in-process as on Node; with `off` (Deno Deploy,
 * where processes do not stay up) a `Deno.cron` tick drains the queues and runs housekeeping.
 */
async function main() {
  const env = Deno.env.toObject();
  const file = env.RUNS_FLEET_CONFIG_FILE;
  let built: ReturnType<typeof createAwsControlPlane>;
  try {
    built = createAwsControlPlane(env, file ? await Deno.readTextFile(file) : undefined, (p) =>
      Deno.readTextFileSync(p),
    );
  } catch (err) {
    if (err instanceof ValidationError) {
      console.error("runs-fleet: invalid configuration:");
      for (const issue of err.issues) console.error(`  - ${issue}`);
      Deno.exit(2);
    }
    throw err;
  }
  const { config, plane } = built;
  const logger = createJsonLogger({
    level: config.logLevel,
    base: { service: "runs-fleet", runtime: "deno" },
  });
  setupTracing({
    endpoint: config.otlpEndpoint,
    serviceName: config.serviceName,
    version: VERSION,
  });
  if (config.loops)
    startLoops(plane, logger, { housekeepingEveryMs: config.housekeeping.intervalMs });
  else
    Deno.cron("runs-fleet tick", "* * * * *", () =>
      scheduledTick(plane, 50_000, logger).then(() => {}),
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
