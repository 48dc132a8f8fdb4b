/**
 * A deep copy of plain record data (objects, arrays, primitives), what the in-memory stores hand
 * in and out so no caller holds a stored record. Records are plain data, so walking them is far
 * cheaper than `structuredClone`'s general algorithm; anything else (a Date, a Map) still goes
 * through `structuredClone`.
 */
export function copyData<T>(value: T): T {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map(copyData) as T;
  if (Object.getPrototypeOf(value) !== Object.prototype) return structuredClone(value);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value))
    out[key] = copyData((value as Record<string, unknown>)[key]);
  return out as T;
}
