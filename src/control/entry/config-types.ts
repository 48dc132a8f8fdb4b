import type { HousekeepingConfig } from "../services/housekeeping/config.ts";

/** The housekeeping settings the environment sets; the rest keep their defaults. */
export type HousekeepingSetting =
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

/** What every mode reads from its environment. */
export interface CommonConfig {
  host: string;
  port: number;
  webhookSecrets: string[];
  dataDir: string;
  tablePrefix: string;
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
    ec2EventsDlqUrl: string | undefined;
  };
  region: string;
  regions: string[];
  environments: string[];
  configFile: string | undefined;
  /** The GitOps config repository (`owner/name`, or a name in the pushing account) and file. */
  gitops: { repo: string; path: string };
  logLevel: "debug" | "info" | "warn" | "error";
  jobRetentionSeconds: number;
  otlpEndpoint: string | undefined;
  serviceName: string;
  /** Dashboard sign-in with GitHub (the App's OAuth client) for members of `org` (or its `team`). */
  githubSignIn:
    | {
        clientId: string;
        clientSecret: string;
        org: string;
        team?: string;
        apiUrl: string;
        serverUrl: string;
        /** How long a GitHub session lasts; membership is checked again at the next sign-in. */
        sessionMs: number;
      }
    | undefined;
}

/** Local mode: secrets left unset are generated and kept in the data dir; queues are embedded. */
export interface LocalConfig extends CommonConfig {
  mode: "local";
  adminToken: string | undefined;
}

/** AWS mode: the queues, the webhook secret and the admin token are all required. */
export interface AwsConfig extends CommonConfig {
  mode: "aws";
  adminToken: string;
  jobQueueUrl: string;
  eventsQueueUrl: string;
  /** The queue only EventBridge may send to; EC2 events are taken from it alone. */
  ec2EventsQueueUrl: string | undefined;
  /** KMS key that encrypts runner configs; the account's `aws/ssm` key when unset. */
  ssmKmsKeyId: string | undefined;
  /** Runner role's unique id: runner configs are tagged for `<id>:<instance-id>` alone. */
  runnerRoleId: string | undefined;
}

/** The control plane's settings from its environment, parsed once at start. */
export type Config = LocalConfig | AwsConfig;
