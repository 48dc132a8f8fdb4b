import { describe, expect, it } from "vitest";
import { localPlacementConfig } from "../control/adapters/local/local-placement.ts";
import { policyNames } from "./policies.ts";
import { createRng } from "./prng.ts";
import { defaultModel, simulate } from "./simulate.ts";
import { generateWorkload, profiles, type WorkItem } from "./workload.ts";

/** Two hours of a busy morning: a few hundred jobs, Linux and Windows, some matrices. */
function morning(): WorkItem[] {
  const items = generateWorkload(profiles["busy-org"]!, 1, Date.UTC(2026, 0, 5), createRng(7));
  return items
    .filter((i) => i.at >= 9 * 3_600_000 && i.at < 10 * 3_600_000)
    .map((i) => ({ ...i, at: i.at - 9 * 3_600_000 }));
}

const items = morning();
const base = { seed: 3, days: 1, workload: { name: "morning", items } } as const;

describe("simulate", () => {
  it("loses no job under any policy, and bills spot only where spot was asked", async () => {
    const report = await simulate({ ...base, policies: policyNames });
    for (const p of report.policies) {
      expect(p.lost, p.name).toBe(0);
      expect(p.jobs).toBe(items.length);
    }
    const byName = Object.fromEntries(report.policies.map((p) => [p.name, p]));
    // `spot=false` labels go through the real parser and placement: not a cent on spot.
    expect(byName["on-demand"]?.spotUsd).toBe(0);
    expect(byName["on-demand"]?.interruptions).toBe(0);
    expect(byName.breaker?.spotUsd).toBeGreaterThan(0);
    expect(byName.breaker?.costUsd).toBeLessThan(byName["on-demand"]?.costUsd ?? 0);
  }, 60_000);

  it("gives the same numbers for the same seed, other numbers for another", async () => {
    const once = await simulate({ ...base, policies: ["breaker"] });
    const twice = await simulate({ ...base, policies: ["breaker"] });
    const other = await simulate({ ...base, seed: 4, policies: ["breaker"] });
    expect(twice).toEqual(once);
    expect(other.policies[0]).not.toEqual(once.policies[0]);
  }, 60_000);

  it("runs the real placement: without a Windows launch template, Windows jobs fail", async () => {
    const placement = localPlacementConfig("us-east-1", ["default"]);
    const { "windows-amd64": _gone, ...linuxOnly } = placement.launchTemplates;
    const windows = items.filter((i) => i.labels.some((l) => l.includes("os=windows"))).length;
    expect(windows).toBeGreaterThan(0);
    const report = await simulate({
      ...base,
      policies: ["breaker"],
      placement: { ...placement, launchTemplates: linuxOnly },
    });
    expect(report.policies[0]).toMatchObject({ failed: windows, lost: 0 });
  }, 60_000);

  it("cuts churn with the breaker when a type is bad", async () => {
    const report = await simulate({
      ...base,
      policies: ["naive-spot", "breaker"],
      model: { ...defaultModel("c8g.large"), burstEveryHours: 0.5, burstHours: 2 },
    });
    const [naive, breaker] = report.policies;
    expect(naive!.churn).toBeGreaterThan(breaker!.churn);
  }, 60_000);

  it("keeps the fleet within a global limit, and still loses nothing", async () => {
    const limits = {
      global: 10,
      environments: {},
      repositories: {},
      organisations: {},
      agingMinutes: 10,
    };
    const some = { name: "some", items: items.slice(0, 60) };
    const report = await simulate({ ...base, workload: some, policies: ["breaker"], limits });
    expect(report.policies[0]!.peakInstances).toBeLessThanOrEqual(10);
    expect(report.policies[0]!.lost).toBe(0);
    const free = await simulate({ ...base, workload: some, policies: ["breaker"] });
    expect(free.policies[0]!.peakInstances).toBeGreaterThan(10);
  }, 60_000);
});
