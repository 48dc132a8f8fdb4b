import {
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  type ScanCommandInput,
} from "@aws-sdk/lib-dynamodb";
import * as v from "valibot";
import { ValidationError } from "../../domain/errors.ts";
import { fromAwsError } from "./aws-errors.ts";

/** A key attribute in a cursor: a non-empty string, short enough for any key of ours. */
export const CursorPart = v.pipe(v.string(), v.minLength(1), v.maxLength(256));

/**
 * What one list's cursor may hold: exactly the key attributes that list pages by (the table's key,
 * plus the index's when it reads an index), each checked; build it with `v.strictObject`.
 */
export type CursorShape = v.GenericSchema<unknown, Record<string, string>>;

/** Encodes a DynamoDB LastEvaluatedKey as an opaque URL-safe cursor (base64url of JSON). */
export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  if (!key) return undefined;
  const bytes = new TextEncoder().encode(JSON.stringify(key));
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");
}

/**
 * Decodes a cursor made by `encodeCursor` for the list `shape` describes. Anything else (not
 * base64url JSON, another list's cursor, a forged key) is a ValidationError that says so: a start
 * key DynamoDB would refuse must never reach it.
 */
export function decodeCursor(
  cursor: string | undefined,
  shape: CursorShape,
): Record<string, string> | undefined {
  if (cursor === undefined || cursor === "") return undefined;
  let value: unknown;
  try {
    const binary = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw new ValidationError("invalid cursor: not a cursor this API handed out");
  }
  const parsed = v.safeParse(shape, value);
  if (!parsed.success) {
    throw new ValidationError(
      "invalid cursor: it does not belong to this list (use the `next` of the same query)",
    );
  }
  return parsed.output;
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
 * when there is one. A cursor that is not one of this read's is a ValidationError (the caller's
 * mistake, answered 400), checked before anything is sent.
 */
export async function readPage<T>(
  doc: DynamoDBDocumentClient,
  request: ReadRequest,
  o: {
    limit: number;
    cursor?: string | undefined;
    /** The key attributes this read pages by; a cursor holding anything else is refused. */
    cursorShape: CursorShape;
    parse(item: Record<string, unknown>): T;
    action: string;
  },
): Promise<{ items: T[]; next?: string }> {
  const startKey = decodeCursor(o.cursor, o.cursorShape);
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
