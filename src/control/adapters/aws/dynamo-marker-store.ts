import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import * as v from "valibot";
import type { Clock } from "../../ports/clock.ts";
import type { MarkerStore } from "../../ports/marker-store.ts";
import { fromAwsError } from "./aws-errors.ts";

const MarkerItem = v.object({
  name: v.string(),
  value: v.record(v.string(), v.unknown()),
  expiresAt: v.number(),
});

/**
 * Markers in the locks table (key `name`), under a `marker:` prefix so they never meet a task
 * lock. Expiry is checked on read; DynamoDB's TTL deletes them in AWS.
 */
export function createDynamoMarkerStore(options: {
  client: DynamoDBClient;
  tableName: string;
  clock: Clock;
}): MarkerStore {
  const doc = DynamoDBDocumentClient.from(options.client);
  const key = (name: string) => `marker:${name}`;
  return {
    async put(name, value, ttlSeconds) {
      try {
        await doc.send(
          new PutCommand({
            TableName: options.tableName,
            Item: {
              name: key(name),
              value,
              expiresAt: Math.floor(options.clock.now() / 1000) + ttlSeconds,
            },
          }),
        );
      } catch (err) {
        throw fromAwsError(err, `writing marker ${name}`);
      }
    },
    async get(name) {
      try {
        const out = await doc.send(
          new GetCommand({
            TableName: options.tableName,
            Key: { name: key(name) },
            ConsistentRead: true,
          }),
        );
        const parsed = v.safeParse(MarkerItem, out.Item);
        if (!parsed.success) return null;
        return parsed.output.expiresAt * 1000 > options.clock.now() ? parsed.output.value : null;
      } catch (err) {
        throw fromAwsError(err, `reading marker ${name}`);
      }
    },
  };
}
