import type { AgentEvent } from "../../shared/events.ts";
import type { Logger } from "../../shared/logger.ts";
import { type BackoffPolicy, backoffDelay, sleep } from "../util/backoff.ts";
import type { Spool } from "./spool.ts";
import type { EventSink } from "./sqs-sink.ts";

/** Delivers events at least once: every event is spooled to disk first, then sent in order. */
export interface Outbox {
  /** Spools the event and wakes the sender; resolves once the event is on disk. */
  send(event: AgentEvent): Promise<void>;
  /**
   * Waits until the spool is empty, `timeoutMs` passes or `signal` aborts; true when everything
   * was sent. The sender keeps retrying meanwhile.
   */
  flush(timeoutMs: number, signal?: AbortSignal): Promise<boolean>;
  /** Whether an event of `type` is still on disk, not yet accepted by the queue. */
  holds(type: AgentEvent["type"]): Promise<boolean>;
  /** Stops the sender loop (spooled events stay on disk for the next start). */
  stop(): Promise<void>;
}

/** Starts the sender loop over `spool` and `sink`; failed sends back off and retry. */
export function startOutbox(options: {
  spool: Spool;
  sink: EventSink;
  retry: BackoffPolicy;
  logger: Logger;
}): Outbox {
  const { spool, sink, logger } = options;
  const stopped = new AbortController();
  // Aborted by every new event: wakes an idle loop and cuts a backoff short, so a fresh event
  // (an interruption notice above all) is tried at once when the queue comes back.
  let kick = new AbortController();
  const wake = () => {
    kick.abort();
    kick = new AbortController();
  };
  const idleWaiters = new Set<() => void>();
  const pause = (ms: number, k: AbortController) =>
    sleep(ms, AbortSignal.any([stopped.signal, k.signal]));

  const loop = async () => {
    let failures = 0;
    while (!stopped.signal.aborted) {
      // Taken before listing: an event spooled after the listing has already aborted it.
      const k = kick;
      const batch = await spool.list(10).catch((err: unknown) => {
        logger.error("cannot read the event spool", { err });
        return [];
      });
      if (batch.length === 0) {
        for (const w of idleWaiters) w();
        await pause(60_000, k);
        continue;
      }
      try {
        const { failedIds } = await sink.sendBatch(batch.map((s) => s.event));
        const failed = new Set(failedIds);
        await spool.remove(batch.filter((s) => !failed.has(s.event.id)).map((s) => s.file));
        if (failed.size > 0) throw new Error(`the queue refused ${failed.size} event(s)`);
        failures = 0;
      } catch (err) {
        const delay = backoffDelay(failures++, options.retry);
        logger.warn("sending events failed; they stay spooled", {
          err,
          pending: batch.length,
          retryInMs: Math.round(delay),
        });
        await pause(delay, k);
      }
    }
  };
  const running = loop();

  return {
    send: async (event) => {
      await spool.put(event);
      wake();
    },
    flush: async (timeoutMs, signal) => {
      const idle = new Promise<boolean>((resolve) => {
        const done = () => {
          idleWaiters.delete(done);
          resolve(true);
        };
        idleWaiters.add(done);
        wake();
      });
      let timer: ReturnType<typeof setTimeout> | undefined;
      let onAbort = () => {};
      const timeout = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
        onAbort = () => resolve(false);
        if (signal?.aborted) onAbort();
        signal?.addEventListener("abort", onAbort, { once: true });
      });
      const result = await Promise.race([idle, timeout]);
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      return result;
    },
    holds: async (type) =>
      (await spool.list(Number.POSITIVE_INFINITY)).some((s) => s.event.type === type),
    stop: async () => {
      stopped.abort();
      await running;
    },
  };
}
