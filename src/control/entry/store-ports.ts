import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { SQSClient } from "@aws-sdk/client-sqs";
import {
  auditTableDefinition,
  createDynamoAuditStore,
} from "../adapters/aws/dynamo-audit-store.ts";
import {
  circuitsTableDefinition,
  createDynamoCircuitStore,
} from "../adapters/aws/dynamo-circuit-store.ts";
import {
  configTableDefinition,
  createDynamoConfigStore,
} from "../adapters/aws/dynamo-config-store.ts";
import { createDynamoInstanceStore } from "../adapters/aws/dynamo-instance-store.ts";
import { createDynamoJobStore } from "../adapters/aws/dynamo-job-store.ts";
import { createDynamoLockStore } from "../adapters/aws/dynamo-lock-store.ts";
import { createDynamoMarkerStore } from "../adapters/aws/dynamo-marker-store.ts";
import { createDynamoPoolStateStore } from "../adapters/aws/dynamo-pool-state-store.ts";
import { createSqsEventQueue } from "../adapters/aws/sqs-event-queue.ts";
import { createSqsJobQueue } from "../adapters/aws/sqs-job-queue.ts";
import {
  instancesTableDefinition,
  jobsTableDefinition,
  simpleTableDefinition,
  type TableNames,
  tableNames,
} from "../adapters/aws/tables.ts";
import { auditRetentionSeconds } from "../domain/audit.ts";
import type { Clock } from "../ports/clock.ts";
import type { Ports } from "./compose-types.ts";

/** The ports kept in DynamoDB and SQS: the same in AWS mode, local mode and the suites. */
export type StorePorts = Omit<Ports, "compute" | "github" | "runnerConfigs" | "metrics">;

/** Builds the DynamoDB stores and SQS queues from SDK clients and queue URLs. */
export function storePorts(o: {
  dynamodb: DynamoDBClient;
  sqs: SQSClient;
  tablePrefix: string;
  queues: {
    jobs: string;
    events: string;
    /** The EC2 events queue (EventBridge only); unset, no EC2 event is taken. */
    ec2Events?: string | undefined;
    jobsDlq?: string | undefined;
    eventsDlq?: string | undefined;
    ec2EventsDlq?: string | undefined;
  };
  /** Set in AWS mode: records expire by DynamoDB TTL; elsewhere housekeeping sweeps them. */
  retentionSeconds?: number;
  clock: Clock;
  /** How long audit records are kept (DynamoDB TTL; default 90 days). */
  auditRetentionSeconds?: number;
}): StorePorts {
  const tables = tableNames(o.tablePrefix);
  const { dynamodb: client, clock } = o;
  const retention =
    o.retentionSeconds === undefined ? {} : { retentionSeconds: o.retentionSeconds };
  const { jobsDlq, eventsDlq, ec2Events, ec2EventsDlq } = o.queues;
  return {
    jobs: createDynamoJobStore({ client, tableName: tables.jobs, clock, ...retention }),
    instances: createDynamoInstanceStore({
      client,
      tableName: tables.instances,
      clock,
      ...retention,
    }),
    queue: createSqsJobQueue({ client: o.sqs, url: o.queues.jobs }),
    events: createSqsEventQueue({ client: o.sqs, url: o.queues.events }),
    ...(ec2Events ? { ec2Events: createSqsEventQueue({ client: o.sqs, url: ec2Events }) } : {}),
    circuitStore: createDynamoCircuitStore({ client, tableName: tables.circuits }),
    markers: createDynamoMarkerStore({ client, tableName: tables.locks, clock }),
    locks: createDynamoLockStore({ client, tableName: tables.locks, clock }),
    configStore: createDynamoConfigStore({ client, tableName: tables.config }),
    poolStates: createDynamoPoolStateStore({ client, tableName: tables.pools }),
    audit: createDynamoAuditStore({
      client,
      tableName: tables.audit,
      retentionSeconds: o.auditRetentionSeconds ?? auditRetentionSeconds,
    }),
    ...(jobsDlq ? { jobDlq: createSqsJobQueue({ client: o.sqs, url: jobsDlq }) } : {}),
    ...(eventsDlq ? { eventsDlq: createSqsEventQueue({ client: o.sqs, url: eventsDlq }) } : {}),
    ...(ec2EventsDlq
      ? { ec2EventsDlq: createSqsEventQueue({ client: o.sqs, url: ec2EventsDlq }) }
      : {}),
  };
}

/** Every table the control plane needs, for local mode and tests to create. */
export function tableDefinitions(tables: TableNames) {
  return [
    jobsTableDefinition(tables.jobs),
    instancesTableDefinition(tables.instances),
    circuitsTableDefinition(tables.circuits),
    simpleTableDefinition(tables.locks, "name"),
    simpleTableDefinition(tables.pools, "name"),
    configTableDefinition(tables.config),
    auditTableDefinition(tables.audit),
  ];
}
