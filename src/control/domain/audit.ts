import * as v from "valibot";

/** How an audited action ended. */
export const AuditOutcomeSchema = v.picklist(["succeeded", "refused", "failed"]);
export type AuditOutcome = v.InferOutput<typeof AuditOutcomeSchema>;

/** One audit record: who did what to which target, the state before and after, how it ended. */
export const AuditRecordSchema = v.object({
  /** Time-ordered: the ISO time, then a random suffix, so ids sort as the records happened. */
  id: v.string(),
  at: v.string(),
  /** `token` (the admin token), `session` (the dashboard, signed in with the token) or `github:<login>`. */
  actor: v.string(),
  action: v.string(),
  target: v.string(),
  before: v.optional(v.nullable(v.unknown()), null),
  after: v.optional(v.nullable(v.unknown()), null),
  requestId: v.string(),
  outcome: AuditOutcomeSchema,
  /** Why a refused or failed action did not happen. */
  error: v.optional(v.nullable(v.string()), null),
});
export type AuditRecord = v.InferOutput<typeof AuditRecordSchema>;

/** The default retention of audit records: 90 days. */
export const auditRetentionSeconds = 90 * 24 * 3600;

/** A time-ordered audit id for `at` (ms): the ISO time and 8 random hex digits. */
export function auditId(at: number, random: () => number = Math.random): string {
  const suffix = Math.floor(random() * 0x1_0000_0000)
    .toString(16)
    .padStart(8, "0");
  return `${new Date(at).toISOString()}-${suffix}`;
}
