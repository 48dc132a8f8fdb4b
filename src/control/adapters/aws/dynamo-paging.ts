import {
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  type ScanCommandInput,
} from "@aws-sdk/lib-dynamodb";
import { ValidationError } from "../../domain/errors.ts";
import { fromAwsError } from "./aws-errors.ts";

/** Encodes a DynamoDB LastEvaluatedKey as an opaque URL-safe cursor. */
export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  if (!key) return undefined;
  return btoa(JSON.stringify(key)).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");
}

/** Decodes a cursor made by `encodeCursor`; returns undefined for anything malformed. */
export function decodeCursor(cursor: string | undefined): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  try {
    const json = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
    const value: unknown = JSON.parse(json);
    if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
    for (const v of Object.values(value))
      if (typeof v !== "string" && typeof v !== "number") return undefined;
    return value as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** A Query (with its key condition) or a Scan, minus the paging the helpers below add. */
export type ReadRequest =
  | { query: Omit<QueryCommandInput, "Limit" | "ExclusiveStartKey"> }
  | { scan: Omit<ScanCommandInput, "Limit" | "ExclusiveStartKey"> };

async function send(
  doc: DynamoDBDocumentClient,
  request: ReadRequest,
  page: { Limit?: number; ExclusiveStartKey?: Record<string, unknown> | undefined },
) {
  return "query" in request
    ? doc.send(new QueryCommand({ ...request.query, ...page }))
    : doc.send(new ScanCommand({ ...request.scan, ...page }));
}

/**
 * One page of a Query or Scan from an opaque cursor, items parsed; the cursor of the next page
 * when there is one. A cursor that does not decode is a ValidationError (the caller's mistake).
 */
export async function readPage<T>(
  doc: DynamoDBDocumentClient,
  request: ReadRequest,
  o: {
    limit: number;
    cursor?: string | undefined;
    parse(item: Record<string, unknown>): T;
    action: string;
  },
): Promise<{ items: T[]; next?: string }> {
  const startKey = decodeCursor(o.cursor);
  if (o.cursor !== undefined && startKey === undefined) throw new ValidationError("invalid cursor");
  try {
    const out = await send(doc, request, { Limit: o.limit, ExclusiveStartKey: startKey });
    const items = (out.Items ?? []).map(o.parse);
    const next = encodeCursor(out.LastEvaluatedKey);
    return { items, ...(next ? { next } : {}) };
  } catch (err) {
    throw fromAwsError(err, o.action);
  }
}

/** Every item a Query or Scan finds, page after page, parsed. */
export async function readAll<T>(
  doc: DynamoDBDocumentClient,
  request: ReadRequest,
  o: { parse(item: Record<string, unknown>): T; action: string },
): Promise<T[]> {
  const items: T[] = [];
  let start: Record<string, unknown> | undefined;
  try {
    do {
      const out = await send(doc, request, { ExclusiveStartKey: start });
      for (const item of out.Items ?? []) items.push(o.parse(item));
      start = out.LastEvaluatedKey;
    } while (start);
  } catch (err) {
    throw fromAwsError(err, o.action);
  }
  return items;
}
