import { DescribeTableCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DynamoDBDocumentClient,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import * as v from "valibot";
import { ConflictError, FleetError, ValidationError } from "../../domain/errors.ts";
import { canTransition, isTerminal, type Job, JobSchema } from "../../domain/job.ts";
import type { Clock } from "../../ports/clock.ts";
import type { JobStore, JobTransition } from "../../ports/job-store.ts";
import { fromAwsError, isConditionalCheckFailed } from "./aws-errors.ts";
import { decodeCursor, encodeCursor } from "./dynamo-items.ts";
import { jobSweeps } from "./dynamo-job-store-sweeps.ts";
import { recordOps } from "./dynamo-records.ts";
import { updateExpression } from "./dynamo-update.ts";

/** Parses an item read back from DynamoDB; a corrupt item is an error, never a cast. */
export function jobFromItem(item: Record<string, unknown>): Job {
  const parsed = v.safeParse(JobSchema, item);
  if (!parsed.success) {
    throw new FleetError(
      "corrupt_item",
      `job item ${String(item.jobId)} is invalid: ${v.summarize(parsed.issues)}`,
    );
  }
  return parsed.output;
}

/** JobStore on a DynamoDB table keyed by `jobId`, with `by-status` and `by-instance` indexes. */
export function createDynamoJobStore(options: {
  client: DynamoDBClient;
  tableName: string;
  clock: Clock;
  /** Seconds after a terminal state until DynamoDB's TTL removes the item (AWS only). */
  retentionSeconds?: number;
}): JobStore {
  const { tableName, clock } = options;
  const doc = DynamoDBDocumentClient.from(options.client, {
    marshallOptions: { removeUndefinedValues: true },
  });

  const { get, createOnce } = recordOps({
    doc,
    tableName,
    key: "jobId",
    noun: "job",
    parse: jobFromItem,
  });

  return {
    async create(job) {
      const { created, stored } = await createOnce(job, job.jobId);
      return { created, job: stored };
    },

    get,

    async transition(jobId, change: JobTransition) {
      if (!canTransition(change.from, change.to)) {
        throw new ConflictError(
          `job ${jobId}: ${change.from} → ${change.to} is not an allowed transition`,
        );
      }
      const patch: Record<string, unknown> = {
        ...change.patch,
        status: change.to,
        version: change.expectedVersion + 1,
        updatedAt: new Date(clock.now()).toISOString(),
      };
      if (options.retentionSeconds !== undefined && isTerminal(change.to)) {
        patch.expiresAt = Math.floor(clock.now() / 1000) + options.retentionSeconds;
      }
      const expr = updateExpression(patch);
      try {
        const out = await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { jobId },
            UpdateExpression: expr.expression,
            ConditionExpression: "#cv = :cv AND #cs = :cs",
            ExpressionAttributeNames: { ...expr.names, "#cv": "version", "#cs": "status" },
            ExpressionAttributeValues: {
              ...expr.values,
              ":cv": change.expectedVersion,
              ":cs": change.from,
            },
            ReturnValues: "ALL_NEW",
          }),
        );
        if (!out.Attributes)
          throw new FleetError("aws.empty", `update of job ${jobId} returned nothing`, {
            retryable: true,
          });
        return jobFromItem(out.Attributes);
      } catch (err) {
        if (isConditionalCheckFailed(err)) {
          throw new ConflictError(
            `job ${jobId} changed since it was read (expected ${change.from} at version ${change.expectedVersion})`,
          );
        }
        throw fromAwsError(err, `updating job ${jobId}`);
      }
    },

    async list(query) {
      const startKey = decodeCursor(query.cursor);
      if (query.cursor !== undefined && startKey === undefined)
        throw new ValidationError("invalid cursor");
      try {
        if (query.status !== undefined) {
          const out = await doc.send(
            new QueryCommand({
              TableName: tableName,
              IndexName: "by-status",
              KeyConditionExpression: "#status = :status",
              ExpressionAttributeNames: { "#status": "status" },
              ExpressionAttributeValues: { ":status": query.status },
              ScanIndexForward: false,
              Limit: query.limit,
              ExclusiveStartKey: startKey,
            }),
          );
          const next = encodeCursor(out.LastEvaluatedKey);
          return { jobs: (out.Items ?? []).map(jobFromItem), ...(next ? { next } : {}) };
        }
        const out = await doc.send(
          new ScanCommand({
            TableName: tableName,
            Limit: query.limit,
            ExclusiveStartKey: startKey,
          }),
        );
        const jobs = (out.Items ?? [])
          .map(jobFromItem)
          .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
        const next = encodeCursor(out.LastEvaluatedKey);
        return { jobs, ...(next ? { next } : {}) };
      } catch (err) {
        throw fromAwsError(err, "listing jobs");
      }
    },

    ...jobSweeps(doc, tableName, clock, jobFromItem),

    async byInstance(instanceId) {
      try {
        const out = await doc.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: "by-instance",
            KeyConditionExpression: "instanceId = :id",
            ExpressionAttributeValues: { ":id": instanceId },
          }),
        );
        return (out.Items ?? []).map(jobFromItem);
      } catch (err) {
        throw fromAwsError(err, `listing jobs of instance ${instanceId}`);
      }
    },

    async ping() {
      try {
        await options.client.send(new DescribeTableCommand({ TableName: tableName }));
      } catch (err) {
        throw fromAwsError(err, "describing the jobs table");
      }
    },
  };
}
