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
  return {
    async send(body) {
      queue.enqueue(body, { traceparent: null, group: null, delayMs: 0 });
    },
    async receive(opts) {
      const got = await queue.receive(opts);
      return got.map((m) => ({
        body: m.body,
        receipt: m.receipt,
        messageId: m.id,
        receiveCount: m.receiveCount,
      }));
    },
    delete: queue.delete,
    retryLater: queue.retryLater,
    depth: () => queue.depth(),
  };
}
