import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import { ensureTables, tableNames } from "../../src/control/adapters/aws/tables.ts";
import { tableDefinitions } from "../../src/control/entry/store-ports.ts";
import { startDynamo } from "./dynalite.ts";
import { startSqs } from "./fauxqs.ts";
import { testCredentials } from "./moto.ts";

/** dynalite + fauxqs with the control plane's tables and queues created; one per suite. */
export async function startBackends(options: { prefix?: string; fifo?: boolean } = {}) {
  const db = await startDynamo();
  const sqs = await startSqs();
  const region = "us-east-1";
  const dynamodb = new DynamoDBClient({
    endpoint: db.endpoint,
    region,
    credentials: testCredentials,
  });
  const sqsClient = new SQSClient({ endpoint: sqs.endpoint, region, credentials: testCredentials });
  const prefix = options.prefix ?? "runs-fleet-";
  const tables = tableNames(prefix);
  await ensureTables(dynamodb, tableDefinitions(tables));
  let n = 0;
  return {
    db,
    sqs,
    dynamodb,
    sqsClient,
    tables,
    prefix,
    /** A fresh queue (unique name) so tests do not see each other's messages. */
    newQueue: (base = "jobs", fifo = options.fifo ?? false) =>
      sqs.createQueue(`${base}-${++n}${fifo ? ".fifo" : ""}`),
    stop: async () => {
      dynamodb.destroy();
      sqsClient.destroy();
      await sqs.stop();
      await db.stop();
    },
  };
}
export type Backends = Awaited<ReturnType<typeof startBackends>>;
