import { describe, expect, it } from "vitest";
import { simulateCommand } from "./simulate.ts";

const trace =
  "queued_at,duration_seconds,labels\n2026-01-05T10:00:00Z,120,runs-fleet\n2026-01-05T10:00:30Z,60,runs-fleet/cpu=4\n";

describe("runs-fleet simulate", () => {
  it("replays a trace and prints JSON in the issue's shape", async () => {
    const out = await simulateCommand(
      ["--trace", "t.csv", "--json", "--seed", "9", "--policies", "on-demand,breaker"],
      {
        readTextFile: async () => trace,
      },
    );
    expect(out.exitCode).toBe(0);
    const report = JSON.parse(out.stdout);
    expect(report).toMatchObject({ profile: "trace t.csv", seed: 9 });
    expect(report.policies.map((p: { name: string }) => p.name)).toEqual(["on-demand", "breaker"]);
    for (const p of report.policies) {
      expect(Object.keys(p)).toEqual(
        expect.arrayContaining([
          "name",
          "jobs",
          "costUsd",
          "githubHostedUsd",
          "interruptions",
          "churn",
          "failed",
          "lost",
          "waitSeconds",
        ]),
      );
      expect(p).toMatchObject({ jobs: 2, lost: 0 });
    }
  });

  it.each([
    [["--days", "0"], "--days must be a whole number 1–31"],
    [["--profile", "huge"], 'unknown profile "huge"'],
    [["--policies", "yolo"], 'unknown policy "yolo"'],
    [["--profile", "small-team", "--trace", "x"], "give --profile or --trace, not both"],
    [["--bogus"], "Unknown option '--bogus'"],
  ])("refuses %j with a clear message", async (argv, message) => {
    const out = await simulateCommand(argv);
    expect(out.exitCode).toBe(2);
    expect(out.stderr).toContain(message);
  });

  it("names the bad lines of a trace", async () => {
    const out = await simulateCommand(["--trace", "t.csv"], {
      readTextFile: async () => "soon,1,runs-fleet\n",
    });
    expect(out.exitCode).toBe(2);
    expect(out.stderr).toContain("line 1: queued_at must be an ISO time or epoch seconds");
  });
});
