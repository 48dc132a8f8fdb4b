import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import * as v from "valibot";
import { ConflictError, FleetError, ValidationError } from "../../domain/errors.ts";
import { type Instance, InstanceSchema } from "../../domain/instance.ts";
import type { Clock } from "../../ports/clock.ts";
import type { InstanceStore } from "../../ports/instance-store.ts";
import { fromAwsError, isConditionalCheckFailed } from "./aws-errors.ts";
import { decodeCursor, encodeCursor } from "./dynamo-items.ts";
import { recordOps } from "./dynamo-records.ts";
import { updateExpression } from "./dynamo-update.ts";

/** Parses an instance item read back from DynamoDB. */
export function instanceFromItem(item: Record<string, unknown>): Instance {
  const parsed = v.safeParse(InstanceSchema, item);
  if (!parsed.success) {
    throw new FleetError(
      "corrupt_item",
      `instance item ${String(item.instanceId)} is invalid: ${v.summarize(parsed.issues)}`,
    );
  }
  return parsed.output;
}

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
  const { get, createOnce } = recordOps({
    doc,
    tableName,
    key: "instanceId",
    noun: "instance",
    parse: instanceFromItem,
  });
  return {
    async create(instance) {
      const { created, stored } = await createOnce(instance, instance.instanceId);
      return { created, instance: stored };
    },

    get,

    async update(instanceId, expectedVersion, patch) {
      const extra: Record<string, unknown> = {
        ...patch,
        updatedAt: new Date(clock.now()).toISOString(),
        version: expectedVersion + 1,
      };
      if (patch.state === "terminated" && options.retentionSeconds !== undefined) {
        extra.expiresAt = Math.floor(clock.now() / 1000) + options.retentionSeconds;
      }
      const expr = updateExpression(extra);
      try {
        const out = await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { instanceId },
            UpdateExpression: expr.expression,
            ConditionExpression: "#cv = :cv",
            ExpressionAttributeNames: { ...expr.names, "#cv": "version" },
            ExpressionAttributeValues: { ...expr.values, ":cv": expectedVersion },
            ReturnValues: "ALL_NEW",
          }),
        );
        if (!out.Attributes)
          throw new FleetError("aws.empty", `update of instance ${instanceId} returned nothing`, {
            retryable: true,
          });
        return instanceFromItem(out.Attributes);
      } catch (err) {
        if (isConditionalCheckFailed(err))
          throw new ConflictError(
            `instance ${instanceId} changed since version ${expectedVersion}`,
          );
        throw fromAwsError(err, `updating instance ${instanceId}`);
      }
    },

    async heartbeat(instanceId, at) {
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { instanceId },
            UpdateExpression: "SET lastHeartbeatAt = :at",
            ConditionExpression:
              "attribute_exists(instanceId) AND (attribute_not_exists(lastHeartbeatAt) OR lastHeartbeatAt < :at)",
            ExpressionAttributeValues: { ":at": at },
          }),
        );
      } catch (err) {
        // An older or repeated heartbeat, or an instance we never recorded: nothing to change.
        if (!isConditionalCheckFailed(err))
          throw fromAwsError(err, `recording a heartbeat of ${instanceId}`);
      }
    },

    async remove(instanceId, expectedVersion) {
      try {
        await doc.send(
          new DeleteCommand({
            TableName: tableName,
            Key: { instanceId },
            ConditionExpression: "#cv = :cv",
            ExpressionAttributeNames: { "#cv": "version" },
            ExpressionAttributeValues: { ":cv": expectedVersion },
          }),
        );
      } catch (err) {
        if (isConditionalCheckFailed(err))
          throw new ConflictError(
            `instance ${instanceId} changed since version ${expectedVersion}`,
          );
        throw fromAwsError(err, `deleting instance ${instanceId}`);
      }
    },

    async list(query) {
      const startKey = decodeCursor(query.cursor);
      if (query.cursor !== undefined && startKey === undefined)
        throw new ValidationError("invalid cursor");
      try {
        const out = query.state
          ? await doc.send(
              new QueryCommand({
                TableName: tableName,
                IndexName: "by-state",
                KeyConditionExpression: "#s = :s",
                ExpressionAttributeNames: { "#s": "state" },
                ExpressionAttributeValues: { ":s": query.state },
                Limit: query.limit,
                ExclusiveStartKey: startKey,
              }),
            )
          : await doc.send(
              new ScanCommand({
                TableName: tableName,
                Limit: query.limit,
                ExclusiveStartKey: startKey,
              }),
            );
        const instances = (out.Items ?? []).map(instanceFromItem);
        if (!query.state) instances.sort((a, b) => a.launchedAt.localeCompare(b.launchedAt));
        const next = encodeCursor(out.LastEvaluatedKey);
        return { instances, ...(next ? { next } : {}) };
      } catch (err) {
        throw fromAwsError(err, "listing instances");
      }
    },
  };
}
