import type { PoolDefinition, PoolSchedule } from "../control/domain/pool-config.ts";
import { defaultPoolWaitModel, type PoolWaitModel, replay } from "./pool-replay.ts";
import { createRng } from "./prng.ts";
import { percentile } from "./stats.ts";
import type { WorkItem } from "./workload.ts";

/** The pool the `breaker-pools` policy puts plain `runs-fleet` jobs on. */
export const simPoolName = "sim-default";

/** True for a job the pool serves: the default spec, whatever its priority. */
export const pooled = (labels: readonly string[]) =>
  labels.some((l) => l === "runs-fleet" || /^runs-fleet\/priority=\w+$/.test(l));

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
