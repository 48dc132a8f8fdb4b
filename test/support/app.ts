import { tmpdir } from "node:os";
import { join } from "node:path";
import { sign } from "@octokit/webhooks-methods";
import { systemClock } from "../../src/control/adapters/clock.ts";
import { createDryRunGitHub } from "../../src/control/adapters/local/dry-run-github.ts";
import { createFileRunnerConfigStore } from "../../src/control/adapters/local/file-runner-config-store.ts";
import { createLocalCompute } from "../../src/control/adapters/local/local-compute.ts";
import type { PoolDefinition } from "../../src/control/domain/pool-config.ts";
import { composeControlPlane } from "../../src/control/entry/compose.ts";
import { loadSettings, type Settings } from "../../src/control/entry/settings.ts";
import { storePorts } from "../../src/control/entry/store-ports.ts";
import type { AppSetup } from "../../src/control/http/dashboard/app-setup.ts";
import type { Clock } from "../../src/control/ports/clock.ts";
import type { Compute } from "../../src/control/ports/compute.ts";
import type { GitHub, GitHubCommits } from "../../src/control/ports/github.ts";
import type { Metrics } from "../../src/control/ports/metrics.ts";
import { createJsonLogger, type Logger, silentLogger } from "../../src/shared/logger.ts";
import type { Backends } from "./control-plane.ts";

export const WEBHOOK_SECRET = "test-webhook-secret-0123456789";
export const ADMIN_TOKEN = "test-admin-token-0123456789";

/** Captures log lines so tests can assert on them (and on what they must not contain). */
export function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: createJsonLogger({ level: "debug", write: (l) => lines.push(l) }), lines };
}

/** Settings from `env` as an entry point would load them; suites read no files. */
export function testSettings(env: Record<string, string> = {}): Settings {
  const loaded = loadSettings({
    env,
    readTextFile: (path) => {
      throw new Error(`no files in tests: ${path}`);
    },
  });
  if (!loaded.ok) throw new Error(`test settings refused: ${loaded.problems.join("; ")}`);
  return loaded.value;
}

/**
 * A control plane on the given backends (dynalite and fauxqs), through the same composition as
 * every runtime, with a fresh job queue unless one is given.
 */
export function buildPlane(
  b: Backends,
  options: {
    queueUrl?: string;
    eventsQueueUrl?: string;
    /** The EC2 events queue (EventBridge's, emulated); a fresh one unless given. */
    ec2EventsQueueUrl?: string;
    logger?: Logger;
    clock?: Clock;
    compute?: Compute;
    github?: GitHub;
    /** GitHub's files and statuses (GitOps); absent, config pushes are ignored. */
    commits?: GitHubCommits;
    runnerConfigDir?: string;
    batchWindowMs?: number;
    eventsDlqUrl?: string;
    metrics?: Metrics;
    /** Warm pools, as the fleet file's `pools:` section would define them. */
    pools?: PoolDefinition[];
    /** The clock pool schedules are read at (default: the plane's clock). */
    scheduleClock?: Clock;
    /** The dashboard's GitHub App manifest flow. */
    appSetup?: AppSetup;
    /** More environment variables for the settings. */
    env?: Record<string, string>;
  } = {},
) {
  const settings = testSettings({
    RUNS_FLEET_TABLE_PREFIX: b.prefix,
    ...(options.eventsDlqUrl ? { RUNS_FLEET_EVENTS_DLQ_URL: options.eventsDlqUrl } : {}),
    ...(options.batchWindowMs === undefined
      ? {}
      : { RUNS_FLEET_BATCH_WINDOW_MS: String(options.batchWindowMs) }),
    ...options.env,
  });
  if (options.pools) settings.pools = options.pools;
  const { config } = settings;
  const jobQueueUrl = options.queueUrl ?? b.newQueue();
  const eventsQueueUrl = options.eventsQueueUrl ?? b.newQueue("events");
  const ec2EventsQueueUrl = options.ec2EventsQueueUrl ?? b.newQueue("ec2-events");
  const clock = options.clock ?? systemClock;
  const stores = storePorts({
    dynamodb: b.dynamodb,
    sqs: b.sqsClient,
    tablePrefix: config.tablePrefix,
    queues: {
      jobs: jobQueueUrl,
      events: eventsQueueUrl,
      ec2Events: ec2EventsQueueUrl,
      jobsDlq: config.housekeeping.jobDlqUrl,
      eventsDlq: config.housekeeping.eventsDlqUrl,
    },
    clock,
  });
  const ports = {
    ...stores,
    compute:
      options.compute ??
      createLocalCompute({
        agent: () => ({ command: "sleep", args: ["60"], env: {} }),
        logDir: join(tmpdir(), "runs-fleet-test-logs"),
        imds: false,
        graceSeconds: 1,
        logger: silentLogger,
      }),
    github: options.github ?? createDryRunGitHub({ clock, durationSeconds: 1 }),
    runnerConfigs: createFileRunnerConfigStore({
      dir: options.runnerConfigDir ?? join(tmpdir(), `runs-fleet-test-configs-${process.pid}`),
    }),
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.commits ? { commits: options.commits } : {}),
  };
  const plane = composeControlPlane(
    settings,
    {
      ports,
      access: { webhookSecrets: [WEBHOOK_SECRET], adminToken: ADMIN_TOKEN },
      ...(options.appSetup ? { appSetup: options.appSetup } : {}),
    },
    {
      logger: options.logger ?? captureLogger().logger,
      clock,
      startedAt: systemClock.now(),
      ...(options.scheduleClock ? { scheduleClock: options.scheduleClock } : {}),
    },
  );
  return { ...plane, jobQueueUrl, eventsQueueUrl, ec2EventsQueueUrl };
}

let delivery = 0;
/** Sends a signed webhook to the app, as GitHub would. */
export async function deliver(
  app: { request(path: string, init: RequestInit): Response | Promise<Response> },
  event: string,
  payload: unknown,
  options: { deliveryId?: string; secret?: string; body?: string; signature?: string } = {},
): Promise<Response> {
  const body = options.body ?? JSON.stringify(payload);
  const signature = options.signature ?? (await sign(options.secret ?? WEBHOOK_SECRET, body));
  return await app.request("/webhook", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": event,
      "x-github-delivery": options.deliveryId ?? `delivery-${++delivery}`,
      "x-hub-signature-256": signature,
    },
    body,
  });
}

/** GitHub's own example `workflow_job` payloads, optionally with our labels and a new job id. */
export async function workflowJobExample(
  action: "queued" | "in_progress" | "completed" | "waiting",
  overrides: { labels?: string[]; jobId?: number; conclusion?: string | null } = {},
): Promise<Record<string, unknown>> {
  const { default: examples } = await import("@octokit/webhooks-examples", {
    with: { type: "json" },
  });
  const group = (
    examples as unknown as Array<{ name: string; examples: Array<Record<string, unknown>> }>
  ).find((e) => e.name === "workflow_job");
  const example = group?.examples.find((e) => e.action === action);
  if (!example) throw new Error(`no workflow_job ${action} example`);
  const copy = structuredClone(example) as Record<string, unknown> & {
    workflow_job: Record<string, unknown>;
  };
  if (overrides.labels) copy.workflow_job.labels = overrides.labels;
  if (overrides.jobId !== undefined) copy.workflow_job.id = overrides.jobId;
  if (overrides.conclusion !== undefined) copy.workflow_job.conclusion = overrides.conclusion;
  return copy;
}
