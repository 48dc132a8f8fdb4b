import { FleetError } from "./errors.ts";

/** One slot's share of a batched launch: its instance, or its own error. */
export type SlotOutcome<I> = { ok: true; instance: I } | { ok: false; error: FleetError };

/**
 * Matches a batched launch's answer back to the slots that asked: each slot gets the instance or
 * the error listed under its id; a slot the answer does not mention gets a retryable error.
 */
export function settleSlots<I extends { slotId: string }>(
  slotIds: readonly string[],
  result: { instances: readonly I[]; errors: readonly { slotId: string; error: FleetError }[] },
): Map<string, SlotOutcome<I>> {
  const out = new Map<string, SlotOutcome<I>>();
  for (const e of result.errors) out.set(e.slotId, { ok: false, error: e.error });
  for (const i of result.instances) out.set(i.slotId, { ok: true, instance: i });
  for (const id of slotIds) {
    if (!out.has(id)) {
      const error = new FleetError("no_answer", `the launch answered nothing for slot ${id}`, {
        retryable: true,
      });
      out.set(id, { ok: false, error });
    }
  }
  return out;
}

/** The error every waiting slot gets when the whole batched call failed. */
export function batchFailure(err: unknown): FleetError {
  if (err instanceof FleetError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new FleetError("launch_failed", `batched launch failed: ${message}`, {
    retryable: true,
    cause: err,
  });
}
