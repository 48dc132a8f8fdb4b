import type { CostDay } from "../../domain/cost-day.ts";
import { recommendations } from "./recommendations.ts";

/** Earlier days' totals, for the trends section. */
export interface Trends {
  avg7: { usd: number; days: number };
  avg30: { usd: number; days: number };
  monthToDate: { usd: number; days: number };
}

const $ = (usd: number) => `$${usd < 10 ? usd.toFixed(4) : usd.toFixed(2)}`;
const h = (hours: number) => hours.toFixed(2);

function ec2Section(day: CostDay): string[] {
  const { ec2 } = day;
  const rows = ec2.lines.map(
    (l) => `| ${l.instanceType} | ${l.market} | ${l.instances} | ${h(l.hours)} | ${$(l.usd)} |`,
  );
  return [
    "## EC2 compute",
    "",
    `Spot: ${h(ec2.spot.hours)} instance-hours, ${$(ec2.spot.usd)}. On-demand: ${h(ec2.onDemand.hours)} instance-hours, ${$(ec2.onDemand.usd)}. Total: **${$(ec2.usd)}**.`,
    `Spot savings: ${$(ec2.spotSavingsUsd)} against the same hours on demand.`,
    "",
    "| type | market | instances | hours | cost |",
    "|---|---|---:|---:|---:|",
    ...(rows.length > 0 ? rows : ["| — | — | 0 | 0.00 | $0.0000 |"]),
  ];
}

function storageSection(day: CostDay): string[] {
  const cache =
    day.storage.cacheUsd === null
      ? "Cache storage: none configured."
      : `Cache storage: ${$(day.storage.cacheUsd)}.`;
  return [
    "## Storage & data",
    "",
    `EBS of stopped pool instances: ${h(day.storage.stoppedGibHours)} GiB-hours, ${$(day.storage.ebsUsd)}.`,
    cache,
  ];
}

function servicesSection(day: CostDay): string[] {
  const s = day.services;
  const host =
    s.host.kind === "lambda" ? "Lambda (estimated from invocations)" : "long-running host";
  return [
    "## Supporting services",
    "",
    "Estimates from the day's activity at list prices.",
    "",
    "| service | volume | cost |",
    "|---|---:|---:|",
    `| ${host} | — | ${$(s.host.usd)} |`,
    `| SQS | ${s.sqs.requests} requests | ${$(s.sqs.usd)} |`,
    `| DynamoDB | ${s.dynamodb.writes} writes, ${s.dynamodb.reads} reads | ${$(s.dynamodb.usd)} |`,
    `| CloudWatch | metrics, dashboard, alarms | ${$(s.cloudwatch.usd)} |`,
    "",
    `Total: ${$(s.usd)}.`,
  ];
}

function githubSection(day: CostDay): string[] {
  const ours = day.ec2.usd;
  const ratio =
    day.github.usd > 0
      ? `runs-fleet's EC2 cost is ${((ours / day.github.usd) * 100).toFixed(0)} % of it.`
      : "No finished job to compare.";
  return [
    "## Versus GitHub-hosted",
    "",
    `${day.github.jobs} job(s), ${day.github.minutes} minutes on GitHub-hosted runners of the same size would cost ${$(day.github.usd)} at list price; ${ratio}`,
  ];
}

function trendsSection(day: CostDay, t: Trends): string[] {
  const avg = (a: { usd: number; days: number }) =>
    a.days === 0 ? "no earlier report" : `${$(a.usd)} a day over ${a.days} day(s) with a report`;
  return [
    "## Cost trends",
    "",
    `- This day: ${$(day.totalUsd)}`,
    `- 7-day average: ${avg(t.avg7)}`,
    `- 30-day average: ${avg(t.avg30)}`,
    `- Month to date: ${$(t.monthToDate.usd)} (${t.monthToDate.days} day(s))`,
  ];
}

function reposSection(day: CostDay): string[] {
  const top = day.repos.slice(0, 10);
  return [
    "## Top repositories",
    "",
    ...(top.length === 0
      ? ["No job ran."]
      : [
          "| repository | jobs | minutes | EC2 cost |",
          "|---|---:|---:|---:|",
          ...top.map((r) => `| ${r.repo} | ${r.jobs} | ${r.minutes} | ${$(r.usd)} |`),
        ]),
  ];
}

/** The daily cost report as markdown, every section present even on a quiet day. */
export function renderCostReport(date: string, timeZone: string, day: CostDay, t: Trends): string {
  const recs = recommendations(day);
  return [
    `# runs-fleet cost report — ${date}`,
    "",
    `Day: ${date} (${timeZone}). Total: **${$(day.totalUsd)}** (EC2 ${$(day.ec2.usd)}, storage ${$(day.storage.ebsUsd + (day.storage.cacheUsd ?? 0))}, supporting services ${$(day.services.usd)}).`,
    "",
    ...ec2Section(day),
    "",
    ...storageSection(day),
    "",
    ...servicesSection(day),
    "",
    ...githubSection(day),
    "",
    ...trendsSection(day, t),
    "",
    ...reposSection(day),
    "",
    "## Recommendations",
    "",
    ...(recs.length === 0 ? ["Nothing to change today."] : recs.map((r) => `- ${r}`)),
    "",
  ].join("\n");
}
