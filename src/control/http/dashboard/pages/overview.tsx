/** @jsxImportSource hono/jsx */
import type { Instance } from "../../../domain/instance.ts";
import type { Job } from "../../../domain/job.ts";
import { BarChart, SplitBar } from "../charts.tsx";
import type { DashboardDeps } from "../deps.ts";
import { ActionButton, NotAvailable, type PageContext, Stat } from "../layout.tsx";
import {
  costOfDay,
  duration,
  jobsPerHour,
  marketSplit,
  percentile,
  queueWaits,
  usd,
} from "../stats.ts";

/** How many recent records the overview reads: enough for a day of a busy fleet's figures. */
const recent = 1000;

/** The overview: outcomes per hour, waits, instances by market, cost, circuits, DLQ. */
export async function overviewPage(deps: DashboardDeps, page: PageContext) {
  const now = deps.clock.now();
  const [jobPage, instancePage, circuits, dlqs] = await Promise.all([
    deps.jobs.list({ limit: recent }),
    deps.instances.list({ limit: recent }),
    deps.circuits.list(),
    deps.dlqDepths ? deps.dlqDepths().catch(() => null) : Promise.resolve(null),
  ]);
  const jobs: Job[] = jobPage.jobs;
  const instances: Instance[] = instancePage.instances;
  const hours = jobsPerHour(jobs, now);
  const waits = queueWaits(jobs.filter((j) => Date.parse(j.createdAt) > now - 86_400_000));
  const split = marketSplit(instances);
  const today = costOfDay(jobs, new Date(now).toISOString().slice(0, 10));
  const interruptions = jobs.filter((j) => j.retryCount > 0).length;
  const open = circuits.filter((c) => c.state !== "closed");
  const waiting = jobs.filter((j) => j.status === "queued").length;
  const running = jobs.filter((j) =>
    ["launching", "launched", "running"].includes(j.status),
  ).length;
  return (
    <>
      <section class="stats">
        <Stat label="Queued" value={waiting} />
        <Stat label="Launching or running" value={running} />
        <Stat
          label="Queue wait p50"
          value={duration(percentile(waits, 50))}
          note="queued → started, last 24 h"
        />
        <Stat
          label="Queue wait p95"
          value={duration(percentile(waits, 95))}
          note="queued → started, last 24 h"
        />
        <Stat
          label="Interrupted jobs"
          value={interruptions}
          note="jobs re-queued after a spot interruption"
        />
        <Stat
          label="Open circuits"
          value={open.length}
          note={open.map((c) => c.instanceType).join(", ")}
        />
      </section>
      <BarChart
        title="Jobs per hour by outcome (last 24 h, UTC)"
        labels={hours.map((h) => new Date(h.hourStart).toISOString().slice(11, 13))}
        series={[
          {
            name: "completed",
            className: "c-completed",
            values: hours.map((h) => h.counts.completed),
          },
          { name: "failed", className: "c-failed", values: hours.map((h) => h.counts.failed) },
          {
            name: "cancelled",
            className: "c-cancelled",
            values: hours.map((h) => h.counts.cancelled),
          },
          {
            name: "rejected",
            className: "c-rejected",
            values: hours.map((h) => h.counts.rejected),
          },
        ]}
      />
      <div class="row">
        <SplitBar
          title="Live instances"
          parts={[
            { name: "spot", value: split.spot, className: "c-spot" },
            { name: "on-demand", value: split.onDemand, className: "c-ondemand" },
          ]}
        />
        <SplitBar
          title={`Estimated cost today (${today.jobs} finished jobs)`}
          parts={[
            {
              name: `runs-fleet ${usd(today.instanceUsd)}`,
              value: Number(today.instanceUsd.toFixed(4)),
              className: "c-spot",
            },
            {
              name: `GitHub-hosted ${usd(today.githubHostedUsd)}`,
              value: Number(today.githubHostedUsd.toFixed(4)),
              className: "c-github",
            },
          ]}
        />
      </div>
      <section>
        <h2>Dead-letter queues</h2>
        {dlqs === null ? (
          <NotAvailable
            what="DLQ depth"
            why="The dead-letter queues could not be asked just now."
          />
        ) : dlqs.length === 0 ? (
          <p class="muted">No dead-letter queue is configured.</p>
        ) : (
          <section class="stats">
            {dlqs.map((d) => (
              <Stat label={`${d.name} DLQ`} value={d.depth} note="messages waiting (approximate)" />
            ))}
          </section>
        )}
        <ActionButton
          page={page}
          action="redrive-dlq"
          target="all"
          label="Redrive DLQs now"
          confirm="Move every dead letter back to its queue now?"
        />
      </section>
    </>
  );
}
