/** @jsxImportSource hono/jsx */

import type { DashboardDeps } from "../deps.ts";
import { NotAvailable } from "../layout.tsx";
import { Marked } from "../markdown.tsx";
import { costOfDay, usd } from "../stats.ts";

/** Cost by day: the daily report where the cost service renders one, else the jobs' own costs. */
export async function costPage(deps: DashboardDeps, date: string) {
  const report = deps.costReport ? await deps.costReport(date) : null;
  const { jobs } = await deps.jobs.list({ limit: 1000 });
  const today = new Date(deps.clock.now());
  const days = Array.from({ length: 7 }, (_, i) =>
    new Date(today.getTime() - i * 86_400_000).toISOString().slice(0, 10),
  );
  return (
    <>
      <nav class="days" aria-label="Days">
        {days.map((d) => (
          <a href={`/ui/cost?date=${d}`} aria-current={d === date ? "page" : undefined}>
            {d}
          </a>
        ))}
      </nav>
      {report ? (
        <article class="report">
          <Marked text={report.markdown} />
        </article>
      ) : (
        <NotAvailable
          what={`Cost report for ${date}`}
          why="No daily report is stored for this day; below, the finished jobs' own estimates."
        />
      )}
      <div class="table">
        <table>
          <thead>
            <tr>
              <th>Day (UTC)</th>
              <th>Finished jobs</th>
              <th>runs-fleet (estimated)</th>
              <th>GitHub-hosted</th>
            </tr>
          </thead>
          <tbody>
            {days.map((d) => {
              const c = costOfDay(jobs, d);
              return (
                <tr>
                  <td>{d}</td>
                  <td>{c.jobs}</td>
                  <td>{usd(c.instanceUsd)}</td>
                  <td>{usd(c.githubHostedUsd)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
