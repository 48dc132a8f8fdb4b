import { readFileSync } from "node:fs";
import { handle, type LambdaContext, type LambdaEvent } from "hono/aws-lambda";
import { VERSION } from "../../shared/version.ts";
import type { Env } from "../config.ts";
import { createAwsControlPlane } from "./aws-runtime.ts";
import { setupTracing } from "./otel.ts";

/** Builds a Lambda handler for API Gateway (REST or HTTP API), ALB and function URL events. */
export function createLambdaHandler(env: Env, fleetFileText: string | undefined) {
  const { config, plane } = createAwsControlPlane(env, fleetFileText, (p) =>
    readFileSync(p, "utf8"),
  );
  setupTracing({
    endpoint: config.otlpEndpoint,
    serviceName: config.serviceName,
    version: VERSION,
  });
  return { plane, handler: handle(plane.app) };
}

let built: ReturnType<typeof createLambdaHandler> | undefined;

/** The function's handler: composed once per container from the environment, then reused. */
export async function handler(event: LambdaEvent, context: LambdaContext) {
  if (!built) {
    const file = process.env.RUNS_FLEET_CONFIG_FILE;
    built = createLambdaHandler(process.env, file ? readFileSync(file, "utf8") : undefined);
  }
  return await built.handler(event, context);
}
