import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import * as v from "valibot";
import { FleetError } from "../../domain/errors.ts";
import type { Clock } from "../../ports/clock.ts";
import type { LockHolder, LockStore } from "../../ports/lock-store.ts";
import { fromAwsError, isConditionalCheckFailed } from "./aws-errors.ts";

/** Name of the TTL attribute (epoch seconds); enabling TTL on it is an AWS-only set-up step. */
export const locksTtlAttribute = "expiresAt";

/**
 * A lock item. `expiresAtMs` decides who may take the lock (TTL deletion runs up to days late and
 * has one-second resolution); `expiresAt` only lets DynamoDB drop abandoned locks.
 */
const LockItemSchema = v.object({
  name: v.string(),
  owner: v.string(),
  expiresAtMs: v.number(),
});

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

  return {
    async acquire(name, owner, ttlMs) {
      const until = expiry(ttlMs);
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: { name, owner, expiresAtMs: until.ms, [locksTtlAttribute]: until.seconds },
            ConditionExpression: "attribute_not_exists(#n) OR #e <= :now OR #o = :owner",
            // `name` and `owner` are reserved words in DynamoDB expressions.
            ExpressionAttributeNames: { "#n": "name", "#e": "expiresAtMs", "#o": "owner" },
            ExpressionAttributeValues: { ":now": clock.now(), ":owner": owner },
          }),
        );
        return true;
      } catch (err) {
        if (isConditionalCheckFailed(err)) return false;
        throw fromAwsError(err, `acquiring lock ${name}`);
      }
    },

    async renew(name, owner, ttlMs) {
      const until = expiry(ttlMs);
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { name },
            UpdateExpression: "SET #e = :ms, #t = :s",
            ConditionExpression: "#o = :owner",
            ExpressionAttributeNames: {
              "#e": "expiresAtMs",
              "#t": locksTtlAttribute,
              "#o": "owner",
            },
            ExpressionAttributeValues: { ":ms": until.ms, ":s": until.seconds, ":owner": owner },
          }),
        );
        return true;
      } catch (err) {
        if (isConditionalCheckFailed(err)) return false;
        throw fromAwsError(err, `renewing lock ${name}`);
      }
    },

    async release(name, owner) {
      try {
        await doc.send(
          new DeleteCommand({
            TableName: tableName,
            Key: { name },
            ConditionExpression: "#o = :owner",
            ExpressionAttributeNames: { "#o": "owner" },
            ExpressionAttributeValues: { ":owner": owner },
          }),
        );
        return true;
      } catch (err) {
        if (isConditionalCheckFailed(err)) return false;
        throw fromAwsError(err, `releasing lock ${name}`);
      }
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
      const parsed = v.safeParse(LockItemSchema, item);
      if (!parsed.success)
        throw new FleetError(
          "corrupt_item",
          `lock item ${name} is invalid: ${v.summarize(parsed.issues)}`,
        );
      const { owner, expiresAtMs } = parsed.output;
      return expiresAtMs > clock.now() ? { owner, expiresAt: expiresAtMs } : null;
    },
  };
}
