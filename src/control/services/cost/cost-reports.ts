import * as v from "valibot";
import type { Logger } from "../../../shared/logger.ts";
import type { Catalog } from "../../domain/catalog.ts";
import { roundUsd } from "../../domain/cost.ts";
import { type CostDay, costOfDay } from "../../domain/cost-day.ts";
import type { GitHubPrices } from "../../domain/cost-github.ts";
import type { ServicePrices } from "../../domain/cost-services.ts";
import type { Instance } from "../../domain/instance.ts";
import type { Job } from "../../domain/job.ts";
import type { CircuitStore } from "../../ports/circuit-store.ts";
import type { Clock } from "../../ports/clock.ts";
import type { InstanceStore } from "../../ports/instance-store.ts";
import type { JobStore } from "../../ports/job-store.ts";
import type { LockStore } from "../../ports/lock-store.ts";
import type { ReportPublisher } from "../../ports/report-publisher.ts";
import type { ReportStore } from "../../ports/report-store.ts";
import { dateIn, daysBefore, dayWindow, dueReport, reportKey } from "./report-day.ts";
import { renderCostReport, type Trends } from "./report-markdown.ts";

/** When the daily report runs and what its estimates assume. */
export interface CostReportSettings {
  /** Hour of the day (0–23) in `timeZone` at which yesterday's report is made. */
  hour: number;
  timeZone: string;
  /** USD/hour of a long-running control-plane host; null: Lambda. */
  hostUsdPerHour: number | null;
  stoppedDiskGiB: number;
  heartbeatSeconds: number;
}

/** What the report service reads, where it writes, whom it tells. */
export interface CostReportDeps {
  jobs: Pick<JobStore, "list">;
  instances: Pick<InstanceStore, "list">;
  circuits: Pick<CircuitStore, "list">;
  reports: ReportStore;
  publishers: readonly ReportPublisher[];
  locks: LockStore;
  clock: Clock;
  logger: Logger;
  catalog: Catalog;
  github: GitHubPrices;
  services: ServicePrices;
  settings: CostReportSettings;
  /** A replica's lock owner name. */
  owner?: string;
}

/** A day's totals, stored beside its markdown so later reports can show trends cheaply. */
const SummarySchema = v.object({ date: v.string(), totalUsd: v.number(), ec2Usd: v.number() });
type Summary = v.InferOutput<typeof SummarySchema>;

/** A built report: its markdown and the totals. */
export interface CostReport {
  date: string;
  markdown: string;
  day: CostDay;
  summary: Summary;
}

/** Records read per store for one report; past this the report says it is partial in the log. */
const maxPages = 200;
const pageSize = 100;

async function readAll<T>(
  page: (cursor?: string) => Promise<{ items: T[]; next?: string }>,
): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  for (let n = 0; n < maxPages; n++) {
    const got = await page(cursor);
    out.push(...got.items);
    if (!got.next) break;
    cursor = got.next;
  }
  return out;
}

/** The daily cost report: built on demand, or made, stored and published once a day. */
export function createCostReports(deps: CostReportDeps) {
  const { settings, clock, logger } = deps;
  const owner = deps.owner ?? crypto.randomUUID();

  async function summaryOf(date: string): Promise<Summary | null> {
    const text = await deps.reports.get(reportKey(date, "json"));
    if (text === null) return null;
    const parsed = v.safeParse(SummarySchema, JSON.parse(text));
    return parsed.success ? parsed.output : null;
  }

  async function trends(date: string, total: number): Promise<Trends> {
    const earlier = await Promise.all(
      Array.from({ length: 29 }, (_, n) => daysBefore(date, n + 1)).map(summaryOf),
    );
    const days = [{ date, totalUsd: total }, ...earlier.filter((s) => s !== null)];
    const avg = (n: number) => {
      const within = days.filter((d) => d.date > daysBefore(date, n));
      const usd = within.reduce((s, d) => s + d.totalUsd, 0) / Math.max(1, within.length);
      return { usd, days: within.length };
    };
    const month = days.filter((d) => d.date.slice(0, 7) === date.slice(0, 7));
    return {
      avg7: avg(7),
      avg30: avg(30),
      monthToDate: { usd: month.reduce((s, d) => s + d.totalUsd, 0), days: month.length },
    };
  }

  /** Builds the report of `date` (today: up to now) without storing or sending it. */
  async function build(date: string): Promise<CostReport> {
    const window = dayWindow(date, settings.timeZone);
    const now = Math.min(clock.now(), window.to);
    const [instances, jobs, circuits] = await Promise.all([
      readAll<Instance>(async (cursor) => {
        const p = await deps.instances.list({ limit: pageSize, ...(cursor ? { cursor } : {}) });
        return { items: p.instances, ...(p.next ? { next: p.next } : {}) };
      }),
      readAll<Job>(async (cursor) => {
        const p = await deps.jobs.list({ limit: pageSize, ...(cursor ? { cursor } : {}) });
        return { items: p.jobs, ...(p.next ? { next: p.next } : {}) };
      }),
      deps.circuits.list(),
    ]);
    const day = costOfDay({
      window,
      now,
      instances: instances.filter((i) => Date.parse(i.launchedAt) < window.to),
      jobs,
      circuits,
      catalog: deps.catalog,
      github: deps.github,
      services: deps.services,
      stoppedDiskGiB: settings.stoppedDiskGiB,
      hostUsdPerHour: settings.hostUsdPerHour,
      heartbeatSeconds: settings.heartbeatSeconds,
      cacheUsd: null,
    });
    const markdown = renderCostReport(
      date,
      settings.timeZone,
      day,
      await trends(date, day.totalUsd),
    );
    const summary = { date, totalUsd: roundUsd(day.totalUsd), ec2Usd: roundUsd(day.ec2.usd) };
    return { date, markdown, day, summary };
  }

  /** Builds, stores (`cost/YYYY/MM/DD.md` and `.json`) and publishes the report of `date`. */
  async function run(date: string): Promise<CostReport> {
    const report = await build(date);
    await deps.reports.put(reportKey(date, "md"), report.markdown, "text/markdown; charset=utf-8");
    await deps.reports.put(
      reportKey(date, "json"),
      JSON.stringify(report.summary),
      "application/json",
    );
    for (const p of deps.publishers) {
      // One destination failing must not keep the report from the others; it is stored anyway.
      await p
        .publish({ subject: `runs-fleet cost report ${date}`, markdown: report.markdown })
        .catch((err) =>
          logger.error("cost report not published", { to: p.name, date, error: err }),
        );
    }
    logger.info("cost report made", { date, totalUsd: report.summary.totalUsd });
    return report;
  }

  /**
   * Makes the report that is due, once: skipped when it is stored already, and under a lock so
   * one replica makes it. Called from the housekeeping loop or tick; cheap when nothing is due.
   */
  async function tick(): Promise<{ date: string; made: boolean }> {
    const { date } = dueReport(clock.now(), settings);
    if ((await deps.reports.get(reportKey(date, "json"))) !== null) return { date, made: false };
    if (!(await deps.locks.acquire(`cost-report:${date}`, owner, 10 * 60_000)))
      return { date, made: false };
    await run(date);
    return { date, made: true };
  }

  /** Today's date where the report's time zone is. */
  const today = () => dateIn(clock.now(), settings.timeZone);

  return { build, run, tick, today, settings };
}
export type CostReports = ReturnType<typeof createCostReports>;
