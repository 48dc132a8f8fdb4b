import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { ConflictError } from "../../domain/errors.ts";
import { type PoolState, PoolStateSchema } from "../../domain/pool-state.ts";
import type { PoolStateStore } from "../../ports/pool-state-store.ts";
import { fromAwsError } from "./aws-errors.ts";
import { readAll } from "./dynamo-paging.ts";
import { itemParser } from "./dynamo-records.ts";
import { conditionalSend } from "./dynamo-update.ts";

const parseItem = itemParser(
  PoolStateSchema,
  (item) => `pool ${String(item.name)} in the pools table`,
  "corrupt_record",
);

/** A PoolStateStore on the pools table (key `name`); the client is passed in. */
export function createDynamoPoolStateStore(options: {
  client: DynamoDBClient;
  tableName: string;
}): PoolStateStore {
  const doc = DynamoDBDocumentClient.from(options.client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const table = options.tableName;
  return {
    async get(name) {
      try {
        const res = await doc.send(
          new GetCommand({ TableName: table, Key: { name }, ConsistentRead: true }),
        );
        return res.Item ? parseItem(res.Item) : null;
      } catch (err) {
        throw fromAwsError(err, `reading pool ${name}`);
      }
    },

    async list() {
      const all = await readAll(
        doc,
        { scan: { TableName: table, ConsistentRead: true } },
        { parse: parseItem, action: "listing pools" },
      );
      return all.sort((a, b) => a.name.localeCompare(b.name));
    },

    async save(state, expectedVersion) {
      const next: PoolState = { ...state, version: expectedVersion + 1 };
      // The whole record is written (a put): a cleared override must read back as null.
      const condition =
        expectedVersion === 0
          ? { ConditionExpression: "attribute_not_exists(#n)" }
          : {
              ConditionExpression: "version = :expected",
              ExpressionAttributeValues: { ":expected": expectedVersion },
            };
      const put = new PutCommand({
        TableName: table,
        Item: next,
        ...(expectedVersion === 0 ? { ExpressionAttributeNames: { "#n": "name" } } : {}),
        ...condition,
      });
      const saved = await conditionalSend(() => doc.send(put), `saving pool ${state.name}`);
      if (!saved)
        throw new ConflictError(`pool ${state.name} changed since version ${expectedVersion}`);
      return next;
    },
  };
}
