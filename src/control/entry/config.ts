import * as v from "valibot";
import { ValidationError } from "../domain/errors.ts";
import type { HousekeepingConfig } from "../services/housekeeping/config.ts";

/** The housekeeping settings the environment sets; the rest keep their defaults. */
type HousekeepingSetting =
  | "heartbeatTimeoutMs"
  | "bootGraceMs"
  | "launchingDeadlineMs"
  | "launchedDeadlineMs"
  | "orphanedRecheckMs"
  | "maxRuntimeMs"
  | "maxRuntimeGraceMs"
  | "orphanGraceMs"
  | "reconcileAfterMs"
  | "batchSize";

/** Environment variables are text; this reads them into typed settings. */
export type Env = Record<string, string | undefined>;

const csv = (s: string) =>
  s
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);

const Port = v.pipe(
  v.string(),
  v.regex(/^\d{1,5}$/, "must be a port number"),
  v.transform(Number),
  v.maxValue(65535),
);
const Seconds = v.pipe(
  v.string(),
  v.regex(/^\d+(\.\d+)?$/, "must be a number of seconds"),
  v.transform(Number),
);
const Region = v.pipe(
  v.string(),
  v.regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "must be an AWS region like us-east-1"),
);
const Url = v.pipe(v.string(), v.url("must be a URL"));

/** Every setting the control plane reads from its environment, with defaults. */
const EnvSchema = v.object({
  RUNS_FLEET_MODE: v.optional(v.picklist(["local", "aws"], 'must be "local" or "aws"'), "local"),
  HOST: v.optional(v.string(), "127.0.0.1"),
  PORT: v.optional(Port, "8080"),
  RUNS_FLEET_WEBHOOK_SECRET: v.optional(
    v.pipe(v.string(), v.minLength(16, "must be at least 16 characters")),
  ),
  RUNS_FLEET_WEBHOOK_SECRET_PREVIOUS: v.optional(
    v.pipe(v.string(), v.minLength(16, "must be at least 16 characters")),
  ),
  RUNS_FLEET_ADMIN_TOKEN: v.optional(
    v.pipe(v.string(), v.minLength(16, "must be at least 16 characters")),
  ),
  RUNS_FLEET_DATA_DIR: v.optional(v.string(), "./.runs-fleet"),
  RUNS_FLEET_TABLE_PREFIX: v.optional(
    v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.-]{0,200}$/, "only letters, digits, _ . -")),
    "runs-fleet-",
  ),
  RUNS_FLEET_JOB_QUEUE_URL: v.optional(Url),
  RUNS_FLEET_EVENTS_QUEUE_URL: v.optional(Url),
  RUNS_FLEET_DYNAMODB_ENDPOINT: v.optional(Url),
  RUNS_FLEET_SQS_ENDPOINT: v.optional(Url),
  AWS_REGION: v.optional(Region),
  RUNS_FLEET_REGIONS: v.optional(v.pipe(v.string(), v.transform(csv), v.array(Region))),
  RUNS_FLEET_ENVIRONMENTS: v.optional(
    v.pipe(
      v.string(),
      v.transform(csv),
      v.array(v.pipe(v.string(), v.regex(/^[a-z][a-z0-9-]{0,31}$/, "env names are lower case"))),
    ),
  ),
  RUNS_FLEET_CONFIG_FILE: v.optional(v.string()),
  RUNS_FLEET_LOG_LEVEL: v.optional(v.picklist(["debug", "info", "warn", "error"]), "info"),
  RUNS_FLEET_JOB_RETENTION_DAYS: v.optional(Seconds, "30"),
  RUNS_FLEET_EC2_ENDPOINT: v.optional(Url),
  RUNS_FLEET_SSM_ENDPOINT: v.optional(Url),
  RUNS_FLEET_SSM_PREFIX: v.optional(
    v.pipe(v.string(), v.regex(/^\/[\w./-]*[^/]$/, "must start with / and not end with /")),
    "/runs-fleet",
  ),
  RUNS_FLEET_BATCH_WINDOW_MS: v.optional(Seconds, "500"),
  RUNS_FLEET_DRY_RUN_JOB_SECONDS: v.optional(Seconds, "5"),
  RUNS_FLEET_LOCAL_HEARTBEAT_SECONDS: v.optional(Seconds, "5"),
  RUNS_FLEET_AGENT_COMMAND: v.optional(v.string()),
  RUNS_FLEET_LOOPS: v.optional(v.picklist(["on", "off"], 'must be "on" or "off"'), "on"),
  RUNS_FLEET_HEARTBEAT_TIMEOUT_SECONDS: v.optional(Seconds, "90"),
  RUNS_FLEET_BOOT_GRACE_SECONDS: v.optional(Seconds, "300"),
  RUNS_FLEET_LAUNCHING_DEADLINE_SECONDS: v.optional(Seconds, "300"),
  RUNS_FLEET_LAUNCHED_DEADLINE_SECONDS: v.optional(Seconds, "900"),
  RUNS_FLEET_ORPHANED_RECHECK_SECONDS: v.optional(Seconds, "3600"),
  RUNS_FLEET_MAX_JOB_RUNTIME_SECONDS: v.optional(Seconds, "21600"),
  RUNS_FLEET_MAX_JOB_RUNTIME_GRACE_SECONDS: v.optional(Seconds, "900"),
  RUNS_FLEET_ORPHAN_GRACE_SECONDS: v.optional(Seconds, "600"),
  RUNS_FLEET_RECONCILE_AFTER_SECONDS: v.optional(
    v.pipe(
      Seconds,
      v.minValue(360, "must be at least 360 (longer than the scheduler's longest retry delay)"),
    ),
    "600",
  ),
  RUNS_FLEET_HOUSEKEEPING_INTERVAL_SECONDS: v.optional(Seconds, "15"),
  RUNS_FLEET_HOUSEKEEPING_BATCH: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^[1-9]\d*$/, "must be a whole number above 0"),
      v.transform(Number),
    ),
    "100",
  ),
  RUNS_FLEET_JOB_DLQ_URL: v.optional(Url),
  RUNS_FLEET_EVENTS_DLQ_URL: v.optional(Url),
  RUNS_FLEET_METRICS: v.optional(v.picklist(["emf", "off"], 'must be "emf" or "off"')),
  RUNS_FLEET_METRICS_NAMESPACE: v.optional(
    v.pipe(v.string(), v.minLength(1), v.maxLength(255)),
    "runs-fleet",
  ),
  OTEL_EXPORTER_OTLP_ENDPOINT: v.optional(Url),
  OTEL_SERVICE_NAME: v.optional(v.string(), "runs-fleet"),
});

/** The control plane's settings, parsed once at start. */
export interface Config {
  mode: "local" | "aws";
  host: string;
  port: number;
  /** Unset in local mode until generated and kept in the data dir. */
  webhookSecrets: string[];
  adminToken: string | undefined;
  dataDir: string;
  tablePrefix: string;
  jobQueueUrl: string | undefined;
  eventsQueueUrl: string | undefined;
  endpoints: { dynamodb?: string; sqs?: string; ec2?: string; ssm?: string };
  ssmPrefix: string;
  /** Milliseconds the first job of a placement waits for others to share its launch. */
  batchWindowMs: number;
  /** Length of a simulated job when no GitHub App is configured. */
  dryRunJobSeconds: number;
  /** Heartbeat interval of local agents. */
  localHeartbeatSeconds: number;
  /** Command that starts a local agent (default: Bun running the agent's source). */
  agentCommand: string | undefined;
  /** `emf`: metrics as CloudWatch embedded-metric-format lines on stdout (AWS default). */
  metrics: "emf" | "off";
  metricsNamespace: string;
  /** Whether this process runs the scheduler, events and housekeeping loops. */
  loops: boolean;
  /** Housekeeping thresholds (ms) and batch size, interval and dead-letter queues. */
  housekeeping: {
    thresholds: Pick<HousekeepingConfig, HousekeepingSetting>;
    intervalMs: number;
    jobDlqUrl: string | undefined;
    eventsDlqUrl: string | undefined;
  };
  region: string;
  regions: string[];
  environments: string[];
  configFile: string | undefined;
  logLevel: "debug" | "info" | "warn" | "error";
  jobRetentionSeconds: number;
  otlpEndpoint: string | undefined;
  serviceName: string;
}

/** Parses the environment; a bad value fails with every problem listed, naming the variable. */
export function parseConfig(env: Env): Config {
  const input: Record<string, string> = {};
  for (const key of Object.keys(EnvSchema.entries)) {
    const value = env[key];
    if (value !== undefined && value !== "") input[key] = value;
  }
  const parsed = v.safeParse(EnvSchema, input);
  if (!parsed.success) {
    const issues = parsed.issues.map((i) => `${v.getDotPath(i) ?? "config"}: ${i.message}`);
    throw new ValidationError("invalid configuration", issues);
  }
  const e = parsed.output;
  const problems: string[] = [];
  const region = e.AWS_REGION ?? e.RUNS_FLEET_REGIONS?.[0] ?? "us-east-1";
  const regions = e.RUNS_FLEET_REGIONS ?? [region];
  if (!regions.includes(region))
    problems.push(`AWS_REGION: ${region} is not among RUNS_FLEET_REGIONS (${regions.join(", ")})`);
  if (e.RUNS_FLEET_MODE === "aws") {
    if (!e.RUNS_FLEET_JOB_QUEUE_URL)
      problems.push("RUNS_FLEET_JOB_QUEUE_URL: required when RUNS_FLEET_MODE=aws");
    if (!e.RUNS_FLEET_EVENTS_QUEUE_URL)
      problems.push("RUNS_FLEET_EVENTS_QUEUE_URL: required when RUNS_FLEET_MODE=aws");
    if (!e.RUNS_FLEET_WEBHOOK_SECRET)
      problems.push("RUNS_FLEET_WEBHOOK_SECRET: required when RUNS_FLEET_MODE=aws");
    if (!e.RUNS_FLEET_ADMIN_TOKEN)
      problems.push("RUNS_FLEET_ADMIN_TOKEN: required when RUNS_FLEET_MODE=aws");
  }
  if (problems.length > 0) throw new ValidationError("invalid configuration", problems);
  return {
    mode: e.RUNS_FLEET_MODE,
    host: e.HOST,
    port: e.PORT,
    webhookSecrets: [e.RUNS_FLEET_WEBHOOK_SECRET, e.RUNS_FLEET_WEBHOOK_SECRET_PREVIOUS].filter(
      (s): s is string => !!s,
    ),
    adminToken: e.RUNS_FLEET_ADMIN_TOKEN,
    dataDir: e.RUNS_FLEET_DATA_DIR,
    tablePrefix: e.RUNS_FLEET_TABLE_PREFIX,
    jobQueueUrl: e.RUNS_FLEET_JOB_QUEUE_URL,
    eventsQueueUrl: e.RUNS_FLEET_EVENTS_QUEUE_URL,
    endpoints: {
      ...(e.RUNS_FLEET_DYNAMODB_ENDPOINT ? { dynamodb: e.RUNS_FLEET_DYNAMODB_ENDPOINT } : {}),
      ...(e.RUNS_FLEET_SQS_ENDPOINT ? { sqs: e.RUNS_FLEET_SQS_ENDPOINT } : {}),
      ...(e.RUNS_FLEET_EC2_ENDPOINT ? { ec2: e.RUNS_FLEET_EC2_ENDPOINT } : {}),
      ...(e.RUNS_FLEET_SSM_ENDPOINT ? { ssm: e.RUNS_FLEET_SSM_ENDPOINT } : {}),
    },
    ssmPrefix: e.RUNS_FLEET_SSM_PREFIX,
    batchWindowMs: e.RUNS_FLEET_BATCH_WINDOW_MS,
    dryRunJobSeconds: e.RUNS_FLEET_DRY_RUN_JOB_SECONDS,
    localHeartbeatSeconds: e.RUNS_FLEET_LOCAL_HEARTBEAT_SECONDS,
    agentCommand: e.RUNS_FLEET_AGENT_COMMAND,
    loops: e.RUNS_FLEET_LOOPS === "on",
    metrics: e.RUNS_FLEET_METRICS ?? (e.RUNS_FLEET_MODE === "aws" ? "emf" : "off"),
    metricsNamespace: e.RUNS_FLEET_METRICS_NAMESPACE,
    housekeeping: {
      thresholds: {
        heartbeatTimeoutMs: e.RUNS_FLEET_HEARTBEAT_TIMEOUT_SECONDS * 1000,
        bootGraceMs: e.RUNS_FLEET_BOOT_GRACE_SECONDS * 1000,
        launchingDeadlineMs: e.RUNS_FLEET_LAUNCHING_DEADLINE_SECONDS * 1000,
        launchedDeadlineMs: e.RUNS_FLEET_LAUNCHED_DEADLINE_SECONDS * 1000,
        orphanedRecheckMs: e.RUNS_FLEET_ORPHANED_RECHECK_SECONDS * 1000,
        maxRuntimeMs: e.RUNS_FLEET_MAX_JOB_RUNTIME_SECONDS * 1000,
        maxRuntimeGraceMs: e.RUNS_FLEET_MAX_JOB_RUNTIME_GRACE_SECONDS * 1000,
        orphanGraceMs: e.RUNS_FLEET_ORPHAN_GRACE_SECONDS * 1000,
        reconcileAfterMs: e.RUNS_FLEET_RECONCILE_AFTER_SECONDS * 1000,
        batchSize: e.RUNS_FLEET_HOUSEKEEPING_BATCH,
      },
      intervalMs: e.RUNS_FLEET_HOUSEKEEPING_INTERVAL_SECONDS * 1000,
      jobDlqUrl: e.RUNS_FLEET_JOB_DLQ_URL,
      eventsDlqUrl: e.RUNS_FLEET_EVENTS_DLQ_URL,
    },
    region,
    regions,
    environments: e.RUNS_FLEET_ENVIRONMENTS ?? ["default"],
    configFile: e.RUNS_FLEET_CONFIG_FILE,
    logLevel: e.RUNS_FLEET_LOG_LEVEL,
    jobRetentionSeconds: Math.round(e.RUNS_FLEET_JOB_RETENTION_DAYS * 86400),
    otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
    serviceName: e.OTEL_SERVICE_NAME,
  };
}
