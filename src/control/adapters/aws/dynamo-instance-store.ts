import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import * as v from "valibot";
import { type Instance, type InstanceLifeState, InstanceSchema } from "../../domain/instance.ts";
import type { Clock } from "../../ports/clock.ts";
import type { InstanceStore } from "../../ports/instance-store.ts";
import { CursorPart, readPage } from "./dynamo-paging.ts";
import { itemParser, recordOps } from "./dynamo-records.ts";
import { conditionalSend } from "./dynamo-update.ts";

/** Parses an instance item read back from DynamoDB. */
export const instanceFromItem: (item: Record<string, unknown>) => Instance = itemParser(
  InstanceSchema,
  (item) => `instance item ${String(item.instanceId)}`,
);

/** A cursor of a scan of the table: its key alone. */
const tableCursor = v.strictObject({ instanceId: CursorPart });
/** A cursor of the `by-state` index: the table's key and the index's, for this state only. */
const byStateCursor = (state: InstanceLifeState) =>
  v.strictObject({ instanceId: CursorPart, state: v.literal(state), launchedAt: CursorPart });

/** InstanceStore on a DynamoDB table keyed by `instanceId`, with a `by-state` index. */
export function createDynamoInstanceStore(options: {
  client: DynamoDBClient;
  tableName: string;
  clock: Clock;
  /** Seconds after termination until DynamoDB's TTL removes the item (AWS only). */
  retentionSeconds?: number;
}): InstanceStore {
  const { tableName, clock } = options;
  const doc = DynamoDBDocumentClient.from(options.client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const records = recordOps({
    doc,
    tableName,
    key: "instanceId",
    noun: "instance",
    parse: instanceFromItem,
  });
  return {
    async create(instance) {
      const { created, stored } = await records.createOnce(instance, instance.instanceId);
      return { created, instance: stored };
    },

    get: records.get,

    async update(instanceId, expectedVersion, patch) {
      const { retentionSeconds } = options;
      // Only a terminated instance is left for DynamoDB's TTL to remove.
      const expiry =
        patch.state === "terminated" && retentionSeconds !== undefined
          ? { expiresAt: Math.floor(clock.now() / 1000) + retentionSeconds }
          : {};
      const updatedAt = new Date(clock.now()).toISOString();
      return records.update(
        instanceId,
        expectedVersion,
        { ...patch, updatedAt, ...expiry },
        {
          conflict: `instance ${instanceId} changed since version ${expectedVersion}`,
        },
      );
    },

    async heartbeat(instanceId, at) {
      // An older or repeated heartbeat, or an instance we never recorded: nothing to change, so
      // a failed condition is no error. It never moves `version`: a versioned write between a
      // read and its update must not lose to a heartbeat.
      await conditionalSend(
        () =>
          doc.send(
            new UpdateCommand({
              TableName: tableName,
              Key: { instanceId },
              UpdateExpression: "SET lastHeartbeatAt = :at",
              ConditionExpression:
                "attribute_exists(instanceId) AND (attribute_not_exists(lastHeartbeatAt) OR lastHeartbeatAt < :at)",
              ExpressionAttributeValues: { ":at": at },
            }),
          ),
        `recording a heartbeat of ${instanceId}`,
      );
    },

    remove: records.remove,

    async list(query) {
      const filter = poolFilter(query.pool);
      const request = query.state
        ? {
            query: {
              TableName: tableName,
              IndexName: "by-state",
              KeyConditionExpression: "#s = :s",
              ...filter,
              ExpressionAttributeNames: { "#s": "state", ...filter?.ExpressionAttributeNames },
              ExpressionAttributeValues: {
                ":s": query.state,
                ...filter?.ExpressionAttributeValues,
              },
            },
          }
        : { scan: { TableName: tableName, ...filter } };
      const { items, next } = await readPage(doc, request, {
        limit: query.limit,
        cursor: query.cursor,
        cursorShape: query.state ? byStateCursor(query.state) : tableCursor,
        parse: instanceFromItem,
        action: "listing instances",
      });
      // A scan has no order; the index keeps launch order, so sort only what a scan found.
      if (!query.state) items.sort((a, b) => a.launchedAt.localeCompare(b.launchedAt));
      return { instances: items, ...(next ? { next } : {}) };
    },
  };
}

/**
 * The filter that keeps pool members (of one pool when named). DynamoDB applies it after the
 * page's `Limit` is read, so a page may come back short with a `next`; it saves sending the
 * records of every other instance back.
 */
function poolFilter(pool: { name?: string } | undefined) {
  if (!pool) return undefined;
  return pool.name === undefined
    ? {
        FilterExpression: "attribute_type(#p, :string)",
        ExpressionAttributeNames: { "#p": "pool" },
        ExpressionAttributeValues: { ":string": "S" },
      }
    : {
        FilterExpression: "#p = :pool",
        ExpressionAttributeNames: { "#p": "pool" },
        ExpressionAttributeValues: { ":pool": pool.name },
      };
}
