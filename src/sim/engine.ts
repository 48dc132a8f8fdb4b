import { fixedClock } from "../control/adapters/clock.ts";
import { createMinHeap } from "./min-heap.ts";

type Action = () => Promise<void> | void;
interface Entry {
  at: number;
  seq: number;
  run: Action;
}

/**
 * The discrete-event core: a virtual clock and a queue of timed actions. Nothing sleeps; time
 * jumps from one action to the next, so a simulated week takes seconds.
 */
export function createEngine(start: number) {
  const clock = fixedClock(start);
  const heap = createMinHeap<Entry>((a, b) => a.at < b.at || (a.at === b.at && a.seq < b.seq));
  let seq = 0;

  return {
    clock,
    /** Runs `run` at virtual time `at` (never before now). */
    at(at: number, run: Action) {
      heap.push({ at: Math.max(at, clock.now()), seq: seq++, run });
    },
    /** Runs `run` `ms` from now. */
    after(ms: number, run: Action) {
      heap.push({ at: clock.now() + ms, seq: seq++, run });
    },
    /** Runs `run` every `ms` from `first` until `until`. */
    every(ms: number, first: number, until: number, run: Action) {
      const tick = async () => {
        await run();
        if (clock.now() + ms <= until) heap.push({ at: clock.now() + ms, seq: seq++, run: tick });
      };
      heap.push({ at: first, seq: seq++, run: tick });
    },
    /**
     * Runs actions in time order up to `end`; after all actions of one instant, `settle` lets
     * the control plane handle what they caused (drain its queues) before time moves on.
     */
    async runUntil(end: number, settle: () => Promise<void>) {
      for (let next = heap.peek(); next && next.at <= end; next = heap.peek()) {
        clock.set(next.at);
        while (heap.peek()?.at === clock.now()) await heap.pop()!.run();
        await settle();
      }
      clock.set(end);
    },
  };
}
export type Engine = ReturnType<typeof createEngine>;
