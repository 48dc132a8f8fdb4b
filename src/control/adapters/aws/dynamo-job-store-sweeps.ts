import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { ConflictError, FleetError, ValidationError } from "../../domain/errors.ts";
import type { Job } from "../../domain/job.ts";
import type { Clock } from "../../ports/clock.ts";
import type { JobStore } from "../../ports/job-store.ts";
import { fromAwsError, isConditionalCheckFailed } from "./aws-errors.ts";
import { decodeCursor, encodeCursor } from "./dynamo-items.ts";

/** The JobStore methods housekeeping needs: sweeps of old jobs, re-send stamps, deletion. */
export function jobSweeps(
  doc: DynamoDBDocumentClient,
  tableName: string,
  clock: Clock,
  /** Parses an item read back (the store's own parser; passed in to avoid an import cycle). */
  jobFromItem: (item: Record<string, unknown>) => Job,
): Pick<JobStore, "listUpdatedBefore" | "touchEnqueued" | "remove"> {
  return {
    async listUpdatedBefore(query) {
      const startKey = decodeCursor(query.cursor);
      if (query.cursor !== undefined && startKey === undefined)
        throw new ValidationError("invalid cursor");
      try {
        const out = await doc.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: "by-status",
            KeyConditionExpression: "#s = :s AND #u < :before",
            ExpressionAttributeNames: { "#s": "status", "#u": "updatedAt" },
            ExpressionAttributeValues: { ":s": query.status, ":before": query.updatedBefore },
            ScanIndexForward: true,
            Limit: query.limit,
            ExclusiveStartKey: startKey,
          }),
        );
        const next = encodeCursor(out.LastEvaluatedKey);
        return { jobs: (out.Items ?? []).map(jobFromItem), ...(next ? { next } : {}) };
      } catch (err) {
        throw fromAwsError(
          err,
          `listing ${query.status} jobs updated before ${query.updatedBefore}`,
        );
      }
    },

    async touchEnqueued(jobId, expectedVersion, at) {
      try {
        const out = await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { jobId },
            UpdateExpression: "SET #e = :at, #u = :now, #v = :next",
            ConditionExpression: "#v = :cv AND #s = :queued",
            ExpressionAttributeNames: {
              "#e": "lastEnqueuedAt",
              "#u": "updatedAt",
              "#v": "version",
              "#s": "status",
            },
            ExpressionAttributeValues: {
              ":at": at,
              ":now": new Date(clock.now()).toISOString(),
              ":next": expectedVersion + 1,
              ":cv": expectedVersion,
              ":queued": "queued",
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
        if (isConditionalCheckFailed(err))
          throw new ConflictError(`job ${jobId} is no longer queued at version ${expectedVersion}`);
        throw fromAwsError(err, `stamping the re-send of job ${jobId}`);
      }
    },

    async remove(jobId, expectedVersion) {
      try {
        await doc.send(
          new DeleteCommand({
            TableName: tableName,
            Key: { jobId },
            ConditionExpression: "#v = :cv",
            ExpressionAttributeNames: { "#v": "version" },
            ExpressionAttributeValues: { ":cv": expectedVersion },
          }),
        );
      } catch (err) {
        if (isConditionalCheckFailed(err))
          throw new ConflictError(`job ${jobId} changed since version ${expectedVersion}`);
        throw fromAwsError(err, `deleting job ${jobId}`);
      }
    },
  };
}
