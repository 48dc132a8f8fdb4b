import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { Hono } from "hono";
import { VERSION } from "../../shared/version.ts";
import { circuitsTableDefinition } from "../adapters/aws/dynamo-circuit-store.ts";
import { createDynamoJobStore } from "../adapters/aws/dynamo-job-store.ts";
import { createSqsJobQueue } from "../adapters/aws/sqs-job-queue.ts";
import {
  instancesTableDefinition,
  jobsTableDefinition,
  simpleTableDefinition,
  type TableNames,
  tableNames,
} from "../adapters/aws/tables.ts";
import type { Config } from "../config.ts";
import { createApp } from "../http/app.ts";
import type { Clock } from "../ports/clock.ts";
import type { JobQueue } from "../ports/job-queue.ts";
import type { JobStore } from "../ports/job-store.ts";
import type { Logger } from "../ports/logger.ts";
import { createIntake, type Intake } from "../services/intake.ts";
import type { ResolveLabels } from "../services/label-resolver.ts";

/** What every runtime hands to the composition: parsed config, SDK clients, secrets. */
export interface Runtime {
  config: Config;
  dynamodb: DynamoDBClient;
  sqs: SQSClient;
  jobQueueUrl: string;
  eventsQueueUrl: string;
  webhookSecrets: readonly string[];
  adminToken: string;
  resolveLabels: ResolveLabels;
  logger: Logger;
  clock: Clock;
  startedAt: number;
}

/** The assembled control plane; entry points serve `app.fetch` and run the loops. */
export interface ControlPlane {
  app: Hono;
  jobs: JobStore;
  queue: JobQueue;
  intake: Intake;
  tables: TableNames;
}

/** Builds the control plane from a runtime; the same code on Node, Deno, Bun and Lambda. */
export function composeControlPlane(rt: Runtime): ControlPlane {
  const tables = tableNames(rt.config.tablePrefix);
  const jobs = createDynamoJobStore({
    client: rt.dynamodb,
    tableName: tables.jobs,
    clock: rt.clock,
    ...(rt.config.mode === "aws" ? { retentionSeconds: rt.config.jobRetentionSeconds } : {}),
  });
  const queue = createSqsJobQueue({ client: rt.sqs, url: rt.jobQueueUrl });
  const intake = createIntake({
    jobs,
    queue,
    resolveLabels: rt.resolveLabels,
    clock: rt.clock,
    logger: rt.logger.child({ component: "intake" }),
  });
  const app = createApp({
    intake,
    jobs,
    webhookSecrets: rt.webhookSecrets,
    adminToken: rt.adminToken,
    logger: rt.logger.child({ component: "http" }),
    health: {
      checks: [
        { name: "dynamodb", ping: () => jobs.ping() },
        { name: "sqs", ping: () => queue.ping() },
      ],
      clock: rt.clock,
      startedAt: rt.startedAt,
      version: VERSION,
      mode: rt.config.mode,
    },
  });
  return { app, jobs, queue, intake, tables };
}

/** Every table the control plane needs, for local mode and tests to create. */
export function tableDefinitions(tables: TableNames) {
  return [
    jobsTableDefinition(tables.jobs),
    instancesTableDefinition(tables.instances),
    circuitsTableDefinition(tables.circuits),
    simpleTableDefinition(tables.locks, "name"),
    simpleTableDefinition(tables.pools, "name"),
  ];
}
