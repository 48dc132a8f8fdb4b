import { DescribeTableCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import * as v from "valibot";
import { ConflictError } from "../../domain/errors.ts";
import {
  canTransition,
  isTerminal,
  type Job,
  JobSchema,
  type JobStatus,
  timelineLimit,
} from "../../domain/job.ts";
import type { Clock } from "../../ports/clock.ts";
import type { JobPage, JobStore } from "../../ports/job-store.ts";
import { fromAwsError } from "./aws-errors.ts";
import { CursorPart, readAll, readPage } from "./dynamo-paging.ts";
import { itemParser, recordOps } from "./dynamo-records.ts";

const parseJob = itemParser(JobSchema, (item) => `job item ${String(item.jobId)}`);

/**
 * The timeline is kept in `timelineLimit` slot attributes (`tl00`…), the slot chosen by the new
 * version: one SET per transition, no read, and the oldest change overwritten once all are full
 * (a list could not be appended to and trimmed in one update expression).
 */
const slotPattern = /^tl\d{2}$/;
const slotOf = (version: number) => `tl${String(version % timelineLimit).padStart(2, "0")}`;

/** Parses an item read back from DynamoDB; a corrupt item is an error, never a cast. */
export function jobFromItem(item: Record<string, unknown>): Job {
  const slots: Array<Record<string, unknown>> = [];
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) {
    if (slotPattern.test(key) && value && typeof value === "object")
      slots.push(value as Record<string, unknown>);
    else rest[key] = value;
  }
  if (slots.length === 0) return parseJob(rest);
  slots.sort((a, b) => Number(a.version) - Number(b.version));
  const timeline = slots.map(({ version: _version, ...entry }) => entry);
  return parseJob({ ...rest, timeline });
}

/** A cursor of a scan of the table: its key alone. */
const tableCursor = v.strictObject({ jobId: CursorPart });
/** A cursor of the `by-status` index: the table's key and the index's, for this status only. */
const byStatusCursor = (status: JobStatus) =>
  v.strictObject({ jobId: CursorPart, status: v.literal(status), updatedAt: CursorPart });

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
  const records = recordOps({ doc, tableName, key: "jobId", noun: "job", parse: jobFromItem });
  const iso = () => new Date(clock.now()).toISOString();
  const page = async (...args: Parameters<typeof readPage<Job>>): Promise<JobPage> => {
    const { items, next } = await readPage(...args);
    return { jobs: items, ...(next ? { next } : {}) };
  };

  return {
    async create(job) {
      const { created, stored } = await records.createOnce(job, job.jobId);
      return { created, job: stored };
    },

    get: records.get,

    async transition(jobId, change) {
      const { from, to, expectedVersion } = change;
      if (!canTransition(from, to))
        throw new ConflictError(`job ${jobId}: ${from} → ${to} is not an allowed transition`);
      const { retentionSeconds } = options;
      // Only a finished job is left for DynamoDB's TTL to remove.
      const expiry =
        retentionSeconds !== undefined && isTerminal(to)
          ? { expiresAt: Math.floor(clock.now() / 1000) + retentionSeconds }
          : {};
      const at = iso();
      const entry = {
        at,
        from,
        to,
        version: expectedVersion + 1,
        ...(change.patch?.reason ? { reason: change.patch.reason } : {}),
        ...(change.patch?.instanceId ? { instanceId: change.patch.instanceId } : {}),
      };
      const patch = {
        ...change.patch,
        status: to,
        updatedAt: at,
        ...expiry,
        [slotOf(expectedVersion + 1)]: entry,
      };
      return records.update(jobId, expectedVersion, patch, {
        expect: { status: from },
        conflict: `job ${jobId} changed since it was read (expected ${from} at version ${expectedVersion})`,
      });
    },

    async list(query) {
      const paging = {
        limit: query.limit,
        cursor: query.cursor,
        parse: jobFromItem,
        action: "listing jobs",
      };
      if (query.status !== undefined) {
        const byStatus = {
          TableName: tableName,
          IndexName: "by-status",
          KeyConditionExpression: "#status = :status",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: { ":status": query.status },
          ScanIndexForward: false,
        };
        return page(
          doc,
          { query: byStatus },
          { ...paging, cursorShape: byStatusCursor(query.status) },
        );
      }
      const all = await page(
        doc,
        { scan: { TableName: tableName } },
        { ...paging, cursorShape: tableCursor },
      );
      all.jobs.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
      return all;
    },

    async listUpdatedBefore(query) {
      const oldestFirst = {
        TableName: tableName,
        IndexName: "by-status",
        KeyConditionExpression: "#s = :s AND #u < :before",
        ExpressionAttributeNames: { "#s": "status", "#u": "updatedAt" },
        ExpressionAttributeValues: { ":s": query.status, ":before": query.updatedBefore },
        ScanIndexForward: true,
      };
      return page(
        doc,
        { query: oldestFirst },
        {
          limit: query.limit,
          cursor: query.cursor,
          cursorShape: byStatusCursor(query.status),
          parse: jobFromItem,
          action: `listing ${query.status} jobs updated before ${query.updatedBefore}`,
        },
      );
    },

    async touchEnqueued(jobId, expectedVersion, at) {
      return records.update(
        jobId,
        expectedVersion,
        { lastEnqueuedAt: at, updatedAt: iso() },
        {
          expect: { status: "queued" },
          conflict: `job ${jobId} is no longer queued at version ${expectedVersion}`,
          action: `stamping the re-send of job ${jobId}`,
        },
      );
    },

    remove: records.remove,

    async byInstance(instanceId) {
      const byInstance = {
        TableName: tableName,
        IndexName: "by-instance",
        KeyConditionExpression: "instanceId = :id",
        ExpressionAttributeValues: { ":id": instanceId },
      };
      return readAll(
        doc,
        { query: byInstance },
        {
          parse: jobFromItem,
          action: `listing jobs of instance ${instanceId}`,
        },
      );
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
