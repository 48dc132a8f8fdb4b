import type { Clock } from "../../ports/clock.ts";
import type { EventQueue } from "../../ports/event-queue.ts";
import { systemClock } from "../clock.ts";
import { createMessageQueue } from "./message-queue.ts";

/**
 * EventQueue in process memory with the SQS adapter's semantics (a standard queue): delivery in
 * send order, a new receipt and a higher receive count per receive, visibility timeouts, long
 * polling, hand-backs. Bodies are kept as sent; the consumer validates them, as with SQS.
 */
export function createMemoryEventQueue(
  options: {
    /** Time for visibility (waiting itself uses timers). Default: the wall clock. */
    clock?: Clock;
    /** Visibility timeout when a receive names none (SQS's default is 30 s). */
    visibilitySeconds?: number;
  } = {},
): EventQueue & {
  /** Messages held: visible now, and hidden (in flight). */
  depth(): { visible: number; hidden: number };
} {
  const queue = createMessageQueue({
    clock: options.clock ?? systemClock,
    fifo: false,
    visibilitySeconds: options.visibilitySeconds ?? 30,
    noun: "an event",
  });
  // Attributes by message id, kept beside the shared queue (which knows only traceparents).
  const attributesOf = new Map<string, Readonly<Record<string, string>>>();
  const receiptOwner = new Map<string, string>();
  return {
    async send(body, attributes) {
      const id = queue.enqueue(body, { traceparent: null, group: null, delayMs: 0 });
      if (attributes && Object.keys(attributes).length > 0) attributesOf.set(id, { ...attributes });
    },
    async receive(opts) {
      const got = await queue.receive(opts);
      return got.map((m) => {
        const attributes = attributesOf.get(m.id);
        if (attributes) receiptOwner.set(m.receipt, m.id);
        return {
          body: m.body,
          receipt: m.receipt,
          messageId: m.id,
          receiveCount: m.receiveCount,
          ...(attributes ? { attributes } : {}),
        };
      });
    },
    async delete(receipt) {
      await queue.delete(receipt);
      const id = receiptOwner.get(receipt);
      receiptOwner.delete(receipt);
      // Gone only if this receipt was current: an outdated one deletes nothing, as in SQS.
      if (id !== undefined && !queue.holds(id)) attributesOf.delete(id);
    },
    retryLater: queue.retryLater,
    approximateDepth: async () => queue.depth().visible,
    depth: () => queue.depth(),
  };
}
