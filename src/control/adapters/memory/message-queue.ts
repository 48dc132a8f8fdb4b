import { FleetError } from "../../domain/errors.ts";
import type { Clock } from "../../ports/clock.ts";

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

/** One message handed out by a receive, body as sent. */
export interface HandedOut {
  id: string;
  body: string;
  traceparent: string | null;
  receipt: string;
  receiveCount: number;
}

/**
 * The part of SQS every in-memory queue shares: at-least-once delivery in send order, a new
 * receipt per receive, receive counts, visibility timeouts, long polling, hand-backs, and (when
 * `fifo`) one message in flight per group. What a body means is the caller's business.
 */
export function createMessageQueue(options: {
  clock: Clock;
  fifo: boolean;
  /** Visibility timeout when a receive names none. */
  visibilitySeconds: number;
  /** What one message is called in errors ("a job message"). */
  noun: string;
}) {
  const { clock, fifo } = options;
  const messages = new Map<string, Stored>();
  const receipts = new Map<string, string>();
  const waiters = new Set<() => void>();

  const wake = () => {
    for (const w of [...waiters]) w();
  };

  const take = (max: number, visibilityMs: number): HandedOut[] => {
    const now = clock.now();
    const blocked = new Set<string>();
    const out: HandedOut[] = [];
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
      const receipt = crypto.randomUUID();
      m.receipt = receipt;
      m.receiveCount += 1;
      m.visibleAt = now + visibilityMs;
      receipts.set(receipt, m.id);
      const { id, body, traceparent, receiveCount } = m;
      out.push({ id, body, traceparent, receipt, receiveCount });
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
    /** Adds a message, hidden for `delayMs`; returns its id. */
    enqueue(
      body: string,
      attrs: { traceparent: string | null; group: string | null; delayMs: number },
    ): string {
      const id = crypto.randomUUID();
      const { traceparent, group } = attrs;
      const visibleAt = clock.now() + attrs.delayMs;
      messages.set(id, { id, body, traceparent, group, visibleAt, receipt: null, receiveCount: 0 });
      wake();
      return id;
    },

    /** Hands out up to `max` (1–10) visible messages, waiting up to `waitSeconds` for one. */
    async receive(opts: {
      max: number;
      waitSeconds: number;
      visibilitySeconds?: number;
    }): Promise<HandedOut[]> {
      const max = Math.min(10, Math.max(1, opts.max));
      const visibilityMs = (opts.visibilitySeconds ?? options.visibilitySeconds) * 1000;
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

    /** Deletes the message of `receipt`; like SQS, an unknown or outdated receipt is no error. */
    async delete(receipt: string): Promise<void> {
      const id = receipts.get(receipt);
      if (id === undefined) return;
      receipts.delete(receipt);
      messages.delete(id);
    },

    /** Makes an in-flight message visible again after `delaySeconds`. */
    async retryLater(receipt: string, delaySeconds: number): Promise<void> {
      const id = receipts.get(receipt);
      const m = id === undefined ? undefined : messages.get(id);
      if (!m || m.visibleAt <= clock.now()) {
        throw new FleetError(
          "queue.not_in_flight",
          `returning ${options.noun} to the queue failed: the message is not in flight`,
        );
      }
      m.visibleAt = clock.now() + delaySeconds * 1000;
      wake();
    },

    /** Whether the message `id` is still held (not yet deleted). */
    holds(id: string): boolean {
      return messages.has(id);
    },

    /** Messages held: visible now, and hidden (in flight or delayed). */
    depth(): { visible: number; hidden: number } {
      const now = clock.now();
      let visible = 0;
      for (const m of messages.values()) if (m.visibleAt <= now) visible++;
      return { visible, hidden: messages.size - visible };
    },
  };
}
