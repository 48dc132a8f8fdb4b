import { describe, expect, it } from "vitest";
import { sampleInstance } from "../../../test/support/instances.ts";
import { sampleJob } from "../../../test/support/jobs.ts";
import { renderCostReport } from "../services/cost/report-markdown.ts";
import { defaultCatalog } from "./catalog-default.ts";
import { billedSeconds, costInWindow } from "./cost.ts";
import { type CostDayInput, costOfDay } from "./cost-day.ts";
import { githubHostedCost, githubHostedPrices } from "./cost-github.ts";
import { jobCost } from "./cost-job.ts";
import { awsServicePrices } from "./cost-services.ts";

const day = { from: Date.parse("2026-03-01T00:00:00Z"), to: Date.parse("2026-03-02T00:00:00Z") };
const at = (hhmm: string, date = "2026-03-01") => `${date}T${hhmm}:00.000Z`;

function input(over: Partial<CostDayInput>): CostDayInput {
  return {
    window: day,
    now: day.to + 3.6e6,
    instances: [],
    jobs: [],
    circuits: [],
    catalog: defaultCatalog,
    github: githubHostedPrices,
    services: awsServicePrices,
    stoppedDiskGiB: 40,
    hostUsdPerHour: null,
    heartbeatSeconds: 30,
    cacheUsd: null,
    ...over,
  };
}

const sections = [
  "## EC2 compute",
  "## Storage & data",
  "## Supporting services",
  "## Versus GitHub-hosted",
  "## Cost trends",
  "## Top repositories",
  "## Recommendations",
];
const noTrends = {
  avg7: { usd: 0, days: 0 },
  avg30: { usd: 0, days: 0 },
  monthToDate: { usd: 0, days: 0 },
};

describe("billing", () => {
  it("bills whole seconds with a 60 s minimum", () => {
    expect(billedSeconds(0)).toBe(60);
    expect(billedSeconds(59_001)).toBe(60);
    expect(billedSeconds(61_200)).toBe(62);
  });

  it("splits a run over midnight between the two days, the minimum top-up to the first", () => {
    const run = { startMs: day.to - 1800_000, endMs: day.to + 1800_000 };
    expect(costInWindow(1, run, day).seconds).toBe(1800);
    expect(costInWindow(1, { startMs: day.from, endMs: day.from + 10_000 }, day).seconds).toBe(60);
  });

  it("prices GitHub-hosted minutes by OS, arch and size, per started minute", () => {
    const linux2 = { os: "linux", arch: "amd64", vcpu: 2 } as const;
    expect(githubHostedCost(githubHostedPrices, linux2, 90_000)).toEqual({
      minutes: 2,
      usd: 0.012,
    });
    const win = githubHostedCost(githubHostedPrices, { ...linux2, os: "windows" }, 60_000);
    expect(win.usd).toBeCloseTo(0.01, 10);
    const arm = githubHostedCost(githubHostedPrices, { ...linux2, arch: "arm64" }, 60_000);
    expect(arm.usd).toBeLessThan(0.006);
    const big = githubHostedCost(githubHostedPrices, { ...linux2, vcpu: 6 }, 60_000);
    expect(big.usd).toBeCloseTo(0.022, 10);
  });

  it("costs a job from its instance's launch price and lifetime", () => {
    const cost = jobCost({
      catalog: defaultCatalog,
      github: githubHostedPrices,
      instance: sampleInstance("i-1", { launchedAt: at("10:00"), usdPerHour: 0.036 }),
      spec: { os: "linux" },
      startedAt: at("10:02"),
      endedAtMs: Date.parse(at("11:00")),
    });
    expect(cost).toMatchObject({ billedSeconds: 3600, usdPerHour: 0.036, priceSource: "launch" });
    expect(cost?.instanceUsd).toBeCloseTo(0.036, 6);
    // 58 minutes on a 2-vCPU arm64 GitHub runner.
    expect(cost?.githubMinutes).toBe(58);
  });
});

describe("a synthetic day", () => {
  it("totals EC2 within 2 % of the hand-computed figure", () => {
    // Known lifetimes and launch prices: 3 h spot at 0.03, 90 min on-demand at 0.0725,
    // a 20 s run billed as a minute at 0.03, and 2 h of a run that began the day before at 0.1.
    const instances = [
      sampleInstance("i-a", {
        launchedAt: at("01:00"),
        terminatedAt: at("04:00"),
        state: "terminated",
        usdPerHour: 0.03,
      }),
      sampleInstance("i-b", {
        instanceType: "c7i.large",
        market: "on-demand",
        launchedAt: at("10:00"),
        terminatedAt: at("11:30"),
        state: "terminated",
        usdPerHour: 0.0725,
      }),
      sampleInstance("i-c", {
        launchedAt: "2026-03-01T12:00:00.000Z",
        terminatedAt: "2026-03-01T12:00:20.000Z",
        state: "terminated",
        usdPerHour: 0.03,
      }),
      sampleInstance("i-d", {
        instanceType: "m7g.large",
        launchedAt: at("22:00", "2026-02-28"),
        terminatedAt: at("02:00"),
        state: "terminated",
        usdPerHour: 0.1,
      }),
    ];
    const expected = 3 * 0.03 + 1.5 * 0.0725 + (60 / 3600) * 0.03 + 2 * 0.1;
    const jobs = [
      sampleJob({
        jobId: "1",
        repo: "o/a",
        instanceId: "i-a",
        status: "completed",
        startedAt: at("01:05"),
        completedAt: at("03:55"),
      }),
      sampleJob({
        jobId: "2",
        repo: "o/b",
        instanceId: "i-b",
        status: "completed",
        startedAt: at("10:03"),
        completedAt: at("11:29"),
      }),
    ];
    const result = costOfDay(input({ instances, jobs }));
    expect(Math.abs(result.ec2.usd - expected) / expected).toBeLessThan(0.02);
    expect(result.ec2.spot.hours).toBeCloseTo(3 + 60 / 3600 + 2, 6);
    expect(result.ec2.onDemand.hours).toBeCloseTo(1.5, 6);
    expect(result.ec2.spotSavingsUsd).toBeGreaterThan(0);
    expect(result.repos.map((r) => r.repo)).toEqual(["o/b", "o/a"]);
    expect(result.github.jobs).toBe(2);
    const md = renderCostReport("2026-03-01", "UTC", result, noTrends);
    for (const s of sections) expect(md).toContain(s);
  });

  it("reports a zero-activity day with every section and only the fixed costs", () => {
    const result = costOfDay(input({}));
    expect(result.ec2.usd).toBe(0);
    expect(result.github.usd).toBe(0);
    expect(result.totalUsd).toBeGreaterThan(0);
    expect(result.totalUsd).toBeLessThan(0.5);
    const md = renderCostReport("2026-03-01", "UTC", result, noTrends);
    for (const s of sections) expect(md).toContain(s);
    expect(md).toContain("Nothing to change today.");
  });

  it("recommends for idle pools, opened circuits and large short jobs", () => {
    const instances = [
      sampleInstance("i-p", {
        pool: "warm",
        launchedAt: at("00:00"),
        state: "standby",
        jobId: null,
      }),
      sampleInstance("i-x", {
        instanceType: "c7i.2xlarge",
        launchedAt: at("09:00"),
        terminatedAt: at("09:04"),
        state: "terminated",
      }),
    ];
    const spec = { ...sampleJob().spec!, cpu: { min: 8, max: 16 } };
    const jobs = [
      sampleJob({
        jobId: "9",
        repo: "o/c",
        spec,
        instanceId: "i-x",
        startedAt: at("09:01"),
        completedAt: at("09:03"),
        status: "completed",
      }),
    ];
    const circuits = [
      {
        instanceType: "c7g.large",
        state: "open",
        interruptions: [],
        openedAt: day.from + 3.6e6,
        resetAt: null,
        probeStartedAt: null,
        version: 1,
      },
    ] as never;
    const md = renderCostReport(
      "2026-03-01",
      "UTC",
      costOfDay(input({ instances, jobs, circuits })),
      noTrends,
    );
    expect(md).toMatch(/Pool `warm` ran .* served no job/);
    expect(md).toMatch(/spot circuit of `c7g.large` opened/);
    expect(md).toMatch(/Job 9 in o\/c asked for cpu=8/);
  });
});
