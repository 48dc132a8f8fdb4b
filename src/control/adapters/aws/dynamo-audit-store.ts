import type { CreateTableCommandInput, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import * as v from "valibot";
import { type AuditRecord, AuditRecordSchema } from "../../domain/audit.ts";
import { ConflictError } from "../../domain/errors.ts";
import type { AuditStore } from "../../ports/audit-store.ts";
import { CursorPart, readPage } from "./dynamo-paging.ts";
import { itemParser } from "./dynamo-records.ts";
import { conditionalSend } from "./dynamo-update.ts";

/** Every record shares one partition of the `by-time` index: admin actions are rare. */
const scope = "audit";
/** The attribute DynamoDB's TTL reads (epoch seconds). */
export const auditTtlAttribute = "expiresAt";

/** The audit table: key `id`; index `by-time` (one partition, ids in time order). */
export function auditTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [
      { AttributeName: "id", AttributeType: "S" },
      { AttributeName: "scope", AttributeType: "S" },
    ],
    KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
    GlobalSecondaryIndexes: [
      {
        IndexName: "by-time",
        KeySchema: [
          { AttributeName: "scope", KeyType: "HASH" },
          { AttributeName: "id", KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: "ALL" },
      },
    ],
  };
}

const parseRecord = itemParser(AuditRecordSchema, (item) => `audit item ${String(item.id)}`);
/** Before and after are kept as JSON text: any shape, never a DynamoDB type surprise. */
const fromJson = (text: unknown) => (typeof text === "string" ? JSON.parse(text) : null);
const toJson = (value: unknown) =>
  value === null || value === undefined ? undefined : JSON.stringify(value);
const cursorShape = v.strictObject({ id: CursorPart, scope: v.literal(scope) });

/** AuditStore on a DynamoDB table; each record expires `retentionSeconds` after it was written. */
export function createDynamoAuditStore(options: {
  client: DynamoDBClient;
  tableName: string;
  retentionSeconds: number;
}): AuditStore {
  const { tableName } = options;
  const doc = DynamoDBDocumentClient.from(options.client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const read = (item: Record<string, unknown>): AuditRecord =>
    parseRecord({ ...item, before: fromJson(item.before), after: fromJson(item.after) });

  return {
    async append(record) {
      const at = Date.parse(record.at);
      const item = {
        ...record,
        before: toJson(record.before),
        after: toJson(record.after),
        error: record.error ?? undefined,
        scope,
        [auditTtlAttribute]: Math.floor(at / 1000) + options.retentionSeconds,
      };
      const put = new PutCommand({
        TableName: tableName,
        Item: item,
        ConditionExpression: "attribute_not_exists(id)",
      });
      if (!(await conditionalSend(() => doc.send(put), `writing audit record ${record.id}`)))
        throw new ConflictError(`audit record ${record.id} exists`);
    },
    async list(query) {
      const { items, next } = await readPage(
        doc,
        {
          query: {
            TableName: tableName,
            IndexName: "by-time",
            KeyConditionExpression: "#scope = :scope",
            ExpressionAttributeNames: { "#scope": "scope" },
            ExpressionAttributeValues: { ":scope": scope },
            ScanIndexForward: false,
          },
        },
        {
          limit: query.limit,
          cursor: query.cursor,
          cursorShape,
          parse: read,
          action: "listing the audit log",
        },
      );
      return { records: items, ...(next ? { next } : {}) };
    },
  };
}
