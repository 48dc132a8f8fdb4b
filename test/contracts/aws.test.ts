import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll } from "vitest";
import { createDynamoInstanceStore } from "../../src/control/adapters/aws/dynamo-instance-store.ts";
import { createDynamoJobStore } from "../../src/control/adapters/aws/dynamo-job-store.ts";
import { createSqsJobQueue } from "../../src/control/adapters/aws/sqs-job-queue.ts";
import {
  ensureTables,
  instancesTableDefinition,
  jobsTableDefinition,
} from "../../src/control/adapters/aws/tables.ts";
import { type Backends, startBackends } from "../support/control-plane.ts";
import { instanceStoreContract } from "./instance-store-contract.ts";
import { jobQueueContract } from "./job-queue-contract.ts";
import { jobStoreContract } from "./job-store-contract.ts";

let b: Backends;
beforeAll(async () => {
  b = await startBackends();
});
afterAll(async () => {
  await b?.stop();
});

// Every store gets fresh tables, so listings see only what their own test wrote.
let tables = 0;
const freshTable = async (define: typeof jobsTableDefinition) => {
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
