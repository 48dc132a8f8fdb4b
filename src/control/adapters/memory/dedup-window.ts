import type { Clock } from "../../ports/clock.ts";

/** SQS keeps FIFO deduplication ids for five minutes. */
export const DEDUP_WINDOW_MS = 5 * 60_000;

/**
 * The deduplication ids a FIFO queue has seen in the last five minutes, each with the message
 * id its first send got (a duplicate send answers with that id, as SQS does).
 */
export function createDedupWindow(clock: Clock) {
  const seen = new Map<string, { id: string; at: number }>();
  const expire = () => {
    // Ids are kept in the order they were first seen, so expired ones sit at the front.
    const now = clock.now();
    for (const [key, entry] of seen) {
      if (now - entry.at < DEDUP_WINDOW_MS) break;
      seen.delete(key);
    }
  };
  return {
    /** The message id of an earlier send with this deduplication id, if still remembered. */
    earlier(dedupId: string): string | undefined {
      expire();
      return seen.get(dedupId)?.id;
    },
    /** Remembers a send. */
    remember(dedupId: string, messageId: string): void {
      seen.set(dedupId, { id: messageId, at: clock.now() });
    },
  };
}
