import { describe, expect, it } from "vitest";
import { sampleJob } from "../../../test/support/jobs.ts";
import type { Job } from "./job.ts";
import { computeSlos, type SloName, sloDefinitions, sloStatus, verdict } from "./slo.ts";

const t0 = Date.UTC(2026, 0, 1);
const iso = (ms: number) => new Date(ms).toISOString();
const launching = (afterMs: number) => [
  {
    at: iso(t0 + afterMs),
    from: "queued" as const,
    to: "launching" as const,
    reason: null,
    instanceId: null,
  },
];

function job(over: Partial<Job>): Job {
  return sampleJob({ createdAt: iso(t0), updatedAt: iso(t0), ...over });
}

describe("verdict", () => {
  const cases: [string, SloName, Partial<Job>, number, "good" | "bad" | null][] = [
    [
      "launch call in 2 s",
      "launch-call",
      { status: "launched", timeline: launching(2_000) },
      t0 + 60_000,
      "good",
    ],
    [
      "launch call in 6 s",
      "launch-call",
      { status: "launched", timeline: launching(6_000) },
      t0 + 60_000,
      "bad",
    ],
    [
      "still queued after 10 s",
      "launch-call",
      { status: "queued", timeline: [] },
      t0 + 10_000,
      "bad",
    ],
    ["still queued after 3 s", "launch-call", { status: "queued", timeline: [] }, t0 + 3_000, null],
    ["rejected jobs do not count", "launch-call", { status: "rejected" }, t0 + 60_000, null],
    [
      "cold spot start in 90 s",
      "cold-spot-start",
      { status: "running", startedAt: iso(t0 + 90_000) },
      t0 + 3_600_000,
      "good",
    ],
    [
      "cold spot start in 200 s",
      "cold-spot-start",
      { status: "running", startedAt: iso(t0 + 200_000) },
      t0 + 3_600_000,
      "bad",
    ],
    [
      "a retry is not cold",
      "cold-spot-start",
      { status: "running", retryCount: 1, startedAt: iso(t0 + 500_000) },
      t0 + 3_600_000,
      null,
    ],
    ["not started after 3 min", "cold-spot-start", { status: "launched" }, t0 + 180_000, "bad"],
    ["finished jobs are not lost", "no-job-lost", { status: "completed" }, t0 + 86_400_000, "good"],
    ["quiet for 9 h is lost", "no-job-lost", { status: "launched" }, t0 + 9 * 3_600_000, "bad"],
    ["quiet for 1 h is not yet", "no-job-lost", { status: "running" }, t0 + 3_600_000, null],
  ];
  it.each(cases)("%s", (_name, slo, over, now, expected) => {
    expect(verdict(slo, job(over), now)).toBe(expected);
  });

  it("does not count an on-demand job as a cold spot job", () => {
    const base = job({});
    const spec = base.spec ? { ...base.spec, spot: false } : null;
    expect(verdict("cold-spot-start", { ...base, spec }, t0 + 3_600_000)).toBeNull();
  });
});

describe("sloStatus", () => {
  const def = (name: SloName) => sloDefinitions.find((d) => d.name === name)!;
  const cases: [
    SloName,
    number,
    number,
    { sli: number; budgetRemaining: number; burnRate: number },
  ][] = [
    ["launch-call", 100, 0, { sli: 1, budgetRemaining: 1, burnRate: 0 }],
    ["launch-call", 99, 1, { sli: 0.99, budgetRemaining: 0, burnRate: 1 }],
    ["launch-call", 199, 1, { sli: 0.995, budgetRemaining: 0.5, burnRate: 0.5 }],
    ["cold-spot-start", 80, 20, { sli: 0.8, budgetRemaining: -3, burnRate: 4 }],
    ["no-job-lost", 10, 0, { sli: 1, budgetRemaining: 1, burnRate: 0 }],
    ["no-job-lost", 9, 1, { sli: 0.9, budgetRemaining: 0, burnRate: Number.POSITIVE_INFINITY }],
    ["launch-call", 0, 0, { sli: 1, budgetRemaining: 1, burnRate: 0 }],
  ];
  it.each(cases)("%s with %i good, %i bad", (name, good, bad, expected) => {
    const s = sloStatus(def(name), good, bad);
    expect(s.sli).toBeCloseTo(expected.sli, 10);
    expect(s.budgetRemaining).toBeCloseTo(expected.budgetRemaining, 10);
    if (Number.isFinite(expected.burnRate)) expect(s.burnRate).toBeCloseTo(expected.burnRate, 10);
    else expect(s.burnRate).toBe(expected.burnRate);
  });

  it("computes every SLO over a set of jobs", () => {
    const jobs = [
      job({ status: "completed", timeline: launching(1_000), startedAt: iso(t0 + 60_000) }),
      job({
        jobId: "2",
        status: "completed",
        timeline: launching(9_000),
        startedAt: iso(t0 + 300_000),
      }),
    ];
    const out = computeSlos(jobs, t0 + 3_600_000);
    expect(out.map((s) => [s.name, s.good, s.bad])).toEqual([
      ["launch-call", 1, 1],
      ["cold-spot-start", 1, 1],
      ["no-job-lost", 2, 0],
    ]);
  });
});
