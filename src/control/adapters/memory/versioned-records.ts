import { ConflictError } from "../../domain/errors.ts";
import { copyData } from "./copy.ts";

/**
 * Records keyed by id with an optimistic `version`, as the DynamoDB stores keep them: create
 * only when absent, replace and delete only at the version read (ConflictError otherwise), and
 * copies in and out so no caller ever holds a stored record. `indexBy` keeps them grouped by one
 * attribute as a DynamoDB index would (a listing by state reads that state's records, not all).
 */
export function versionedRecords<T extends { version: number }>(
  options: { indexBy?: (record: T) => string } = {},
) {
  const records = new Map<string, T>();
  const groups = new Map<string, Map<string, T>>();
  const { indexBy } = options;
  const set = (id: string, record: T) => {
    if (indexBy) {
      const before = records.get(id);
      if (before) groups.get(indexBy(before))?.delete(id);
      const key = indexBy(record);
      const group = groups.get(key) ?? new Map<string, T>();
      groups.set(key, group);
      group.set(id, record);
    }
    records.set(id, record);
  };
  const unset = (id: string) => {
    const before = records.get(id);
    if (before && indexBy) groups.get(indexBy(before))?.delete(id);
    records.delete(id);
  };
  const store = (id: string, record: T) => {
    const copy = copyData(record);
    set(id, copy);
    return copyData(copy);
  };

  return {
    /** A copy of the record, or null. */
    get(id: string): T | null {
      const record = records.get(id);
      return record ? copyData(record) : null;
    },

    /** The stored record itself, for checks and filters; never hand it to a caller. */
    peek(id: string): Readonly<T> | undefined {
      return records.get(id);
    },

    /** Every stored record, for filters and sorting; copy what leaves the store. */
    all(): readonly Readonly<T>[] {
      return [...records.values()];
    },

    /** The stored records whose `indexBy` is `key`; only for records kept with an index. */
    grouped(key: string): readonly Readonly<T>[] {
      if (!indexBy) throw new Error("these records are kept without an index");
      const group = groups.get(key);
      return group ? [...group.values()] : [];
    },

    /** Stores a copy of `record` unless `id` is taken; either way returns what is stored. */
    create(id: string, record: T): { created: boolean; stored: T } {
      const existing = records.get(id);
      if (existing) return { created: false, stored: copyData(existing) };
      set(id, copyData(record));
      return { created: true, stored: copyData(record) };
    },

    /**
     * Replaces the record with `next(current)` when it is at `expectedVersion`. What is stored
     * is a copy; what comes back is `next`'s own result, which shares parts only with the record
     * it replaced (no longer stored) and with what the caller passed in: one copy, not two.
     */
    replace(id: string, expectedVersion: number, conflict: string, next: (current: T) => T): T {
      const current = records.get(id);
      if (current?.version !== expectedVersion) throw new ConflictError(conflict);
      const record = next(current);
      set(id, copyData(record));
      return record;
    },

    /** Writes `record` when the stored version is `expectedVersion`, 0 meaning "not stored yet". */
    put(id: string, expectedVersion: number, conflict: string, record: T): T {
      if ((records.get(id)?.version ?? 0) !== expectedVersion) throw new ConflictError(conflict);
      return store(id, record);
    },

    /** Deletes the record when it is at `expectedVersion`. */
    remove(id: string, expectedVersion: number, conflict: string): void {
      if (records.get(id)?.version !== expectedVersion) throw new ConflictError(conflict);
      unset(id);
    },

    /** Changes a stored record in place without a version check (heartbeats). */
    touch(id: string, change: (current: T) => T): void {
      const current = records.get(id);
      if (current) set(id, change(current));
    },

    /** Number of stored records. */
    size: () => records.size,
  };
}

/** Applies a patch as the DynamoDB stores do: undefined leaves a field alone, null clears it. */
export function patched<T extends object>(record: T, patch: object): T {
  const out = { ...record } as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch)) if (value !== undefined) out[key] = value;
  return out as T;
}
