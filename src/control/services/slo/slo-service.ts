import type { Job } from "../../domain/job.ts";
import { computeSlos, fastBurnRate, type SloStatus } from "../../domain/slo.ts";
import type { Clock } from "../../ports/clock.ts";
import type { JobStore } from "../../ports/job-store.ts";
import type { Metrics } from "../../ports/metrics.ts";

/** One SLO as `GET /api/slo` shows it: over the budget window, with the last hour's burn. */
export interface SloReportEntry extends SloStatus {
  /** Burn rate over the last hour; at or above `fastBurnRate` the budget burns too fast. */
  burnRateLastHour: number;
  fastBurn: boolean;
}

/** The SLO report: when, over what windows, and whether the read stopped at its bound. */
export interface SloReport {
  at: string;
  windowHours: number;
  truncated: boolean;
  fastBurnRate: number;
  slos: SloReportEntry[];
}

export interface SloServiceDeps {
  jobs: Pick<JobStore, "list">;
  clock: Clock;
  metrics: Metrics;
  /** The error-budget window (default 7 days; the jobs table keeps 30). */
  windowMs?: number;
  /** Most job records one report reads (default 20 000); past it the report says `truncated`. */
  maxJobs?: number;
  /** Least time between two reports `tick` makes (default 5 min: the alarm's period). */
  tickEveryMs?: number;
}

const hourMs = 3_600_000;

/**
 * Computes the SLOs from the jobs table and records each one's budget left and last-hour burn
 * rate as metrics, which the stack's fast-burn alarm watches.
 */
export function createSloService(deps: SloServiceDeps) {
  const windowMs = deps.windowMs ?? 7 * 24 * hourMs;
  const maxJobs = deps.maxJobs ?? 20_000;

  /** Jobs created within the window; the listing is newest update first, so it stops early. */
  const recentJobs = async (from: number): Promise<{ jobs: Job[]; truncated: boolean }> => {
    const jobs: Job[] = [];
    let cursor: string | undefined;
    do {
      const page = await deps.jobs.list({ limit: 500, ...(cursor ? { cursor } : {}) });
      for (const job of page.jobs) if (Date.parse(job.createdAt) >= from) jobs.push(job);
      cursor = page.next;
      if (jobs.length >= maxJobs) return { jobs, truncated: cursor !== undefined };
      const last = page.jobs.at(-1);
      if (last && Date.parse(last.updatedAt) < from) break;
    } while (cursor);
    return { jobs, truncated: false };
  };

  const tickEveryMs = deps.tickEveryMs ?? 5 * 60_000;
  let lastTick = Number.NEGATIVE_INFINITY;

  const report = async (): Promise<SloReport> => {
    const now = deps.clock.now();
    const { jobs, truncated } = await recentJobs(now - windowMs);
    const lastHour = computeSlos(
      jobs.filter((j) => Date.parse(j.createdAt) >= now - hourMs),
      now,
    );
    const slos = computeSlos(jobs, now).map((s, i) => {
      const burnRateLastHour = lastHour[i]?.burnRate ?? 0;
      return { ...s, burnRateLastHour, fastBurn: burnRateLastHour >= fastBurnRate };
    });
    for (const s of slos) {
      deps.metrics.gauge("SloBudgetRemaining", s.budgetRemaining, { slo: s.name });
      // CloudWatch takes no infinity: a 100 % objective's any error reads as a huge burn.
      deps.metrics.gauge("SloBurnRate", Math.min(s.burnRateLastHour, 1e6), { slo: s.name });
    }
    return {
      at: new Date(now).toISOString(),
      windowHours: windowMs / hourMs,
      truncated,
      fastBurnRate,
      slos,
    };
  };

  return {
    /** The SLOs as of now; also recorded as metrics. */
    report,
    /**
     * Records the SLO metrics when the last report is `tickEveryMs` old: the loops call it often,
     * the fast-burn alarm needs a point per period. True when it reported.
     */
    async tick(): Promise<boolean> {
      if (deps.clock.now() - lastTick < tickEveryMs) return false;
      lastTick = deps.clock.now();
      await report();
      return true;
    },
  };
}
export type SloService = ReturnType<typeof createSloService>;
