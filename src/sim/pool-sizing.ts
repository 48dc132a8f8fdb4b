import type { PoolDefinition, PoolSchedule } from "../control/domain/pool-config.ts";
import { createRng, type Rng } from "./prng.ts";
import { percentile } from "./stats.ts";
import type { WorkItem } from "./workload.ts";

/** The pool the `breaker-pools` policy puts plain `runs-fleet` jobs on. */
export const simPoolName = "sim-default";

/** True for a job the pool serves: the default spec, whatever its priority. */
export const pooled = (labels: readonly string[]) =>
  labels.some((l) => l === "runs-fleet" || /^runs-fleet\/priority=\w+$/.test(l));

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

/** Hot sizes per UTC hour of day, weekdays and weekends apart, and the computed p95 waits. */
export interface PoolRecommendation {
  waitTargetSeconds: number;
  weekdays: number[];
  weekends: number[];
  p95Weekdays: number[];
  p95Weekends: number[];
  /** Hot member-hours a week of these sizes keeps (the pool's cost, before jobs run on it). */
  memberHoursPerWeek: number;
}

/** Bucket of a moment: the UTC hour, plus 24 on Saturdays and Sundays. */
const bucketOf = (at: number) => {
  const d = new Date(at);
  const day = d.getUTCDay();
  return d.getUTCHours() + (day === 0 || day === 6 ? 24 : 0);
};

/** What a replay found for each bucket: its waits (sorted) and how many jobs booted cold. */
interface Replayed {
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
function replay(
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
  const returns: number[] = []; // min-heap of the times busy members come back
  const push = (t: number) => {
    returns.push(t);
    for (let i = returns.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (returns[p]! <= returns[i]!) break;
      [returns[p], returns[i]] = [returns[i]!, returns[p]!];
      i = p;
    }
  };
  const popMin = () => {
    const top = returns[0]!;
    const last = returns.pop()!;
    if (returns.length > 0) {
      returns[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        let s = i;
        if (l < returns.length && returns[l]! < returns[s]!) s = l;
        if (l + 1 < returns.length && returns[l + 1]! < returns[s]!) s = l + 1;
        if (s === i) break;
        [returns[s], returns[i]] = [returns[i]!, returns[s]!];
        i = s;
      }
    }
    return top;
  };
  let nextTick = arrivals.length > 0 ? Math.floor(arrivals[0]!.at / tickMs) * tickMs : 0;
  const advance = (to: number) => {
    for (;;) {
      const r = ready[0] ?? Number.POSITIVE_INFINITY;
      const b = returns[0] ?? Number.POSITIVE_INFINITY;
      const t = Math.min(r, b, nextTick);
      if (t > to) return;
      const want = sizes[bucketOf(t)] ?? 0;
      if (t === r) {
        ready.shift();
        idle++;
      } else if (t === b) {
        popMin();
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
    let wait: number;
    if (idle > 0) {
      idle--;
      wait = m.warmSeconds;
      push(a.at + wait * 1000 + a.durationMs);
    } else {
      wait = m.warmSeconds + rng.logNormal(m.bootSeconds, m.bootSigma);
      cold[bucketOf(a.at)]!++;
    }
    waits[bucketOf(a.at)]!.push(wait);
  }
  for (const w of waits) w.sort((x, y) => x - y);
  return { waits, cold };
}

/**
 * Pool sizes per hour that keep the p95 wait of pooled jobs under `waitTargetSeconds` at least
 * cost: every hour starts at 0 hot members, and each hour whose computed p95 is over the target
 * gets one more, replaying the whole workload again, until every hour meets it (or `maxHot`).
 * Sizes only grow, so each hour ends at the smallest size that meets the target given the others.
 * An hour where one more member spared no job a cold boot stops growing (its last member is
 * taken back): no size meets the target there (jobs come before any member could be ready),
 * and more members would only cost.
 */
export function recommendPoolSizes(
  items: readonly WorkItem[],
  start: number,
  waitTargetSeconds: number,
  seed: number,
  model: PoolWaitModel = defaultPoolWaitModel,
): PoolRecommendation {
  const arrivals = items
    .filter((i) => pooled(i.labels))
    .map((i) => ({ at: start + i.at, durationMs: i.durationSeconds * 1000 }))
    .sort((a, b) => a.at - b.at);
  const sizes = new Array<number>(48).fill(0);
  const settled = new Array<boolean>(48).fill(false);
  let grown: number[] = [];
  let before: number[] = [];
  let p95 = new Array<number>(48).fill(0);
  for (;;) {
    const run = () => replay(arrivals, sizes, model, createRng(seed).fork("pool-sizing"));
    let now = run();
    const useless = grown.filter((b) => now.cold[b]! >= before[b]!);
    if (useless.length > 0) {
      for (const b of useless) {
        sizes[b]!--;
        settled[b] = true;
      }
      now = run();
    }
    p95 = now.waits.map((w) => percentile(w, 0.95));
    before = now.cold;
    grown = [];
    for (let b = 0; b < 48; b++)
      if (p95[b]! > waitTargetSeconds && sizes[b]! < model.maxHot && !settled[b]) {
        sizes[b]!++;
        grown.push(b);
      }
    if (grown.length === 0) break;
  }
  const days = { weekdays: 5, weekends: 2 };
  const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
  return {
    waitTargetSeconds,
    weekdays: sizes.slice(0, 24),
    weekends: sizes.slice(24),
    p95Weekdays: p95.slice(0, 24).map(Math.round),
    p95Weekends: p95.slice(24).map(Math.round),
    memberHoursPerWeek:
      days.weekdays * sum(sizes.slice(0, 24)) + days.weekends * sum(sizes.slice(24)),
  };
}

/** Schedules that set `sizes` (per UTC hour) on the cron days `dow`, one per size but `base`. */
function schedulesFor(sizes: readonly number[], dow: string, base: number): PoolSchedule[] {
  const bySize = new Map<number, number[]>();
  sizes.forEach((size, hour) => {
    if (size !== base) bySize.set(size, [...(bySize.get(size) ?? []), hour]);
  });
  return [...bySize].map(([hot, hours]) => ({
    cron: `0 ${hours.join(",")} * * ${dow}`,
    // Every window is one hour long; `*` days so a window that starts at 23:00 ends at midnight.
    until: `0 ${hours.map((h) => (h + 1) % 24).join(",")} * * *`,
    timezone: "UTC",
    hot,
    stopped: 0,
  }));
}

/** The pool definition that keeps a recommendation: the commonest size as base, schedules for the rest. */
export function poolFor(r: PoolRecommendation): PoolDefinition {
  const counts = new Map<number, number>();
  for (const s of [...r.weekdays, ...r.weekends]) counts.set(s, (counts.get(s) ?? 0) + 1);
  const base = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? 0;
  return {
    name: simPoolName,
    spec: "",
    hot: base,
    stopped: 0,
    idleTimeoutMinutes: 30,
    schedules: [...schedulesFor(r.weekdays, "1-5", base), ...schedulesFor(r.weekends, "0,6", base)],
    spot: false,
    max: null,
  };
}

/** One line per day kind: the hot size of each UTC hour. */
export function formatPoolSizes(r: PoolRecommendation): string {
  const row = (sizes: readonly number[]) => sizes.map((s, h) => `${h}:${s}`).join(" ");
  return [
    `pool sizes for p95 wait ≤ ${r.waitTargetSeconds} s (hot members per UTC hour, ${r.memberHoursPerWeek} member-hours a week):`,
    `  weekdays ${row(r.weekdays)}`,
    `  weekends ${row(r.weekends)}`,
    "",
  ].join("\n");
}
