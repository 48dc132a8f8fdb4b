import type { AuditRecord } from "../../domain/audit.ts";
import { ConflictError, ValidationError } from "../../domain/errors.ts";
import type { AuditStore } from "../../ports/audit-store.ts";
import { decodeKey, pageAfter } from "./cursor.ts";

/** AuditStore in process memory, newest first like the DynamoDB one; for tests and the simulator. */
export function createMemoryAuditStore(): AuditStore {
  const records = new Map<string, AuditRecord>();
  return {
    async append(record) {
      if (records.has(record.id)) throw new ConflictError(`audit record ${record.id} exists`);
      records.set(record.id, structuredClone(record));
    },
    async list(query) {
      const after = query.cursor === undefined ? undefined : decodeKey(query.cursor, 1);
      if (query.cursor !== undefined && !after) throw new ValidationError("invalid cursor");
      const sorted = [...records.values()].sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
      const out = pageAfter(sorted, (r) => [r.id], {
        limit: query.limit,
        descending: true,
        ...(after ? { after } : {}),
      });
      return {
        records: out.items.map((r) => structuredClone(r)),
        ...(out.next ? { next: out.next } : {}),
      };
    },
  };
}
