import { DeleteCommand, type DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { ConflictError, FleetError } from "../../domain/errors.ts";
import { fromAwsError, isConditionalCheckFailed } from "./aws-errors.ts";

/**
 * Builds `SET a = :a, … REMOVE b` from a patch: null removes the attribute (so index keys are
 * never NULL), undefined leaves it alone.
 */
export function updateExpression(patch: Record<string, unknown>): {
  expression: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
} {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  const removes: string[] = [];
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    names[`#${key}`] = key;
    if (value === null) removes.push(`#${key}`);
    else {
      values[`:${key}`] = value;
      sets.push(`#${key} = :${key}`);
    }
  }
  const parts = [];
  if (sets.length) parts.push(`SET ${sets.join(", ")}`);
  if (removes.length) parts.push(`REMOVE ${removes.join(", ")}`);
  return { expression: parts.join(" "), names, values };
}

/**
 * Sends a conditional write: its output, or null when the condition did not hold. Any other
 * failure becomes a FleetError naming `action` ("updating job 1") and saying if a retry helps.
 */
export async function conditionalSend<T>(
  write: () => Promise<T>,
  action: string,
): Promise<T | null> {
  try {
    return await write();
  } catch (err) {
    if (isConditionalCheckFailed(err)) return null;
    throw fromAwsError(err, action);
  }
}

/** The condition "`version` is still `expectedVersion` and each attribute of `expect` holds its value". */
function versionCondition(expectedVersion: number, expect: Record<string, string> = {}) {
  const names: Record<string, string> = { "#version": "version" };
  const values: Record<string, unknown> = { ":was_version": expectedVersion };
  const terms = ["#version = :was_version"];
  for (const [key, value] of Object.entries(expect)) {
    names[`#${key}`] = key;
    values[`:was_${key}`] = value;
    terms.push(`#${key} = :was_${key}`);
  }
  return { expression: terms.join(" AND "), names, values };
}

/** What a versioned write changes and how its failure reads. */
export interface VersionedWrite {
  /** The item's key, e.g. `{ jobId: "1" }`. */
  key: Record<string, string>;
  expectedVersion: number;
  /** Further attributes that must still hold these values (a job's `status`). */
  expect?: Record<string, string>;
  /** The ConflictError's message when the item moved on (or does not exist). */
  conflict: string;
  /** What is being done, for any other failure ("updating job 1"). */
  action: string;
}

/**
 * The one optimistic update every store makes: applies `patch` (null removes, undefined keeps)
 * and `version = expectedVersion + 1` when the item is still at `expectedVersion`, and returns
 * the item as stored afterwards; ConflictError when another writer got there first.
 */
export async function versionedUpdate(
  doc: DynamoDBDocumentClient,
  tableName: string,
  write: VersionedWrite & { patch: Record<string, unknown> },
): Promise<Record<string, unknown>> {
  const set = updateExpression({ ...write.patch, version: write.expectedVersion + 1 });
  const when = versionCondition(write.expectedVersion, write.expect);
  const out = await conditionalSend(
    () =>
      doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: write.key,
          UpdateExpression: set.expression,
          ConditionExpression: when.expression,
          ExpressionAttributeNames: { ...set.names, ...when.names },
          ExpressionAttributeValues: { ...set.values, ...when.values },
          ReturnValues: "ALL_NEW",
        }),
      ),
    write.action,
  );
  if (!out) throw new ConflictError(write.conflict);
  if (!out.Attributes)
    throw new FleetError("aws.empty", `${write.action} returned nothing`, { retryable: true });
  return out.Attributes;
}

/** Deletes the item only while it is still at `expectedVersion`; ConflictError otherwise. */
export async function versionedDelete(
  doc: DynamoDBDocumentClient,
  tableName: string,
  write: VersionedWrite,
): Promise<void> {
  const when = versionCondition(write.expectedVersion, write.expect);
  const out = await conditionalSend(
    () =>
      doc.send(
        new DeleteCommand({
          TableName: tableName,
          Key: write.key,
          ConditionExpression: when.expression,
          ExpressionAttributeNames: when.names,
          ExpressionAttributeValues: when.values,
        }),
      ),
    write.action,
  );
  if (!out) throw new ConflictError(write.conflict);
}
