import type { Clock } from "../../ports/clock.ts";
import type { JobQueue } from "../../ports/job-queue.ts";
import { systemClock } from "../clock.ts";
import { createDedupWindow } from "./dedup-window.ts";
import { parseJobBody } from "./job-body.ts";
import { createMessageQueue } from "./message-queue.ts";

export interface MemoryJobQueueOptions {
  /** Time for visibility and delays (waiting itself uses timers). Default: the wall clock. */
  clock?: Clock;
  /** FIFO semantics: deduplication ids, one in-flight message per job (group). */
  fifo?: boolean;
  /** Visibility timeout when a receive names none (SQS's default is 30 s). */
  visibilitySeconds?: number;
}

/**
 * JobQueue in process memory with SQS's semantics: at-least-once delivery in send order, a new
 * receipt per receive, visibility timeouts, long polling, per-message delays on standard
 * queues, and on FIFO queues deduplication and one message in flight per group. Bodies are
 * stored as JSON and validated on receive, as the SQS adapter does.
 */
export function createMemoryJobQueue(options: MemoryJobQueueOptions = {}): JobQueue & {
  /** Sends a raw body, as a foreign producer could (poison-message tests). */
  sendRaw(body: string, group?: string): string;
  /** Messages held: visible now, and hidden (in flight or delayed). */
  depth(): { visible: number; hidden: number };
} {
  const clock = options.clock ?? systemClock;
  const fifo = options.fifo ?? false;
  const queue = createMessageQueue({
    clock,
    fifo,
    visibilitySeconds: options.visibilitySeconds ?? 30,
    noun: "a job message",
  });
  const dedup = createDedupWindow(clock);

  return {
    async send(message, opts = {}) {
      const body = JSON.stringify(message);
      const traceparent = opts.traceparent ?? null;
      if (!fifo) {
        const delayMs = (opts.delaySeconds ?? 0) * 1000;
        return queue.enqueue(body, { traceparent, group: null, delayMs });
      }
      const dedupId = opts.dedupId ?? `${message.jobId}-${message.retryCount}`;
      const earlier = dedup.earlier(dedupId);
      if (earlier !== undefined) return earlier;
      // FIFO queues take no per-message delay, as with the SQS adapter.
      const id = queue.enqueue(body, { traceparent, group: message.jobId, delayMs: 0 });
      dedup.remember(dedupId, id);
      return id;
    },

    async receive(opts) {
      const got = await queue.receive(opts);
      return got.map((m) => ({
        ...parseJobBody(m.body),
        receipt: m.receipt,
        messageId: m.id,
        receiveCount: m.receiveCount,
        traceparent: m.traceparent,
      }));
    },

    delete: queue.delete,

    retryLater: queue.retryLater,

    async ping() {},

    approximateDepth: async () => queue.depth().visible,

    sendRaw(body, group) {
      const attrs = { traceparent: null, group: fifo ? (group ?? "raw") : null, delayMs: 0 };
      return queue.enqueue(body, attrs);
    },

    depth: () => queue.depth(),
  };
}
