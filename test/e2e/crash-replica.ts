/**
 * A control-plane replica as its own process, for the crash test: the fleet's stores and queues
 * (dynalite, fauxqs), the dry-run GitHub, and a compute served by the test process (the provider
 * outlives this process, as EC2 outlives a crashed control plane). It serves the app, runs the
 * loops, and prints `listening <url>`. Settings come as one JSON argument.
 */
import { serve } from "@hono/node-server";
import { systemClock } from "../../src/control/adapters/clock.ts";
import { createDryRunGitHub } from "../../src/control/adapters/local/dry-run-github.ts";
import { createFileRunnerConfigStore } from "../../src/control/adapters/local/file-runner-config-store.ts";
import { awsClients } from "../../src/control/entry/clients.ts";
import { composeControlPlane } from "../../src/control/entry/compose.ts";
import { startLoops } from "../../src/control/entry/loops.ts";
import { storePorts } from "../../src/control/entry/store-ports.ts";
import { createJsonLogger } from "../../src/shared/logger.ts";
import { ADMIN_TOKEN, testSettings, WEBHOOK_SECRET } from "../support/app.ts";
import { remoteCompute } from "./remote-compute.ts";

/** What the test hands the replica. */
export interface CrashReplicaArgs {
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  tablePrefix: string;
  jobQueueUrl: string;
  eventsQueueUrl: string;
  ec2EventsQueueUrl: string;
  computeUrl: string;
  runnerDir: string;
  batchWindowMs: number;
}

const args = JSON.parse(process.argv[2] ?? "{}") as CrashReplicaArgs;
const settings = testSettings({
  RUNS_FLEET_TABLE_PREFIX: args.tablePrefix,
  RUNS_FLEET_BATCH_WINDOW_MS: String(args.batchWindowMs),
});
const clock = systemClock;
const logger = createJsonLogger({ level: "warn", base: { replica: "crash" } });
const clients = awsClients({
  region: "us-east-1",
  endpoints: { dynamodb: args.dynamodbEndpoint, sqs: args.sqsEndpoint },
  local: true,
});
const runnerConfigs = createFileRunnerConfigStore({ dir: args.runnerDir });
const plane = composeControlPlane(
  settings,
  {
    ports: {
      ...storePorts({
        ...clients,
        tablePrefix: args.tablePrefix,
        queues: {
          jobs: args.jobQueueUrl,
          events: args.eventsQueueUrl,
          ec2Events: args.ec2EventsQueueUrl,
        },
        clock,
      }),
      compute: remoteCompute(args.computeUrl),
      github: createDryRunGitHub({ clock, durationSeconds: 1, runnerConfigs }),
      runnerConfigs,
    },
    access: { webhookSecrets: [WEBHOOK_SECRET], adminToken: ADMIN_TOKEN },
  },
  { logger, clock },
);
startLoops(plane, logger);
serve({ fetch: plane.app.fetch, hostname: "127.0.0.1", port: 0 }, (info) => {
  console.log(`listening http://127.0.0.1:${info.port}`);
});
