import * as v from "valibot";
import data from "../../../data/aws-service-prices.json" with { type: "json" };

const usd = v.pipe(v.number(), v.minValue(0));

/** AWS list prices the supporting-services estimate uses (`data/aws-service-prices.json`). */
export const ServicePricesSchema = v.object({
  asOf: v.string(),
  region: v.string(),
  ebsGp3UsdPerGibMonth: usd,
  s3StandardUsdPerGibMonth: usd,
  sqsUsdPerMillionRequests: usd,
  dynamodbUsdPerMillionWrites: usd,
  dynamodbUsdPerMillionReads: usd,
  lambdaUsdPerGbSecond: usd,
  lambdaUsdPerMillionRequests: usd,
  cloudwatchUsdPerMetricMonth: usd,
  cloudwatchUsdPerDashboardMonth: usd,
  cloudwatchUsdPerAlarmMonth: usd,
});
export type ServicePrices = v.InferOutput<typeof ServicePricesSchema>;

/** The prices shipped with runs-fleet, validated at load. */
export const awsServicePrices: ServicePrices = v.parse(ServicePricesSchema, data);

/** Supporting services for one window: request counts and their estimated cost. */
export interface ServiceEstimate {
  host: { kind: "lambda" | "host"; usd: number };
  sqs: { requests: number; usd: number };
  dynamodb: { reads: number; writes: number; usd: number };
  cloudwatch: { usd: number };
  usd: number;
}

/*
 * Per-job request counts, from the code's own flows: intake (1 send), scheduler (receive,
 * delete), agent events started/completed (send, receive, delete each); DynamoDB writes of
 * create, claim, launched, instance record, started, completed, instance end; reads around each.
 * Heartbeats add one SQS round trip (3 requests) and one DynamoDB write each. Idle long polls of
 * two queues every 20 s are the floor of a day with no jobs.
 */
const perJob = { sqs: 9, writes: 8, reads: 14, lambdaInvocations: 4 };
const idlePollsPerHour = (2 * 3600) / 20;
/** Metrics emitted per hour whatever happens, dashboard and alarms of the stack. */
const fixed = { metrics: 20, dashboards: 1, alarms: 5 };
/** Lambda: 512 MB for ~300 ms per invocation, and the scheduled housekeeping tick each minute. */
const lambda = { gb: 0.5, seconds: 0.3, ticksPerHour: 60, tickSeconds: 5 };

/** Estimates the supporting services' cost of a window from its job count and instance-hours. */
export function estimateServices(
  prices: ServicePrices,
  input: {
    window: { from: number; to: number };
    jobs: number;
    instanceHours: number;
    heartbeatSeconds: number;
    hostUsdPerHour: number | null;
  },
): ServiceEstimate {
  const hours = Math.max(0, input.window.to - input.window.from) / 3.6e6;
  const beats = (input.instanceHours * 3600) / Math.max(1, input.heartbeatSeconds);
  const sqsRequests = Math.round(input.jobs * perJob.sqs + beats * 3 + hours * idlePollsPerHour);
  const writes = Math.round(input.jobs * perJob.writes + beats);
  const reads = Math.round(input.jobs * perJob.reads);
  const sqsUsd = (sqsRequests / 1e6) * prices.sqsUsdPerMillionRequests;
  const dynamoUsd =
    (writes / 1e6) * prices.dynamodbUsdPerMillionWrites +
    (reads / 1e6) * prices.dynamodbUsdPerMillionReads;
  const monthShare = hours / (30 * 24);
  const cloudwatchUsd =
    monthShare *
    (fixed.metrics * prices.cloudwatchUsdPerMetricMonth +
      fixed.dashboards * prices.cloudwatchUsdPerDashboardMonth +
      fixed.alarms * prices.cloudwatchUsdPerAlarmMonth);
  let host: ServiceEstimate["host"];
  if (input.hostUsdPerHour !== null) host = { kind: "host", usd: hours * input.hostUsdPerHour };
  else {
    const invocations = input.jobs * perJob.lambdaInvocations + beats;
    const gbSeconds =
      invocations * lambda.gb * lambda.seconds +
      hours * lambda.ticksPerHour * lambda.gb * lambda.tickSeconds;
    const requests = invocations + hours * lambda.ticksPerHour;
    host = {
      kind: "lambda",
      usd:
        gbSeconds * prices.lambdaUsdPerGbSecond +
        (requests / 1e6) * prices.lambdaUsdPerMillionRequests,
    };
  }
  return {
    host,
    sqs: { requests: sqsRequests, usd: sqsUsd },
    dynamodb: { reads, writes, usd: dynamoUsd },
    cloudwatch: { usd: cloudwatchUsd },
    usd: host.usd + sqsUsd + dynamoUsd + cloudwatchUsd,
  };
}
