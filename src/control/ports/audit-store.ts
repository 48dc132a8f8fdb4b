import type { AuditRecord } from "../domain/audit.ts";

/** A page of audit records, newest first. */
export interface AuditPage {
  records: AuditRecord[];
  /** Opaque cursor of the next page; absent on the last one. */
  next?: string;
}

/** The audit trail of admin actions (DynamoDB, kept 90 days by TTL). */
export interface AuditStore {
  /** Stores one record; ids are unique, so a record is never overwritten. */
  append(record: AuditRecord): Promise<void>;
  /** Records newest first. */
  list(query: { limit: number; cursor?: string }): Promise<AuditPage>;
}
