/// <reference lib="deno.ns" />
import { VERSION } from "../../shared/version.ts";
import { ValidationError } from "../domain/errors.ts";
import { createAwsControlPlane } from "./aws-runtime.ts";
import { setupTracing } from "./otel.ts";

/** Deno (and Deno Deploy) entry: AWS mode, served with `Deno.serve`. */
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
  setupTracing({
    endpoint: config.otlpEndpoint,
    serviceName: config.serviceName,
    version: VERSION,
  });
  Deno.serve(
    {
      hostname: config.host,
      port: config.port,
      onListen: ({ hostname, port }) => {
        console.error(
          JSON.stringify({
            level: "info",
            msg: "control plane listening",
            url: `http://${hostname}:${port}`,
            runtime: "deno",
          }),
        );
      },
    },
    plane.app.fetch,
  );
}

await main();
