import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import * as v from "valibot";
import type { Clock } from "../../ports/clock.ts";
import type { LockHolder, LockStore } from "../../ports/lock-store.ts";
import { fromAwsError } from "./aws-errors.ts";
import { itemParser } from "./dynamo-records.ts";
import { conditionalSend } from "./dynamo-update.ts";

/** Name of the TTL attribute (epoch seconds); enabling TTL on it is an AWS-only set-up step. */
export const locksTtlAttribute = "expiresAt";

/**
 * A lock item. `expiresAtMs` decides who may take the lock (TTL deletion runs up to days late and
 * has one-second resolution); `expiresAt` only lets DynamoDB drop abandoned locks.
 */
const parseLock = itemParser(
  v.object({ name: v.string(), owner: v.string(), expiresAtMs: v.number() }),
  (item) => `lock item ${String(item.name)}`,
);

// `name` and `owner` are reserved words in DynamoDB expressions, hence the `#` names.

/** LockStore on the locks table (key `name`); every change is one conditional write. */
export function createDynamoLockStore(options: {
  client: DynamoDBClient;
  tableName: string;
  clock: Clock;
}): LockStore {
  const { tableName, clock } = options;
  const doc = DynamoDBDocumentClient.from(options.client);
  const expiry = (ttlMs: number) => {
    const ms = clock.now() + Math.max(0, ttlMs);
    return { ms, seconds: Math.ceil(ms / 1000) };
  };
  /** Sends a conditional write; true when its condition held. */
  const written = async (send: () => Promise<unknown>, action: string) =>
    (await conditionalSend(send, action)) !== null;

  return {
    async acquire(name, owner, ttlMs) {
      const until = expiry(ttlMs);
      const put = new PutCommand({
        TableName: tableName,
        Item: { name, owner, expiresAtMs: until.ms, [locksTtlAttribute]: until.seconds },
        ConditionExpression: "attribute_not_exists(#n) OR #e <= :now OR #o = :owner",
        ExpressionAttributeNames: { "#n": "name", "#e": "expiresAtMs", "#o": "owner" },
        ExpressionAttributeValues: { ":now": clock.now(), ":owner": owner },
      });
      return written(() => doc.send(put), `acquiring lock ${name}`);
    },

    async renew(name, owner, ttlMs) {
      const until = expiry(ttlMs);
      const update = new UpdateCommand({
        TableName: tableName,
        Key: { name },
        UpdateExpression: "SET #e = :ms, #t = :s",
        ConditionExpression: "#o = :owner",
        ExpressionAttributeNames: { "#e": "expiresAtMs", "#t": locksTtlAttribute, "#o": "owner" },
        ExpressionAttributeValues: { ":ms": until.ms, ":s": until.seconds, ":owner": owner },
      });
      return written(() => doc.send(update), `renewing lock ${name}`);
    },

    async release(name, owner) {
      const del = new DeleteCommand({
        TableName: tableName,
        Key: { name },
        ConditionExpression: "#o = :owner",
        ExpressionAttributeNames: { "#o": "owner" },
        ExpressionAttributeValues: { ":owner": owner },
      });
      return written(() => doc.send(del), `releasing lock ${name}`);
    },

    async holder(name): Promise<LockHolder | null> {
      let item: Record<string, unknown> | undefined;
      try {
        const out = await doc.send(
          new GetCommand({ TableName: tableName, Key: { name }, ConsistentRead: true }),
        );
        item = out.Item;
      } catch (err) {
        throw fromAwsError(err, `reading lock ${name}`);
      }
      if (!item) return null;
      const { owner, expiresAtMs } = parseLock(item);
      return expiresAtMs > clock.now() ? { owner, expiresAt: expiresAtMs } : null;
    },
  };
}
