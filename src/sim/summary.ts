import type { PolicyName } from "./policies.ts";
import type { PolicyRun } from "./run-policy.ts";
import { percentile } from "./stats.ts";

/** One policy's figures, as `--json` prints them. */
export interface PolicySummary {
  name: PolicyName;
  jobs: number;
  costUsd: number;
  spotUsd: number;
  onDemandUsd: number;
  githubHostedUsd: number;
  /** Our cost over GitHub-hosted for the same minutes. */
  costRatio: number;
  interruptions: number;
  /** Launches caused by interruptions: every launch after the first of an interrupted job. */
  churn: number;
  failed: number;
  /** Jobs neither finished nor failed when the run ended. */
  lost: number;
  waitSeconds: { p50: number; p95: number; p99: number };
  /** Most instances alive at once. */
  peakInstances: number;
}

const cents = (usd: number) => Math.round(usd * 100) / 100;

/** Summarises a run: costs, waits (queued → the finishing attempt's start), churn, losses. */
export function summarise(name: PolicyName, run: PolicyRun): PolicySummary {
  const waits = run.outcomes
    .filter((o) => o.completed && o.startedAt !== null)
    .map((o) => ((o.startedAt ?? 0) - o.queuedAt) / 1000)
    .sort((a, b) => a - b);
  const costUsd = run.cost.spot + run.cost["on-demand"];
  return {
    name,
    jobs: run.outcomes.length,
    costUsd: cents(costUsd),
    spotUsd: cents(run.cost.spot),
    onDemandUsd: cents(run.cost["on-demand"]),
    githubHostedUsd: cents(run.githubHostedUsd),
    costRatio:
      run.githubHostedUsd > 0 ? Math.round((costUsd / run.githubHostedUsd) * 1000) / 1000 : 0,
    interruptions: run.interruptions,
    churn: run.outcomes.reduce(
      (n, o) => n + (o.interruptions > 0 ? Math.max(0, o.launches - 1) : 0),
      0,
    ),
    failed: run.outcomes.filter((o) => o.failed).length,
    lost: run.outcomes.filter((o) => !o.completed && !o.failed).length,
    waitSeconds: {
      p50: Math.round(percentile(waits, 0.5)),
      p95: Math.round(percentile(waits, 0.95)),
      p99: Math.round(percentile(waits, 0.99)),
    },
    peakInstances: run.peakInstances,
  };
}

/** The comparison as a table for people. */
export function formatTable(
  head: { profile: string; days: number; seed: number },
  rows: readonly PolicySummary[],
): string {
  const header = [
    "policy",
    "jobs",
    "cost $",
    "GitHub $",
    "ratio",
    "wait p50/p95/p99 s",
    "interrupts",
    "churn",
    "failed",
    "lost",
  ];
  const lines = rows.map((r) => [
    r.name,
    String(r.jobs),
    r.costUsd.toFixed(2),
    r.githubHostedUsd.toFixed(2),
    r.costRatio.toFixed(3),
    `${r.waitSeconds.p50}/${r.waitSeconds.p95}/${r.waitSeconds.p99}`,
    String(r.interruptions),
    String(r.churn),
    String(r.failed),
    String(r.lost),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [
    `profile ${head.profile}, ${head.days} day(s), seed ${head.seed}`,
    fmt(header),
    ...lines.map(fmt),
    "",
  ].join("\n");
}
