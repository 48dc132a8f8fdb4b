import { describe, expect, it } from "vitest";
import { type AuditRecord, auditId } from "../../src/control/domain/audit.ts";
import { ConflictError, ValidationError } from "../../src/control/domain/errors.ts";
import type { AuditStore } from "../../src/control/ports/audit-store.ts";

const t0 = Date.UTC(2026, 0, 1);

function record(n: number, overrides: Partial<AuditRecord> = {}): AuditRecord {
  const at = t0 + n * 1000;
  return {
    id: auditId(at, () => n / 100),
    at: new Date(at).toISOString(),
    actor: "token",
    action: "circuit.reset",
    target: `c7g.large`,
    before: { state: "open", interruptions: [1, 2] },
    after: { state: "closed" },
    requestId: `req-${n}`,
    outcome: "succeeded",
    error: null,
    ...overrides,
  };
}

/** What every AuditStore does; `make` returns an empty store. */
export function auditStoreContract(name: string, make: () => Promise<AuditStore>) {
  describe(`${name}: audit store contract`, () => {
    it("lists records newest first, page by page, as written", async () => {
      const store = await make();
      for (const n of [2, 0, 3, 1]) await store.append(record(n));
      await store.append(
        record(4, { outcome: "refused", error: "no such job", before: null, after: null }),
      );
      const first = await store.list({ limit: 3 });
      expect(first.records.map((r) => r.requestId)).toEqual(["req-4", "req-3", "req-2"]);
      expect(first.records[0]).toEqual(
        record(4, { outcome: "refused", error: "no such job", before: null, after: null }),
      );
      expect(first.records[1]).toEqual(record(3));
      expect(first.next).toBeDefined();
      const rest = await store.list({ limit: 3, ...(first.next ? { cursor: first.next } : {}) });
      expect(rest.records.map((r) => r.requestId)).toEqual(["req-1", "req-0"]);
    });

    it("never overwrites a record, and refuses a cursor it did not hand out", async () => {
      const store = await make();
      await store.append(record(1));
      await expect(store.append(record(1, { actor: "someone else" }))).rejects.toBeInstanceOf(
        ConflictError,
      );
      expect((await store.list({ limit: 10 })).records).toEqual([record(1)]);
      await expect(store.list({ limit: 1, cursor: "not-a-cursor" })).rejects.toBeInstanceOf(
        ValidationError,
      );
    });
  });
}
