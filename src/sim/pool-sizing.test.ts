import { describe, expect, it } from "vitest";
import { pooled, poolFor, recommendPoolSizes } from "./pool-sizing.ts";
import type { WorkItem } from "./workload.ts";

const monday = Date.UTC(2026, 0, 5);
const minute = 60_000;
/** A quiet day but for a burst of `n` plain jobs at 10:00 and one job an hour otherwise. */
function day(n: number): WorkItem[] {
  const hourly = Array.from({ length: 24 }, (_, h) => ({
    at: h * 60 * minute + 30 * minute,
    durationSeconds: 300,
    labels: ["runs-fleet"],
    run: h,
  }));
  const burst = Array.from({ length: n }, (_, i) => ({
    at: 10 * 60 * minute + 45 * minute + i,
    durationSeconds: 600,
    labels: ["runs-fleet"],
    run: 100,
  }));
  return [...hourly, ...burst].sort((a, b) => a.at - b.at);
}

describe("recommendPoolSizes", () => {
  it("sizes each hour to the smallest pool whose p95 wait meets the target", () => {
    const r = recommendPoolSizes(day(12), monday, 60, 1);
    // The burst hour needs a member for nearly every job of the burst (p95 of 13 arrivals).
    expect(r.weekdays[10]).toBeGreaterThanOrEqual(12);
    expect(r.p95Weekdays[10]).toBeLessThanOrEqual(60);
    // One job an hour: a single member keeps it warm; an hour with no job keeps none.
    expect(r.weekdays[3]).toBe(1);
    expect(r.weekends.every((s) => s === 0)).toBe(true);
    // Same workload, same seed: the same sizes.
    expect(recommendPoolSizes(day(12), monday, 60, 1)).toEqual(r);
    expect(r.memberHoursPerWeek).toBe(5 * r.weekdays.reduce((a, b) => a + b, 0));
  });

  it("keeps no pool when a cold boot already meets the target", () => {
    const r = recommendPoolSizes(day(12), monday, 600, 1);
    expect(r.weekdays.every((s) => s === 0)).toBe(true);
  });

  it("adds no member to an hour no member could help", () => {
    // Ten jobs at 11:00:00 sharp after a quiet hour: a member the 11:00 pass launches is ready a
    // boot later, after all ten, so no size meets the target there; it must not grow to the cap.
    const burst = Array.from({ length: 10 }, (_, i) => ({
      at: 11 * 60 * minute,
      durationSeconds: 300,
      labels: ["runs-fleet"],
      run: 200 + i,
    }));
    const early = { at: 3 * 60 * minute, durationSeconds: 300, labels: ["runs-fleet"], run: 1 };
    const r = recommendPoolSizes([early, ...burst], monday, 60, 1);
    expect(r.weekdays[11]).toBe(0);
    expect(r.p95Weekdays[11]).toBeGreaterThan(60);
    // The first job meets a pool already at its size (the steady state), so one member serves it.
    expect(r.weekdays[3]).toBe(1);
  });

  it("turns the sizes into a pool definition with one-hour windows", () => {
    const r = recommendPoolSizes(day(12), monday, 60, 1);
    const pool = poolFor(r);
    // Weekends keep none for 24 hours: 0 is the commonest size, the base.
    expect(pool.hot).toBe(0);
    expect(pool.schedules).toContainEqual(
      expect.objectContaining({ cron: "0 10 * * 1-5", until: "0 11 * * *", hot: r.weekdays[10] }),
    );
  });

  it("pools plain jobs only", () => {
    expect(pooled(["runs-fleet"])).toBe(true);
    expect(pooled(["runs-fleet/priority=high"])).toBe(true);
    expect(pooled(["runs-fleet/cpu=8"])).toBe(false);
  });
});
