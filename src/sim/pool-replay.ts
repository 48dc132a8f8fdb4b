import { createMinHeap } from "./min-heap.ts";
import type { Rng } from "./prng.ts";

/** How a pool's wait is computed: what a job waits for a hot member, for a cold boot, a refill. */
export interface PoolWaitModel {
  /** Seconds from queued to started on a hot member (config written, agent picks it up). */
  warmSeconds: number;
  /** Median and spread of a cold Linux boot (log-normal), plus `warmSeconds` on top. */
  bootSeconds: number;
  bootSigma: number;
  /** The pool manager's reconcile interval: how often missing members are launched. */
  reconcileSeconds: number;
  /** Largest hot size tried for one hour. */
  maxHot: number;
}

/** The figures of the built-in EC2 model and the simulated pool manager. */
export const defaultPoolWaitModel: PoolWaitModel = {
  warmSeconds: 3,
  bootSeconds: 45,
  bootSigma: 0.35,
  reconcileSeconds: 60,
  maxHot: 200,
};

/** Bucket of a moment: the UTC hour, plus 24 on Saturdays and Sundays. */
export const bucketOf = (at: number) => {
  const d = new Date(at);
  const day = d.getUTCDay();
  return d.getUTCHours() + (day === 0 || day === 6 ? 24 : 0);
};

/** What a replay found for each bucket: its waits (sorted) and how many jobs booted cold. */
export interface Replayed {
  waits: number[][];
  cold: number[];
}

/**
 * Replays the pooled arrivals against a pool kept at `sizes[bucket]` idle hot members: a job
 * takes an idle member if there is one (it waits `warmSeconds`), else boots cold; the pool
 * manager tops the pool up on each reconcile pass (ready a boot later), and a member whose job
 * ended goes back to the pool while it is short. The pool is full when the first job comes, as
 * a pool that has been running is: the recommendation is for the steady state, not a first boot.
 */
export function replay(
  arrivals: readonly { at: number; durationMs: number }[],
  sizes: readonly number[],
  m: PoolWaitModel,
  rng: Rng,
): Replayed {
  const waits: number[][] = Array.from({ length: 48 }, () => []);
  const cold = new Array<number>(48).fill(0);
  const bootMs = m.bootSeconds * 1000;
  const tickMs = m.reconcileSeconds * 1000;
  let idle = arrivals.length > 0 ? (sizes[bucketOf(arrivals[0]!.at)] ?? 0) : 0;
  const ready: number[] = []; // refills, in launch order (same boot: ready in order)
  const returns = createMinHeap<number>((a, b) => a < b); // when busy members come back
  let nextTick = arrivals.length > 0 ? Math.floor(arrivals[0]!.at / tickMs) * tickMs : 0;
  const advance = (to: number) => {
    for (;;) {
      const r = ready[0] ?? Number.POSITIVE_INFINITY;
      const b = returns.peek() ?? Number.POSITIVE_INFINITY;
      const t = Math.min(r, b, nextTick);
      if (t > to) return;
      const want = sizes[bucketOf(t)] ?? 0;
      if (t === r) {
        ready.shift();
        idle++;
      } else if (t === b) {
        returns.pop();
        if (idle + ready.length < want) idle++;
      } else {
        // A pass ends surplus idle members and launches the missing ones.
        idle = Math.min(idle, want);
        for (let n = idle + ready.length; n < want; n++) ready.push(t + bootMs);
        nextTick += tickMs;
      }
    }
  };
  for (const a of arrivals) {
    advance(a.at);
    const bucket = bucketOf(a.at);
    let wait: number;
    if (idle > 0) {
      idle--;
      wait = m.warmSeconds;
      returns.push(a.at + wait * 1000 + a.durationMs);
    } else {
      wait = m.warmSeconds + rng.logNormal(m.bootSeconds, m.bootSigma);
      cold[bucket]!++;
    }
    waits[bucket]!.push(wait);
  }
  for (const w of waits) w.sort((x, y) => x - y);
  return { waits, cold };
}
