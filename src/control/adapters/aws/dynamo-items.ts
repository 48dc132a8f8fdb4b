/** Drops null and undefined attributes: DynamoDB index keys may not be NULL, and absent reads as null. */
export function compactItem<T extends object>(value: T): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = v;
  return out;
}

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
