import * as v from "valibot";

/**
 * The agent's environment: every setting is a `RUNS_FLEET_*` variable (plus the usual `AWS_*`),
 * read from the process environment, the env file the bootstrap writes, and instance tags. The
 * control plane builds it with `agentEnvironment()` to launch local agents; the agent parses it
 * with `parseAgentEnv()`. Durations are decimals so tests can use sub-second values.
 */

const trimmed = v.pipe(v.string(), v.trim());
const url = v.pipe(trimmed, v.url("must be a URL"));
const decimal = (min: number) =>
  v.pipe(
    trimmed,
    v.regex(/^\d+(\.\d+)?$/, "must be a non-negative decimal number"),
    v.transform(Number),
    v.minValue(min, `must be at least ${min}`),
  );
const nonEmpty = v.pipe(trimmed, v.minLength(1, "must not be empty"));

/** Where the runner config comes from: SSM parameters, or JSON files in a local directory. */
export type RunnerConfigSource = { kind: "ssm" } | { kind: "file"; dir: string };

const configSource = v.pipe(
  trimmed,
  v.check(
    (s) => s === "ssm" || (s.startsWith("file:") && s.length > 5),
    'must be "ssm" or "file:<dir>"',
  ),
  v.transform(
    (s): RunnerConfigSource => (s === "ssm" ? { kind: "ssm" } : { kind: "file", dir: s.slice(5) }),
  ),
);

/** What the agent does after a job: terminate the instance, exit (local mode), or wait again. */
export const TeardownSchema = v.picklist(
  ["terminate", "exit", "standby"],
  "must be terminate, exit or standby",
);
export type Teardown = v.InferOutput<typeof TeardownSchema>;

const LogLevelSchema = v.picklist(
  ["debug", "info", "warn", "error"],
  "must be debug, info, warn or error",
);

/** The agent's environment, by variable name; unknown variables are ignored. */
export const AgentEnvSchema = v.pipe(
  v.object({
    RUNS_FLEET_EVENTS_QUEUE_URL: url,
    RUNS_FLEET_SQS_ENDPOINT: v.optional(url),
    RUNS_FLEET_SSM_ENDPOINT: v.optional(url),
    RUNS_FLEET_IMDS_ENDPOINT: v.optional(url, "http://169.254.169.254"),
    RUNS_FLEET_RUNNER_CONFIG_SOURCE: v.optional(configSource, "ssm"),
    RUNS_FLEET_SSM_PREFIX: v.optional(
      v.pipe(trimmed, v.regex(/^\/[\w./-]*[^/]$/, "must start with / and not end with /")),
      "/runs-fleet",
    ),
    RUNS_FLEET_HEARTBEAT_SECONDS: v.optional(decimal(0.01), "15"),
    RUNS_FLEET_INTERRUPTION_POLL_SECONDS: v.optional(decimal(0.01), "5"),
    RUNS_FLEET_CONFIG_POLL_SECONDS: v.optional(decimal(0.01), "1"),
    RUNS_FLEET_CONFIG_POLL_MAX_SECONDS: v.optional(decimal(0.01), "15"),
    RUNS_FLEET_MAX_RUNTIME_MINUTES: v.optional(decimal(0.001), "360"),
    RUNS_FLEET_STANDBY_MINUTES: v.optional(decimal(0.001), "120"),
    RUNS_FLEET_GRACE_SECONDS: v.optional(decimal(0), "25"),
    RUNS_FLEET_SEND_RETRY_MAX_SECONDS: v.optional(decimal(0.01), "10"),
    RUNS_FLEET_FLUSH_TIMEOUT_SECONDS: v.optional(decimal(0), "60"),
    RUNS_FLEET_DELIVERY_MAX_MINUTES: v.optional(decimal(0), "30"),
    RUNS_FLEET_DEBUG_MINUTE_SECONDS: v.optional(decimal(0.001), "60"),
    RUNS_FLEET_SPOOL_DIR: v.optional(nonEmpty),
    RUNS_FLEET_RUNNER_DIR: v.optional(nonEmpty),
    RUNS_FLEET_RUNNER_USER: v.optional(nonEmpty),
    RUNS_FLEET_TEARDOWN: v.optional(v.pipe(trimmed, TeardownSchema)),
    RUNS_FLEET_SHUTDOWN_COMMAND: v.optional(nonEmpty),
    RUNS_FLEET_POOL: v.optional(nonEmpty),
    RUNS_FLEET_JOB_ID: v.optional(nonEmpty),
    RUNS_FLEET_BOOT_STARTED_AT: v.optional(decimal(0)),
    RUNS_FLEET_LOG_LEVEL: v.optional(v.pipe(trimmed, LogLevelSchema), "info"),
    AWS_REGION: v.optional(nonEmpty),
    AWS_ACCESS_KEY_ID: v.optional(nonEmpty),
    AWS_SECRET_ACCESS_KEY: v.optional(nonEmpty),
    AWS_SESSION_TOKEN: v.optional(nonEmpty),
  }),
  v.transform((e) => ({
    eventsQueueUrl: e.RUNS_FLEET_EVENTS_QUEUE_URL,
    sqsEndpoint: e.RUNS_FLEET_SQS_ENDPOINT,
    ssmEndpoint: e.RUNS_FLEET_SSM_ENDPOINT,
    imdsEndpoint: e.RUNS_FLEET_IMDS_ENDPOINT,
    runnerConfigSource: e.RUNS_FLEET_RUNNER_CONFIG_SOURCE,
    ssmPrefix: e.RUNS_FLEET_SSM_PREFIX,
    heartbeatSeconds: e.RUNS_FLEET_HEARTBEAT_SECONDS,
    interruptionPollSeconds: e.RUNS_FLEET_INTERRUPTION_POLL_SECONDS,
    configPollSeconds: e.RUNS_FLEET_CONFIG_POLL_SECONDS,
    configPollMaxSeconds: e.RUNS_FLEET_CONFIG_POLL_MAX_SECONDS,
    maxRuntimeMinutes: e.RUNS_FLEET_MAX_RUNTIME_MINUTES,
    standbyMinutes: e.RUNS_FLEET_STANDBY_MINUTES,
    graceSeconds: e.RUNS_FLEET_GRACE_SECONDS,
    sendRetryMaxSeconds: e.RUNS_FLEET_SEND_RETRY_MAX_SECONDS,
    flushTimeoutSeconds: e.RUNS_FLEET_FLUSH_TIMEOUT_SECONDS,
    deliveryMaxMinutes: e.RUNS_FLEET_DELIVERY_MAX_MINUTES,
    /** Length of one minute of a `debug=` hold: 60 s, shorter only in tests. */
    debugMinuteSeconds: e.RUNS_FLEET_DEBUG_MINUTE_SECONDS,
    spoolDir: e.RUNS_FLEET_SPOOL_DIR,
    runnerDir: e.RUNS_FLEET_RUNNER_DIR,
    runnerUser: e.RUNS_FLEET_RUNNER_USER,
    teardown: e.RUNS_FLEET_TEARDOWN,
    shutdownCommand: e.RUNS_FLEET_SHUTDOWN_COMMAND,
    pool: e.RUNS_FLEET_POOL,
    jobId: e.RUNS_FLEET_JOB_ID,
    bootStartedAt: e.RUNS_FLEET_BOOT_STARTED_AT,
    logLevel: e.RUNS_FLEET_LOG_LEVEL,
    region: e.AWS_REGION,
    credentials:
      e.AWS_ACCESS_KEY_ID && e.AWS_SECRET_ACCESS_KEY
        ? {
            accessKeyId: e.AWS_ACCESS_KEY_ID,
            secretAccessKey: e.AWS_SECRET_ACCESS_KEY,
            ...(e.AWS_SESSION_TOKEN ? { sessionToken: e.AWS_SESSION_TOKEN } : {}),
          }
        : undefined,
  })),
);

/** The agent's settings, parsed from its environment. */
export type AgentEnv = v.InferOutput<typeof AgentEnvSchema>;

/** Parses an environment into settings, or lists every problem (`NAME: what is wrong`). */
export function parseAgentEnv(
  env: Readonly<Record<string, string | undefined>>,
): { ok: true; env: AgentEnv } | { ok: false; issues: string[] } {
  // Empty values mean "unset", as in a shell.
  const present: Record<string, string> = {};
  for (const [k, val] of Object.entries(env)) if (val !== undefined && val !== "") present[k] = val;
  const parsed = v.safeParse(AgentEnvSchema, present);
  if (parsed.success) return { ok: true, env: parsed.output };
  return {
    ok: false,
    issues: parsed.issues.map(
      (i) =>
        `${v.getDotPath(i) ?? "environment"}: ${i.input === undefined ? "is required" : i.message}`,
    ),
  };
}

/** Options for `agentEnvironment`; durations in the units their names say. */
export interface AgentEnvOptions {
  eventsQueueUrl: string;
  sqsEndpoint?: string;
  ssmEndpoint?: string;
  imdsEndpoint?: string;
  runnerConfigSource?: RunnerConfigSource;
  ssmPrefix?: string;
  heartbeatSeconds?: number;
  interruptionPollSeconds?: number;
  configPollSeconds?: number;
  configPollMaxSeconds?: number;
  maxRuntimeMinutes?: number;
  standbyMinutes?: number;
  graceSeconds?: number;
  sendRetryMaxSeconds?: number;
  flushTimeoutSeconds?: number;
  deliveryMaxMinutes?: number;
  spoolDir?: string;
  runnerDir?: string;
  runnerUser?: string;
  teardown?: Teardown;
  shutdownCommand?: string;
  pool?: string;
  jobId?: string;
  logLevel?: "debug" | "info" | "warn" | "error";
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/** Builds the environment variables that launch an agent with these settings. */
export function agentEnvironment(options: AgentEnvOptions): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (name: string, value: string | number | undefined) => {
    if (value !== undefined) out[name] = String(value);
  };
  const src = options.runnerConfigSource;
  put("RUNS_FLEET_EVENTS_QUEUE_URL", options.eventsQueueUrl);
  put("RUNS_FLEET_SQS_ENDPOINT", options.sqsEndpoint);
  put("RUNS_FLEET_SSM_ENDPOINT", options.ssmEndpoint);
  put("RUNS_FLEET_IMDS_ENDPOINT", options.imdsEndpoint);
  put("RUNS_FLEET_RUNNER_CONFIG_SOURCE", src && (src.kind === "ssm" ? "ssm" : `file:${src.dir}`));
  put("RUNS_FLEET_SSM_PREFIX", options.ssmPrefix);
  put("RUNS_FLEET_HEARTBEAT_SECONDS", options.heartbeatSeconds);
  put("RUNS_FLEET_INTERRUPTION_POLL_SECONDS", options.interruptionPollSeconds);
  put("RUNS_FLEET_CONFIG_POLL_SECONDS", options.configPollSeconds);
  put("RUNS_FLEET_CONFIG_POLL_MAX_SECONDS", options.configPollMaxSeconds);
  put("RUNS_FLEET_MAX_RUNTIME_MINUTES", options.maxRuntimeMinutes);
  put("RUNS_FLEET_STANDBY_MINUTES", options.standbyMinutes);
  put("RUNS_FLEET_GRACE_SECONDS", options.graceSeconds);
  put("RUNS_FLEET_SEND_RETRY_MAX_SECONDS", options.sendRetryMaxSeconds);
  put("RUNS_FLEET_FLUSH_TIMEOUT_SECONDS", options.flushTimeoutSeconds);
  put("RUNS_FLEET_DELIVERY_MAX_MINUTES", options.deliveryMaxMinutes);
  put("RUNS_FLEET_SPOOL_DIR", options.spoolDir);
  put("RUNS_FLEET_RUNNER_DIR", options.runnerDir);
  put("RUNS_FLEET_RUNNER_USER", options.runnerUser);
  put("RUNS_FLEET_TEARDOWN", options.teardown);
  put("RUNS_FLEET_SHUTDOWN_COMMAND", options.shutdownCommand);
  put("RUNS_FLEET_POOL", options.pool);
  put("RUNS_FLEET_JOB_ID", options.jobId);
  put("RUNS_FLEET_LOG_LEVEL", options.logLevel);
  put("AWS_REGION", options.region);
  put("AWS_ACCESS_KEY_ID", options.credentials?.accessKeyId);
  put("AWS_SECRET_ACCESS_KEY", options.credentials?.secretAccessKey);
  put("AWS_SESSION_TOKEN", options.credentials?.sessionToken);
  return out;
}

/**
 * Instance tags that may carry agent settings: tag `runs-fleet:<name>` sets
 * `RUNS_FLEET_<NAME>` (dashes become underscores). Only these names are read from tags; the
 * environment and env file win over tags.
 */
export const TAGGABLE_SETTINGS = [
  "events-queue-url",
  "runner-config-source",
  "ssm-prefix",
  "heartbeat-seconds",
  "max-runtime-minutes",
  "standby-minutes",
  "grace-seconds",
  "teardown",
  "pool",
  "job-id",
] as const;

/** Maps instance tags to the `RUNS_FLEET_*` variables they set (see `TAGGABLE_SETTINGS`). */
export function settingsFromTags(tags: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of TAGGABLE_SETTINGS) {
    const value = tags[`runs-fleet:${name}`];
    if (value !== undefined) out[`RUNS_FLEET_${name.toUpperCase().replaceAll("-", "_")}`] = value;
  }
  return out;
}
