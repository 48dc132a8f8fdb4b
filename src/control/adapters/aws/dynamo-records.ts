import { type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { FleetError } from "../../domain/errors.ts";
import { fromAwsError, isConditionalCheckFailed } from "./aws-errors.ts";
import { compactItem } from "./dynamo-items.ts";

/**
 * The two record operations every store shares: a consistent read parsed into our type, and a
 * create that never overwrites (a duplicate returns what is stored).
 */
export function recordOps<T extends object>(o: {
  doc: DynamoDBDocumentClient;
  tableName: string;
  /** The table's string hash key. */
  key: string;
  /** What one record is called in error messages ("job", "instance"). */
  noun: string;
  parse(item: Record<string, unknown>): T;
}) {
  const get = async (id: string): Promise<T | null> => {
    try {
      const out = await o.doc.send(
        new GetCommand({ TableName: o.tableName, Key: { [o.key]: id }, ConsistentRead: true }),
      );
      return out.Item ? o.parse(out.Item) : null;
    } catch (err) {
      throw fromAwsError(err, `reading ${o.noun} ${id}`);
    }
  };
  const createOnce = async (record: T, id: string): Promise<{ created: boolean; stored: T }> => {
    try {
      await o.doc.send(
        new PutCommand({
          TableName: o.tableName,
          Item: compactItem(record),
          ConditionExpression: `attribute_not_exists(${o.key})`,
        }),
      );
      return { created: true, stored: record };
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw fromAwsError(err, `creating ${o.noun} ${id}`);
    }
    const existing = await get(id);
    // It existed a moment ago; gone now means a concurrent delete: let the caller try again.
    if (!existing)
      throw new FleetError("conflict", `${o.noun} ${id} vanished after a duplicate create`, {
        retryable: true,
      });
    return { created: false, stored: existing };
  };
  return { get, createOnce };
}
