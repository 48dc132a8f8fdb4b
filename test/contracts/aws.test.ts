import type { CreateTableCommandInput } from "@aws-sdk/client-dynamodb";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll } from "vitest";
import {
  auditTableDefinition,
  createDynamoAuditStore,
} from "../../src/control/adapters/aws/dynamo-audit-store.ts";
import {
  circuitsTableDefinition,
  createDynamoCircuitStore,
} from "../../src/control/adapters/aws/dynamo-circuit-store.ts";
import { createDynamoInstanceStore } from "../../src/control/adapters/aws/dynamo-instance-store.ts";
import { createDynamoJobStore } from "../../src/control/adapters/aws/dynamo-job-store.ts";
import { createDynamoLockStore } from "../../src/control/adapters/aws/dynamo-lock-store.ts";
import { createDynamoMarkerStore } from "../../src/control/adapters/aws/dynamo-marker-store.ts";
import { createSqsEventQueue } from "../../src/control/adapters/aws/sqs-event-queue.ts";
import { createSqsJobQueue } from "../../src/control/adapters/aws/sqs-job-queue.ts";
import {
  ensureTables,
  instancesTableDefinition,
  jobsTableDefinition,
  simpleTableDefinition,
} from "../../src/control/adapters/aws/tables.ts";
import { type Backends, startBackends } from "../support/control-plane.ts";
import { auditStoreContract } from "./audit-store-contract.ts";
import { circuitStoreContract } from "./circuit-store-contract.ts";
import { eventQueueContract } from "./event-queue-contract.ts";
import { instanceStoreContract } from "./instance-store-contract.ts";
import { jobQueueContract } from "./job-queue-contract.ts";
import { jobStoreContract } from "./job-store-contract.ts";
import { lockStoreContract } from "./lock-store-contract.ts";
import { markerStoreContract } from "./marker-store-contract.ts";

let b: Backends;
beforeAll(async () => {
  b = await startBackends();
});
afterAll(async () => {
  await b?.stop();
});

// Every store gets fresh tables, so listings see only what their own test wrote.
let tables = 0;
const freshTable = async (define: (tableName: string) => CreateTableCommandInput) => {
  const name = `contract-${++tables}`;
  await ensureTables(b.dynamodb, [define(name)]);
  return name;
};

jobStoreContract("DynamoDB", async (clock) =>
  createDynamoJobStore({
    client: b.dynamodb,
    tableName: await freshTable(jobsTableDefinition),
    clock,
  }),
);
instanceStoreContract("DynamoDB", async (clock) =>
  createDynamoInstanceStore({
    client: b.dynamodb,
    tableName: await freshTable(instancesTableDefinition),
    clock,
  }),
);
circuitStoreContract("DynamoDB", async () =>
  createDynamoCircuitStore({
    client: b.dynamodb,
    tableName: await freshTable(circuitsTableDefinition),
  }),
);
// Markers and locks share the locks table (key `name`) in production.
const locksTable = (name: string) => simpleTableDefinition(name, "name");
markerStoreContract("DynamoDB", async (clock) =>
  createDynamoMarkerStore({ client: b.dynamodb, tableName: await freshTable(locksTable), clock }),
);
lockStoreContract("DynamoDB", async (clock) => {
  const tableName = await freshTable(locksTable);
  // Each replica is a store of its own over the one table, as separate processes would be.
  return () => createDynamoLockStore({ client: b.dynamodb, tableName, clock });
});
for (const kind of ["standard", "fifo"] as const) {
  jobQueueContract("SQS", kind, async () => {
    const url = b.newQueue("contract", kind === "fifo");
    let raw = 0;
    return {
      queue: createSqsJobQueue({ client: b.sqsClient, url }),
      sendRaw: async (body) => {
        raw++;
        await b.sqsClient.send(
          new SendMessageCommand({
            QueueUrl: url,
            MessageBody: body,
            ...(kind === "fifo"
              ? { MessageGroupId: `raw-${raw}`, MessageDeduplicationId: `raw-${raw}` }
              : {}),
          }),
        );
      },
    };
  });
}
eventQueueContract("SQS", async () =>
  createSqsEventQueue({ client: b.sqsClient, url: b.newQueue("events-contract", false) }),
);
auditStoreContract("DynamoDB", async () =>
  createDynamoAuditStore({
    client: b.dynamodb,
    tableName: await freshTable(auditTableDefinition),
    retentionSeconds: 90 * 24 * 3600,
  }),
);
