import { Cron } from "croner";
import type { PoolDefinition, PoolSchedule } from "./pool-config.ts";

/** A temporary size set through the admin API; it beats every schedule until it expires. */
export interface PoolOverride {
  hot: number;
  stopped: number;
  /** ISO time the override ends. */
  until: string;
}

/** The sizes a pool wants at one moment, and what set them. */
export interface PoolSizes {
  hot: number;
  stopped: number;
  /** `base`, `schedule:<index>` or `override`. */
  from: string;
}

/**
 * True when `now` lies in one of the schedule's windows: its latest `cron` firing at or before
 * `now` is not yet followed by an `until` firing. Croner does the calendar and time-zone work
 * (DST included), so a window is read in the schedule's own zone.
 */
export function scheduleActive(schedule: PoolSchedule, now: number): boolean {
  const options = { timezone: schedule.timezone, paused: true };
  // previousRuns looks strictly before its reference: one ms on, a firing at `now` counts.
  const [start] = new Cron(schedule.cron, options).previousRuns(1, new Date(now + 1));
  if (!start) return false;
  const end = new Cron(schedule.until, options).nextRun(start);
  return end === null || end.getTime() > now;
}

/** The sizes in force at `now`: a live override, else the last active schedule, else the base. */
export function desiredSizes(
  pool: Pick<PoolDefinition, "hot" | "stopped" | "schedules">,
  now: number,
  override: PoolOverride | null = null,
): PoolSizes {
  if (override && Date.parse(override.until) > now)
    return { hot: override.hot, stopped: override.stopped, from: "override" };
  for (let i = pool.schedules.length - 1; i >= 0; i--) {
    const s = pool.schedules[i];
    if (s && scheduleActive(s, now))
      return { hot: s.hot, stopped: s.stopped, from: `schedule:${i}` };
  }
  return { hot: pool.hot, stopped: pool.stopped, from: "base" };
}
