import { ConflictError } from "../../domain/errors.ts";
import { copyData } from "./copy.ts";

/**
 * Records keyed by id with an optimistic `version`, as the DynamoDB stores keep them: create
 * only when absent, replace and delete only at the version read (ConflictError otherwise), and
 * copies in and out so no caller ever holds a stored record.
 */
export function versionedRecords<T extends { version: number }>() {
  const records = new Map<string, T>();
  const store = (id: string, record: T) => {
    const copy = copyData(record);
    records.set(id, copy);
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

    /** Stores a copy of `record` unless `id` is taken; either way returns what is stored. */
    create(id: string, record: T): { created: boolean; stored: T } {
      const existing = records.get(id);
      if (existing) return { created: false, stored: copyData(existing) };
      records.set(id, copyData(record));
      return { created: true, stored: copyData(record) };
    },

    /** Replaces the record with `next(current)` when it is at `expectedVersion`; a copy back. */
    replace(id: string, expectedVersion: number, conflict: string, next: (current: T) => T): T {
      const current = records.get(id);
      if (current?.version !== expectedVersion) throw new ConflictError(conflict);
      return store(id, next(current));
    },

    /** Writes `record` when the stored version is `expectedVersion`, 0 meaning "not stored yet". */
    put(id: string, expectedVersion: number, conflict: string, record: T): T {
      if ((records.get(id)?.version ?? 0) !== expectedVersion) throw new ConflictError(conflict);
      return store(id, record);
    },

    /** Deletes the record when it is at `expectedVersion`. */
    remove(id: string, expectedVersion: number, conflict: string): void {
      if (records.get(id)?.version !== expectedVersion) throw new ConflictError(conflict);
      records.delete(id);
    },

    /** Changes a stored record in place without a version check (heartbeats). */
    touch(id: string, change: (current: T) => T): void {
      const current = records.get(id);
      if (current) records.set(id, change(current));
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
