import * as v from "valibot";
import { serverUrlFor } from "../adapters/github/config.ts";
import type { AwsConfig, CommonConfig, Config } from "./config-types.ts";
import {
  Count,
  type Env,
  Environments,
  Port,
  Region,
  Regions,
  Seconds,
  Secret,
  Url,
  WholeBetween,
} from "./env-values.ts";
import { failed, ok, type Result } from "./result.ts";

export type { AwsConfig, Config, LocalConfig } from "./config-types.ts";
export type { Env } from "./env-values.ts";

/** Every setting the control plane reads from its environment, with defaults. */
const EnvSchema = v.object({
  RUNS_FLEET_MODE: v.optional(v.picklist(["local", "aws"], 'must be "local" or "aws"'), "local"),
  HOST: v.optional(v.string(), "127.0.0.1"),
  PORT: v.optional(Port, "8080"),
  RUNS_FLEET_WEBHOOK_SECRET: v.optional(Secret),
  RUNS_FLEET_WEBHOOK_SECRET_PREVIOUS: v.optional(Secret),
  RUNS_FLEET_ADMIN_TOKEN: v.optional(Secret),
  RUNS_FLEET_DATA_DIR: v.optional(v.string(), "./.runs-fleet"),
  RUNS_FLEET_TABLE_PREFIX: v.optional(
    v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.-]{0,200}$/, "only letters, digits, _ . -")),
    "runs-fleet-",
  ),
  RUNS_FLEET_JOB_QUEUE_URL: v.optional(Url),
  RUNS_FLEET_EVENTS_QUEUE_URL: v.optional(Url),
  RUNS_FLEET_EC2_EVENTS_QUEUE_URL: v.optional(Url),
  RUNS_FLEET_DYNAMODB_ENDPOINT: v.optional(Url),
  RUNS_FLEET_SQS_ENDPOINT: v.optional(Url),
  AWS_REGION: v.optional(Region),
  RUNS_FLEET_REGIONS: v.optional(Regions),
  RUNS_FLEET_ENVIRONMENTS: v.optional(Environments),
  RUNS_FLEET_CONFIG_FILE: v.optional(v.string()),
  RUNS_FLEET_CONFIG_REPO: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^([\w.-]+\/)?[\w.-]+$/, "must be owner/name, or a repository name"),
    ),
    ".github-private",
  ),
  RUNS_FLEET_CONFIG_PATH: v.optional(
    v.pipe(v.string(), v.regex(/^[^/].*[^/]$/, "must be a file path inside the repository")),
    ".github/runs-fleet.yml",
  ),
  RUNS_FLEET_LOG_LEVEL: v.optional(v.picklist(["debug", "info", "warn", "error"]), "info"),
  RUNS_FLEET_JOB_RETENTION_DAYS: v.optional(Seconds, "30"),
  RUNS_FLEET_EC2_ENDPOINT: v.optional(Url),
  RUNS_FLEET_SSM_ENDPOINT: v.optional(Url),
  RUNS_FLEET_SSM_PREFIX: v.optional(
    v.pipe(v.string(), v.regex(/^\/[\w./-]*[^/]$/, "must start with / and not end with /")),
    "/runs-fleet",
  ),
  RUNS_FLEET_SSM_KMS_KEY_ID: v.optional(v.pipe(v.string(), v.minLength(1))),
  RUNS_FLEET_RUNNER_ROLE_ID: v.optional(
    v.pipe(v.string(), v.regex(/^AROA[A-Z0-9]{8,124}$/, "must be a role's unique id (AROA…)")),
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
  RUNS_FLEET_HOUSEKEEPING_BATCH: v.optional(Count, "100"),
  RUNS_FLEET_JOB_DLQ_URL: v.optional(Url),
  RUNS_FLEET_EVENTS_DLQ_URL: v.optional(Url),
  RUNS_FLEET_EC2_EVENTS_DLQ_URL: v.optional(Url),
  RUNS_FLEET_METRICS: v.optional(v.picklist(["emf", "off"], 'must be "emf" or "off"')),
  RUNS_FLEET_METRICS_NAMESPACE: v.optional(
    v.pipe(v.string(), v.minLength(1), v.maxLength(255)),
    "runs-fleet",
  ),
  RUNS_FLEET_GITHUB_CLIENT_ID: v.optional(v.pipe(v.string(), v.regex(/^[\w.-]{1,100}$/))),
  RUNS_FLEET_GITHUB_CLIENT_SECRET: v.optional(v.pipe(v.string(), v.minLength(1))),
  RUNS_FLEET_DASHBOARD_GITHUB_ORG: v.optional(
    v.pipe(v.string(), v.regex(/^[A-Za-z0-9-]{1,39}$/, "must be an organisation login")),
  ),
  RUNS_FLEET_DASHBOARD_GITHUB_TEAM: v.optional(
    v.pipe(v.string(), v.regex(/^[\w.-]{1,100}$/, "must be a team slug")),
  ),
  RUNS_FLEET_DASHBOARD_GITHUB_SESSION_MINUTES: v.optional(WholeBetween(5, 720, "minutes"), "60"),
  // Also read by the GitHub App's settings; here for where sign-in with GitHub goes.
  RUNS_FLEET_GITHUB_API_URL: v.optional(Url, "https://api.github.com"),
  RUNS_FLEET_GITHUB_SERVER_URL: v.optional(Url),
  OTEL_EXPORTER_OTLP_ENDPOINT: v.optional(Url),
  OTEL_SERVICE_NAME: v.optional(v.string(), "runs-fleet"),
});
type Variable = keyof typeof EnvSchema.entries;
type ParsedEnv = v.InferOutput<typeof EnvSchema>;

/** The schema's variables that are set; an empty variable counts as unset. */
function setVariables(env: Env): Record<string, string> {
  const input: Record<string, string> = {};
  for (const key of Object.keys(EnvSchema.entries)) {
    const value = env[key];
    if (value !== undefined && value !== "") input[key] = value;
  }
  return input;
}

/** One variable on its own, or undefined when it is invalid: lets checks that depend on it run. */
export function readVariable<K extends Variable>(env: Env, name: K): ParsedEnv[K] | undefined {
  const parsed = v.safeParse(EnvSchema.entries[name], setVariables(env)[name]);
  return parsed.success ? (parsed.output as ParsedEnv[K]) : undefined;
}

/** What AWS mode cannot start without. */
const awsRequired = [
  "RUNS_FLEET_JOB_QUEUE_URL",
  "RUNS_FLEET_EVENTS_QUEUE_URL",
  "RUNS_FLEET_WEBHOOK_SECRET",
  "RUNS_FLEET_ADMIN_TOKEN",
] as const satisfies readonly Variable[];

/** Parses the environment into a Config, or lists every problem, each naming its variable. */
export function parseConfig(env: Env): Result<Config> {
  const input = setVariables(env);
  const parsed = v.safeParse(EnvSchema, input);
  const problems = parsed.success
    ? []
    : parsed.issues.map((i) => `${v.getDotPath(i) ?? "config"}: ${i.message}`);
  // Checked on the raw variables, so a bad value elsewhere does not hide a missing one.
  if (readVariable(env, "RUNS_FLEET_MODE") === "aws")
    for (const name of awsRequired)
      if (input[name] === undefined) problems.push(`${name}: required when RUNS_FLEET_MODE=aws`);
  problems.push(...githubSignInProblems(input));
  if (!parsed.success) return failed(problems);
  const e = parsed.output;
  const region = e.AWS_REGION ?? e.RUNS_FLEET_REGIONS?.[0] ?? "us-east-1";
  const regions = e.RUNS_FLEET_REGIONS ?? [region];
  if (!regions.includes(region))
    problems.push(`AWS_REGION: ${region} is not among RUNS_FLEET_REGIONS (${regions.join(", ")})`);
  if (problems.length > 0) return failed(problems);
  const common = commonConfig(e, region, regions);
  if (e.RUNS_FLEET_MODE === "local")
    return ok({ ...common, mode: "local", adminToken: e.RUNS_FLEET_ADMIN_TOKEN });
  const jobQueueUrl = e.RUNS_FLEET_JOB_QUEUE_URL;
  const eventsQueueUrl = e.RUNS_FLEET_EVENTS_QUEUE_URL;
  const adminToken = e.RUNS_FLEET_ADMIN_TOKEN;
  // Reported as missing above; this tells the type they are present.
  if (!jobQueueUrl || !eventsQueueUrl || !adminToken) return failed(problems);
  const aws: AwsConfig = {
    ...common,
    mode: "aws",
    jobQueueUrl,
    eventsQueueUrl,
    ec2EventsQueueUrl: e.RUNS_FLEET_EC2_EVENTS_QUEUE_URL,
    adminToken,
    ssmKmsKeyId: e.RUNS_FLEET_SSM_KMS_KEY_ID,
    runnerRoleId: e.RUNS_FLEET_RUNNER_ROLE_ID,
  };
  return ok(aws);
}

/** The GitHub sign-in variables go together: the client id, its secret and the organisation. */
const githubSignInVariables = [
  "RUNS_FLEET_GITHUB_CLIENT_ID",
  "RUNS_FLEET_GITHUB_CLIENT_SECRET",
  "RUNS_FLEET_DASHBOARD_GITHUB_ORG",
] as const satisfies readonly Variable[];

/** A half-configured GitHub sign-in is refused rather than silently left off. */
function githubSignInProblems(input: Record<string, string>): string[] {
  const set = githubSignInVariables.filter((name) => input[name] !== undefined);
  const wanted = set.length > 0 || input.RUNS_FLEET_DASHBOARD_GITHUB_TEAM !== undefined;
  if (!wanted || set.length === githubSignInVariables.length) return [];
  return githubSignInVariables
    .filter((name) => input[name] === undefined)
    .map((name) => `${name}: required for sign-in with GitHub`);
}

/** The settings both modes share, from the parsed variables. */
function commonConfig(e: ParsedEnv, region: string, regions: string[]): CommonConfig {
  const ms = (seconds: number) => seconds * 1000;
  return {
    host: e.HOST,
    port: e.PORT,
    webhookSecrets: [e.RUNS_FLEET_WEBHOOK_SECRET, e.RUNS_FLEET_WEBHOOK_SECRET_PREVIOUS].filter(
      (s): s is string => !!s,
    ),
    dataDir: e.RUNS_FLEET_DATA_DIR,
    tablePrefix: e.RUNS_FLEET_TABLE_PREFIX,
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
        heartbeatTimeoutMs: ms(e.RUNS_FLEET_HEARTBEAT_TIMEOUT_SECONDS),
        bootGraceMs: ms(e.RUNS_FLEET_BOOT_GRACE_SECONDS),
        launchingDeadlineMs: ms(e.RUNS_FLEET_LAUNCHING_DEADLINE_SECONDS),
        launchedDeadlineMs: ms(e.RUNS_FLEET_LAUNCHED_DEADLINE_SECONDS),
        orphanedRecheckMs: ms(e.RUNS_FLEET_ORPHANED_RECHECK_SECONDS),
        maxRuntimeMs: ms(e.RUNS_FLEET_MAX_JOB_RUNTIME_SECONDS),
        maxRuntimeGraceMs: ms(e.RUNS_FLEET_MAX_JOB_RUNTIME_GRACE_SECONDS),
        orphanGraceMs: ms(e.RUNS_FLEET_ORPHAN_GRACE_SECONDS),
        reconcileAfterMs: ms(e.RUNS_FLEET_RECONCILE_AFTER_SECONDS),
        batchSize: e.RUNS_FLEET_HOUSEKEEPING_BATCH,
      },
      intervalMs: ms(e.RUNS_FLEET_HOUSEKEEPING_INTERVAL_SECONDS),
      jobDlqUrl: e.RUNS_FLEET_JOB_DLQ_URL,
      eventsDlqUrl: e.RUNS_FLEET_EVENTS_DLQ_URL,
      ec2EventsDlqUrl: e.RUNS_FLEET_EC2_EVENTS_DLQ_URL,
    },
    region,
    regions,
    environments: e.RUNS_FLEET_ENVIRONMENTS ?? ["default"],
    configFile: e.RUNS_FLEET_CONFIG_FILE,
    gitops: { repo: e.RUNS_FLEET_CONFIG_REPO, path: e.RUNS_FLEET_CONFIG_PATH },
    logLevel: e.RUNS_FLEET_LOG_LEVEL,
    jobRetentionSeconds: Math.round(e.RUNS_FLEET_JOB_RETENTION_DAYS * 86400),
    otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
    serviceName: e.OTEL_SERVICE_NAME,
    githubSignIn:
      e.RUNS_FLEET_GITHUB_CLIENT_ID &&
      e.RUNS_FLEET_GITHUB_CLIENT_SECRET &&
      e.RUNS_FLEET_DASHBOARD_GITHUB_ORG
        ? {
            clientId: e.RUNS_FLEET_GITHUB_CLIENT_ID,
            clientSecret: e.RUNS_FLEET_GITHUB_CLIENT_SECRET,
            org: e.RUNS_FLEET_DASHBOARD_GITHUB_ORG,
            apiUrl: e.RUNS_FLEET_GITHUB_API_URL,
            serverUrl: e.RUNS_FLEET_GITHUB_SERVER_URL ?? serverUrlFor(e.RUNS_FLEET_GITHUB_API_URL),
            ...(e.RUNS_FLEET_DASHBOARD_GITHUB_TEAM
              ? { team: e.RUNS_FLEET_DASHBOARD_GITHUB_TEAM }
              : {}),
            sessionMs: e.RUNS_FLEET_DASHBOARD_GITHUB_SESSION_MINUTES * 60_000,
          }
        : undefined,
  };
}
