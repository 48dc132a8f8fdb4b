import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { describe, expect, it } from "vitest";
import { startDynamo } from "./dynalite.ts";
import { startSqs } from "./fauxqs.ts";
import { motoAvailable, startMoto, testCredentials } from "./moto.ts";

describe("test servers", () => {
  it("dynalite answers the DynamoDB protocol", async () => {
    const db = await startDynamo();
    try {
      const client = new DynamoDBClient({
        endpoint: db.endpoint,
        region: "us-east-1",
        credentials: testCredentials,
      });
      const out = await client.send(new ListTablesCommand({}));
      expect(out.TableNames).toEqual([]);
    } finally {
      await db.stop();
    }
  });

  it("fauxqs answers the SQS protocol, FIFO included", async () => {
    const sqs = await startSqs();
    try {
      const url = sqs.createQueue("jobs.fifo");
      const client = new SQSClient({
        endpoint: sqs.endpoint,
        region: "us-east-1",
        credentials: testCredentials,
      });
      const out = await client.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["FifoQueue"] }),
      );
      expect(out.Attributes?.FifoQueue).toBe("true");
    } finally {
      await sqs.stop();
    }
  });

  it.skipIf(!motoAvailable)("moto_server starts and resets", async () => {
    const moto = await startMoto();
    try {
      await moto.reset();
      const res = await fetch(`${moto.endpoint}/moto-api/`);
      expect(res.status).toBeLessThan(500);
    } finally {
      await moto.stop();
    }
  });
});
