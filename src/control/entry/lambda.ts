import { readFileSync } from "node:fs";
import { handle, type LambdaContext, type LambdaEvent } from "hono/aws-lambda";
import * as v from "valibot";
import { createJsonLogger } from "../../shared/logger.ts";
import { VERSION } from "../../shared/version.ts";
import { createAwsControlPlane } from "./aws-runtime.ts";
import type { Env } from "./config.ts";
import { handleSqsBatch } from "./lambda-sqs.ts";
import { setupTracing } from "./otel.ts";
import { configurationReport } from "./result.ts";
import { envWithSavedApp } from "./saved-app.ts";
import { loadAwsSettings } from "./settings.ts";
import { scheduledTick } from "./ticks.ts";

const ScheduledEventSchema = v.object({
  source: v.literal("aws.events"),
  "detail-type": v.literal("Scheduled Event"),
});
const SqsEventSchema = v.object({
  Records: v.pipe(
    v.array(
      v.object({
        eventSource: v.literal("aws:sqs"),
        messageId: v.string(),
        receiptHandle: v.string(),
        body: v.string(),
        eventSourceARN: v.string(),
        attributes: v.optional(
          v.object({
            ApproximateReceiveCount: v.optional(v.string()),
            SenderId: v.optional(v.string()),
          }),
        ),
        messageAttributes: v.optional(
          v.record(v.string(), v.object({ stringValue: v.optional(v.string()) })),
        ),
      }),
    ),
    v.minLength(1),
  ),
});

/**
 * Builds the Lambda handler. One function serves three triggers: HTTP (API Gateway REST/HTTP,
 * ALB, function URL), SQS event source mappings on the job and events queues (partial batch
 * failures), and an EventBridge schedule (drains and housekeeping within the time left).
 * A refused configuration fails the function's start with every problem in the message.
 */
export function createLambdaHandler(env: Env, fleetFileText?: string) {
  const loaded = loadAwsSettings({
    env,
    readTextFile: (path) => readFileSync(path, "utf8"),
    ...(fleetFileText === undefined ? {} : { fleetFileText }),
  });
  if (!loaded.ok) throw new Error(configurationReport(loaded.problems));
  const settings = loaded.value;
  const { config } = settings;
  const logger = createJsonLogger({
    level: config.logLevel,
    base: { service: "runs-fleet", version: VERSION, runtime: "lambda" },
  });
  const tracing = setupTracing({
    endpoint: config.otlpEndpoint,
    serviceName: config.serviceName,
    version: VERSION,
  });
  const plane = createAwsControlPlane(settings, logger);
  const http = handle(plane.app);
  const queues = {
    jobQueueUrl: config.jobQueueUrl,
    eventsQueueUrl: config.eventsQueueUrl,
    ec2EventsQueueUrl: config.ec2EventsQueueUrl,
  };
  const handler = async (
    event: unknown,
    context: LambdaContext & { getRemainingTimeInMillis?: () => number },
  ) => {
    // Spans are exported before the invocation returns: Lambda freezes the process after it.
    try {
      return await invoke(event, context);
    } finally {
      await tracing.flush();
    }
  };
  const invoke = async (
    event: unknown,
    context: LambdaContext & { getRemainingTimeInMillis?: () => number },
  ) => {
    if (v.is(ScheduledEventSchema, event)) {
      const left = context.getRemainingTimeInMillis?.() ?? 60_000;
      return await scheduledTick(plane, Math.max(1_000, left - 5_000), logger);
    }
    const sqs = v.safeParse(SqsEventSchema, event);
    if (sqs.success) return await handleSqsBatch(plane, sqs.output.Records, queues, logger);
    return await http(event as LambdaEvent, context);
  };
  return { config, plane, handler };
}

let built: ReturnType<typeof createLambdaHandler> | undefined;

/** The function's handler: composed once per container from the environment, then reused. */
export async function handler(event: unknown, context: LambdaContext) {
  if (!built) {
    // With no App in the environment, the one the dashboard's manifest flow saved is used.
    const found = await envWithSavedApp(process.env, undefined, { awsOnly: true });
    try {
      built = createLambdaHandler(found.env);
    } catch (err) {
      // Every problem at once: those met looking for the saved App, then the settings' own.
      if (found.problems.length === 0) throw err;
      const rest = err instanceof Error ? `\n${err.message}` : "";
      throw new Error(`${configurationReport(found.problems)}${rest}`);
    }
  }
  return await built.handler(event, context);
}
