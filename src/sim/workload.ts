import * as v from "valibot";
import type { Rng } from "./prng.ts";

/** One job the workload asks for: when it is queued (ms after the start), how long it runs, its labels. */
export interface WorkItem {
  at: number;
  durationSeconds: number;
  labels: string[];
  /** Jobs of one workflow run share it (a matrix build is one run of many jobs). */
  run: number;
}

/** A built-in workload: jobs per day, the daily shape, the share in matrix bursts, the labels. */
export interface Profile {
  name: string;
  jobsPerDay: number;
  /** Relative arrival rate per UTC hour (0–23) on weekdays; weekends use `weekendShare` of it. */
  hourly: readonly number[];
  weekendShare: number;
  /** Share of workflow runs that are matrix builds, and how many jobs a matrix has. */
  matrixShare: number;
  matrixJobs: readonly [number, number];
  /** Labels with weights; a priority label is added by `priorityMix`. */
  labels: ReadonlyArray<readonly [string, number]>;
  priorityMix: ReadonlyArray<readonly ["low" | "normal" | "high", number]>;
  /** Median job length in seconds and its log-normal spread. */
  medianSeconds: number;
  sigma: number;
}

const office = [1, 1, 1, 1, 1, 1, 2, 4, 8, 10, 10, 10, 9, 10, 10, 10, 9, 7, 4, 3, 2, 2, 1, 1];

/** The built-in profiles. */
export const profiles: Record<string, Profile> = {
  "small-team": {
    name: "small-team",
    jobsPerDay: 100,
    hourly: office,
    weekendShare: 0.2,
    matrixShare: 0.05,
    matrixJobs: [3, 6],
    labels: [
      ["runs-fleet", 70],
      ["runs-fleet/cpu=4/arch=arm64", 20],
      ["runs-fleet/os=windows/cpu=4", 10],
    ],
    priorityMix: [["normal", 1]],
    medianSeconds: 360,
    sigma: 0.8,
  },
  "busy-org": {
    name: "busy-org",
    jobsPerDay: 5000,
    hourly: office,
    weekendShare: 0.3,
    matrixShare: 0.08,
    matrixJobs: [8, 24],
    labels: [
      ["runs-fleet", 50],
      ["runs-fleet/cpu=4/arch=arm64", 25],
      ["runs-fleet/cpu=8/arch=amd64", 15],
      ["runs-fleet/os=windows/cpu=4", 10],
    ],
    priorityMix: [
      ["high", 10],
      ["normal", 80],
      ["low", 10],
    ],
    medianSeconds: 420,
    sigma: 0.9,
  },
};

function pick<T>(rng: Rng, weighted: ReadonlyArray<readonly [T, number]>): T {
  const total = weighted.reduce((s, [, w]) => s + w, 0);
  let r = rng.next() * total;
  for (const [value, w] of weighted) {
    r -= w;
    if (r < 0) return value;
  }
  return weighted[weighted.length - 1]![0];
}

/** The jobs of `days` days of `profile`, starting at `start` (a Monday 00:00 UTC is typical). */
export function generateWorkload(
  profile: Profile,
  days: number,
  start: number,
  rng: Rng,
): WorkItem[] {
  const items: WorkItem[] = [];
  const meanMatrix = (profile.matrixJobs[0] + profile.matrixJobs[1]) / 2;
  const jobsPerRun = 1 - profile.matrixShare + profile.matrixShare * meanMatrix;
  const weekWeight = profile.hourly.reduce((s, w) => s + w, 0) * (5 + 2 * profile.weekendShare);
  // Runs per unit of hourly weight, so that a week averages `jobsPerDay` jobs a day.
  const runsPerWeight = (profile.jobsPerDay * 7) / jobsPerRun / weekWeight;
  let run = 0;
  for (let hour = 0; hour < days * 24; hour++) {
    const hourStart = start + hour * 3_600_000;
    const weekday = new Date(hourStart).getUTCDay();
    const weekend = weekday === 0 || weekday === 6 ? profile.weekendShare : 1;
    const rate = (profile.hourly[hour % 24] ?? 1) * weekend * runsPerWeight;
    // Poisson arrivals within the hour: exponential gaps at `rate` per hour.
    for (let t = rng.exp(1 / rate); t < 1; t += rng.exp(1 / rate)) {
      run++;
      const matrix = rng.chance(profile.matrixShare);
      const [lo, hi] = profile.matrixJobs;
      const count = matrix ? lo + Math.floor(rng.next() * (hi - lo + 1)) : 1;
      const label = pick(rng, profile.labels);
      const priority = pick(rng, profile.priorityMix);
      const full = priority === "normal" ? label : `${label}/priority=${priority}`;
      for (let j = 0; j < count; j++) {
        const seconds = Math.max(
          20,
          Math.round(rng.logNormal(profile.medianSeconds, profile.sigma)),
        );
        items.push({
          at: hourStart - start + Math.floor(t * 3_600_000),
          durationSeconds: Math.min(seconds, 5 * 3600),
          labels: [full],
          run,
        });
      }
    }
  }
  return items.sort((a, b) => a.at - b.at);
}

const TraceRowSchema = v.object({
  queuedAt: v.pipe(
    v.string(),
    v.transform((s) => (/^\d+(\.\d+)?$/.test(s) ? Number(s) * 1000 : Date.parse(s))),
    v.check((n) => Number.isFinite(n), "queued_at must be an ISO time or epoch seconds"),
  ),
  duration: v.pipe(
    v.string(),
    v.transform(Number),
    v.number("duration_seconds must be a number"),
    v.minValue(1, "duration_seconds must be at least 1"),
    v.maxValue(6 * 3600, "duration_seconds must be at most 21600 (GitHub's 6 h limit)"),
  ),
  labels: v.pipe(v.string(), v.minLength(1, "labels must not be empty")),
});

/** A trace, or every problem with it (line numbers from 1). */
export type TraceResult =
  | { ok: true; items: WorkItem[]; start: number }
  | { ok: false; problems: string[] };

/**
 * Parses a CSV trace: `queued_at,duration_seconds,labels`, one job a line, an optional header;
 * `queued_at` is ISO 8601 or epoch seconds, several labels are separated by `;`.
 */
export function parseTrace(text: string): TraceResult {
  const problems: string[] = [];
  const rows: { queuedAt: number; duration: number; labels: string }[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === "" || (i === 0 && line.startsWith("queued_at"))) return;
    const [queuedAt = "", duration = "", ...rest] = line.split(",");
    const parsed = v.safeParse(TraceRowSchema, {
      queuedAt: queuedAt.trim(),
      duration: duration.trim(),
      labels: rest.join(",").trim(),
    });
    if (parsed.success) rows.push(parsed.output);
    else problems.push(`line ${i + 1}: ${parsed.issues.map((x) => x.message).join("; ")}`);
  });
  if (problems.length > 0) return { ok: false, problems };
  if (rows.length === 0) return { ok: false, problems: ["the trace has no jobs"] };
  const start = Math.min(...rows.map((r) => r.queuedAt));
  const items = rows
    .map((r, n) => ({
      at: r.queuedAt - start,
      durationSeconds: Math.round(r.duration),
      labels: r.labels.split(";").map((l) => l.trim()),
      run: n + 1,
    }))
    .sort((a, b) => a.at - b.at);
  return { ok: true, items, start };
}
