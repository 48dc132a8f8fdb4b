/**
 * Page cursors of the in-memory stores: the sort key of the last item handed out, opaque to
 * callers (URL-safe base64 of JSON), as DynamoDB's LastEvaluatedKey is for the AWS stores.
 */
export function encodeKey(key: readonly string[]): string {
  const bytes = new TextEncoder().encode(JSON.stringify(key));
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");
}

/** Longest part a cursor may carry, as the DynamoDB stores' cursors are bounded. */
export const maxKeyPartChars = 256;

/** Decodes a cursor made by `encodeKey`; undefined for anything malformed or oversized. */
export function decodeKey(cursor: string, length: number): string[] | undefined {
  // Checked before decoding: a cursor longer than any key we hand out is not one of ours.
  if (cursor.length > 4 * length * maxKeyPartChars) return undefined;
  try {
    const binary = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    const value: unknown = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    if (!Array.isArray(value) || value.length !== length) return undefined;
    const parts = value.filter((part): part is string => typeof part === "string");
    const fits = parts.length === length && parts.every((p) => p.length <= maxKeyPartChars);
    return fits ? parts : undefined;
  } catch {
    return undefined;
  }
}

/** Compares sort keys part by part (ISO timestamps and ids compare as strings). */
export function compareKeys(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] ?? "";
    const y = b[i] ?? "";
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/**
 * One page of `items` (already in page order) after the cursor's key. `keyOf` gives each item's
 * sort key; `descending` says which way the order runs, so "after" means "further along".
 */
export function pageAfter<T>(
  items: readonly T[],
  keyOf: (item: T) => string[],
  options: { limit: number; after?: string[]; descending: boolean },
): { items: T[]; next?: string } {
  const { after, descending } = options;
  const rest =
    after === undefined
      ? items
      : items.filter((item) => {
          const c = compareKeys(keyOf(item), after);
          return descending ? c < 0 : c > 0;
        });
  const page = rest.slice(0, Math.max(0, options.limit));
  const last = page.at(-1);
  return rest.length > page.length && last !== undefined
    ? { items: page, next: encodeKey(keyOf(last)) }
    : { items: page };
}
