import { describe, expect, it } from "vitest";
import { readFleetFile } from "../entry/fleet-file.ts";
import { goesBefore, rank, scopesOf, waitingReason, waitingScopeOf } from "./capacity.ts";

const limits = {
  global: 100,
  environments: { staging: 10 },
  repositories: { "octo/app": 5 },
  organisations: { octo: 50 },
  agingMinutes: 10,
};

describe("capacity limits", () => {
  it("finds every limit a job falls under, broadest first", () => {
    expect(scopesOf({ repo: "octo/app", env: "staging" }, limits).map((s) => s.key)).toEqual([
      "global",
      "env:staging",
      "org:octo",
      "repo:octo/app",
    ]);
    expect(scopesOf({ repo: "other/x", env: "default" }, limits).map((s) => s.key)).toEqual([
      "global",
    ]);
  });

  it("names the limit in the waiting reason and reads it back", () => {
    const [scope] = scopesOf(
      { repo: "octo/app", env: "default" },
      { ...limits, global: undefined },
    );
    expect(waitingReason(scope!)).toBe(
      "waiting for capacity: organisation octo limit (50) reached [org:octo]",
    );
    expect(waitingScopeOf(waitingReason(scope!))).toBe("org:octo");
    expect(waitingScopeOf("launch failed, will retry")).toBeNull();
  });

  const t0 = Date.UTC(2026, 0, 1);
  it.each([
    ["high before normal", "high", t0 + 60_000, "normal", t0, t0 + 60_000, true],
    ["older first at equal priority", "normal", t0, "normal", t0 + 1, t0 + 2, true],
    [
      "low aged 20 min ties a fresh high and wins by age",
      "low",
      t0,
      "high",
      t0 + 20 * 60_000,
      t0 + 20 * 60_000,
      true,
    ],
    [
      "low aged 9 min stays behind normal",
      "low",
      t0,
      "normal",
      t0 + 9 * 60_000,
      t0 + 9 * 60_000,
      false,
    ],
  ] as const)("%s", (_n, pa, qa, pb, qb, now, expected) => {
    const a = { jobId: "a", priority: pa, queuedAt: qa };
    const b = { jobId: "b", priority: pb, queuedAt: qb };
    expect(goesBefore(a, b, now, 10)).toBe(expected);
  });

  it("ranks one level up per aging period", () => {
    expect(rank("low", t0, t0 + 35 * 60_000, 10)).toBe(3);
  });

  it("reads limits from the fleet file, and refuses a bad one with the field named", () => {
    const good = readFleetFile("limits:\n  global: 40\n  repositories:\n    octo/app: 4\n");
    expect(good.ok && good.value.limits).toMatchObject({
      global: 40,
      repositories: { "octo/app": 4 },
      agingMinutes: 10,
    });
    const bad = readFleetFile("limits:\n  global: 0\n  teams: {}\n");
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.problems.join("\n")).toMatch(/limits\.global/);
  });
});
