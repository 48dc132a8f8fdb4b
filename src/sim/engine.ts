import { fixedClock } from "../control/adapters/clock.ts";

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
  const heap: Entry[] = [];
  let seq = 0;
  const less = (a: Entry, b: Entry) => a.at < b.at || (a.at === b.at && a.seq < b.seq);
  const push = (e: Entry) => {
    heap.push(e);
    let i = heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(heap[i]!, heap[p]!)) break;
      [heap[i], heap[p]] = [heap[p]!, heap[i]!];
      i = p;
    }
  };
  const pop = (): Entry | undefined => {
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  };

  return {
    clock,
    /** Runs `run` at virtual time `at` (never before now). */
    at(at: number, run: Action) {
      push({ at: Math.max(at, clock.now()), seq: seq++, run });
    },
    /** Runs `run` `ms` from now. */
    after(ms: number, run: Action) {
      push({ at: clock.now() + ms, seq: seq++, run });
    },
    /** Runs `run` every `ms` from `first` until `until`. */
    every(ms: number, first: number, until: number, run: Action) {
      const tick = async () => {
        await run();
        if (clock.now() + ms <= until) push({ at: clock.now() + ms, seq: seq++, run: tick });
      };
      push({ at: first, seq: seq++, run: tick });
    },
    /**
     * Runs actions in time order up to `end`; after all actions of one instant, `settle` lets
     * the control plane handle what they caused (drain its queues) before time moves on.
     */
    async runUntil(end: number, settle: () => Promise<void>) {
      while (heap.length > 0 && heap[0]!.at <= end) {
        clock.set(heap[0]!.at);
        while (heap.length > 0 && heap[0]!.at === clock.now()) await pop()!.run();
        await settle();
      }
      clock.set(end);
    },
  };
}
export type Engine = ReturnType<typeof createEngine>;
