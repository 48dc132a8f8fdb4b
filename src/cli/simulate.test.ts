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
    [["--wait-target", "4"], "--wait-target must be a whole number of seconds 5–3600"],
    [["--wait-target", "3601"], "--wait-target must be a whole number of seconds 5–3600"],
    [["--wait-target", "1.5"], "--wait-target must be a whole number of seconds 5–3600"],
    [["--threads", "9"], "--threads must be a whole number 1–8"],
  ])("refuses %j with a clear message", async (argv, message) => {
    const out = await simulateCommand(argv);
    expect(out.exitCode).toBe(2);
    expect(out.stderr).toContain(message);
  });

  it("prints the pool sizes per hour for the asked wait target", async () => {
    const read = { readTextFile: async () => trace };
    const run = (target: string) =>
      simulateCommand(["--trace", "t.csv", "--policies", "breaker", "--wait-target", target], read);
    const strict = await run("5");
    const loose = await run("3600");
    expect(strict.exitCode).toBe(0);
    expect(strict.stdout).toMatch(/breaker\s+2\s/);
    expect(strict.stdout).toContain("pool sizes for p95 wait ≤ 5 s");
    expect(strict.stdout).toMatch(/ {2}weekdays 0:\d+ 1:\d+ .* 23:\d+\n/);
    expect(strict.stdout).toMatch(/ {2}weekends 0:\d+ .* 23:\d+\n/);
    // A trace is replayed from the simulation's start, Monday 00:00 UTC; its one plain
    // `runs-fleet` job is the pool's. A 5 s target needs one member then (a cold boot is ~45 s;
    // not the most there is because no size makes the very first job warm), an hour's wait none.
    expect(strict.stdout).toContain("  weekdays 0:1 1:0 ");
    expect(loose.stdout).toContain("pool sizes for p95 wait ≤ 3600 s");
    expect(loose.stdout).toContain("  weekdays 0:0 1:0 ");
  });

  it("gives the same report on worker threads as in one thread", async () => {
    const read = { readTextFile: async () => trace };
    const args = ["--trace", "t.csv", "--json", "--policies", "breaker-pools,on-demand,breaker"];
    const one = await simulateCommand([...args, "--threads", "1"], read);
    const two = await simulateCommand([...args, "--threads", "2"], read);
    expect(one.exitCode).toBe(0);
    expect(JSON.parse(two.stdout)).toEqual(JSON.parse(one.stdout));
    expect(JSON.parse(one.stdout).policies.map((p: { name: string }) => p.name)).toEqual([
      "breaker-pools",
      "on-demand",
      "breaker",
    ]);
  });

  it("names the bad lines of a trace", async () => {
    const out = await simulateCommand(["--trace", "t.csv"], {
      readTextFile: async () => "soon,1,runs-fleet\n",
    });
    expect(out.exitCode).toBe(2);
    expect(out.stderr).toContain("line 1: queued_at must be an ISO time or epoch seconds");
  });
});
