import { type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import * as v from "valibot";
import { FleetError } from "../../domain/errors.ts";
import { fromAwsError } from "./aws-errors.ts";
import { conditionalSend, versionedDelete, versionedUpdate } from "./dynamo-update.ts";

/**
 * A parser for items read back from DynamoDB: a corrupt item is an error naming it
 * (`describe(item)`, e.g. "job item 7"), never a cast.
 */
export function itemParser<S extends v.GenericSchema<unknown, Record<string, unknown>>>(
  schema: S,
  describe: (item: Record<string, unknown>) => string,
  code = "corrupt_item",
): (item: Record<string, unknown>) => v.InferOutput<S> {
  return (item) => {
    const parsed = v.safeParse(schema, item);
    if (parsed.success) return parsed.output;
    throw new FleetError(code, `${describe(item)} is invalid: ${v.summarize(parsed.issues)}`);
  };
}

/** Drops null and undefined attributes: DynamoDB index keys may not be NULL, and absent reads as null. */
function compactItem(value: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(value)) if (val !== null && val !== undefined) out[k] = val;
  return out;
}

/**
 * The record operations the versioned stores share: a consistent read parsed into our type, a
 * create that never overwrites (a duplicate returns what is stored), and the versioned update
 * and delete of `dynamo-update.ts` keyed by the table's hash key.
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
  const { doc, tableName } = o;
  const get = async (id: string): Promise<T | null> => {
    try {
      const out = await doc.send(
        new GetCommand({ TableName: tableName, Key: { [o.key]: id }, ConsistentRead: true }),
      );
      return out.Item ? o.parse(out.Item) : null;
    } catch (err) {
      throw fromAwsError(err, `reading ${o.noun} ${id}`);
    }
  };

  const createOnce = async (record: T, id: string): Promise<{ created: boolean; stored: T }> => {
    const put = new PutCommand({
      TableName: tableName,
      Item: compactItem(record),
      ConditionExpression: `attribute_not_exists(${o.key})`,
    });
    if (await conditionalSend(() => doc.send(put), `creating ${o.noun} ${id}`))
      return { created: true, stored: record };
    const existing = await get(id);
    // It existed a moment ago; gone now means a concurrent delete: let the caller try again.
    if (!existing)
      throw new FleetError("conflict", `${o.noun} ${id} vanished after a duplicate create`, {
        retryable: true,
      });
    return { created: false, stored: existing };
  };

  /** Patches the record at `expectedVersion` (also checking `expect`); the record after. */
  const update = async (
    id: string,
    expectedVersion: number,
    patch: Record<string, unknown>,
    how: { conflict: string; action?: string; expect?: Record<string, string> },
  ): Promise<T> => {
    const item = await versionedUpdate(doc, tableName, {
      key: { [o.key]: id },
      expectedVersion,
      patch,
      conflict: how.conflict,
      action: how.action ?? `updating ${o.noun} ${id}`,
      ...(how.expect ? { expect: how.expect } : {}),
    });
    return o.parse(item);
  };

  /** Deletes the record only at `expectedVersion`. */
  const remove = (id: string, expectedVersion: number): Promise<void> =>
    versionedDelete(doc, tableName, {
      key: { [o.key]: id },
      expectedVersion,
      conflict: `${o.noun} ${id} changed since version ${expectedVersion}`,
      action: `deleting ${o.noun} ${id}`,
    });

  return { get, createOnce, update, remove };
}
