import * as v from "valibot";
import type { CostReportSettings } from "../services/cost/cost-reports.ts";
import { failed, ok, type Result } from "./result.ts";

/** The cost report's settings and where it is kept and sent. */
export interface CostSettings extends CostReportSettings {
  /** S3 bucket (and key prefix) of the reports in AWS mode; absent: no daily report there. */
  bucket: string | null;
  prefix: string;
  /** SNS topic the report is published to (the stack's alerts topic). */
  alertsTopicArn: string | null;
  /** Slack incoming-webhook URL the report is posted to (a secret). */
  slackWebhookUrl: string | null;
}

const isZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

const Schema = v.object({
  RUNS_FLEET_COST_REPORT_HOUR: v.optional(
    v.pipe(v.string(), v.regex(/^([01]?\d|2[0-3])$/, "must be an hour, 0–23"), v.transform(Number)),
    "9",
  ),
  RUNS_FLEET_COST_REPORT_TIMEZONE: v.optional(
    v.pipe(v.string(), v.check(isZone, "must be an IANA time zone such as Europe/Berlin")),
    "UTC",
  ),
  RUNS_FLEET_COST_HOST_USD_PER_HOUR: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d+(\.\d+)?$/, "must be a price, e.g. 0.0416"),
      v.transform(Number),
    ),
  ),
  RUNS_FLEET_REPORT_BUCKET: v.optional(
    v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be an S3 bucket name")),
  ),
  RUNS_FLEET_REPORT_PREFIX: v.optional(v.string(), ""),
  RUNS_FLEET_ALERTS_TOPIC_ARN: v.optional(
    v.pipe(v.string(), v.regex(/^arn:aws[a-z-]*:sns:/, "must be an SNS topic ARN")),
  ),
  RUNS_FLEET_SLACK_WEBHOOK_URL: v.optional(
    v.pipe(v.string(), v.url("must be a URL"), v.regex(/^https?:\/\//, "must be http(s)")),
  ),
});

/** Reads the cost report's variables; every problem named, the webhook URL never echoed. */
export function costSettingsFrom(
  env: Readonly<Record<string, string | undefined>>,
  o: { mode: "local" | "aws" },
): Result<CostSettings> {
  const set = Object.fromEntries(
    Object.keys(Schema.entries).flatMap((k) => (env[k] ? [[k, env[k]]] : [])),
  );
  const parsed = v.safeParse(Schema, set);
  if (!parsed.success)
    return failed(parsed.issues.map((i) => `${v.getDotPath(i) ?? "cost settings"}: ${i.message}`));
  const e = parsed.output;
  return ok({
    hour: e.RUNS_FLEET_COST_REPORT_HOUR,
    timeZone: e.RUNS_FLEET_COST_REPORT_TIMEZONE,
    // Local mode runs on a machine already paid for; AWS mode without a host price is Lambda.
    hostUsdPerHour: e.RUNS_FLEET_COST_HOST_USD_PER_HOUR ?? (o.mode === "local" ? 0 : null),
    stoppedDiskGiB: 40,
    heartbeatSeconds: 30,
    bucket: e.RUNS_FLEET_REPORT_BUCKET ?? null,
    prefix: e.RUNS_FLEET_REPORT_PREFIX,
    alertsTopicArn: e.RUNS_FLEET_ALERTS_TOPIC_ARN ?? null,
    slackWebhookUrl: e.RUNS_FLEET_SLACK_WEBHOOK_URL ?? null,
  });
}
