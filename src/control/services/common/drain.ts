import type { Logger } from "../../../shared/logger.ts";
import { FleetError } from "../../domain/errors.ts";
import type { Clock } from "../../ports/clock.ts";

/** How long and how wide a drain runs. */
export interface DrainOptions {
  budgetMs: number;
  /** Messages handled at once (default given by the caller). */
  concurrency?: number;
  /** Long-poll wait of each receive. */
  waitSeconds?: number;
  /** Stop as soon as a receive comes back empty and nothing is in flight (default true). */
  untilEmpty?: boolean;
  signal?: AbortSignal;
}

/**
 * Receives and handles messages until the budget is spent (or the queue is empty), keeping up
 * to `concurrency` in flight and receiving more while earlier ones are still handled. Messages
 * with the same `key` are handled one after another, in the order received. A handler that
 * throws leaves its message alone (it becomes visible again and is retried) and is counted as
 * `error`; every other outcome is counted by name.
 */
export async function drainQueue<M extends { messageId: string }, O extends string>(o: {
  receive(max: number, waitSeconds: number): Promise<M[]>;
  handle(m: M): Promise<O>;
  /** Every outcome `handle` can return, so each is counted (zero included). */
  outcomes: readonly O[];
  key?(m: M): string | null;
  clock: Clock;
  logger: Logger;
  /** What a failure log line says failed ("scheduling", "event handling"). */
  what: string;
  options: DrainOptions;
  defaultConcurrency: number;
}): Promise<Record<O | "error", number>> {
  const { clock, options } = o;
  const deadline = clock.now() + options.budgetMs;
  const concurrency = options.concurrency ?? o.defaultConcurrency;
  const untilEmpty = options.untilEmpty ?? true;
  const counts = Object.fromEntries([...o.outcomes, "error"].map((k) => [k, 0])) as Record<
    O | "error",
    number
  >;
  const running = new Set<Promise<void>>();
  // Woken whenever a handling ends. Cheaper than `Promise.race(running)`, which attaches a
  // handler to every message in flight each time a slot is awaited.
  let freed: (() => void) | null = null;
  const slotFreed = () =>
    new Promise<void>((resolve) => {
      freed = resolve;
    });
  /** The last handling of each key, so the next message with that key waits for it. */
  const tails = new Map<string, Promise<void>>();

  const start = (m: M) => {
    const key = o.key?.(m) ?? null;
    const before = key === null ? undefined : tails.get(key);
    const p: Promise<void> = (before ?? Promise.resolve())
      .then(() => o.handle(m))
      .then((outcome) => {
        counts[outcome]++;
      })
      .catch((err) => {
        counts.error++;
        o.logger.error(`${o.what} failed; the message will be retried`, {
          messageId: m.messageId,
          error: err instanceof FleetError ? err.message : err,
        });
      })
      .finally(() => {
        running.delete(p);
        if (key !== null && tails.get(key) === p) tails.delete(key);
        const wake = freed;
        freed = null;
        wake?.();
      });
    running.add(p);
    if (key !== null) tails.set(key, p);
  };

  while (clock.now() < deadline && !options.signal?.aborted) {
    const room = Math.min(10, concurrency - running.size);
    if (room <= 0) {
      await slotFreed();
      continue;
    }
    const batch = await o.receive(room, options.waitSeconds ?? 1);
    if (batch.length === 0) {
      if (untilEmpty && running.size === 0) break;
      if (running.size > 0) await slotFreed();
      continue;
    }
    for (const m of batch) start(m);
  }
  await Promise.all(running);
  return counts;
}
