import { Cron } from "croner";

/** A report date, `YYYY-MM-DD`. */
export const datePattern = /^\d{4}-\d{2}-\d{2}$/;

/** The calendar date of `ms` in `timeZone`, `YYYY-MM-DD`. */
export function dateIn(ms: number, timeZone: string): string {
  // The `en-CA` locale writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(new Date(ms));
}

/** How far `timeZone`'s wall clock is ahead of UTC at `ms`. */
function offsetAt(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  }).formatToParts(new Date(ms));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(n("year"), n("month") - 1, n("day"), n("hour"), n("minute"), n("second"));
  return wall - Math.floor(ms / 1000) * 1000;
}

/** Midnight starting `date` in `timeZone`, as ms since the epoch. */
function midnight(date: string, timeZone: string): number {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d);
  // Twice: the first guess may sit on the other side of a DST change.
  const first = guess - offsetAt(guess, timeZone);
  return guess - offsetAt(first, timeZone);
}

/** The day `date` in `timeZone` as `[from, to)`; 23 or 25 hours long on DST changes. */
export function dayWindow(date: string, timeZone: string): { from: number; to: number } {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const next = new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
  return { from: midnight(date, timeZone), to: midnight(next, timeZone) };
}

/** The date `days` before `date` (negative: after). */
export function daysBefore(date: string, days: number): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d - days)).toISOString().slice(0, 10);
}

/**
 * The report due at `now`: the last scheduled time (daily at `hour` in `timeZone`) at or before
 * now, and the day it reports on — the one before it. Croner walks the schedule, so DST and
 * zones are its business.
 */
export function dueReport(
  now: number,
  schedule: { hour: number; timeZone: string },
): { dueAt: number; date: string } {
  const cron = new Cron(`0 0 ${schedule.hour} * * *`, {
    timezone: schedule.timeZone,
    paused: true,
  });
  let at = cron.nextRun(new Date(now - 26 * 3.6e6));
  let last = at;
  while (at !== null && at.getTime() <= now) {
    last = at;
    at = cron.nextRun(at);
  }
  const dueAt = last?.getTime() ?? now;
  return { dueAt, date: daysBefore(dateIn(dueAt, schedule.timeZone), 1) };
}

/** The storage key of a day's report: `cost/YYYY/MM/DD.md` (and `.json` for its totals). */
export function reportKey(date: string, ext: "md" | "json"): string {
  return `cost/${date.slice(0, 4)}/${date.slice(5, 7)}/${date.slice(8, 10)}.${ext}`;
}
