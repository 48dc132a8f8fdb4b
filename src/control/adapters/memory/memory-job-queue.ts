import { FleetError } from "../../domain/errors.ts";
import type { Clock } from "../../ports/clock.ts";
import type { JobQueue, ReceivedJob } from "../../ports/job-queue.ts";
import { systemClock } from "../clock.ts";
import { createDedupWindow } from "./dedup-window.ts";
import { parseJobBody } from "./job-body.ts";

interface Stored {
  id: string;
  body: string;
  traceparent: string | null;
  group: string | null;
  /** Ms since the epoch from which a receive may hand it out. */
  visibleAt: number;
  receipt: string | null;
  receiveCount: number;
}

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
  const defaultVisibilityMs = (options.visibilitySeconds ?? 30) * 1000;
  const messages = new Map<string, Stored>();
  const receipts = new Map<string, string>();
  const dedup = createDedupWindow(clock);
  const waiters = new Set<() => void>();

  const wake = () => {
    for (const w of [...waiters]) w();
  };

  const enqueue = (
    body: string,
    attrs: { traceparent: string | null; group: string | null; delayMs: number },
  ) => {
    const id = crypto.randomUUID();
    messages.set(id, {
      id,
      body,
      traceparent: attrs.traceparent,
      group: attrs.group,
      visibleAt: clock.now() + attrs.delayMs,
      receipt: null,
      receiveCount: 0,
    });
    wake();
    return id;
  };

  const take = (max: number, visibilityMs: number): ReceivedJob[] => {
    const now = clock.now();
    const blocked = new Set<string>();
    const out: ReceivedJob[] = [];
    for (const m of messages.values()) {
      if (out.length >= max) break;
      const inFlight = m.visibleAt > now;
      // FIFO: the oldest message of a group goes first, and nothing else of it while it is out.
      if (fifo && m.group !== null) {
        if (blocked.has(m.group)) continue;
        blocked.add(m.group);
      }
      if (inFlight) continue;
      if (m.receipt) receipts.delete(m.receipt);
      m.receipt = crypto.randomUUID();
      m.receiveCount += 1;
      m.visibleAt = now + visibilityMs;
      receipts.set(m.receipt, m.id);
      out.push({
        ...parseJobBody(m.body),
        receipt: m.receipt,
        messageId: m.id,
        receiveCount: m.receiveCount,
        traceparent: m.traceparent,
      });
    }
    return out;
  };

  /** Resolves when something may have changed: a send, a hand-back, or a hidden message's time. */
  const pause = () =>
    new Promise<void>((resolve) => {
      const now = clock.now();
      let next = Number.POSITIVE_INFINITY;
      for (const m of messages.values()) if (m.visibleAt > now) next = Math.min(next, m.visibleAt);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = () => {
        clearTimeout(timer);
        waiters.delete(done);
        resolve();
      };
      if (Number.isFinite(next)) timer = setTimeout(done, Math.max(1, next - now));
      waiters.add(done);
    });

  return {
    async send(message, opts = {}) {
      const body = JSON.stringify(message);
      if (!fifo) {
        const delayMs = (opts.delaySeconds ?? 0) * 1000;
        return enqueue(body, { traceparent: opts.traceparent ?? null, group: null, delayMs });
      }
      const dedupId = opts.dedupId ?? `${message.jobId}-${message.retryCount}`;
      const earlier = dedup.earlier(dedupId);
      if (earlier !== undefined) return earlier;
      // FIFO queues take no per-message delay, as with the SQS adapter.
      const id = enqueue(body, {
        traceparent: opts.traceparent ?? null,
        group: message.jobId,
        delayMs: 0,
      });
      dedup.remember(dedupId, id);
      return id;
    },

    async receive(opts) {
      const max = Math.min(10, Math.max(1, opts.max));
      const visibilityMs =
        opts.visibilitySeconds === undefined ? defaultVisibilityMs : opts.visibilitySeconds * 1000;
      // The wait runs on a timer, not the clock, so a clock that stands still cannot stall it.
      let waited = opts.waitSeconds <= 0;
      const timer = waited
        ? undefined
        : setTimeout(() => {
            waited = true;
            wake();
          }, opts.waitSeconds * 1000);
      try {
        for (;;) {
          const got = take(max, visibilityMs);
          if (got.length > 0 || waited) return got;
          await pause();
        }
      } finally {
        clearTimeout(timer);
      }
    },

    async delete(receipt) {
      // Like SQS, an unknown or outdated receipt is not an error.
      const id = receipts.get(receipt);
      if (id === undefined) return;
      receipts.delete(receipt);
      messages.delete(id);
    },

    async retryLater(receipt, delaySeconds) {
      const id = receipts.get(receipt);
      const m = id === undefined ? undefined : messages.get(id);
      if (!m || m.visibleAt <= clock.now()) {
        throw new FleetError(
          "queue.not_in_flight",
          "returning a job message to the queue failed: the message is not in flight",
        );
      }
      m.visibleAt = clock.now() + delaySeconds * 1000;
      wake();
    },

    async ping() {},

    sendRaw(body, group) {
      return enqueue(body, {
        traceparent: null,
        group: fifo ? (group ?? "raw") : null,
        delayMs: 0,
      });
    },

    depth() {
      const now = clock.now();
      let visible = 0;
      for (const m of messages.values()) if (m.visibleAt <= now) visible++;
      return { visible, hidden: messages.size - visible };
    },
  };
}
